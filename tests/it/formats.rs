//! The files that are not HTML: Atom feeds and the sitemap are well-formed XML, calendars
//! follow RFC 5545's line rules and give times in UTC.

use crate::harness::TestSite;

/// `Err` with the first reason `text` is not well-formed XML (a small checker: tags nest and
/// match, one root element, attributes quoted and unique, entities known).
fn well_formed(text: &str) -> Result<(), String> {
    let mut stack: Vec<&str> = Vec::new();
    let mut roots = 0;
    let mut rest = text;
    let mut offset = 0;
    while !rest.is_empty() {
        let at = |r: &str| text.len() - r.len();
        let next = if let Some(r) = rest.strip_prefix("<?") {
            let end = r.find("?>").ok_or("unclosed <?")?;
            &r[end + 2..]
        } else if let Some(r) = rest.strip_prefix("<!--") {
            let end = r.find("-->").ok_or("unclosed comment")?;
            &r[end + 3..]
        } else if let Some(r) = rest.strip_prefix("<![CDATA[") {
            if stack.is_empty() {
                return Err(format!("CDATA outside the root at {offset}"));
            }
            let end = r.find("]]>").ok_or("unclosed CDATA")?;
            &r[end + 3..]
        } else if let Some(r) = rest.strip_prefix("</") {
            let end = r.find('>').ok_or("unclosed end tag")?;
            let name = r[..end].trim();
            match stack.pop() {
                Some(open) if open == name => {}
                other => return Err(format!("</{name}> closes {other:?} at {offset}")),
            }
            &r[end + 1..]
        } else if let Some(r) = rest.strip_prefix('<') {
            let (name, after, empty) = start_tag(r).map_err(|e| format!("{e} at {offset}"))?;
            if stack.is_empty() {
                roots += 1;
            }
            if !empty {
                stack.push(name);
            }
            after
        } else {
            let end = rest.find('<').unwrap_or(rest.len());
            let chars = &rest[..end];
            if stack.is_empty() && !chars.trim().is_empty() {
                return Err(format!("text outside the root at {offset}: {chars:?}"));
            }
            entities(chars).map_err(|e| format!("{e} at {offset}"))?;
            if chars.contains('>') && chars.contains("]]>") {
                return Err(format!("`]]>` in text at {offset}"));
            }
            &rest[end..]
        };
        rest = next;
        offset = at(rest);
    }
    if let Some(open) = stack.last() {
        return Err(format!("<{open}> is never closed"));
    }
    if roots == 1 {
        Ok(())
    } else {
        Err(format!("{roots} root elements"))
    }
}

/// Parses a start tag after its `<`: (name, rest after `>`, self-closing).
fn start_tag(r: &str) -> Result<(&str, &str, bool), String> {
    let name_end = r
        .find(|c: char| c.is_whitespace() || c == '>' || c == '/')
        .ok_or("unclosed tag")?;
    let name = &r[..name_end];
    if name.is_empty() || !name.starts_with(|c: char| c.is_alphabetic() || c == '_') {
        return Err(format!("bad element name {name:?}"));
    }
    let mut rest = &r[name_end..];
    let mut seen: Vec<&str> = Vec::new();
    loop {
        rest = rest.trim_start();
        if let Some(after) = rest.strip_prefix("/>") {
            return Ok((name, after, true));
        }
        if let Some(after) = rest.strip_prefix('>') {
            return Ok((name, after, false));
        }
        let eq = rest
            .find('=')
            .ok_or(format!("attribute without value in <{name}>"))?;
        let attr = rest[..eq].trim();
        if attr.is_empty() || attr.contains(char::is_whitespace) {
            return Err(format!("bad attribute {attr:?} in <{name}>"));
        }
        if seen.contains(&attr) {
            return Err(format!("attribute {attr} twice in <{name}>"));
        }
        seen.push(attr);
        let value = rest[eq + 1..].trim_start();
        let quote = value
            .chars()
            .next()
            .filter(|c| *c == '"' || *c == '\'')
            .ok_or(format!("unquoted attribute {attr} in <{name}>"))?;
        let end = value[1..]
            .find(quote)
            .ok_or(format!("unclosed attribute {attr} in <{name}>"))?;
        let v = &value[1..=end];
        if v.contains('<') {
            return Err(format!("`<` in attribute {attr} of <{name}>"));
        }
        entities(v)?;
        rest = &value[end + 2..];
    }
}

fn entities(text: &str) -> Result<(), String> {
    let mut rest = text;
    while let Some(i) = rest.find('&') {
        rest = &rest[i + 1..];
        let end = rest.find(';').ok_or("`&` without `;`")?;
        let name = &rest[..end];
        let ok = matches!(name, "amp" | "lt" | "gt" | "quot" | "apos")
            || name
                .strip_prefix("#x")
                .is_some_and(|h| !h.is_empty() && h.chars().all(|c| c.is_ascii_hexdigit()))
            || name
                .strip_prefix('#')
                .is_some_and(|d| !d.is_empty() && d.chars().all(|c| c.is_ascii_digit()));
        if !ok {
            return Err(format!("unknown entity &{name};"));
        }
    }
    Ok(())
}

#[test]
fn the_xml_checker_rejects_what_it_should() {
    assert!(well_formed("<?xml version=\"1.0\"?>\n<a x=\"1\"><b/>t &amp; u</a>\n").is_ok());
    for bad in [
        "<a><b></a></b>",
        "<a>",
        "<a></a><b></b>",
        "<a x=1></a>",
        "<a x=\"1\" x=\"2\"></a>",
        "<a>AT&T</a>",
        "<a>&nbsp;</a>",
        "text<a></a>",
    ] {
        assert!(well_formed(bad).is_err(), "accepted {bad}");
    }
}

#[test]
fn atom_feeds_and_sitemap_are_well_formed_xml() {
    let site = TestSite::new("good");
    site.build_ok();
    for file in ["en/atom.xml", "fr/atom.xml", "sitemap.xml"] {
        let text = site.public(file);
        if let Err(e) = well_formed(&text) {
            panic!("{file} is not well-formed XML: {e}\n{text}");
        }
    }
    let en = site.public("en/atom.xml");
    assert!(en.contains("<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"en\">"));
    // Every content page of the language, and only those: 6 in English, 5 in French.
    assert_eq!(en.matches("<entry>").count(), 6, "{en}");
    let fr = site.public("fr/atom.xml");
    assert_eq!(fr.matches("<entry>").count(), 5, "{fr}");
    assert!(
        fr.contains("https://example.org/fr/etudes-de-cas/carrefour-alimentaire-montreal-nord/")
    );
    // Entry links point at pages that were built.
    for feed in [&en, &fr] {
        for part in feed
            .split("<link rel=\"alternate\" type=\"text/html\" href=\"")
            .skip(1)
        {
            let url = part.split('"').next().unwrap_or_default();
            let path = url.trim_start_matches("https://example.org/");
            let file = if path.is_empty() || path.ends_with('/') {
                format!("public/{path}index.html")
            } else {
                format!("public/{path}")
            };
            assert!(
                site.path(&file).is_file(),
                "the feed links {url}, not built"
            );
        }
    }
}

#[test]
fn calendars_follow_rfc_5545_and_give_times_in_utc() {
    let site = TestSite::new("good");
    site.build_ok();
    for file in [
        "en/forums/calendar.ics",
        "fr/forums/calendar.ics",
        "en/forums/cross-learning-forum/event.ics",
    ] {
        let text = site.public(file);
        assert!(text.ends_with("\r\n"), "{file} does not end with CRLF");
        assert!(
            !text.replace("\r\n", "").contains('\n'),
            "{file} has a line end that is not CRLF"
        );
        let lines: Vec<&str> = text.trim_end_matches("\r\n").split("\r\n").collect();
        for line in &lines {
            assert!(
                line.len() <= 75,
                "{file}: a line of {} octets: {line}",
                line.len()
            );
        }
        assert_eq!(lines.first(), Some(&"BEGIN:VCALENDAR"), "{file}");
        assert_eq!(lines.last(), Some(&"END:VCALENDAR"), "{file}");
        let unfolded = text.replace("\r\n ", "");
        let props: Vec<&str> = unfolded.split("\r\n").collect();
        assert!(props.contains(&"VERSION:2.0"), "{file}");
        assert!(props.iter().any(|p| p.starts_with("PRODID:")), "{file}");
        assert_eq!(
            props.iter().filter(|p| **p == "BEGIN:VEVENT").count(),
            1,
            "{file}"
        );
        assert_eq!(
            props.iter().filter(|p| **p == "END:VEVENT").count(),
            1,
            "{file}"
        );
        for required in ["UID:", "DTSTAMP:", "SUMMARY:"] {
            assert!(
                props.iter().any(|p| p.starts_with(required)),
                "{file} has no {required}"
            );
        }
        // 13:00 at UTC−05:00 is 18:00 UTC.
        assert!(
            props.contains(&"DTSTART:20990312T180000Z"),
            "{file}:\n{unfolded}"
        );
        assert!(
            props.contains(&"DTEND:20990312T213000Z"),
            "{file}:\n{unfolded}"
        );
    }
    let fr = site.public("fr/forums/calendar.ics").replace("\r\n ", "");
    assert!(fr.contains("URL:https://example.org/fr/forums/forum-apprentissage-croise/"));
    assert!(
        fr.contains("LOCATION:Maison de la culture\\, Montréal"),
        "{fr}"
    );
}
