//! The corpus walk: every entry below the corpus folder in sorted order (so ids and
//! passages come out the same every run), following symlinks but never around a loop nor
//! (unless asked) out of the corpus folder, honouring ignore rules (`.gitignore`/
//! `.zoekignore` files and exclude patterns, gitignore syntax), leaving out the index folder
//! wherever it lies, and listing only regular files as articles (a FIFO, socket or device is
//! a skip with its reason: reading one would block or never end).

use std::fs;
use std::os::unix::fs::{FileTypeExt, MetadataExt};
use std::path::{Path, PathBuf};
use std::time::UNIX_EPOCH;

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
    /// Follow links whose target lies outside the corpus folder (by default they are
    /// skipped, so that a link to `/etc` or `/etc/passwd` exposes nothing).
    pub follow_outside: bool,
    /// The index folder: never walked, wherever it lies.
    pub index_folder: Option<PathBuf>,
}

/// One entry of the walk.
#[derive(Debug)]
pub enum Entry {
    /// A regular file in an article format, by its path relative to the corpus folder (the
    /// full path, id and display form are made when the file is read, so that a walk of a
    /// million files, which holds every entry, stays small), with its size and
    /// modification time as the walk found them.
    Article {
        relative: PathBuf,
        size: u64,
        mtime_ns: u64,
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

/// What kind of file a type is, for skips and messages.
pub fn kind_of(kind: &fs::FileType) -> &'static str {
    if kind.is_fifo() {
        "FIFO"
    } else if kind.is_socket() {
        "socket"
    } else if kind.is_char_device() {
        "character device"
    } else if kind.is_block_device() {
        "block device"
    } else if kind.is_dir() {
        "folder"
    } else {
        "special file"
    }
}

/// The modification time of a file in nanoseconds since the epoch (0 when unknown).
pub fn modified_ns(metadata: &fs::Metadata) -> u64 {
    metadata
        .modified()
        .ok()
        .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
        .map_or(0, |d| d.as_nanos() as u64)
}

/// Checks that `root` can be walked: it exists and is a folder (a file or a device given as
/// the corpus is refused before anything else happens).
pub fn check_root(root: &Path) -> Result<(), CorpusError> {
    match fs::metadata(root) {
        Err(_) if fs::symlink_metadata(root).is_err() => {
            Err(CorpusError::Missing(root.to_path_buf()))
        }
        Ok(meta) if meta.is_dir() => Ok(()),
        _ => Err(CorpusError::NotAFolder(root.to_path_buf())),
    }
}

/// Walks `root`.
pub fn walk(root: &Path, options: &WalkOptions) -> Result<Vec<Entry>, CorpusError> {
    check_root(root)?;
    let canonical_root = fs::canonicalize(root).unwrap_or_else(|_| root.to_path_buf());
    let index_folder = options
        .index_folder
        .as_ref()
        .and_then(|dir| fs::metadata(dir).ok())
        .map(|m| (m.dev(), m.ino()));
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
        let mut skip = |why: Skip, walker: &mut walkdir::IntoIter| {
            if is_dir {
                walker.skip_current_dir();
            }
            entries.push(Entry::Skipped {
                display: display.clone(),
                why,
            });
        };
        if entry.depth() > 0 {
            let why = if entry.file_name().to_string_lossy().starts_with('.') {
                Some(Skip::Hidden)
            } else {
                ignored_by(path, is_dir, &exclude, &folders).map(Skip::Ignored)
            };
            if let Some(why) = why {
                skip(why, &mut walker);
                continue;
            }
            if entry.path_is_symlink() && !options.follow_outside {
                if let Ok(target) = fs::canonicalize(path) {
                    if !target.starts_with(&canonical_root) {
                        skip(Skip::LinkOutside(target.display().to_string()), &mut walker);
                        continue;
                    }
                }
            }
        }
        if is_dir {
            let here = entry.metadata().ok().map(|m| (m.dev(), m.ino()));
            if index_folder.is_some() && here == index_folder {
                skip(Skip::IndexFolder, &mut walker);
                continue;
            }
            folders.extend(folder_rules(path, entry.depth()));
            continue;
        }
        if !entry.file_type().is_file() {
            skip(Skip::NotRegular(kind_of(&entry.file_type())), &mut walker);
            continue;
        }
        if let Err(why) = format_of(path) {
            skip(why, &mut walker);
            continue;
        }
        match entry.metadata() {
            Ok(meta) => entries.push(Entry::Article {
                relative: path.strip_prefix(root).unwrap_or(path).to_path_buf(),
                size: meta.len(),
                mtime_ns: modified_ns(&meta),
            }),
            Err(err) => entries.push(Entry::Failed(Problem::new(
                &display,
                None,
                format!("cannot read: {err}"),
            ))),
        }
    }
    Ok(entries)
}

/// The id of a file's article: its path relative to the corpus folder, with `/` separators.
/// Names that are not UTF-8 keep every byte (`\xFF`), and a backslash is written `\\`, so
/// two files never share an id (nor an entry of the file list).
pub fn article_id(relative: &Path) -> String {
    use std::os::unix::ffi::OsStrExt;
    let bytes = relative.as_os_str().as_bytes();
    // The usual name: UTF-8 without a backslash, already its id (when it is not `a//b`).
    if let Ok(text) = std::str::from_utf8(bytes) {
        let plain = !text.contains(['\\', '\0']) && !text.starts_with("./");
        if plain && !text.contains("//") && !text.contains("/./") && !text.ends_with("/.") {
            return text.strip_suffix('/').unwrap_or(text).to_string();
        }
    }
    let mut id = String::with_capacity(bytes.len() + 8);
    for (i, component) in relative.components().enumerate() {
        if i > 0 {
            id.push('/');
        }
        for chunk in component.as_os_str().as_bytes().utf8_chunks() {
            for c in chunk.valid().chars() {
                if c == '\\' {
                    id.push_str("\\\\");
                } else {
                    id.push(c);
                }
            }
            for byte in chunk.invalid() {
                id.push_str(&format!("\\x{byte:02X}"));
            }
        }
    }
    id
}

/// The path relative to the corpus folder that [`article_id`] made `id` of.
pub fn relative_path(id: &str) -> PathBuf {
    use std::os::unix::ffi::OsStringExt;
    let mut bytes = Vec::with_capacity(id.len());
    let mut rest = id.as_bytes();
    while let Some((&first, tail)) = rest.split_first() {
        if first == b'\\' {
            if let Some(tail) = tail.strip_prefix(b"\\") {
                bytes.push(b'\\');
                rest = tail;
                continue;
            }
            if let Some(byte) = tail
                .strip_prefix(b"x")
                .and_then(|t| t.get(..2))
                .and_then(|hex| u8::from_str_radix(std::str::from_utf8(hex).ok()?, 16).ok())
            {
                bytes.push(byte);
                rest = &tail[3..];
                continue;
            }
        }
        bytes.push(first);
        rest = tail;
    }
    PathBuf::from(std::ffi::OsString::from_vec(bytes))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;

    fn names(entries: &[Entry]) -> Vec<String> {
        entries
            .iter()
            .map(|e| match e {
                Entry::Article { relative, .. } => format!("+{}", article_id(relative)),
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
                ..WalkOptions::default()
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
                ..WalkOptions::default()
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
            matches!(&entries[0], Entry::Article { relative, .. } if article_id(relative).ends_with("d59/diep.md"))
        );
    }

    #[test]
    fn only_regular_files_inside_the_corpus_are_articles() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().join("c");
        fs::create_dir_all(root.join("sub")).unwrap();
        fs::write(root.join("a.md"), "tekst").unwrap();
        fs::write(tmp.path().join("geheim.txt"), "wachtwoord").unwrap();
        std::os::unix::fs::symlink(tmp.path().join("geheim.txt"), root.join("uit.txt")).unwrap();
        fs::create_dir_all(tmp.path().join("buiten")).unwrap();
        fs::write(tmp.path().join("buiten/x.md"), "tekst").unwrap();
        std::os::unix::fs::symlink(tmp.path().join("buiten"), root.join("map")).unwrap();
        std::os::unix::fs::symlink(root.join("a.md"), root.join("sub/binnen.md")).unwrap();
        std::os::unix::fs::symlink("/dev/zero", root.join("nul.txt")).unwrap();
        fs::create_dir_all(root.join("idx")).unwrap();
        fs::write(root.join("idx/meta.json"), "{}").unwrap();
        let options = WalkOptions {
            index_folder: Some(root.join("idx")),
            ..WalkOptions::default()
        };
        let found = names(&walk(&root, &options).unwrap());
        let outside = fs::canonicalize(tmp.path()).unwrap().display().to_string();
        assert_eq!(
            found,
            [
                "+a.md".to_string(),
                "-idx (the index folder)".to_string(),
                format!("-map (a link out of the corpus (to {outside}/buiten); not followed)"),
                "-nul.txt (a link out of the corpus (to /dev/zero); not followed)".to_string(),
                "+sub/binnen.md".to_string(),
                format!(
                    "-uit.txt (a link out of the corpus (to {outside}/geheim.txt); not followed)"
                ),
            ]
        );
        // Asked to, links out are followed, but a device is still no article.
        let follow = WalkOptions {
            follow_outside: true,
            ..options
        };
        let found = names(&walk(&root, &follow).unwrap());
        assert!(found.contains(&"+uit.txt".to_string()), "{found:?}");
        assert!(found.contains(&"+map/x.md".to_string()), "{found:?}");
        assert!(
            found.contains(&"-nul.txt (not a regular file (character device))".to_string()),
            "{found:?}"
        );
    }

    #[test]
    fn a_fifo_is_skipped_with_its_reason() {
        let tmp = tempfile::tempdir().unwrap();
        let pipe = tmp.path().join("pijp.md");
        if !std::process::Command::new("mkfifo")
            .arg(&pipe)
            .status()
            .is_ok_and(|s| s.success())
        {
            return;
        }
        let names = names(&walk(tmp.path(), &WalkOptions::default()).unwrap());
        assert_eq!(names, ["-pijp.md (not a regular file (FIFO))"]);
    }

    #[test]
    fn a_corpus_that_is_not_a_folder_is_refused() {
        let tmp = tempfile::tempdir().unwrap();
        fs::write(tmp.path().join("a.jsonl"), "{}").unwrap();
        for path in [tmp.path().join("a.jsonl"), PathBuf::from("/dev/null")] {
            let err = walk(&path, &WalkOptions::default()).unwrap_err();
            assert!(matches!(err, CorpusError::NotAFolder(_)), "{err}");
        }
    }

    #[test]
    fn ids_keep_every_byte_of_a_name() {
        use std::os::unix::ffi::OsStrExt;
        let id = |bytes: &[u8]| article_id(Path::new(std::ffi::OsStr::from_bytes(bytes)));
        assert_eq!(id(b"map/bad\xff.md"), "map/bad\\xFF.md");
        assert_ne!(id(b"bad\xff.md"), id(b"bad\xfe.md"));
        assert_ne!(id(b"bad\xff.md"), id(b"bad\\xFF.md"));
        assert_eq!(id("café/één.md".as_bytes()), "café/één.md");
        for name in [&b"bad\xff.md"[..], b"a\\b\\xZZ.md", "één".as_bytes()] {
            assert_eq!(
                relative_path(&id(name)),
                Path::new(std::ffi::OsStr::from_bytes(name))
            );
        }
    }
}
