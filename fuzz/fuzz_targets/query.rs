//! Search queries of any length and content, in each language and in both, over a small
//! index of English and French pages (issue 18).
//! Properties: no panic and no stack overflow; a query is answered, or refused as too long
//! (`QueryRefused`) exactly when `check_query` says so; every hit names an indexed page.

#![no_main]

use std::sync::{Arc, LazyLock};

use libfuzzer_sys::fuzz_target;
use passerelle::search::query::{QueryRefused, check_query};
use passerelle::search::{IndexDoc, SearchIndex, SearchRequest};

/// (key, language, title, body) of the indexed pages.
const PAGES: &[(&str, &str, &str, &str)] = &[
    ("case-studies/a", "en", "Vaccination ambassadors", "Residents trained as ambassadors brought vaccine information to refugees in Taylor-Massey."),
    ("case-studies/a", "fr", "Ambassadeurs de la vaccination", "Des résidents formés ont informé les personnes réfugiées sur l’intégration et la santé publique."),
    ("lessons/b", "en", "Partnerships last", "Food security hubs and public health units kept working together after the crisis."),
    ("lessons/b", "fr", "Les partenariats durent", "Les carrefours alimentaires et la santé publique ont continué de collaborer."),
];

static INDEX: LazyLock<(tempdir::Dir, SearchIndex)> = LazyLock::new(|| {
    let dir = tempdir::Dir::new();
    let docs: Vec<IndexDoc> = PAGES
        .iter()
        .map(|(key, lang, title, body)| IndexDoc {
            key: (*key).to_string(),
            lang: (*lang).to_string(),
            kind: if key.starts_with("lessons/") { "lesson" } else { "case-study" }.to_string(),
            url: format!("/{lang}/{key}/"),
            title: (*title).to_string(),
            summary: (*title).to_string(),
            body: Arc::from(*body),
            date: "2024-01-01".to_string(),
            facets: vec![("cities".to_string(), "toronto".to_string())],
        })
        .collect();
    let index = SearchIndex::sync(&dir.0, &docs).expect("index");
    (dir, index)
});

mod tempdir {
    /// A folder of its own for the index, removed when the fuzzer exits.
    pub struct Dir(pub std::path::PathBuf);
    impl Dir {
        pub fn new() -> Self {
            let path = std::env::temp_dir().join(format!("passerelle-fuzz-query-{}", std::process::id()));
            let _ = std::fs::remove_dir_all(&path);
            std::fs::create_dir_all(&path).expect("temp dir");
            Dir(path)
        }
    }
    impl Drop for Dir {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }
}

fuzz_target!(|data: &[u8]| {
    let Ok(query) = std::str::from_utf8(data) else { return };
    let (_, index) = &*INDEX;
    let refused = check_query(query).is_err();
    for lang in [None, Some("en"), Some("fr")] {
        let request = SearchRequest {
            query: query.to_string(),
            lang: lang.map(str::to_string),
            filters: Vec::new(),
            limit: 10,
        };
        match index.search(&request) {
            Ok(response) => {
                assert!(!refused, "a refused query was answered: {query:?}");
                for hit in &response.hits {
                    assert!(PAGES.iter().any(|(k, l, ..)| *k == hit.key && *l == hit.lang), "{hit:?}");
                }
            }
            Err(e) => assert!(
                refused && e.downcast_ref::<QueryRefused>().is_some(),
                "{query:?}: {e:#}"
            ),
        }
    }
});
