//! Theme strings and dates in the reader's language.
//!
//! UI strings come from the theme's `i18n/LANG.toml` (the built-in theme's, overridden key
//! by key by the site's own theme folder). Dates are formatted here, in Rust, because
//! templates cannot know that French writes «1er mars 2026» and «13 h 30».

use std::collections::BTreeMap;

use crate::model::{Date, DateTime, YearMonth};

/// UI strings of one language: key → text.
pub type Strings = BTreeMap<String, String>;

/// Everything Passerelle knows of a language it can publish in: one entry per language,
/// so that no other module names a language code. A site may use the languages listed in
/// [`LANGUAGES`]; `check` refuses any other, with this list.
#[derive(Debug)]
pub struct Language {
    /// ISO 639-1 code, as in site.toml and file names (`fr`).
    pub code: &'static str,
    /// Its name in itself, for the language switch.
    pub native_name: &'static str,
    /// Names of languages (by code) in this language, for the languages a forum is held
    /// in; a code not listed is shown as it is.
    pub names: &'static [(&'static str, &'static str)],
    pub months: [&'static str; 12],
    pub dates: DateStyle,
    pub clock: Clock,
    /// Between a date and a time (`, ` / ` à `).
    pub date_time_separator: &'static str,
    /// The search analyzer's stemmer (Snowball).
    pub stemmer: Stemmer,
    /// Words that elide before a vowel (`l’`, `qu’`), dropped by search; lowercase.
    pub elisions: &'static [&'static str],
    /// Search folds feminine and plural endings before stemming (see search::analysis).
    pub fold_endings: bool,
    /// Plural endings and what replaces them, tried in order on a searched word that no
    /// page contains (a key, lowercase and ASCII-folded): the first form some page
    /// contains is searched instead, so `refugees` finds a page that says `refugee`.
    pub plurals: &'static [(&'static str, &'static str)],
    /// French typography: no-break spaces before `; : ! ?` and inside « » (when site.toml
    /// keeps `french_typography` on).
    pub french_spacing: bool,
    /// Opening and closing quotation marks.
    pub quotes: (&'static str, &'static str),
    /// Names of Canada's time zones, as readers of this language know them: (UTC offset
    /// in minutes, summer time, name). A time at another offset shows its UTC offset.
    pub zones: &'static [(i32, bool, &'static str)],
}

/// How a date is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DateStyle {
    /// `March 12, 2026`.
    MonthDayYear,
    /// `12 mars 2026`, with `first` for the first of the month (`1er`).
    DayMonthYear { first: Option<&'static str> },
    /// `12 de marzo de 2026`.
    DayOfMonthOfYear,
    /// `12. März 2026`.
    DayDotMonthYear,
}

/// How a time is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Clock {
    /// `1:30 p.m.`
    TwelveHour,
    /// `13 h 30`, `13 h`.
    HourH,
    /// `13:30`.
    TwentyFourHour,
}

/// The Snowball stemmers search can use (those tantivy ships for these languages).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stemmer {
    English,
    French,
    Spanish,
    German,
    Italian,
    Portuguese,
}

/// The languages a site can be published in.
pub const LANGUAGES: &[Language] = &[
    Language {
        code: "en",
        native_name: "English",
        names: &[
            ("en", "English"),
            ("fr", "French"),
            ("es", "Spanish"),
            ("de", "German"),
            ("it", "Italian"),
            ("pt", "Portuguese"),
            ("ar", "Arabic"),
        ],
        months: [
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
        ],
        dates: DateStyle::MonthDayYear,
        clock: Clock::TwelveHour,
        date_time_separator: ", ",
        stemmer: Stemmer::English,
        elisions: &[],
        fold_endings: false,
        plurals: &[("ies", "y"), ("s", ""), ("es", "")],
        french_spacing: false,
        quotes: ("“", "”"),
        zones: &[
            (-150, true, "NDT"),
            (-210, false, "NST"),
            (-180, true, "ADT"),
            (-240, false, "AST"),
            (-240, true, "EDT"),
            (-300, false, "EST"),
            (-300, true, "CDT"),
            (-360, false, "CST"),
            (-360, true, "MDT"),
            (-420, false, "MST"),
            (-420, true, "PDT"),
            (-480, false, "PST"),
        ],
    },
    Language {
        code: "fr",
        native_name: "Français",
        names: &[
            ("en", "anglais"),
            ("fr", "français"),
            ("es", "espagnol"),
            ("de", "allemand"),
            ("it", "italien"),
            ("pt", "portugais"),
            ("ar", "arabe"),
        ],
        months: [
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
        ],
        dates: DateStyle::DayMonthYear { first: Some("1er") },
        clock: Clock::HourH,
        date_time_separator: " à ",
        stemmer: Stemmer::French,
        elisions: &[
            "l", "d", "j", "n", "s", "c", "m", "t", "qu", "jusqu", "lorsqu", "puisqu", "quoiqu",
        ],
        fold_endings: true,
        plurals: &[("aux", "al")],
        french_spacing: true,
        quotes: ("«", "»"),
        zones: &[
            (-150, true, "HAT"),
            (-210, false, "HNT"),
            (-180, true, "HAA"),
            (-240, false, "HNA"),
            (-240, true, "HAE"),
            (-300, false, "HNE"),
            (-300, true, "HAC"),
            (-360, false, "HNC"),
            (-360, true, "HAR"),
            (-420, false, "HNR"),
            (-420, true, "HAP"),
            (-480, false, "HNP"),
        ],
    },
    Language {
        code: "es",
        native_name: "Español",
        names: &[
            ("en", "inglés"),
            ("fr", "francés"),
            ("es", "español"),
            ("de", "alemán"),
            ("it", "italiano"),
            ("pt", "portugués"),
            ("ar", "árabe"),
        ],
        months: [
            "enero",
            "febrero",
            "marzo",
            "abril",
            "mayo",
            "junio",
            "julio",
            "agosto",
            "septiembre",
            "octubre",
            "noviembre",
            "diciembre",
        ],
        dates: DateStyle::DayOfMonthOfYear,
        clock: Clock::TwentyFourHour,
        date_time_separator: ", ",
        stemmer: Stemmer::Spanish,
        elisions: &[],
        fold_endings: false,
        plurals: &[("es", ""), ("s", "")],
        french_spacing: false,
        quotes: ("«", "»"),
        zones: &[],
    },
    Language {
        code: "de",
        native_name: "Deutsch",
        names: &[
            ("en", "Englisch"),
            ("fr", "Französisch"),
            ("es", "Spanisch"),
            ("de", "Deutsch"),
            ("it", "Italienisch"),
            ("pt", "Portugiesisch"),
            ("ar", "Arabisch"),
        ],
        months: [
            "Januar",
            "Februar",
            "März",
            "April",
            "Mai",
            "Juni",
            "Juli",
            "August",
            "September",
            "Oktober",
            "November",
            "Dezember",
        ],
        dates: DateStyle::DayDotMonthYear,
        clock: Clock::TwentyFourHour,
        date_time_separator: ", ",
        stemmer: Stemmer::German,
        elisions: &[],
        fold_endings: false,
        plurals: &[("en", ""), ("n", ""), ("e", ""), ("s", "")],
        french_spacing: false,
        quotes: ("„", "“"),
        zones: &[],
    },
    Language {
        code: "it",
        native_name: "Italiano",
        names: &[
            ("en", "inglese"),
            ("fr", "francese"),
            ("es", "spagnolo"),
            ("de", "tedesco"),
            ("it", "italiano"),
            ("pt", "portoghese"),
            ("ar", "arabo"),
        ],
        months: [
            "gennaio",
            "febbraio",
            "marzo",
            "aprile",
            "maggio",
            "giugno",
            "luglio",
            "agosto",
            "settembre",
            "ottobre",
            "novembre",
            "dicembre",
        ],
        dates: DateStyle::DayMonthYear { first: None },
        clock: Clock::TwentyFourHour,
        date_time_separator: ", ",
        stemmer: Stemmer::Italian,
        elisions: &[],
        fold_endings: false,
        plurals: &[("i", "o"), ("e", "a"), ("i", "e")],
        french_spacing: false,
        quotes: ("«", "»"),
        zones: &[],
    },
    Language {
        code: "pt",
        native_name: "Português",
        names: &[
            ("en", "inglês"),
            ("fr", "francês"),
            ("es", "espanhol"),
            ("de", "alemão"),
            ("it", "italiano"),
            ("pt", "português"),
            ("ar", "árabe"),
        ],
        months: [
            "janeiro",
            "fevereiro",
            "março",
            "abril",
            "maio",
            "junho",
            "julho",
            "agosto",
            "setembro",
            "outubro",
            "novembro",
            "dezembro",
        ],
        dates: DateStyle::DayOfMonthOfYear,
        clock: Clock::TwentyFourHour,
        date_time_separator: ", ",
        stemmer: Stemmer::Portuguese,
        elisions: &[],
        fold_endings: false,
        plurals: &[("oes", "ao"), ("ns", "m"), ("s", "")],
        french_spacing: false,
        quotes: ("«", "»"),
        zones: &[],
    },
];

/// The language of Passerelle's own messages (diagnostics, the command line): the
/// table's first.
pub const MESSAGES: &str = LANGUAGES[0].code;

/// The entry of `code`, if Passerelle can publish in it.
pub fn language(code: &str) -> Option<&'static Language> {
    LANGUAGES.iter().find(|l| l.code == code)
}

/// The entry of `code`, or English's for a code config validation has refused already
/// (so formatting never fails).
fn lang(code: &str) -> &'static Language {
    language(code).unwrap_or(&LANGUAGES[0])
}

fn month_name(lang_code: &str, month: u8) -> &'static str {
    lang(lang_code).months[usize::from(month.clamp(1, 12) - 1)]
}

/// `March 12, 2026` / `12 mars 2026` (`1er mars`) / `12 de marzo de 2026`…
pub fn format_date(date: Date, lang_code: &str) -> String {
    let month = month_name(lang_code, date.month);
    match lang(lang_code).dates {
        DateStyle::MonthDayYear => format!("{month} {}, {}", date.day, date.year),
        DateStyle::DayMonthYear { first } => {
            let day = match first {
                Some(first) if date.day == 1 => first.to_string(),
                _ => date.day.to_string(),
            };
            format!("{day} {month} {}", date.year)
        }
        DateStyle::DayOfMonthOfYear => format!("{} de {month} de {}", date.day, date.year),
        DateStyle::DayDotMonthYear => format!("{}. {month} {}", date.day, date.year),
    }
}

/// `March 2020` / `mars 2020`.
pub fn format_month(ym: YearMonth, lang_code: &str) -> String {
    match lang(lang_code).dates {
        DateStyle::DayOfMonthOfYear => {
            format!("{} de {}", month_name(lang_code, ym.month), ym.year)
        }
        _ => format!("{} {}", month_name(lang_code, ym.month), ym.year),
    }
}

/// `1:30 p.m.` / `13 h 30` / `13:30`, in the local time the author wrote.
pub fn format_time(dt: &DateTime, lang_code: &str) -> String {
    match lang(lang_code).clock {
        Clock::HourH if dt.minute == 0 => format!("{} h", dt.hour),
        Clock::HourH => format!("{} h {:02}", dt.hour, dt.minute),
        Clock::TwentyFourHour => format!("{}:{:02}", dt.hour, dt.minute),
        Clock::TwelveHour => {
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

/// Date and time of a forum with its zone: `March 12, 2026, 1:00 p.m. EST`, `12 mars 2026
/// à 13 h HNE`; a day alone when the source gives no hour; the UTC offset for a zone the
/// language has no name for (`UTC+01:00`).
pub fn format_datetime(dt: &DateTime, lang_code: &str) -> String {
    if dt.all_day {
        return format_date(dt.date, lang_code);
    }
    let summer = north_american_summer_time(dt.date);
    let zone = lang(lang_code)
        .zones
        .iter()
        .find(|(offset, dst, _)| *offset == dt.offset_minutes && *dst == summer)
        .map_or_else(
            || format!("({})", dt.offset_label()),
            |(_, _, name)| (*name).to_string(),
        );
    format!(
        "{}{}{} {zone}",
        format_date(dt.date, lang_code),
        lang(lang_code).date_time_separator,
        format_time(dt, lang_code),
    )
}

/// Whether `date` falls in summer time where Canada keeps it: from the second Sunday of
/// March to the first Sunday of November.
fn north_american_summer_time(date: Date) -> bool {
    let nth_sunday = |month: u8, n: u8| {
        let first = Date {
            year: date.year,
            month,
            day: 1,
        };
        1 + (6 + 7 - first.weekday()) % 7 + 7 * (n - 1)
    };
    let start = (3, nth_sunday(3, 2));
    let end = (11, nth_sunday(11, 1));
    (date.month, date.day) >= start && (date.month, date.day) < end
}

/// A language's name in that language, for the language switch.
pub fn native_name(code: &str) -> &str {
    language(code).map_or(code, |l| l.native_name)
}

/// A language's name in the reader's language (`French` / `français`).
pub fn language_name_in(code: &str, reader: &str) -> String {
    lang(reader)
        .names
        .iter()
        .find(|(c, _)| *c == code)
        .map_or_else(|| code.to_string(), |(_, name)| (*name).to_string())
}

/// Parses one `i18n/LANG.toml` (flat `key = "text"` pairs).
pub fn parse_strings(text: &str) -> anyhow::Result<Strings> {
    let table: toml::Table = toml::from_str(text)?;
    let mut out = Strings::new();
    for (k, v) in table {
        match v {
            toml::Value::String(s) => {
                out.insert(k, s);
            }
            other => anyhow::bail!("`{k}` must be text, found {}", other.type_str()),
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
        // 12 March 2026 is in summer time: −05:00 is then Central time.
        assert_eq!(format_datetime(&dt, "fr"), "12 mars 2026 à 13 h 30 HAC");
        assert_eq!(format_datetime(&dt, "en"), "March 12, 2026, 1:30 p.m. CDT");
        let winter = DateTime::parse("2026-02-12T13:30:00-05:00").expect("dt");
        assert_eq!(
            format_datetime(&winter, "fr"),
            "12 février 2026 à 13 h 30 HNE"
        );
        assert_eq!(
            format_datetime(&winter, "en"),
            "February 12, 2026, 1:30 p.m. EST"
        );
        let held = DateTime::parse("2020-10-02T09:00:00-04:00").expect("dt");
        assert_eq!(format_datetime(&held, "fr"), "2 octobre 2020 à 9 h HAE");
        let paris = DateTime::parse("2026-02-12T13:30:00+01:00").expect("dt");
        assert_eq!(
            format_datetime(&paris, "en"),
            "February 12, 2026, 1:30 p.m. (UTC+01:00)"
        );
        let day = DateTime::parse("2020-10-02").expect("a day");
        assert!(day.all_day);
        assert_eq!(format_datetime(&day, "fr"), "2 octobre 2020");
        assert_eq!(format_datetime(&day, "es"), "2 de octubre de 2020");
        let midnight = DateTime::parse("2026-03-12T00:05:00Z").expect("dt");
        assert_eq!(format_time(&midnight, "en"), "12:05 a.m.");
    }
}
