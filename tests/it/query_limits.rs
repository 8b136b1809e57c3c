//! No query, of any length or content, crashes the CLI (issue 18, point 6). Each word was a
//! level of the query tree, so 1,000 words overflowed the stack (exit 134); a query is now
//! refused past 32 words or 1,024 bytes, with a message that says so. `serve`'s
//! `/_search` gives the same refusal as a 400 (tests/it/serve_safety.rs).

use crate::harness::TestSite;

fn built() -> TestSite {
    let site = TestSite::new("good");
    site.build_ok();
    site
}

#[test]
fn issue18_6_ten_thousand_words_are_refused_with_a_message_not_a_crash() {
    let site = built();
    let words = vec!["food"; 10_000].join(" ");
    let run = site.run(&["search", &words]);
    run.assert_code(2);
    assert!(
        run.stderr()
            .contains("the query has 10000 words; at most 32 are searched"),
        "{}",
        run.stderr()
    );
    // Words joined by punctuation are words too: the bound is on what the parser sees.
    let joined = vec!["food"; 300].join(",");
    let run = site.run(&["search", &joined]);
    run.assert_code(2);
    assert!(
        run.stderr().contains("words; at most 32"),
        "{}",
        run.stderr()
    );
    let long = "x".repeat(5_000);
    let run = site.run(&["search", &long]);
    run.assert_code(2);
    assert!(
        run.stderr().contains("at most 1024 are searched"),
        "{}",
        run.stderr()
    );
}

#[test]
fn issue18_6_thirty_two_words_are_searched() {
    let site = built();
    let mut words = vec!["food"; 31];
    words.push("hub");
    let run = site.run(&["search", &words.join(" "), "--json"]);
    run.assert_code(0);
    let json: serde_json::Value = serde_json::from_str(&run.stdout).expect("JSON");
    assert!(json["total"].as_u64().is_some_and(|n| n >= 1), "{json}");
}
