//! Whole articles from the index: the passages of one article in order, or the neighbours
//! of one passage (`--context`), found by the article id and the passage ordinal (indexed
//! fields), never by scanning stored documents. `zoek show` prints what [`load`] returns.

use tantivy::collector::DocSetCollector;
use tantivy::{Searcher, TantivyDocument};

use super::highlight::highlight;
use crate::analysis::DutchAnalyzer;
use crate::index::{Schema, StoredPassage, ZoekIndex};
use crate::query::Matcher;

/// One passage of an article, with the query's matches in it.
#[derive(Debug, Clone, PartialEq)]
pub struct ArticlePassage {
    pub line: u64,
    /// Place in the article (0 for the first passage).
    pub ordinal: u64,
    pub text: String,
    /// Byte ranges `[start, end)` of the matches in `text`.
    pub highlights: Vec<(usize, usize)>,
}

/// An article as the index holds it.
#[derive(Debug, Clone, PartialEq)]
pub struct Article {
    pub article_id: String,
    pub title: String,
    pub date: Option<String>,
    pub source: String,
    pub url: String,
    pub path: String,
    pub passages: Vec<ArticlePassage>,
}

/// The passages of `article_id` whose ordinal lies in `from..=to`, in order.
fn passages(
    searcher: &Searcher,
    schema: &Schema,
    article_id: &str,
    from: u64,
    to: u64,
) -> tantivy::Result<Vec<StoredPassage>> {
    let query = schema.passages_of(article_id, from..=to);
    let mut found = Vec::new();
    for address in searcher.search(query.as_ref(), &DocSetCollector)? {
        let doc: TantivyDocument = searcher.doc(address)?;
        found.push(schema.stored_passage(&doc));
    }
    found.sort_by_key(|p| p.ordinal);
    Ok(found)
}

fn highlighted(
    passage: StoredPassage,
    analyzer: &DutchAnalyzer,
    matchers: &[Matcher],
) -> ArticlePassage {
    ArticlePassage {
        line: passage.line,
        ordinal: passage.ordinal,
        highlights: highlight(analyzer, matchers, &passage.text),
        text: passage.text,
    }
}

/// Up to `n` passages before and after passage `ordinal` of `article_id`.
pub fn neighbours(
    index: &ZoekIndex,
    searcher: &Searcher,
    matchers: &[Matcher],
    article_id: &str,
    ordinal: u64,
    n: u64,
) -> tantivy::Result<(Vec<ArticlePassage>, Vec<ArticlePassage>)> {
    let found = passages(
        searcher,
        index.schema(),
        article_id,
        ordinal.saturating_sub(n),
        ordinal.saturating_add(n),
    )?;
    let (mut before, mut after) = (Vec::new(), Vec::new());
    for passage in found {
        match passage.ordinal.cmp(&ordinal) {
            std::cmp::Ordering::Less => before.push(passage),
            std::cmp::Ordering::Greater => after.push(passage),
            std::cmp::Ordering::Equal => {}
        }
    }
    let mark = |list: Vec<StoredPassage>| -> Vec<ArticlePassage> {
        list.into_iter()
            .map(|p| highlighted(p, index.analyzer(), matchers))
            .collect()
    };
    Ok((mark(before), mark(after)))
}

/// The whole article `article_id`, its passages highlighted with `matchers`; `None` when
/// the index has no such article.
pub fn load(
    index: &ZoekIndex,
    article_id: &str,
    matchers: &[Matcher],
) -> tantivy::Result<Option<Article>> {
    let searcher = index.searcher();
    let found = passages(&searcher, index.schema(), article_id, 0, u64::MAX)?;
    let Some(first) = found.first() else {
        return Ok(None);
    };
    Ok(Some(Article {
        article_id: first.article_id.clone(),
        title: first.title.clone(),
        date: first.date.clone(),
        source: first.source.clone(),
        url: first.url.clone(),
        path: first.path.clone(),
        passages: found
            .into_iter()
            .filter(|p| !p.text.is_empty())
            .map(|p| highlighted(p, index.analyzer(), matchers))
            .collect(),
    }))
}
