//! The `passerelle` command: parses the command line, calls the library, prints the
//! diagnostics and sets the exit status (0 success, 1 content errors, 2 usage or I/O).

use std::io::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};

use passerelle::{BuildOptions, build, diagnostics};

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
    /// Build the site into its output folder (public/ by default)
    ///
    /// The new site replaces the old one only if the build succeeds: with any error, the
    /// previous output folder is left exactly as it was.
    Build(BuildArgs),
    /// Run every check of `build` and report all problems, without writing anything
    Check(CheckArgs),
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
}

#[derive(Args)]
struct CheckArgs {
    #[command(flatten)]
    site: SiteArgs,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Build(args) => run_build(
            &BuildOptions {
                root: args.site.root,
                output: args.output,
                drafts: args.site.drafts,
                base_url: args.base_url,
                write: true,
            },
            args.timings,
        ),
        Command::Check(args) => run_build(
            &BuildOptions {
                root: args.site.root,
                drafts: args.site.drafts,
                write: false,
                ..BuildOptions::default()
            },
            false,
        ),
    }
}

fn run_build(opts: &BuildOptions, timings: bool) -> ExitCode {
    let started = std::time::Instant::now();
    let outcome = match build(opts) {
        Ok(o) => o,
        Err(e) => {
            eprintln!("error: {e:#}");
            return ExitCode::from(2);
        }
    };
    let mut stderr = std::io::stderr().lock();
    let _ = write!(stderr, "{}", diagnostics::report(&outcome.diagnostics));
    if timings {
        for (stage, d) in &outcome.timings {
            let _ = writeln!(stderr, "{stage:>20}: {:>8.1} ms", d.as_secs_f64() * 1000.0);
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
