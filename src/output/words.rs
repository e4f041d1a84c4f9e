//! The words both printers use for what a search found: analysis steps, fields, and the
//! notes about a whole query.

use crate::index::TextField;
use crate::search::explain::Note;
use crate::search::highlight::Step;
use crate::search::{GroupBy, GroupKey};

/// The name of an analysis step, as both printers show it.
pub(crate) fn step_name(step: Step) -> &'static str {
    match step {
        Step::Exact => "exact",
        Step::Folded => "folded",
        Step::Stem => "stem",
        Step::Hyphen => "hyphen",
        Step::Phrase => "phrase",
        Step::Fuzzy(_) => "fuzzy",
        Step::Prefix => "prefix",
        Step::CompoundPart => "compound part",
    }
}

/// The name of a text field, as both printers show it.
pub(crate) fn field_name(field: TextField) -> &'static str {
    match field {
        TextField::Title => "title",
        TextField::Body => "body",
    }
}

pub(crate) fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// A remark about a whole query, in words.
pub fn note_text(note: &Note) -> String {
    match note {
        Note::Filter(filter) => format!("filter: {filter}"),
        Note::UndatedLeftOut(count) => format!(
            "articles without a date are excluded by the date filter: {} without a date would otherwise match",
            plural(count.articles as usize, "article", "articles")
        ),
        Note::Expansion {
            word, total: None, ..
        } => format!(
            "{word} expands to more than {} index terms",
            crate::query::vocab::MAX_EXPANSIONS
        ),
        Note::Expansion {
            word,
            total: Some(total),
            shown,
        } => {
            let terms: Vec<String> = shown
                .iter()
                .map(|e| match e.edits {
                    0 => format!("{} ({})", e.term, e.doc_freq),
                    n => format!(
                        "{} ({}, {})",
                        e.term,
                        e.doc_freq,
                        plural(usize::from(n), "edit", "edits")
                    ),
                })
                .collect();
            let more = total.saturating_sub(shown.len());
            format!(
                "{word} expands to {}: {}{}",
                plural(*total, "index term", "index terms"),
                if terms.is_empty() {
                    "none".to_string()
                } else {
                    terms.join(", ")
                },
                if more > 0 {
                    format!(", … {more} more")
                } else {
                    String::new()
                }
            )
        }
    }
}

/// What a count is grouped by, as a column heading.
pub(crate) fn group_by_name(by: GroupBy) -> &'static str {
    match by {
        GroupBy::Month => "month",
        GroupBy::Year => "year",
        GroupBy::Source => "source",
    }
}

/// A group's key as data (`2020`, `2020-11`, a source's name); `None` for the articles
/// without a date or a source.
pub(crate) fn group_key_value(key: &GroupKey) -> Option<String> {
    match key {
        GroupKey::Period {
            year,
            month: Some(month),
        } => Some(format!("{year:04}-{month:02}")),
        GroupKey::Period { year, month: None } => Some(format!("{year:04}")),
        GroupKey::Source(name) => Some(name.clone()),
        GroupKey::Undated | GroupKey::NoSource => None,
    }
}

/// A group's key for a person: the value, or what the articles lack.
pub(crate) fn group_key_text(key: &GroupKey) -> String {
    group_key_value(key).unwrap_or_else(|| match key {
        GroupKey::Undated => "(no date)".to_string(),
        _ => "(no source)".to_string(),
    })
}

/// The first words of an untitled article's text, for its heading.
pub fn lead_words(text: &str) -> String {
    const WORDS: usize = 10;
    let mut words = text.split_whitespace();
    let first: Vec<&str> = words.by_ref().take(WORDS).collect();
    let more = if words.next().is_some() { " …" } else { "" };
    format!("{}{more}", first.join(" "))
}

/// The heading of an article without a title: its first words, marked as not a title.
pub(crate) fn untitled_heading(lead: Option<&str>) -> String {
    match lead {
        Some(text) => format!("(untitled) {}", lead_words(text)),
        None => "(untitled)".to_string(),
    }
}

/// Where a passage is, as `path:line` (a real line of the file, for editors), with the
/// passage's place in its article when other passages start on the same line.
pub(crate) fn location(path: &str, line: u64, ordinal: u64, shared_line: bool) -> String {
    if shared_line {
        format!("{path}:{line}, passage {}", ordinal + 1)
    } else {
        format!("{path}:{line}")
    }
}

/// A yyyymmdd date key as `YYYY-MM-DD`.
pub(crate) fn date_key_text(key: i64) -> String {
    format!(
        "{:04}-{:02}-{:02}",
        key / 10_000,
        key / 100 % 100,
        key % 100
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn singular_and_plural() {
        assert_eq!(plural(1, "article", "articles"), "1 article");
        assert_eq!(plural(0, "article", "articles"), "0 articles");
        assert_eq!(plural(2, "warning", "warnings"), "2 warnings");
    }

    #[test]
    fn untitled_headings_are_the_first_words_marked() {
        assert_eq!(
            untitled_heading(Some(
                "Een twee drie vier vijf zes zeven acht negen tien elf"
            )),
            "(untitled) Een twee drie vier vijf zes zeven acht negen tien …"
        );
        assert_eq!(untitled_heading(Some("Kort.")), "(untitled) Kort.");
        assert_eq!(untitled_heading(None), "(untitled)");
    }

    #[test]
    fn locations_name_the_passage_when_lines_are_shared() {
        assert_eq!(location("a.txt", 23, 4, false), "a.txt:23");
        assert_eq!(location("a.jsonl", 2, 2, true), "a.jsonl:2, passage 3");
        assert_eq!(date_key_text(20190312), "2019-03-12");
    }
}
