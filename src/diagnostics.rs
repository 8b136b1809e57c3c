//! Author-facing problems of a build.
//!
//! Every stage returns its output together with the [`Diagnostic`]s it found; nothing
//! author-caused is ever returned through `?`, so one run reports every mistake at once.
//! A diagnostic is `path:line:col: severity: message`, then the offending value and a
//! `help:` line. Positions are 1-based lines and columns (in characters) of the file the
//! author edits, so an editor can jump to them.

use std::fmt::{self, Write as _};
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    Error,
    Warning,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub severity: Severity,
    /// Relative to the site root, with `/` separators, so output is the same on every machine.
    pub path: PathBuf,
    pub line: usize,
    pub col: usize,
    pub message: String,
    pub value: Option<String>,
    pub help: Option<String>,
}

impl Diagnostic {
    pub fn error(path: impl Into<PathBuf>, pos: Pos, message: impl Into<String>) -> Self {
        Self {
            severity: Severity::Error,
            path: path.into(),
            line: pos.line,
            col: pos.col,
            message: message.into(),
            value: None,
            help: None,
        }
    }

    pub fn warning(path: impl Into<PathBuf>, pos: Pos, message: impl Into<String>) -> Self {
        Self {
            severity: Severity::Warning,
            ..Self::error(path, pos, message)
        }
    }

    #[must_use]
    pub fn value(mut self, value: impl Into<String>) -> Self {
        self.value = Some(value.into());
        self
    }

    #[must_use]
    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    #[must_use]
    pub fn help_opt(mut self, help: Option<String>) -> Self {
        self.help = help;
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

impl Diagnostic {
    /// `path:line:col: severity: message`, the line editors jump from.
    fn headline(&self) -> String {
        let severity = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        format!(
            "{}:{}:{}: {severity}: {}",
            printable(&display_path(&self.path)),
            self.line,
            self.col,
            printable(&self.message)
        )
    }

    /// The `value:` and `help:` lines, each with its line break before it.
    fn details(&self) -> String {
        let mut out = String::new();
        if let Some(value) = &self.value {
            let _ = write!(out, "\n  value: {}", printable(value));
        }
        if let Some(help) = &self.help {
            let _ = write!(out, "\n  help: {}", printable(help));
        }
        out
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}{}", self.headline(), self.details())
    }
}

/// Text from files shown in a terminal: control characters (a line break that would forge
/// a diagnostic line, an escape sequence that would recolour or clear the screen) are
/// written as `\u{…}` escapes.
fn printable(s: &str) -> std::borrow::Cow<'_, str> {
    if s.chars().any(char::is_control) {
        s.chars()
            .map(|c| {
                if c.is_control() {
                    c.escape_unicode().to_string()
                } else {
                    c.to_string()
                }
            })
            .collect::<String>()
            .into()
    } else {
        s.into()
    }
}

pub fn display_path(path: &Path) -> String {
    path.to_string_lossy().replace('\\', "/")
}

/// Sorts by path, then position, then message, so output is stable across runs and threads.
pub fn sort(diagnostics: &mut [Diagnostic]) {
    diagnostics.sort_by(|a, b| {
        (&a.path, a.line, a.col, &a.message).cmp(&(&b.path, b.line, b.col, &b.message))
    });
}

/// The text printed at the end of a build: every diagnostic, with the line of the site's
/// source it points at and a caret under its column, then a one-line summary. Sources are
/// read from `root` when the report is written, each file once, and only inside it.
pub fn report(diagnostics: &[Diagnostic], root: &Path) -> String {
    let mut sources = Sources::new(root);
    let mut out = String::new();
    for d in diagnostics {
        out.push_str(&d.headline());
        if let Some(line) = sources.line(d) {
            out.push('\n');
            out.push_str(snippet(d, line).trim_end());
        }
        let _ = writeln!(out, "{}\n", d.details());
    }
    let errors = diagnostics.iter().filter(|d| d.is_error()).count();
    let warnings = diagnostics.len() - errors;
    if errors > 0 || warnings > 0 {
        let _ = writeln!(
            out,
            "{} {}, {} {}",
            errors,
            plural(errors, "error", "errors"),
            warnings,
            plural(warnings, "warning", "warnings")
        );
    }
    out
}

/// The files diagnostics point into, read once each.
struct Sources {
    root: Option<PathBuf>,
    files: std::collections::HashMap<PathBuf, Option<String>>,
}

impl Sources {
    fn new(root: &Path) -> Self {
        Self {
            root: root.canonicalize().ok(),
            files: std::collections::HashMap::new(),
        }
    }

    /// The line `d` points at. None for a diagnostic about a whole file (at 1:1), a file
    /// that cannot be read, or one outside the site (a link the build refused).
    fn line(&mut self, d: &Diagnostic) -> Option<&str> {
        if d.line == 0 || (d.line, d.col) == (1, 1) {
            return None;
        }
        let root = self.root.as_ref()?;
        let text = self
            .files
            .entry(d.path.clone())
            .or_insert_with(|| {
                let path = root.join(&d.path).canonicalize().ok()?;
                if !path.starts_with(root) {
                    return None;
                }
                // As the loader read it, so the caret falls where the column says.
                Some(crate::text::source(std::fs::read_to_string(path).ok()?))
            })
            .as_deref()?;
        text.split('\n').nth(d.line - 1)
    }
}

/// The source line of `d` with a caret under its column (under its value, when the value
/// is written there), rendered as rustc and ruff render theirs.
fn snippet(d: &Diagnostic, line: &str) -> String {
    use annotate_snippets::{AnnotationKind, Group, Level, Renderer, Snippet};
    let line = line.trim_end();
    let printable_line = printable(line);
    let start = printable_line
        .char_indices()
        .nth(d.col.saturating_sub(1))
        .map_or(printable_line.len(), |(i, _)| i);
    let rest = &printable_line[start..];
    let len = match &d.value {
        Some(value) if !value.is_empty() && rest.starts_with(value.as_str()) => value.len(),
        _ => rest.chars().next().map_or(0, char::len_utf8),
    };
    let level = if d.is_error() {
        Level::ERROR
    } else {
        Level::WARNING
    };
    let report = [Group::with_level(level).element(
        Snippet::source(printable_line.as_ref())
            .line_start(d.line)
            .annotation(AnnotationKind::Primary.span(start..start + len)),
    )];
    Renderer::plain().render(&report)
}

fn plural<'a>(n: usize, one: &'a str, many: &'a str) -> &'a str {
    if n == 1 { one } else { many }
}

/// A 1-based line and column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default)]
pub struct Pos {
    pub line: usize,
    pub col: usize,
}

impl Pos {
    pub const START: Pos = Pos { line: 1, col: 1 };

    pub fn new(line: usize, col: usize) -> Self {
        Self { line, col }
    }
}

/// Maps byte offsets of one file to lines and columns; built once per file.
#[derive(Debug, Clone)]
pub struct LineIndex {
    line_starts: Vec<usize>,
}

impl LineIndex {
    pub fn new(text: &str) -> Self {
        let mut line_starts = vec![0];
        line_starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        Self { line_starts }
    }

    /// Position of byte `offset` in `text` (the text this index was built from).
    pub fn pos(&self, text: &str, offset: usize) -> Pos {
        let offset = offset.min(text.len());
        let line = self.line_starts.partition_point(|&start| start <= offset);
        let start = self.line_starts[line - 1];
        let col = text
            .get(start..offset)
            .map_or(offset - start, |s| s.chars().count())
            + 1;
        Pos { line, col }
    }

    /// Byte offset of the start of 1-based `line`.
    pub fn line_start(&self, line: usize) -> Option<usize> {
        self.line_starts.get(line.checked_sub(1)?).copied()
    }
}

/// The known name closest to `wrong`, if it is close enough to be what the author meant.
pub fn closest<'a, I>(wrong: &str, known: I) -> Option<&'a str>
where
    I: IntoIterator<Item = &'a str>,
{
    let wrong_lower = wrong.to_lowercase();
    let limit = (wrong.chars().count() / 3).max(2);
    let known: Vec<&'a str> = known.into_iter().collect();
    let by_distance = known
        .iter()
        .map(|k| (strsim::levenshtein(&wrong_lower, &k.to_lowercase()), *k))
        .filter(|(d, _)| *d <= limit)
        .min_by_key(|(d, k)| (*d, *k))
        .map(|(_, k)| k);
    // A key written in part (`case-studies/food-hub` for `case-studies/food-hub-montreal`).
    by_distance.or_else(|| {
        if wrong.chars().count() < 4 {
            return None;
        }
        let mut containing = known
            .iter()
            .filter(|k| k.to_lowercase().contains(&wrong_lower));
        match (containing.next(), containing.next()) {
            (Some(only), None) => Some(*only),
            _ => None,
        }
    })
}

/// A `help:` text: the closest known name if there is one, otherwise the list of known names.
pub fn suggest<'a, I>(wrong: &str, known: I, what: &str) -> String
where
    I: IntoIterator<Item = &'a str> + Clone,
{
    match closest(wrong, known.clone()) {
        Some(k) => format!("did you mean `{k}`?"),
        None => {
            let list: Vec<String> = known.into_iter().map(|k| format!("`{k}`")).collect();
            if list.is_empty() {
                format!("no {what} is defined")
            } else if list.len() <= 12 {
                format!("known {what}: {}", list.join(", "))
            } else {
                format!(
                    "known {what}: {}, … ({} in all)",
                    list[..12].join(", "),
                    list.len()
                )
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_index_counts_lines_and_characters() {
        let text = "ab\nçé d\n\nx";
        let idx = LineIndex::new(text);
        assert_eq!(idx.pos(text, 0), Pos::new(1, 1));
        assert_eq!(idx.pos(text, 3), Pos::new(2, 1));
        // "çé " is 5 bytes but 3 characters.
        assert_eq!(idx.pos(text, 3 + 5), Pos::new(2, 4));
        assert_eq!(idx.pos(text, text.len()), Pos::new(4, 2));
    }

    #[test]
    fn closest_suggests_only_near_names() {
        let known = ["evidence", "summary", "title"];
        assert_eq!(closest("evidense", known), Some("evidence"));
        assert_eq!(closest("Sumary", known), Some("summary"));
        assert_eq!(closest("colour", known), None);
        let keys = [
            "case-studies/food-hub-montreal-nord",
            "case-studies/vaccination",
        ];
        assert_eq!(closest("case-studies/food-hub", keys), Some(keys[0]));
    }

    #[test]
    fn display_has_value_and_help() {
        let d = Diagnostic::error("content/a.md", Pos::new(3, 1), "unknown field `evidense`")
            .value("evidense")
            .help("did you mean `evidence`?");
        assert_eq!(
            d.to_string(),
            "content/a.md:3:1: error: unknown field `evidense`\n  value: evidense\n  help: did you mean `evidence`?"
        );
    }

    #[test]
    fn report_shows_the_line_with_a_caret_under_the_value() {
        let site = tempfile::tempdir().expect("temp dir");
        std::fs::write(
            site.path().join("a.md"),
            "---\ntitle: T\ncities: [montrel]\n---\n",
        )
        .expect("write");
        let d = Diagnostic::error("a.md", Pos::new(3, 10), "`montrel` is not a term")
            .value("montrel")
            .help("did you mean `montreal`?");
        let whole = Diagnostic::warning("a.md", Pos::START, "no French version");
        let gone = Diagnostic::error("b.md", Pos::new(2, 1), "cannot read");
        let text = report(&[d, whole, gone], site.path());
        assert_eq!(
            text,
            "a.md:3:10: error: `montrel` is not a term\n  |\n3 | cities: [montrel]\n  |          ^^^^^^^\n  value: montrel\n  help: did you mean `montreal`?\n\n\
             a.md:1:1: warning: no French version\n\n\
             b.md:2:1: error: cannot read\n\n\
             2 errors, 1 warning\n"
        );
    }

    #[cfg(unix)]
    #[test]
    fn report_never_reads_outside_the_site() {
        let outside = tempfile::tempdir().expect("temp dir");
        std::fs::write(outside.path().join("secret"), "line one\nSECRET\n").expect("write");
        let site = tempfile::tempdir().expect("temp dir");
        std::os::unix::fs::symlink(outside.path().join("secret"), site.path().join("link.md"))
            .expect("link");
        let d = Diagnostic::error("link.md", Pos::new(2, 1), "x");
        assert!(!report(&[d], site.path()).contains("SECRET"));
    }
}
