//! Whole articles from the index: the passages of one article in order, or the neighbours
//! of one passage (`--context`), found by the article id and the passage ordinal (indexed
//! fields), never by scanning stored documents. `zoek show` prints what [`find`] returns:
//! the article with an id, else the one at a `path:line` as search output locates passages.

use std::path::Path;

use tantivy::collector::DocSetCollector;
use tantivy::{DocAddress, Searcher, TantivyDocument};

use super::highlight::highlight;
use crate::analysis::DutchAnalyzer;
use crate::index::schema::{article_key, GroupKeys};
use crate::index::{Schema, StoredPassage, ZoekIndex};
use crate::query::Matcher;

/// One passage of an article, with the query's matches in it.
#[derive(Debug, Clone, PartialEq)]
pub struct ArticlePassage {
    pub line: u64,
    /// Place in the article (0 for the first passage).
    pub ordinal: u64,
    /// Whether another passage of the article starts on the same line.
    pub shared_line: bool,
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
        shared_line: passage.shared_line,
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

/// The text of the first passage of `passage`'s article (for a heading when the article
/// has no title); `None` when it has no text.
pub fn lead(
    index: &ZoekIndex,
    searcher: &Searcher,
    passage: &StoredPassage,
) -> tantivy::Result<Option<String>> {
    if passage.ordinal == 0 {
        return Ok(Some(passage.text.clone()).filter(|t| !t.is_empty()));
    }
    let query = index
        .schema()
        .first_passage(article_key(&passage.article_id));
    let first = searcher.search(query.as_ref(), &DocSetCollector)?;
    Ok(match first.into_iter().next() {
        Some(address) => {
            let doc: TantivyDocument = searcher.doc(address)?;
            Some(index.schema().stored_passage(&doc).text).filter(|t| !t.is_empty())
        }
        None => None,
    })
}

/// How [`find`] read what it was given.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reference {
    /// An article id.
    Id,
    /// A corpus file (as search output prints it, or relative to the corpus folder)
    /// holding one article, whose id is its path.
    Path,
    /// A `path:line`: the article of the passage that starts on the line, or of the last
    /// passage that starts before it; `ordinal` is that passage's place in the article.
    PathLine { ordinal: u64 },
}

/// The article `reference` names: an exact article id first (ids contain colons too:
/// `dpgmedia2019:10800699`, `archief.jsonl:2`), then a corpus file with one article, then
/// a `path:line` as search output prints passages (also with its `, passage N`). `None` when
/// it names none.
pub fn find(
    index: &ZoekIndex,
    reference: &str,
    matchers: &[Matcher],
) -> tantivy::Result<Option<(Article, Reference)>> {
    if let Some(article) = load(index, reference, matchers)? {
        return Ok(Some((article, Reference::Id)));
    }
    if let Some(file) = corpus_file(index, reference) {
        if let Some(article) = load(index, &file, matchers)? {
            return Ok(Some((article, Reference::Path)));
        }
    }
    // A place as search prints it where passages share a line: `path:line, passage N`.
    let place = reference
        .split_once(", passage ")
        .map_or(reference, |(place, _)| place);
    let Some((path, line)) = place
        .rsplit_once(':')
        .and_then(|(path, line)| Some((path, line.trim().parse::<u64>().ok()?)))
    else {
        return Ok(None);
    };
    let Some(file) = corpus_file(index, path) else {
        return Ok(None);
    };
    let searcher = index.searcher();
    let query = index.schema().passages_of_file_until(&file, line);
    let mut best: Option<(u64, DocAddress)> = None;
    let mut keys = None;
    for address in searcher.search(query.as_ref(), &DocSetCollector)? {
        let segment = address.segment_ord;
        let keys = match &keys {
            Some((ord, keys)) if *ord == segment => keys,
            _ => {
                let opened = GroupKeys::open(searcher.segment_reader(segment))?;
                &keys.insert((segment, opened)).1
            }
        };
        let at = keys.line(address.doc_id);
        if best.is_none_or(|(l, a)| (at, address) > (l, a)) {
            best = Some((at, address));
        }
    }
    let Some((_, address)) = best else {
        return Ok(None);
    };
    let doc: TantivyDocument = searcher.doc(address)?;
    let passage = index.schema().stored_passage(&doc);
    Ok(load(index, &passage.article_id, matchers)?.map(|article| {
        (
            article,
            Reference::PathLine {
                ordinal: passage.ordinal,
            },
        )
    }))
}

/// The corpus file (as the index names files: relative to the corpus folder, with `/`)
/// that `path` names, whether written as search output prints it (under the corpus folder
/// the index was built from) or relative to the corpus folder.
fn corpus_file(index: &ZoekIndex, path: &str) -> Option<String> {
    let path = Path::new(path);
    let relative = path.strip_prefix(&index.meta().corpus).unwrap_or(path);
    let file = crate::corpus::article_id(relative);
    (!file.is_empty()).then_some(file)
}
