//! Feeds: Atom per language, the sitemap with hreflang alternates, iCalendar files.
//!
//! Written by hand rather than through templates: these formats have strict escaping and
//! line rules (RFC 4287, sitemaps.org, RFC 5545) that a theme author should not have to know.
//! Everything is derived from the `Site` and the rendered pages, deterministically: the
//! same content gives the same bytes, whatever the day of the build.

use std::fmt::Write as _;

use crate::i18n;
use crate::model::{Date, Kind, Page};
use crate::output::OutputFile;
use crate::resolve::{PageId, Site};

const FEED_ENTRIES: usize = 20;

fn rfc3339_day(d: Date) -> String {
    format!("{d}T00:00:00Z")
}

fn last_change(p: &Page) -> Option<Date> {
    p.fm.updated.max(p.fm.date)
}

/// `en/atom.xml`: the newest content pages of one language.
pub fn atom(site: &Site, lang: &str, title: &str) -> OutputFile {
    let ids: Vec<PageId> = site
        .newest
        .get(lang)
        .map_or_else(Vec::new, |v| v.iter().take(FEED_ENTRIES).copied().collect());
    let home = site.absolute(&site.home_url(lang));
    let self_url = site.absolute(&format!("{}{lang}/atom.xml", site.config.root));
    let updated = ids
        .iter()
        .filter_map(|&id| last_change(&site.pages[id]))
        .max()
        .map_or_else(|| "1970-01-01T00:00:00Z".to_string(), rfc3339_day);
    let mut x = String::new();
    let _ = write!(
        x,
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"{lang}\">\n  <title>{}</title>\n  <subtitle>{}</subtitle>\n  <link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>\n  <link rel=\"self\" type=\"application/atom+xml\" href=\"{}\"/>\n  <id>{}</id>\n  <updated>{updated}</updated>\n  <author><name>{}</name></author>\n  <generator uri=\"https://github.com/passerelle\">Passerelle</generator>\n",
        crate::text::escape_xml(title),
        crate::text::escape_xml(site.config.description.get(lang)),
        crate::text::escape_xml(&home),
        crate::text::escape_xml(&self_url),
        crate::text::escape_xml(&home),
        crate::text::escape_xml(title),
    );
    for id in ids {
        let p = &site.pages[id];
        let url = site.absolute(&site.urls[id]);
        let published = p.fm.date.map(rfc3339_day).unwrap_or_default();
        let updated = last_change(p).map(rfc3339_day).unwrap_or_default();
        let _ = write!(
            x,
            "  <entry>\n    <title>{}</title>\n    <link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>\n    <id>{}</id>\n    <published>{published}</published>\n    <updated>{updated}</updated>\n    <summary>{}</summary>\n",
            crate::text::escape_xml(&p.fm.title),
            crate::text::escape_xml(&url),
            crate::text::escape_xml(&url),
            crate::text::escape_xml(&p.fm.summary),
        );
        for a in &p.fm.authors {
            let _ = writeln!(
                x,
                "    <author><name>{}</name></author>",
                crate::text::escape_xml(a)
            );
        }
        if let Some(kind) = p.kind() {
            let _ = writeln!(x, "    <category term=\"{}\"/>", kind.as_str());
        }
        x.push_str("  </entry>\n");
    }
    x.push_str("</feed>\n");
    OutputFile::new(format!("{lang}/atom.xml"), x.into_bytes())
}

/// Where the sitemap goes.
pub const SITEMAP: &str = "sitemap.xml";

/// `sitemap.xml`: every HTML page that says it belongs in the sitemap.
pub fn sitemap(files: &[OutputFile]) -> OutputFile {
    let mut x = Vec::new();
    // Writing to memory does not fail.
    let _ = write_sitemap(&mut x, files);
    OutputFile::new(SITEMAP.into(), x)
}

/// [`sitemap`], written to `out` as it is made: a build that keeps nothing streams it
/// to its file, as at 50,000 pages the sitemap alone is 31 MB.
pub fn write_sitemap(out: &mut impl std::io::Write, files: &[OutputFile]) -> std::io::Result<()> {
    let mut entries: Vec<_> = files.iter().filter_map(|f| f.sitemap.as_ref()).collect();
    entries.sort_by(|a, b| a.url.cmp(&b.url));
    out.write_all(
        b"<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\" xmlns:xhtml=\"http://www.w3.org/1999/xhtml\">\n",
    )?;
    for e in entries {
        writeln!(
            out,
            "  <url>\n    <loc>{}</loc>",
            crate::text::escape_xml(&e.url)
        )?;
        if let Some(lastmod) = &e.lastmod {
            writeln!(out, "    <lastmod>{lastmod}</lastmod>")?;
        }
        if e.alternates.len() > 1 {
            for (lang, url) in &e.alternates {
                writeln!(
                    out,
                    "    <xhtml:link rel=\"alternate\" hreflang=\"{lang}\" href=\"{}\"/>",
                    crate::text::escape_xml(url)
                )?;
            }
        }
        out.write_all(b"  </url>\n")?;
    }
    out.write_all(b"</urlset>\n")
}

/// Text escaped for an iCalendar TEXT value (RFC 5545 §3.3.11).
fn ics_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\n' => out.push_str("\\n"),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// Folds a content line at 75 octets, never inside a UTF-8 character, and ends it with CRLF.
/// Control characters are dropped: a CR or LF from a value that is not TEXT (a UID made
/// from a file name, a URL) would otherwise end the line and start a property of its own.
fn ics_line(out: &mut String, line: &str) {
    let mut width = 0;
    for c in line.chars().filter(|c| !c.is_control()) {
        let len = c.len_utf8();
        if width + len > 75 {
            out.push_str("\r\n ");
            width = 1;
        }
        out.push(c);
        width += len;
    }
    out.push_str("\r\n");
}

fn ical_date(d: Date) -> String {
    format!("{:04}{:02}{:02}", d.year, d.month, d.day)
}

fn vevent(site: &Site, id: PageId, lang: &str, out: &mut String) {
    let p = &site.pages[id];
    let f = &p.fm.fields;
    let Some(starts) = f.starts else { return };
    let host = site
        .config
        .base_url
        .split("://")
        .nth(1)
        .unwrap_or("passerelle")
        .trim_end_matches('/');
    let url = site.absolute(&site.urls[id]);
    ics_line(out, "BEGIN:VEVENT");
    ics_line(
        out,
        &format!("UID:{}-{}@{}", p.key.replace('/', "-"), lang, host),
    );
    let stamp = last_change(p).unwrap_or(starts.date);
    ics_line(
        out,
        &format!(
            "DTSTAMP:{:04}{:02}{:02}T000000Z",
            stamp.year, stamp.month, stamp.day
        ),
    );
    if starts.all_day {
        // A day, at no hour the source gives: an all-day event ends the next day.
        let ends = f
            .ends
            .map_or(starts.date.plus_days(1), |e| e.date.plus_days(1));
        ics_line(
            out,
            &format!("DTSTART;VALUE=DATE:{}", ical_date(starts.date)),
        );
        ics_line(out, &format!("DTEND;VALUE=DATE:{}", ical_date(ends)));
    } else {
        ics_line(out, &format!("DTSTART:{}", starts.to_ical_utc()));
        if let Some(ends) = f.ends {
            ics_line(out, &format!("DTEND:{}", ends.to_ical_utc()));
        }
    }
    ics_line(out, &format!("SUMMARY:{}", ics_text(&p.fm.title)));
    let mut description = p.fm.summary.clone();
    if !f.languages.is_empty() {
        let names: Vec<String> = f
            .languages
            .iter()
            .map(|l| i18n::language_name_in(&l.value, lang))
            .collect();
        let label = if lang == "fr" { "Langues" } else { "Languages" };
        let _ = write!(description, "\n{label} : {}", names.join(", "));
        if lang != "fr" {
            description = description.replace(" : ", ": ");
        }
    }
    ics_line(out, &format!("DESCRIPTION:{}", ics_text(&description)));
    if let Some(loc) = &f.location {
        let city = loc
            .city
            .as_ref()
            .and_then(|c| {
                site.config
                    .taxonomy_for(crate::config::TaxonomyRole::Place)
                    .and_then(|t| t.term(&c.value))
            })
            .map(|t| t.label.get(lang).to_string());
        let text = match city {
            Some(c) => format!("{}, {c}", loc.name),
            None => loc.name.clone(),
        };
        ics_line(out, &format!("LOCATION:{}", ics_text(&text)));
    } else if f.online {
        ics_line(
            out,
            &format!(
                "LOCATION:{}",
                if lang == "fr" { "En ligne" } else { "Online" }
            ),
        );
    }
    ics_line(out, &format!("URL:{url}"));
    if f.status.as_ref().is_some_and(|s| s.value == "cancelled") {
        ics_line(out, "STATUS:CANCELLED");
    } else {
        ics_line(out, "STATUS:CONFIRMED");
    }
    ics_line(out, "END:VEVENT");
}

fn calendar(site: &Site, lang: &str, ids: &[PageId]) -> String {
    let mut out = String::new();
    ics_line(&mut out, "BEGIN:VCALENDAR");
    ics_line(&mut out, "VERSION:2.0");
    ics_line(
        &mut out,
        "PRODID:-//Passerelle//Passerelle static site generator//EN",
    );
    ics_line(&mut out, "CALSCALE:GREGORIAN");
    ics_line(&mut out, "METHOD:PUBLISH");
    ics_line(
        &mut out,
        &format!("X-WR-CALNAME:{}", ics_text(site.config.title.get(lang))),
    );
    for &id in ids {
        vevent(site, id, lang, &mut out);
    }
    ics_line(&mut out, "END:VCALENDAR");
    out
}

/// Forums of `lang` still to come on `today` (or under way), soonest first.
pub fn upcoming_forums(site: &Site, lang: &str, today: Date) -> Vec<PageId> {
    let mut ids: Vec<PageId> = site
        .newest
        .get(lang)
        .into_iter()
        .flatten()
        .copied()
        .filter(|&id| {
            site.pages[id].kind() == Some(Kind::Forum)
                && site.pages[id]
                    .fm
                    .fields
                    .starts
                    .is_some_and(|s| s.date >= today)
        })
        .collect();
    ids.sort_by_key(|&id| site.pages[id].fm.fields.starts.map(|s| s.timestamp()));
    ids
}

/// `LANG/FORUMS/calendar.ics` with the forums to come (none when there is none: RFC 5545
/// forbids a calendar with no event), and one `event.ics` per forum to come. A forum that
/// was held is history: nobody adds it to a calendar.
pub fn calendars(site: &Site, lang: &str, today: Date) -> Vec<OutputFile> {
    let mut files = Vec::new();
    let ids = upcoming_forums(site, lang, today);
    if let Some(section) = site.config.section_of_kind(Kind::Forum)
        && !ids.is_empty()
    {
        let path = format!("{lang}/{}/calendar.ics", section.slug.get(lang));
        files.push(OutputFile::new(
            path,
            calendar(site, lang, &ids).into_bytes(),
        ));
    }
    for id in ids {
        let path = site.file_of(&format!("{}event.ics", site.urls[id]));
        files.push(OutputFile::new(
            path,
            calendar(site, lang, &[id]).into_bytes(),
        ));
    }
    files
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ics_lines_fold_at_75_octets_on_char_boundaries() {
        let mut out = String::new();
        let long = format!("SUMMARY:{}", "é".repeat(60));
        ics_line(&mut out, &long);
        for line in out.split("\r\n").filter(|l| !l.is_empty()) {
            assert!(line.len() <= 75, "{} octets: {line}", line.len());
        }
        let unfolded = out.replace("\r\n ", "");
        assert_eq!(unfolded.trim_end(), long);
    }

    #[test]
    fn ics_lines_cannot_be_broken_by_a_value() {
        let mut out = String::new();
        ics_line(&mut out, "UID:x\r\nBEGIN:VEVENT\n-en@example.org");
        assert_eq!(out, "UID:xBEGIN:VEVENT-en@example.org\r\n");
    }

    #[test]
    fn ics_text_escapes() {
        assert_eq!(ics_text("a, b; c\\d\ne"), "a\\, b\\; c\\\\d\\ne");
    }
}
