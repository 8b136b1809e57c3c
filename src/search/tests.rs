//! Behaviour of the whole search module on a small bilingual site.
#![allow(clippy::unwrap_used)] // Tests: a panic is the failure report.

use super::*;

fn doc(
    key: &str,
    lang: &str,
    kind: &str,
    title: &str,
    summary: &str,
    body: &str,
    cities: &[&str],
) -> IndexDoc {
    let section = key.split('/').next().unwrap_or("");
    let slug = key.rsplit('/').next().unwrap_or("");
    IndexDoc {
        key: key.to_string(),
        lang: lang.to_string(),
        kind: kind.to_string(),
        url: format!("/{lang}/{section}/{slug}/"),
        title: title.to_string(),
        summary: summary.to_string(),
        body: body.into(),
        date: "2024-03-12".to_string(),
        facets: cities
            .iter()
            .map(|c| ("cities".to_string(), (*c).to_string()))
            .collect(),
    }
}

pub(crate) fn site() -> Vec<IndexDoc> {
    vec![
        doc(
            "case-studies/ari",
            "en",
            "case-study",
            "ARI Intentional Connection",
            "Pairing newcomers with volunteers through intentional connection.",
            "The ARI program builds an intentional connection between refugee families and \
             volunteers. Connection matters; intention matters.",
            &["toronto"],
        ),
        doc(
            "case-studies/ari",
            "fr",
            "case-study",
            "ARI : liens intentionnels",
            "Jumeler des personnes nouvellement arrivées avec des bénévoles.",
            "Le programme ARI crée des liens entre les familles réfugiées et des bénévoles. \
             L’intégration passe par la confiance.",
            &["toronto"],
        ),
        doc(
            "case-studies/food-hub",
            "en",
            "case-study",
            "Food hub for refugees in Montreal",
            "A food hub run with refugee claimants.",
            "Refugees and asylum claimants ran the food hub. The connection with the city \
             was intentional but slow. Vaccination clinics joined later.",
            &["montreal"],
        ),
        doc(
            "case-studies/food-hub",
            "fr",
            "case-study",
            "Carrefour alimentaire pour les personnes réfugiées à Montréal",
            "Un carrefour alimentaire mené avec des demandeurs d’asile.",
            "Les réfugiés et les demandeuses d’asile ont géré le carrefour. Une réfugiée a \
             coordonné l’intégration des bénévoles. La vaccination a suivi.",
            &["montreal", "laval"],
        ),
        doc(
            "lessons/trust",
            "en",
            "lesson",
            "Trust comes before information",
            "Lessons on trust from Toronto and Montreal.",
            "Trust between agencies and newcomers came before any information campaign. \
             Immigrants and immigrant-serving agencies said so.",
            &["toronto", "montreal"],
        ),
        doc(
            "lessons/trust",
            "fr",
            "lesson",
            "La confiance précède l’information",
            "Leçons sur la confiance à Toronto et Montréal.",
            "La confiance entre organismes et personnes immigrantes est venue avant toute \
             campagne d’information. Une immigrante l’a dit ; un immigrant aussi.",
            &["toronto", "montreal"],
        ),
        doc(
            "forums/ottawa",
            "en",
            "forum",
            "Forum on vaccination outreach",
            "A forum about vaccination outreach with refugees.",
            "Outreach teams discussed vaccination with refugee sponsors and public health.",
            &["ottawa"],
        ),
    ]
}

fn req(query: &str, lang: Option<&str>, filters: &[(&str, &str)]) -> SearchRequest {
    SearchRequest {
        query: query.to_string(),
        lang: lang.map(str::to_string),
        filters: filters
            .iter()
            .map(|(a, b)| ((*a).to_string(), (*b).to_string()))
            .collect(),
        limit: 10,
        reader: None,
    }
}

fn keys(resp: &SearchResponse) -> Vec<String> {
    resp.hits
        .iter()
        .map(|h| format!("{}:{}", h.lang, h.key))
        .collect()
}

#[test]
fn refugie_finds_french_refugies() {
    let dir = tempfile::tempdir().unwrap();
    let index = SearchIndex::sync(dir.path(), &site()).unwrap();
    let resp = index.search(&req("refugie ", Some("fr"), &[])).unwrap();
    assert_eq!(
        keys(&resp),
        vec!["fr:case-studies/food-hub", "fr:case-studies/ari"]
    );
    assert!(
        resp.hits[0].snippet.contains("[réfugiés]") || resp.hits[0].snippet.contains("[réfugiée]"),
        "{}",
        resp.hits[0].snippet
    );
    // As typed on the command line: no trailing space, so the last word is a prefix too.
    for q in [
        "Réfugiés ",
        "réfugiée ",
        "REFUGIEES ",
        "refugie",
        "réfugiés",
    ] {
        let other = index.search(&req(q, Some("fr"), &[])).unwrap();
        assert_eq!(keys(&other), keys(&resp), "{q}");
    }
}

#[test]
fn elision_finds_integration() {
    let dir = tempfile::tempdir().unwrap();
    let index = SearchIndex::sync(dir.path(), &site()).unwrap();
    let a = index
        .search(&req("l’intégration ", Some("fr"), &[]))
        .unwrap();
    let b = index.search(&req("integration ", Some("fr"), &[])).unwrap();
    assert_eq!(a.total, 2);
    assert_eq!(keys(&a), keys(&b));
}

#[test]
fn phrase_ranks_exact_phrase_first() {
    let dir = tempfile::tempdir().unwrap();
    let index = SearchIndex::sync(dir.path(), &site()).unwrap();
    let resp = index
        .search(&req("\"intentional connection\"", None, &[]))
        .unwrap();
    assert_eq!(keys(&resp), vec!["en:case-studies/ari"]);
    // `passerelle search "intentional connection"`: the shell drops the quotes.
    for q in ["intentional connection ", "intentional connection"] {
        let words = index.search(&req(q, None, &[])).unwrap();
        assert_eq!(words.total, 2);
        assert_eq!(words.hits[0].key, "case-studies/ari");
    }
}

#[test]
fn prefix_of_last_word() {
    let dir = tempfile::tempdir().unwrap();
    let index = SearchIndex::sync(dir.path(), &site()).unwrap();
    let resp = index.search(&req("vacc", Some("en"), &[])).unwrap();
    assert_eq!(resp.total, 2);
    let none = index.search(&req("vacc ", Some("en"), &[])).unwrap();
    assert_eq!(none.total, 0);
    let fr = index.search(&req("immigra", Some("fr"), &[])).unwrap();
    assert_eq!(keys(&fr), vec!["fr:lessons/trust"]);
}

#[test]
fn filters_and_facets() {
    let dir = tempfile::tempdir().unwrap();
    let index = SearchIndex::sync(dir.path(), &site()).unwrap();
    // "confiance" is French only; "trust" English only; ARI is in both.
    let all = index.search(&req("ari ", None, &[])).unwrap();
    assert_eq!(all.facets["lang"]["en"], 1);
    assert_eq!(all.facets["lang"]["fr"], 1);
    // One page in two languages: one result, counted once, in both languages' counts.
    assert_eq!(all.total, 1);
    assert_eq!(all.facets["kind"]["case-study"], 1);
    let refugees = index.search(&req("refugees ", None, &[])).unwrap();
    assert_eq!(refugees.total, 3);
    assert_eq!(refugees.facets["cities"]["montreal"], 1);
    let toronto = index
        .search(&req("refugees ", None, &[("cities", "toronto")]))
        .unwrap();
    assert_eq!(keys(&toronto), vec!["en:case-studies/ari"]);
    assert_eq!(toronto.facets["cities"]["toronto"], 1);
    assert!(!toronto.facets["cities"].contains_key("montreal"));
    // OR within a taxonomy, AND across.
    let or = index
        .search(&req(
            "refugees ",
            None,
            &[
                ("cities", "toronto"),
                ("cities", "ottawa"),
                ("kind", "forum"),
            ],
        ))
        .unwrap();
    assert_eq!(keys(&or), vec!["en:forums/ottawa"]);
    let fr = index
        .search(&req("ari ", None, &[("lang", "fr"), ("cities", "toronto")]))
        .unwrap();
    assert_eq!(keys(&fr), vec!["fr:case-studies/ari"]);
    let unknown = index
        .search(&req("refugees ", None, &[("cities", "paris")]))
        .unwrap();
    assert_eq!(unknown.total, 0);
}

#[test]
fn incremental_sync_equals_fresh() {
    let first = site();
    let mut second = site();
    second.retain(|d| d.key != "lessons/trust" || d.lang != "en");
    second[0].body = format!("{} Vaccination and refugees again.", second[0].body).into();
    second.push(doc(
        "pages/about",
        "en",
        "page",
        "About refugees",
        "About.",
        "Refugee portal.",
        &[],
    ));
    let incremental = tempfile::tempdir().unwrap();
    SearchIndex::sync(incremental.path(), &first).unwrap();
    let a = SearchIndex::sync(incremental.path(), &second).unwrap();
    let fresh = tempfile::tempdir().unwrap();
    let b = SearchIndex::sync(fresh.path(), &second).unwrap();
    assert_eq!(a.num_docs(), b.num_docs());
    for q in ["refugees ", "vacc", "\"intentional connection\"", "trust "] {
        let r = req(q, None, &[]);
        assert_eq!(a.search(&r).unwrap(), b.search(&r).unwrap(), "{q}");
    }
    assert_eq!(a.export_static().unwrap(), b.export_static().unwrap());
    // Reopening changes nothing.
    let again = SearchIndex::sync(incremental.path(), &second).unwrap();
    let r = req("refugees ", None, &[]);
    assert_eq!(again.search(&r).unwrap(), b.search(&r).unwrap());
}

#[test]
fn related_stays_in_language() {
    let dir = tempfile::tempdir().unwrap();
    let index = SearchIndex::sync(dir.path(), &site()).unwrap();
    let related = index
        .related("forums/ottawa", "en", &["case-studies/ari".to_string()], 5)
        .unwrap();
    assert!(!related.is_empty());
    assert!(related.iter().all(|h| h.lang == "en"));
    assert!(related.iter().all(|h| h.key != "forums/ottawa"));
    assert!(related.iter().all(|h| h.key != "case-studies/ari"));
    assert_eq!(related[0].key, "case-studies/food-hub");
}

#[test]
fn render_human_lists_hits_and_facets() {
    let dir = tempfile::tempdir().unwrap();
    let index = SearchIndex::sync(dir.path(), &site()).unwrap();
    let resp = index.search(&req("trust ", None, &[])).unwrap();
    let mut out = Vec::new();
    render_human(&resp, &mut out, false).unwrap();
    let text = String::from_utf8(out).unwrap();
    assert!(
        text.contains("1. Trust comes before information  [en] lesson"),
        "{text}"
    );
    assert!(text.contains("/en/lessons/trust/"));
    assert!(text.contains("[Trust]"));
    assert!(text.contains("cities: montreal 1, toronto 1"), "{text}");
}

#[test]
fn export_layout_is_deterministic() {
    let a_dir = tempfile::tempdir().unwrap();
    let b_dir = tempfile::tempdir().unwrap();
    let mut reversed = site();
    reversed.reverse();
    let a = SearchIndex::sync(a_dir.path(), &site())
        .unwrap()
        .export_static()
        .unwrap();
    let b = SearchIndex::sync(b_dir.path(), &reversed)
        .unwrap()
        .export_static()
        .unwrap();
    assert_eq!(a, b, "same docs in another order, same bytes");
    let paths: Vec<String> = a.iter().map(|(p, _)| p.display().to_string()).collect();
    assert_eq!(paths[0], "meta.json");
    assert_eq!(paths[1], "search.js");
    let meta: serde_json::Value = serde_json::from_slice(&a[0].1).unwrap();
    let base = meta["base"].as_str().unwrap();
    assert_eq!(base.len(), 17);
    for lang in ["en", "fr"] {
        for file in ["n0.bin", "d0.bin", "t0.bin", "p0.bin", "m0.bin"] {
            let path = format!("{base}{lang}/{file}");
            assert!(paths.contains(&path), "{path} in {paths:?}");
        }
    }
    // Every data file is raw deflate.
    for (path, bytes) in &a[2..] {
        let mut inflated = Vec::new();
        std::io::Read::read_to_end(
            &mut flate2::read::DeflateDecoder::new(bytes.as_slice()),
            &mut inflated,
        )
        .unwrap_or_else(|e| panic!("{} is not raw deflate: {e}", path.display()));
        assert!(!inflated.is_empty(), "{}", path.display());
    }
    assert_eq!(meta["docs"], 7);
    assert_eq!(meta["langs"]["en"]["count"], 4);
    // A different site gets a different generation directory.
    let mut other = site();
    other.pop();
    let c_dir = tempfile::tempdir().unwrap();
    let c = SearchIndex::sync(c_dir.path(), &other)
        .unwrap()
        .export_static()
        .unwrap();
    let c_meta: serde_json::Value = serde_json::from_slice(&c[0].1).unwrap();
    assert_ne!(c_meta["base"], meta["base"]);
}

#[test]
fn damaged_index_is_rebuilt_and_foreign_dir_refused() {
    let dir = tempfile::tempdir().unwrap();
    SearchIndex::sync(dir.path(), &site()).unwrap();
    std::fs::remove_file(dir.path().join("meta.json")).unwrap();
    assert!(SearchIndex::open(dir.path()).is_err());
    let index = SearchIndex::sync(dir.path(), &site()).unwrap();
    assert_eq!(index.num_docs(), 7);

    let foreign = tempfile::tempdir().unwrap();
    std::fs::write(foreign.path().join("notes.txt"), "mine").unwrap();
    let err = SearchIndex::sync(foreign.path(), &site()).err().unwrap();
    assert!(format!("{err:#}").contains("not a Passerelle search index"));
    assert!(foreign.path().join("notes.txt").exists());
}

/// A site of `n` pages in both languages whose texts draw on a small vocabulary, so that
/// scores tie and nearly tie often; a third are case studies (weighted).
fn generated_site(n: usize) -> Vec<IndexDoc> {
    const EN: [&str; 24] = [
        "refugee",
        "housing",
        "food",
        "trust",
        "clinic",
        "vaccine",
        "table",
        "sponsor",
        "agency",
        "youth",
        "school",
        "language",
        "employment",
        "health",
        "community",
        "network",
        "partner",
        "forum",
        "winter",
        "volunteer",
        "family",
        "claimant",
        "city",
        "support",
    ];
    const FR: [&str; 24] = [
        "réfugié",
        "logement",
        "aliment",
        "confiance",
        "clinique",
        "vaccin",
        "table",
        "parrain",
        "organisme",
        "jeunesse",
        "école",
        "langue",
        "emploi",
        "santé",
        "communauté",
        "réseau",
        "partenaire",
        "forum",
        "hiver",
        "bénévole",
        "famille",
        "demandeur",
        "ville",
        "soutien",
    ];
    let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut next = move || {
        state = state
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1);
        (state >> 33) as usize
    };
    let mut docs = Vec::new();
    for i in 0..n {
        let words: Vec<usize> = (0..8 + next() % 30).map(|_| next() % EN.len()).collect();
        let kind = ["case-study", "lesson", "forum"][i % 3];
        for (lang, vocabulary) in [("en", &EN), ("fr", &FR)] {
            let text = |w: &[usize]| {
                w.iter()
                    .map(|&w| vocabulary[w])
                    .collect::<Vec<_>>()
                    .join(" ")
            };
            docs.push(doc(
                &format!("{}s/page-{i}", kind),
                lang,
                kind,
                &text(&words[..3]),
                &text(&words[2..6]),
                &text(&words),
                &[],
            ));
        }
    }
    docs
}

#[test]
fn related_pages_prune_to_the_same_results_as_collecting_every_match() {
    let dir = tempfile::tempdir().unwrap();
    let docs = generated_site(300);
    // Two syncs leave the documents in more than one segment, some deleted.
    SearchIndex::sync(dir.path(), &docs[..260]).unwrap();
    let mut edited = docs.clone();
    edited[7].body = "refugee housing trust".into();
    let index = SearchIndex::sync(dir.path(), &edited).unwrap();
    assert!(index.snapshot.searcher.segment_readers().len() > 1);
    let mut compared = 0;
    for d in edited.iter().step_by(7) {
        for limit in [1, 5, 12] {
            let exclude = vec![format!("lessons/page-{}", compared % 300)];
            let ranked = |hits: Vec<Hit>| -> Vec<(String, String, f32)> {
                hits.into_iter().map(|h| (h.key, h.lang, h.score)).collect()
            };
            let (a, s) = (&index.related_analyzers, &index.snapshot);
            let pruned = ranked(index.related(&d.key, &d.lang, &exclude, limit).unwrap());
            let exhaustive =
                ranked(query::related_exhaustive(a, s, &d.key, &d.lang, &exclude, limit).unwrap());
            assert_eq!(pruned, exhaustive, "{} {} limit {limit}", d.key, d.lang);
            // What a build lists: the same pages, read from the snapshot.
            let pages = query::related_pages(a, s, &d.key, &d.lang, &exclude, limit).unwrap();
            let shown: Vec<(String, String)> = pruned
                .iter()
                .map(|(k, l, _)| (k.clone(), l.clone()))
                .collect();
            assert_eq!(pages, shown, "{} {} limit {limit}", d.key, d.lang);
            compared += usize::from(!pruned.is_empty());
        }
    }
    assert!(compared > 100, "only {compared} non-empty comparisons");
}

#[test]
fn one_result_per_page_in_the_readers_language() {
    let dir = tempfile::tempdir().unwrap();
    let index = SearchIndex::sync(dir.path(), &site()).unwrap();
    let read = |q: &str, reader: &str| {
        index
            .search(&SearchRequest {
                reader: Some(reader.to_string()),
                ..req(q, None, &[])
            })
            .unwrap()
    };
    // Both versions match: one result, in the reader's language, the other linked.
    let en = read("ari ", "en");
    assert_eq!(keys(&en), vec!["en:case-studies/ari"]);
    assert_eq!(en.hits[0].also.len(), 1);
    assert_eq!(en.hits[0].also[0].lang, "fr");
    assert_eq!(en.hits[0].also[0].url, "/fr/case-studies/ari/");
    assert_eq!(keys(&read("ari ", "fr")), vec!["fr:case-studies/ari"]);
    // Only the French version matches: an English reader still gets the English page,
    // ranked at half the French score; a French reader gets the French one, full score.
    let en = read("confiance ", "en");
    let fr = read("confiance ", "fr");
    assert_eq!(keys(&en), vec!["en:lessons/trust", "en:case-studies/ari"]);
    assert_eq!(keys(&fr), vec!["fr:lessons/trust", "fr:case-studies/ari"]);
    assert_eq!(en.hits[0].score, fr.hits[0].score * group::FOREIGN_WEIGHT);
    assert!(
        !en.hits[0].snippet.is_empty(),
        "the summary stands in for a snippet"
    );
    // A page that exists only in English is still found by a French reader, in English.
    let only_en = read("outreach ", "fr");
    assert_eq!(keys(&only_en), vec!["en:forums/ottawa"]);
    assert!(only_en.hits[0].also.is_empty());
    // A filter the reader's version does not pass shows the version that does.
    let filtered = index
        .search(&SearchRequest {
            reader: Some("en".to_string()),
            ..req("ari ", None, &[("lang", "fr")])
        })
        .unwrap();
    assert_eq!(keys(&filtered), vec!["fr:case-studies/ari"]);
    assert_eq!(filtered.hits[0].also[0].lang, "en");
}

#[test]
fn unseen_plurals_find_the_singular_and_synonyms_apply() {
    let dir = tempfile::tempdir().unwrap();
    let index = SearchIndex::sync(dir.path(), &site()).unwrap();
    // No page says "intentions"; one says "intention" (and one "intentional", the same stem).
    let plural = index.search(&req("intentions ", Some("en"), &[])).unwrap();
    assert_eq!(keys(&plural)[0], "en:case-studies/ari");
    let none = index
        .search(&req("Allies in Refugee Integration ", Some("en"), &[]))
        .unwrap();
    assert_eq!(none.total, 0, "no page spells the name out");
    let index = index
        .with_synonyms(&[vec![
            "ARI".to_string(),
            "Allies in Refugee Integration".to_string(),
        ]])
        .unwrap();
    let named = index
        .search(&req("Allies in Refugee Integration ", Some("en"), &[]))
        .unwrap();
    assert_eq!(keys(&named), vec!["en:case-studies/ari"]);
}

#[test]
fn kept_related_pages_answer_each_question_apart() {
    let dir = tempfile::tempdir().unwrap();
    let index_dir = dir.path().join("index");
    let open = || {
        SearchIndex::sync(&index_dir, &site())
            .unwrap()
            .with_form_cache(form_cache::path_for(&index_dir))
    };
    let ask = |exclude: &[&str]| {
        vec![(
            "forums/ottawa".to_string(),
            "en".to_string(),
            exclude.iter().map(|e| e.to_string()).collect::<Vec<_>>(),
        )]
    };
    let all = open().related_many(&ask(&[]), 5).unwrap();
    assert!(
        all[0].iter().any(|(k, _)| k == "case-studies/ari"),
        "{all:?}"
    );
    assert!(dir.path().join("related.json").is_file());
    // Kept answers are reused for the same question only.
    let without = open().related_many(&ask(&["case-studies/ari"]), 5).unwrap();
    assert!(
        !without[0].iter().any(|(k, _)| k == "case-studies/ari"),
        "{without:?}"
    );
    assert_eq!(open().related_many(&ask(&[]), 5).unwrap(), all);
}

#[test]
fn a_sync_indexes_only_what_changed_in_any_order() {
    let dir = tempfile::tempdir().unwrap();
    let index = super::index::open_or_create(dir.path()).unwrap();
    let first = site();
    assert_eq!(
        super::index::sync_docs(&index, dir.path(), &first).unwrap(),
        (first.len(), 0)
    );
    // The same pages, in another order: nothing to do.
    let mut reversed = first.clone();
    reversed.reverse();
    assert_eq!(
        super::index::sync_docs(&index, dir.path(), &reversed).unwrap(),
        (0, 0)
    );
    // One page changed, one gone, one new.
    let mut second = site();
    second[0].body = format!("{} Vaccination.", second[0].body).into();
    second.pop();
    second.push(doc(
        "pages/about",
        "en",
        "page",
        "About",
        "About.",
        "Portal.",
        &[],
    ));
    assert_eq!(
        super::index::sync_docs(&index, dir.path(), &second).unwrap(),
        (2, 1)
    );
    // Whatever order the pages came in, the index answers as a fresh one.
    second.reverse();
    let fresh = tempfile::tempdir().unwrap();
    let a = SearchIndex::over(index, dir.path()).unwrap();
    let b = SearchIndex::sync(fresh.path(), &second).unwrap();
    assert_eq!(a.export_static().unwrap(), b.export_static().unwrap());
}

#[test]
fn the_word_dictionary_follows_the_live_pages() {
    let dir = tempfile::tempdir().unwrap();
    let first = site();
    let has = |index: &SearchIndex, word: &str| index.snapshot.has_word_key(0, word);
    let index = SearchIndex::sync(dir.path(), &first).unwrap();
    assert!(has(&index, "clinics") && has(&index, "intention"));
    // The only page with "clinics" gone, the one with "intention" edited without it.
    let mut second: Vec<IndexDoc> = first
        .iter()
        .filter(|d| !(d.lang == "en" && d.body.contains("clinics")))
        .cloned()
        .collect();
    assert_eq!(second.len(), first.len() - 1);
    let edited = second
        .iter_mut()
        .find(|d| d.lang == "en" && d.body.contains("intention matters"))
        .unwrap();
    edited.body = edited
        .body
        .replace("intention matters", "it matters")
        .into();
    drop(index);
    let index = SearchIndex::sync(dir.path(), &second).unwrap();
    assert!(!has(&index, "clinics") && !has(&index, "intention"));
    assert!(has(&index, "intentional") && has(&index, "connection"));
    let fresh = tempfile::tempdir().unwrap();
    let fresh = SearchIndex::sync(fresh.path(), &second).unwrap();
    assert_eq!(index.snapshot.word_keys, fresh.snapshot.word_keys);
    // And back: the words return with their pages.
    drop(index);
    let index = SearchIndex::sync(dir.path(), &first).unwrap();
    assert!(has(&index, "clinics") && has(&index, "intention"));
}

/// The key dictionaries ([`super::keys`]) in an index's folder.
fn key_dictionaries(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| {
            path.file_name()
                .unwrap()
                .to_string_lossy()
                .starts_with("keys-")
        })
        .collect()
}

/// The dictionary is a file beside tantivy's; an index without it is a broken cache,
/// made again.
#[test]
fn an_index_without_its_word_dictionary_is_made_again() {
    let dir = tempfile::tempdir().unwrap();
    let first = site();
    SearchIndex::sync(dir.path(), &first).unwrap();
    for path in key_dictionaries(dir.path()) {
        std::fs::remove_file(path).unwrap();
    }
    let Err(e) = SearchIndex::open(dir.path()) else {
        panic!("an index without its word list was opened");
    };
    assert!(
        format!("{e:#}").contains("run `passerelle build` again"),
        "{e:#}"
    );
    let again = SearchIndex::sync(dir.path(), &first).unwrap();
    let fresh = tempfile::tempdir().unwrap();
    let fresh = SearchIndex::sync(fresh.path(), &first).unwrap();
    assert_eq!(
        again.export_static().unwrap(),
        fresh.export_static().unwrap()
    );
}

#[test]
fn a_body_is_read_only_for_a_page_that_changed() {
    let dir = tempfile::tempdir().unwrap();
    let index = super::index::open_or_create(dir.path()).unwrap();
    let first = site();
    super::index::sync_docs(&index, dir.path(), &first).unwrap();
    let sync = |docs: &[IndexDoc], read: &mut Vec<String>| {
        let mut sync = super::index::Syncing::new(&index, dir.path()).unwrap();
        for doc in docs {
            let body = doc.body.clone();
            let mut head = doc.clone();
            head.body = "not looked at".into();
            sync.add_unread(head, crate::text::text_hash(&body), || {
                read.push(doc.key.clone());
                Ok(body)
            })
            .unwrap();
        }
        sync.finish().unwrap()
    };
    let mut read = Vec::new();
    assert_eq!(sync(&first, &mut read), (0, 0));
    assert!(read.is_empty(), "{read:?}");
    let mut second = first.clone();
    second[1].body = format!("{} Vaccination.", second[1].body).into();
    assert_eq!(sync(&second, &mut read), (1, 0));
    assert_eq!(read, [second[1].key.clone()]);
    // What was read is what is indexed: the same as a fresh index of the same pages.
    let fresh = tempfile::tempdir().unwrap();
    let a = SearchIndex::over(index, dir.path()).unwrap();
    let b = SearchIndex::sync(fresh.path(), &second).unwrap();
    assert_eq!(a.export_static().unwrap(), b.export_static().unwrap());
}

/// A build killed while committing leaves files the commit was writing (a deletion file,
/// registered as tantivy's but in no committed meta.json). The next build makes the same
/// commit, with the same file names: it must not fail on the leftovers (CI, round 26).
#[test]
fn a_commit_killed_midway_leaves_no_file_the_next_build_trips_on() {
    let dir = tempfile::tempdir().unwrap();
    let first = site();
    let mut second = site();
    second.pop();
    SearchIndex::sync(dir.path(), &first).unwrap();
    let meta = dir.path().join("meta.json");
    let committed = std::fs::read(&meta).unwrap();
    let committed_keys: Vec<(std::path::PathBuf, Vec<u8>)> = key_dictionaries(dir.path())
        .into_iter()
        .map(|path| (path.clone(), std::fs::read(path).unwrap()))
        .collect();
    assert_eq!(committed_keys.len(), 1);
    let files = || std::fs::read_dir(dir.path()).unwrap().count();
    let before = files();
    // The deletion's commit, then its meta.json undone, and the key dictionary it
    // removed once the commit was made put back: what a kill just before the commit's
    // last step leaves.
    SearchIndex::sync(dir.path(), &second).unwrap();
    assert!(files() > before, "the commit wrote no file to leave behind");
    std::fs::write(&meta, committed).unwrap();
    for (path, bytes) in committed_keys {
        std::fs::write(path, bytes).unwrap();
    }

    let index = super::index::open_or_create(dir.path()).unwrap();
    assert_eq!(
        super::index::sync_docs(&index, dir.path(), &second).unwrap(),
        (0, 1)
    );
    let fresh = tempfile::tempdir().unwrap();
    let a = SearchIndex::over(index, dir.path()).unwrap();
    let b = SearchIndex::sync(fresh.path(), &second).unwrap();
    assert_eq!(a.export_static().unwrap(), b.export_static().unwrap());
}
