//! The corpus walk: every entry below the corpus folder in sorted order (so ids and
//! passages come out the same every run), following symlinks but never around a loop,
//! honouring `--exclude` patterns and `.gitignore`/`.zoekignore` files (gitignore syntax).

use std::path::{Path, PathBuf};

use ignore::gitignore::{Gitignore, GitignoreBuilder};
use ignore::Match;
use walkdir::WalkDir;

use super::article::{CorpusError, Problem, Skip};
use super::format::format_of;

/// Ignore files read in every folder of the corpus.
const IGNORE_FILES: [&str; 2] = [".gitignore", ".zoekignore"];

/// What to leave out of the walk.
#[derive(Debug, Clone, Default)]
pub struct WalkOptions {
    /// Gitignore-style patterns relative to the corpus folder (`--exclude`).
    pub exclude: Vec<String>,
}

/// One entry of the walk.
#[derive(Debug)]
pub enum Entry {
    /// A file in an article format, by its path relative to the corpus folder: the full
    /// path, id and display form are made when the file is read, so that a walk of a million
    /// files, which holds every entry, stays small.
    Article {
        relative: PathBuf,
    },
    Skipped {
        display: String,
        why: Skip,
    },
    /// A folder or link the walk could not enter (permissions, a symlink loop).
    Failed(Problem),
}

/// The ignore rules of one folder, active below it.
struct Rules {
    depth: usize,
    matcher: Gitignore,
}

fn folder_rules(dir: &Path, depth: usize) -> Option<Rules> {
    let files: Vec<PathBuf> = IGNORE_FILES
        .iter()
        .map(|name| dir.join(name))
        .filter(|p| p.is_file())
        .collect();
    if files.is_empty() {
        return None;
    }
    let mut builder = GitignoreBuilder::new(dir);
    for file in &files {
        // A bad line in an ignore file only loses that line, as with git.
        let _ = builder.add(file);
    }
    builder.build().ok().map(|matcher| Rules { depth, matcher })
}

/// Which rule, if any, leaves `path` out.
fn ignored_by(path: &Path, is_dir: bool, exclude: &Gitignore, folders: &[Rules]) -> Option<String> {
    if let Match::Ignore(glob) = exclude.matched(path, is_dir) {
        return Some(format!("exclude pattern {}", glob.original()));
    }
    for rules in folders.iter().rev() {
        match rules.matcher.matched(path, is_dir) {
            Match::Ignore(glob) => {
                let from = glob
                    .from()
                    .and_then(|f| f.file_name())
                    .map(|f| f.to_string_lossy().into_owned())
                    .unwrap_or_else(|| "an ignore file".into());
                return Some(format!("{from} ({})", glob.original()));
            }
            Match::Whitelist(_) => return None,
            Match::None => {}
        }
    }
    None
}

/// Walks `root`.
pub fn walk(root: &Path, options: &WalkOptions) -> Result<Vec<Entry>, CorpusError> {
    if !root.exists() {
        return Err(CorpusError::Missing(root.to_path_buf()));
    }
    let mut exclude = GitignoreBuilder::new(root);
    for pattern in &options.exclude {
        exclude
            .add_line(None, pattern)
            .map_err(|source| CorpusError::BadPattern {
                pattern: pattern.clone(),
                source,
            })?;
    }
    let exclude = exclude.build().map_err(|source| CorpusError::BadPattern {
        pattern: options.exclude.join(" "),
        source,
    })?;
    let mut folders: Vec<Rules> = Vec::new();
    let mut entries = Vec::new();
    let mut walker = WalkDir::new(root)
        .follow_links(true)
        .sort_by_file_name()
        .into_iter();
    while let Some(next) = walker.next() {
        let entry = match next {
            Ok(entry) => entry,
            Err(err) => {
                let path = err
                    .path()
                    .map(|p| p.display().to_string())
                    .unwrap_or_else(|| root.display().to_string());
                let message = if err.loop_ancestor().is_some() {
                    "symlink loop; not followed".to_string()
                } else {
                    err.io_error()
                        .map(|e| format!("cannot read: {e}"))
                        .unwrap_or_else(|| err.to_string())
                };
                entries.push(Entry::Failed(Problem::new(&path, None, message)));
                continue;
            }
        };
        while folders.last().is_some_and(|r| r.depth >= entry.depth()) {
            folders.pop();
        }
        let path = entry.path();
        let display = path.display().to_string();
        let is_dir = entry.file_type().is_dir();
        let skip = |why: Skip| Entry::Skipped {
            display: display.clone(),
            why,
        };
        if entry.depth() > 0 {
            let why = if entry.file_name().to_string_lossy().starts_with('.') {
                Some(Skip::Hidden)
            } else {
                ignored_by(path, is_dir, &exclude, &folders).map(Skip::Ignored)
            };
            if let Some(why) = why {
                if is_dir {
                    walker.skip_current_dir();
                }
                entries.push(skip(why));
                continue;
            }
        }
        if is_dir {
            folders.extend(folder_rules(path, entry.depth()));
            continue;
        }
        match format_of(path) {
            Ok(_) => entries.push(Entry::Article {
                relative: path.strip_prefix(root).unwrap_or(path).to_path_buf(),
            }),
            Err(why) => entries.push(skip(why)),
        }
    }
    Ok(entries)
}

/// The id of a file's article: its path relative to the corpus folder, with `/` separators.
pub fn article_id(relative: &Path) -> String {
    relative
        .components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;

    fn names(entries: &[Entry]) -> Vec<String> {
        entries
            .iter()
            .map(|e| match e {
                Entry::Article { relative } => format!("+{}", article_id(relative)),
                Entry::Skipped { display, why } => {
                    let name = Path::new(display).file_name().unwrap().to_string_lossy();
                    format!("-{name} ({why})")
                }
                Entry::Failed(p) => format!("!{p}"),
            })
            .collect()
    }

    #[test]
    fn sorted_walk_with_ignore_files_and_excludes() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path();
        for file in [
            "b.md",
            "a.md",
            "drafts/x.md",
            "sub/keep.md",
            "sub/skip.md",
            "sub/old.bak.md",
            "img.png",
        ] {
            let path = root.join(file);
            fs::create_dir_all(path.parent().unwrap()).unwrap();
            fs::write(path, "tekst").unwrap();
        }
        fs::write(root.join(".zoekignore"), "drafts/\n*.bak.md\n").unwrap();
        fs::write(root.join("sub/.gitignore"), "skip.md\n").unwrap();
        let entries = walk(
            root,
            &WalkOptions {
                exclude: vec!["b.md".into()],
            },
        )
        .unwrap();
        assert_eq!(
            names(&entries),
            [
                "-.zoekignore (hidden)",
                "+a.md",
                "-b.md (ignored by exclude pattern b.md)",
                "-drafts (ignored by .zoekignore (drafts/))",
                "-img.png (not an article format (.png))",
                "-.gitignore (hidden)",
                "+sub/keep.md",
                "-old.bak.md (ignored by .zoekignore (*.bak.md))",
                "-skip.md (ignored by .gitignore (skip.md))",
            ]
        );
    }

    #[test]
    fn bad_exclude_pattern_is_an_error() {
        let tmp = tempfile::tempdir().unwrap();
        let err = walk(
            tmp.path(),
            &WalkOptions {
                exclude: vec!["a{b".into()],
            },
        )
        .unwrap_err();
        assert!(
            err.to_string().starts_with("invalid exclude pattern 'a{b'"),
            "{err}"
        );
    }

    #[test]
    fn very_deep_folders_are_walked() {
        let tmp = tempfile::tempdir().unwrap();
        let mut dir = tmp.path().to_path_buf();
        for i in 0..60 {
            dir = dir.join(format!("d{i}"));
        }
        fs::create_dir_all(&dir).unwrap();
        fs::write(dir.join("diep.md"), "tekst").unwrap();
        let entries = walk(tmp.path(), &WalkOptions::default()).unwrap();
        assert_eq!(entries.len(), 1);
        assert!(
            matches!(&entries[0], Entry::Article { relative } if article_id(relative).ends_with("d59/diep.md"))
        );
    }
}
