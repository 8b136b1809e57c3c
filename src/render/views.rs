//! Views: what each template is given, as types. These structs are the contract between
//! Passerelle and a theme (docs/templates.md lists them, and a test keeps the two in step).
//!
//! Every output is one [`Output`]: its template, where it goes, and a [`Document`] (the
//! [`Chrome`] every page has, plus the view of its kind). A [`Views`] builds the outputs
//! of one job and notes every page it reads; the render cache keys an output by the hash
//! of its serialized `Output`, so what an output depends on is exactly what it shows, and
//! no list of dependencies is kept by hand.

use std::cell::RefCell;
use std::collections::HashMap;
use std::sync::Arc;

use serde::Serialize;

use super::{Renderer, TERM_PAGE_SIZE, pager_numbers, script_json, typo};
use crate::config::TaxonomyRole;
use crate::diagnostics::{Diagnostic, Pos};
use crate::i18n::{self, format_date, format_datetime, format_month};
use crate::markdown::Rendered;
use crate::model::{Kind, Located, Page, Period, Reported, Role};
use crate::resolve::{PageId, TranslationStatus};

/// One output file, before its template runs.
#[derive(Serialize)]
pub struct Output {
    /// Template name in the theme (`lesson.html`).
    pub template: String,
    /// The URL path it is published at (`/en/lessons/trust/`).
    pub url: String,
    /// (language, URL path) of every version, for the sitemap.
    pub versions: Vec<(String, String)>,
    /// For the sitemap.
    pub lastmod: Option<String>,
    /// False for the 404 page, which no sitemap lists.
    pub in_sitemap: bool,
    /// What the template gets (besides the globals `L` and `site`).
    pub document: Document,
}

/// The context of one template.
#[derive(Serialize)]
pub struct Document {
    #[serde(flatten)]
    pub chrome: Chrome,
    #[serde(flatten)]
    pub view: View,
}

/// What every template gets: the page's language and address, its `<head>`, notices, the
/// language switch and the breadcrumbs.
#[derive(Serialize)]
pub struct Chrome {
    /// Language code of the page (`en`).
    pub lang: String,
    /// URL path of the page (`/en/lessons/trust/`).
    pub path: String,
    /// Absolute URL of the page.
    pub canonical: String,
    /// The `<title>`.
    pub doc_title: String,
    /// The meta description.
    pub description: String,
    pub notices: Vec<Notice>,
    pub switch: Vec<SwitchEntry>,
    pub alternates: Vec<Alternate>,
    pub breadcrumbs: Vec<Crumb>,
}

/// The view of each template, by template.
#[derive(Serialize)]
#[serde(untagged)]
pub enum View {
    Landing(LandingView),
    NotFound(NotFoundView),
    Home(HomeView),
    Search(SearchView),
    Section(SectionView),
    Taxonomy(TaxonomyView),
    Term(TermView),
    Page(PageView),
    Packet(PacketView),
}

/// `landing.html`: the bilingual front door.
#[derive(Serialize)]
pub struct LandingView {
    pub languages: Vec<LandingLanguage>,
}

#[derive(Serialize)]
pub struct LandingLanguage {
    pub code: String,
    pub name: String,
    pub title: String,
    pub description: String,
    pub url: String,
    pub enter: String,
}

/// `404.html`: the same page in every language.
#[derive(Serialize)]
pub struct NotFoundView {
    pub languages: Vec<NotFoundLanguage>,
}

#[derive(Serialize)]
pub struct NotFoundLanguage {
    pub code: String,
    pub title: String,
    pub text: String,
    pub home: String,
    pub search: String,
    pub home_url: String,
    pub search_url: String,
}

/// `home.html`: one language's home page.
#[derive(Serialize)]
pub struct HomeView {
    pub title: String,
    /// HTML of `content/_index[.LANG].md`.
    pub content: String,
    pub sections: Vec<HomeSection>,
    /// Forums to come, soonest first.
    pub upcoming: Vec<Arc<Link>>,
}

#[derive(Serialize)]
pub struct HomeSection {
    pub name: String,
    pub title: String,
    pub url: String,
    pub count: usize,
    /// The three newest pages.
    pub recent: Vec<Arc<Link>>,
    pub summary: String,
}

/// `search.html`: the search form; results come from search.js.
#[derive(Serialize)]
pub struct SearchView {
    pub title: String,
    /// The site's languages, named in the page's language (for result badges).
    pub languages: Vec<LanguageName>,
    pub search_groups: Vec<SearchGroup>,
    /// Label of every facet (`kind/lesson`, `cities/toronto`), as JSON for a script element.
    pub search_labels_json: String,
}

#[derive(Serialize)]
pub struct LanguageName {
    pub code: String,
    pub name: String,
}

#[derive(Serialize)]
pub struct SearchGroup {
    pub name: String,
    pub title: String,
}

/// `section.html`: one page of a section's listing.
#[derive(Serialize)]
pub struct SectionView {
    pub title: String,
    /// The section's kind (`case-study`).
    pub kind: String,
    /// HTML of the section's `_index`, on its first page only.
    pub content: String,
    pub pages: Vec<Arc<Link>>,
    pub paginator: Paginator,
    /// The forums' calendar, on a forum section with dated forums.
    pub calendar_url: Option<String>,
}

/// `taxonomy.html`: the terms of one vocabulary.
#[derive(Serialize)]
pub struct TaxonomyView {
    pub title: String,
    pub terms: Vec<TermLink>,
    pub taxonomy: TaxonomyRef,
}

/// `term.html`: one page of the pages with a term.
#[derive(Serialize)]
pub struct TermView {
    pub title: String,
    pub pages: Vec<Arc<Link>>,
    pub paginator: Paginator,
    pub taxonomy: TaxonomyRef,
}

#[derive(Serialize)]
pub struct TaxonomyRef {
    pub name: String,
    pub title: String,
    pub url: String,
}

/// `case-study.html`, `lesson.html`, `recommendation.html`, `forum.html`, `page.html`.
#[derive(Serialize)]
pub struct PageView {
    pub page: ContentPage,
}

/// `packet.html`: a forum's printable packet.
#[derive(Serialize)]
pub struct PacketView {
    pub page: ContentPage,
    pub packet: Packet,
}

/// A content page, every kind: fields a kind does not have are empty.
#[derive(Serialize)]
pub struct ContentPage {
    pub key: String,
    pub kind: String,
    pub kind_label: String,
    pub title: String,
    pub summary: String,
    /// The rendered Markdown body (HTML).
    pub content: String,
    pub date: Option<String>,
    pub date_display: Option<String>,
    pub updated: Option<String>,
    pub updated_display: Option<String>,
    pub authors: Vec<String>,
    pub url: String,
    pub terms: Vec<TermGroup>,
    pub period: Option<PeriodView>,
    pub partners: Vec<PartnerView>,
    pub sources: Vec<SourceView>,
    pub status: Option<StatusView>,
    pub issued_by: Option<String>,
    /// A recommendation's evidence.
    pub evidence: Vec<Arc<Link>>,
    pub cited_by: CitedBy,
    /// A forum's cases.
    pub cases: Vec<CaseView>,
    /// A forum's related pages, found by the search index.
    pub related: Vec<Arc<Link>>,
    pub forum: Option<ForumView>,
    /// A case study's or a lesson's evidence level: always set on a case study (`id` is
    /// then `None` when the source reports none), on a lesson when it has one.
    pub evidence_level: Option<LevelView>,
    /// A case study's outcomes (always set on a case study).
    pub outcomes: Option<OutcomesView>,
    /// A case study's conditions for the practice elsewhere (always set on a case study).
    pub transferability: Option<ReportedText>,
    pub contacts: Vec<ContactView>,
    /// The day of the last review (`YYYY-MM-DD`), distinct from the page's date.
    pub reviewed: Option<String>,
    pub reviewed_display: Option<String>,
    /// A lesson's finding: `worked` or `did-not-work`.
    pub finding: Option<StatusView>,
    /// Every evidence level with its definition, strongest first, on a page whose front
    /// matter says `evidence_levels: true` (the methodology page).
    pub evidence_levels: Vec<LevelView>,
    /// `extra` of the front matter, as the author wrote it.
    pub extra: serde_json::Value,
}

/// An evidence level, in the reader's language.
#[derive(Serialize, Clone)]
pub struct LevelView {
    /// The level's id in site.toml; `None`: not reported in the source.
    pub id: Option<String>,
    /// The level's label, or "Not reported in the source".
    pub label: String,
    pub definition: String,
    /// Derived from the page's case studies (a lesson that declares no level).
    pub derived: bool,
}

#[derive(Serialize)]
pub struct OutcomesView {
    /// Empty: not reported in the source.
    pub items: Vec<OutcomeView>,
    /// Set when the items are another version's (a translation that has none of its own):
    /// their language.
    pub lang: Option<String>,
}

#[derive(Serialize)]
pub struct OutcomeView {
    pub what: String,
    pub figure: Option<String>,
    pub source: Option<String>,
}

/// A text the source may not give.
#[derive(Serialize)]
pub struct ReportedText {
    /// `None`: not reported in the source.
    pub text: Option<String>,
    /// Set when the text is another version's: its language.
    pub lang: Option<String>,
}

#[derive(Serialize)]
pub struct ContactView {
    pub name: Option<String>,
    pub organization: Option<String>,
    pub email: Option<String>,
    pub url: Option<String>,
}

#[derive(Serialize)]
pub struct PeriodView {
    /// `YYYY-MM`.
    pub start: String,
    pub end: Option<String>,
    pub display: String,
}

#[derive(Serialize)]
pub struct PartnerView {
    pub name: String,
    pub sector: Option<String>,
    pub sector_url: Option<String>,
}

#[derive(Serialize)]
pub struct SourceView {
    pub title: String,
    pub url: Option<String>,
    pub year: Option<i32>,
}

#[derive(Serialize, Clone)]
pub struct StatusView {
    pub id: String,
    pub label: String,
}

/// Pages that cite this one, by kind.
#[derive(Serialize)]
pub struct CitedBy {
    pub lessons: Vec<Arc<Link>>,
    pub recommendations: Vec<Arc<Link>>,
    pub forums: Vec<Arc<Link>>,
}

#[derive(Serialize)]
pub struct CaseView {
    pub link: Arc<Link>,
    pub partners: Vec<String>,
    pub period: Option<PeriodView>,
}

#[derive(Serialize)]
pub struct ForumView {
    /// RFC 3339.
    pub starts: Option<String>,
    pub starts_display: Option<String>,
    pub ends: Option<String>,
    pub ends_display: Option<String>,
    pub online: bool,
    pub location: Option<LocationView>,
    /// Names of the languages spoken, in the page's language.
    pub languages: Vec<String>,
    pub questions: Vec<String>,
    pub registration: Option<String>,
    /// Its day has not passed: it can be added to a calendar, one can register.
    pub upcoming: bool,
    /// Its day has passed: it reads as held ("Held on 2 October 2020").
    pub held: bool,
    /// `starts` is a day, with no hour given.
    pub all_day: bool,
    pub ics_url: String,
}

#[derive(Serialize)]
pub struct LocationView {
    pub name: String,
    pub city: Option<String>,
    pub city_url: Option<String>,
}

#[derive(Serialize)]
pub struct Packet {
    /// The page's QR code, as inline SVG (none for an address too long to encode).
    pub qr: Option<String>,
    pub page_url: String,
    pub cases: Vec<PacketCase>,
}

#[derive(Serialize)]
pub struct PacketCase {
    pub link: Arc<Link>,
    pub partners: Vec<PacketPartner>,
    pub period: Option<PeriodView>,
    pub lessons: Vec<Arc<Link>>,
    pub recommendations: Vec<Arc<Link>>,
}

#[derive(Serialize)]
pub struct PacketPartner {
    pub name: String,
    pub sector: Option<String>,
}

/// A page as a card in a listing: its front matter only, never its body, so an edit of a
/// text does not change every listing that shows it.
#[derive(Serialize, Clone)]
pub struct Link {
    pub title: String,
    pub url: String,
    pub lang: String,
    /// Set when the page is in another language than the one being read.
    pub hreflang: Option<String>,
    pub summary: String,
    pub kind: String,
    pub kind_label: String,
    pub date: String,
    pub date_display: String,
    pub places: Vec<String>,
    pub populations: Vec<String>,
    pub when: Option<String>,
    /// The evidence level (declared or derived), for a badge.
    pub evidence: Option<LevelView>,
    /// A lesson's finding.
    pub finding: Option<StatusView>,
}

#[derive(Serialize)]
pub struct TermLink {
    pub id: String,
    pub label: String,
    pub url: String,
    pub count: usize,
}

#[derive(Serialize)]
pub struct TermGroup {
    pub name: String,
    pub title: String,
    pub terms: Vec<TermLink>,
}

#[derive(Serialize)]
pub struct Crumb {
    pub title: String,
    pub url: String,
}

#[derive(Serialize)]
pub struct SwitchEntry {
    pub lang: String,
    pub name: String,
    pub url: String,
    /// False when the page has no version in `lang`: `url` then leads to that language's home.
    pub available: bool,
    pub message: String,
}

#[derive(Serialize)]
pub struct Notice {
    pub lang: String,
    pub text: String,
    pub link_text: String,
    pub url: Option<String>,
    pub hreflang: Option<String>,
}

#[derive(Serialize)]
pub struct Alternate {
    pub lang: String,
    pub url: String,
}

#[derive(Serialize)]
pub struct Paginator {
    pub current: usize,
    pub total: usize,
    pub prev: Option<String>,
    pub next: Option<String>,
    pub pages: Vec<PagerLink>,
}

/// One entry of a pager: a page number, or (`gap`) the elided run between two of them.
#[derive(Serialize)]
pub struct PagerLink {
    pub number: usize,
    pub url: String,
    pub current: bool,
    pub gap: bool,
}

/// One output to make.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Job {
    Landing,
    NotFound,
    Page(PageId),
    /// The printable packet of a forum.
    Packet(PageId),
    Home(String),
    Section {
        section: String,
        lang: String,
        page: usize,
    },
    Taxonomy {
        taxonomy: String,
        lang: String,
    },
    Term {
        taxonomy: String,
        term: String,
        lang: String,
        page: usize,
    },
    Search(String),
}

/// Builds the [`Output`] of one job and notes the pages whose *text* it read: a rendered
/// body is reached only through [`Views::body`], and a translation's status (which reads
/// its source's revision) only through [`Views::notices`], so the list is complete by
/// construction. What else a view shows of a page (a card: title, summary, terms) is its
/// front matter, which an edit taken by the `serve` fast path leaves as it was; so that
/// path redoes exactly the outputs that can change, and no listing that merely shows
/// the page.
pub struct Views<'r> {
    r: &'r Renderer<'r>,
    reads: RefCell<Vec<PageId>>,
    /// A body rendered just now and not among the input's (see [`super::PageWriter`]).
    fresh: Option<(PageId, &'r Rendered)>,
}

impl<'r> Views<'r> {
    pub fn new(r: &'r Renderer<'r>) -> Self {
        Self {
            r,
            reads: RefCell::new(Vec::new()),
            fresh: None,
        }
    }

    /// Views that read `body` as the rendered body of page `id`.
    pub fn with_body(r: &'r Renderer<'r>, id: PageId, body: &'r Rendered) -> Self {
        Self {
            fresh: Some((id, body)),
            ..Self::new(r)
        }
    }

    /// The pages read so far, each once.
    pub fn into_reads(self) -> Vec<PageId> {
        let mut reads = self.reads.into_inner();
        reads.sort_unstable();
        reads.dedup();
        reads
    }

    fn page(&self, id: PageId) -> &'r Page {
        &self.r.site.pages[id]
    }

    fn body(&self, id: PageId) -> &'r Rendered {
        self.reads.borrow_mut().push(id);
        match self.fresh {
            Some((fresh, body)) if fresh == id => body,
            _ => &self.r.input.bodies[id],
        }
    }

    pub fn output(&self, job: &Job) -> Result<Output, Diagnostic> {
        match job {
            Job::Landing => Ok(self.landing()),
            Job::NotFound => Ok(self.not_found()),
            Job::Page(id) => self.content_page(*id, false),
            Job::Packet(id) => self.content_page(*id, true),
            Job::Home(lang) => Ok(self.home(lang)),
            Job::Search(lang) => Ok(self.search(lang)),
            Job::Section {
                section,
                lang,
                page,
            } => self.section(section, lang, *page),
            Job::Taxonomy { taxonomy, lang } => self.taxonomy(taxonomy, lang),
            Job::Term {
                taxonomy,
                term,
                lang,
                page,
            } => self.term(taxonomy, term, lang, *page),
        }
    }

    fn t(&self, lang: &str, key: &str) -> String {
        self.r.t(lang, key)
    }

    fn kind_label(&self, lang: &str, kind: Kind) -> String {
        self.t(lang, &format!("kind_{}", kind.as_str().replace('-', "_")))
    }

    /// The chrome of a page with no notices, switch or breadcrumbs yet.
    fn chrome(&self, lang: &str, url: &str, title: &str, description: &str) -> Chrome {
        Chrome {
            lang: lang.to_string(),
            path: url.to_string(),
            canonical: self.r.site.absolute(url),
            doc_title: title.to_string(),
            description: description.to_string(),
            notices: Vec::new(),
            switch: Vec::new(),
            alternates: Vec::new(),
            breadcrumbs: Vec::new(),
        }
    }

    /// Adds the language switch, hreflang alternates and breadcrumbs.
    fn with_nav(
        &self,
        mut chrome: Chrome,
        versions: &[(String, String)],
        breadcrumbs: Vec<Crumb>,
    ) -> Chrome {
        let (switch, alternates) = self.switch(&chrome.lang, versions);
        chrome.switch = switch;
        chrome.alternates = alternates;
        chrome.breadcrumbs = breadcrumbs;
        chrome
    }

    fn output_of(
        template: &str,
        versions: Vec<(String, String)>,
        lastmod: Option<String>,
        chrome: Chrome,
        view: View,
    ) -> Output {
        Output {
            template: template.to_string(),
            url: chrome.path.clone(),
            versions,
            lastmod,
            in_sitemap: true,
            document: Document { chrome, view },
        }
    }

    /// What a reader should know about this version of a page: a translation that may be
    /// behind its source, or versions that do not exist. Each notice is written in the
    /// language of the reader it is for.
    fn notices(&self, id: PageId) -> Vec<Notice> {
        let site = self.r.site;
        let p = self.page(id);
        // Whether a translation is stale reads its source's revision, i.e. its text.
        self.reads
            .borrow_mut()
            .extend(site.translations(&p.key).map(|(_, other)| other));
        let mut notices = Vec::new();
        if let TranslationStatus::Stale { source } = site.translation_status(id) {
            let from = &self.page(source).lang;
            notices.push(Notice {
                lang: p.lang.clone(),
                text: self.t(&p.lang, &format!("stale_from_{from}")),
                link_text: self.t(&p.lang, &format!("read_in_{from}")),
                url: Some(site.urls[source].clone()),
                hreflang: Some(from.clone()),
            });
        }
        for other in &site.config.languages {
            if site.page(&p.key, other).is_none() {
                // Said to this page's reader, and to the reader who wanted the other
                // language, in that language.
                for reader in [&p.lang, other] {
                    notices.push(Notice {
                        lang: reader.clone(),
                        text: self.t(reader, &format!("only_in_{}", p.lang)),
                        link_text: String::new(),
                        url: None,
                        hreflang: None,
                    });
                }
            }
        }
        notices
    }

    /// The language switch and hreflang alternates for a page whose versions are `versions`.
    fn switch(
        &self,
        lang: &str,
        versions: &[(String, String)],
    ) -> (Vec<SwitchEntry>, Vec<Alternate>) {
        let site = self.r.site;
        let entries = site
            .config
            .languages
            .iter()
            .filter(|other| *other != lang)
            .map(|other| match versions.iter().find(|(l, _)| l == other) {
                Some((_, url)) => SwitchEntry {
                    lang: other.clone(),
                    name: i18n::native_name(other).to_string(),
                    url: url.clone(),
                    available: true,
                    message: String::new(),
                },
                None => SwitchEntry {
                    lang: other.clone(),
                    name: i18n::native_name(other).to_string(),
                    url: site.home_url(other),
                    available: false,
                    // Said in the other language, to the reader who wanted it.
                    message: self
                        .r
                        .input
                        .theme
                        .strings
                        .get(other)
                        .and_then(|s| s.get("no_translation"))
                        .cloned()
                        .unwrap_or_default(),
                },
            })
            .collect();
        let alternates = versions
            .iter()
            .map(|(l, url)| Alternate {
                lang: l.clone(),
                url: site.absolute(url),
            })
            .collect();
        (entries, alternates)
    }

    /// Versions of a generated page that exists in every language (listings, home...).
    fn all_languages(&self, url_of: impl Fn(&str) -> String) -> Vec<(String, String)> {
        self.r
            .site
            .config
            .languages
            .iter()
            .map(|l| (l.clone(), url_of(l)))
            .collect()
    }

    /// Page `id` as a card for a reader of `reader`, built once per build (a page is
    /// listed on each of its terms' pages, its section's and its neighbours').
    fn link(&self, id: PageId, reader: &str) -> Arc<Link> {
        self.r.card(id, reader, || self.new_link(id, reader))
    }

    fn new_link(&self, id: PageId, reader: &str) -> Link {
        let site = self.r.site;
        let p = self.page(id);
        let lang = &p.lang;
        let labels = |role: TaxonomyRole| -> Vec<String> {
            let Some(t) = site.config.taxonomy_for(role) else {
                return Vec::new();
            };
            p.fm.taxonomies
                .get(&t.name)
                .into_iter()
                .flatten()
                .filter_map(|term| t.term(&term.value).map(|x| x.label.get(reader).to_string()))
                .collect()
        };
        let kind = p.kind();
        Link {
            title: typo(lang, &p.fm.title, &site.config),
            url: site.urls[id].clone(),
            lang: lang.clone(),
            hreflang: (lang != reader).then(|| lang.clone()),
            summary: typo(lang, &p.fm.summary, &site.config),
            kind: kind.map_or("", Kind::as_str).to_string(),
            kind_label: kind.map(|k| self.kind_label(reader, k)).unwrap_or_default(),
            date: p.fm.date.map(|d| d.to_string()).unwrap_or_default(),
            date_display: p
                .fm
                .date
                .map(|d| format_date(d, reader))
                .unwrap_or_default(),
            places: labels(TaxonomyRole::Place),
            populations: labels(TaxonomyRole::Population),
            when: p.fm.fields.starts.map(|s| format_datetime(&s, reader)),
            evidence: p
                .fm
                .fields
                .level()
                .and_then(|(id, derived)| self.level(id, derived, reader)),
            finding: self.finding(p, reader),
        }
    }

    /// The level `id` of site.toml in `lang`.
    fn level(&self, id: &str, derived: bool, lang: &str) -> Option<LevelView> {
        let (_, level) = self.r.site.config.evidence_level(id)?;
        Some(LevelView {
            id: Some(level.id.clone()),
            label: level.label.get(lang).to_string(),
            definition: typo(lang, level.definition.get(lang), &self.r.site.config),
            derived,
        })
    }

    fn not_reported(&self, lang: &str) -> LevelView {
        LevelView {
            id: None,
            label: self.t(lang, "not_reported"),
            definition: String::new(),
            derived: false,
        }
    }

    fn finding(&self, p: &Page, lang: &str) -> Option<StatusView> {
        p.fm.fields.finding.as_ref().map(|f| StatusView {
            id: f.value.clone(),
            label: self.t(lang, &format!("finding_{}", f.value.replace('-', "_"))),
        })
    }

    /// What a case study or a lesson says of its practice: evidence, outcomes, conditions,
    /// contacts. A translation without its own texts shows its source's, marked with
    /// their language.
    fn practice(&self, p: &Page, kind: Kind) -> Practice {
        let site = self.r.site;
        let config = &site.config;
        let lang = p.lang.as_str();
        let f = &p.fm.fields;
        let level = match (f.level(), kind) {
            (Some((id, derived)), _) => self.level(id, derived, lang),
            // Said on every case study of a site that grades its evidence, never filled in.
            (None, Kind::CaseStudy) if !config.evidence_levels.is_empty() => {
                Some(self.not_reported(lang))
            }
            (None, _) => None,
        };
        if kind != Kind::CaseStudy {
            return Practice {
                level,
                ..Practice::default()
            };
        }
        let source = site
            .page(&p.key, &config.default_language)
            .map(|id| self.page(id))
            .filter(|s| s.lang != p.lang);
        let theirs = |own: bool| source.filter(|_| !own);
        let outcomes = match theirs(f.outcomes.is_some())
            .and_then(|s| s.fm.fields.outcomes.as_ref().map(|o| (o, Some(s))))
            .or_else(|| f.outcomes.as_ref().map(|o| (o, None)))
        {
            Some((Reported::Given(items), from)) => {
                let in_lang = from.map_or(lang, |s| s.lang.as_str());
                OutcomesView {
                    items: items
                        .iter()
                        .map(|o| OutcomeView {
                            what: typo(in_lang, &o.what, config),
                            figure: o.figure.as_ref().map(|x| typo(in_lang, x, config)),
                            source: o.source.as_ref().map(|x| typo(in_lang, x, config)),
                        })
                        .collect(),
                    lang: from.map(|s| s.lang.clone()),
                }
            }
            _ => OutcomesView {
                items: Vec::new(),
                lang: None,
            },
        };
        let transferability = match theirs(f.transferability.is_some())
            .and_then(|s| s.fm.fields.transferability.as_ref().map(|t| (t, Some(s))))
            .or_else(|| f.transferability.as_ref().map(|t| (t, None)))
        {
            Some((Reported::Given(text), from)) => ReportedText {
                text: Some(typo(from.map_or(lang, |s| s.lang.as_str()), text, config)),
                lang: from.map(|s| s.lang.clone()),
            },
            _ => ReportedText {
                text: None,
                lang: None,
            },
        };
        Practice {
            level,
            outcomes: Some(outcomes),
            transferability: Some(transferability),
            contacts: f
                .contacts
                .iter()
                .map(|c| ContactView {
                    name: c.name.clone(),
                    organization: c.organization.clone(),
                    email: c.email.clone(),
                    url: c.url.clone(),
                })
                .collect(),
        }
    }

    fn landing(&self) -> Output {
        let site = self.r.site;
        let config = &site.config;
        let lang = config.default_language.as_str();
        let languages = config
            .languages
            .iter()
            .map(|l| LandingLanguage {
                code: l.clone(),
                name: i18n::native_name(l).to_string(),
                title: typo(l, config.title.get(l), config),
                description: typo(l, config.description.get(l), config),
                url: site.home_url(l),
                enter: self.t(l, "landing_enter"),
            })
            .collect();
        let title = config
            .languages
            .iter()
            .map(|l| config.title.get(l))
            .collect::<Vec<_>>()
            .join(" | ");
        let mut chrome = self.chrome(lang, &config.root, &title, config.description.get(lang));
        let homes = self.all_languages(|l| site.home_url(l));
        chrome.alternates = self.switch(lang, &homes).1;
        Self::output_of(
            "landing.html",
            Vec::new(),
            None,
            chrome,
            View::Landing(LandingView { languages }),
        )
    }

    fn not_found(&self) -> Output {
        let site = self.r.site;
        let config = &site.config;
        let lang = config.default_language.as_str();
        let languages = config
            .languages
            .iter()
            .map(|l| NotFoundLanguage {
                code: l.clone(),
                title: self.t(l, "not_found_title"),
                text: self.t(l, "not_found_text"),
                home: self.t(l, "not_found_home"),
                search: self.t(l, "search"),
                home_url: site.home_url(l),
                search_url: site.search_url(l),
            })
            .collect();
        let url = format!("{}404.html", config.root);
        let chrome = self.chrome(lang, &url, &self.t(lang, "not_found_title"), "");
        let mut output = Self::output_of(
            "404.html",
            Vec::new(),
            None,
            chrome,
            View::NotFound(NotFoundView { languages }),
        );
        output.in_sitemap = false;
        output
    }

    fn home(&self, lang: &str) -> Output {
        let site = self.r.site;
        let config = &site.config;
        let url = site.home_url(lang);
        let home = site.page("", lang);
        let title = home.map_or_else(
            || config.title.get(lang).to_string(),
            |id| self.page(id).fm.title.clone(),
        );
        let content = home
            .map(|id| self.body(id).html.clone())
            .unwrap_or_default();
        let sections = config
            .sections
            .iter()
            .map(|s| {
                let ids = site
                    .section_pages
                    .get(&(s.name.clone(), lang.to_string()))
                    .map_or(&[][..], Vec::as_slice);
                HomeSection {
                    name: s.name.clone(),
                    title: s.title.get(lang).to_string(),
                    url: site.section_url(&s.name, lang),
                    count: ids.len(),
                    recent: ids.iter().take(3).map(|&id| self.link(id, lang)).collect(),
                    summary: site
                        .page(&s.name, lang)
                        .map(|id| typo(lang, &self.page(id).fm.summary, config))
                        .unwrap_or_default(),
                }
            })
            .collect();
        let upcoming = self
            .upcoming_forums(lang)
            .into_iter()
            .map(|id| self.link(id, lang))
            .collect();
        let title = typo(lang, &title, config);
        let chrome = self.chrome(lang, &url, &title, config.description.get(lang));
        let versions = self.all_languages(|l| site.home_url(l));
        let chrome = self.with_nav(chrome, &versions, Vec::new());
        Self::output_of(
            "home.html",
            versions,
            None,
            chrome,
            View::Home(HomeView {
                title,
                content,
                sections,
                upcoming,
            }),
        )
    }

    /// Forums of `lang` that have not started yet, soonest first.
    fn upcoming_forums(&self, lang: &str) -> Vec<PageId> {
        let today = self.r.input.today;
        let mut forums: Vec<(i64, PageId)> = self
            .r
            .site
            .newest
            .get(lang)
            .into_iter()
            .flatten()
            .filter_map(|&id| {
                let p = self.page(id);
                let starts = p.fm.fields.starts.filter(|s| s.date >= today)?;
                (p.kind() == Some(Kind::Forum)).then(|| (starts.timestamp(), id))
            })
            .collect();
        forums.sort_by_key(|&(at, _)| at);
        forums.into_iter().map(|(_, id)| id).collect()
    }

    fn home_crumb(&self, lang: &str) -> Crumb {
        Crumb {
            title: self.t(lang, "home"),
            url: self.r.site.home_url(lang),
        }
    }

    fn search(&self, lang: &str) -> Output {
        let site = self.r.site;
        let config = &site.config;
        let url = site.search_url(lang);
        let title = self.t(lang, "search");
        // Labels of every facet term, and of each filter group, for search.js.
        let mut labels = serde_json::Map::new();
        let mut groups = vec![
            SearchGroup {
                name: "kind".into(),
                title: self.t(lang, "search_kind"),
            },
            SearchGroup {
                name: "lang".into(),
                title: self.t(lang, "search_lang"),
            },
        ];
        for kind in Kind::ALL {
            labels.insert(
                format!("kind/{}", kind.as_str()),
                self.kind_label(lang, kind).into(),
            );
        }
        for l in &config.languages {
            labels.insert(format!("lang/{l}"), i18n::native_name(l).into());
        }
        for t in &config.taxonomies {
            groups.push(SearchGroup {
                name: t.name.clone(),
                title: t.title.get(lang).to_string(),
            });
            for term in &t.terms {
                // Shown as text by the script: typographic apostrophes (« d’asile »).
                labels.insert(
                    format!("{}/{}", t.name, term.id),
                    typo(lang, term.label.get(lang), config).into(),
                );
            }
        }
        if !config.evidence_levels.is_empty() {
            groups.push(SearchGroup {
                name: crate::search::EVIDENCE_FACET.into(),
                title: self.t(lang, "evidence_level"),
            });
            for level in &config.evidence_levels {
                labels.insert(
                    format!("{}/{}", crate::search::EVIDENCE_FACET, level.id),
                    typo(lang, level.label.get(lang), config).into(),
                );
            }
        }
        let chrome = self.chrome(lang, &url, &title, &self.t(lang, "search_description"));
        let versions = self.all_languages(|l| site.search_url(l));
        let chrome = self.with_nav(chrome, &versions, vec![self.home_crumb(lang)]);
        Self::output_of(
            "search.html",
            versions,
            None,
            chrome,
            View::Search(SearchView {
                title,
                languages: config
                    .languages
                    .iter()
                    .map(|l| LanguageName {
                        code: l.clone(),
                        name: i18n::language_name_in(l, lang),
                    })
                    .collect(),
                search_groups: groups,
                search_labels_json: script_json(&serde_json::Value::Object(labels)),
            }),
        )
    }

    fn paginate(
        &self,
        base: &str,
        total_items: usize,
        per_page: usize,
        current: usize,
    ) -> (Paginator, String) {
        let total = total_items.div_ceil(per_page).max(1);
        let url_of = |n: usize| {
            if n == 1 {
                base.to_string()
            } else {
                format!("{base}page/{n}/")
            }
        };
        let paginator = Paginator {
            current,
            total,
            prev: (current > 1).then(|| url_of(current - 1)),
            next: (current < total).then(|| url_of(current + 1)),
            pages: pager_numbers(current, total)
                .into_iter()
                .map(|n| match n {
                    Some(n) => PagerLink {
                        number: n,
                        url: url_of(n),
                        current: n == current,
                        gap: false,
                    },
                    None => PagerLink {
                        number: 0,
                        url: String::new(),
                        current: false,
                        gap: true,
                    },
                })
                .collect(),
        };
        (paginator, url_of(current))
    }

    fn section(&self, section: &str, lang: &str, page: usize) -> Result<Output, Diagnostic> {
        let site = self.r.site;
        let config = &site.config;
        let Some(s) = config.section(section) else {
            return Err(Diagnostic::error(
                "site.toml",
                Pos::START,
                format!("unknown section {section}"),
            ));
        };
        let ids = site
            .section_pages
            .get(&(section.to_string(), lang.to_string()))
            .map_or(&[][..], Vec::as_slice);
        let base = site.section_url(section, lang);
        let (paginator, url) = self.paginate(&base, ids.len(), s.paginate, page);
        let pages = ids
            .iter()
            .skip((page - 1) * s.paginate)
            .take(s.paginate)
            .map(|&id| self.link(id, lang))
            .collect();
        let index = site.page(section, lang);
        let content = match index {
            Some(id) if page == 1 => self.body(id).html.clone(),
            _ => String::new(),
        };
        let title = index.map_or_else(
            || s.title.get(lang).to_string(),
            |id| self.page(id).fm.title.clone(),
        );
        let summary = index
            .map(|id| self.page(id).fm.summary.clone())
            .unwrap_or_default();
        let title = typo(lang, &title, config);
        let doc_title = if page > 1 {
            format!("{title} ({} {page})", self.t(lang, "page"))
        } else {
            title.clone()
        };
        let today = self.r.input.today;
        let has_calendar = ids.iter().any(|&id| {
            self.page(id)
                .fm
                .fields
                .starts
                .is_some_and(|s| s.date >= today)
        });
        let calendar_url =
            (s.kind == Kind::Forum && has_calendar).then(|| format!("{base}calendar.ics"));
        let versions = self.all_languages(|l| {
            // The other language's listing may have fewer pages; its first page always exists.
            let count = site
                .section_pages
                .get(&(section.to_string(), l.to_string()))
                .map_or(0, Vec::len);
            let other = site.section_url(section, l);
            if page <= count.div_ceil(s.paginate).max(1) && page > 1 {
                format!("{other}page/{page}/")
            } else {
                other
            }
        });
        let chrome = self.chrome(lang, &url, &doc_title, &summary);
        let chrome = self.with_nav(chrome, &versions, vec![self.home_crumb(lang)]);
        Ok(Self::output_of(
            "section.html",
            versions,
            None,
            chrome,
            View::Section(SectionView {
                title,
                kind: s.kind.as_str().to_string(),
                content,
                pages,
                paginator,
                calendar_url,
            }),
        ))
    }

    fn taxonomy(&self, taxonomy: &str, lang: &str) -> Result<Output, Diagnostic> {
        let site = self.r.site;
        let Some(t) = site.config.taxonomy(taxonomy) else {
            return Err(Diagnostic::error(
                "site.toml",
                Pos::START,
                format!("unknown taxonomy {taxonomy}"),
            ));
        };
        let url = site.taxonomy_url(taxonomy, lang);
        let terms = t
            .terms
            .iter()
            .map(|term| TermLink {
                id: term.id.clone(),
                label: term.label.get(lang).to_string(),
                url: site.term_url(taxonomy, &term.id, lang),
                count: self.r.term_ids(taxonomy, &term.id, lang).len(),
            })
            .collect();
        let title = t.title.get(lang).to_string();
        let versions = self.all_languages(|l| site.taxonomy_url(taxonomy, l));
        let chrome = self.chrome(lang, &url, &title, "");
        let chrome = self.with_nav(chrome, &versions, vec![self.home_crumb(lang)]);
        Ok(Self::output_of(
            "taxonomy.html",
            versions,
            None,
            chrome,
            View::Taxonomy(TaxonomyView {
                title: title.clone(),
                terms,
                taxonomy: TaxonomyRef {
                    name: t.name.clone(),
                    title,
                    url,
                },
            }),
        ))
    }

    fn term(
        &self,
        taxonomy: &str,
        term: &str,
        lang: &str,
        page: usize,
    ) -> Result<Output, Diagnostic> {
        let site = self.r.site;
        let Some(t) = site.config.taxonomy(taxonomy) else {
            return Err(Diagnostic::error(
                "site.toml",
                Pos::START,
                format!("unknown taxonomy {taxonomy}"),
            ));
        };
        let label = t.term(term).map_or(term, |x| x.label.get(lang));
        let ids = self.r.term_ids(taxonomy, term, lang);
        let base = site.term_url(taxonomy, term, lang);
        let (paginator, url) = self.paginate(&base, ids.len(), TERM_PAGE_SIZE, page);
        let pages = ids
            .iter()
            .skip((page - 1) * TERM_PAGE_SIZE)
            .take(TERM_PAGE_SIZE)
            .map(|&id| self.link(id, lang))
            .collect();
        let versions = self.all_languages(|l| {
            let other = site.term_url(taxonomy, term, l);
            let count = self.r.term_ids(taxonomy, term, l).len();
            if page > 1 && page <= count.div_ceil(TERM_PAGE_SIZE) {
                format!("{other}page/{page}/")
            } else {
                other
            }
        });
        let crumbs = vec![
            self.home_crumb(lang),
            Crumb {
                title: t.title.get(lang).to_string(),
                url: site.taxonomy_url(taxonomy, lang),
            },
        ];
        let doc_title = format!("{label} · {}", t.title.get(lang));
        let chrome = self.chrome(lang, &url, &doc_title, "");
        let chrome = self.with_nav(chrome, &versions, crumbs);
        Ok(Self::output_of(
            "term.html",
            versions,
            None,
            chrome,
            View::Term(TermView {
                title: label.to_string(),
                pages,
                paginator,
                taxonomy: TaxonomyRef {
                    name: t.name.clone(),
                    title: t.title.get(lang).to_string(),
                    url: site.taxonomy_url(taxonomy, lang),
                },
            }),
        ))
    }

    /// A content page, or (`packet`) the printable packet of a forum.
    fn content_page(&self, id: PageId, packet: bool) -> Result<Output, Diagnostic> {
        let site = self.r.site;
        let config = &site.config;
        let p = self.page(id);
        let lang = p.lang.as_str();
        let url = &site.urls[id];
        let Some(kind) = p.kind() else {
            return Err(Diagnostic::error(&p.path, Pos::START, "not a content page"));
        };
        let page = self.content_view(id, kind);
        let title = page.title.clone();
        let mut chrome = self.chrome(lang, url, &title, &page.summary);
        chrome.notices = self.notices(id);
        let mut versions: Vec<(String, String)> = site
            .translations(&p.key)
            .map(|(l, tid)| {
                self.page(tid);
                (l.to_string(), site.urls[tid].clone())
            })
            .collect();
        let mut crumbs = vec![self.home_crumb(lang)];
        if let Role::Page {
            section: Some(section),
            ..
        } = &p.role
            && let Some(s) = config.section(section)
        {
            crumbs.push(Crumb {
                title: s.title.get(lang).to_string(),
                url: site.section_url(section, lang),
            });
        }
        let lastmod = p.fm.updated.max(p.fm.date).map(|d| d.to_string());
        if !packet {
            let chrome = self.with_nav(chrome, &versions, crumbs);
            return Ok(Self::output_of(
                &format!("{}.html", kind.as_str()),
                versions,
                lastmod,
                chrome,
                View::Page(PageView { page }),
            ));
        }
        crumbs.push(Crumb {
            title: title.clone(),
            url: url.clone(),
        });
        for v in &mut versions {
            v.1.push_str("packet/");
        }
        let packet_url = format!("{url}packet/");
        chrome.path.clone_from(&packet_url);
        chrome.canonical = site.absolute(&packet_url);
        chrome.doc_title = format!("{} · {title}", self.t(lang, "packet"));
        let chrome = self.with_nav(chrome, &versions, crumbs);
        Ok(Self::output_of(
            "packet.html",
            versions,
            lastmod,
            chrome,
            View::Packet(PacketView {
                page,
                packet: self.packet(id),
            }),
        ))
    }

    fn content_view(&self, id: PageId, kind: Kind) -> ContentPage {
        let site = self.r.site;
        let config = &site.config;
        let p = self.page(id);
        let lang = p.lang.as_str();
        let url = &site.urls[id];
        let term_groups = config
            .taxonomies
            .iter()
            .filter_map(|t| {
                let terms = p.fm.taxonomies.get(&t.name)?;
                let links: Vec<TermLink> = terms
                    .iter()
                    .filter_map(|term| t.term(&term.value))
                    .map(|term| TermLink {
                        id: term.id.clone(),
                        label: term.label.get(lang).to_string(),
                        url: site.term_url(&t.name, &term.id, lang),
                        count: 0,
                    })
                    .collect();
                (!links.is_empty()).then(|| TermGroup {
                    name: t.name.clone(),
                    title: t.title.get(lang).to_string(),
                    terms: links,
                })
            })
            .collect();
        let f = &p.fm.fields;
        let mut cited: HashMap<&str, Vec<Arc<Link>>> = HashMap::new();
        for key in site.cited_by.get(&p.key).into_iter().flatten() {
            if let Some(cid) = site.page_or_fallback(key, lang) {
                let kind = self.page(cid).kind().map_or("page", Kind::as_str);
                cited.entry(kind).or_default().push(self.link(cid, lang));
            }
        }
        let cases = f
            .cases
            .iter()
            .filter_map(|k| site.page_or_fallback(&k.value, lang))
            .map(|cid| {
                let case = self.page(cid);
                CaseView {
                    link: self.link(cid, lang),
                    partners: case
                        .fm
                        .fields
                        .partners
                        .iter()
                        .map(|x| x.name.clone())
                        .collect(),
                    period: case
                        .fm
                        .fields
                        .period
                        .as_ref()
                        .map(|per| self.period(per, is_ended(case), lang)),
                }
            })
            .collect();
        let practice = self.practice(p, kind);
        let related = self
            .r
            .input
            .related
            .get(&id)
            .into_iter()
            .flatten()
            .map(|&rid| self.link(rid, lang))
            .collect();
        ContentPage {
            key: p.key.clone(),
            kind: kind.as_str().to_string(),
            kind_label: self.kind_label(lang, kind),
            title: typo(lang, &p.fm.title, config),
            summary: typo(lang, &p.fm.summary, config),
            content: self.body(id).html.clone(),
            date: p.fm.date.map(|d| d.to_string()),
            date_display: p.fm.date.map(|d| format_date(d, lang)),
            updated: p.fm.updated.map(|d| d.to_string()),
            updated_display: p.fm.updated.map(|d| format_date(d, lang)),
            authors: p.fm.authors.clone(),
            url: url.clone(),
            terms: term_groups,
            period: f
                .period
                .as_ref()
                .map(|per| self.period(per, is_ended(p), lang)),
            partners: f
                .partners
                .iter()
                .map(|x| {
                    let sector = x.sector.as_ref().map(|s| {
                        self.term_label(TaxonomyRole::Sector, &s.value, lang)
                            .unwrap_or_else(|| (s.value.clone(), String::new()))
                    });
                    PartnerView {
                        name: x.name.clone(),
                        sector: sector.as_ref().map(|s| s.0.clone()),
                        sector_url: sector.map(|s| s.1).filter(|u| !u.is_empty()),
                    }
                })
                .collect(),
            sources: f
                .sources
                .iter()
                .map(|s| SourceView {
                    title: s.title.clone(),
                    url: s.url.clone(),
                    year: s.year,
                })
                .collect(),
            status: f.status.as_ref().map(|s| StatusView {
                id: s.value.clone(),
                label: self.t(lang, &format!("status_{}", s.value.replace('-', "_"))),
            }),
            issued_by: f.issued_by.clone(),
            evidence: self.links(&f.evidence, lang),
            cited_by: CitedBy {
                lessons: cited.remove("lesson").unwrap_or_default(),
                recommendations: cited.remove("recommendation").unwrap_or_default(),
                forums: cited.remove("forum").unwrap_or_default(),
            },
            cases,
            related,
            forum: (kind == Kind::Forum).then(|| self.forum(p, url)),
            evidence_level: practice.level,
            outcomes: practice.outcomes,
            transferability: practice.transferability,
            contacts: practice.contacts,
            reviewed: f.reviewed.map(|d| d.to_string()),
            reviewed_display: f.reviewed.map(|d| format_date(d, lang)),
            finding: self.finding(p, lang),
            evidence_levels: if f.evidence_levels {
                config
                    .evidence_levels
                    .iter()
                    .filter_map(|l| self.level(&l.id, false, lang))
                    .collect()
            } else {
                Vec::new()
            },
            extra: p.fm.extra.clone(),
        }
    }

    /// Cards of the pages at `keys`, in the reader's language where they exist.
    fn links(&self, keys: &[Located<String>], lang: &str) -> Vec<Arc<Link>> {
        keys.iter()
            .filter_map(|k| self.r.site.page_or_fallback(&k.value, lang))
            .map(|rid| self.link(rid, lang))
            .collect()
    }

    /// The label and URL of a term of the taxonomy that plays `role`, in `lang`.
    fn term_label(&self, role: TaxonomyRole, id: &str, lang: &str) -> Option<(String, String)> {
        let site = self.r.site;
        let taxonomy = site.config.taxonomy_for(role)?;
        let term = taxonomy.term(id)?;
        Some((
            term.label.get(lang).to_string(),
            site.term_url(&taxonomy.name, id, lang),
        ))
    }

    fn forum(&self, p: &Page, url: &str) -> ForumView {
        let lang = p.lang.as_str();
        let config = &self.r.site.config;
        let f = &p.fm.fields;
        ForumView {
            starts: f.starts.map(|s| s.to_rfc3339()),
            starts_display: f.starts.map(|s| format_datetime(&s, lang)),
            ends: f.ends.map(|s| s.to_rfc3339()),
            ends_display: f.ends.map(|s| format_datetime(&s, lang)),
            online: f.online,
            location: f.location.as_ref().map(|l| {
                let city = l
                    .city
                    .as_ref()
                    .and_then(|c| self.term_label(TaxonomyRole::Place, &c.value, lang));
                LocationView {
                    name: l.name.clone(),
                    city: city.as_ref().map(|c| c.0.clone()),
                    city_url: city.map(|c| c.1),
                }
            }),
            languages: f
                .languages
                .iter()
                .map(|l| i18n::language_name_in(&l.value, lang))
                .collect(),
            questions: f.questions.iter().map(|q| typo(lang, q, config)).collect(),
            registration: f.registration.clone(),
            upcoming: f.starts.is_some_and(|s| s.date >= self.r.input.today),
            held: f.starts.is_some_and(|s| s.date < self.r.input.today),
            all_day: f.starts.is_some_and(|s| s.all_day),
            ics_url: format!("{url}event.ics"),
        }
    }

    /// What a printed forum packet adds to the forum page: the QR code of the page, and for
    /// each case, what was drawn from it.
    fn packet(&self, id: PageId) -> Packet {
        let site = self.r.site;
        let p = self.page(id);
        let lang = p.lang.as_str();
        let page_url = site.absolute(&site.urls[id]);
        let qr = crate::qr::svg(
            &page_url,
            &format!(
                "{}{}{page_url}",
                self.t(lang, "qr_label"),
                self.t(lang, "colon")
            ),
        );
        let cases =
            p.fm.fields
                .cases
                .iter()
                .filter_map(|k| site.page_or_fallback(&k.value, lang))
                .map(|cid| {
                    let case = self.page(cid);
                    let mut lessons = Vec::new();
                    let mut recommendations = Vec::new();
                    for key in site.cited_by.get(&case.key).into_iter().flatten() {
                        if let Some(rid) = site.page_or_fallback(key, lang) {
                            match self.page(rid).kind() {
                                Some(Kind::Lesson) => lessons.push(self.link(rid, lang)),
                                Some(Kind::Recommendation) => {
                                    recommendations.push(self.link(rid, lang))
                                }
                                _ => {}
                            }
                        }
                    }
                    PacketCase {
                        link: self.link(cid, lang),
                        partners: case
                            .fm
                            .fields
                            .partners
                            .iter()
                            .map(|x| PacketPartner {
                                name: x.name.clone(),
                                sector: x.sector.as_ref().map(|s| {
                                    self.term_label(TaxonomyRole::Sector, &s.value, lang)
                                        .map_or_else(|| s.value.clone(), |t| t.0)
                                }),
                            })
                            .collect(),
                        period: case
                            .fm
                            .fields
                            .period
                            .as_ref()
                            .map(|per| self.period(per, is_ended(case), lang)),
                        lessons,
                        recommendations,
                    }
                })
                .collect();
        Packet {
            qr,
            page_url,
            cases,
        }
    }

    fn period(&self, period: &Period, ended: bool, lang: &str) -> PeriodView {
        let start = format_month(period.start, lang);
        let end = period.end.map(|e| format_month(e, lang));
        let display = match &end {
            // A one-month event (a roundtable) did not run from a month to the same month.
            Some(e) if *e == start => start.clone(),
            Some(e) => format!("{start} – {e}"),
            // An ended initiative with no known end date did not run "since" its start.
            None if ended => format!("{} {start}", self.t(lang, "period_from")),
            None => format!("{} {start}", self.t(lang, "period_since")),
        };
        PeriodView {
            start: period.start.to_string(),
            end: period.end.map(|e| e.to_string()),
            display,
        }
    }
}

/// What [`Views::practice`] gives a content page.
#[derive(Default)]
struct Practice {
    level: Option<LevelView>,
    outcomes: Option<OutcomesView>,
    transferability: Option<ReportedText>,
    contacts: Vec<ContactView>,
}

fn is_ended(p: &Page) -> bool {
    p.fm.fields
        .status
        .as_ref()
        .is_some_and(|s| s.value == "ended")
}
