//! Whole articles from the index: an article by its id (an indexed field, never a scan of
//! stored documents), its passages cut from its stored body, and the neighbours of one
//! passage (`--context`). `zoek show` prints what [`find`] returns: the article with an id,
//! else the one at a `path:line` as search output locates passages.

use std::path::Path;

use tantivy::collector::DocSetCollector;
use tantivy::{DocAddress, Searcher, TantivyDocument};

use super::highlight::highlight;
use crate::analysis::DutchAnalyzer;
use crate::index::schema::GroupKeys;
use crate::index::{ArticleInfo, StoredArticle, StoredPassage, ZoekIndex};
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

/// An article as the index holds it, its passages highlighted.
#[derive(Debug, Clone, PartialEq)]
pub struct Article {
    pub info: ArticleInfo,
    pub passages: Vec<ArticlePassage>,
}

fn highlighted(
    passage: &StoredPassage,
    analyzer: &DutchAnalyzer,
    matchers: &[Matcher],
) -> ArticlePassage {
    ArticlePassage {
        line: passage.line,
        ordinal: passage.ordinal,
        shared_line: passage.shared_line,
        highlights: highlight(analyzer, matchers, &passage.text),
        text: passage.text.clone(),
    }
}

/// Up to `n` of `passages` (an article's, in order) before and after passage `at`,
/// highlighted with `matchers`.
pub fn neighbours(
    analyzer: &DutchAnalyzer,
    matchers: &[Matcher],
    passages: &[StoredPassage],
    at: usize,
    n: usize,
) -> (Vec<ArticlePassage>, Vec<ArticlePassage>) {
    let mark = |list: &[StoredPassage]| -> Vec<ArticlePassage> {
        list.iter()
            .map(|p| highlighted(p, analyzer, matchers))
            .collect()
    };
    let end = at.saturating_add(n).saturating_add(1).min(passages.len());
    (
        mark(&passages[at.saturating_sub(n)..at]),
        mark(&passages[(at + 1).min(end)..end]),
    )
}

/// The stored article at `address`.
fn stored(
    searcher: &Searcher,
    index: &ZoekIndex,
    address: DocAddress,
) -> tantivy::Result<StoredArticle> {
    let doc: TantivyDocument = searcher.doc(address)?;
    Ok(index.schema().stored_article(&doc))
}

/// `article` with its passages highlighted with `matchers`.
fn whole(index: &ZoekIndex, article: StoredArticle, matchers: &[Matcher]) -> Article {
    let passages = article
        .passages()
        .iter()
        .filter(|p| !p.text.is_empty())
        .map(|p| highlighted(p, index.analyzer(), matchers))
        .collect();
    Article {
        info: std::sync::Arc::unwrap_or_clone(article.info),
        passages,
    }
}

/// The whole article `article_id`, its passages highlighted with `matchers`; `None` when
/// the index has no such article.
pub fn load(
    index: &ZoekIndex,
    article_id: &str,
    matchers: &[Matcher],
) -> tantivy::Result<Option<Article>> {
    let searcher = index.searcher();
    let query = index.schema().articles_keyed_like(article_id);
    let mut found: Vec<DocAddress> = searcher
        .search(query.as_ref(), &DocSetCollector)?
        .into_iter()
        .collect();
    // Ids are unique; the first in index order should a damaged index hold two.
    found.sort();
    for address in found {
        let article = stored(&searcher, index, address)?;
        if article.info.article_id == article_id {
            return Ok(Some(whole(index, article, matchers)));
        }
    }
    Ok(None)
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
    let query = index.schema().articles_of_file_until(&file, line);
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
    let article = stored(&searcher, index, address)?;
    // The passage that starts on the line, or the last one before it.
    let ordinal = article
        .passages()
        .iter()
        .rev()
        .find(|p| p.line <= line)
        .map_or(0, |p| p.ordinal);
    Ok(Some((
        whole(index, article, matchers),
        Reference::PathLine { ordinal },
    )))
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
