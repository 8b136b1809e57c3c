//! How far a build has come: the stage it is in and how much of the stage is done.
//!
//! The pipeline only counts (atomics, no lock on the hot path); whoever started the build
//! decides what to show. `passerelle build` on a terminal draws one line that it redraws
//! ([`Progress::draw_while`]) once the build has run for a second ([`delay`]), and nothing
//! at all when its output is a file or a pipe, so logs and CI stay clean.

use std::io::Write as _;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

#[derive(Default)]
pub struct Progress {
    stage: Mutex<&'static str>,
    done: AtomicUsize,
    total: AtomicUsize,
}

impl Progress {
    /// A stage begins, with `total` items to do (0 when it does not count).
    pub fn stage(&self, name: &'static str, total: usize) {
        if let Ok(mut stage) = self.stage.lock() {
            *stage = name;
        }
        self.done.store(0, Ordering::Relaxed);
        self.total.store(total, Ordering::Relaxed);
    }

    /// One more item of the stage is done.
    pub fn advance(&self) {
        self.done.fetch_add(1, Ordering::Relaxed);
    }

    /// The line to show: `templates 1,234/20,000 pages`.
    pub fn line(&self) -> String {
        let stage = self.stage.lock().map_or("", |s| *s);
        let total = self.total.load(Ordering::Relaxed);
        if total == 0 {
            return stage.to_string();
        }
        let done = self.done.load(Ordering::Relaxed).min(total);
        format!("{stage}: {done}/{total}")
    }

    /// Runs `work`; meanwhile, once `after` has passed, redraws the progress line on
    /// stderr every tenth of a second, and clears it at the end.
    pub fn draw_while<T>(&self, after: Duration, work: impl FnOnce() -> T) -> T {
        let finished = std::sync::atomic::AtomicBool::new(false);
        std::thread::scope(|scope| {
            scope.spawn(|| {
                let started = Instant::now();
                let mut drawn = String::new();
                while !finished.load(Ordering::Relaxed) {
                    std::thread::sleep(Duration::from_millis(100));
                    let line = self.line();
                    if started.elapsed() >= after
                        && !finished.load(Ordering::Relaxed)
                        && line != drawn
                    {
                        let mut err = std::io::stderr().lock();
                        let _ = write!(err, "\r\x1b[2K{line}");
                        let _ = err.flush();
                        drawn = line;
                    }
                }
                if !drawn.is_empty() {
                    let _ = write!(std::io::stderr(), "\r\x1b[2K");
                }
            });
            let out = work();
            finished.store(true, Ordering::Relaxed);
            out
        })
    }
}

/// How long a build runs before its progress line is shown: a second, so that a short
/// build does not flash one, or `PASSERELLE_PROGRESS_AFTER_MS` milliseconds when that is
/// set (a test cannot count on a build lasting a second).
pub fn delay() -> Duration {
    std::env::var("PASSERELLE_PROGRESS_AFTER_MS")
        .ok()
        .and_then(|ms| ms.trim().parse().ok())
        .map_or(Duration::from_secs(1), Duration::from_millis)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_the_stage_it_is_in() {
        let p = Progress::default();
        p.stage("load", 0);
        assert_eq!(p.line(), "load");
        p.stage("templates", 3);
        p.advance();
        p.advance();
        assert_eq!(p.line(), "templates: 2/3");
    }
}
