//! Dutch stopwords: the function words that a query may drop.
//!
//! Stopwords are indexed like every other word (so phrases such as `"de veiligste in de
//! geschiedenis"` match exactly) but a free-text query does not require them; see
//! ARCHITECTURE.md for why.

/// The Snowball project's Dutch stopword list, folded (no diacritics).
const STOPWORDS: &[&str] = &[
    "'n", "'s", "'t", "aan", "al", "alles", "als", "altijd", "andere", "ben", "bij", "daar", "dan",
    "dat", "de", "der", "deze", "die", "dit", "doch", "doen", "door", "dus", "een", "eens", "en",
    "er", "ge", "geen", "geweest", "haar", "had", "heb", "hebben", "heeft", "hem", "het", "hier",
    "hij", "hoe", "hun", "iemand", "iets", "ik", "in", "is", "ja", "je", "kan", "kon", "kunnen",
    "maar", "me", "meer", "men", "met", "mij", "mijn", "moet", "na", "naar", "niet", "niets",
    "nog", "nu", "of", "om", "omdat", "onder", "ons", "ook", "op", "over", "reeds", "te", "tegen",
    "toch", "toen", "tot", "u", "uit", "uw", "van", "veel", "voor", "want", "waren", "was", "wat",
    "werd", "wezen", "wie", "wil", "worden", "wordt", "zal", "ze", "zelf", "zich", "zij", "zijn",
    "zo", "zo'n", "zonder", "zou",
];

/// Whether the folded word is a stopword.
pub fn is_stopword(folded: &str) -> bool {
    STOPWORDS.binary_search(&folded).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn list_is_sorted_for_binary_search() {
        assert!(
            STOPWORDS.windows(2).all(|w| w[0] < w[1]),
            "STOPWORDS must stay sorted"
        );
    }

    #[test]
    fn recognises_function_words_only() {
        assert!(is_stopword("de"));
        assert!(is_stopword("zo'n"));
        assert!(!is_stopword("verkiezing"));
        assert!(!is_stopword("fraude"));
    }
}
