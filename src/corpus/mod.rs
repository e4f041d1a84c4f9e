//! Corpus reading: walks a folder and turns its files into articles.
//!
//! Owns the file formats and the bookkeeping that every file and record ends as indexed,
//! skipped or failed, with a reason. [`walk`] finds the files (sorted, ignore files
//! respected), [`decode`] turns bytes into text, and one module per format makes articles:
//! [`text`] (`.md`/`.txt` with front matter), [`json`] (`.jsonl`, `.json`, also gzipped),
//! [`html`] (`.html`/`.htm`).

pub mod decode;
pub mod html;
pub mod json;
pub mod text;
pub mod walk;

use std::fs;
use std::path::Path;

use time::Date;

pub use walk::{walk, Entry, WalkOptions};

/// One article, as read from the corpus.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Article {
    /// Stable id: the `id` of a JSON record, else the path relative to the corpus
    /// (`:LINE` appended for a JSON Lines record without id, `#N` for the Nth object of a
    /// JSON array).
    pub id: String,
    pub title: String,
    pub date: Option<Date>,
    pub source: String,
    pub url: String,
    /// The file, as reached from the corpus folder given on the command line.
    pub path: String,
    /// 1-based line of the file where the body starts (the record's line for JSON).
    pub line: usize,
    /// Whether passages get their own line numbers (text files) or all share `line`.
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
    /// Matched an ignore rule: `--exclude` or a `.gitignore`/`.zoekignore` line.
    Ignored(String),
}

impl std::fmt::Display for Skip {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Skip::NotArticle(ext) => write!(f, "not an article format ({ext})"),
            Skip::Hidden => f.write_str("hidden"),
            Skip::Ignored(rule) => write!(f, "ignored by {rule}"),
        }
    }
}

/// Something that went wrong with a file or one of its records.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub path: String,
    /// 1-based line, when the problem is with one line or record.
    pub line: Option<usize>,
    pub message: String,
}

impl Problem {
    pub fn new(path: &str, line: Option<usize>, message: impl Into<String>) -> Self {
        Problem {
            path: path.to_string(),
            line,
            message: message.into(),
        }
    }
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

/// The article formats zoek reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Text,
    JsonLines,
    Json,
    Html,
}

/// The format of a file by its name, and whether it is gzipped (`.jsonl.gz`, `.json.gz`).
pub fn format_of(path: &Path) -> Result<(Format, bool), Skip> {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_lowercase())
        .unwrap_or_default();
    let (name, gzipped) = match name.strip_suffix(".gz") {
        Some(inner) => (inner.to_string(), true),
        None => (name, false),
    };
    let ext = Path::new(&name)
        .extension()
        .map(|e| e.to_string_lossy().into_owned())
        .unwrap_or_default();
    let format = match ext.as_str() {
        "md" | "markdown" | "txt" if !gzipped => Format::Text,
        "html" | "htm" if !gzipped => Format::Html,
        "jsonl" => Format::JsonLines,
        "json" => Format::Json,
        "" if gzipped => return Err(Skip::NotArticle(".gz".into())),
        "" => return Err(Skip::NotArticle("no extension".into())),
        other if gzipped => return Err(Skip::NotArticle(format!(".{other}.gz"))),
        other => return Err(Skip::NotArticle(format!(".{other}"))),
    };
    Ok((format, gzipped))
}

/// Reads the bytes of an article file, or says why it cannot.
pub fn read_bytes(path: &Path, display: &str) -> Result<Vec<u8>, Problem> {
    fs::read(path).map_err(|err| Problem::new(display, None, format!("cannot read: {err}")))
}

/// Parses the bytes of an article file found by [`walk`]; `id` is its corpus-relative path.
pub fn parse_file(id: &str, path: &Path, display: &str, bytes: Vec<u8>) -> FileRead {
    let mut read = FileRead {
        bytes: bytes.len() as u64,
        ..FileRead::default()
    };
    let (format, gzipped) = match format_of(path) {
        Ok(found) => found,
        Err(why) => {
            read.failures
                .push(Problem::new(display, None, why.to_string()));
            return read;
        }
    };
    let text = match decode::text_of(bytes, gzipped) {
        Ok(decoded) => {
            if let Some(note) = decoded.note {
                read.warnings.push(Problem::new(display, None, note));
            }
            decoded.text
        }
        Err(message) => {
            read.failures.push(Problem::new(display, None, message));
            return read;
        }
    };
    match format {
        Format::Text => text::read(id, display, &text, &mut read),
        Format::JsonLines => json::read_lines(id, display, &text, &mut read),
        Format::Json => json::read_document(id, display, &text, &mut read),
        Format::Html => html::read(id, display, &text, &mut read),
    }
    read
}

/// Parses `YYYY-MM-DD`.
pub fn parse_date(s: &str) -> Option<Date> {
    let format = time::macros::format_description!("[year]-[month]-[day]");
    Date::parse(s.trim(), &format).ok()
}

/// Checks a date from the corpus, warning (and dropping it) when it does not parse.
/// Timestamps (`2019-03-12T08:00:00Z`) count by their date.
pub fn checked_date(
    value: &str,
    path: &str,
    line: Option<usize>,
    warnings: &mut Vec<Problem>,
) -> Option<Date> {
    let value = value.trim();
    if value.is_empty() {
        return None;
    }
    let day = value
        .get(..10)
        .filter(|_| value.len() == 10 || value[10..].starts_with(['T', ' ']));
    let date = day.and_then(parse_date);
    if date.is_none() {
        warnings.push(Problem::new(
            path,
            line,
            format!("date '{value}' is not YYYY-MM-DD; article indexed without a date"),
        ));
    }
    date
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_by_extension() {
        assert_eq!(format_of(Path::new("a.MD")), Ok((Format::Text, false)));
        assert_eq!(
            format_of(Path::new("a.jsonl")),
            Ok((Format::JsonLines, false))
        );
        assert_eq!(
            format_of(Path::new("a.jsonl.gz")),
            Ok((Format::JsonLines, true))
        );
        assert_eq!(format_of(Path::new("a.json.GZ")), Ok((Format::Json, true)));
        assert_eq!(format_of(Path::new("a.htm")), Ok((Format::Html, false)));
        assert_eq!(
            format_of(Path::new("a.png")),
            Err(Skip::NotArticle(".png".into()))
        );
        assert_eq!(
            format_of(Path::new("a.txt.gz")),
            Err(Skip::NotArticle(".txt.gz".into()))
        );
        assert_eq!(
            format_of(Path::new("Makefile")),
            Err(Skip::NotArticle("no extension".into()))
        );
    }

    #[test]
    fn dates_and_timestamps() {
        let mut warnings = Vec::new();
        let expected = parse_date("2019-03-12");
        assert!(expected.is_some());
        assert_eq!(
            checked_date("2019-03-12", "a", None, &mut warnings),
            expected
        );
        assert_eq!(
            checked_date("2019-03-12T08:00:00+01:00", "a", None, &mut warnings),
            expected
        );
        assert!(warnings.is_empty());
        assert_eq!(
            checked_date("2019-13-01", "a", Some(4), &mut warnings),
            None
        );
        assert_eq!(checked_date("12 maart", "a", Some(5), &mut warnings), None);
        assert_eq!(warnings.len(), 2);
        assert_eq!(
            warnings[0].to_string(),
            "a:4: date '2019-13-01' is not YYYY-MM-DD; article indexed without a date"
        );
    }
}
