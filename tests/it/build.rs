//! The good fixture builds into the content model's output tree, renders what authors wrote
//! (typography, links, sanitized HTML, translations), and `check` writes nothing.

use crate::harness::{TestSite, errors, fixtures, main_of};

/// Every file the content model's output tree promises for the good fixture.
const EXPECTED_FILES: &[&str] = &[
    "index.html",
    "404.html",
    "sitemap.xml",
    "style.css",
    "en/index.html",
    "fr/index.html",
    // Section listings, with localized slugs.
    "en/case-studies/index.html",
    "fr/etudes-de-cas/index.html",
    "en/lessons/index.html",
    "fr/lecons/index.html",
    "en/recommendations/index.html",
    "fr/recommandations/index.html",
    "en/forums/index.html",
    "fr/forums/index.html",
    "en/about/index.html",
    "fr/a-propos/index.html",
    // One page per content page and language; a French `slug` localizes the URL.
    "en/case-studies/food-hub-montreal-nord/index.html",
    "fr/etudes-de-cas/carrefour-alimentaire-montreal-nord/index.html",
    "en/case-studies/vaccination-ambassadors-toronto/index.html",
    "en/lessons/partnerships-last/index.html",
    "fr/lecons/partnerships-last/index.html",
    "en/recommendations/fund-food-hubs/index.html",
    "fr/recommandations/financer-les-carrefours-alimentaires/index.html",
    "en/forums/cross-learning-forum/index.html",
    "fr/forums/forum-apprentissage-croise/index.html",
    "en/about/methodology/index.html",
    "fr/a-propos/methodologie/index.html",
    // Taxonomy index and term pages, per language.
    "en/cities/index.html",
    "fr/villes/index.html",
    "en/cities/montreal/index.html",
    "fr/villes/montreal/index.html",
    "en/populations/refugees/index.html",
    "fr/populations/personnes-refugiees/index.html",
    "en/audiences/index.html",
    "fr/destinataires/municipalites/index.html",
    "en/sectors/community/index.html",
    "fr/secteurs/public/index.html",
    "en/themes/food-security/index.html",
    "en/provinces/quebec/index.html",
    "en/actions/collaboration/index.html",
    // Search pages, feeds, calendars.
    "en/search/index.html",
    "fr/recherche/index.html",
    "en/atom.xml",
    "fr/atom.xml",
    "en/forums/calendar.ics",
    "fr/forums/calendar.ics",
];

#[test]
fn good_site_builds_every_file_of_the_output_tree() {
    let site = TestSite::new("good");
    site.build_ok();
    let files = site.tree("public");
    let missing: Vec<&&str> = EXPECTED_FILES
        .iter()
        .filter(|f| !files.contains_key(**f))
        .collect();
    assert!(
        missing.is_empty(),
        "missing from public/: {missing:#?}\nbuilt: {:#?}",
        files.keys()
    );
    // A page exists only in the languages it was written in.
    assert!(!files.contains_key("fr/etudes-de-cas/vaccination-ambassadors-toronto/index.html"));
    // The French file's `slug` replaces its name; the English name is not reused.
    assert!(!files.contains_key("fr/etudes-de-cas/food-hub-montreal-nord/index.html"));
    // The staged write leaves nothing beside public/.
    let strays: Vec<String> = std::fs::read_dir(site.root())
        .expect("read root")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".public"))
        .collect();
    assert!(strays.is_empty(), "left behind: {strays:?}");
}

#[test]
fn good_site_stderr_has_the_one_missing_translation_warning() {
    let site = TestSite::new("good");
    let run = site.build_ok();
    assert_eq!(run.stdout, "", "build prints its report on stderr only");
    insta::assert_snapshot!(run.stderr());
}

#[test]
fn check_writes_nothing() {
    let site = TestSite::new("good");
    let before = site.tree("");
    let run = site.check();
    run.assert_code(0);
    assert_eq!(site.tree(""), before, "check changed the site folder");
    assert!(!site.path("public").exists());
    assert!(
        !run.stderr().contains("built "),
        "check says it built a site:\n{}",
        run.stderr()
    );
    insta::assert_snapshot!(run.stderr());
}

#[test]
fn a_site_with_no_themes_folder_builds_with_the_built_in_theme() {
    let mut entries: Vec<String> = std::fs::read_dir(fixtures().join("good"))
        .expect("read fixture")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    entries.sort();
    assert_eq!(
        entries,
        ["content", "site.toml"],
        "the good fixture must stay a site with no themes/ or templates/ folder"
    );
    let site = TestSite::new("good");
    site.build_ok();
    let css = site.public("style.css");
    assert!(
        !css.trim().is_empty(),
        "the built-in theme's style.css is empty"
    );
    let page = site.public("en/index.html");
    assert!(page.contains("<link rel=\"stylesheet\" href=\"/style.css\">"));
}

#[test]
fn a_successful_build_replaces_the_previous_site() {
    let site = TestSite::new("good");
    site.build_ok();
    site.write("public/stale.html", "<html lang=\"en\"></html>");
    site.remove("content/pages/methodology.fr.md");
    site.build_ok();
    assert!(!site.path("public/stale.html").exists());
    assert!(
        !site
            .path("public/fr/a-propos/methodologie/index.html")
            .exists()
    );
    assert!(site.path("public/en/about/methodology/index.html").exists());
}

/// A rebuild links the files that did not change to the previous site's (no new inode),
/// writes the others afresh, and never writes through a link: a file of the previous
/// site edited by hand is replaced, not kept, and the previous site is not changed
/// before the swap.
#[cfg(unix)]
#[test]
fn a_rebuild_reuses_unchanged_files_and_rewrites_the_others() {
    use std::os::unix::fs::MetadataExt;
    let site = TestSite::new("good");
    site.build_ok();
    let inode = |rel: &str| {
        std::fs::metadata(site.path(&format!("public/{rel}")))
            .expect("built file")
            .ino()
    };
    let unchanged = "en/about/methodology/index.html";
    let edited_by_hand = "en/index.html";
    let changed = "en/lessons/partnerships-last/index.html";
    let before = (inode(unchanged), inode(edited_by_hand), inode(changed));
    let clean = site.public(edited_by_hand);
    // Same length, other bytes: only a full comparison tells them apart.
    let tampered: String = clean.chars().rev().collect();
    site.write(&format!("public/{edited_by_hand}"), &tampered);
    let lesson = site.read("content/lessons/partnerships-last.md");
    site.write(
        "content/lessons/partnerships-last.md",
        format!("{lesson}\nOne more sentence for the rebuild.\n"),
    );
    let held = std::fs::File::open(site.path(&format!("public/{unchanged}"))).expect("open");
    site.build_ok();
    assert_eq!(
        inode(unchanged),
        before.0,
        "an unchanged file is linked, not rewritten"
    );
    assert_ne!(inode(changed), before.2, "a changed file is a new file");
    assert!(
        site.public(changed)
            .contains("One more sentence for the rebuild.")
    );
    assert_eq!(
        site.public(edited_by_hand),
        clean,
        "a file edited in public/ is rebuilt"
    );
    assert_ne!(inode(edited_by_hand), before.1);
    // The previous site waits in .passerelle/output-folders/ for the next build, which
    // empties it and writes into its folders; its unchanged files are links to the new
    // site's, and nothing else holds them.
    let kept = site.path(&format!(".passerelle/output-folders/{unchanged}"));
    assert_eq!(std::fs::metadata(&kept).expect("kept").ino(), before.0);
    assert_eq!(held.metadata().expect("metadata").nlink(), 2);
    site.build_ok();
    assert_eq!(held.metadata().expect("metadata").nlink(), 2);
    assert_eq!(inode(unchanged), before.0);
    assert_eq!(
        site.tree("public"),
        {
            let fresh = TestSite::new("good");
            fresh.write(
                "content/lessons/partnerships-last.md",
                site.read("content/lessons/partnerships-last.md"),
            );
            fresh.build_ok();
            fresh.tree("public")
        },
        "a rebuild gives what a clean build gives"
    );
}

/// A build killed while tantivy wrote or cleaned up can leave `.passerelle/index/` with a
/// meta.json naming segment files that are gone. The index is only a cache: the next
/// build makes it again instead of failing.
#[test]
fn an_index_with_missing_segment_files_is_rebuilt() {
    let site = TestSite::new("good");
    site.build_ok();
    let index = site.path(".passerelle/index");
    let mut removed = 0;
    for entry in std::fs::read_dir(&index).expect("index folder").flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.ends_with(".idx") || name.ends_with(".store") {
            std::fs::remove_file(entry.path()).expect("remove segment file");
            removed += 1;
        }
    }
    assert!(removed > 0, "the index has no segment files to remove");
    let before = site.tree("public");
    site.build_ok();
    assert_eq!(
        site.tree("public"),
        before,
        "the rebuilt index gives the same site"
    );
    let run = site.run(&["search", "ambassadors", "--json"]);
    run.assert_code(0);
    assert!(
        run.stdout.contains("vaccination-ambassadors-toronto"),
        "{}",
        run.stdout
    );
}

#[test]
fn raw_html_is_sanitized_by_default() {
    let site = TestSite::new("good");
    site.build_ok();
    let source = site.read("content/case-studies/food-hub-montreal-nord.md");
    for needle in ["<script>", "onclick=", "javascript:"] {
        assert!(source.contains(needle), "the fixture lost its {needle}");
    }
    // The payloads are gone from every file (the theme's own search script is not content).
    for (path, bytes) in site.tree("public") {
        let text = String::from_utf8_lossy(&bytes).to_lowercase();
        for needle in ["pwned", "alert(", "onclick", "javascript:"] {
            assert!(
                !text.contains(needle),
                "{path} contains {needle} under raw_html = \"sanitize\""
            );
        }
    }
    let page = site.public("en/case-studies/food-hub-montreal-nord/index.html");
    assert!(!page.contains("<script"), "{}", main_of(&page));
    // Sanitizing keeps the harmless part of the raw HTML.
    assert!(
        page.contains("<p>Click-free paragraph.</p>"),
        "{}",
        main_of(&page)
    );
}

#[test]
fn markdown_tables_footnotes_strikethrough_and_anchored_key_links() {
    let site = TestSite::new("good");
    site.build_ok();
    let page = site.public("en/case-studies/food-hub-montreal-nord/index.html");
    let main = main_of(&page);
    assert!(main.contains("<table>"), "{main}");
    assert!(main.contains("<del>weekly</del>"), "{main}");
    assert!(main.contains("class=\"footnote-definition\""), "{main}");
    assert!(
        main.contains("<a href=\"/en/lessons/partnerships-last/#why-it-works\">lesson</a>"),
        "{main}"
    );
    let lesson = site.public("en/lessons/partnerships-last/index.html");
    assert!(lesson.contains("id=\"why-it-works\""));
}

#[test]
fn a_key_link_to_a_page_only_in_the_other_language_has_hreflang() {
    let site = TestSite::new("good");
    site.build_ok();
    let page = site.public("fr/etudes-de-cas/carrefour-alimentaire-montreal-nord/index.html");
    assert!(
        main_of(&page).contains(
            "<a href=\"/en/case-studies/vaccination-ambassadors-toronto/\" hreflang=\"en\">"
        ),
        "{}",
        main_of(&page)
    );
}

#[test]
fn french_pages_get_no_break_spaces_but_code_does_not() {
    const NBSP: char = '\u{a0}';
    const NNBSP: char = '\u{202f}';
    let site = TestSite::new("good");
    site.build_ok();
    let page = site.public("fr/etudes-de-cas/carrefour-alimentaire-montreal-nord/index.html");
    let main = main_of(&page);
    assert!(
        main.contains(&format!(
            "«{NBSP}confinées{NBSP}»{NBSP}: une réussite{NNBSP}! Pourquoi{NNBSP}?"
        )),
        "{main}"
    );
    // Inline code and code blocks keep the author's plain spaces.
    assert!(main.contains("<code>a : b</code>"), "{main}");
    assert!(main.contains("clé : valeur"), "{main}");
    // Front-matter text shown on the page gets the same treatment.
    assert!(
        main.contains(&format!("carrefour alimentaire{NBSP}: une première")),
        "{main}"
    );
    // English pages are left alone.
    let en = site.public("en/case-studies/food-hub-montreal-nord/index.html");
    assert!(!main_of(&en).contains(NNBSP));
}

#[test]
fn a_file_with_a_bom_and_crlf_line_ends_reads_like_any_other() {
    let site = TestSite::new("good");
    let source = std::fs::read(site.path("content/recommendations/fund-food-hubs.fr.md"))
        .expect("read fixture");
    assert!(
        source.starts_with(b"\xef\xbb\xbf---\r\n"),
        "the fixture lost its BOM or CRLF"
    );
    site.build_ok();
    let page = site.public("fr/recommandations/financer-les-carrefours-alimentaires/index.html");
    assert!(page.contains("<h1>Financer les carrefours alimentaires après l’urgence</h1>"));
    assert!(page.contains("Ce fichier commence par un BOM"));
    // The search form's .bin files are deflated: bytes, not text.
    for (path, bytes) in site
        .tree("public")
        .into_iter()
        .filter(|(p, _)| !p.ends_with(".bin"))
    {
        let text = String::from_utf8_lossy(&bytes);
        assert!(!text.contains('\u{feff}'), "{path} contains a BOM");
        if !path.ends_with(".ics") {
            assert!(!text.contains('\r'), "{path} contains a carriage return");
        }
    }
}

#[test]
fn a_page_without_translation_says_so_in_its_language_switch() {
    let site = TestSite::new("good");
    site.build_ok();
    let page = site.public("en/case-studies/vaccination-ambassadors-toronto/index.html");
    let switch = page
        .split("<nav class=\"lang-switch\"")
        .nth(1)
        .and_then(|s| s.split("</nav>").next())
        .expect("page has a language switch");
    assert!(switch.contains("class=\"no-translation\""), "{switch}");
    assert!(
        !switch.contains("/fr/etudes-de-cas/vaccination"),
        "{switch}"
    );
    assert!(!page.contains("hreflang=\"fr\" href=\"https://example.org/fr/etudes-de-cas"));
    // A translated page's switch lands on its translation.
    let page = site.public("en/case-studies/food-hub-montreal-nord/index.html");
    assert!(page.contains(
        "href=\"/fr/etudes-de-cas/carrefour-alimentaire-montreal-nord/\" hreflang=\"fr\" lang=\"fr\">"
    ));
}

#[test]
fn dates_are_formatted_for_the_page_language() {
    let site = TestSite::new("good");
    site.build_ok();
    let en = site.public("en/forums/cross-learning-forum/index.html");
    let fr = site.public("fr/forums/forum-apprentissage-croise/index.html");
    assert!(main_of(&en).contains("March 12, 2099"), "{}", main_of(&en));
    assert!(main_of(&fr).contains("12 mars 2099"), "{}", main_of(&fr));
}

#[test]
fn main_of_an_english_case_study() {
    let site = TestSite::new("good");
    site.build_ok();
    let page = site.public("en/case-studies/food-hub-montreal-nord/index.html");
    insta::assert_snapshot!(main_of(&page));
}

#[test]
fn main_of_a_french_case_study() {
    let site = TestSite::new("good");
    site.build_ok();
    let page = site.public("fr/etudes-de-cas/carrefour-alimentaire-montreal-nord/index.html");
    insta::assert_snapshot!(main_of(&page));
}

#[test]
fn main_of_a_forum() {
    let site = TestSite::new("good");
    site.build_ok();
    let page = site.public("en/forums/cross-learning-forum/index.html");
    insta::assert_snapshot!(main_of(&page));
}

#[test]
fn main_of_a_section_listing() {
    let site = TestSite::new("good");
    site.build_ok();
    let page = site.public("en/case-studies/index.html");
    insta::assert_snapshot!(main_of(&page));
}

#[test]
fn usage_errors_exit_2() {
    let site = TestSite::new("good");
    let run = site.run(&["build", "--no-such-flag"]);
    run.assert_code(2);
    assert!(!site.path("public").exists());
}

#[test]
fn an_output_folder_that_cannot_be_written_exits_2() {
    let site = TestSite::new("good");
    // A folder cannot be made under a file, even by root.
    let run = site.run(&["build", "--output", "site.toml/public"]);
    run.assert_code(2);
    assert!(run.stderr().contains("error:"), "{}", run.stderr());
}

#[test]
fn odd_files_are_errors_not_panics() {
    let odd: &[(&str, &[u8])] = &[
        ("content/pages/empty.md", b""),
        ("content/pages/only-dashes.md", b"---\n"),
        ("content/pages/two-dashes.md", b"---\n---\n"),
        ("content/pages/list.md", b"---\n- a\n- b\n---\nx\n"),
        ("content/pages/scalar.md", b"---\njust text\n---\nx\n"),
        ("content/pages/null-title.md", b"---\ntitle:\nsummary: ~\ndate: 2024-01-01\n---\n"),
        ("content/pages/binary.md", b"\x00\x01\x02\xff\xfe"),
        ("content/pages/bom-only.md", b"\xef\xbb\xbf"),
        ("content/pages/cr-only.md", b"---\rtitle: A\r---\r"),
        (
            "content/pages/deep.md",
            b"---\ntitle: [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]\n---\n",
        ),
        (
            "content/forums/odd.md",
            b"---\ntitle: T\nsummary: S\ndate: 2024-01-01\nstarts: 2099-13-45T99:99:99+99:99\nends: 12\nlocation: []\nonline: maybe\nlanguages: [{a: b}]\ncases: {x: y}\nquestions: 3\nregistration: ftp://x\n---\n[a](@/) [b](@/#x) [c](@)\n",
        ),
        ("content/a/b/c/_index.md", b"---\ntitle: T\n---\n"),
        ("content/.hidden.md", b"not read"),
        ("content/pages/x.f.md", b"---\ntitle: T\n---\n"),
    ];
    let site = TestSite::new("good");
    for (path, bytes) in odd {
        site.write(path, bytes);
    }
    let run = site.build();
    run.assert_code(1);
    assert!(!run.stderr().contains("panicked"), "{}", run.stderr());
    let check = site.check();
    check.assert_code(1);
}

#[test]
fn a_period_of_one_month_reads_as_that_month_issue19() {
    let site = TestSite::new("good");
    let path = "content/case-studies/food-hub-montreal-nord.md";
    let text = site.read(path);
    let start = text.find("period:").expect("the fixture has a period");
    let end = start + text[start..].find('\n').expect("a line");
    site.write(
        path,
        format!(
            "{}period: {{start: 2020-10, end: 2020-10}}{}",
            &text[..start],
            &text[end..]
        ),
    );
    site.build_ok();
    let html = site.public("en/case-studies/food-hub-montreal-nord/index.html");
    assert!(html.contains("October 2020"), "the month is shown");
    assert!(
        !html.contains("October 2020 – October 2020"),
        "not as a range to itself"
    );
}

#[test]
fn a_template_that_does_not_parse_is_reported_once_and_nothing_is_written() {
    let site = TestSite::new("good");
    site.write("templates/page.html", "{% if %}\n");
    let run = site.build();
    run.assert_code(1);
    assert_eq!(
        errors(&run.stderr())
            .iter()
            .filter(|e| e.contains("a template has an error"))
            .count(),
        1,
        "the broken template must be reported exactly once:\n{}",
        run.stderr()
    );
    assert!(!site.path("public").exists(), "public/ was written");
}
