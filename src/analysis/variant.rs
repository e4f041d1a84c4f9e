//! The analysis variants: how much of the Dutch analysis an index applies, each adding one
//! step to the one before, so the known-item benchmark can price every step.

use std::fmt;
use std::str::FromStr;

use super::stem::StemMode;

/// How much of the Dutch analysis runs; chosen with `zoek index --analysis`. Each variant
/// adds one step to the one before, so the known-item benchmark can price every step.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Analysis {
    /// Words folded to lower case without diacritics; no stemming.
    Plain,
    /// Plain plus rust-stemmers' Dutch stemmer.
    Stemmed,
    /// Stemmed plus zoek's corrections (spelling changes, verb forms, plurals, overrides).
    Corrected,
    /// Corrected plus compound splitting.
    #[default]
    Full,
}

impl Analysis {
    pub const ALL: [Analysis; 4] = [
        Analysis::Plain,
        Analysis::Stemmed,
        Analysis::Corrected,
        Analysis::Full,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Analysis::Plain => "plain",
            Analysis::Stemmed => "stemmed",
            Analysis::Corrected => "stemmed+corrections",
            Analysis::Full => "full",
        }
    }

    pub(super) fn stem_mode(self) -> StemMode {
        match self {
            Analysis::Plain => StemMode::None,
            Analysis::Stemmed => StemMode::Snowball,
            Analysis::Corrected | Analysis::Full => StemMode::Corrected,
        }
    }

    pub(super) fn splits_compounds(self) -> bool {
        self == Analysis::Full
    }
}

impl fmt::Display for Analysis {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Analysis {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        Analysis::ALL
            .into_iter()
            .find(|a| a.name() == s)
            .ok_or_else(|| {
                let names: Vec<&str> = Analysis::ALL.iter().map(|a| a.name()).collect();
                format!(
                    "unknown analysis '{s}'; expected one of: {}",
                    names.join(", ")
                )
            })
    }
}
