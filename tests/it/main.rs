//! The one integration-test binary: fixture sites driven through the real `passerelle`.
//!
//! `harness` copies a fixture into a temp folder and runs the binary on it; the other
//! modules are the tests, by what they prove. Fixtures live in `tests/fixtures/`, snapshots
//! (reviewed by hand: they are the contract) in `tests/it/snapshots/`.

mod build;
mod crawl;
mod diagnostics;
mod evidence;
mod formats;
mod forums;
mod fuzzed;
mod harness;
mod hostile;
mod incremental;
mod init;
mod kill;
mod languages;
mod layout;
mod limits;
mod lint;
mod packet;
mod practice_fields;
mod progress;
mod query_limits;
mod relevance;
mod safety;
mod scaffold;
mod scan;
mod search_parity;
mod seeds;
mod serve;
mod serve_safety;
mod templates_doc;
mod translations;
mod unicode;
mod watch;
