//! Forums as readers need them (issue 19, forums): a day without an hour is an all-day
//! event and shows no hour; a forum whose day has passed reads as held, with nothing to
//! add to a calendar; the calendar carries the forums to come; hours name their zone as
//! readers know it (EDT, HAE) instead of a UTC offset.

use crate::harness::TestSite;

const EN: &str = "content/forums/cross-learning-forum.md";
const FR: &str = "content/forums/cross-learning-forum.fr.md";

fn set_start(site: &TestSite, from: &str, to: &str) {
    for path in [EN, FR] {
        let text = site.read(path).replace(from, to);
        site.write(path, text);
    }
}

#[test]
fn issue19_a_held_forum_reads_as_held_and_has_no_calendar() {
    let site = TestSite::new("good");
    set_start(
        &site,
        "starts: 2099-03-12T13:00:00-05:00\nends: 2099-03-12T16:30:00-05:00\n",
        "starts: 2020-10-02\n",
    );
    site.build_ok();
    let en = site.public("en/forums/cross-learning-forum/index.html");
    assert!(
        en.contains("Held on <time datetime=\"2020-10-02\">October 2, 2020</time>"),
        "{en}"
    );
    assert!(!en.contains("Add to calendar"));
    assert!(
        !en.contains("a.m.") && !en.contains("p.m."),
        "no hour the source does not give"
    );
    let fr = site.public("fr/forums/forum-apprentissage-croise/index.html");
    assert!(
        fr.contains("Tenu le <time datetime=\"2020-10-02\">2 octobre 2020</time>"),
        "{fr}"
    );
    assert!(!site.path("public/en/forums/calendar.ics").exists());
    assert!(
        !site
            .path("public/en/forums/cross-learning-forum/event.ics")
            .exists()
    );
    assert!(
        !en.contains("calendar.ics"),
        "no link to a calendar that does not exist"
    );
}

#[test]
fn issue19_a_day_to_come_is_an_all_day_event() {
    let site = TestSite::new("good");
    set_start(
        &site,
        "starts: 2099-03-12T13:00:00-05:00\nends: 2099-03-12T16:30:00-05:00\n",
        "starts: 2099-03-12\n",
    );
    site.build_ok();
    let ics = site.public("en/forums/cross-learning-forum/event.ics");
    assert!(ics.contains("DTSTART;VALUE=DATE:20990312\r\n"), "{ics}");
    assert!(ics.contains("DTEND;VALUE=DATE:20990313\r\n"), "{ics}");
    let calendar = site.public("en/forums/calendar.ics");
    assert!(calendar.contains("DTSTART;VALUE=DATE:20990312"));
    let en = site.public("en/forums/cross-learning-forum/index.html");
    assert!(en.contains("Add to calendar"));
    assert!(
        en.contains("<time datetime=\"2099-03-12\">March 12, 2099</time>"),
        "{en}"
    );
}

#[test]
fn issue19_hours_name_their_zone() {
    let site = TestSite::new("good");
    set_start(
        &site,
        "starts: 2099-03-12T13:00:00-05:00\nends: 2099-03-12T16:30:00-05:00\n",
        "starts: 2099-10-06T13:00:00-04:00\n",
    );
    site.build_ok();
    let en = site.public("en/forums/cross-learning-forum/index.html");
    assert!(en.contains("October 6, 2099, 1:00 p.m. EDT"), "{en}");
    let fr = site.public("fr/forums/forum-apprentissage-croise/index.html");
    assert!(fr.contains("6 octobre 2099 à 13 h HAE"), "{fr}");
    assert!(!en.contains("UTC−04:00"));
}
