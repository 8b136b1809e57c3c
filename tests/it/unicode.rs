//! Text is NFC-normalized once at load (issue 23): a page written in decomposed form (as
//! macOS and PDF copy-paste produce) is found by the word typed either way, with or
//! without its accents, and its slug and heading ids are those of the composed text.

use crate::harness::TestSite;

#[test]
fn issue23_decomposed_text_is_found_by_both_spellings() {
    let site = TestSite::new("good");
    let path = "content/lessons/partnerships-last.md";
    // `zébulonnés`, its é written as e + U+0301.
    let nfd = "ze\u{301}bulonne\u{301}s";
    let text = site.read(path);
    site.write(
        path,
        format!("{text}\n## Les {nfd}\n\nDes {nfd} partout.\n"),
    );
    site.build_ok();
    for query in ["zébulonnés", "zebulonnes", nfd] {
        let run = site.run(&["search", query, "--json"]);
        run.assert_code(0);
        let json: serde_json::Value = serde_json::from_str(&run.stdout).expect("JSON");
        assert!(
            json["hits"]
                .as_array()
                .is_some_and(|h| h.iter().any(|h| h["key"] == "lessons/partnerships-last")),
            "{query:?}: {json}"
        );
    }
    let page = site.public("en/lessons/partnerships-last/index.html");
    assert!(page.contains("id=\"les-zebulonnes\""), "the heading's id");
    assert!(
        page.contains("Des zébulonnés partout."),
        "composed in the page"
    );
}

/// French text gets the typographic apostrophe, whatever the author typed (issue 19);
/// URLs, attributes and code keep what was written.
#[test]
fn issue19_french_text_has_the_typographic_apostrophe() {
    let site = TestSite::new("good");
    let path = "content/forums/cross-learning-forum.fr.md";
    let text = site.read(path);
    site.write(
        path,
        format!(
            "{text}\nVoir `l'exemple` et [l'accueil](@/case-studies/food-hub-montreal-nord).\n"
        ),
    );
    site.build_ok();
    let page = site.public("fr/forums/forum-apprentissage-croise/index.html");
    let main = crate::harness::main_of(&page);
    assert!(main.contains("Forum d’apprentissage croisé"), "the title");
    assert!(main.contains("<code>l'exemple</code>"), "code as written");
    assert!(main.contains(">l’accueil</a>"), "link text");
    assert!(!main.contains("Forum d'apprentissage"), "{main}");
    assert!(
        site.path("public/fr/forums/forum-apprentissage-croise/index.html")
            .is_file()
    );
    // Term labels the search page's script shows as filter names, too.
    let search = site.public("fr/recherche/index.html");
    assert!(search.contains("Personnes demandeuses d’asile"), "a label");
    assert!(
        !search.contains("demandeuses d'asile"),
        "no straight apostrophe"
    );
}
