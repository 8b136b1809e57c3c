//! The modules of `src/` form no import circle (issue 23): a change to one stage never has
//! to reason about a stage that depends on it. Every `crate::NAME` a file of a module
//! names (in code, not comments) is an edge to module NAME, or to the crate root for an
//! item of `lib.rs`; submodules (`search/query.rs`) count as their module.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use crate::harness::repo_root;

fn modules() -> BTreeMap<String, String> {
    let src = repo_root().join("src");
    let mut out: BTreeMap<String, String> = BTreeMap::new();
    let mut add = |name: &str, path: &Path| {
        let code: String = std::fs::read_to_string(path)
            .expect("read source")
            .lines()
            .filter(|l| !l.trim_start().starts_with("//"))
            .map(|l| format!("{l}\n"))
            .collect();
        out.entry(name.to_string()).or_default().push_str(&code);
    };
    for entry in std::fs::read_dir(&src).expect("src").flatten() {
        let path = entry.path();
        let name = path
            .file_stem()
            .expect("name")
            .to_string_lossy()
            .into_owned();
        if path.is_dir() {
            for inner in std::fs::read_dir(&path).expect("dir").flatten() {
                add(&name, &inner.path());
            }
        } else if name != "main" {
            add(&name, &path);
        }
    }
    out
}

/// The modules `code` names through `crate::`.
fn edges(code: &str, modules: &BTreeSet<String>) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let ident = |s: &str| -> String {
        s.chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect()
    };
    for (i, _) in code.match_indices("crate::") {
        let rest = &code[i + "crate::".len()..];
        let names: Vec<String> = match rest.strip_prefix('{') {
            // `use crate::{a, b::c, D}`: each first segment.
            Some(group) => group[..group.find('}').unwrap_or(group.len())]
                .split(',')
                .map(|part| ident(part.trim()))
                .collect(),
            None => vec![ident(rest)],
        };
        for name in names.into_iter().filter(|n| !n.is_empty()) {
            out.insert(if modules.contains(&name) {
                name
            } else {
                "lib".to_string()
            });
        }
    }
    out
}

#[test]
fn issue23_the_module_graph_has_no_circle() {
    let sources = modules();
    let names: BTreeSet<String> = sources.keys().cloned().collect();
    let graph: BTreeMap<&String, BTreeSet<String>> = sources
        .iter()
        .map(|(name, code)| {
            // lib.rs declares every module: declarations are not uses.
            let code: String = code
                .lines()
                .filter(|l| {
                    !l.trim_start().starts_with("pub mod ") && !l.trim_start().starts_with("mod ")
                })
                .collect::<Vec<_>>()
                .join("\n");
            let mut e = edges(&code, &names);
            e.remove(name.as_str());
            (name, e)
        })
        .collect();
    // Depth-first search for a back edge; report the circle it closes.
    fn visit<'a>(
        node: &'a str,
        graph: &'a BTreeMap<&String, BTreeSet<String>>,
        path: &mut Vec<&'a str>,
        done: &mut BTreeSet<&'a str>,
    ) -> Option<Vec<String>> {
        if let Some(at) = path.iter().position(|n| *n == node) {
            let mut circle: Vec<String> = path[at..].iter().map(|s| s.to_string()).collect();
            circle.push(node.to_string());
            return Some(circle);
        }
        if !done.insert(node) {
            return None;
        }
        path.push(node);
        for next in graph.get(&node.to_string()).into_iter().flatten() {
            if let Some(c) = visit(next, graph, path, done) {
                return Some(c);
            }
        }
        path.pop();
        None
    }
    let mut done = BTreeSet::new();
    for name in graph.keys() {
        let mut path = Vec::new();
        if let Some(circle) = visit(name, &graph, &mut path, &mut done) {
            panic!("import circle: {}", circle.join(" → "));
        }
    }
    assert!(graph.len() > 20, "read {} modules", graph.len());
}
