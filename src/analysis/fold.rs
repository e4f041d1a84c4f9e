//! Case and diacritic folding: `Één` → `een`, `geïnteresseerd` → `geinteresseerd`.
//!
//! Dutch writes diacritics inconsistently (`coördinatie`/`coordinatie`, `ideeën`/`ideeen`),
//! so every form is indexed and searched without them. Offsets stay with the original text,
//! which is what highlighting uses.

use unicode_normalization::char::decompose_canonical;
use unicode_normalization::char::is_combining_mark;

/// Writes the lower-cased, diacritic-free form of `word` into `out` (cleared first).
pub fn fold_into(word: &str, out: &mut String) {
    out.clear();
    if word.is_ascii() {
        out.push_str(word);
        out.make_ascii_lowercase();
        return;
    }
    for c in word.chars() {
        if c.is_ascii() {
            out.push(c.to_ascii_lowercase());
            continue;
        }
        for lower in c.to_lowercase() {
            match lower {
                'ß' => out.push_str("ss"),
                'æ' => out.push_str("ae"),
                'œ' => out.push_str("oe"),
                'ø' => out.push('o'),
                'ł' => out.push('l'),
                'ĳ' => out.push_str("ij"),
                '’' | '‘' | '`' | 'ʼ' => out.push('\''),
                _ => decompose_canonical(lower, |part| {
                    if !is_combining_mark(part) {
                        out.push(part);
                    }
                }),
            }
        }
    }
}

/// The folded form of `word`.
pub fn fold(word: &str) -> String {
    let mut out = String::with_capacity(word.len());
    fold_into(word, &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::fold;

    #[test]
    fn lower_cases() {
        assert_eq!(fold("CDA"), "cda");
        assert_eq!(fold("Verkiezingen"), "verkiezingen");
    }

    #[test]
    fn folds_dutch_diacritics() {
        assert_eq!(fold("geïnteresseerd"), "geinteresseerd");
        assert_eq!(fold("één"), "een");
        assert_eq!(fold("Één"), "een");
        assert_eq!(fold("café"), "cafe");
        assert_eq!(fold("coördinatie"), "coordinatie");
        assert_eq!(fold("ruïne"), "ruine");
        assert_eq!(fold("België"), "belgie");
    }

    #[test]
    fn folds_ligatures_and_typographic_apostrophes() {
        assert_eq!(fold("ĳs"), "ijs");
        assert_eq!(fold("Straße"), "strasse");
        assert_eq!(fold("zo’n"), "zo'n");
    }
}
