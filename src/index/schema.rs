//! The schema: every field of a zoek index, the keys that filters, sorting and grouping
//! compare, and the one mapping from a stored document back to an article and its
//! passages. Every other module asks this one; no other module names a field.
//!
//! Each article is one document: its title and body analyzed once, with positions, and
//! stored once. Passages are not documents: they are cut from the stored body when they are
//! shown ([`StoredArticle::passages`]), with the same rules as at indexing, so a passage is
//! found by its article's number and its place in it.

use std::collections::HashSet;
use std::ops::Bound;
use std::sync::Arc;

use tantivy::columnar::{Column, StrColumn};
use tantivy::query::{
    BooleanQuery, ConstScoreQuery, ExistsQuery, Occur, PhraseQuery, Query, RangeQuery, TermQuery,
};
use tantivy::schema::{
    Field, IndexRecordOption, TextFieldIndexing, TextOptions, Value, FAST, INDEXED, STORED, STRING,
};
use tantivy::store::{Compressor, ZstdCompressor};
use tantivy::{DocId, IndexSettings, SegmentReader, TantivyDocument, Term};
use time::Date;

use super::keyed::KeySetQuery;
use crate::analysis::words::Words;
use crate::analysis::{self, DutchAnalyzer};
use crate::corpus::passage;
use crate::corpus::Article;

/// The two text fields of an article.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TextField {
    Title,
    Body,
}

const ARTICLE_KEY: &str = "article_key";
const ARTICLE_ID: &str = "article_id";
const ARTICLE_ID_PACKED: &str = "article_id_packed";
const RECORD_KEY: &str = "record_key";
const DATE_KEY: &str = "date_key";
const SOURCE: &str = "source";
const LINE: &str = "line";
const PASSAGES: &str = "passages";
/// The stored articles' compression: zstd's level and the bytes of a block (an article is
/// read by decompressing its block).
const STORE_ZSTD_LEVEL: i32 = 3;
const STORE_BLOCK_BYTES: usize = 16 * 1024;
/// tantivy's tokenizer that splits at white space only: source keys are folded already.
const WHITESPACE: &str = "whitespace";

#[derive(Clone, Copy, Debug)]
struct Fields {
    title: Field,
    /// The body as read (its line breaks kept, so passages and their lines can be cut from
    /// it again).
    body: Field,
    article_id: Field,
    /// The article id packed into a fast u64 column (see [`pack_id`]), to print the ids of
    /// ranked articles without decompressing them.
    article_id_packed: Field,
    /// A 64-bit hash of the article id as a fast field, to find, group and order articles
    /// without loading stored documents.
    article_key: Field,
    /// The corpus file a document came from (relative path), to remove a file's documents.
    file: Field,
    /// For a JSON Lines record, a key of its file, line and content (see [`record_key`]),
    /// to remove one record's documents.
    record_key: Field,
    date: Field,
    /// The date as the integer `YYYYMMDD` (indexed and fast), for date filters and sorting;
    /// absent when the article has no date.
    date_key: Field,
    /// The source as written (stored, and a fast field to count articles by source).
    source: Field,
    /// The source's folded words (see [`source_key`]) with their positions, for filters that
    /// name a source by any of its words.
    source_key: Field,
    url: Field,
    path: Field,
    /// The line of the file where the article starts: stored, and fast to find the article
    /// at a `path:line` (a range over the fast field).
    line: Field,
    /// 1 when the body's lines are the file's (a text file), so a passage's line is the
    /// article's plus its own; else every passage is on the article's line (a JSON record,
    /// an HTML page).
    body_has_lines: Field,
    /// How many passages the body makes (a fast field, for `zoek stats`).
    passages: Field,
}

/// The fields of a zoek index, and what can be asked of them.
#[derive(Clone, Debug)]
pub struct Schema {
    tantivy: tantivy::schema::Schema,
    fields: Fields,
}

/// What an article is called and where it comes from, as the index stores it; every
/// passage shown of it carries it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ArticleInfo {
    pub article_id: String,
    pub title: String,
    /// `YYYY-MM-DD`.
    pub date: Option<String>,
    pub source: String,
    pub url: String,
    /// The file, as reached from the corpus folder given to `zoek index`.
    pub path: String,
}

/// An article as the index stores it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct StoredArticle {
    /// Shared by its passages, not copied into each.
    pub info: Arc<ArticleInfo>,
    /// 1-based line of the file where the article starts (the record's line for JSON).
    pub line: u64,
    body_has_lines: bool,
    /// The body as read, line breaks and all.
    pub body: String,
}

/// A passage of a stored article.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct StoredPassage {
    pub article: Arc<ArticleInfo>,
    /// 1-based line of the file where the passage starts (the record's line for JSON).
    pub line: u64,
    /// Place in the article (0 for the first passage).
    pub ordinal: u64,
    /// Whether another passage of the article starts on the same line.
    pub shared_line: bool,
    pub text: String,
    /// The body positions (words) the passage covers, as the index counts them.
    pub words: std::ops::Range<u32>,
}

impl StoredArticle {
    /// The article's passages in order, cut as indexing cut them: never none (an article
    /// whose body makes no passage has its title as one).
    pub fn passages(&self) -> Vec<StoredPassage> {
        let mut cut = passage::split(&self.body);
        if cut.is_empty() {
            cut.push(passage::Passage {
                text: self.info.title.clone(),
                line: 0,
            });
        }
        let line_of = |p: &passage::Passage| {
            if self.body_has_lines {
                self.line + p.line as u64
            } else {
                self.line
            }
        };
        let mut position = 0u32;
        let mut passages = Vec::with_capacity(cut.len());
        for (ordinal, p) in cut.iter().enumerate() {
            let line = line_of(p);
            // Passages start on increasing lines, so a shared line is a neighbour's.
            let shared_line = [ordinal.checked_sub(1), ordinal.checked_add(1)]
                .into_iter()
                .flatten()
                .filter_map(|i| cut.get(i))
                .any(|q| line_of(q) == line);
            // No word spans white space, so a passage's words are the body's words there.
            let words = Words::new(&p.text).count() as u32;
            passages.push(StoredPassage {
                article: Arc::clone(&self.info),
                line,
                ordinal: ordinal as u64,
                shared_line,
                text: p.text.clone(),
                words: position..position.saturating_add(words),
            });
            position = position.saturating_add(words);
        }
        passages
    }
}

impl Schema {
    pub fn new() -> Self {
        let mut builder = tantivy::schema::Schema::builder();
        let indexing = TextFieldIndexing::default()
            .set_tokenizer(analysis::ANALYZER_NAME)
            .set_index_option(IndexRecordOption::WithFreqsAndPositions);
        let text = TextOptions::default()
            .set_stored()
            .set_indexing_options(indexing);
        let fields = Fields {
            title: builder.add_text_field("title", text.clone()),
            body: builder.add_text_field("body", text),
            // Not indexed: an article is found by the hash of its id (`article_key`), whose
            // terms cost the index less than the ids themselves.
            article_id: builder.add_text_field(ARTICLE_ID, STORED),
            // The ids of ranked articles (TREC output, `zoek eval`) are read from here:
            // decompressing the stored articles took a quarter of a batch's time, and a
            // string column's dictionary, scanned from the start of a 4 KB block for each
            // id, a sixth.
            article_id_packed: builder.add_u64_field(ARTICLE_ID_PACKED, FAST),
            file: builder.add_text_field("file", STRING),
            // A fast field, not a term for each record (see `keyed`).
            record_key: builder.add_u64_field(RECORD_KEY, FAST),
            article_key: builder.add_u64_field(ARTICLE_KEY, FAST),
            date: builder.add_text_field("date", STORED),
            date_key: builder.add_i64_field(DATE_KEY, INDEXED | FAST),
            source: builder
                .add_text_field(SOURCE, TextOptions::default().set_stored().set_fast("raw")),
            source_key: builder.add_text_field(
                "source_key",
                TextOptions::default().set_indexing_options(
                    TextFieldIndexing::default()
                        .set_tokenizer(WHITESPACE)
                        .set_index_option(IndexRecordOption::WithFreqsAndPositions),
                ),
            ),
            url: builder.add_text_field("url", STORED),
            path: builder.add_text_field("path", STORED),
            line: builder.add_u64_field(LINE, STORED | FAST),
            body_has_lines: builder.add_u64_field("body_has_lines", STORED),
            passages: builder.add_u64_field(PASSAGES, FAST),
        };
        Schema {
            tantivy: builder.build(),
            fields,
        }
    }

    /// The settings to create an index with: the stored articles compressed with zstd in
    /// blocks of [`STORE_BLOCK_BYTES`].
    pub fn settings(&self) -> IndexSettings {
        IndexSettings {
            docstore_compression: Compressor::Zstd(ZstdCompressor {
                compression_level: Some(STORE_ZSTD_LEVEL),
            }),
            docstore_blocksize: STORE_BLOCK_BYTES,
            ..IndexSettings::default()
        }
    }

    /// The tantivy schema, to create an index with.
    pub fn tantivy(&self) -> &tantivy::schema::Schema {
        &self.tantivy
    }

    /// A text field of the articles.
    pub fn text_field(&self, which: TextField) -> Field {
        match which {
            TextField::Title => self.fields.title,
            TextField::Body => self.fields.body,
        }
    }

    /// Documents dated within the bounds (`date_key` values, see [`date_key`]).
    pub fn date_range(&self, from: Bound<i64>, to: Bound<i64>) -> Box<dyn Query> {
        if matches!((from, to), (Bound::Unbounded, Bound::Unbounded)) {
            return self.has_date();
        }
        let term = |b: Bound<i64>| b.map(|v| Term::from_field_i64(self.fields.date_key, v));
        Box::new(RangeQuery::new(term(from), term(to)))
    }

    /// Documents of articles that have a date.
    pub fn has_date(&self) -> Box<dyn Query> {
        Box::new(ExistsQuery::new(DATE_KEY.to_string(), false))
    }

    /// Documents of articles of a source named by this key (see [`source_key`]): the key's
    /// words stand together in the source's name, so a whole name, its first words or any
    /// one of its words match (`ud alpino` and `newspaper` both match
    /// `ud alpino newspaper`).
    pub fn source(&self, key: &str) -> Box<dyn Query> {
        let terms: Vec<Term> = key
            .split(' ')
            .filter(|w| !w.is_empty())
            .map(|w| Term::from_field_text(self.fields.source_key, w))
            .collect();
        match terms.len() {
            0 => basic_term(Term::from_field_text(self.fields.source_key, "")),
            1 => basic_term(terms.into_iter().next().unwrap_or_else(|| unreachable!())),
            _ => Box::new(PhraseQuery::new(terms)),
        }
    }

    /// The articles of corpus file `file` that start on line `line` or before it (the
    /// article at a `path:line` is the one of them with the greatest line).
    pub fn articles_of_file_until(&self, file: &str, line: u64) -> Box<dyn Query> {
        Box::new(BooleanQuery::new(vec![
            (
                Occur::Must,
                basic_term(Term::from_field_text(self.fields.file, file)),
            ),
            (
                Occur::Must,
                Box::new(RangeQuery::new(
                    Bound::Included(Term::from_field_u64(self.fields.line, 0)),
                    Bound::Included(Term::from_field_u64(self.fields.line, line)),
                )),
            ),
        ]))
    }

    /// The articles whose id hashes to the `article_key` of `article_id` (the one with
    /// that id among them, unless two ids collide): a range over the fast field, since
    /// indexing a key unique to each article would cost the build memory for every article.
    pub fn articles_keyed_like(&self, article_id: &str) -> Box<dyn Query> {
        let key = Term::from_field_u64(self.fields.article_key, article_key(article_id));
        Box::new(RangeQuery::new(
            Bound::Included(key.clone()),
            Bound::Included(key),
        ))
    }

    /// The fast field that holds each document's `article_key`, to order by it.
    pub fn article_key_column(&self) -> &'static str {
        ARTICLE_KEY
    }

    /// The term that marks every document of a corpus file, to delete them.
    pub fn file_term(&self, file: &str) -> Term {
        Term::from_field_text(self.fields.file, file)
    }

    /// Every document of the JSON Lines records with these keys (see [`record_key`]).
    pub fn records_keyed(&self, keys: HashSet<u64>) -> Box<dyn Query> {
        Box::new(KeySetQuery::new(RECORD_KEY, keys))
    }

    /// The name of an indexed field (for explanations).
    pub fn field_name(&self, field: Field) -> &str {
        self.tantivy.get_field_name(field)
    }

    /// A stored document as an article.
    pub fn stored_article(&self, doc: &TantivyDocument) -> StoredArticle {
        let f = &self.fields;
        let date = text_of(doc, f.date);
        StoredArticle {
            info: Arc::new(ArticleInfo {
                article_id: text_of(doc, f.article_id),
                title: text_of(doc, f.title),
                date: (!date.is_empty()).then_some(date),
                source: text_of(doc, f.source),
                url: text_of(doc, f.url),
                path: text_of(doc, f.path),
            }),
            line: number_of(doc, f.line),
            body_has_lines: number_of(doc, f.body_has_lines) == 1,
            body: text_of(doc, f.body),
        }
    }

    /// The document of one article, which makes `passages` passages. `file` is the corpus
    /// file it came from; `source_key` its [`source_key`]; `record` the [`record_key`] of
    /// its JSON Lines record.
    pub fn article_document(
        &self,
        article: &Article,
        passages: u64,
        file: &str,
        source_key: &str,
        record: Option<u64>,
    ) -> TantivyDocument {
        let f = &self.fields;
        let mut doc = TantivyDocument::default();
        doc.add_text(f.title, &article.title);
        doc.add_text(f.body, &article.body);
        doc.add_text(f.article_id, &article.id);
        for word in pack_id(&article.id) {
            doc.add_u64(f.article_id_packed, word);
        }
        doc.add_u64(f.article_key, article_key(&article.id));
        doc.add_text(f.file, file);
        if let Some(record) = record {
            doc.add_u64(f.record_key, record);
        }
        if let Some(day) = article.date {
            doc.add_i64(f.date_key, date_key(day));
            doc.add_text(f.date, day.to_string());
        }
        if !source_key.is_empty() {
            doc.add_text(f.source_key, source_key);
        }
        doc.add_text(f.source, &article.source);
        doc.add_text(f.url, &article.url);
        doc.add_text(f.path, &article.path);
        doc.add_u64(f.line, article.line as u64);
        doc.add_u64(f.body_has_lines, u64::from(article.body_has_lines));
        doc.add_u64(f.passages, passages);
        doc
    }
}

impl Default for Schema {
    fn default() -> Self {
        Schema::new()
    }
}

/// The fast-field columns that order and group documents, for one segment.
pub struct SortKeys {
    article: Column<u64>,
    date: Column<i64>,
}

impl SortKeys {
    pub fn open(segment: &SegmentReader) -> tantivy::Result<SortKeys> {
        let fast = segment.fast_fields();
        Ok(SortKeys {
            article: fast.u64(ARTICLE_KEY)?,
            date: fast.i64(DATE_KEY)?,
        })
    }

    /// The document's `article_key`.
    pub fn article(&self, doc: DocId) -> u64 {
        self.article.first(doc).unwrap_or_default()
    }

    /// The article's [`date_key`], when it has a date.
    pub fn date(&self, doc: DocId) -> Option<i64> {
        self.date.first(doc)
    }
}

/// Each article's id, from its packed fast column, for one segment.
pub struct ArticleIds(Column<u64>);

impl ArticleIds {
    pub fn open(segment: &SegmentReader) -> tantivy::Result<ArticleIds> {
        Ok(ArticleIds(segment.fast_fields().u64(ARTICLE_ID_PACKED)?))
    }

    /// The id of the article `doc`.
    pub fn id(&self, doc: DocId) -> String {
        unpack_id(self.0.values_for_doc(doc))
    }
}

/// An id as the values of a multi-valued u64 column, which keeps a document's values in
/// the order they were added: its bytes, eight to a value (big endian), the last value
/// padded with 0xFF, a byte UTF-8 never holds. Reading one is a few bit-unpacked values,
/// where a string column scans its dictionary's block.
fn pack_id(id: &str) -> impl Iterator<Item = u64> + '_ {
    id.as_bytes().chunks(8).map(|chunk| {
        let mut word = [ID_PADDING; 8];
        word[..chunk.len()].copy_from_slice(chunk);
        u64::from_be_bytes(word)
    })
}

const ID_PADDING: u8 = 0xFF;

/// The id [`pack_id`] packed; empty for a document without one.
fn unpack_id(values: impl Iterator<Item = u64>) -> String {
    let mut bytes: Vec<u8> = values.flat_map(u64::to_be_bytes).collect();
    while bytes.last() == Some(&ID_PADDING) {
        bytes.pop();
    }
    String::from_utf8(bytes).unwrap_or_default()
}

/// The fast-field columns that group articles (counts by period or source, index
/// statistics), for one segment.
pub struct GroupKeys {
    article: Column<u64>,
    date: Column<i64>,
    line: Column<u64>,
    passages: Column<u64>,
    source: Option<StrColumn>,
}

impl GroupKeys {
    pub fn open(segment: &SegmentReader) -> tantivy::Result<GroupKeys> {
        let fast = segment.fast_fields();
        Ok(GroupKeys {
            article: fast.u64(ARTICLE_KEY)?,
            date: fast.i64(DATE_KEY)?,
            line: fast.u64(LINE)?,
            passages: fast.u64(PASSAGES)?,
            source: fast.str(SOURCE)?,
        })
    }

    /// The document's `article_key`.
    pub fn article(&self, doc: DocId) -> u64 {
        self.article.first(doc).unwrap_or_default()
    }

    /// The article's [`date_key`], when it has a date.
    pub fn date(&self, doc: DocId) -> Option<i64> {
        self.date.first(doc)
    }

    /// The line where the article starts.
    pub fn line(&self, doc: DocId) -> u64 {
        self.line.first(doc).unwrap_or_default()
    }

    /// How many passages the article makes.
    pub fn passages(&self, doc: DocId) -> u64 {
        self.passages.first(doc).unwrap_or_default()
    }

    /// The number of the document's source among the segment's sources (see
    /// [`GroupKeys::source_name`]); `None` when the article has no source.
    pub fn source(&self, doc: DocId) -> Option<u64> {
        self.source.as_ref()?.term_ords(doc).next()
    }

    /// The name of the segment's source number `ord`.
    pub fn source_name(&self, ord: u64) -> String {
        let mut name = String::new();
        if let Some(column) = &self.source {
            let _ = column.ord_to_str(ord, &mut name);
        }
        name
    }
}

/// The `article_key` of an article id: FNV-1a, a stable 64-bit hash (std's hasher may
/// change between releases).
pub fn article_key(id: &str) -> u64 {
    crate::corpus::fnv1a(crate::corpus::FNV_START, id.as_bytes())
}

/// The key of a JSON Lines record: its file, line and content hash together, so that the
/// same line of another file, or the line changed, has another key.
pub fn record_key(file: &str, line: u64, hash: u64) -> u64 {
    use crate::corpus::fnv1a;
    let key = fnv1a(crate::corpus::FNV_START, file.as_bytes());
    let key = fnv1a(key, &line.to_le_bytes());
    fnv1a(key, &hash.to_le_bytes())
}

/// The `YYYYMMDD` key of a date, as indexed in the `date_key` fast field.
pub fn date_key(date: Date) -> i64 {
    i64::from(date.year()) * 10_000
        + i64::from(u8::from(date.month())) * 100
        + i64::from(date.day())
}

/// The source key of a name: its folded words (see [`DutchAnalyzer::keyword`]).
pub fn source_key(analyzer: &DutchAnalyzer, name: &str) -> String {
    analyzer.keyword(name)
}

/// A clause that restricts without scoring.
pub fn filter_clause(query: Box<dyn Query>) -> Box<dyn Query> {
    Box::new(ConstScoreQuery::new(query, 0.0))
}

fn basic_term(term: Term) -> Box<dyn Query> {
    Box::new(TermQuery::new(term, IndexRecordOption::Basic))
}

fn text_of(doc: &TantivyDocument, field: Field) -> String {
    doc.get_first(field)
        .and_then(|v| v.as_str())
        .unwrap_or_default()
        .to_string()
}

fn number_of(doc: &TantivyDocument, field: Field) -> u64 {
    doc.get_first(field)
        .and_then(|v| v.as_u64())
        .unwrap_or_default()
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use time::macros::date;

    /// An index in memory of articles given as (id, body), one segment for each batch (for
    /// the tests of other modules too).
    pub fn index_of(batches: &[Vec<(&str, &str)>]) -> tantivy::Result<(Schema, tantivy::Index)> {
        let schema = Schema::new();
        let index = tantivy::Index::create_in_ram(schema.tantivy().clone());
        analysis::register(&index, &DutchAnalyzer::new(analysis::Analysis::Stemmed));
        let mut writer = index.writer_with_num_threads::<TantivyDocument>(1, 15_000_000)?;
        for batch in batches {
            for (id, body) in batch {
                let article = Article {
                    id: id.to_string(),
                    title: String::new(),
                    date: None,
                    source: String::new(),
                    url: String::new(),
                    path: String::new(),
                    line: 1,
                    body_has_lines: false,
                    body: body.to_string(),
                    explicit_id: true,
                };
                writer.add_document(schema.article_document(&article, 1, "f", "", None))?;
            }
            writer.commit()?;
        }
        Ok((schema, index))
    }

    #[test]
    fn article_key_is_stable() {
        assert_eq!(article_key(""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(article_key("a"), 0xaf63_dc4c_8601_ec8c);
        assert_ne!(article_key("x1"), article_key("x2"));
    }

    #[test]
    fn a_packed_id_unpacks_to_itself() {
        for id in [
            "",
            "a",
            "1234567",
            "12345678",
            "123456789",
            "één-artikel.md",
            "x\0",
            "\0",
        ] {
            assert_eq!(unpack_id(pack_id(id)), id);
        }
        assert_eq!(pack_id("12345678").count(), 1);
        assert_eq!(pack_id("123456789").count(), 2);
        assert_eq!(unpack_id(std::iter::empty()), "");
    }

    #[test]
    fn packed_ids_survive_a_merge_in_order() -> tantivy::Result<()> {
        let ids = [
            "zz-laatste-maar-eerst.jsonl:1",
            "a",
            "",
            "middel-lang-id-17",
        ];
        // One segment for each article, merged into one: the values of a document keep
        // their order through the merge.
        let batches: Vec<Vec<(&str, &str)>> = ids.iter().map(|&id| vec![(id, "tekst")]).collect();
        let (schema, index) = index_of(&batches)?;
        let segments = index.searchable_segment_ids()?;
        assert_eq!(segments.len(), ids.len());
        index
            .writer_with_num_threads::<TantivyDocument>(1, 15_000_000)?
            .merge(&segments)
            .wait()?;
        let searcher = index.reader()?.searcher();
        assert_eq!(searcher.segment_readers().len(), 1);
        let segment = searcher.segment_reader(0);
        let packed = ArticleIds::open(segment)?;
        let mut found = Vec::new();
        for doc in 0..segment.max_doc() {
            let stored: TantivyDocument = searcher.doc(tantivy::DocAddress::new(0, doc))?;
            let id = packed.id(doc);
            assert_eq!(id, schema.stored_article(&stored).info.article_id);
            found.push(id);
        }
        found.sort();
        let mut expected: Vec<String> = ids.iter().map(|id| id.to_string()).collect();
        expected.sort();
        assert_eq!(found, expected);
        Ok(())
    }

    #[test]
    fn date_keys_order_like_dates() {
        assert_eq!(date_key(date!(2019 - 03 - 12)), 20190312);
        assert!(date_key(date!(2019 - 12 - 31)) < date_key(date!(2020 - 01 - 01)));
    }
}
