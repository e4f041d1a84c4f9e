//! What reading the corpus gives: articles, the reasons files are skipped, the problems
//! with files and records, and the dates articles carry.

use std::path::PathBuf;

use time::Date;

/// Why the corpus cannot be walked at all (a problem with one file is a [`Problem`]).
#[derive(Debug, thiserror::Error)]
pub enum CorpusError {
    #[error("corpus folder {} does not exist; give the folder of articles to index", .0.display())]
    Missing(PathBuf),
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
        warnings.push(Problem::new(
            path,
            line,
            format!("date '{value}' is not YYYY-MM-DD, DD-MM-YYYY or D maand YYYY; article indexed without a date"),
        ));
    }
    date
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
