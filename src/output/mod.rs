//! Output: how results look. [`human`] output for people (colour only on a terminal),
//! [`json`] Lines (the wire format for scripts), [`trec`] runs, [`tsv`] tables; [`words`] holds the wording
//! both printers share.
//!
//! Printing is kept apart from searching, as in ripgrep: the search stage hands over hits
//! with byte-range highlights (and context, explanations, counts, suggestions) as data, and
//! this stage words and styles them. Every sentence zoek shows about a result, a build or a
//! query error is made here.

pub mod human;
pub mod json;
pub mod trec;
pub mod tsv;
pub mod words;

pub use human::{
    build_summary, check_lines, count_text, damaged_index, no_article, print_article, print_count,
    print_groups, print_hit, print_notes, print_query_header, print_stats, print_tokens,
    problem_line, query_error, shown_folder, snippet, suggestion_line, Snippet, SNIPPET_CHARS,
};
