//! Corpus reading: walks a folder and turns its files into articles.
//!
//! Owns the file formats (`.md`/`.txt` with optional front matter, `.jsonl` records) and the
//! bookkeeping that every file and record ends as indexed, skipped or failed, with a reason.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use time::Date;
use walkdir::WalkDir;

/// One article, as read from the corpus.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Article {
    /// Stable id: the `id` of a JSON record, else the path relative to the corpus
    /// (`:LINE` appended for a JSON Lines record without id).
    pub id: String,
    pub title: String,
    pub date: Option<Date>,
    pub source: String,
    pub url: String,
    /// The file, as reached from the corpus folder given on the command line.
    pub path: String,
    /// 1-based line of the file where the body starts (the record's line for JSON Lines).
    pub line: usize,
    /// Whether passages get their own line numbers (files) or all share `line` (records).
    pub body_has_lines: bool,
    pub body: String,
}

/// Why a file was not read as articles.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Skip {
    /// Not an article format (the extension, or "no extension").
    NotArticle(String),
    /// A hidden file or folder (name starting with `.`).
    Hidden,
}

/// Something that went wrong with a file or one of its records.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub path: String,
    /// 1-based line, when the problem is with one line or record.
    pub line: Option<usize>,
    pub message: String,
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.line {
            Some(line) => write!(f, "{}:{}: {}", self.path, line, self.message),
            None => write!(f, "{}: {}", self.path, self.message),
        }
    }
}

/// What reading one file gave.
#[derive(Debug, Default)]
pub struct FileRead {
    pub articles: Vec<Article>,
    /// Records or whole files that could not be read; nothing of them was indexed.
    pub failures: Vec<Problem>,
    /// Things that were read but not as written (e.g. a date that does not parse).
    pub warnings: Vec<Problem>,
    pub bytes: u64,
}

/// One entry of the walk.
#[derive(Debug)]
pub enum Entry {
    /// A file in an article format.
    Article {
        path: PathBuf,
        display: String,
    },
    Skipped {
        display: String,
        why: Skip,
    },
    /// A folder or link the walk could not enter (permissions, a symlink loop).
    Failed(Problem),
}

/// Formats zoek reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Format {
    Text,
    JsonLines,
}

fn format_of(path: &Path) -> Result<Format, Skip> {
    let ext = path
        .extension()
        .map(|e| e.to_string_lossy().to_lowercase())
        .unwrap_or_default();
    match ext.as_str() {
        "md" | "markdown" | "txt" => Ok(Format::Text),
        "jsonl" => Ok(Format::JsonLines),
        "" => Err(Skip::NotArticle("no extension".into())),
        other => Err(Skip::NotArticle(format!(".{other}"))),
    }
}

/// Walks `root` in sorted order (so ids and passages come out the same every run),
/// following symlinks but never around a loop.
pub fn walk(root: &Path) -> anyhow::Result<Vec<Entry>> {
    if !root.exists() {
        anyhow::bail!(
            "corpus folder {} does not exist; give the folder of articles to index",
            root.display()
        );
    }
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
                entries.push(Entry::Failed(Problem {
                    path,
                    line: None,
                    message,
                }));
                continue;
            }
        };
        let display = entry.path().display().to_string();
        let hidden = entry.depth() > 0 && entry.file_name().to_string_lossy().starts_with('.');
        if hidden {
            if entry.file_type().is_dir() {
                walker.skip_current_dir();
            }
            entries.push(Entry::Skipped {
                display,
                why: Skip::Hidden,
            });
            continue;
        }
        if entry.file_type().is_dir() {
            continue;
        }
        match format_of(entry.path()) {
            Ok(_) => entries.push(Entry::Article {
                path: entry.path().to_path_buf(),
                display,
            }),
            Err(why) => entries.push(Entry::Skipped { display, why }),
        }
    }
    Ok(entries)
}

/// The id of a file's article: its path relative to the corpus folder, with `/` separators.
fn relative_id(root: &Path, path: &Path) -> String {
    let rel = path.strip_prefix(root).unwrap_or(path);
    rel.components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

/// Reads one article file found by [`walk`].
pub fn read_file(root: &Path, path: &Path, display: &str) -> FileRead {
    let mut read = FileRead::default();
    let fail = |message: String| Problem {
        path: display.to_string(),
        line: None,
        message,
    };
    let bytes = match fs::read(path) {
        Ok(bytes) => bytes,
        Err(err) => {
            read.failures.push(fail(format!("cannot read: {err}")));
            return read;
        }
    };
    read.bytes = bytes.len() as u64;
    let text = match String::from_utf8(bytes) {
        Ok(text) => text,
        Err(err) => {
            let at = err.utf8_error().valid_up_to();
            read.failures.push(fail(format!(
                "not valid UTF-8 (byte {at}); convert the file to UTF-8"
            )));
            return read;
        }
    };
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
    let id = relative_id(root, path);
    match format_of(path) {
        Ok(Format::Text) => read_text(&id, display, text, &mut read),
        Ok(Format::JsonLines) => read_json_lines(&id, display, text, &mut read),
        Err(_) => unreachable!("walk only yields article formats"),
    }
    read
}

/// Parses `YYYY-MM-DD`.
pub fn parse_date(s: &str) -> Option<Date> {
    let format = time::macros::format_description!("[year]-[month]-[day]");
    Date::parse(s.trim(), &format).ok()
}

/// Checks a date from the corpus, warning (and dropping it) when it does not parse.
fn checked_date(value: &str, path: &str, line: usize, warnings: &mut Vec<Problem>) -> Option<Date> {
    let value = value.trim();
    if value.is_empty() {
        return None;
    }
    let date = parse_date(value);
    if date.is_none() {
        warnings.push(Problem {
            path: path.to_string(),
            line: Some(line),
            message: format!("date '{value}' is not YYYY-MM-DD; article indexed without a date"),
        });
    }
    date
}

/// Front matter keys zoek knows.
const FRONT_MATTER_KEYS: [&str; 4] = ["title", "date", "source", "url"];

/// A `.md`/`.txt` article: optional front matter, else a leading `# heading` as title, else a
/// title made from the file name.
fn read_text(id: &str, display: &str, text: &str, read: &mut FileRead) {
    let lines: Vec<&str> = text.lines().collect();
    let mut fields: BTreeMap<&str, (String, usize)> = BTreeMap::new();
    let mut body_start = 0;
    if lines.first().map(|l| l.trim_end()) == Some("---") {
        match lines.iter().skip(1).position(|l| l.trim_end() == "---") {
            Some(close) => {
                for (i, line) in lines[1..=close].iter().enumerate() {
                    let number = i + 2;
                    if line.trim().is_empty() || line.trim_start().starts_with('#') {
                        continue;
                    }
                    let Some((key, value)) = line.split_once(':') else {
                        read.warnings.push(Problem {
                            path: display.into(),
                            line: Some(number),
                            message: "front matter line is not 'key: value'; ignored".into(),
                        });
                        continue;
                    };
                    let key = key.trim();
                    if !FRONT_MATTER_KEYS.contains(&key) {
                        read.warnings.push(Problem {
                            path: display.into(),
                            line: Some(number),
                            message: format!(
                                "unknown front matter key '{key}' ignored (known: {})",
                                FRONT_MATTER_KEYS.join(", ")
                            ),
                        });
                        continue;
                    }
                    fields.insert(key, (unquote(value.trim()).to_string(), number));
                }
                body_start = close + 2;
            }
            None => read.warnings.push(Problem {
                path: display.into(),
                line: Some(1),
                message: "front matter has no closing '---'; read as text".into(),
            }),
        }
    }
    while body_start < lines.len() && lines[body_start].trim().is_empty() {
        body_start += 1;
    }
    let mut title = fields.remove("title").map(|(t, _)| t).unwrap_or_default();
    if title.is_empty() {
        if let Some(heading) = lines
            .get(body_start)
            .and_then(|l| l.trim_start().strip_prefix("# "))
        {
            title = heading.trim().to_string();
            body_start += 1;
        }
    }
    let stem = Path::new(id)
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let (name_date, name_title) = split_dated_name(&stem);
    if title.is_empty() {
        title = title_from_name(name_title);
    }
    let date = match fields.remove("date") {
        Some((value, line)) => checked_date(&value, display, line, &mut read.warnings),
        None => name_date,
    };
    let body = lines.get(body_start..).unwrap_or_default().join("\n");
    read.warnings.sort_by_key(|w| w.line);
    read.articles.push(Article {
        id: id.to_string(),
        title,
        date,
        source: fields.remove("source").map(|(s, _)| s).unwrap_or_default(),
        url: fields.remove("url").map(|(u, _)| u).unwrap_or_default(),
        path: display.to_string(),
        line: body_start + 1,
        body_has_lines: true,
        body,
    });
}

fn unquote(value: &str) -> &str {
    for quote in ['"', '\''] {
        if value.len() >= 2 && value.starts_with(quote) && value.ends_with(quote) {
            return &value[1..value.len() - 1];
        }
    }
    value
}

/// `2019-03-12-storm-in-zeeland` → the date and `storm-in-zeeland`.
fn split_dated_name(stem: &str) -> (Option<Date>, &str) {
    if stem.len() > 10 && stem.is_char_boundary(10) {
        if let Some(date) = parse_date(&stem[..10]) {
            let rest = stem[10..].trim_start_matches(['-', '_', ' ']);
            return (Some(date), rest);
        }
    }
    (None, stem)
}

/// `storm-raast-over-zeeland` → `Storm raast over zeeland`.
fn title_from_name(name: &str) -> String {
    let words = name.replace(['-', '_'], " ");
    let words = words.split_whitespace().collect::<Vec<_>>().join(" ");
    let mut chars = words.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// One JSON Lines record; `body` may also be called `text` or `content`.
#[derive(Deserialize)]
struct Record {
    id: Option<serde_json::Value>,
    #[serde(default)]
    title: Option<String>,
    #[serde(default)]
    date: Option<String>,
    #[serde(default)]
    source: Option<String>,
    #[serde(default)]
    url: Option<String>,
    #[serde(alias = "text", alias = "content")]
    body: Option<String>,
}

fn read_json_lines(file_id: &str, display: &str, text: &str, read: &mut FileRead) {
    for (i, line) in text.lines().enumerate() {
        let number = i + 1;
        if line.trim().is_empty() {
            continue;
        }
        let fail = |message: String| Problem {
            path: display.into(),
            line: Some(number),
            message,
        };
        let record: Record = match serde_json::from_str(line) {
            Ok(record) => record,
            Err(err) => {
                read.failures
                    .push(fail(format!("not a JSON article: {err}")));
                continue;
            }
        };
        let Some(body) = record.body else {
            read.failures.push(fail(
                "record has no 'body' (or 'text'/'content') field".into(),
            ));
            continue;
        };
        let id = match record.id {
            Some(serde_json::Value::String(s)) if !s.is_empty() => s,
            Some(serde_json::Value::Number(n)) => n.to_string(),
            _ => format!("{file_id}:{number}"),
        };
        let date = record
            .date
            .and_then(|d| checked_date(&d, display, number, &mut read.warnings));
        read.articles.push(Article {
            id,
            title: record.title.unwrap_or_default(),
            date,
            source: record.source.unwrap_or_default(),
            url: record.url.unwrap_or_default(),
            path: display.to_string(),
            line: number,
            body_has_lines: false,
            body,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text_article(name: &str, text: &str) -> FileRead {
        let mut read = FileRead::default();
        read_text(name, name, text, &mut read);
        read
    }

    #[test]
    fn front_matter_gives_metadata_and_body_line() {
        let read = text_article(
            "a.md",
            "---\ntitle: \"Storm\"\ndate: 2019-03-12\nsource: Nieuwsbode\nurl: https://x.example/1\n---\n\nDe storm.\n",
        );
        let a = &read.articles[0];
        assert_eq!(a.title, "Storm");
        assert_eq!(a.date, parse_date("2019-03-12"));
        assert_eq!(a.source, "Nieuwsbode");
        assert_eq!(a.url, "https://x.example/1");
        assert_eq!(a.line, 8);
        assert_eq!(a.body, "De storm.");
        assert!(read.warnings.is_empty());
    }

    #[test]
    fn heading_is_title_when_there_is_no_front_matter() {
        let read = text_article("b.txt", "# Kop van het stuk\n\nTekst.");
        assert_eq!(read.articles[0].title, "Kop van het stuk");
        assert_eq!(read.articles[0].body, "\nTekst.");
        assert_eq!(read.articles[0].line, 2);
    }

    #[test]
    fn title_comes_from_file_name_not_from_a_long_first_paragraph() {
        let read = text_article(
            "2020-11-18-trump-ontslaat-krebs.txt",
            "De Amerikaanse president heeft iemand ontslagen via Twitter.\n\nMeer.",
        );
        let a = &read.articles[0];
        assert_eq!(a.title, "Trump ontslaat krebs");
        assert_eq!(a.date, parse_date("2020-11-18"));
        assert_eq!(a.line, 1);
    }

    #[test]
    fn bad_date_and_unknown_keys_warn_with_line_numbers() {
        let read = text_article(
            "c.md",
            "---\ntitle: T\ndate: 18 november\nauteur: X\n---\nTekst",
        );
        assert_eq!(read.articles[0].date, None);
        let messages: Vec<String> = read.warnings.iter().map(|w| w.to_string()).collect();
        assert_eq!(messages.len(), 2);
        assert!(
            messages[0].starts_with("c.md:3: date '18 november'"),
            "{messages:?}"
        );
        assert!(messages[1].starts_with("c.md:4: unknown front matter key 'auteur'"));
    }

    #[test]
    fn json_lines_records_with_body_aliases_and_bad_lines() {
        let mut read = FileRead::default();
        let text = concat!(
            "{\"id\":\"x1\",\"title\":\"Een\",\"date\":\"2019-03-01\",\"body\":\"Tekst een.\"}\n",
            "{\"title\":\"Twee\",\"text\":\"Tekst twee.\"}\n",
            "\n",
            "{kapot\n",
            "{\"title\":\"Vier\",\"content\":\"Tekst vier.\",\"date\":null}\n",
            "{\"title\":\"Vijf\"}\n",
        );
        read_json_lines("dir/a.jsonl", "corpus/dir/a.jsonl", text, &mut read);
        let ids: Vec<&str> = read.articles.iter().map(|a| a.id.as_str()).collect();
        assert_eq!(ids, ["x1", "dir/a.jsonl:2", "dir/a.jsonl:5"]);
        assert_eq!(read.articles[1].body, "Tekst twee.");
        assert_eq!(read.articles[2].line, 5);
        let failures: Vec<String> = read.failures.iter().map(|f| f.to_string()).collect();
        assert_eq!(failures.len(), 2);
        assert!(failures[0].starts_with("corpus/dir/a.jsonl:4: not a JSON article"));
        assert!(failures[1].starts_with("corpus/dir/a.jsonl:6: record has no 'body'"));
    }

    #[test]
    fn formats_by_extension() {
        assert_eq!(format_of(Path::new("a.MD")), Ok(Format::Text));
        assert_eq!(format_of(Path::new("a.jsonl")), Ok(Format::JsonLines));
        assert_eq!(
            format_of(Path::new("a.png")),
            Err(Skip::NotArticle(".png".into()))
        );
        assert_eq!(
            format_of(Path::new("Makefile")),
            Err(Skip::NotArticle("no extension".into()))
        );
    }
}
