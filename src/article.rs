//! Whole articles from the index: the passages of one article in order, or the neighbours
//! of one passage (`--context`), found by the article id and the passage ordinal (indexed
//! fields), never by scanning stored documents. `zoek show` prints what [`load`] returns.

use std::ops::Bound;

use anyhow::Result;
use serde::Serialize;
use tantivy::collector::DocSetCollector;
use tantivy::query::{BooleanQuery, Occur, Query, RangeQuery, TermQuery};
use tantivy::schema::{IndexRecordOption, Value};
use tantivy::{Searcher, TantivyDocument, Term};

use crate::analysis::DutchAnalyzer;
use crate::index::{Fields, ZoekIndex};
use crate::query::{self, Level, Matcher};
use crate::search::highlight;

/// One passage of an article, with the query's matches in it.
#[derive(Debug, Clone, Serialize)]
pub struct ContextPassage {
    pub line: u64,
    pub passage: String,
    pub highlights: Vec<(usize, usize)>,
    /// Place in the article (0 for the first passage).
    #[serde(skip)]
    pub ordinal: u64,
}

/// An article as the index holds it.
#[derive(Debug, Clone, Serialize)]
pub struct Article {
    pub article_id: String,
    pub title: String,
    pub date: Option<String>,
    pub source: String,
    pub url: String,
    pub path: String,
    pub passages: Vec<ContextPassage>,
}

fn text_of(doc: &TantivyDocument, field: tantivy::schema::Field) -> String {
    doc.get_first(field)
        .and_then(|v| v.as_str())
        .unwrap_or_default()
        .to_string()
}

fn number_of(doc: &TantivyDocument, field: tantivy::schema::Field) -> u64 {
    doc.get_first(field)
        .and_then(|v| v.as_u64())
        .unwrap_or_default()
}

/// The passages of `article_id` whose ordinal lies in `from..=to`, in order.
fn passages(
    searcher: &Searcher,
    fields: &Fields,
    article_id: &str,
    from: u64,
    to: u64,
) -> Result<Vec<TantivyDocument>> {
    let query = BooleanQuery::new(vec![
        (
            Occur::Must,
            Box::new(TermQuery::new(
                Term::from_field_text(fields.article_id, article_id),
                IndexRecordOption::Basic,
            )) as Box<dyn Query>,
        ),
        (
            Occur::Must,
            Box::new(RangeQuery::new(
                Bound::Included(Term::from_field_u64(fields.ordinal, from)),
                Bound::Included(Term::from_field_u64(fields.ordinal, to)),
            )),
        ),
        (Occur::Must, query::level_filter(fields, Level::Passage)),
    ]);
    let mut docs = Vec::new();
    for address in searcher.search(&query, &DocSetCollector)? {
        docs.push(searcher.doc::<TantivyDocument>(address)?);
    }
    docs.sort_by_key(|doc| number_of(doc, fields.ordinal));
    Ok(docs)
}

fn context_passage(
    doc: &TantivyDocument,
    fields: &Fields,
    analyzer: &DutchAnalyzer,
    matchers: &[Matcher],
) -> ContextPassage {
    let passage = text_of(doc, fields.body);
    ContextPassage {
        line: number_of(doc, fields.line),
        highlights: highlight(analyzer, matchers, &passage),
        passage,
        ordinal: number_of(doc, fields.ordinal),
    }
}

/// Up to `n` passages before and after passage `ordinal` of `article_id`.
pub fn neighbours(
    searcher: &Searcher,
    fields: &Fields,
    analyzer: &DutchAnalyzer,
    matchers: &[Matcher],
    article_id: &str,
    ordinal: u64,
    n: u64,
) -> Result<(Vec<ContextPassage>, Vec<ContextPassage>)> {
    let docs = passages(
        searcher,
        fields,
        article_id,
        ordinal.saturating_sub(n),
        ordinal.saturating_add(n),
    )?;
    let (mut before, mut after) = (Vec::new(), Vec::new());
    for doc in &docs {
        let passage = context_passage(doc, fields, analyzer, matchers);
        match passage.ordinal.cmp(&ordinal) {
            std::cmp::Ordering::Less => before.push(passage),
            std::cmp::Ordering::Greater => after.push(passage),
            std::cmp::Ordering::Equal => {}
        }
    }
    Ok((before, after))
}

/// The whole article `article_id`, its passages highlighted with `matchers`; `None` when
/// the index has no such article.
pub fn load(index: &ZoekIndex, article_id: &str, matchers: &[Matcher]) -> Result<Option<Article>> {
    let searcher = index.reader.searcher();
    let fields = &index.fields;
    let docs = passages(&searcher, fields, article_id, 0, u64::MAX)?;
    let Some(first) = docs.first() else {
        return Ok(None);
    };
    let date = text_of(first, fields.date);
    Ok(Some(Article {
        article_id: text_of(first, fields.article_id),
        title: text_of(first, fields.title),
        date: (!date.is_empty()).then_some(date),
        source: text_of(first, fields.source),
        url: text_of(first, fields.url),
        path: text_of(first, fields.path),
        passages: docs
            .iter()
            .filter(|doc| !text_of(doc, fields.body).is_empty())
            .map(|doc| context_passage(doc, fields, &index.analyzer, matchers))
            .collect(),
    }))
}
