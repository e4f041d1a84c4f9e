//! Dutch stemming (placeholder until the corrected stemmer lands).

use rust_stemmers::{Algorithm, Stemmer};
use std::sync::Arc;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StemMode {
    None,
    Snowball,
    Corrected,
}

#[derive(Clone)]
pub struct DutchStemmer {
    mode: StemMode,
    snowball: Arc<Stemmer>,
}

impl DutchStemmer {
    pub fn new(mode: StemMode) -> Self {
        DutchStemmer {
            mode,
            snowball: Arc::new(Stemmer::create(Algorithm::Dutch)),
        }
    }

    pub fn mode(&self) -> StemMode {
        self.mode
    }

    pub fn stem(&self, word: &str) -> String {
        match self.mode {
            StemMode::None => word.to_string(),
            _ => self.snowball.stem(word).into_owned(),
        }
    }
}
