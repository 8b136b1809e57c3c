//! The `passerelle` command: parses the command line, calls the library, prints the
//! diagnostics and sets the exit status (0 success, 1 content errors, 2 usage or I/O).

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};

use passerelle::{BuildOptions, diagnostics};

#[derive(Parser)]
#[command(
    name = "passerelle",
    version,
    about = "Build a bilingual (English/French) knowledge portal from Markdown files",
    long_about = "Passerelle turns a folder of Markdown pages (case studies, lessons, recommendations, \
forums, pages) and a site.toml into a static website in English and French, with search.\n\n\
A site folder holds site.toml, content/ (NAME.md in the default language, NAME.fr.md for \
its French translation) and, optionally, static/ and templates/."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Start a new bilingual portal in DIR (default: the current folder, which must be empty)
    ///
    /// Writes site.toml with its vocabularies and one example page of each kind in English
    /// and French, each translation tracked: `passerelle serve` shows it at once.
    Init(InitArgs),
    /// Build the site into its output folder (public/ by default)
    ///
    /// The new site replaces the old one only if the build succeeds: with any error, the
    /// previous output folder is left exactly as it was.
    Build(BuildArgs),
    /// Run every check of `build` and report all problems, without writing anything
    Check(CheckArgs),
    /// Build, serve the site locally, rebuild on every change and reload the browser
    ///
    /// Build errors are shown over the page in the browser, and in the terminal, until they
    /// are fixed; meanwhile the last good site stays visible.
    Serve(ServeArgs),
    /// Rebuild the output folder on every change, without a server
    Watch(WatchArgs),
    /// Reports on the content; `report translations` lists missing and stale translations
    Report(ReportArgs),
    /// Record that a translation is up to date with the page it translates
    ///
    /// Writes `translation_of: REVISION` (the current revision of the source page) into the
    /// front matter of each FILE. Run it after updating a translation that
    /// `passerelle report translations` lists as stale.
    MarkCurrent(MarkArgs),
    /// Create a page to write, or a translation of an existing page
    ///
    /// Every field to fill holds a TODO placeholder; the build refuses the page until each
    /// is replaced, so nothing half-written is published. With --lang, the new file is a
    /// translation of content/SECTION/NAME.md, with its structure and references.
    New(NewArgs),
    /// Search the site, in both languages, as the published search page does
    ///
    /// Words must all match (in the title, summary or text); "quoted words" match as a
    /// phrase; the last word also matches as a prefix. Accents and case do not matter:
    /// `refugie` finds «réfugiés». Uses the index kept by the last `passerelle build`.
    Search(SearchArgs),
}

#[derive(Args)]
struct SearchArgs {
    /// What to look for, e.g. `vaccination ambassadors` or `"intentional connection"`
    query: String,
    /// The site folder, which holds site.toml and content/
    #[arg(long, value_name = "DIR", default_value = ".")]
    root: PathBuf,
    /// Search pages in one of the site's languages (`en`, `fr`…), or in all of them
    #[arg(long, value_name = "LANG|all", default_value = "all")]
    lang: String,
    /// The reader's language: each page is one result, shown and ranked in it when it can
    /// be, as the search page of that language does [default: the site's default language]
    #[arg(long, value_name = "LANG")]
    reader: Option<String>,
    /// Keep only pages with this term, e.g. `cities=toronto` or `kind=lesson`; repeat it:
    /// several terms of one taxonomy match any of them, different taxonomies all apply
    #[arg(long, value_name = "TAXONOMY=TERM")]
    filter: Vec<String>,
    /// How many results to show
    #[arg(long, default_value_t = 10)]
    limit: usize,
    /// Print the results as JSON
    #[arg(long)]
    json: bool,
}

#[derive(Args)]
struct NewArgs {
    /// case-study, lesson, recommendation, forum or page
    kind: String,
    /// The file name, without .md: lowercase letters, digits and hyphens (e.g. food-hub-laval)
    name: String,
    /// Create the translation into this language of the existing page NAME
    #[arg(long, value_name = "LANG")]
    lang: Option<String>,
    /// The site folder, which holds site.toml and content/
    #[arg(long, value_name = "DIR", default_value = ".")]
    root: PathBuf,
}

#[derive(Args)]
struct ReportArgs {
    /// What to report on
    #[arg(value_enum)]
    what: ReportKind,
    /// The site folder, which holds site.toml and content/
    #[arg(long, value_name = "DIR", default_value = ".")]
    root: PathBuf,
    /// Print JSON instead of text
    #[arg(long)]
    json: bool,
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum ReportKind {
    /// Every page: in which languages it exists, which translations are missing or stale
    Translations,
}

#[derive(Args)]
struct MarkArgs {
    /// Translation files to mark as up to date (e.g. content/lessons/trust.fr.md)
    #[arg(required = true)]
    files: Vec<PathBuf>,
    /// The site folder, which holds site.toml and content/
    #[arg(long, value_name = "DIR", default_value = ".")]
    root: PathBuf,
}

#[derive(Args)]
struct ServeArgs {
    #[command(flatten)]
    site: SiteArgs,
    /// The address to listen on; only this machine can connect unless you change it
    #[arg(long, value_name = "ADDRESS", default_value = "127.0.0.1")]
    bind: std::net::IpAddr,
    /// The port to listen on
    #[arg(long, default_value_t = 1111)]
    port: u16,
    /// Scan for changes instead of relying on file-system events (network drives, containers)
    #[arg(long)]
    poll: bool,
}

#[derive(Args)]
struct WatchArgs {
    #[command(flatten)]
    site: SiteArgs,
    /// Scan for changes instead of relying on file-system events (network drives, containers)
    #[arg(long)]
    poll: bool,
}

impl Command {
    /// The site folder the command works on (`init` makes one, so it has none).
    fn site_root(&self) -> Option<&Path> {
        match self {
            Command::Init(_) => None,
            Command::Build(a) => Some(&a.site.root),
            Command::Check(a) => Some(&a.site.root),
            Command::Serve(a) => Some(&a.site.root),
            Command::Watch(a) => Some(&a.site.root),
            Command::Report(a) => Some(&a.root),
            Command::MarkCurrent(a) => Some(&a.root),
            Command::New(a) => Some(&a.root),
            Command::Search(a) => Some(&a.root),
        }
    }
}

#[derive(Args)]
struct InitArgs {
    /// The folder to create the portal in (created if absent; must be empty)
    #[arg(default_value = ".")]
    dir: PathBuf,
}

#[derive(Args)]
struct SiteArgs {
    /// The site folder, which holds site.toml and content/
    #[arg(long, value_name = "DIR", default_value = ".")]
    root: PathBuf,
    /// Include pages marked `draft: true`
    #[arg(long)]
    drafts: bool,
}

#[derive(Args)]
struct BuildArgs {
    #[command(flatten)]
    site: SiteArgs,
    /// Where to write the site (default: `output_dir` of site.toml, under the site folder)
    #[arg(long, value_name = "DIR")]
    output: Option<PathBuf>,
    /// Use this address instead of `base_url` of site.toml (e.g. for a preview)
    #[arg(long, value_name = "URL")]
    base_url: Option<String>,
    /// Print how long each stage of the build took
    #[arg(long)]
    timings: bool,
    /// Print errors only: no warnings, no progress, no summary
    #[arg(long, short)]
    quiet: bool,
    /// Replace the output folder even if it holds files Passerelle did not write (never
    /// the site folder, a folder above it, or its content/, static/ or templates/)
    #[arg(long)]
    force: bool,
}

#[derive(Args)]
struct CheckArgs {
    #[command(flatten)]
    site: SiteArgs,
    /// Print errors only: no warnings, no summary
    #[arg(long, short)]
    quiet: bool,
}

// See Cargo.toml: glibc's malloc slows down as a large site's heap grows.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = Cli::parse();
    if let Some(root) = cli.command.site_root()
        && !root.join(passerelle::config::CONFIG_FILE).is_file()
    {
        // Not a site at all: a usage error, not a content error.
        eprintln!(
            "error: {} has no site.toml, so it is not a Passerelle site\n  help: run `passerelle init` to start a portal there, or pass --root DIR to name the site's folder",
            root.display()
        );
        return ExitCode::from(2);
    }
    match cli.command {
        Command::Init(args) => run_init(&args),
        Command::Build(args) => run_build(
            &BuildOptions {
                root: args.site.root,
                output: args.output,
                drafts: args.site.drafts,
                base_url: args.base_url,
                write: true,
                index: true,
                force: args.force,
            },
            args.timings,
            args.quiet,
        ),
        Command::Serve(args) => {
            let opts = passerelle::serve::ServeOptions {
                root: args.site.root,
                bind: args.bind,
                port: args.port,
                poll: args.poll,
                drafts: args.site.drafts,
            };
            match passerelle::serve::serve(&opts, &mut std::io::stderr()) {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) => {
                    eprintln!("error: {e:#}");
                    ExitCode::from(2)
                }
            }
        }
        Command::Watch(args) => run_watch(args),
        Command::Report(args) => run_report(&args),
        Command::MarkCurrent(args) => run_mark(&args),
        Command::New(args) => run_new(&args),
        Command::Search(args) => run_search(&args),
        Command::Check(args) => run_build(
            &BuildOptions {
                root: args.site.root,
                drafts: args.site.drafts,
                write: false,
                ..BuildOptions::default()
            },
            false,
            args.quiet,
        ),
    }
}

fn site_or_exit(root: &std::path::Path) -> Result<passerelle::resolve::Site, ExitCode> {
    let (site, diags) = passerelle::load_site(&BuildOptions {
        root: root.to_path_buf(),
        ..BuildOptions::default()
    });
    let errors: Vec<_> = diags
        .into_iter()
        .filter(passerelle::diagnostics::Diagnostic::is_error)
        .collect();
    match site {
        Some(site) if errors.is_empty() => Ok(site),
        _ => {
            eprint!("{}", diagnostics::report(&errors, root));
            eprintln!("fix these errors first (`passerelle check` lists them)");
            Err(ExitCode::from(1))
        }
    }
}

fn run_report(args: &ReportArgs) -> ExitCode {
    let site = match site_or_exit(&args.root) {
        Ok(s) => s,
        Err(code) => return code,
    };
    match args.what {
        ReportKind::Translations => {
            let reports = passerelle::report::translations(&site);
            let text = if args.json {
                match serde_json::to_string_pretty(&reports) {
                    Ok(json) => json + "\n",
                    Err(e) => {
                        eprintln!("error: {e}");
                        return ExitCode::from(2);
                    }
                }
            } else {
                passerelle::report::render_text(&reports)
            };
            let _ = std::io::stdout().lock().write_all(text.as_bytes());
        }
    }
    ExitCode::SUCCESS
}

fn run_mark(args: &MarkArgs) -> ExitCode {
    let site = match site_or_exit(&args.root) {
        Ok(s) => s,
        Err(code) => return code,
    };
    let mut status = ExitCode::SUCCESS;
    for file in &args.files {
        match passerelle::report::mark_current(&site, &args.root, file) {
            Ok(revision) => eprintln!("{}: translation_of: {revision}", file.display()),
            // A file that is no translation, or cannot be written: a usage or I/O error.
            Err(e) => {
                eprintln!("error: {e:#}");
                status = ExitCode::from(2);
            }
        }
    }
    status
}

fn run_search(args: &SearchArgs) -> ExitCode {
    let mut filters = Vec::new();
    for f in &args.filter {
        match f.split_once('=') {
            Some((tax, term)) if !tax.is_empty() && !term.is_empty() => {
                filters.push((tax.to_string(), term.to_string()))
            }
            _ => {
                eprintln!(
                    "error: --filter takes TAXONOMY=TERM, e.g. `--filter cities=toronto`, not `{f}`"
                );
                return ExitCode::from(2);
            }
        }
    }
    let config = passerelle::config::SiteConfig::load(&args.root).ok();
    if let Some(config) = &config {
        if let Some(reader) = args.reader.as_ref().filter(|r| !config.has_language(r)) {
            eprintln!(
                "error: `{reader}` is not a language of this site: use {}",
                config.languages.join(", ")
            );
            return ExitCode::from(2);
        }
        if args.lang != "all" && !config.has_language(&args.lang) {
            eprintln!(
                "error: `{}` is not a language of this site: use {} or all",
                args.lang,
                config.languages.join(", ")
            );
            return ExitCode::from(2);
        }
        for (tax, term) in &filters {
            if let Err(message) = passerelle::search::check_filter(config, tax, term) {
                eprintln!("error: {message}");
                return ExitCode::from(2);
            }
        }
    }
    let synonyms = config.as_ref().map_or(&[][..], |c| c.synonyms.as_slice());
    let index = match passerelle::search::SearchIndex::open(&passerelle::index_dir(&args.root))
        .and_then(|i| i.with_synonyms(synonyms))
    {
        Ok(i) => i,
        Err(e) => {
            eprintln!("error: no search index for this site ({e:#}); run `passerelle build` first");
            return ExitCode::from(2);
        }
    };
    let request = passerelle::search::SearchRequest {
        query: args.query.clone(),
        lang: (args.lang != "all").then(|| args.lang.clone()),
        filters,
        limit: args.limit,
        reader: args
            .reader
            .clone()
            .or_else(|| config.as_ref().map(|c| c.default_language.clone())),
    };
    let response = match index.search(&request) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: {e:#}");
            return ExitCode::from(2);
        }
    };
    let mut out = std::io::stdout().lock();
    let written = if args.json {
        serde_json::to_writer_pretty(&mut out, &response)
            .map_err(std::io::Error::other)
            .and_then(|()| writeln!(out))
    } else {
        use std::io::IsTerminal as _;
        let color = std::io::stdout().is_terminal();
        passerelle::search::render_human(&response, &mut out, color)
    };
    if written.is_err() {
        return ExitCode::from(2);
    }
    ExitCode::SUCCESS
}

fn run_new(args: &NewArgs) -> ExitCode {
    let Some(kind) = passerelle::model::Kind::parse(&args.kind) else {
        eprintln!(
            "error: `{}` is not a kind of page: use case-study, lesson, recommendation, forum or page",
            args.kind
        );
        return ExitCode::from(2);
    };
    let (site, _) = passerelle::load_site(&BuildOptions {
        root: args.root.clone(),
        ..BuildOptions::default()
    });
    let Some(site) = site else {
        eprintln!("error: site.toml has errors: run `passerelle check`");
        return ExitCode::from(1);
    };
    match passerelle::scaffold::new_page(&site, &args.root, kind, &args.name, args.lang.as_deref())
    {
        Ok(file) => {
            eprintln!(
                "created {}: replace every TODO, then run `passerelle check`",
                file.display()
            );
            ExitCode::SUCCESS
        }
        // A name that cannot be a file, a page that is not there, a file that cannot be
        // written: the command was wrong or I/O failed, not the content.
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::from(2)
        }
    }
}

fn run_watch(args: WatchArgs) -> ExitCode {
    let opts = BuildOptions {
        root: args.site.root,
        drafts: args.site.drafts,
        write: true,
        index: true,
        ..BuildOptions::default()
    };
    let mut project = passerelle::Project::new(opts.clone());
    let mut watcher = match passerelle::watch::SourceWatcher::new(&opts.root, args.poll) {
        Ok(w) => w,
        Err(e) => {
            eprintln!("error: {e:#}");
            return ExitCode::from(2);
        }
    };
    let rebuild = |project: &mut passerelle::Project| {
        let started = std::time::Instant::now();
        match project.build() {
            Ok(outcome) => {
                eprint!(
                    "{}",
                    diagnostics::report(&outcome.diagnostics, &project.options().root)
                );
                if outcome.has_errors() {
                    eprintln!("build failed: the previous site is unchanged; waiting for changes");
                } else {
                    eprintln!(
                        "built {} pages ({} rendered) in {:.0} ms; waiting for changes",
                        outcome.pages,
                        project.rendered(),
                        started.elapsed().as_secs_f64() * 1000.0
                    );
                }
            }
            Err(e) => eprintln!("error: {e:#}"),
        }
    };
    rebuild(&mut project);
    while watcher.next_change().is_some() {
        rebuild(&mut project);
    }
    ExitCode::SUCCESS
}

fn run_init(args: &InitArgs) -> ExitCode {
    match passerelle::init::init(&args.dir) {
        Ok(files) => {
            eprintln!(
                "created a bilingual portal in {} ({} files); next: `passerelle serve{}`",
                args.dir.display(),
                files.len(),
                if args.dir == Path::new(".") {
                    String::new()
                } else {
                    format!(" --root {}", args.dir.display())
                }
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::from(2)
        }
    }
}

fn run_build(opts: &BuildOptions, timings: bool, quiet: bool) -> ExitCode {
    use std::io::IsTerminal as _;
    let started = std::time::Instant::now();
    // The process ends after this build: the project and its outcome are left for the
    // system to take back (see `Project::ending_the_process`).
    let mut project = std::mem::ManuallyDrop::new(
        passerelle::Project::one_shot(opts.clone()).ending_the_process(),
    );
    let progress = project.progress();
    let outcome = if quiet || !std::io::stderr().is_terminal() {
        project.build()
    } else {
        progress.draw_while(passerelle::progress::delay(), || project.build())
    };
    let mut outcome = match outcome {
        Ok(o) => std::mem::ManuallyDrop::new(o),
        Err(e) => {
            eprintln!("error: {e:#}");
            return ExitCode::from(2);
        }
    };
    if quiet {
        outcome
            .diagnostics
            .retain(diagnostics::Diagnostic::is_error);
    }
    let mut stderr = std::io::stderr().lock();
    let _ = write!(
        stderr,
        "{}",
        diagnostics::report(&outcome.diagnostics, &opts.root)
    );
    if timings {
        for t in &outcome.timings {
            let cpu = t.cpu.map_or_else(String::new, |c| {
                format!("   cpu {:>8.0} ms", c.as_secs_f64() * 1000.0)
            });
            let peak = t.peak.map_or_else(String::new, |b| {
                format!("   peak memory {:>5} MB", b / 1_000_000)
            });
            let _ = writeln!(
                stderr,
                "{:>20}: {:>8.1} ms{cpu}{peak}",
                t.stage,
                t.wall.as_secs_f64() * 1000.0
            );
        }
    }
    if outcome.has_errors() {
        let _ = writeln!(
            stderr,
            "{}",
            if opts.write {
                "build failed: nothing was written, the previous site is unchanged"
            } else {
                "check failed"
            }
        );
        return ExitCode::from(1);
    }
    if quiet {
        return ExitCode::SUCCESS;
    }
    let elapsed = started.elapsed().as_secs_f64();
    match &outcome.output_dir {
        Some(dir) => {
            let _ = writeln!(
                stderr,
                "built {} pages ({} files) into {} in {elapsed:.2} s",
                outcome.pages,
                outcome.files.len(),
                dir.display()
            );
        }
        None => {
            let _ = writeln!(
                stderr,
                "checked {} pages in {elapsed:.2} s: no error",
                outcome.pages
            );
        }
    }
    ExitCode::SUCCESS
}
