//! Word splitting: finds the words of Dutch text with their byte offsets in the original.
//!
//! Owns the rules for what a word is: runs of letters and digits, apostrophes inside words
//! (`zo'n`), the plural/genitive `'s` that is dropped (`auto's` → `auto`), clitics at a word's
//! start (`'s-Hertogenbosch`, `'t`), hyphenated words (`CDA-leider`), and digit groups
//! (`1.000`, `3,5`).

/// One word as it stands in the text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Word {
    pub start: usize,
    pub end: usize,
    /// True when the word is joined to the next one by a hyphen (`Noord` in `Noord-Holland`).
    pub hyphen_after: bool,
}

fn is_apostrophe(c: char) -> bool {
    matches!(c, '\'' | '’' | '‘' | '`' | 'ʼ')
}

fn is_hyphen(c: char) -> bool {
    matches!(c, '-' | '‐' | '‑')
}

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric()
}

/// Iterates over the words of a text.
pub struct Words<'a> {
    text: &'a str,
    pos: usize,
}

impl<'a> Words<'a> {
    pub fn new(text: &'a str) -> Self {
        Words { text, pos: 0 }
    }

    fn char_at(&self, at: usize) -> Option<char> {
        self.text.get(at..).and_then(|s| s.chars().next())
    }

    /// Length of a leading clitic (`'s`, `'t`, `'n`) at `at`, when one stands there.
    fn clitic_len(&self, at: usize) -> Option<usize> {
        let mut chars = self.text[at..].char_indices();
        let (_, quote) = chars.next()?;
        if !is_apostrophe(quote) {
            return None;
        }
        let (_, letter) = chars.next()?;
        if !matches!(letter, 's' | 't' | 'n' | 'S' | 'T' | 'N') {
            return None;
        }
        let len = quote.len_utf8() + 1;
        match chars.next() {
            Some((_, next)) if is_word_char(next) || is_apostrophe(next) => None,
            _ => Some(len),
        }
    }

    /// The end of the word that starts at `start` (a word character).
    fn scan_word(&self, start: usize) -> usize {
        let bytes = self.text.as_bytes();
        let mut end = start;
        let mut prev: Option<char> = None;
        loop {
            // Fast path: a run of ASCII letters and digits, byte by byte.
            let run = bytes[end..]
                .iter()
                .take_while(|b| b.is_ascii_alphanumeric())
                .count();
            if run > 0 {
                end += run;
                prev = Some(bytes[end - 1] as char);
            }
            let Some(c) = self.char_at(end) else {
                break;
            };
            if is_word_char(c) {
                prev = Some(c);
                end += c.len_utf8();
                continue;
            }
            // A digit group: `1.000`, `3,5`.
            if (c == '.' || c == ',') && prev.is_some_and(|p| p.is_ascii_digit()) {
                if let Some(&next) = bytes.get(end + 1) {
                    if next.is_ascii_digit() {
                        end += 1;
                        continue;
                    }
                }
            }
            if is_apostrophe(c) && prev.is_some_and(is_word_char) {
                let after = end + c.len_utf8();
                match self.char_at(after) {
                    // `auto's`: the word ends before the apostrophe, `'s` is dropped.
                    Some('s') | Some('S') if !self.char_at(after + 1).is_some_and(is_word_char) => {
                        return end;
                    }
                    // `zo'n`, `m'n`, `d'r`: the apostrophe belongs to the word.
                    Some(n) if is_word_char(n) => {
                        end = after;
                        prev = Some(c);
                        continue;
                    }
                    _ => return end,
                }
            }
            return end;
        }
        end
    }

    /// Position after the `'s` that `scan_word` left behind, if any.
    fn skip_dropped_suffix(&self, end: usize) -> usize {
        match self.char_at(end) {
            Some(c) if is_apostrophe(c) => {
                let after = end + c.len_utf8();
                match self.char_at(after) {
                    Some('s') | Some('S') => after + 1,
                    _ => end,
                }
            }
            _ => end,
        }
    }
}

impl Iterator for Words<'_> {
    type Item = Word;

    fn next(&mut self) -> Option<Word> {
        let bytes = self.text.as_bytes();
        while self.pos < self.text.len() {
            // Fast path: ASCII spaces and punctuation that cannot start a clitic.
            let b = bytes[self.pos];
            if b.is_ascii() && !b.is_ascii_alphanumeric() && b != b'\'' && b != b'`' {
                self.pos += 1;
                continue;
            }
            let c = self.char_at(self.pos)?;
            let (start, end) = if is_word_char(c) {
                (self.pos, self.scan_word(self.pos))
            } else if let Some(len) = self.clitic_len(self.pos) {
                (self.pos, self.pos + len)
            } else {
                self.pos += c.len_utf8();
                continue;
            };
            self.pos = self.skip_dropped_suffix(end);
            let hyphen_after = match self.char_at(self.pos) {
                Some(h) if is_hyphen(h) => {
                    let after = self.pos + h.len_utf8();
                    self.char_at(after).is_some_and(is_word_char)
                        || self.clitic_len(after).is_some()
                }
                _ => false,
            };
            return Some(Word {
                start,
                end,
                hyphen_after,
            });
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(text: &str) -> Vec<(&str, bool)> {
        Words::new(text)
            .map(|w| (&text[w.start..w.end], w.hyphen_after))
            .collect()
    }

    #[test]
    fn letters_and_digits() {
        assert_eq!(
            words("Op 3 november, COVID19!"),
            vec![
                ("Op", false),
                ("3", false),
                ("november", false),
                ("COVID19", false)
            ]
        );
    }

    #[test]
    fn plural_apostrophe_s_is_dropped() {
        assert_eq!(
            words("auto's en baby’s"),
            vec![("auto", false), ("en", false), ("baby", false)]
        );
    }

    #[test]
    fn apostrophe_inside_word_is_kept() {
        assert_eq!(words("zo'n dag"), vec![("zo'n", false), ("dag", false)]);
    }

    #[test]
    fn clitics_and_hyphens() {
        assert_eq!(
            words("in 's-Hertogenbosch en 's avonds"),
            vec![
                ("in", false),
                ("'s", true),
                ("Hertogenbosch", false),
                ("en", false),
                ("'s", false),
                ("avonds", false)
            ]
        );
    }

    #[test]
    fn hyphenated_words_mark_their_parts() {
        assert_eq!(
            words("CDA-leider, e-mail, Noord-Holland-Zuid - en CDA- of"),
            vec![
                ("CDA", true),
                ("leider", false),
                ("e", true),
                ("mail", false),
                ("Noord", true),
                ("Holland", true),
                ("Zuid", false),
                ("en", false),
                ("CDA", false),
                ("of", false)
            ]
        );
    }

    #[test]
    fn digit_groups() {
        assert_eq!(
            words("1.000 euro, 3,5 procent. Einde."),
            vec![
                ("1.000", false),
                ("euro", false),
                ("3,5", false),
                ("procent", false),
                ("Einde", false)
            ]
        );
    }

    #[test]
    fn non_latin_letters_and_quotes() {
        assert_eq!(
            words("'Ruïne' \"café\""),
            vec![("Ruïne", false), ("café", false)]
        );
    }
}
