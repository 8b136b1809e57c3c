//! Accessibility lint of page bodies, at build time (WCAG 2.1 AA, for authors).
//!
//! Fed the Markdown events of one page, in order, by `markdown::render`, so the body is
//! parsed once. Reports, at the author's line: an image without alt text (error), an empty
//! link (error), a skipped heading level or a second `h1` (warning: the page title is the
//! `h1`), a link whose whole text is "here"/"click here"/«ici» (warning), a table without
//! a header row (warning). Raw HTML gets the same image, link and table checks. Text left
//! as a `TODO` placeholder by `passerelle new` is an error, so nothing half-written is published.

use std::path::Path;

use pulldown_cmark::{Event, HeadingLevel, Tag, TagEnd};

use crate::diagnostics::{Diagnostic, Pos};

/// Link texts that say nothing out of context (screen-reader users list links alone).
const VAGUE_LINK_TEXTS: [&str; 12] = [
    "here",
    "click here",
    "this link",
    "link",
    "read more",
    "more",
    "ici",
    "cliquez ici",
    "ce lien",
    "lien",
    "lire la suite",
    "en savoir plus",
];

#[derive(Default)]
pub struct Linter {
    diags: Vec<Diagnostic>,
    /// Level of the last heading seen; the template's title is the `h1`.
    last_heading: u8,
    heading: Option<(u8, Pos)>,
    image: Option<(Pos, String)>,
    /// Open links: where they start, their text so far, whether they hold an image.
    links: Vec<(Pos, String, bool)>,
    table: Option<(Pos, bool)>,
    in_table_head: bool,
    in_code: bool,
}

impl Linter {
    /// `pos` gives where the event starts; it is asked only for what may be reported.
    pub fn observe(&mut self, path: &Path, event: &Event, pos: impl Fn() -> Pos) {
        match event {
            Event::Start(Tag::Heading { level, .. }) => {
                self.heading = Some((level_number(*level), pos()))
            }
            Event::End(TagEnd::Heading(_)) => {
                if let Some((level, at)) = self.heading.take() {
                    self.check_heading(path, level, at);
                }
            }
            Event::Start(Tag::Image { .. }) => self.image = Some((pos(), String::new())),
            Event::End(TagEnd::Image) => {
                if let Some((at, alt)) = self.image.take() {
                    if alt.trim().is_empty() {
                        self.diags.push(
                            Diagnostic::error(path, at, "this image has no alternative text")
                                .value("![](…)")
                                .help("describe what the image shows between the brackets: `![Volunteers packing food boxes](photo.jpg)`"),
                        );
                    }
                    if let Some(link) = self.links.last_mut() {
                        link.2 |= !alt.trim().is_empty();
                    }
                }
            }
            Event::Start(Tag::Link { .. }) => self.links.push((pos(), String::new(), false)),
            Event::End(TagEnd::Link) => {
                if let Some((at, text, has_image)) = self.links.pop() {
                    self.check_link(path, at, &text, has_image);
                }
            }
            Event::Start(Tag::Table(_)) => self.table = Some((pos(), false)),
            Event::Start(Tag::TableHead) => self.in_table_head = true,
            Event::End(TagEnd::TableHead) => self.in_table_head = false,
            Event::End(TagEnd::Table) => {
                if let Some((at, has_header)) = self.table.take()
                    && !has_header
                {
                    self.diags.push(
                            Diagnostic::warning(path, at, "this table has no header row")
                                .value("| | |")
                                .help("name each column in the first row, so screen readers can announce what each cell is"),
                        );
                }
            }
            Event::Start(Tag::CodeBlock(_)) => self.in_code = true,
            Event::End(TagEnd::CodeBlock) => self.in_code = false,
            Event::Text(t)
                if !self.in_code && t.trim_start().starts_with(crate::model::PLACEHOLDER) =>
            {
                self.diags.push(
                    Diagnostic::error(path, pos(), "placeholder text left in the page")
                        .value(t.trim().chars().take(80).collect::<String>())
                        .help("write the text that `passerelle new` left a TODO for"),
                );
            }
            Event::Text(t) | Event::Code(t) => {
                if let Some((_, alt)) = &mut self.image {
                    alt.push_str(t);
                } else if let Some(link) = self.links.last_mut() {
                    link.1.push_str(t);
                }
                if self.in_table_head
                    && !t.trim().is_empty()
                    && let Some(table) = &mut self.table
                {
                    table.1 = true;
                }
            }
            Event::Html(html) | Event::InlineHtml(html) => self.check_raw_html(path, html, pos()),
            _ => {}
        }
    }

    fn check_heading(&mut self, path: &Path, level: u8, at: Pos) {
        let hashes = "#".repeat(usize::from(level));
        if level == 1 {
            self.diags.push(
                Diagnostic::warning(
                    path,
                    at,
                    "a second level-1 heading: the page title is already the `h1`",
                )
                .value(format!("{hashes} …"))
                .help("start the body's sections at `## `"),
            );
        } else if level > self.last_heading.max(1) + 1 {
            let expected = self.last_heading.max(1) + 1;
            self.diags.push(
                Diagnostic::warning(
                    path,
                    at,
                    format!(
                        "heading level {level} follows level {}: a level is skipped",
                        self.last_heading.max(1)
                    ),
                )
                .value(format!("{hashes} …"))
                .help(format!(
                    "use `{} ` here, so the outline has no gap",
                    "#".repeat(usize::from(expected))
                )),
            );
        }
        self.last_heading = level;
    }

    fn check_link(&mut self, path: &Path, at: Pos, text: &str, has_image: bool) {
        let normalized: String = text
            .trim()
            .trim_matches(|c: char| {
                c.is_ascii_punctuation() || c == '»' || c == '«' || c.is_whitespace()
            })
            .to_lowercase();
        if normalized.is_empty() && !has_image {
            self.diags.push(
                Diagnostic::error(path, at, "this link has no text")
                    .value("[](…)")
                    .help("write what the link leads to between the brackets"),
            );
        } else if VAGUE_LINK_TEXTS.contains(&normalized.as_str()) {
            self.diags.push(
                Diagnostic::warning(path, at, "this link's text does not say where it leads")
                    .value(text.trim())
                    .help("use the name of the destination as the link text, e.g. `[the methodology](@/pages/methodology)`"),
            );
        }
    }

    fn check_raw_html(&mut self, path: &Path, html: &str, at: Pos) {
        let lower = html.to_lowercase();
        for tag in lower.match_indices("<img").map(|(i, _)| &lower[i..]) {
            let end = tag.find('>').unwrap_or(tag.len());
            let attrs = &tag[..end];
            if !attrs.contains("alt=")
                || attrs.contains("alt=\"\"") && !attrs.contains("role=\"presentation\"")
            {
                self.diags.push(
                    Diagnostic::error(path, at, "this image has no alternative text")
                        .value(html.trim().chars().take(80).collect::<String>())
                        .help("add `alt=\"what the image shows\"`"),
                );
            }
        }
        if lower.contains("<table") && !lower.contains("<th") {
            self.diags.push(
                Diagnostic::warning(path, at, "this table has no header row")
                    .value(html.trim().chars().take(80).collect::<String>())
                    .help("use `<th>` cells for the column names"),
            );
        }
    }

    pub fn finish(self) -> Vec<Diagnostic> {
        self.diags
    }
}

fn level_number(level: HeadingLevel) -> u8 {
    match level {
        HeadingLevel::H1 => 1,
        HeadingLevel::H2 => 2,
        HeadingLevel::H3 => 3,
        HeadingLevel::H4 => 4,
        HeadingLevel::H5 => 5,
        HeadingLevel::H6 => 6,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use pulldown_cmark::{Options, Parser};

    fn lint(md: &str) -> Vec<String> {
        let mut l = Linter::default();
        let lines = crate::diagnostics::LineIndex::new(md);
        let opts = Options::ENABLE_TABLES;
        for (e, r) in Parser::new_ext(md, opts).into_offset_iter() {
            l.observe(Path::new("a.md"), &e, || lines.pos(md, r.start));
        }
        l.finish().iter().map(ToString::to_string).collect()
    }

    #[test]
    fn images_need_alt_text() {
        let d = lint("Text\n\n![](x.png)\n\n![A map](y.png)\n");
        assert_eq!(d.len(), 1, "{d:?}");
        assert!(d[0].starts_with("a.md:3:1: error: this image has no alternative text"));
        assert_eq!(lint("<img src=x.png>\n").len(), 1);
        assert!(lint("<img src=x.png alt=\"A map\">\n").is_empty());
    }

    #[test]
    fn headings_do_not_skip_levels() {
        assert!(lint("## A\n\n### B\n\n## C\n").is_empty());
        let d = lint("## A\n\n#### B\n");
        assert!(
            d[0].contains("3:1: warning: heading level 4 follows level 2"),
            "{d:?}"
        );
        let d = lint("# Title again\n");
        assert!(d[0].contains("second level-1 heading"), "{d:?}");
        assert!(lint("### Starts at three\n")[0].contains("level 3 follows level 1"));
    }

    #[test]
    fn links_say_where_they_lead() {
        let d = lint("See [here](x) and [Cliquez ici !](y) and [the report](z).\n");
        assert_eq!(d.len(), 2, "{d:?}");
        assert!(d.iter().all(|x| x.contains("warning: this link's text")));
        let d = lint("An [](x) empty link, and an image link [![Logo](l.png)](y).\n");
        assert_eq!(d.len(), 1, "{d:?}");
        assert!(d[0].contains("error: this link has no text"));
    }

    #[test]
    fn tables_have_a_header_row() {
        assert!(lint("| A | B |\n|---|---|\n| 1 | 2 |\n").is_empty());
        let d = lint("|   |   |\n|---|---|\n| 1 | 2 |\n");
        assert!(
            d[0].contains("warning: this table has no header row"),
            "{d:?}"
        );
        assert_eq!(lint("<table><tr><td>1</td></tr></table>\n").len(), 1);
    }
}
