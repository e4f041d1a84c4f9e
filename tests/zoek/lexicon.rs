//! The compound lexicon's builder (`tools/build-lexicon.py`) decides what goes into the
//! lexicon with its own copy of the splitting rules; it must split exactly as the Rust
//! splitter (`src/analysis/compound.rs`) does, or the lexicon keeps the wrong words whole.
//! This runs the builder's splitter (python3) on the shipped lexicon and a sample of words
//! and compares every answer with the Rust splitter's.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};

use zoek::analysis::compound::Decompounder;

/// Reads the lexicon as the builder wrote it, splits each word of stdin with the builder's
/// `split`, and prints the parts joined by `+` (an empty line when it does not split).
const DRIVER: &str = r#"
import importlib.util, sys
spec = importlib.util.spec_from_file_location("builder", sys.argv[1])
builder = importlib.util.module_from_spec(spec)
spec.loader.exec_module(builder)
roles = {"": 3}
lex = {}
for line in open(sys.argv[2], encoding="utf-8"):
    w = line.rstrip("\n")
    if w.startswith("="):
        lex[w[1:]] = 0
    elif w.startswith("-"):
        lex[w[1:]] = builder.END
    elif w.endswith("-"):
        lex[w[:-1]] = builder.BEGIN
    elif w:
        lex[w] = builder.BEGIN | builder.END
for word in sys.stdin.read().split():
    parts = builder.split(lex, word)
    print("+".join(parts) if parts else "")
"#;

/// Real compounds and words that must stay whole, and words made from the lexicon: every
/// 37th modifier with every 41st head, joined directly and with the linking -s- and -en-.
fn sample(lexicon: &str) -> Vec<String> {
    let mut words: Vec<String> = [
        "verkiezingsfraude",
        "presidentsverkiezingen",
        "kinderopvang",
        "boekenkast",
        "voetbalrellen",
        "wielerklassiekers",
        "vleesconsumptie",
        "handelsoorlog",
        "belastingdienst",
        "arbeidsongeschiktheidsverzekeringsmaatschappij",
        "gemeenteraadsverkiezingen",
        "vrijheid",
        "agentschap",
        "onderzoek",
        "vergeten",
        "gesprekken",
        "ministerie",
        "herinnering",
        "zonnepanelen",
        "staatsschuld",
    ]
    .iter()
    .map(|w| w.to_string())
    .collect();
    let entries: Vec<&str> = lexicon.lines().filter(|l| !l.is_empty()).collect();
    let modifiers: Vec<&str> = entries
        .iter()
        .filter(|l| !l.starts_with(['-', '=']))
        .map(|l| l.trim_end_matches('-'))
        .step_by(37)
        .collect();
    let heads: Vec<&str> = entries
        .iter()
        .filter(|l| !l.starts_with('=') && !l.ends_with('-'))
        .map(|l| l.trim_start_matches('-'))
        .step_by(41)
        .take(60)
        .collect();
    for (i, modifier) in modifiers.iter().enumerate() {
        let head = heads[i % heads.len()];
        for link in ["", "s", "en"] {
            words.push(format!("{modifier}{link}{head}"));
        }
    }
    // Lexicon words themselves, which must not split.
    words.extend(entries.iter().step_by(101).map(|l| {
        l.trim_start_matches(['-', '='])
            .trim_end_matches('-')
            .to_string()
    }));
    words
}

#[test]
fn the_lexicon_builder_splits_as_the_splitter_does() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let lexicon_path = root.join("src/analysis/data/lexicon.txt");
    let lexicon = std::fs::read_to_string(&lexicon_path).unwrap();
    let words = sample(&lexicon);
    assert!(words.len() > 2000, "a sample of {} words", words.len());
    let child = Command::new("python3")
        .arg("-c")
        .arg(DRIVER)
        .arg(root.join("tools/build-lexicon.py"))
        .arg(&lexicon_path)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn();
    let Ok(mut child) = child else {
        eprintln!("SKIPPED: python3 is not installed; the builder's splitter was not compared");
        return;
    };
    child
        .stdin
        .take()
        .unwrap()
        .write_all(words.join("\n").as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "the builder's splitter failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let python: Vec<String> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(String::from)
        .collect();
    assert_eq!(python.len(), words.len());
    let splitter = Decompounder::new();
    let mut differ = Vec::new();
    let mut split = 0;
    for (word, theirs) in words.iter().zip(&python) {
        let ours = splitter
            .split(word)
            .map(|parts| parts.join("+"))
            .unwrap_or_default();
        split += usize::from(!ours.is_empty());
        if &ours != theirs {
            differ.push(format!("{word}: rust {ours:?}, python {theirs:?}"));
        }
    }
    assert!(
        split > words.len() / 3,
        "the sample holds compounds: {split} of {} split",
        words.len()
    );
    assert!(differ.is_empty(), "{} differ: {differ:#?}", differ.len());
}
