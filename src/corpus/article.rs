//! What reading the corpus gives: articles, the reasons files are skipped, the problems
//! with files and records, and the dates articles carry.

use std::path::PathBuf;

use time::Date;

/// Why the corpus cannot be walked at all (a problem with one file is a [`Problem`]).
#[derive(Debug, thiserror::Error)]
pub enum CorpusError {
    #[error("corpus folder {} does not exist; give the folder of articles to index", .0.display())]
    Missing(PathBuf),
    #[error("corpus {} is not a folder; give the folder of articles to index", .0.display())]
    NotAFolder(PathBuf),
    #[error("invalid exclude pattern '{pattern}': {source}")]
    BadPattern {
        pattern: String,
        #[source]
        source: ignore::Error,
    },
}

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
    /// Whether the id came from the record (a JSON `id`) rather than from the file's path
    /// and place: only such ids can clash, and a clash is resolved by renaming.
    pub explicit_id: bool,
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
    /// A FIFO, socket or device (also behind a link): only regular files are read.
    NotRegular(&'static str),
    /// A link whose target lies outside the corpus folder (the target).
    LinkOutside(String),
    /// The index folder, which lies inside the corpus.
    IndexFolder,
}

impl std::fmt::Display for Skip {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Skip::NotArticle(ext) => write!(f, "not an article format ({ext})"),
            Skip::Hidden => f.write_str("hidden"),
            Skip::Ignored(rule) => write!(f, "ignored by {rule}"),
            Skip::NotRegular(kind) => write!(f, "not a regular file ({kind})"),
            Skip::LinkOutside(target) => {
                write!(f, "a link out of the corpus (to {target}); not followed")
            }
            Skip::IndexFolder => f.write_str("the index folder"),
        }
    }
}

impl Skip {
    /// The reason without what is particular to one file (a link's target), to count
    /// skips by.
    pub fn kind(&self) -> String {
        match self {
            Skip::LinkOutside(_) => "a link out of the corpus; not followed".to_string(),
            other => other.to_string(),
        }
    }
}

/// Which cap a problem ran into, so that the command line can name the option that
/// changes it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cap {
    Record,
    File,
}

/// The most zoek reads of one article and of one file (see [`Limits::default`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// The largest article: one JSON record (a JSON Lines line, an item of a JSON array, a
    /// JSON object) or one `.md`/`.txt`/`.html` file, in bytes after decompression.
    pub record_bytes: u64,
    /// The largest file read whole: a `.json` file (an array is parsed at once), in bytes
    /// after decompression. JSON Lines files are streamed a record at a time and have no
    /// file cap.
    pub file_bytes: u64,
}

impl Default for Limits {
    /// 16 MB per article (a long news article is 100 KB), 256 MB per file read whole: with
    /// these, a build's peak memory stays under 1 GB whatever the corpus holds.
    fn default() -> Self {
        Limits {
            record_bytes: 16 << 20,
            file_bytes: 256 << 20,
        }
    }
}

/// A size for messages: "16 MB", "4 KB", "100 B" (binary units, as the caps are given).
pub fn byte_size(bytes: u64) -> String {
    let (value, unit) = if bytes >= 1 << 20 {
        (bytes as f64 / f64::from(1u32 << 20), "MB")
    } else if bytes >= 1 << 10 {
        (bytes as f64 / 1024.0, "KB")
    } else {
        return format!("{bytes} B");
    };
    if value >= 10.0 || value.fract() == 0.0 {
        format!("{value:.0} {unit}")
    } else {
        format!("{value:.1} {unit}")
    }
}

/// Something that went wrong with a file or one of its records.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub path: String,
    /// 1-based line, when the problem is with one line or record.
    pub line: Option<usize>,
    pub message: String,
    /// The cap the file or record is over, when that is the problem.
    pub cap: Option<Cap>,
}

impl Problem {
    pub fn new(path: &str, line: Option<usize>, message: impl Into<String>) -> Self {
        Problem {
            path: path.to_string(),
            line,
            message: message.into(),
            cap: None,
        }
    }

    /// A record or file over a cap: `what` of `size` (at least, when it was not read to
    /// its end) is over the cap of `limit` bytes.
    pub fn over_cap(path: &str, line: Option<usize>, cap: Cap, size: u64, limit: u64) -> Self {
        let what = match (cap, line) {
            (Cap::Record, Some(_)) => "record",
            (Cap::Record, None) => "article file",
            (Cap::File, _) => "file",
        };
        let kind = match cap {
            Cap::Record => "record",
            Cap::File => "file",
        };
        let size = if size > limit {
            format!("more than {}", byte_size(limit))
        } else {
            byte_size(size)
        };
        Problem {
            cap: Some(cap),
            ..Problem::new(
                path,
                line,
                format!(
                    "{what} of {size} is over the {kind} cap of {}; not indexed",
                    byte_size(limit)
                ),
            )
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
    /// Records with neither a title nor text: nothing to index, nothing wrong.
    pub skipped: Vec<Problem>,
    /// Articles with a title and no text, indexed as their title.
    pub title_only: u64,
    pub bytes: u64,
}

impl FileRead {
    /// Adds an article read from the corpus: one without text is indexed as its title
    /// (one passage, counted), one without title and text is skipped with the reason.
    pub fn push(&mut self, mut article: Article) {
        if article.body.trim().is_empty() {
            if article.title.trim().is_empty() {
                let line = (article.line > 0).then_some(article.line);
                self.skipped.push(Problem::new(
                    &article.path,
                    line,
                    "neither a title nor text; nothing to index",
                ));
                return;
            }
            article.body = article.title.clone();
            article.body_has_lines = false;
            self.title_only += 1;
        }
        self.articles.push(article);
    }
}

/// Parses a date: `YYYY-MM-DD`, or as Dutch newsrooms write it, `DD-MM-YYYY` (`12-03-2019`,
/// also `1-3-2019`) and `D maand YYYY` (`12 maart 2019`, `1 mrt. 2019`).
pub fn parse_date(s: &str) -> Option<Date> {
    let s = s.trim();
    let format = time::macros::format_description!("[year]-[month]-[day]");
    if let Ok(date) = Date::parse(s, &format) {
        return Some(date);
    }
    let number = |text: &str, digits: std::ops::RangeInclusive<usize>| {
        (digits.contains(&text.len()) && text.bytes().all(|b| b.is_ascii_digit()))
            .then(|| text.parse::<u16>().ok())
            .flatten()
    };
    let (day, month, year) = match s.split('-').collect::<Vec<_>>().as_slice() {
        [d, m, y] => (number(d, 1..=2)?, number(m, 1..=2)?, number(y, 4..=4)?),
        _ => match s.split_whitespace().collect::<Vec<_>>().as_slice() {
            [d, m, y] => (
                number(d, 1..=2)?,
                u16::from(u8::from(month_named(m)?)),
                number(y, 4..=4)?,
            ),
            _ => return None,
        },
    };
    let month = time::Month::try_from(u8::try_from(month).ok()?).ok()?;
    Date::from_calendar_date(i32::from(year), month, u8::try_from(day).ok()?).ok()
}

/// A Dutch month by its name or the usual abbreviation (`maart`, `mrt`, `mrt.`), in any case.
pub fn month_named(name: &str) -> Option<time::Month> {
    use time::Month::*;
    let name = name.trim_end_matches('.').to_lowercase();
    Some(match name.as_str() {
        "januari" | "jan" => January,
        "februari" | "feb" | "febr" => February,
        "maart" | "mrt" | "mar" => March,
        "april" | "apr" => April,
        "mei" => May,
        "juni" | "jun" => June,
        "juli" | "jul" => July,
        "augustus" | "aug" => August,
        "september" | "sep" | "sept" => September,
        "oktober" | "okt" | "oct" => October,
        "november" | "nov" => November,
        "december" | "dec" => December,
        _ => return None,
    })
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
    // A Dutch date may be followed by a time too (`12-03-2019 08:15`, `12 maart 2019, 08:15`).
    let dutch = || {
        let words: Vec<&str> = value.split_whitespace().collect();
        parse_date(words.first()?)
            .or_else(|| parse_date(words.get(..3)?.join(" ").trim_end_matches(',')))
    };
    let date = day
        .and_then(parse_date)
        .or_else(|| parse_date(value))
        .or_else(dutch);
    if date.is_none() {
        warnings.push(bad_date(path, line, &format!("'{value}'")));
    }
    date
}

/// The one warning for every date that cannot be used (a string that does not parse, a
/// number, anything else): the article is kept, without a date.
pub fn bad_date(path: &str, line: Option<usize>, shown: &str) -> Problem {
    Problem::new(
        path,
        line,
        format!(
            "date {shown} is not YYYY-MM-DD, DD-MM-YYYY or D maand YYYY; article indexed without a date"
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

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
        assert_eq!(
            checked_date("12 maart 2019", "a", None, &mut warnings),
            expected
        );
        assert_eq!(warnings.len(), 2);
        assert_eq!(
            warnings[0].to_string(),
            "a:4: date '2019-13-01' is not YYYY-MM-DD, DD-MM-YYYY or D maand YYYY; article indexed without a date"
        );
    }
}
