//! Theme strings and dates in the reader's language.
//!
//! UI strings come from the theme's `i18n/LANG.toml` (the built-in theme's, overridden key
//! by key by the site's own theme folder). Dates are formatted here, in Rust, because
//! templates cannot know that French writes «1er mars 2026» and «13 h 30».

use std::collections::BTreeMap;

use crate::model::{Date, DateTime, YearMonth};

/// UI strings of one language: key → text.
pub type Strings = BTreeMap<String, String>;

const EN_MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];
const FR_MONTHS: [&str; 12] = [
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
];

fn month_name(lang: &str, month: u8) -> &'static str {
    let i = usize::from(month.clamp(1, 12) - 1);
    if lang == "fr" {
        FR_MONTHS[i]
    } else {
        EN_MONTHS[i]
    }
}

/// `March 12, 2026` / `12 mars 2026` (`1er mars` for the first of the month).
pub fn format_date(date: Date, lang: &str) -> String {
    match lang {
        "fr" => {
            let day = if date.day == 1 {
                "1er".to_string()
            } else {
                date.day.to_string()
            };
            format!("{day} {} {}", month_name(lang, date.month), date.year)
        }
        _ => format!(
            "{} {}, {}",
            month_name(lang, date.month),
            date.day,
            date.year
        ),
    }
}

/// `March 2020` / `mars 2020`.
pub fn format_month(ym: YearMonth, lang: &str) -> String {
    format!("{} {}", month_name(lang, ym.month), ym.year)
}

/// `1:30 p.m.` / `13 h 30`, in the local time the author wrote.
pub fn format_time(dt: &DateTime, lang: &str) -> String {
    match lang {
        "fr" => {
            if dt.minute == 0 {
                format!("{} h", dt.hour)
            } else {
                format!("{} h {:02}", dt.hour, dt.minute)
            }
        }
        _ => {
            let (h12, suffix) = match dt.hour {
                0 => (12, "a.m."),
                1..=11 => (dt.hour, "a.m."),
                12 => (12, "p.m."),
                h => (h - 12, "p.m."),
            };
            format!("{h12}:{:02} {suffix}", dt.minute)
        }
    }
}

/// Date, time and offset of a forum: `March 12, 2026, 1:00 p.m. (UTC−05:00)`.
pub fn format_datetime(dt: &DateTime, lang: &str) -> String {
    let sep = if lang == "fr" { " à " } else { ", " };
    format!(
        "{}{sep}{} ({})",
        format_date(dt.date, lang),
        format_time(dt, lang),
        dt.offset_label()
    )
}

/// A language's name in that language, for the language switch.
pub fn native_name(lang: &str) -> &str {
    match lang {
        "en" => "English",
        "fr" => "Français",
        "es" => "Español",
        other => other,
    }
}

/// A language's name in the reader's language (`French` / `français`).
pub fn language_name_in(lang: &str, reader: &str) -> String {
    match (reader, lang) {
        ("fr", "en") => "anglais".into(),
        ("fr", "fr") => "français".into(),
        ("fr", "es") => "espagnol".into(),
        ("fr", "ar") => "arabe".into(),
        (_, "en") => "English".into(),
        (_, "fr") => "French".into(),
        (_, "es") => "Spanish".into(),
        (_, "ar") => "Arabic".into(),
        (_, other) => other.to_string(),
    }
}

/// Parses one `i18n/LANG.toml` (flat `key = "text"` pairs).
pub fn parse_strings(text: &str) -> Result<Strings, String> {
    let table: toml::Table = toml::from_str(text).map_err(|e| e.to_string())?;
    let mut out = Strings::new();
    for (k, v) in table {
        match v {
            toml::Value::String(s) => {
                out.insert(k, s);
            }
            other => return Err(format!("`{k}` must be text, found {}", other.type_str())),
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_per_language() {
        let d = Date::parse("2026-03-12").expect("date");
        assert_eq!(format_date(d, "en"), "March 12, 2026");
        assert_eq!(format_date(d, "fr"), "12 mars 2026");
        let first = Date::parse("2023-10-01").expect("date");
        assert_eq!(format_date(first, "fr"), "1er octobre 2023");
    }

    #[test]
    fn times_per_language() {
        let dt = DateTime::parse("2026-03-12T13:30:00-05:00").expect("dt");
        assert_eq!(format_time(&dt, "en"), "1:30 p.m.");
        assert_eq!(format_time(&dt, "fr"), "13 h 30");
        assert_eq!(
            format_datetime(&dt, "fr"),
            "12 mars 2026 à 13 h 30 (UTC−05:00)"
        );
        let midnight = DateTime::parse("2026-03-12T00:05:00Z").expect("dt");
        assert_eq!(format_time(&midnight, "en"), "12:05 a.m.");
    }
}
