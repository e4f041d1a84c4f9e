//! The words both printers use for what a search found: analysis steps, fields, and the
//! notes about a whole query.

use crate::index::TextField;
use crate::search::explain::Note;
use crate::search::highlight::Step;

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
            "articles without a date are excluded by the date filter: {} passages of {} articles without a date would otherwise match",
            count.passages, count.articles
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
