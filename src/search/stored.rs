//! The articles a search reads, each read once: the passage view scores an article's
//! passages and the hits it shows are loaded from the same read, so an article is
//! decompressed and cut into passages once per search, not once per use.

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

use tantivy::{DocAddress, Searcher, TantivyDocument};

use crate::index::{Schema, StoredPassage};

/// Text of read articles kept for the rest of a search, at most: the articles of a first
/// screen fit many times over, and a search that reads every article of the index (a huge
/// `-n`) reads the rest again rather than holding the archive.
const KEPT_TEXT_BYTES: usize = 4 << 20;

/// The passages of the articles one search reads.
pub struct Articles<'a> {
    searcher: &'a Searcher,
    schema: &'a Schema,
    kept: RefCell<Kept>,
}

#[derive(Default)]
struct Kept {
    passages: HashMap<DocAddress, Rc<[StoredPassage]>>,
    bytes: usize,
}

impl<'a> Articles<'a> {
    pub fn new(searcher: &'a Searcher, schema: &'a Schema) -> Self {
        Articles {
            searcher,
            schema,
            kept: RefCell::default(),
        }
    }

    /// The searcher the articles are read from.
    pub fn searcher(&self) -> &'a Searcher {
        self.searcher
    }

    /// The passages of the article at `address`, in order (never none).
    pub fn passages(&self, address: DocAddress) -> tantivy::Result<Rc<[StoredPassage]>> {
        if let Some(passages) = self.kept.borrow().passages.get(&address) {
            return Ok(Rc::clone(passages));
        }
        let doc: TantivyDocument = self.searcher.doc(address)?;
        let passages: Rc<[StoredPassage]> = self.schema.stored_article(&doc).passages().into();
        let bytes: usize = passages.iter().map(|p| p.text.len()).sum();
        let mut kept = self.kept.borrow_mut();
        if kept.bytes + bytes <= KEPT_TEXT_BYTES {
            kept.bytes += bytes;
            kept.passages.insert(address, Rc::clone(&passages));
        }
        Ok(passages)
    }
}
