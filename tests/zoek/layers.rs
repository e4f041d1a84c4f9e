//! The code's layout, checked: no module imports a module that imports it back, and each
//! stage of the pipeline imports only the stages before it (ARCHITECTURE.md):
//! `analysis`, `eval` → `corpus` → `index` → `query` → `search` → `output` → `serve` →
//! `main`.
//!
//! A module is a file (`a/mod.rs` is `a`, `a/b.rs` is `a::b`). Its imports are the paths it
//! names (`use` trees and inline `crate::`, `super::`, `self::` and, in `main.rs`, `zoek::`
//! paths), outside its tests and comments, each resolved to the longest module it names. A
//! `mod` declaration is not an import, a re-export is.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// The stages in pipeline order; a stage may import only stages of a lower rank.
const STAGES: [(&str, usize); 9] = [
    ("analysis", 0),
    ("eval", 0),
    ("corpus", 1),
    ("index", 2),
    ("query", 3),
    ("search", 4),
    ("output", 5),
    ("serve", 6),
    ("main", 7),
];

/// Every source file of the crate by module path, with its text.
fn modules() -> BTreeMap<String, String> {
    fn walk(dir: &Path, prefix: &[String], out: &mut BTreeMap<String, String>) {
        let mut entries: Vec<_> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        entries.sort();
        for path in entries {
            let name = path.file_stem().unwrap().to_string_lossy().to_string();
            if path.is_dir() {
                let mut inner = prefix.to_vec();
                inner.push(name);
                walk(&path, &inner, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let mut module = prefix.to_vec();
                if !matches!(name.as_str(), "mod" | "lib") {
                    module.push(name);
                }
                out.insert(module.join("::"), std::fs::read_to_string(&path).unwrap());
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("src"),
        &[],
        &mut out,
    );
    out
}

/// The code of a file without its tests and comments.
fn code(text: &str) -> String {
    let mut lines = Vec::new();
    let mut previous = "";
    for line in text.lines() {
        if previous.trim() == "#[cfg(test)]" && line.contains("mod tests") {
            lines.pop();
            break;
        }
        lines.push(line.split("//").next().unwrap_or_default());
        previous = line;
    }
    lines.join("\n")
}

/// The tokens of a `use` tree: identifiers, `::`, braces, commas, `*`.
fn use_tokens(tree: &str) -> Vec<String> {
    let mut tokens = Vec::new();
    let mut chars = tree.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '{' | '}' | ',' | '*' => tokens.push(c.to_string()),
            ':' if chars.peek() == Some(&':') => {
                chars.next();
                tokens.push("::".into());
            }
            c if c.is_alphanumeric() || c == '_' => {
                let mut word = c.to_string();
                while let Some(&n) = chars.peek() {
                    if n.is_alphanumeric() || n == '_' {
                        word.push(n);
                        chars.next();
                    } else {
                        break;
                    }
                }
                tokens.push(word);
            }
            _ => {}
        }
    }
    tokens
}

/// The full paths of a `use` tree (`a::{b, c::d}` → `a::b`, `a::c::d`).
fn expand(tokens: &[String], at: &mut usize, prefix: &[String], out: &mut Vec<Vec<String>>) {
    let mut path = prefix.to_vec();
    while *at < tokens.len() {
        let token = tokens[*at].as_str();
        *at += 1;
        match token {
            "::" => {}
            "{" => {
                loop {
                    expand(tokens, at, &path, out);
                    match tokens.get(*at).map(String::as_str) {
                        Some(",") => *at += 1,
                        Some("}") => {
                            *at += 1;
                            break;
                        }
                        _ => break,
                    }
                }
                return;
            }
            "," | "}" => {
                *at -= 1;
                break;
            }
            "as" => {
                // The new name is not part of the path.
                *at += 1;
            }
            "*" => {}
            word => path.push(word.to_string()),
        }
    }
    out.push(path);
}

/// The paths a file names: its `use` trees and its inline paths.
fn named_paths(code: &str, in_main: bool) -> Vec<Vec<String>> {
    let mut paths = Vec::new();
    let mut rest = code;
    let mut outside_use = String::new();
    while let Some(found) = rest.find("use ") {
        let starts_word = found == 0
            || !rest[..found]
                .chars()
                .next_back()
                .is_some_and(|c| c.is_alphanumeric() || c == '_');
        if !starts_word {
            outside_use.push_str(&rest[..found + 4]);
            rest = &rest[found + 4..];
            continue;
        }
        outside_use.push_str(&rest[..found]);
        let end = rest[found..].find(';').map_or(rest.len(), |e| found + e);
        let tokens = use_tokens(&rest[found + 4..end]);
        expand(&tokens, &mut 0, &[], &mut paths);
        rest = &rest[(end + 1).min(rest.len())..];
    }
    outside_use.push_str(rest);
    let roots: &[&str] = if in_main {
        &["crate", "super", "self", "zoek"]
    } else {
        &["crate", "super", "self"]
    };
    let tokens = use_tokens(&outside_use);
    for (i, token) in tokens.iter().enumerate() {
        let after_separator = i > 0 && tokens[i - 1] == "::";
        if !roots.contains(&token.as_str()) || after_separator {
            continue;
        }
        let mut path = vec![token.clone()];
        let mut j = i + 1;
        while j + 1 < tokens.len() && tokens[j] == "::" {
            path.push(tokens[j + 1].clone());
            j += 2;
        }
        if path.len() > 1 {
            paths.push(path);
        }
    }
    paths
}

/// The module a path of `module` names: the longest known module it starts with (`None`
/// for paths outside the crate, and for a relative path that names no module of it).
fn resolve(module: &str, path: &[String], known: &BTreeSet<String>) -> Option<String> {
    let mut absolute: Vec<String> = if module.is_empty() {
        Vec::new()
    } else {
        module.split("::").map(String::from).collect()
    };
    // `super` in `a/b.rs` (module a::b) is `a`; in `a/mod.rs` (module a) it is the crate.
    let mut segments = path.iter().peekable();
    match segments.peek().map(|s| s.as_str()) {
        Some("crate") | Some("zoek") => {
            absolute.clear();
            segments.next();
        }
        Some("self") => {
            segments.next();
        }
        Some("super") => {
            while segments.peek().map(|s| s.as_str()) == Some("super") {
                segments.next();
                absolute.pop();
            }
        }
        // A relative path names an item of this module (`pub use child::Item`).
        Some(_) => {}
        None => return None,
    }
    let relative = !matches!(path[0].as_str(), "crate" | "zoek" | "self" | "super");
    let base = absolute.len();
    absolute.extend(segments.cloned());
    let found = (0..=absolute.len())
        .rev()
        .map(|n| absolute[..n].join("::"))
        .find(|candidate| known.contains(candidate))?;
    // `std::…`, `tantivy::…`: a relative path must reach into a module below this one.
    let depth = if found.is_empty() {
        0
    } else {
        found.split("::").count()
    };
    (!relative || depth > base).then_some(found)
}

/// Module → the modules it imports.
fn imports() -> BTreeMap<String, BTreeSet<String>> {
    let sources = modules();
    let known: BTreeSet<String> = sources.keys().cloned().collect();
    let mut graph = BTreeMap::new();
    for (module, text) in &sources {
        let mut targets = BTreeSet::new();
        for path in named_paths(&code(text), module == "main") {
            if let Some(target) = resolve(module, &path, &known) {
                if &target != module {
                    targets.insert(target);
                }
            }
        }
        graph.insert(module.clone(), targets);
    }
    graph
}

fn stage_of(module: &str) -> Option<usize> {
    let top = module.split("::").next().unwrap_or(module);
    STAGES.iter().find(|(name, _)| *name == top).map(|s| s.1)
}

#[test]
fn the_parser_of_this_check_reads_use_trees() {
    let mut paths = Vec::new();
    expand(
        &use_tokens("super::{a::{B, C as D}, e}"),
        &mut 0,
        &[],
        &mut paths,
    );
    let joined: Vec<String> = paths.iter().map(|p| p.join("::")).collect();
    assert_eq!(joined, ["super::a::B", "super::a::C", "super::e"]);
    let named = named_paths("use x::y;\nfn f() { crate::index::open(p); }", false);
    assert!(named.contains(&vec!["crate".into(), "index".into(), "open".into()]));
}

#[test]
fn no_module_imports_one_that_imports_it_back() {
    let graph = imports();
    assert!(graph.len() > 30, "the check sees the modules: {graph:?}");
    // Depth-first search for a cycle, reporting its modules.
    fn visit(
        module: &str,
        graph: &BTreeMap<String, BTreeSet<String>>,
        stack: &mut Vec<String>,
        done: &mut BTreeSet<String>,
    ) {
        if done.contains(module) {
            return;
        }
        if let Some(at) = stack.iter().position(|m| m == module) {
            panic!("import cycle: {} -> {module}", stack[at..].join(" -> "));
        }
        stack.push(module.to_string());
        for next in graph.get(module).into_iter().flatten() {
            visit(next, graph, stack, done);
        }
        stack.pop();
        done.insert(module.to_string());
    }
    let mut done = BTreeSet::new();
    for module in graph.keys() {
        visit(module, &graph, &mut Vec::new(), &mut done);
    }
}

#[test]
fn each_stage_imports_only_the_stages_before_it() {
    let mut wrong = Vec::new();
    for (module, targets) in imports() {
        if module.is_empty() {
            continue; // lib.rs declares the stages.
        }
        let from = stage_of(&module).unwrap_or_else(|| panic!("{module} is in no stage"));
        for target in targets {
            let to = stage_of(&target).unwrap_or_else(|| panic!("{target} is in no stage"));
            let same_stage = module.split("::").next() == target.split("::").next();
            if !same_stage && to >= from {
                wrong.push(format!("{module} imports {target}"));
            }
        }
    }
    assert!(wrong.is_empty(), "against the pipeline: {wrong:#?}");
}
