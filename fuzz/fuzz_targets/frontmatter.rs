//! Front matter parsing and validation on arbitrary bytes, for every role a file can have.
//! Properties: no panic; every diagnostic at a line ≥ 1 that exists; a page is returned
//! exactly when there was no error, and its body is the end of the text.

#![no_main]

mod common;

use std::path::Path;
use std::sync::LazyLock;

use libfuzzer_sys::fuzz_target;
use passerelle::config::SiteConfig;
use passerelle::model::{Kind, Role};
use passerelle::{frontmatter, load};

static CONFIG: LazyLock<SiteConfig> = LazyLock::new(|| common::config("sanitize"));

fuzz_target!(|data: &[u8]| {
    // As the loader reads a file: UTF-8, BOM and CRLF removed.
    let text = match load::decode(data.to_vec()) {
        Ok(t) => t,
        Err((pos, _)) => {
            assert!(pos.line >= 1 && pos.col >= 1);
            return;
        }
    };
    let mut roles: Vec<Role> = Kind::ALL
        .iter()
        .map(|&kind| Role::Page {
            kind,
            section: Some("x".into()),
        })
        .collect();
    roles.push(Role::Home);
    roles.push(Role::SectionIndex("lessons".into()));
    let lines = common::line_count(&text);
    for role in &roles {
        let (parsed, diags) = frontmatter::parse(&text, Path::new("content/x.md"), role, &CONFIG);
        common::check_positions(&diags, Some(lines));
        let errors = diags
            .iter()
            .any(passerelle::diagnostics::Diagnostic::is_error);
        if let Some(p) = parsed {
            assert!(!errors, "a page came back with errors: {diags:?}");
            assert!(text.ends_with(&p.body));
            assert!(p.body_line >= 2 && p.body_line <= lines + 1);
        } else {
            assert!(errors, "no page and no error");
        }
    }
});
