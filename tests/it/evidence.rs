//! A recommendation's evidence may name lessons as well as case studies, and the evidence
//! graph renders both ways: the lesson lists the recommendations that cite it (issue 19).

use crate::harness::{TestSite, errors};

const REC: &str = "content/recommendations/fund-food-hubs.md";

#[test]
fn issue19_a_recommendation_may_rest_on_a_lesson_which_lists_it() {
    let site = TestSite::new("good");
    let text = site.read(REC).replace(
        "evidence: [case-studies/food-hub-montreal-nord,",
        "evidence: [lessons/partnerships-last, case-studies/food-hub-montreal-nord,",
    );
    site.write(REC, text);
    site.build_ok();
    let rec = site.public("en/recommendations/fund-food-hubs/index.html");
    assert!(
        rec.contains("href=\"/en/lessons/partnerships-last/\""),
        "the lesson as evidence"
    );
    let lesson = site.public("en/lessons/partnerships-last/index.html");
    assert!(
        lesson.contains("href=\"/en/recommendations/fund-food-hubs/\""),
        "the lesson lists the recommendation that cites it"
    );
}

#[test]
fn issue19_evidence_still_refuses_other_kinds() {
    let site = TestSite::new("good");
    let text = site.read(REC).replace(
        "evidence: [case-studies/food-hub-montreal-nord,",
        "evidence: [forums/cross-learning-forum, case-studies/food-hub-montreal-nord,",
    );
    site.write(REC, text);
    let run = site.build();
    run.assert_code(1);
    let errors = errors(&run.stderr());
    assert!(
        errors.iter().any(
            |e| e.contains("`evidence` must name case studies or lessons, but this is a forum")
        ),
        "{errors:#?}"
    );
}
