//! Compound splitting: finds the parts of Dutch compounds (verkiezingsfraude → verkiezing + fraude).
//!
//! **Lexicon.** `data/lexicon.txt` (about 49,000 folded words, built by `tools/build-lexicon.py`
//! from OpenTaal's word list and Hunspell dictionary, BSD licence, see
//! `data/LEXICON-LICENSE.md`) holds the words that may be compound parts, each with its role
//! from OpenTaal's hand-kept compound flags: `word` may be modifier or head, `word-` only a
//! modifier (`kinder-`), `-word` only the head (`-gesp`), and `=word` is never a part and
//! never split (`=verstand`, `=boven`). Parts that are themselves compounds are left out:
//! the splitter finds them by recursion.
//!
//! **Algorithm.** A word of at least 7 letters that is not in the lexicon is cut into
//! modifier + head, trying the longest head first. The modifier may end in a linking sound
//! (-s-, -en-, -e-, -er-) or be a plural (`scholen` → `school`); when it is no part itself
//! it is split the same way, to [`MAX_DEPTH`] levels. Splits with two parts are preferred
//! to longer ones. Lookups borrow slices of the word; memory is allocated only for a split found.
//!
//! **Why no junk.** Only words that OpenTaal flags as compound parts count, and parts have
//! at least 3 letters (three-letter ones only when listed), so derived words are not
//! cut at their suffixes or prefixes: vrijheid, agentschap, bediening, ministerie,
//! belangrijk, herinnering stay whole, as do vergeten (not verg+eten), gesprekken (not
//! gesp+rekken) and onderzoek (particles like onder-, voor-, samen- are never modifiers).
//! Words the rules would still cut wrongly are listed whole (`=`) by the build script.

use super::fx_hash::fx_hash;

/// Words shorter than this (in letters) are never split.
pub const MIN_WORD: usize = 7;
/// No part is shorter than this.
pub const MIN_PART: usize = 3;
/// How many times a modifier may itself be split (so at most `MAX_DEPTH + 2` parts).
pub const MAX_DEPTH: usize = 4;
/// Longer words are not split (a bound on work; real compounds are far shorter).
const MAX_WORD: usize = 128;

const BEGIN: u8 = 1;
const END: u8 = 2;
const VOWELS: &[u8] = b"aeiouy";
/// Modifiers that take a linking -er- (kinderopvang, runderhaas).
const ER_BASES: [&str; 6] = ["kind", "rund", "lam", "blad", "lied", "hoen"];

static LEXICON_TEXT: &str = include_str!("data/lexicon.txt");
/// The lexicon's hash table, built by `build.rs`: one little-endian u64 per slot, the word's
/// byte offset in [`LEXICON_TEXT`] (bits 0–31), its length (32–39, 0 = empty slot) and its
/// role (40–47); found by [`fx_hash`] and linear probing.
static LEXICON_TABLE: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/lexicon.table"));
static LEXICON: Lexicon = Lexicon;

/// Finds the parts of Dutch compounds; see the module documentation.
#[derive(Clone, Debug, Default)]
pub struct Decompounder {
    _private: (),
}

impl Decompounder {
    pub fn new() -> Self {
        Decompounder { _private: () }
    }

    /// `word` is lower-cased and diacritic-free. Returns the parts, modifiers first and the
    /// head (last part) last, each as a lexicon word (linking sounds removed), or None when the
    /// word is not a compound zoek should split.
    pub fn split(&self, word: &str) -> Option<Vec<String>> {
        let bytes = word.as_bytes();
        if bytes.len() < MIN_WORD
            || bytes.len() > MAX_WORD
            || !bytes.iter().all(u8::is_ascii_lowercase)
        {
            return None;
        }
        let lexicon = Lexicon::get();
        if lexicon.contains(word) {
            return None;
        }
        let mut search = Search {
            lex: lexicon,
            word,
            failed: [0; MAX_DEPTH + 1],
            parts: Vec::new(),
        };
        if search.split(word.len(), MAX_DEPTH) {
            Some(search.parts.iter().map(|p| p.to_string()).collect())
        } else {
            None
        }
    }
}

/// Word → role bits, looked up in the table `build.rs` makes of the included lexicon text,
/// so nothing is parsed at run time.
struct Lexicon;

impl Lexicon {
    fn get() -> &'static Lexicon {
        &LEXICON
    }

    /// The lexicon's own copy of `word` and its role.
    fn entry(&self, word: &str) -> Option<(&'static str, u8)> {
        let slots = LEXICON_TABLE.len() / 8;
        let mut i = fx_hash(word.as_bytes()) as usize & (slots - 1);
        loop {
            let bytes: [u8; 8] = LEXICON_TABLE[i * 8..i * 8 + 8].try_into().ok()?;
            let slot = u64::from_le_bytes(bytes);
            let len = ((slot >> 32) & 0xff) as usize;
            if len == 0 {
                return None;
            }
            let start = (slot & 0xffff_ffff) as usize;
            let found = &LEXICON_TEXT[start..start + len];
            if found == word {
                return Some((found, (slot >> 40) as u8));
            }
            i = (i + 1) & (slots - 1);
        }
    }

    fn contains(&self, word: &str) -> bool {
        self.entry(word).is_some()
    }

    fn role(&self, word: &str) -> Option<u8> {
        self.entry(word).map(|(_, role)| role)
    }

    /// The lexicon's own copy of `word` when it may be the head.
    fn head(&self, word: &str) -> Option<&'static str> {
        match self.entry(word) {
            Some((w, r)) if r & END != 0 => Some(w),
            _ => None,
        }
    }

    /// The lexicon's own copy of `word` when it may be a modifier.
    fn modifier(&self, word: &str) -> Option<&'static str> {
        match self.entry(word) {
            Some((w, r)) if r & BEGIN != 0 => Some(w),
            _ => None,
        }
    }
}

/// One split: the word, failures already seen, and the parts found so far.
struct Search<'a> {
    lex: &'static Lexicon,
    word: &'a str,
    /// Bit `n` of `failed[depth]`: `word[..n]` has no split at that depth.
    failed: [u128; MAX_DEPTH + 1],
    parts: Vec<&'static str>,
}

impl Search<'_> {
    /// Splits `word[..n]`, preferring two parts; on success `parts` holds them in order.
    fn split(&mut self, n: usize, depth: usize) -> bool {
        let bit = 1u128 << (n - 1);
        if self.failed[depth] & bit != 0 {
            return false;
        }
        if self.split_at_head(n, depth, true) || self.split_at_head(n, depth, false) {
            return true;
        }
        self.failed[depth] |= bit;
        false
    }

    /// Tries heads from the longest; with `single`, only lexicon words as modifier.
    fn split_at_head(&mut self, n: usize, depth: usize, single: bool) -> bool {
        let lex = self.lex;
        let w = &self.word[..n];
        if n < 2 * MIN_PART {
            return false;
        }
        for i in MIN_PART..=n - MIN_PART {
            let (r, h) = w.split_at(i);
            let Some(head) = lex.head(h) else {
                continue;
            };
            if let Some(m) = modifier(lex, r) {
                self.parts.clear();
                self.parts.extend([m, head]);
                return true;
            }
            if single || depth == 0 {
                continue;
            }
            for v in modifier_variants(r) {
                if v.len() >= 2 * MIN_PART && self.split(v.len(), depth - 1) {
                    self.parts.push(head);
                    return true;
                }
            }
        }
        false
    }
}

/// The strings a compound modifier may stand for: `gemeenteraads` → `gemeenteraad`.
fn modifier_variants(r: &str) -> impl Iterator<Item = &str> {
    let s = r.strip_suffix('s');
    let en = r.strip_suffix("en");
    let e = r.strip_suffix('e');
    s.into_iter().chain(en).chain(e).chain(std::iter::once(r))
}

/// The lexicon word that the modifier string `r` stands for, linking sound removed.
fn modifier(lex: &Lexicon, r: &str) -> Option<&'static str> {
    let b = r.as_bytes();
    let n = b.len();
    if lex.role(r) == Some(0) {
        return None;
    }
    if n >= 5 && r.ends_with("er") && ER_BASES.contains(&&r[..n - 2]) {
        if let Some(m) = lex.modifier(&r[..n - 2]) {
            return Some(m); // kinder -> kind
        }
    }
    if n >= 5 && b[n - 1] == b'e' && b[n - 2] == b[n - 3] && !VOWELS.contains(&b[n - 2]) {
        if let Some(m) = lex.modifier(&r[..n - 2]) {
            return Some(m); // zonne -> zon
        }
    }
    if let Some(m) = lex.modifier(r) {
        return Some(m);
    }
    if n >= 5 && r.ends_with("en") {
        if let Some(m) = singular(lex, &r[..n - 2]) {
            return Some(m); // boeken -> boek
        }
    }
    if n >= 5 && b[n - 1] == b's' && b[n - 2] != b's' {
        if let Some(m) = lex.modifier(&r[..n - 1]) {
            return Some(m); // verkiezings -> verkiezing
        }
    }
    None
}

/// The singular of the plural `b` + en that is a modifier, most likely spelling first.
fn singular(lex: &Lexicon, b: &str) -> Option<&'static str> {
    let s = b.as_bytes();
    let n = s.len();
    let mut buf = [0u8; MAX_WORD + 1];
    // scholen -> school, staten -> staat: one consonant after one vowel was a long vowel
    if n >= 3
        && !VOWELS.contains(&s[n - 1])
        && b"aeou".contains(&s[n - 2])
        && !VOWELS.contains(&s[n - 3])
    {
        buf[..n - 1].copy_from_slice(&s[..n - 1]);
        buf[n - 1] = s[n - 2];
        buf[n] = s[n - 1];
        if let Some(m) = lex.modifier(ascii(&buf[..=n])) {
            return Some(m);
        }
    }
    if n >= MIN_PART {
        if let Some(m) = lex.modifier(b) {
            return Some(m); // boeken -> boek
        }
    }
    if n >= 4 && s[n - 1] == s[n - 2] && !VOWELS.contains(&s[n - 1]) {
        if let Some(m) = lex.modifier(&b[..n - 1]) {
            return Some(m); // katten -> kat
        }
    }
    let voiceless = match s[n - 1] {
        b'z' => b's', // huizen -> huis
        b'v' => b'f', // brieven -> brief
        _ => return None,
    };
    buf[..n].copy_from_slice(s);
    buf[n - 1] = voiceless;
    lex.modifier(ascii(&buf[..n]))
}

fn ascii(bytes: &[u8]) -> &str {
    std::str::from_utf8(bytes).unwrap_or("")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split(word: &str) -> Option<Vec<String>> {
        Decompounder::new().split(word)
    }

    fn parts(word: &str) -> Vec<String> {
        split(word).unwrap_or_else(|| panic!("{word} was not split"))
    }

    #[test]
    fn splits_with_linking_s() {
        assert_eq!(parts("verkiezingsfraude"), ["verkiezing", "fraude"]);
        assert_eq!(parts("herdershond"), ["herder", "hond"]);
        assert_eq!(parts("ooievaarsnest"), ["ooievaar", "nest"]);
    }

    #[test]
    fn head_may_be_inflected() {
        assert_eq!(
            parts("presidentsverkiezingen"),
            ["president", "verkiezingen"]
        );
    }

    #[test]
    fn splits_without_linking_sound() {
        assert_eq!(parts("belastingfraude"), ["belasting", "fraude"]);
        assert_eq!(parts("klimaatverandering"), ["klimaat", "verandering"]);
    }

    #[test]
    fn splits_with_linking_en() {
        assert_eq!(parts("boekenkast"), ["boek", "kast"]);
        assert_eq!(parts("mensenrechten"), ["mens", "rechten"]);
    }

    #[test]
    fn plural_modifiers_become_singular() {
        assert_eq!(parts("scholengemeenschap"), ["school", "gemeenschap"]);
        assert_eq!(parts("huizenmarkt"), ["huis", "markt"]);
        assert_eq!(parts("lerarentekort"), ["leraar", "tekort"]);
    }

    #[test]
    fn splits_with_linking_er() {
        assert_eq!(parts("kinderopvang"), ["kind", "opvang"]);
        assert_eq!(parts("kinderbijslag"), ["kind", "bijslag"]);
    }

    #[test]
    fn splits_with_linking_e() {
        assert_eq!(parts("zonnepaneel"), ["zon", "paneel"]);
        assert_eq!(parts("zonnepanelen"), ["zon", "panelen"]);
    }

    #[test]
    fn splits_modifiers_that_are_compounds() {
        assert_eq!(
            parts("gemeenteraadsverkiezingen"),
            ["gemeente", "raad", "verkiezingen"]
        );
        let long = parts("arbeidsongeschiktheidsverzekeringsmaatschappij");
        assert!(long.len() >= 3, "{long:?}");
        assert_eq!(long.last().unwrap(), "maatschappij");
        assert_eq!(long[0], "arbeid");
    }

    #[test]
    fn prefers_the_longest_head() {
        assert_eq!(parts("containerschip"), ["container", "schip"]); // not container+s+chip
        assert_eq!(parts("grafsteen"), ["graf", "steen"]); // not graf+s+teen
    }

    #[test]
    fn never_splits_derived_or_simple_words() {
        for word in [
            // derivational suffixes: -schap -heid -ing -lijk -baar -isch -te -nis -dom -aar
            // -er -ij -erij -tie, and prefixes be- ge- ver- ont- her- er-
            "bewijs",
            "agentschap",
            "bediening",
            "gebied",
            "verkiezing",
            "verkiezingen",
            "ministerie",
            "gemeente",
            "regering",
            "vrijheid",
            "herinnering",
            "belangrijk",
            "belangrijkste",
            "wetenschap",
            "wetenschappers",
            "eigendom",
            "gevangenis",
            "bakkerij",
            "vriendelijk",
            "betaalbaar",
            "economisch",
            "koninkrijk",
            "werkloosheid",
            "maatschappelijk",
            "noodzakelijk",
            "combinatie",
            "schilderijen",
            "redenering",
            // particles and prefixes are no modifiers
            "onderzoek",
            "samenwerking",
            "voorzitter",
            "overheid",
            "uitspraak",
            "aanslag",
            "tegenstanders",
            "achtergrond",
            "uitzondering",
            "voorstellen",
            "waardoor",
            // cuts that only look like compounds
            "vergeten",
            "gesprekken",
            "bestuur",
            "kantoor",
            "kasteel",
            "verstand",
            "toepassen",
            "handhaven",
            "fotograaf",
            "culturen",
            "burgemeester",
            "kinderen",
            "bedrijven",
            "betekent",
            "algemeen",
            "verschillen",
            "huisvesting",
            "levenslang",
            "vrijdag",
            // proper names
            "nederland",
            "rotterdam",
            "amsterdam",
            "duitsland",
            "griekenland",
            "groenlinks",
        ] {
            assert_eq!(split(word), None, "{word}");
        }
    }

    #[test]
    fn never_splits_short_words() {
        for word in ["", "bos", "zeeman", "wegdek", "ijsbal", "boekje"] {
            assert!(word.len() < MIN_WORD);
            assert_eq!(split(word), None, "{word}");
        }
    }

    #[test]
    fn no_part_is_short() {
        for word in [
            "verkiezingsfraude",
            "gemeenteraadsverkiezingen",
            "zonnepanelen",
            "kamerlid",
            "basisschool",
            "voetbalclub",
            "ziekenhuisopname",
            "koolstofvoetafdruk",
        ] {
            for part in split(word).unwrap_or_default() {
                assert!(part.len() >= MIN_PART, "{word}: {part}");
            }
        }
    }

    #[test]
    fn ignores_words_that_are_not_plain_lower_case_letters() {
        assert_eq!(split("Verkiezingsfraude"), None);
        assert_eq!(split("verkiezings-fraude"), None);
        assert_eq!(split("verkiezingsfraude2019"), None);
        assert_eq!(split("coördinatiefraude"), None);
        assert_eq!(split(&"verkiezingsfraude".repeat(10)), None);
    }

    #[test]
    fn parts_are_lexicon_words() {
        let lex = Lexicon::get();
        for word in [
            "verkiezingsfraude",
            "boekenkast",
            "kinderopvang",
            "huizenmarkt",
        ] {
            for part in parts(word) {
                assert!(lex.role(part.as_str()).is_some_and(|r| r != 0), "{part}");
            }
        }
    }

    #[test]
    fn lexicon_table_holds_every_word_with_its_role() {
        let lex = Lexicon::get();
        let mut n = 0;
        for line in LEXICON_TEXT.lines() {
            let (word, role) = if let Some(w) = line.strip_prefix('=') {
                (w, 0)
            } else if let Some(w) = line.strip_prefix('-') {
                (w, END)
            } else if let Some(w) = line.strip_suffix('-') {
                (w, BEGIN)
            } else {
                (line, BEGIN | END)
            };
            let (found, found_role) = lex.entry(word).expect(word);
            assert_eq!((found, found_role), (word, role));
            n += 1;
        }
        assert!(n > 10_000);
        for absent in ["", "xq", "verkiezingsfraude", "kabinetx"] {
            assert_eq!(lex.entry(absent), None, "{absent}");
        }
    }

    #[test]
    fn lexicon_is_sorted_and_well_formed() {
        let words: Vec<&str> = LEXICON_TEXT
            .lines()
            .map(|l| l.trim_start_matches(['=', '-']).trim_end_matches('-'))
            .collect();
        assert!(words.len() > 10_000);
        assert!(
            words.windows(2).all(|w| w[0] < w[1]),
            "sorted, no duplicates"
        );
        assert!(words
            .iter()
            .all(|w| w.len() >= MIN_PART && w.bytes().all(|b| b.is_ascii_lowercase())));
    }

    #[test]
    fn decompounder_is_cheap_to_share() {
        fn send_sync<T: Send + Sync + Clone>() {}
        send_sync::<Decompounder>();
        assert_eq!(std::mem::size_of::<Decompounder>(), 0);
    }
}
