//! Front matter: the YAML between the `---` lines → typed [`FrontMatter`].
//!
//! The only user of serde_yaml (deprecated upstream): swapping the YAML parser touches this
//! file alone. YAML is read into a generic value, then each field is checked on its own, so
//! a file with three mistakes gets three diagnostics rather than serde's first one. serde_yaml
//! values carry no positions; each field's line comes from the top-level key that starts it,
//! and a value inside a field is found by searching that field's lines for its text.

use std::collections::BTreeMap;

use serde_yaml::{Mapping, Value};

use crate::config::{NOT_REPORTED, SiteConfig, TaxonomyRole, is_slug};
use crate::diagnostics::{Diagnostic, LineIndex, Pos, suggest};
use crate::model::{
    COMMON_FIELDS, Contact, Date, DateTime, DateTimeError, FINDINGS, FrontMatter, INDEX_FIELDS,
    KIND_FIELDS, Kind, KindFields, Located, Location, Outcome, PLACEHOLDER, Partner, Period,
    Reported, Role, Source, YearMonth,
};

fn statuses(kind: Kind) -> &'static [&'static str] {
    match kind {
        Kind::CaseStudy => &["active", "ended"],
        Kind::Recommendation => &["proposed", "endorsed", "in-progress", "implemented"],
        Kind::Forum => &["planned", "scheduled", "held", "cancelled"],
        Kind::Lesson | Kind::Page => &[],
    }
}

/// The parts of a source file.
#[derive(Debug)]
pub struct Parsed {
    pub fm: FrontMatter,
    pub body: String,
    pub body_line: usize,
}

/// Splits and checks the front matter of `text` (BOM and CRLF already removed).
/// The field a recommendation names its audiences in: the taxonomy that plays the role
/// `audience`, or a free list when no taxonomy does.
fn audience_field(config: &SiteConfig) -> &str {
    config
        .taxonomy_for(TaxonomyRole::Audience)
        .map_or(AUDIENCES, |t| t.name.as_str())
}

/// A recommendation's free list of audiences, when no taxonomy plays that role.
const AUDIENCES: &str = "audiences";

/// Where in `yaml` the error `message` comes from, when YAML reports it at the start of
/// the mapping, and the fix to suggest.
fn yaml_error_cause(message: &str, yaml: &str) -> (Option<usize>, String) {
    let line_offsets = || {
        yaml.split_inclusive('\n').scan(0, |offset, line| {
            let at = *offset;
            *offset += line.len();
            Some((at, line))
        })
    };
    if let Some(key) = message
        .strip_prefix("duplicate entry with key \"")
        .and_then(|k| k.strip_suffix('"'))
    {
        // The second line that sets the key (at the indentation of its first).
        let mut setting = line_offsets().filter(|(_, line)| {
            let trimmed = line.trim_start();
            [key.to_string(), format!("\"{key}\""), format!("'{key}'")]
                .iter()
                .any(|k| {
                    trimmed
                        .strip_prefix(k.as_str())
                        .is_some_and(|r| r.trim_start().starts_with(':'))
                })
        });
        let first = setting.next();
        let second = setting.find(|(_, line)| {
            first.is_some_and(|(_, f)| {
                f.len() - f.trim_start().len() == line.len() - line.trim_start().len()
            })
        });
        return (
            second.map(|(at, line)| at + line.len() - line.trim_start().len()),
            format!("`{key}` is set twice: keep one of the two lines"),
        );
    }
    if message.contains("repetition limit") || message.contains("recursion limit") {
        // The first alias (`*name`): aliases are what expand.
        let alias = line_offsets().find_map(|(at, line)| {
            line.char_indices()
                .find(|&(i, c)| {
                    c == '*'
                        && line[i + 1..].starts_with(|n: char| n.is_alphanumeric() || n == '_')
                        && (i == 0 || line[..i].ends_with([' ', '[', ',', '{', ':']))
                })
                .map(|(i, _)| at + i)
        });
        return (
            alias,
            "YAML aliases (`*name`) here expand into too much text: write the values out instead"
                .to_string(),
        );
    }
    (
        None,
        "check the indentation and quote any value that contains `: ` or starts with a special character (`[`, `{`, `*`, `&`, `!`, `|`, `>`, `@`, `%`, `#`)".to_string(),
    )
}

/// Returns the typed front matter when it is usable, and every problem found.
pub fn parse(
    text: &str,
    path: &std::path::Path,
    role: &Role,
    config: &SiteConfig,
) -> (Option<Parsed>, Vec<Diagnostic>) {
    let mut diags = Vec::new();
    let Some(split) = split(text, path, &mut diags) else {
        return (None, diags);
    };
    // Every position this stage reports is in the front matter: the body's lines, most of
    // the file, are for the Markdown stage to count.
    let fm_end = split.yaml_offset + split.yaml.len();
    let lines = LineIndex::new(&text[..fm_end]);
    let value: Value = if split.yaml.trim().is_empty() {
        Value::Mapping(Mapping::new())
    } else {
        match serde_yaml::from_str(split.yaml) {
            Ok(v) => v,
            Err(e) => {
                // From the byte index, not YAML's line count: YAML also breaks lines at
                // a lone CR, NEL, U+2028 and U+2029, which our line index does not.
                let message = e.to_string();
                let message = message.split(" at line ").next().unwrap_or(&message);
                // Errors about the whole mapping (a duplicate key, aliases that expand too
                // far) come at its start: point at the line that causes them instead.
                let (cause, help) = yaml_error_cause(message, split.yaml);
                let at = cause.or_else(|| e.location().map(|l| l.index()));
                let pos = at.map_or(Pos::new(split.yaml_line, 1), |i| {
                    lines.pos(text, split.yaml_offset + i.min(split.yaml.len()))
                });
                let offending = line_text(text, &lines, pos.line);
                diags.push(
                    Diagnostic::error(
                        path,
                        pos,
                        format!("front matter is not valid YAML: {message}"),
                    )
                    .value(offending)
                    .help(help),
                );
                return (None, diags);
            }
        }
    };
    let Value::Mapping(map) = value else {
        diags.push(
            Diagnostic::error(
                path,
                Pos::new(split.yaml_line, 1),
                "front matter must be a list of `field: value` lines",
            )
            .value(first_line(split.yaml))
            .help("write one field per line, e.g. `title: My page`"),
        );
        return (None, diags);
    };
    let reader = FieldReader {
        text,
        lines: &lines,
        path,
        fm_start: split.yaml_offset,
        fm_end,
        open_line: split.yaml_line - 1,
        key_lines: key_lines(text, split.yaml_offset, split.yaml.len()),
        placeholders: map
            .iter()
            .filter(|(_, v)| has_placeholder(v))
            .filter_map(|(k, _)| k.as_str().map(str::to_string))
            .collect(),
    };
    let fm = reader.read(&map, role, config, &mut diags);
    let parsed = fm.map(|fm| Parsed {
        fm,
        body: split.body.to_string(),
        body_line: split.body_line,
    });
    (parsed, diags)
}

struct Split<'a> {
    yaml: &'a str,
    yaml_offset: usize,
    /// Line of the file on which the YAML starts.
    yaml_line: usize,
    body: &'a str,
    body_line: usize,
}

fn split<'a>(
    text: &'a str,
    path: &std::path::Path,
    diags: &mut Vec<Diagnostic>,
) -> Option<Split<'a>> {
    let first_end = text.find('\n').unwrap_or(text.len());
    if text[..first_end].trim_end() != "---" {
        diags.push(
            Diagnostic::error(path, Pos::START, "the file does not start with front matter")
                .value(first_line(text))
                .help("start the file with a line `---`, then `title: …`, `summary: …`, `date: YYYY-MM-DD`, then a closing `---`"),
        );
        return None;
    }
    let yaml_offset = (first_end + 1).min(text.len());
    let mut offset = yaml_offset;
    let mut line = 2;
    while offset < text.len() {
        let end = text[offset..].find('\n').map_or(text.len(), |i| offset + i);
        if text[offset..end].trim_end() == "---" {
            let body_start = (end + 1).min(text.len());
            return Some(Split {
                yaml: &text[yaml_offset..offset],
                yaml_offset,
                yaml_line: 2,
                body: &text[body_start..],
                body_line: line + 1,
            });
        }
        offset = end + 1;
        line += 1;
    }
    diags.push(
        Diagnostic::error(path, Pos::START, "the front matter is never closed")
            .value("---")
            .help(
                "add a line `---` after the last front-matter field, before the text of the page",
            ),
    );
    None
}

fn first_line(text: &str) -> String {
    let line = text.lines().next().unwrap_or("");
    truncate(line, 80)
}

fn line_text(text: &str, lines: &LineIndex, line: usize) -> String {
    let start = lines.line_start(line).unwrap_or(0);
    let end = text[start..].find('\n').map_or(text.len(), |i| start + i);
    truncate(text[start..end].trim(), 120)
}

fn truncate(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_string()
    } else {
        let cut: String = s.chars().take(max).collect();
        format!("{cut}…")
    }
}

/// Top-level keys of the YAML and the byte offset of the line each starts on.
fn key_lines(text: &str, start: usize, len: usize) -> Vec<(String, usize)> {
    let mut keys = Vec::new();
    let mut offset = start;
    for line in text[start..start + len].split_inclusive('\n') {
        let first = line.chars().next().unwrap_or(' ');
        if !first.is_whitespace()
            && first != '#'
            && first != '-'
            && let Some(colon) = line.find(':')
        {
            let key = line[..colon].trim().trim_matches(|c| c == '"' || c == '\'');
            keys.push((key.to_string(), offset));
        }
        offset += line.len();
    }
    keys
}

/// Reads fields of one front matter, recording diagnostics at the author's lines.
struct FieldReader<'a> {
    text: &'a str,
    lines: &'a LineIndex,
    path: &'a std::path::Path,
    fm_start: usize,
    fm_end: usize,
    /// Line of the opening `---`, where "missing field" problems are reported.
    open_line: usize,
    key_lines: Vec<(String, usize)>,
    /// Fields whose value is still a `TODO` placeholder (from `passerelle new`): reported
    /// once as such, never also as missing or mistyped.
    placeholders: Vec<String>,
}

fn has_placeholder(v: &Value) -> bool {
    match v {
        Value::String(s) => s.trim_start().starts_with(PLACEHOLDER),
        Value::Sequence(items) => items.iter().any(has_placeholder),
        Value::Mapping(m) => m.values().any(has_placeholder),
        Value::Tagged(t) => has_placeholder(&t.value),
        _ => false,
    }
}

impl FieldReader<'_> {
    fn key_span(&self, key: &str) -> (usize, usize) {
        let idx = self.key_lines.iter().position(|(k, _)| k == key);
        match idx {
            Some(i) => {
                let start = self.key_lines[i].1;
                let end = self.key_lines.get(i + 1).map_or(self.fm_end, |(_, o)| *o);
                (start, end)
            }
            None => (self.fm_start, self.fm_end),
        }
    }

    fn key_pos(&self, key: &str) -> Pos {
        self.lines.pos(self.text, self.key_span(key).0)
    }

    /// Where `needle` is written inside field `key`, else the key itself.
    fn value_pos(&self, key: &str, needle: &str) -> Pos {
        let (start, end) = self.key_span(key);
        let region = &self.text[start..end];
        // Skip the key name itself so a value equal to the key is found after the colon.
        let skip = region.find(':').map_or(0, |i| i + 1);
        match region[skip..].find(needle) {
            Some(i) if !needle.is_empty() => self.lines.pos(self.text, start + skip + i),
            _ => self.key_pos(key),
        }
    }

    fn missing(&self, key: &str, hint: &str) -> Option<Diagnostic> {
        if self.placeholders.iter().any(|p| p == key) {
            return None;
        }
        Some(
            Diagnostic::error(
                self.path,
                Pos::new(self.open_line, 1),
                format!("required field `{key}` is missing"),
            )
            .help(format!("add `{key}: {hint}` to the front matter")),
        )
    }

    fn wrong_type(&self, key: &str, value: &Value, expected: &str, example: &str) -> Diagnostic {
        Diagnostic::error(
            self.path,
            self.key_pos(key),
            format!("`{key}` should be {expected}"),
        )
        .value(show(value))
        .help(format!("write it as `{key}: {example}`"))
    }

    #[allow(clippy::too_many_lines)]
    fn read(
        &self,
        map: &Mapping,
        role: &Role,
        config: &SiteConfig,
        diags: &mut Vec<Diagnostic>,
    ) -> Option<FrontMatter> {
        let before = diags.len();
        let kind = match role {
            Role::Page { kind, .. } => Some(*kind),
            _ => None,
        };
        let allowed: Vec<&str> = match kind {
            Some(kind) => {
                let mut v: Vec<&str> = COMMON_FIELDS.to_vec();
                v.extend(
                    KIND_FIELDS
                        .iter()
                        .find(|(k, _)| *k == kind)
                        .map_or(&[][..], |(_, f)| *f),
                );
                v.extend(config.taxonomies.iter().map(|t| t.name.as_str()));
                // A recommendation always has audiences: a vocabulary when site.toml defines one.
                if kind == Kind::Recommendation
                    && config.taxonomy_for(TaxonomyRole::Audience).is_none()
                {
                    v.push(AUDIENCES);
                }
                v
            }
            None => INDEX_FIELDS.to_vec(),
        };

        let mut fields: BTreeMap<&str, &Value> = BTreeMap::new();
        for (k, v) in map {
            let Some(key) = k.as_str() else {
                diags.push(
                    Diagnostic::error(
                        self.path,
                        Pos::new(self.open_line + 1, 1),
                        "a front-matter field name must be text",
                    )
                    .value(show(k)),
                );
                continue;
            };
            if allowed.contains(&key) && self.placeholders.iter().any(|p| p == key) {
                diags.push(
                    Diagnostic::error(
                        self.path,
                        self.key_pos(key),
                        format!("`{key}` still holds a placeholder"),
                    )
                    .value(show(v))
                    .help(format!(
                        "replace the `{PLACEHOLDER}` text of `{key}` with the real value"
                    )),
                );
            } else if allowed.contains(&key) {
                fields.insert(key, v);
            } else {
                let mut d = Diagnostic::error(
                    self.path,
                    self.key_pos(key),
                    format!("unknown field `{key}`"),
                )
                .value(key);
                d = match (crate::diagnostics::closest(key, allowed.iter().copied()), kind) {
                    (Some(close), _) => d.help(format!("did you mean `{close}`?")),
                    (None, Some(kind)) if !kinds_of_field(key).is_empty() => d.help(format!(
                        "`{key}` is a field of {}, not of a {kind}; put values of your own under `extra:`",
                        kinds_of_field(key).join(" and ")
                    )),
                    (None, _) => d.help(format!(
                        "fields of {}: {}; put values of your own under `extra:`",
                        kind.map_or("a section index".to_string(), |k| format!("a {k}")),
                        allowed.iter().map(|f| format!("`{f}`")).collect::<Vec<_>>().join(", ")
                    )),
                };
                diags.push(d);
            }
        }

        let title = self.string(&fields, "title", diags);
        if title.is_none() && !fields.contains_key("title") {
            diags.extend(self.missing("title", "The title of the page"));
        }
        let summary = self.string(&fields, "summary", diags);
        if summary.is_none() && kind.is_some() && !fields.contains_key("summary") {
            diags.extend(self.missing(
                "summary",
                "One or two plain sentences for listings and search",
            ));
        }
        let date = self.date(&fields, "date", diags);
        if date.is_none() && kind.is_some() && !fields.contains_key("date") {
            diags.extend(self.missing("date", "2026-03-12"));
        }
        let updated = self.date(&fields, "updated", diags);
        let slug = self.string(&fields, "slug", diags).and_then(|s| {
            if is_slug(&s) {
                Some(Located::new(s.clone(), self.value_pos("slug", &s)))
            } else {
                diags.push(
                    Diagnostic::error(
                        self.path,
                        self.key_pos("slug"),
                        "a slug may only contain lowercase letters, digits and hyphens",
                    )
                    .value(&s)
                    .help(format!("write it as `slug: {}`", crate::text::slugify(&s))),
                );
                None
            }
        });
        let draft = self.boolean(&fields, "draft", diags).unwrap_or(false);
        let translation_of = self.string(&fields, "translation_of", diags).and_then(|s| {
            let s = s.trim().to_string();
            if s.len() == crate::model::REVISION_LEN && s.bytes().all(|b| b.is_ascii_hexdigit()) {
                Some(Located::new(s.clone(), self.value_pos("translation_of", &s)))
            } else {
                diags.push(
                    Diagnostic::error(self.path, self.key_pos("translation_of"), "`translation_of` is not the revision of a page")
                        .value(&s)
                        .help("run `passerelle mark-current FILE` to record the revision of the page this file translates"),
                );
                None
            }
        });
        let authors = self
            .string_list(&fields, "authors", diags)
            .unwrap_or_default();
        let extra = match fields.get("extra") {
            None => serde_json::Value::Object(serde_json::Map::new()),
            Some(v @ Value::Mapping(_)) => serde_json::to_value(v).unwrap_or_else(|e| {
                diags.push(
                    Diagnostic::error(
                        self.path,
                        self.key_pos("extra"),
                        format!("`extra` cannot be read: {e}"),
                    )
                    .help("use text for every key under `extra`"),
                );
                serde_json::Value::Null
            }),
            Some(v) => {
                diags.push(self.wrong_type(
                    "extra",
                    v,
                    "a map of your own fields",
                    "{ key: value }",
                ));
                serde_json::Value::Null
            }
        };

        let mut taxonomies = BTreeMap::new();
        if kind.is_some() {
            let tax_names = config.taxonomies.iter().map(|t| t.name.as_str());
            let audiences = (kind == Some(Kind::Recommendation)).then(|| audience_field(config));
            for name in tax_names.chain(audiences) {
                if taxonomies.contains_key(name) {
                    continue;
                }
                if let Some(terms) = self.located_list(&fields, name, diags) {
                    taxonomies.insert(name.to_string(), terms);
                }
            }
        }

        let mut kf = KindFields::default();
        if let Some(kind) = kind {
            self.kind_fields(kind, config, &fields, &mut kf, &taxonomies, diags);
        }

        (diags.len() == before).then(|| FrontMatter {
            title: title.unwrap_or_default(),
            summary: summary.unwrap_or_default(),
            date,
            updated,
            slug,
            draft,
            authors,
            extra,
            translation_of,
            taxonomies,
            fields: kf,
        })
    }

    fn kind_fields(
        &self,
        kind: Kind,
        config: &SiteConfig,
        fields: &BTreeMap<&str, &Value>,
        kf: &mut KindFields,
        taxonomies: &BTreeMap<String, Vec<Located<String>>>,
        diags: &mut Vec<Diagnostic>,
    ) {
        if let Some(status) = self.string(fields, "status", diags) {
            let allowed = statuses(kind);
            if allowed.contains(&status.as_str()) {
                kf.status = Some(Located::new(status, self.key_pos("status")));
            } else {
                diags.push(
                    Diagnostic::error(
                        self.path,
                        self.value_pos("status", &status),
                        format!("unknown status for a {kind}"),
                    )
                    .value(&status)
                    .help(suggest(
                        &status,
                        allowed.iter().copied(),
                        "statuses",
                    )),
                );
            }
        }
        kf.sources = self.sources(fields, diags);
        match kind {
            Kind::CaseStudy => {
                kf.period = self.period(fields, diags);
                kf.partners = self.partners(fields, diags);
                kf.outcomes = self.outcomes(fields, diags);
                kf.transferability = self.reported_text(fields, "transferability", diags);
                kf.contacts = self.contacts(fields, diags);
                kf.reviewed = self.date(fields, "reviewed", diags);
                kf.evidence_level = self.evidence_level(fields, config, diags);
            }
            Kind::Page => {
                kf.evidence_levels = self
                    .boolean(fields, "evidence_levels", diags)
                    .unwrap_or(false);
            }
            Kind::Lesson | Kind::Recommendation => {
                match self.located_list(fields, "evidence", diags) {
                    Some(list) if !list.is_empty() => kf.evidence = list,
                    Some(_) => diags.push(
                        Diagnostic::error(
                            self.path,
                            self.key_pos("evidence"),
                            "`evidence` must name at least one case study",
                        )
                        .value("[]")
                        .help("write it as `evidence: [case-studies/NAME]`"),
                    ),
                    None if !fields.contains_key("evidence") => {
                        diags.extend(self.missing("evidence", "[case-studies/NAME]"));
                    }
                    None => {}
                }
                if kind == Kind::Lesson {
                    kf.evidence_level = self.evidence_level(fields, config, diags);
                    kf.finding = self.finding(fields, diags);
                }
                if kind == Kind::Recommendation {
                    kf.issued_by = self.string(fields, "issued_by", diags);
                    let field = audience_field(config);
                    let example = config
                        .taxonomy_for(TaxonomyRole::Audience)
                        .and_then(|t| t.terms.first())
                        .map_or("settlement-agencies", |t| t.id.as_str());
                    match taxonomies.get(field) {
                        Some(a) if !a.is_empty() => {}
                        Some(_) => diags.push(
                            Diagnostic::error(
                                self.path,
                                self.key_pos(field),
                                format!("`{field}` must name at least one audience"),
                            )
                            .value("[]")
                            .help(format!("write it as `{field}: [{example}]`")),
                        ),
                        None if !fields.contains_key(field) => {
                            diags.extend(self.missing(field, &format!("[{example}]")));
                        }
                        None => {}
                    }
                }
            }
            Kind::Forum => self.forum_fields(fields, kf, diags),
        }
    }

    /// A text the source may not give: `not-reported` says so.
    fn reported_text(
        &self,
        fields: &BTreeMap<&str, &Value>,
        key: &str,
        diags: &mut Vec<Diagnostic>,
    ) -> Option<Reported<String>> {
        if matches!(fields.get(key), Some(Value::Null)) {
            diags.push(self.empty_reported(key));
            return None;
        }
        let text = self.string(fields, key, diags)?;
        Some(if text.trim() == NOT_REPORTED {
            Reported::NotReported
        } else {
            Reported::Given(text)
        })
    }

    /// `key:` with no value: the convention is an explicit `not-reported`.
    fn empty_reported(&self, key: &str) -> Diagnostic {
        Diagnostic::error(self.path, self.key_pos(key), format!("`{key}` is empty"))
            .value("(empty)")
            .help(format!(
                "write `{key}: {NOT_REPORTED}` when the source does not say, or remove the line"
            ))
    }

    fn evidence_level(
        &self,
        fields: &BTreeMap<&str, &Value>,
        config: &SiteConfig,
        diags: &mut Vec<Diagnostic>,
    ) -> Option<Reported<Located<String>>> {
        let level = self.reported_text(fields, "evidence_level", diags)?;
        let Reported::Given(id) = level else {
            return Some(Reported::NotReported);
        };
        let id = id.trim().to_string();
        let pos = self.value_pos("evidence_level", &id);
        if config.evidence_level(&id).is_some() {
            return Some(Reported::Given(Located::new(id, pos)));
        }
        let help = if config.evidence_levels.is_empty() {
            format!(
                "site.toml declares no evidence level: add `[evidence_levels.{}]` with a `label` and a `definition`, or write `evidence_level: {NOT_REPORTED}`",
                crate::text::slugify(&id)
            )
        } else {
            let known = config.evidence_levels.iter().map(|l| l.id.as_str());
            format!(
                "{} (the levels of site.toml: {}, or `{NOT_REPORTED}`)",
                suggest(&id, known.clone().chain([NOT_REPORTED]), "levels"),
                known
                    .map(|l| format!("`{l}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        };
        diags.push(
            Diagnostic::error(self.path, pos, "unknown evidence level")
                .value(&id)
                .help(help),
        );
        None
    }

    fn finding(
        &self,
        fields: &BTreeMap<&str, &Value>,
        diags: &mut Vec<Diagnostic>,
    ) -> Option<Located<String>> {
        let finding = self.string(fields, "finding", diags)?;
        let finding = finding.trim().to_string();
        let pos = self.value_pos("finding", &finding);
        if FINDINGS.contains(&finding.as_str()) {
            return Some(Located::new(finding, pos));
        }
        diags.push(
            Diagnostic::error(
                self.path,
                pos,
                "a lesson's `finding` is `worked` or `did-not-work`",
            )
            .value(&finding)
            .help(suggest(&finding, FINDINGS, "findings")),
        );
        None
    }

    /// Where the item `m` of the list `key` is written: at its first text value.
    fn item_pos(&self, key: &str, m: &Mapping) -> Pos {
        m.values()
            .find_map(scalar_string)
            .filter(|s| !s.trim().is_empty())
            .map_or_else(|| self.key_pos(key), |s| self.value_pos(key, s.trim()))
    }

    /// A text sub-field of an item of `key`: `None` when absent, an error when not text.
    fn item_text(
        &self,
        key: &str,
        m: &Mapping,
        sub: &str,
        diags: &mut Vec<Diagnostic>,
    ) -> Result<Option<String>, ()> {
        match m.get(sub) {
            None => Ok(None),
            Some(v) => match scalar_string(v) {
                Some(s) if !s.trim().is_empty() => Ok(Some(s.trim().to_string())),
                _ => {
                    diags.push(
                        Diagnostic::error(
                            self.path,
                            self.item_pos(key, m),
                            format!("`{sub}` in `{key}` should be text"),
                        )
                        .value(show(v))
                        .help(format!("write it as `{sub}: some text`, or remove it")),
                    );
                    Err(())
                }
            },
        }
    }

    fn outcomes(
        &self,
        fields: &BTreeMap<&str, &Value>,
        diags: &mut Vec<Diagnostic>,
    ) -> Option<Reported<Vec<Outcome>>> {
        let example = "[{what: Families received weekly baskets, figure: 42 households, source: Annual report}]";
        let v = fields.get("outcomes")?;
        let items = match v {
            Value::Null => {
                diags.push(self.empty_reported("outcomes"));
                return None;
            }
            Value::String(s) if s.trim() == NOT_REPORTED => return Some(Reported::NotReported),
            Value::Sequence(items) if items.is_empty() => {
                diags.push(self.empty_reported("outcomes").value("[]"));
                return None;
            }
            Value::Sequence(items) => items,
            _ => {
                diags.push(self.wrong_type(
                    "outcomes",
                    v,
                    &format!("a list of outcomes, or `{NOT_REPORTED}`"),
                    example,
                ));
                return None;
            }
        };
        let mut out = Vec::new();
        let mut ok = true;
        for item in items {
            match item {
                Value::Mapping(m) => {
                    self.unknown_subkeys("outcomes", m, &["what", "figure", "source"], diags);
                    let what = self.item_text("outcomes", m, "what", diags);
                    let figure = self.item_text("outcomes", m, "figure", diags);
                    let source = self.item_text("outcomes", m, "source", diags);
                    match (what, figure, source) {
                        (Ok(Some(what)), Ok(figure), Ok(source)) => out.push(Outcome {
                            what,
                            figure,
                            source,
                        }),
                        (Ok(None), _, _) => {
                            ok = false;
                            diags.push(
                                Diagnostic::error(
                                    self.path,
                                    self.item_pos("outcomes", m),
                                    "an outcome needs a `what`: what changed",
                                )
                                .value(show(item))
                                .help(format!("write it as `- {{what: …, figure: …, source: …}}`, e.g. `outcomes: {example}`")),
                            );
                        }
                        _ => ok = false,
                    }
                }
                Value::String(what) if !what.trim().is_empty() => out.push(Outcome {
                    what: what.trim().to_string(),
                    figure: None,
                    source: None,
                }),
                _ => {
                    ok = false;
                    diags.push(self.wrong_type("outcomes", item, "a list of outcomes", example));
                }
            }
        }
        ok.then_some(Reported::Given(out))
    }

    fn contacts(
        &self,
        fields: &BTreeMap<&str, &Value>,
        diags: &mut Vec<Diagnostic>,
    ) -> Vec<Contact> {
        let example = "[{organization: OCASI, email: info@example.org}]";
        let Some(v) = fields.get("contacts") else {
            return Vec::new();
        };
        let Value::Sequence(items) = v else {
            diags.push(self.wrong_type("contacts", v, "a list of contacts", example));
            return Vec::new();
        };
        let mut out = Vec::new();
        for item in items {
            let Value::Mapping(m) = item else {
                diags.push(self.wrong_type("contacts", item, "a list of contacts", example));
                continue;
            };
            self.unknown_subkeys(
                "contacts",
                m,
                &["name", "organization", "email", "url"],
                diags,
            );
            let texts = ["name", "organization", "email", "url"]
                .map(|sub| self.item_text("contacts", m, sub, diags));
            let [Ok(name), Ok(organization), Ok(email), Ok(url)] = texts else {
                continue;
            };
            let pos = self.item_pos("contacts", m);
            let mut ok = true;
            if name.is_none() && organization.is_none() {
                ok = false;
                diags.push(
                    Diagnostic::error(
                        self.path,
                        pos,
                        "a contact needs a `name` or an `organization`",
                    )
                    .value(show(item))
                    .help(format!("write it as `contacts: {example}`")),
                );
            }
            if email.is_none() && url.is_none() {
                ok = false;
                diags.push(
                    Diagnostic::error(self.path, pos, "a contact needs an `email` or a `url`")
                        .value(show(item))
                        .help("give the address the source publishes, e.g. `email: info@example.org` or `url: https://example.org/contact`"),
                );
            }
            if let Some(e) = &email
                && !is_email(e)
            {
                ok = false;
                diags.push(
                    Diagnostic::error(
                        self.path,
                        self.value_pos("contacts", e),
                        "a contact `email` is not an email address",
                    )
                    .value(e)
                    .help(
                        "write the address alone, as `name@example.org` (no `mailto:`, no spaces)",
                    ),
                );
            }
            if let Some(u) = &url
                && !is_http_url(u)
            {
                ok = false;
                diags.push(
                    Diagnostic::error(
                        self.path,
                        self.value_pos("contacts", u),
                        "a contact `url` must be an http(s) address",
                    )
                    .value(u)
                    .help("write the full address, starting with `https://`"),
                );
            }
            if ok {
                out.push(Contact {
                    name,
                    organization,
                    email,
                    url,
                });
            }
        }
        out
    }

    fn forum_fields(
        &self,
        fields: &BTreeMap<&str, &Value>,
        kf: &mut KindFields,
        diags: &mut Vec<Diagnostic>,
    ) {
        kf.starts = self.datetime(fields, "starts", diags);
        let planned = kf.status.as_ref().is_some_and(|s| s.value == "planned");
        if kf.starts.is_none() && !fields.contains_key("starts") && !planned {
            diags.extend(self.missing("starts", "2026-03-12T13:00:00-05:00").map(|d| {
                d.help("add `starts: 2026-03-12T13:00:00-05:00` (date, time and UTC offset), or `status: planned` if no date is set yet")
            }));
        }
        kf.ends = self.datetime(fields, "ends", diags);
        if let (Some(s), Some(e)) = (kf.starts, kf.ends)
            && e.timestamp() < s.timestamp()
        {
            diags.push(
                Diagnostic::error(
                    self.path,
                    self.key_pos("ends"),
                    "the forum ends before it starts",
                )
                .value(e.to_rfc3339())
                .help("check the date and the UTC offset of `starts` and `ends`"),
            );
        }
        kf.online = self.boolean(fields, "online", diags).unwrap_or(false);
        if let Some(v) = fields.get("location") {
            match v {
                Value::Mapping(m) => {
                    self.unknown_subkeys("location", m, &["name", "city"], diags);
                    let name = m.get("name").and_then(scalar_string);
                    if name.is_none() {
                        diags.push(
                            Diagnostic::error(
                                self.path,
                                self.key_pos("location"),
                                "`location` needs a `name`",
                            )
                            .value(show(v))
                            .help("write it as `location: {name: Public library, city: toronto}`"),
                        );
                    }
                    let city = m.get("city").and_then(scalar_string).map(|c| {
                        let pos = self.value_pos("location", &c);
                        Located::new(c, pos)
                    });
                    kf.location = Some(Location {
                        name: name.unwrap_or_default(),
                        city,
                    });
                }
                _ => diags.push(self.wrong_type(
                    "location",
                    v,
                    "a place with a name and a city",
                    "{name: Public library, city: toronto}",
                )),
            }
        }
        if kf.location.is_some() == kf.online && fields.contains_key("online") {
            diags.push(
                Diagnostic::error(
                    self.path,
                    self.key_pos("online"),
                    "a forum is either `online: true` or has a `location`, not both",
                )
                .value("online: true")
                .help("remove one of `online` and `location`"),
            );
        }
        if let Some(langs) = self.located_list(fields, "languages", diags) {
            for l in &langs {
                if !(l.value.len() == 2 && l.value.bytes().all(|b| b.is_ascii_lowercase())) {
                    diags.push(
                        Diagnostic::error(
                            self.path,
                            l.pos,
                            "a spoken language is a two-letter code",
                        )
                        .value(&l.value)
                        .help("write it as `languages: [en, fr]`"),
                    );
                }
            }
            kf.languages = langs;
        }
        kf.cases = self
            .located_list(fields, "cases", diags)
            .unwrap_or_default();
        kf.questions = self
            .string_list(fields, "questions", diags)
            .unwrap_or_default();
        kf.registration = self.url(fields, "registration", diags);
    }

    fn unknown_subkeys(&self, key: &str, m: &Mapping, known: &[&str], diags: &mut Vec<Diagnostic>) {
        for k in m.keys() {
            let name = k.as_str().unwrap_or("");
            if !known.contains(&name) {
                diags.push(
                    Diagnostic::error(
                        self.path,
                        self.value_pos(key, name),
                        format!("unknown field `{name}` in `{key}`"),
                    )
                    .value(show(k))
                    .help(suggest(name, known.iter().copied(), "fields")),
                );
            }
        }
    }

    fn string(
        &self,
        fields: &BTreeMap<&str, &Value>,
        key: &str,
        diags: &mut Vec<Diagnostic>,
    ) -> Option<String> {
        let v = fields.get(key)?;
        match scalar_string(v) {
            Some(s) if !s.trim().is_empty() => Some(s),
            Some(_) => {
                diags.push(
                    Diagnostic::error(self.path, self.key_pos(key), format!("`{key}` is empty"))
                        .value("\"\"")
                        .help(format!("write the {key}, or remove the line")),
                );
                None
            }
            None => {
                diags.push(self.wrong_type(key, v, "text", "some text"));
                None
            }
        }
    }

    fn boolean(
        &self,
        fields: &BTreeMap<&str, &Value>,
        key: &str,
        diags: &mut Vec<Diagnostic>,
    ) -> Option<bool> {
        let v = fields.get(key)?;
        if let Value::Bool(b) = v {
            Some(*b)
        } else {
            diags.push(self.wrong_type(key, v, "true or false", "true"));
            None
        }
    }

    fn date(
        &self,
        fields: &BTreeMap<&str, &Value>,
        key: &str,
        diags: &mut Vec<Diagnostic>,
    ) -> Option<Date> {
        let v = fields.get(key)?;
        let text = scalar_string(v).unwrap_or_else(|| show(v));
        if let Some(d) = Date::parse(text.trim()) {
            return Some(d);
        }
        // DateTime::parse trims, so the date part starts after any leading (wide) space.
        let help = if DateTime::parse(&text).is_ok() {
            format!(
                "`{key}` is a day: keep only the date part, `{key}: {}`",
                text.trim().get(..10).unwrap_or_default()
            )
        } else {
            format!("write it as `{key}: 2026-03-12` (year-month-day, a real day of the calendar)")
        };
        diags.push(
            Diagnostic::error(
                self.path,
                self.value_pos(key, text.trim()),
                format!("`{key}` is not a valid date"),
            )
            .value(text)
            .help(help),
        );
        None
    }

    fn datetime(
        &self,
        fields: &BTreeMap<&str, &Value>,
        key: &str,
        diags: &mut Vec<Diagnostic>,
    ) -> Option<DateTime> {
        let v = fields.get(key)?;
        let text = scalar_string(v).unwrap_or_else(|| show(v));
        match DateTime::parse(&text) {
            Ok(dt) => Some(dt),
            Err(DateTimeError::MissingOffset) => {
                diags.push(
                    Diagnostic::error(self.path, self.value_pos(key, text.trim()), format!("`{key}` has no UTC offset"))
                        .value(&text)
                        .help(format!("add the offset of the local time, e.g. `{key}: {}-05:00` (Eastern Standard Time) or `-04:00` (Eastern Daylight Time)", text.trim())),
                );
                None
            }
            Err(DateTimeError::Invalid) => {
                diags.push(
                    Diagnostic::error(
                        self.path,
                        self.value_pos(key, text.trim()),
                        format!("`{key}` is not a valid date and time"),
                    )
                    .value(&text)
                    .help(format!(
                        "write it as `{key}: 2026-03-12T13:00:00-05:00` (date, time, UTC offset)"
                    )),
                );
                None
            }
        }
    }

    fn url(
        &self,
        fields: &BTreeMap<&str, &Value>,
        key: &str,
        diags: &mut Vec<Diagnostic>,
    ) -> Option<String> {
        let s = self.string(fields, key, diags)?;
        if is_http_url(&s) {
            Some(s)
        } else {
            diags.push(
                Diagnostic::error(
                    self.path,
                    self.value_pos(key, &s),
                    format!("`{key}` must be an http(s) address"),
                )
                .value(&s)
                .help("write the full address, starting with `https://`"),
            );
            None
        }
    }

    fn string_list(
        &self,
        fields: &BTreeMap<&str, &Value>,
        key: &str,
        diags: &mut Vec<Diagnostic>,
    ) -> Option<Vec<String>> {
        self.located_list(fields, key, diags)
            .map(|l| l.into_iter().map(|x| x.value).collect())
    }

    /// A list of text values, each with where it was written.
    fn located_list(
        &self,
        fields: &BTreeMap<&str, &Value>,
        key: &str,
        diags: &mut Vec<Diagnostic>,
    ) -> Option<Vec<Located<String>>> {
        let v = fields.get(key)?;
        let Value::Sequence(items) = v else {
            let example = scalar_string(v)
                .map_or_else(|| "[first, second]".to_string(), |s| format!("[{s}]"));
            diags.push(self.wrong_type(key, v, "a list", &example));
            return None;
        };
        let mut out = Vec::with_capacity(items.len());
        let mut ok = true;
        let (start, end) = self.key_span(key);
        let mut search_from = start + self.text[start..end].find(':').map_or(0, |i| i + 1);
        for item in items {
            if let Some(s) = scalar_string(item) {
                // Search after the previous item so repeated values get their own position.
                let pos = match self.text[search_from..end].find(s.as_str()) {
                    Some(i) if !s.is_empty() => {
                        let at = search_from + i;
                        search_from = at + s.len();
                        self.lines.pos(self.text, at)
                    }
                    _ => self.key_pos(key),
                };
                out.push(Located::new(s, pos));
            } else {
                ok = false;
                diags.push(
                    Diagnostic::error(
                        self.path,
                        self.key_pos(key),
                        format!("every item of `{key}` should be text"),
                    )
                    .value(show(item))
                    .help(format!("write it as `{key}: [first, second]`")),
                );
            }
        }
        ok.then_some(out)
    }

    fn period(
        &self,
        fields: &BTreeMap<&str, &Value>,
        diags: &mut Vec<Diagnostic>,
    ) -> Option<Period> {
        let v = fields.get("period")?;
        let Value::Mapping(m) = v else {
            diags.push(self.wrong_type(
                "period",
                v,
                "a start and an optional end",
                "{start: 2020-03, end: 2021-12}",
            ));
            return None;
        };
        self.unknown_subkeys("period", m, &["start", "end"], diags);
        let month = |k: &str, diags: &mut Vec<Diagnostic>| -> Option<Option<YearMonth>> {
            let Some(x) = m.get(k) else { return Some(None) };
            let text = scalar_string(x).unwrap_or_else(|| show(x));
            match YearMonth::parse(text.trim()) {
                Some(ym) => Some(Some(ym)),
                None => {
                    diags.push(
                        Diagnostic::error(
                            self.path,
                            self.value_pos("period", &text),
                            format!("`period.{k}` is not a year and month"),
                        )
                        .value(&text)
                        .help(format!("write it as `{k}: 2020-03`")),
                    );
                    None
                }
            }
        };
        let start = month("start", diags)?;
        let end = month("end", diags)?;
        let Some(start) = start else {
            diags.push(
                Diagnostic::error(
                    self.path,
                    self.key_pos("period"),
                    "`period` needs a `start`",
                )
                .value(show(v))
                .help("write it as `period: {start: 2020-03, end: 2021-12}`"),
            );
            return None;
        };
        if end.is_some_and(|e| e < start) {
            diags.push(
                Diagnostic::error(
                    self.path,
                    self.key_pos("period"),
                    "`period` ends before it starts",
                )
                .value(show(v))
                .help("check `start` and `end`"),
            );
            return None;
        }
        Some(Period { start, end })
    }

    fn partners(
        &self,
        fields: &BTreeMap<&str, &Value>,
        diags: &mut Vec<Diagnostic>,
    ) -> Vec<Partner> {
        let Some(v) = fields.get("partners") else {
            return Vec::new();
        };
        let Value::Sequence(items) = v else {
            diags.push(self.wrong_type(
                "partners",
                v,
                "a list of partners",
                "[{name: Food bank, sector: community}]",
            ));
            return Vec::new();
        };
        let mut out = Vec::new();
        for item in items {
            match item {
                Value::Mapping(m) => {
                    self.unknown_subkeys("partners", m, &["name", "sector"], diags);
                    let Some(name) = m.get("name").and_then(scalar_string) else {
                        diags.push(
                            Diagnostic::error(
                                self.path,
                                self.key_pos("partners"),
                                "a partner needs a `name`",
                            )
                            .value(show(item))
                            .help("write it as `- {name: Food bank, sector: community}`"),
                        );
                        continue;
                    };
                    let sector = m.get("sector").and_then(scalar_string).map(|s| {
                        let pos = self.value_pos("partners", &name.to_string());
                        let pos = self.find_after(pos, &s).unwrap_or(pos);
                        Located::new(s, pos)
                    });
                    out.push(Partner { name, sector });
                }
                Value::String(name) => out.push(Partner {
                    name: name.clone(),
                    sector: None,
                }),
                _ => diags.push(self.wrong_type(
                    "partners",
                    item,
                    "a list of partners",
                    "[{name: Food bank, sector: community}]",
                )),
            }
        }
        out
    }

    /// The first occurrence of `needle` at or after `pos`.
    fn find_after(&self, pos: Pos, needle: &str) -> Option<Pos> {
        let start = self.lines.line_start(pos.line)?;
        let i = self.text[start..self.fm_end].find(needle)?;
        Some(self.lines.pos(self.text, start + i))
    }

    fn sources(&self, fields: &BTreeMap<&str, &Value>, diags: &mut Vec<Diagnostic>) -> Vec<Source> {
        let Some(v) = fields.get("sources") else {
            return Vec::new();
        };
        let example = "[{title: Report, url: https://example.org/report, year: 2021}]";
        let Value::Sequence(items) = v else {
            diags.push(self.wrong_type("sources", v, "a list of sources", example));
            return Vec::new();
        };
        let mut out = Vec::new();
        for item in items {
            let Value::Mapping(m) = item else {
                diags.push(self.wrong_type("sources", item, "a list of sources", example));
                continue;
            };
            self.unknown_subkeys("sources", m, &["title", "url", "year"], diags);
            let Some(title) = m.get("title").and_then(scalar_string) else {
                diags.push(
                    Diagnostic::error(
                        self.path,
                        self.key_pos("sources"),
                        "a source needs a `title`",
                    )
                    .value(show(item))
                    .help(format!("write it as `sources: {example}`")),
                );
                continue;
            };
            let url = m.get("url").and_then(scalar_string);
            if let Some(u) = &url
                && !is_http_url(u)
            {
                diags.push(
                    Diagnostic::error(
                        self.path,
                        self.value_pos("sources", u),
                        "a source `url` must be an http(s) address",
                    )
                    .value(u)
                    .help("write the full address, starting with `https://`"),
                );
                continue;
            }
            let year = match m.get("year") {
                None => None,
                Some(Value::Number(n)) => n.as_i64().and_then(|y| i32::try_from(y).ok()),
                Some(other) => {
                    diags.push(
                        Diagnostic::error(
                            self.path,
                            self.key_pos("sources"),
                            "a source `year` should be a number",
                        )
                        .value(show(other))
                        .help("write it as `year: 2021`"),
                    );
                    None
                }
            };
            out.push(Source { title, url, year });
        }
        out
    }
}

/// The kinds a field belongs to, for "this field is for case studies" hints.
fn kinds_of_field(field: &str) -> Vec<&'static str> {
    KIND_FIELDS
        .iter()
        .filter(|(_, fields)| fields.contains(&field))
        .map(|(k, _)| k.as_str())
        .collect()
}

fn scalar_string(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// A short, one-line rendering of a YAML value for diagnostics.
fn show(v: &Value) -> String {
    let s = match v {
        Value::String(s) => s.clone(),
        Value::Null => "(empty)".to_string(),
        other => serde_json::to_string(other).unwrap_or_else(|_| format!("{other:?}")),
    };
    truncate(&s, 120)
}

/// An address as people write it on a contact page: `local@domain.tld`, nothing around it.
pub fn is_email(s: &str) -> bool {
    let Some((local, domain)) = s.split_once('@') else {
        return false;
    };
    let labels: Vec<&str> = domain.split('.').collect();
    !local.is_empty()
        && labels.len() >= 2
        && labels.iter().all(|l| {
            !l.is_empty()
                && !l.starts_with('-')
                && !l.ends_with('-')
                && l.chars().all(|c| c.is_alphanumeric() || c == '-')
        })
        && !local.starts_with('.')
        && !local.ends_with('.')
        && !local.contains("..")
        && local
            .chars()
            .all(|c| c.is_alphanumeric() || "!#$%&'*+-/=?^_`{|}~.".contains(c))
}

pub fn is_http_url(s: &str) -> bool {
    let lower = s.trim().to_ascii_lowercase();
    (lower.starts_with("https://") || lower.starts_with("http://"))
        && lower.len() > "https://".len()
        && !s
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || c == '"' || c == '<' || c == '>')
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    fn config() -> SiteConfig {
        SiteConfig::parse(
            r#"
title = "T"
base_url = "https://example.org"
default_language = "en"
languages = ["en", "fr"]
[sections.lessons]
kind = "lesson"
title = "Lessons"
[taxonomies.populations]
role = "population"
title = "Populations"
[taxonomies.populations.terms]
refugees = "Refugees"
"#,
        )
        .expect("config")
    }

    fn lesson(text: &str) -> (Option<Parsed>, Vec<Diagnostic>) {
        let role = Role::Page {
            kind: Kind::Lesson,
            section: Some("lessons".into()),
        };
        parse(text, Path::new("content/lessons/a.md"), &role, &config())
    }

    #[test]
    fn reads_a_good_lesson() {
        let (p, d) = lesson(
            "---\ntitle: A\nsummary: S\ndate: 2024-01-02\nevidence: [case-studies/x]\npopulations: [refugees]\n---\nBody\n",
        );
        assert!(d.is_empty(), "{d:?}");
        let p = p.expect("parsed");
        assert_eq!(p.body, "Body\n");
        assert_eq!(p.body_line, 8);
        assert_eq!(p.fm.fields.evidence[0].pos, Pos::new(5, 12));
        assert_eq!(p.fm.taxonomies["populations"][0].value, "refugees");
    }

    #[test]
    fn collects_every_problem_of_a_file() {
        let (p, d) =
            lesson("---\ntitle: A\nevidense: [x]\ndate: 2024-02-30\npopulations: refugees\n---\n");
        assert!(p.is_none());
        let text: Vec<String> = d.iter().map(ToString::to_string).collect();
        assert_eq!(d.len(), 5, "{text:#?}");
        assert!(text[0].starts_with("content/lessons/a.md:3:1: error: unknown field `evidense`"));
        assert!(text[0].contains("did you mean `evidence`"));
        assert!(text.iter().any(|t| t.contains("required field `summary`")));
        assert!(
            text.iter()
                .any(|t| t.contains("4:7: error: `date` is not a valid date"))
        );
        assert!(
            text.iter()
                .any(|t| t.contains("`populations` should be a list") && t.contains("[refugees]"))
        );
        assert!(text.iter().any(|t| t.contains("required field `evidence`")));
    }

    #[test]
    fn yaml_errors_point_at_the_file_line() {
        let (_, d) = lesson("---\ntitle: A\nsummary: [unclosed\n---\n");
        assert_eq!(d.len(), 1);
        assert!(d[0].line >= 3, "{:?}", d[0]);
        assert!(d[0].message.contains("not valid YAML"));
    }

    #[test]
    fn unclosed_and_missing_front_matter() {
        let (_, d) = lesson("---\ntitle: A\n");
        assert!(d[0].message.contains("never closed"));
        let (_, d) = lesson("# Just markdown\n");
        assert!(d[0].message.contains("does not start with front matter"));
    }

    #[test]
    fn emails_are_an_address_alone() {
        for good in [
            "generalmail@ocasi.org",
            "a.b+c@x-y.example.ca",
            "é@exemple.qc.ca",
        ] {
            assert!(is_email(good), "{good}");
        }
        for bad in [
            "info(at)example.org",
            "mailto:info@example.org",
            "info@example",
            "info@@example.org",
            "@example.org",
            "info@example..org",
            "in fo@example.org",
            "info@-example.org",
            ".info@example.org",
        ] {
            assert!(!is_email(bad), "{bad}");
        }
    }

    #[test]
    fn a_lesson_records_its_finding_and_level() {
        let (p, d) = lesson(
            "---\ntitle: A\nsummary: S\ndate: 2024-01-02\nevidence: [case-studies/x]\nfinding: did-not-work\nevidence_level: not-reported\n---\n",
        );
        assert!(d.is_empty(), "{d:?}");
        let f = p.expect("parsed").fm.fields;
        assert_eq!(f.finding.map(|x| x.value).as_deref(), Some("did-not-work"));
        assert_eq!(f.evidence_level, Some(Reported::NotReported));
        let (_, d) = lesson(
            "---\ntitle: A\nsummary: S\ndate: 2024-01-02\nevidence: [case-studies/x]\nfinding: didnt-work\n---\n",
        );
        assert!(
            d[0].to_string().contains("6:10: error") && d[0].to_string().contains("`did-not-work`"),
            "{d:?}"
        );
    }

    #[test]
    fn slugify_folds_accents() {
        assert_eq!(
            crate::text::slugify("Études de cas à Montréal!"),
            "etudes-de-cas-a-montreal"
        );
    }
}
