//! Parity of the three search front ends: `assets/search.js`, run by Node on the
//! exported static form, must return what `SearchIndex::search` returns (the CLI and
//! `serve` serialise that same response): the same top-10 keys and languages in the same
//! order, the same scores, the same total and the same facet counts, for every query.
//! A mismatch fails the test.
//!
//! Corpus: `shared/bench/gen-corpus --pairs 200` (400 pages), turned into `IndexDoc`s
//! here with a crude front-matter split and markup strip (test scaffolding; the real
//! build renders Markdown). Also checked: the browser's word splitting, folding,
//! elision and French endings against the Rust analyzers, and its fieldnorm table.

#![allow(clippy::unwrap_used)] // Tests: a panic is the failure report.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use passerelle::search::analysis::{analyzers, surface_to_key, tokens};
use passerelle::search::{IndexDoc, SearchIndex, SearchRequest, SearchResponse};
use serde_json::Value;

const TAXONOMIES: [&str; 7] = [
    "cities",
    "provinces",
    "populations",
    "sectors",
    "themes",
    "actions",
    "audiences",
];

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Runs gen-corpus into `out`.
pub fn gen_corpus(pairs: usize, out: &Path) {
    let script = repo().join("../shared/bench/gen-corpus");
    let status = Command::new("python3")
        .arg(&script)
        .args(["--pairs", &pairs.to_string(), "--out"])
        .arg(out)
        .arg("--force")
        .stdout(std::process::Stdio::null())
        .status()
        .unwrap_or_else(|e| panic!("running {}: {e}", script.display()));
    assert!(status.success(), "gen-corpus failed");
}

fn unquote(v: &str) -> String {
    v.trim().trim_matches('"').to_string()
}

fn list(v: &str) -> Vec<String> {
    v.trim()
        .trim_start_matches('[')
        .trim_end_matches(']')
        .split(',')
        .map(unquote)
        .filter(|s| !s.is_empty())
        .collect()
}

/// Drops Markdown link targets; the tokenizer ignores the remaining punctuation.
fn strip_markup(body: &str) -> String {
    let mut out = String::with_capacity(body.len());
    let mut rest = body;
    while let Some(i) = rest.find("](") {
        out.push_str(&rest[..i]);
        match rest[i..].find(')') {
            Some(j) => rest = &rest[i + j + 1..],
            None => {
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out.replace(['[', '#', '|'], " ")
}

/// Every page of a gen-corpus site as `IndexDoc`s (section `_index` files left out).
pub fn corpus_docs(site: &Path) -> Vec<IndexDoc> {
    let sections = [
        ("case-studies", "case-study", "etudes-de-cas"),
        ("lessons", "lesson", "lecons"),
        ("recommendations", "recommendation", "recommandations"),
        ("forums", "forum", "forums"),
    ];
    let mut docs = Vec::new();
    for (section, kind, fr_slug) in sections {
        let dir = site.join("content").join(section);
        let mut entries: Vec<PathBuf> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        entries.sort();
        for path in entries {
            let name = path.file_name().unwrap().to_str().unwrap().to_string();
            if name.starts_with('_') || !name.ends_with(".md") {
                continue;
            }
            let (stem, lang) = match name.strip_suffix(".fr.md") {
                Some(stem) => (stem.to_string(), "fr"),
                None => (name.trim_end_matches(".md").to_string(), "en"),
            };
            let text = std::fs::read_to_string(&path).unwrap();
            let mut parts = text.splitn(3, "---\n");
            parts.next();
            let front = parts.next().unwrap_or("");
            let body = parts.next().unwrap_or("");
            let mut fields: BTreeMap<&str, &str> = BTreeMap::new();
            for line in front.lines() {
                if let Some((k, v)) = line.split_once(": ")
                    && !k.starts_with(' ')
                {
                    fields.insert(k, v);
                }
            }
            let slug = fields.get("slug").map_or(stem.clone(), |s| unquote(s));
            let section_slug = if lang == "fr" { fr_slug } else { section };
            let mut facets = Vec::new();
            for taxonomy in TAXONOMIES {
                if let Some(v) = fields.get(taxonomy) {
                    for term in list(v) {
                        facets.push((taxonomy.to_string(), term));
                    }
                }
            }
            docs.push(IndexDoc {
                key: format!("{section}/{stem}"),
                lang: lang.to_string(),
                kind: kind.to_string(),
                url: format!("/{lang}/{section_slug}/{slug}/"),
                title: unquote(fields.get("title").unwrap_or(&"")),
                summary: unquote(fields.get("summary").unwrap_or(&"")),
                body: strip_markup(body).into(),
                date: fields.get("date").map_or(String::new(), |d| unquote(d)),
                facets,
            });
        }
    }
    docs
}

/// Writes the static form under `out`.
pub fn write_export(index: &SearchIndex, out: &Path) -> u64 {
    let mut total = 0;
    for (path, bytes) in index.export_static().unwrap() {
        let p = out.join(path);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(&p, &bytes).unwrap();
        total += bytes.len() as u64;
    }
    total
}

/// Runs `tests/search/parity.mjs` on `input`; returns its JSON output.
pub fn run_node(search_dir: &Path, input: &Value, work: &Path) -> Value {
    let input_path = work.join("parity-input.json");
    std::fs::write(&input_path, serde_json::to_vec(input).unwrap()).unwrap();
    let output = Command::new("node")
        .arg(repo().join("tests/search/parity.mjs"))
        .arg(search_dir)
        .arg(&input_path)
        .output()
        .expect("node (v20 or later) must be installed to run the search parity test");
    assert!(
        output.status.success(),
        "node failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).unwrap()
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

/// Synonym sets for the generated corpus: an acronym, a phrase, words of two languages.
pub fn corpus_synonyms() -> Vec<Vec<String>> {
    [
        vec!["PH", "public health", "santé publique"],
        vec!["housing", "logement", "shelter"],
    ]
    .iter()
    .map(|set| set.iter().map(|e| e.to_string()).collect())
    .collect()
}

fn requests() -> Vec<SearchRequest> {
    let mut out = Vec::new();
    // Single words, English and French, accented and not, each in every language mode.
    for q in [
        "refugee ",
        "refugees ",
        "housing ",
        "vaccination ",
        "interpreter ",
        "réfugiés ",
        "refugie ",
        "Réfugiée ",
        "logement ",
        "santé ",
        "sante ",
        "confiance ",
        "bénévoles ",
        "immigrante ",
    ] {
        for lang in [None, Some("en"), Some("fr")] {
            out.push(req(q, lang, &[]));
        }
    }
    // French elisions.
    for q in [
        "l'intégration ",
        "l’intégration ",
        "d’asile ",
        "l'organisme ",
        "qu'elles ",
        "d'urgence hébergement ",
    ] {
        out.push(req(q, Some("fr"), &[]));
        out.push(req(q, None, &[]));
    }
    // Phrases, alone and with words.
    for q in [
        "\"food security\"",
        "\"public health\"",
        "\"the refugee\"",
        "\"table de concertation\"",
        "«santé publique»",
        "“demandeurs d’asile”",
        "\"l'accès linguistique\" ",
        "\"community health\" vaccination ",
        "refugee \"settlement services\"",
        "\"refugees\"",
    ] {
        out.push(req(q, None, &[]));
    }
    // Prefixes of the last word (no trailing space).
    for q in [
        "vacc",
        "réfug",
        "refug",
        "immigr",
        "hou",
        "interpr",
        "santé pub",
        "housing sup",
        "co",
        "r",
        "refugee",
        "\"public health\" vac",
    ] {
        out.push(req(q, None, &[]));
        out.push(req(q, Some("fr"), &[]));
    }
    // Several words.
    for q in [
        "refugee housing ",
        "housing vaccination clinic ",
        "réfugiés logement ",
        "community health centre ",
        "organisme de santé publique ",
    ] {
        out.push(req(q, None, &[]));
    }
    // Filters: OR within a taxonomy, AND across; kind and lang too.
    type Filtered<'a> = (&'a str, Option<&'a str>, &'a [(&'a str, &'a str)]);
    let filtered: [Filtered; 10] = [
        ("refugee ", None, &[("cities", "toronto")]),
        (
            "refugee ",
            None,
            &[("cities", "toronto"), ("cities", "montreal")],
        ),
        ("réfugiés ", Some("fr"), &[("themes", "health")]),
        ("vaccination ", None, &[("kind", "case-study")]),
        ("vaccination ", None, &[("lang", "fr")]),
        (
            "housing",
            None,
            &[("kind", "lesson"), ("kind", "recommendation")],
        ),
        (
            "refugee ",
            Some("en"),
            &[("cities", "ottawa"), ("populations", "refugees")],
        ),
        ("santé ", None, &[("provinces", "quebec"), ("lang", "fr")]),
        ("refugee ", None, &[("cities", "nowhere")]),
        (
            "health ",
            None,
            &[("themes", "health"), ("themes", "vaccination")],
        ),
    ];
    for (q, lang, filters) in filtered {
        out.push(req(q, lang, filters));
    }
    // At the word limit, past it (also with words joined by punctuation), past the
    // byte limit: both sides search the first and refuse the others (issue 18).
    let at_limit = vec!["refugee"; 32].join(" ");
    let past_limit = vec!["refugee"; 33].join(" ");
    let joined = vec!["food"; 300].join(",");
    let long = "é".repeat(600);
    for q in [&at_limit, &past_limit, &joined, &long] {
        out.push(req(q, None, &[]));
    }
    // No match, empty, punctuation only, unknown word in a phrase.
    for q in ["zzzzqx ", "", "  ", "?!", "\"refugee zzzzqx\""] {
        out.push(req(q, None, &[]));
    }
    // Synonyms (corpus_synonyms) and plurals no page uses.
    for q in [
        "PH ",
        "ph clinic ",
        "public health ",
        "santé publique ",
        "logement ",
        "shelters ",
        "\"public health\" housing",
        "clinics ",
        "interpreters ",
        "zzzzqxs ",
    ] {
        out.push(req(q, None, &[]));
    }
    // Every request again for a reader of each language: one result per page, shown
    // and ranked in the reader's language.
    let plain = out.clone();
    for reader in ["en", "fr"] {
        for r in &plain {
            out.push(SearchRequest {
                reader: Some(reader.to_string()),
                ..r.clone()
            });
        }
    }
    out
}

fn texts() -> Vec<(String, &'static str)> {
    let mut texts: Vec<(String, &'static str)> = [
        "L’intégration des réfugiés d'Ottawa qu'elles jusqu’ici",
        "Réfugié réfugiée réfugiés réfugiées REFUGIE immigrante immigrantes",
        "Œuvre cœur SŒUR Ærø straße façade naïve Noël crème brûlée",
        "aujourd'hui l' l'2024 d’abord N’IMPORTE",
        "tables fois mois mais bus été créées sees",
        "ﬁnance ½ ² x²  ΑΘΗΝΑ Ἀθῆναι Москва 東京",
    ]
    .iter()
    .flat_map(|t| [(t.to_string(), "en"), (t.to_string(), "fr")])
    .collect();
    // Every Latin letter tantivy may fold, one word each.
    let latin: String = (0x00A0u32..=0x024F)
        .chain(0x1E00..=0x1EFF)
        .chain(0xFB00..=0xFB06)
        .filter_map(char::from_u32)
        .flat_map(|c| ['a', c, ' '])
        .collect();
    texts.push((latin.clone(), "en"));
    texts.push((latin, "fr"));
    texts
}

fn rust_words(text: &str, lang: &str) -> Vec<(String, String)> {
    let mut surface = analyzers(lang).surface;
    tokens(&mut surface, text)
        .into_iter()
        .map(|t| {
            let key = surface_to_key(lang, &t.text);
            (t.text, key)
        })
        .collect()
}

/// Differences between a Rust and a JS response (empty when equal).
pub fn compare(rust: &SearchResponse, js: &Value) -> Vec<String> {
    let mut diffs = Vec::new();
    if js["total"].as_u64() != Some(rust.total as u64) {
        diffs.push(format!("total: rust {} js {}", rust.total, js["total"]));
    }
    let js_hits = js["hits"].as_array().cloned().unwrap_or_default();
    let r: Vec<String> = rust
        .hits
        .iter()
        .map(|h| format!("{}:{}", h.lang, h.key))
        .collect();
    let j: Vec<String> = js_hits
        .iter()
        .map(|h| {
            format!(
                "{}:{}",
                h["lang"].as_str().unwrap_or(""),
                h["key"].as_str().unwrap_or("")
            )
        })
        .collect();
    if r != j {
        diffs.push(format!("hits: rust {r:?}\n        js   {j:?}"));
    }
    for (rh, jh) in rust.hits.iter().zip(&js_hits) {
        let js_also: Vec<passerelle::search::Version> =
            serde_json::from_value(jh["also"].clone()).unwrap_or_default();
        if js_also != rh.also {
            diffs.push(format!(
                "also of {}:{}: rust {:?} js {js_also:?}",
                rh.lang, rh.key, rh.also
            ));
        }
        let js_score = jh["score"].as_f64().unwrap_or(f64::NAN) as f32;
        if js_score.to_bits() != rh.score.to_bits() {
            diffs.push(format!(
                "score of {}:{}: rust {} js {}",
                rh.lang, rh.key, rh.score, jh["score"]
            ));
        }
        for field in ["url", "title", "kind"] {
            let rv = match field {
                "url" => &rh.url,
                "title" => &rh.title,
                _ => &rh.kind,
            };
            if jh[field].as_str() != Some(rv.as_str()) {
                diffs.push(format!("{field} of {}: rust {rv} js {}", rh.key, jh[field]));
            }
        }
    }
    let js_facets: BTreeMap<String, BTreeMap<String, usize>> =
        serde_json::from_value(js["facets"].clone()).unwrap_or_default();
    if js_facets != rust.facets {
        diffs.push(format!(
            "facets: rust {:?}\n        js   {:?}",
            rust.facets, js_facets
        ));
    }
    diffs
}

#[test]
fn browser_script_matches_tantivy() {
    let work = tempfile::tempdir().unwrap();
    let site = work.path().join("site");
    gen_corpus(200, &site);
    let mut docs = corpus_docs(&site);
    assert_eq!(docs.len(), 400);
    // The static form shares a translation's facets with its source: make some pages
    // exist in one language only, and some translations carry other terms than their
    // source, so every case of that encoding is compared.
    let mut keys: Vec<String> = docs.iter().map(|d| d.key.clone()).collect();
    keys.sort();
    keys.dedup();
    let only_fr: Vec<&String> = keys.iter().step_by(7).collect();
    let only_en: Vec<&String> = keys.iter().skip(3).step_by(11).collect();
    docs.retain(|d| {
        !(d.lang == "en" && only_fr.contains(&&d.key)
            || d.lang == "fr" && only_en.contains(&&d.key))
    });
    let mut retagged = 0;
    for d in docs.iter_mut().filter(|d| d.lang == "fr").step_by(5) {
        d.facets.pop();
        d.facets
            .push(("cities".to_string(), "sherbrooke".to_string()));
        retagged += 1;
    }
    assert!(docs.len() < 400 && retagged > 10);
    let index = SearchIndex::sync(&work.path().join("index"), &docs)
        .unwrap()
        .with_synonyms(&corpus_synonyms())
        .unwrap();
    let search_dir = work.path().join("public/search");
    write_export(&index, &search_dir);

    let requests = requests();
    assert!(requests.len() >= 50);
    let texts = texts();
    let input = serde_json::json!({
        "requests": requests,
        "texts": texts.iter().map(|(t, l)| [t.as_str(), *l]).collect::<Vec<_>>(),
    });
    let out = run_node(&search_dir, &input, work.path());

    let mut failures = Vec::new();
    let mut nonempty = 0;
    let mut refused = 0;
    for (i, request) in requests.iter().enumerate() {
        let rust = match index.search(request) {
            Ok(rust) => rust,
            Err(e) => {
                assert!(
                    e.downcast_ref::<passerelle::search::query::QueryRefused>()
                        .is_some(),
                    "{e:#}"
                );
                if out["responses"][i]["refused"].is_null() {
                    failures.push(format!(
                        "{:?}: refused by Rust, searched by the script",
                        request.query
                    ));
                }
                refused += 1;
                continue;
            }
        };
        if !out["responses"][i]["refused"].is_null() {
            failures.push(format!(
                "{:?}: refused by the script, searched by Rust",
                request.query
            ));
            continue;
        }
        if rust.total > 0 {
            nonempty += 1;
        }
        let diffs = compare(&rust, &out["responses"][i]);
        if !diffs.is_empty() {
            failures.push(format!(
                "{:?} lang {:?} reader {:?} filters {:?}:\n  {}",
                request.query,
                request.lang,
                request.reader,
                request.filters,
                diffs.join("\n  ")
            ));
        }
    }
    for (i, (text, lang)) in texts.iter().enumerate() {
        let js: Vec<(String, String)> =
            serde_json::from_value(out["words"][i].clone()).unwrap_or_default();
        let rust = rust_words(text, lang);
        if js != rust {
            let diff: Vec<String> = rust
                .iter()
                .zip(&js)
                .filter(|(a, b)| a != b)
                .map(|(a, b)| format!("rust {a:?} js {b:?}"))
                .collect();
            failures.push(format!(
                "words of {text:?} ({lang}): {} vs {} words; {}",
                rust.len(),
                js.len(),
                diff.join(", ")
            ));
        }
    }
    let norms: Vec<u32> = serde_json::from_value(out["norms"].clone()).unwrap();
    let expected: Vec<u32> = (0..=255u8)
        .map(tantivy::fieldnorm::FieldNormReader::id_to_fieldnorm)
        .collect();
    if norms != expected {
        failures.push("fieldnorm table differs".to_string());
    }
    assert!(
        failures.is_empty(),
        "{} parity failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert!(
        nonempty >= 40,
        "only {nonempty} queries matched anything: the corpus or the queries changed"
    );
    assert_eq!(
        refused, 9,
        "the three queries past a limit are refused, for every reader"
    );
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

/// The figures of the search note, on `gen-corpus --pairs N` (default 5000, i.e. 10,000
/// pages). Run in release:
/// `SEARCH_BENCH_PAIRS=5000 cargo test --release --test it search_bench -- --ignored --nocapture`
#[test]
#[ignore = "benchmark: minutes on 10,000 pages"]
fn search_bench() {
    use std::io::Write as _;
    use std::time::Instant;
    let pairs: usize = std::env::var("SEARCH_BENCH_PAIRS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(5000);
    let mut err = std::io::stderr();
    let work = tempfile::tempdir().unwrap();
    let site = work.path().join("site");
    let t = Instant::now();
    gen_corpus(pairs, &site);
    let docs = corpus_docs(&site);
    let words: usize = docs.iter().map(|d| d.body.split_whitespace().count()).sum();
    writeln!(
        err,
        "corpus: {} docs, {} body words, generated and converted in {:.1} s",
        docs.len(),
        words,
        t.elapsed().as_secs_f64()
    )
    .unwrap();

    let dir = work.path().join("index");
    let t = Instant::now();
    let index = SearchIndex::sync(&dir, &docs).unwrap();
    let build = t.elapsed().as_secs_f64();
    let t = Instant::now();
    let _ = SearchIndex::sync(&dir, &docs).unwrap();
    let noop = t.elapsed().as_secs_f64();
    let mut changed = docs.clone();
    changed[7].body = format!("{} An edit.", changed[7].body).into();
    changed.pop();
    let t = Instant::now();
    let _ = SearchIndex::sync(&dir, &changed).unwrap();
    let incremental = t.elapsed().as_secs_f64();
    let index_bytes: u64 = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().metadata().unwrap().len())
        .sum();
    writeln!(
        err,
        "index: fresh sync {build:.2} s, no-op sync {noop:.2} s, 1 edit + 1 removal {incremental:.2} s, {:.1} MB on disk",
        index_bytes as f64 / 1e6
    )
    .unwrap();
    let index = {
        drop(index);
        SearchIndex::sync(&dir, &docs).unwrap()
    };

    let t = Instant::now();
    let files = index.export_static().unwrap();
    let export = t.elapsed().as_secs_f64();
    let search_dir = std::env::var("SEARCH_BENCH_OUT")
        .map(PathBuf::from)
        .unwrap_or_else(|_| work.path().join("public/search"));
    let total = write_export(&index, &search_dir);
    let js = files
        .iter()
        .find(|(p, _)| p.ends_with("search.js"))
        .map(|(_, b)| b.len())
        .unwrap();
    let meta = files
        .iter()
        .find(|(p, _)| p.ends_with("meta.json"))
        .map(|(_, b)| b.len())
        .unwrap();
    writeln!(
        err,
        "export: {export:.2} s, {} files, {:.1} MB in public/search/ (meta.json {meta} B, search.js {js} B)",
        files.len(),
        total as f64 / 1e6
    )
    .unwrap();

    let t = Instant::now();
    let mut times = Vec::new();
    for q in [
        "refugee ",
        "\"public health\"",
        "vacc",
        "réfugiés logement ",
    ] {
        let t = Instant::now();
        index.search(&req(q, None, &[])).unwrap();
        times.push(t.elapsed().as_secs_f64() * 1000.0);
    }
    writeln!(
        err,
        "rust search: {:?} ms ({:.0} ms total)",
        times.iter().map(|t| format!("{t:.1}")).collect::<Vec<_>>(),
        t.elapsed().as_secs_f64() * 1000.0
    )
    .unwrap();

    let fresh = |q: &str, lang: Option<&str>| {
        let mut v = serde_json::to_value(req(q, lang, &[])).unwrap();
        v["fresh"] = Value::Bool(true);
        v
    };
    let warm = |q: &str, lang: Option<&str>| serde_json::to_value(req(q, lang, &[])).unwrap();
    let mut bench = vec![
        warm("refugee ", Some("en")),
        warm("vaccination ", Some("en")),
        fresh("refugie ", Some("fr")),
        fresh("refugee ", None),
        fresh("\"public health\"", None),
        fresh("vacc", Some("en")),
        fresh("réfugiés ", Some("fr")),
    ];
    let labels = [
        "first query  \"refugee\" (en)",
        "second query \"vaccination\" (en), same page",
        "first query  \"refugie\" (fr)",
        "first query  \"refugee\" (all languages)",
        "first query  \"\\\"public health\\\"\" (phrase, all)",
        "first query  \"vacc\" (prefix, en)",
        "first query  \"réfugiés\" (fr)",
    ];
    for _ in 0..15 {
        bench.push(warm("refugee ", Some("en")));
        bench.push(warm("réfugiés logement ", None));
    }
    let out = run_node(
        &search_dir,
        &serde_json::json!({ "requests": bench }),
        work.path(),
    );
    for (i, label) in labels.iter().enumerate() {
        let (n, bytes) = (&out["bytes"][i][0], out["bytes"][i][1].as_u64().unwrap());
        writeln!(
            err,
            "{label}: {n} files, {:.1} kB (gzip) fetched, {:.0} ms",
            bytes as f64 / 1000.0,
            out["ms"][i].as_f64().unwrap()
        )
        .unwrap();
        if std::env::var("SEARCH_BENCH_VERBOSE").is_ok() {
            writeln!(err, "    {}", out["files"][i]).unwrap();
        }
    }
    let ms: Vec<f64> = (labels.len()..bench.len())
        .map(|i| out["ms"][i].as_f64().unwrap())
        .collect();
    let a: Vec<f64> = ms.iter().step_by(2).copied().collect();
    let b: Vec<f64> = ms.iter().skip(1).step_by(2).copied().collect();
    writeln!(
        err,
        "node, loaded: \"refugee\" (en) median {:.1} ms; \"réfugiés logement\" (all) median {:.1} ms",
        median(a),
        median(b)
    )
    .unwrap();
    // Related pages of 100 forums, as the build asks for them.
    let forums: Vec<&IndexDoc> = docs
        .iter()
        .filter(|d| d.kind == "forum")
        .take(100)
        .collect();
    let t = Instant::now();
    for d in &forums {
        index.related(&d.key, &d.lang, &[], 5).unwrap();
    }
    writeln!(
        err,
        "related: {:.1} ms per page",
        t.elapsed().as_secs_f64() * 1000.0 / forums.len() as f64
    )
    .unwrap();

    // Parity on the big corpus too.
    let all = requests();
    let parity = run_node(
        &search_dir,
        &serde_json::json!({ "requests": all }),
        work.path(),
    );
    let mismatches: Vec<String> = all
        .iter()
        .enumerate()
        .filter_map(|(i, r)| {
            let d = compare(&index.search(r).unwrap(), &parity["responses"][i]);
            (!d.is_empty()).then(|| format!("{:?}: {}", r.query, d.join("; ")))
        })
        .collect();
    writeln!(
        err,
        "parity on {} docs: {} requests, {} mismatches",
        docs.len(),
        all.len(),
        mismatches.len()
    )
    .unwrap();
    assert!(mismatches.is_empty(), "{}", mismatches.join("\n"));
    let en = &out["responses"][0];
    writeln!(err, "\"refugee\" (en): total {}", en["total"]).unwrap();
    let rust = index.search(&req("refugee ", Some("en"), &[])).unwrap();
    assert!(compare(&rust, en).is_empty());
}
