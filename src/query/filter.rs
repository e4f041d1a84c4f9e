//! Filters: the user's syntax for narrowing a search by date and source, in the query
//! (`date:[2019-03-01 TO 2019-03-31]`, `date:2019-03`, `source:NAME`) or from the command
//! line's options.
//!
//! Owns the date syntax (YYYY-MM-DD, YYYY-MM, YYYY: a period, from its first to its last
//! day; and as Dutch is written, `12-03-2019`, `12 maart 2019`, `maart 2019`). The keys that filters compare in the index belong to the schema
//! ([`crate::index::schema`]). Filters never change scores.

use std::fmt;
use std::ops::Bound;

use time::{Date, Month};

use crate::corpus::{month_named, parse_date};
use crate::index::schema::date_key;

/// A calendar period written as `YYYY`, `YYYY-MM` or `YYYY-MM-DD`: its first and last day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Period {
    pub first: Date,
    pub last: Date,
}

/// A date or date range that cannot be read; the message says what is wrong, in one line.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DateError {
    #[error("invalid date '{text}': {why} (dates are YYYY-MM-DD, YYYY-MM or YYYY, or 12-03-2019, 12 maart 2019, maart 2019)")]
    Invalid { text: String, why: String },
    #[error("invalid date range '[{0}]'; write date:[2019-03-01 TO 2019-03-31] (dates are YYYY-MM-DD, YYYY-MM or YYYY, * for an open end)")]
    BadRange(String),
    #[error("invalid date range '[{0}]': 'TO' expected between the dates")]
    MissingTo(String),
    #[error("empty date range: {from} is after {to}")]
    Empty { from: Date, to: Date },
}

/// Parses a period: `YYYY`, `YYYY-MM`, `YYYY-MM-DD`, or in the Dutch way a day
/// (`12-03-2019`, `12 maart 2019`) or a month (`maart 2019`).
pub fn parse_period(text: &str) -> Result<Period, DateError> {
    let bad = |why: &str| DateError::Invalid {
        text: text.to_string(),
        why: why.to_string(),
    };
    if let Some(period) = dutch_period(text) {
        return Ok(period);
    }
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

/// A day written the Dutch way (`12-03-2019`, `12 maart 2019`) or a month (`maart 2019`).
fn dutch_period(text: &str) -> Option<Period> {
    if text.starts_with(|c: char| c.is_ascii_digit()) && text.get(4..5) != Some("-") {
        let day = parse_date(text)?;
        return Some(Period {
            first: day,
            last: day,
        });
    }
    let [month, year] = text.split_whitespace().collect::<Vec<_>>()[..] else {
        return None;
    };
    let month = month_named(month)?;
    let year: i32 = year.parse().ok().filter(|_| year.len() == 4)?;
    Some(Period {
        first: Date::from_calendar_date(year, month, 1).ok()?,
        last: Date::from_calendar_date(year, month, month.length(year)).ok()?,
    })
}

/// An inclusive range of days; an open end is `None`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
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
    pub fn parse_bracketed(inside: &str) -> Result<Self, DateError> {
        let words: Vec<&str> = inside.split_whitespace().collect();
        // Dates of several words (`1 maart 2019`) stand on either side of `TO`.
        let (from, to) = match words.iter().position(|w| w.eq_ignore_ascii_case("to")) {
            Some(at) if at > 0 && at + 1 < words.len() => {
                (words[..at].join(" "), words[at + 1..].join(" "))
            }
            _ if words.len() == 3 => return Err(DateError::MissingTo(inside.to_string())),
            _ => return Err(DateError::BadRange(inside.to_string())),
        };
        let (from, to) = (from.as_str(), to.as_str());
        let end = |text: &str| -> Result<Option<Period>, DateError> {
            if text == "*" {
                Ok(None)
            } else {
                parse_period(text).map(Some)
            }
        };
        Self::checked(end(from)?.map(|p| p.first), end(to)?.map(|p| p.last))
    }

    /// From the first day of `since` to the last day of `until`; `None` when neither is
    /// given.
    pub fn between(
        since: Option<Period>,
        until: Option<Period>,
    ) -> Result<Option<Self>, DateError> {
        if since.is_none() && until.is_none() {
            return Ok(None);
        }
        Self::checked(since.map(|p| p.first), until.map(|p| p.last)).map(Some)
    }

    fn checked(from: Option<Date>, to: Option<Date>) -> Result<Self, DateError> {
        if let (Some(f), Some(t)) = (from, to) {
            if f > t {
                return Err(DateError::Empty { from: f, to: t });
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
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Filter {
    /// Articles dated in the range; articles without a date never pass.
    Date(DateRange),
    /// Articles of the source, compared by their source keys
    /// ([`crate::index::schema::source_key`]).
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

/// Filters that narrow a whole query from outside it (the command line's options): the
/// date range, and any of the sources.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Filters {
    pub date: Option<DateRange>,
    pub sources: Vec<String>,
}

impl Filters {
    pub fn is_empty(&self) -> bool {
        self.date.is_none() && self.sources.is_empty()
    }
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
    fn dutch_dates_and_months() {
        let day = Period {
            first: date!(2019 - 03 - 12),
            last: date!(2019 - 03 - 12),
        };
        for text in ["12-03-2019", "12 maart 2019", "12 Mrt. 2019"] {
            assert_eq!(parse_period(text).unwrap(), day, "{text}");
        }
        assert_eq!(
            parse_period("februari 2020").unwrap(),
            Period {
                first: date!(2020 - 02 - 01),
                last: date!(2020 - 02 - 29)
            }
        );
        assert!(parse_period("31-02-2019").is_err());
        assert!(parse_period("12 maartje 2019").is_err());
        let range = DateRange::parse_bracketed("1 maart 2019 TO 30-06-2019").unwrap();
        assert_eq!(range.from, Some(date!(2019 - 03 - 01)));
        assert_eq!(range.to, Some(date!(2019 - 06 - 30)));
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
            let err = parse_period(text).unwrap_err().to_string();
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
        let error = |inside: &str| DateRange::parse_bracketed(inside).unwrap_err().to_string();
        assert!(error("2019 2020").contains("date:[2019-03-01 TO 2019-03-31]"));
        assert!(error("2019 TOT 2020").contains("'TO' expected"));
        assert!(error("2021 TO 2019").contains("empty date range"));
    }

    #[test]
    fn ranges_between_two_periods() {
        assert_eq!(DateRange::between(None, None).unwrap(), None);
        let march = parse_period("2019-03").ok();
        let range = DateRange::between(march, march).unwrap().unwrap();
        assert_eq!(
            range.key_bounds(),
            (Bound::Included(20190301), Bound::Included(20190331))
        );
        let err = DateRange::between(parse_period("2020").ok(), march).unwrap_err();
        assert_eq!(
            err.to_string(),
            "empty date range: 2020-01-01 is after 2019-03-31"
        );
    }
}
