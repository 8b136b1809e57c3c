//! The typed content model: what a page is once its front matter has been checked.
//!
//! Values an author wrote keep the position they were written at ([`Located`]), so later
//! stages (resolve, the accessibility lint) can report problems where the author can fix
//! them. Nothing here does I/O or knows about YAML.

use std::collections::BTreeMap;
use std::fmt;
use std::path::PathBuf;

use crate::diagnostics::Pos;

/// A value with the position in its source file where the author wrote it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Located<T> {
    pub value: T,
    pub pos: Pos,
}

impl<T> Located<T> {
    pub fn new(value: T, pos: Pos) -> Self {
        Self { value, pos }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Kind {
    CaseStudy,
    Lesson,
    Recommendation,
    Forum,
    Page,
}

impl Kind {
    pub const ALL: [Kind; 5] = [
        Kind::CaseStudy,
        Kind::Lesson,
        Kind::Recommendation,
        Kind::Forum,
        Kind::Page,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Kind::CaseStudy => "case-study",
            Kind::Lesson => "lesson",
            Kind::Recommendation => "recommendation",
            Kind::Forum => "forum",
            Kind::Page => "page",
        }
    }

    pub fn parse(s: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Fields every content page may have.
pub const COMMON_FIELDS: [&str; 9] = [
    "title",
    "summary",
    "date",
    "updated",
    "slug",
    "draft",
    "authors",
    "extra",
    "translation_of",
];

/// Fields of each kind beyond the common ones (taxonomies come from site.toml).
pub const KIND_FIELDS: [(Kind, &[&str]); 5] = [
    (
        Kind::CaseStudy,
        &[
            "period",
            "partners",
            "sources",
            "status",
            "outcomes",
            "evidence_level",
            "contacts",
            "transferability",
            "reviewed",
        ],
    ),
    (
        Kind::Lesson,
        &["evidence", "sources", "finding", "evidence_level"],
    ),
    (
        Kind::Recommendation,
        &["evidence", "status", "issued_by", "sources"],
    ),
    (
        Kind::Forum,
        &[
            "starts",
            "ends",
            "location",
            "online",
            "languages",
            "cases",
            "questions",
            "registration",
            "status",
        ],
    ),
    (Kind::Page, &["evidence_levels"]),
];

/// What a lesson records: a practice that worked, or one that did not.
pub const FINDINGS: [&str; 2] = ["worked", "did-not-work"];

/// Fields of a home or section `_index` page. A translated `_index` records the revision
/// it translates, as a page does: the translation report lists it.
pub const INDEX_FIELDS: [&str; 7] = [
    "title",
    "summary",
    "date",
    "updated",
    "draft",
    "translation_of",
    "extra",
];

/// The mark `passerelle new` puts where the author has something to write.
pub const PLACEHOLDER: &str = "TODO";

/// A calendar date, as authors write it in YAML (`2026-03-12`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    pub year: i32,
    pub month: u8,
    pub day: u8,
}

impl Date {
    /// 1970-01-01, the day [`Date::days_since_epoch`] counts from.
    pub const EPOCH: Date = Date {
        year: 1970,
        month: 1,
        day: 1,
    };

    pub fn parse(s: &str) -> Option<Date> {
        let b = s.as_bytes();
        if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
            return None;
        }
        let year = s[0..4].parse().ok()?;
        let month: u8 = s[5..7].parse().ok()?;
        let day: u8 = s[8..10].parse().ok()?;
        let date = Date { year, month, day };
        date.calendar().is_some().then_some(date)
    }

    /// The same day in the `time` crate's calendar; `None` for a day that does not exist.
    fn calendar(self) -> Option<time::Date> {
        let month = time::Month::try_from(self.month).ok()?;
        time::Date::from_calendar_date(self.year, month, self.day).ok()
    }

    fn from_calendar(date: time::Date) -> Date {
        Date {
            year: date.year(),
            month: u8::from(date.month()),
            day: date.day(),
        }
    }

    /// Day of the week, 0 for Monday to 6 for Sunday.
    pub fn weekday(self) -> u8 {
        self.calendar()
            .map_or(0, |d| d.weekday().number_days_from_monday())
    }

    /// Days since 1970-01-01 (negative before).
    pub fn days_since_epoch(self) -> i64 {
        const EPOCH: i64 = 2_440_588; // Julian day of 1970-01-01
        self.calendar()
            .map_or(0, |d| i64::from(d.to_julian_day()) - EPOCH)
    }

    /// The day `days` after this one (before, if negative).
    #[must_use]
    pub fn plus_days(self, days: i64) -> Date {
        self.calendar()
            .and_then(|d| d.checked_add(time::Duration::days(days)))
            .map_or(self, Date::from_calendar)
    }

    /// Today in UTC, from the system clock.
    pub fn today() -> Date {
        Date::from_calendar(time::OffsetDateTime::now_utc().date())
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

/// A year and month (`2020-03`), for case-study periods.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct YearMonth {
    pub year: i32,
    pub month: u8,
}

impl YearMonth {
    pub fn parse(s: &str) -> Option<YearMonth> {
        let (y, m) = s.split_once('-')?;
        if y.len() != 4 || m.len() != 2 {
            return None;
        }
        let month: u8 = m.parse().ok()?;
        (1..=12).contains(&month).then_some(YearMonth {
            year: y.parse().ok()?,
            month,
        })
    }
}

impl fmt::Display for YearMonth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}", self.year, self.month)
    }
}

/// A moment with the UTC offset the author wrote (`2026-03-12T13:00:00-05:00`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DateTime {
    pub date: Date,
    pub hour: u8,
    pub minute: u8,
    pub second: u8,
    /// Minutes east of UTC.
    pub offset_minutes: i32,
    /// Written as a date alone (`2020-10-02`): the whole day, at no hour the source gives.
    pub all_day: bool,
}

/// Why a date-time was refused, so the author gets the right fix.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DateTimeError {
    Invalid,
    MissingOffset,
}

impl DateTime {
    pub fn parse(s: &str) -> Result<DateTime, DateTimeError> {
        let s = s.trim();
        if let Some(date) = Date::parse(s) {
            return Ok(DateTime {
                date,
                hour: 0,
                minute: 0,
                second: 0,
                offset_minutes: 0,
                all_day: true,
            });
        }
        if s.len() < 19 {
            return Err(DateTimeError::Invalid);
        }
        let date = s
            .get(..10)
            .and_then(Date::parse)
            .ok_or(DateTimeError::Invalid)?;
        let sep = s.as_bytes()[10];
        if sep != b'T' && sep != b't' && sep != b' ' {
            return Err(DateTimeError::Invalid);
        }
        let time = s.get(11..19).ok_or(DateTimeError::Invalid)?;
        let tb = time.as_bytes();
        if tb[2] != b':' || tb[5] != b':' {
            return Err(DateTimeError::Invalid);
        }
        let num = |r: std::ops::Range<usize>| -> Result<u8, DateTimeError> {
            time.get(r)
                .and_then(|x| x.parse().ok())
                .ok_or(DateTimeError::Invalid)
        };
        let (hour, minute, second) = (num(0..2)?, num(3..5)?, num(6..8)?);
        if hour > 23 || minute > 59 || second > 60 {
            return Err(DateTimeError::Invalid);
        }
        let mut rest = &s[19..];
        // Fractional seconds are accepted and dropped: forums are scheduled to the minute.
        if let Some(frac) = rest.strip_prefix('.') {
            let digits = frac.bytes().take_while(u8::is_ascii_digit).count();
            if digits == 0 {
                return Err(DateTimeError::Invalid);
            }
            rest = &frac[digits..];
        }
        let offset_minutes = match rest {
            "" => return Err(DateTimeError::MissingOffset),
            "Z" | "z" => 0,
            _ => {
                let sign = match rest.as_bytes()[0] {
                    b'+' => 1,
                    b'-' => -1,
                    _ => return Err(DateTimeError::Invalid),
                };
                let off = &rest[1..];
                let (h, m) = off.split_once(':').ok_or(DateTimeError::Invalid)?;
                if h.len() != 2 || m.len() != 2 {
                    return Err(DateTimeError::Invalid);
                }
                let h: i32 = h.parse().map_err(|_| DateTimeError::Invalid)?;
                let m: i32 = m.parse().map_err(|_| DateTimeError::Invalid)?;
                if h > 18 || m > 59 {
                    return Err(DateTimeError::Invalid);
                }
                sign * (h * 60 + m)
            }
        };
        Ok(DateTime {
            date,
            hour,
            minute,
            second,
            offset_minutes,
            all_day: false,
        })
    }

    /// Seconds since the Unix epoch of this moment.
    pub fn timestamp(&self) -> i64 {
        self.date.days_since_epoch() * 86_400
            + i64::from(self.hour) * 3600
            + i64::from(self.minute) * 60
            + i64::from(self.second)
            - i64::from(self.offset_minutes) * 60
    }

    /// The same moment in UTC, as `YYYYMMDDTHHMMSSZ` (RFC 5545 form).
    pub fn to_ical_utc(&self) -> String {
        let ts = self.timestamp();
        let date = Date::EPOCH.plus_days(ts.div_euclid(86_400));
        let secs = ts.rem_euclid(86_400);
        format!(
            "{:04}{:02}{:02}T{:02}{:02}{:02}Z",
            date.year,
            date.month,
            date.day,
            secs / 3600,
            secs % 3600 / 60,
            secs % 60
        )
    }

    /// RFC 3339 as written, normalized (for `datetime` attributes and feeds).
    pub fn to_rfc3339(&self) -> String {
        if self.all_day {
            return self.date.to_string();
        }
        let sign = if self.offset_minutes < 0 { '-' } else { '+' };
        let off = self.offset_minutes.abs();
        format!(
            "{}T{:02}:{:02}:{:02}{sign}{:02}:{:02}",
            self.date,
            self.hour,
            self.minute,
            self.second,
            off / 60,
            off % 60
        )
    }

    /// `UTC−05:00`, the way the offset is shown to readers.
    pub fn offset_label(&self) -> String {
        if self.offset_minutes == 0 {
            return "UTC".to_string();
        }
        let sign = if self.offset_minutes < 0 { '−' } else { '+' };
        let off = self.offset_minutes.abs();
        format!("UTC{sign}{:02}:{:02}", off / 60, off % 60)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Period {
    pub start: YearMonth,
    pub end: Option<YearMonth>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Partner {
    pub name: String,
    pub sector: Option<Located<String>>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Source {
    pub title: String,
    pub url: Option<String>,
    pub year: Option<i32>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    pub name: String,
    pub city: Option<Located<String>>,
}

/// A value the source may not give. `not-reported` in front matter is [`Reported::NotReported`]:
/// the page says so, rather than leaving the reader to guess.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reported<T> {
    Given(T),
    NotReported,
}

impl<T> Reported<T> {
    pub fn given(&self) -> Option<&T> {
        match self {
            Reported::Given(v) => Some(v),
            Reported::NotReported => None,
        }
    }
}

/// What changed, as a case study's source reports it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    pub what: String,
    /// The figure the source gives (`42 households`), as written.
    pub figure: Option<String>,
    /// Which source says it.
    pub source: Option<String>,
}

/// Whom to ask about a practice, as the sources publish it: a name or an organization,
/// and an email address or a web address.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Contact {
    pub name: Option<String>,
    pub organization: Option<String>,
    pub email: Option<String>,
    pub url: Option<String>,
}

/// Fields that only some kinds have; absent ones stay at their default.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct KindFields {
    // case-study
    pub period: Option<Period>,
    pub partners: Vec<Partner>,
    pub sources: Vec<Source>,
    pub status: Option<Located<String>>,
    // lesson, recommendation
    pub evidence: Vec<Located<String>>,
    pub issued_by: Option<String>,
    // forum
    pub starts: Option<DateTime>,
    pub ends: Option<DateTime>,
    pub location: Option<Location>,
    pub online: bool,
    pub languages: Vec<Located<String>>,
    pub cases: Vec<Located<String>>,
    pub questions: Vec<String>,
    pub registration: Option<String>,
    // case-study: what the practice achieved and needs, for whoever would adopt it
    pub outcomes: Option<Reported<Vec<Outcome>>>,
    pub transferability: Option<Reported<String>>,
    pub contacts: Vec<Contact>,
    pub reviewed: Option<Date>,
    // case-study, lesson: a term of site.toml's `[evidence_levels]`
    pub evidence_level: Option<Reported<Located<String>>>,
    /// Set by resolve on a lesson that declares no level: the strongest level among the
    /// case studies of its `evidence`.
    pub derived_level: Option<String>,
    // lesson: one of [`FINDINGS`]
    pub finding: Option<Located<String>>,
    // page: shows the definitions of the evidence levels
    pub evidence_levels: bool,
}

impl KindFields {
    /// The evidence level of the page, declared or (`true`) derived from its case studies.
    pub fn level(&self) -> Option<(&str, bool)> {
        match &self.evidence_level {
            Some(Reported::Given(l)) => Some((l.value.as_str(), false)),
            Some(Reported::NotReported) => None,
            None => self.derived_level.as_deref().map(|l| (l, true)),
        }
    }
}

/// Front matter every page has, then the kind's own fields.
#[derive(Debug, Clone, PartialEq)]
pub struct FrontMatter {
    pub title: String,
    pub summary: String,
    pub date: Option<Date>,
    pub updated: Option<Date>,
    pub slug: Option<Located<String>>,
    pub draft: bool,
    pub authors: Vec<String>,
    /// `extra`, as JSON so templates can read it and no YAML type leaks out.
    pub extra: serde_json::Value,
    /// On a translation: the revision of the page it was translated from.
    pub translation_of: Option<Located<String>>,
    /// Taxonomy name → term ids, in the order written.
    pub taxonomies: BTreeMap<String, Vec<Located<String>>>,
    pub fields: KindFields,
}

/// What a source file is: a section's `_index`, or a content page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Role {
    /// `content/_index.md`: the home page text.
    Home,
    /// `content/SECTION/_index.md`.
    SectionIndex(String),
    /// A content page of the given kind, in `section` (None for files at the top of content/).
    Page { kind: Kind, section: Option<String> },
}

/// One Markdown file of `content/`, parsed.
#[derive(Debug, Clone)]
pub struct Page {
    /// `case-studies/food-hub`: path under content/ without language suffix and `.md`.
    pub key: String,
    pub lang: String,
    pub role: Role,
    /// Relative to the site root, e.g. `content/case-studies/food-hub.fr.md`.
    pub path: PathBuf,
    pub fm: FrontMatter,
    /// Markdown after the front matter.
    pub body: Body,
    /// 1-based line of the file on which `body` starts.
    pub body_line: usize,
    /// Hash of the whole source text (FNV-1a, stable across versions and machines): its
    /// first [`REVISION_LEN`] hex digits are the page's revision, which translations record.
    pub source_hash: u64,
    /// Hash of the front matter's text: all that cards and listings show of the page, so
    /// they are made again when it changes, not when only the body does.
    pub outline_hash: u64,
}

/// A page's Markdown after its front matter.
#[derive(Debug, Clone)]
pub enum Body {
    /// Read with the front matter: serve and watch keep it, to render the page again.
    Read(String),
    /// Left in the page's file, from this byte of its text (as [`crate::load::decode`]
    /// makes it): a one-shot build reads each body when it renders the page, so that the
    /// site's Markdown is never all in memory (300 MB at 50,000 pages). `text_hash`, the
    /// [`crate::text::text_hash`] of the whole text, tells that the file is still as it
    /// was loaded: several times faster than `Page::source_hash`'s FNV-1a.
    InFile { start: usize, text_hash: u64 },
}

impl Default for Body {
    fn default() -> Self {
        Body::Read(String::new())
    }
}

/// Hex digits of a revision (`translation_of: 1a2b3c4d5e`).
pub const REVISION_LEN: usize = 10;

/// FNV-1a, 64 bits: tiny, and its values never change, so revisions written into files by
/// one version of Passerelle stay valid in the next.
pub fn stable_hash(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in bytes {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

impl Page {
    /// What a translation of this page records in `translation_of`.
    pub fn revision(&self) -> String {
        format!("{:016x}", self.source_hash)[..REVISION_LEN].to_string()
    }

    pub fn kind(&self) -> Option<Kind> {
        match &self.role {
            Role::Page { kind, .. } => Some(*kind),
            _ => None,
        }
    }

    /// Whether the page lists pages related to it, found by the search index: a forum
    /// does, to point participants to what else was written on its topics.
    pub fn lists_related(&self) -> bool {
        self.kind() == Some(Kind::Forum)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_parse_and_validate() {
        assert_eq!(
            Date::parse("2026-03-12"),
            Some(Date {
                year: 2026,
                month: 3,
                day: 12
            })
        );
        assert_eq!(Date::parse("2026-02-30"), None);
        assert_eq!(Date::parse("2024-02-29").map(|d| d.day), Some(29));
        assert_eq!(Date::parse("2023-02-29"), None);
        assert_eq!(Date::parse("12/03/2026"), None);
    }

    #[test]
    fn epoch_days_round_trip() {
        for s in ["1970-01-01", "2000-02-29", "2026-03-12", "1969-12-31"] {
            let d = Date::parse(s).expect("valid");
            assert_eq!(Date::EPOCH.plus_days(d.days_since_epoch()), d);
        }
        assert_eq!(
            Date::parse("1970-01-02").map(Date::days_since_epoch),
            Some(1)
        );
    }

    #[test]
    fn datetimes_need_an_offset() {
        let dt = DateTime::parse("2026-03-12T13:00:00-05:00").expect("valid");
        assert_eq!(dt.offset_minutes, -300);
        assert_eq!(dt.to_ical_utc(), "20260312T180000Z");
        assert_eq!(dt.offset_label(), "UTC−05:00");
        assert_eq!(
            DateTime::parse("2026-03-12T13:00:00"),
            Err(DateTimeError::MissingOffset)
        );
        assert_eq!(
            DateTime::parse("2026-03-12 25:00:00Z"),
            Err(DateTimeError::Invalid)
        );
        assert_eq!(
            DateTime::parse("2026-12-31T22:30:00-05:00").map(|d| d.to_ical_utc()),
            Ok("20270101T033000Z".to_string())
        );
    }

    #[test]
    fn year_months() {
        assert!(YearMonth::parse("2020-03").is_some());
        assert!(YearMonth::parse("2020-13").is_none());
        assert!(YearMonth::parse("2020").is_none());
    }
}
