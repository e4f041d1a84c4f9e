//! Filters: narrowing a search by date and source, from the command line (`--since`,
//! `--until`, `--source`) or the query (`date:[2019-03-01 TO 2019-03-31]`, `source:NAME`).
//!
//! Owns the date syntax (YYYY-MM-DD, YYYY-MM, YYYY: a period, from its first to its last
//! day) and the index keys filters compare: an article's date as the integer `YYYYMMDD` in
//! an indexed fast field, its source as one folded keyword. Filters never change scores.

use std::fmt;
use std::ops::Bound;

use time::{Date, Month};

use crate::analysis::DutchAnalyzer;

/// The `YYYYMMDD` key of a date, as indexed in the `date_key` fast field.
pub fn date_key(date: Date) -> i64 {
    i64::from(date.year()) * 10_000
        + i64::from(u8::from(date.month())) * 100
        + i64::from(date.day())
}

/// A calendar period written as `YYYY`, `YYYY-MM` or `YYYY-MM-DD`: its first and last day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Period {
    pub first: Date,
    pub last: Date,
}

const DATE_FORMS: &str = "dates are YYYY-MM-DD, YYYY-MM or YYYY";

/// Parses a period; the error is one line that says what is wrong.
pub fn parse_period(text: &str) -> Result<Period, String> {
    let bad = |why: &str| format!("invalid date '{text}': {why} ({DATE_FORMS})");
    let parts: Vec<&str> = text.split('-').collect();
    let widths: Vec<usize> = parts.iter().map(|p| p.len()).collect();
    let numeric = parts
        .iter()
        .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()));
    if !numeric || !matches!(widths.as_slice(), [4] | [4, 2] | [4, 2, 2]) {
        return Err(bad("not a date"));
    }
    let number = |i: usize| parts[i].parse::<u16>().unwrap_or(0);
    let year = i32::from(number(0));
    let month = match parts.get(1) {
        None => None,
        Some(_) => Some(
            u8::try_from(number(1))
                .ok()
                .and_then(|m| Month::try_from(m).ok())
                .ok_or_else(|| bad(&format!("there is no month {}", parts[1])))?,
        ),
    };
    let first_of = |month: Month| {
        Date::from_calendar_date(year, month, 1).map_err(|_| bad("year out of range"))
    };
    match (month, parts.get(2)) {
        (None, _) => Ok(Period {
            first: first_of(Month::January)?,
            last: Date::from_calendar_date(year, Month::December, 31)
                .map_err(|_| bad("year out of range"))?,
        }),
        (Some(month), None) => {
            let first = first_of(month)?;
            let last = Date::from_calendar_date(year, month, first.month().length(year))
                .map_err(|_| bad("year out of range"))?;
            Ok(Period { first, last })
        }
        (Some(month), Some(day)) => {
            let date = Date::from_calendar_date(year, month, u8::try_from(number(2)).unwrap_or(0))
                .map_err(|_| bad(&format!("{} has no day {day}", &text[..7])))?;
            Ok(Period {
                first: date,
                last: date,
            })
        }
    }
}

/// An inclusive range of days; an open end is `None`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DateRange {
    pub from: Option<Date>,
    pub to: Option<Date>,
}

impl DateRange {
    /// The whole of one period (`date:2019-03`).
    pub fn period(period: Period) -> Self {
        DateRange {
            from: Some(period.first),
            to: Some(period.last),
        }
    }

    /// `[A TO B]`, the inside of the brackets; `*` leaves an end open. The range runs from
    /// the first day of A to the last day of B.
    pub fn parse_bracketed(inside: &str) -> Result<Self, String> {
        let words: Vec<&str> = inside.split_whitespace().collect();
        let [from, to_word, to] = words.as_slice() else {
            return Err(format!(
                "invalid date range '[{inside}]'; write date:[2019-03-01 TO 2019-03-31] ({DATE_FORMS}, * for an open end)"
            ));
        };
        if !to_word.eq_ignore_ascii_case("to") {
            return Err(format!(
                "invalid date range '[{inside}]': 'TO' expected between the dates"
            ));
        }
        let end = |text: &str| -> Result<Option<Period>, String> {
            if text == "*" {
                Ok(None)
            } else {
                parse_period(text).map(Some)
            }
        };
        Self::checked(end(from)?.map(|p| p.first), end(to)?.map(|p| p.last))
    }

    /// A range from `--since` and `--until` values.
    pub fn since_until(since: Option<&str>, until: Option<&str>) -> Result<Option<Self>, String> {
        if since.is_none() && until.is_none() {
            return Ok(None);
        }
        let from = since
            .map(parse_period)
            .transpose()
            .map_err(|e| format!("--since: {e}"))?;
        let to = until
            .map(parse_period)
            .transpose()
            .map_err(|e| format!("--until: {e}"))?;
        Self::checked(from.map(|p| p.first), to.map(|p| p.last)).map(Some)
    }

    fn checked(from: Option<Date>, to: Option<Date>) -> Result<Self, String> {
        if let (Some(f), Some(t)) = (from, to) {
            if f > t {
                return Err(format!("empty date range: {f} is after {t}"));
            }
        }
        Ok(DateRange { from, to })
    }

    /// Bounds on the `date_key` field.
    pub fn key_bounds(&self) -> (Bound<i64>, Bound<i64>) {
        let bound = |d: Option<Date>| d.map_or(Bound::Unbounded, |d| Bound::Included(date_key(d)));
        (bound(self.from), bound(self.to))
    }
}

impl fmt::Display for DateRange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let end = |d: Option<Date>| d.map_or("*".to_string(), |d| d.to_string());
        write!(f, "{} to {}", end(self.from), end(self.to))
    }
}

/// One filter, from the command line or the query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Filter {
    /// Articles dated in the range; articles without a date never pass.
    Date(DateRange),
    /// Articles of the source, compared as [`DutchAnalyzer::keyword`]s.
    Source(String),
}

impl fmt::Display for Filter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Filter::Date(range) => write!(f, "date {range}"),
            Filter::Source(name) => write!(f, "source '{name}'"),
        }
    }
}

/// The filters of the command line: `--since`/`--until` and any `--source` (either one).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Filters {
    pub date: Option<DateRange>,
    pub sources: Vec<String>,
}

impl Filters {
    /// From the raw option values; errors are one line.
    pub fn parse(
        since: Option<&str>,
        until: Option<&str>,
        sources: &[String],
    ) -> Result<Self, String> {
        if let Some(empty) = sources.iter().find(|s| s.trim().is_empty()) {
            return Err(format!("--source needs a name, got '{empty}'"));
        }
        Ok(Filters {
            date: DateRange::since_until(since, until)?,
            sources: sources.to_vec(),
        })
    }

    pub fn is_empty(&self) -> bool {
        self.date.is_none() && self.sources.is_empty()
    }
}

/// The source key of a name: its folded words (see [`DutchAnalyzer::keyword`]).
pub fn source_key(analyzer: &DutchAnalyzer, name: &str) -> String {
    analyzer.keyword(name)
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn periods_of_a_year_a_month_and_a_day() {
        assert_eq!(
            parse_period("2019").unwrap(),
            Period {
                first: date!(2019 - 01 - 01),
                last: date!(2019 - 12 - 31)
            }
        );
        assert_eq!(
            parse_period("2020-02").unwrap(),
            Period {
                first: date!(2020 - 02 - 01),
                last: date!(2020 - 02 - 29)
            }
        );
        assert_eq!(parse_period("2019-02").unwrap().last, date!(2019 - 02 - 28));
        assert_eq!(
            parse_period("2019-03-12").unwrap(),
            Period {
                first: date!(2019 - 03 - 12),
                last: date!(2019 - 03 - 12)
            }
        );
    }

    #[test]
    fn bad_dates_are_one_line_messages() {
        for (text, expected) in [
            ("2019-13", "there is no month 13"),
            ("2019-00", "there is no month 00"),
            ("2019-02-30", "2019-02 has no day 30"),
            ("19-03", "not a date"),
            ("2019/03", "not a date"),
            ("maart", "not a date"),
            ("2019-3", "not a date"),
            ("", "not a date"),
        ] {
            let err = parse_period(text).unwrap_err();
            assert!(err.contains(expected), "{text}: {err}");
            assert!(err.contains("YYYY-MM-DD"), "{err}");
            assert!(!err.contains('\n'));
        }
    }

    #[test]
    fn bracketed_ranges_run_from_first_to_last_day() {
        let range = DateRange::parse_bracketed("2019-03 TO 2020").unwrap();
        assert_eq!(range.from, Some(date!(2019 - 03 - 01)));
        assert_eq!(range.to, Some(date!(2020 - 12 - 31)));
        let open = DateRange::parse_bracketed("* to 2019-03-31").unwrap();
        assert_eq!(open.from, None);
        assert_eq!(
            open.key_bounds(),
            (Bound::Unbounded, Bound::Included(20190331))
        );
        assert!(DateRange::parse_bracketed("2019 2020")
            .unwrap_err()
            .contains("date:[2019-03-01 TO 2019-03-31]"));
        assert!(DateRange::parse_bracketed("2019 TOT 2020")
            .unwrap_err()
            .contains("'TO' expected"));
        assert!(DateRange::parse_bracketed("2021 TO 2019")
            .unwrap_err()
            .contains("empty date range"));
    }

    #[test]
    fn since_and_until() {
        assert_eq!(DateRange::since_until(None, None).unwrap(), None);
        let range = DateRange::since_until(Some("2019-03"), Some("2019-03"))
            .unwrap()
            .unwrap();
        assert_eq!(
            range.key_bounds(),
            (Bound::Included(20190301), Bound::Included(20190331))
        );
        let err = DateRange::since_until(Some("2019-13"), None).unwrap_err();
        assert!(err.starts_with("--since: invalid date '2019-13'"), "{err}");
    }

    #[test]
    fn date_keys_order_like_dates() {
        assert_eq!(date_key(date!(2019 - 03 - 12)), 20190312);
        assert!(date_key(date!(2019 - 12 - 31)) < date_key(date!(2020 - 01 - 01)));
    }
}
