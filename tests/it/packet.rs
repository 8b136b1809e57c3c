//! Forum packets: printable, in both languages, with a QR code that really decodes to the
//! forum's page and a one-event calendar file.

use crate::harness::TestSite;

/// Rasterizes the QR `<svg>` of `html` (one `M{x} {y}h{w}v1h-{w}z` run per dark stretch)
/// and decodes it.
fn decode_qr(html: &str) -> String {
    let svg = html
        .split("<svg class=\"qr\"")
        .nth(1)
        .expect("the packet has a QR code");
    let size: usize = svg
        .split("viewBox=\"0 0 ")
        .nth(1)
        .and_then(|s| s.split(' ').next())
        .and_then(|s| s.parse().ok())
        .expect("viewBox");
    let d = svg
        .split(" d=\"")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .expect("path");
    let scale = 4;
    let side = size * scale;
    let mut pixels = vec![255u8; side * side];
    for run in d.split('M').filter(|r| !r.is_empty()) {
        let nums: Vec<usize> = run
            .split(|c: char| !c.is_ascii_digit())
            .filter(|s| !s.is_empty())
            .map(|s| s.parse().expect("number"))
            .collect();
        let (x, y, w) = (nums[0], nums[1], nums[2]);
        for py in y * scale..(y + 1) * scale {
            for px in x * scale..(x + w) * scale {
                pixels[py * side + px] = 0;
            }
        }
    }
    let mut image =
        rqrr::PreparedImage::prepare_from_greyscale(side, side, |x, y| pixels[y * side + x]);
    let grids = image.detect_grids();
    assert_eq!(grids.len(), 1, "one QR code");
    grids[0].decode().expect("decodes").1
}

#[test]
fn packets_in_both_languages_with_a_qr_code_to_the_page() {
    let site = TestSite::new("good");
    site.build_ok();
    for (packet, page) in [
        (
            "en/forums/cross-learning-forum/packet/index.html",
            "https://example.org/en/forums/cross-learning-forum/",
        ),
        (
            "fr/forums/forum-apprentissage-croise/packet/index.html",
            "https://example.org/fr/forums/forum-apprentissage-croise/",
        ),
    ] {
        let html = site.public(packet);
        assert_eq!(decode_qr(&html), page, "{packet}");
        assert!(
            html.contains("class=\"write-here\""),
            "space to write under each question"
        );
        assert!(
            html.contains("event.ics"),
            "a link to the one-event calendar file"
        );
    }
    let ics = site.public("en/forums/cross-learning-forum/event.ics");
    assert_eq!(ics.matches("BEGIN:VEVENT").count(), 1);
    assert!(ics.contains("DTSTART:") && ics.ends_with("END:VCALENDAR\r\n"));
}
