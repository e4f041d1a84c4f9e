#!/usr/bin/env python3
"""Builds src/analysis/data/lexicon.txt, the lexicon of zoek's Dutch compound splitter.

usage: build-lexicon.py WORDLIST NL_DIC NL_AFF > src/analysis/data/lexicon.txt

Inputs, both from the OpenTaal project (BSD / CC-BY 3.0, see src/analysis/data/LEXICON-LICENSE.md),
as packaged by Debian:

    apt-get download wdutch hunspell-nl
    dpkg-deb -x wdutch_*.deb /tmp/wdutch          # WORDLIST = /tmp/wdutch/usr/share/dict/dutch
    dpkg-deb -x hunspell-nl_*.deb /tmp/hunspell-nl # NL_DIC, NL_AFF = /tmp/hunspell-nl/usr/share/hunspell/nl.{dic,aff}

The word list gives every word form; the Hunspell dictionary gives OpenTaal's hand-kept
compound flags: which words may begin a compound (flags Ca, Ce, and Ch/Cd for words that
take a linking -s) and which may end one (Cc). Only such words become compound parts, which
is what keeps the splitter from junk like ver+geten or gesp+rekken.

Output, one folded (lower-case, no diacritics) word per line, sorted by word:

    word    may be a modifier (first or middle part) and a head (last part)
    word-   may only be a modifier  (kinder-, zonne-)
    -word   may only be the head    (-gesp)
    =word   never a part and never split: a word that the splitting rules would cut but that
            is not a compound (verstand = ver+stand, not vers+tand; proper names; prefix
            words like boven, waar)

A part that is itself a compound of other parts is left out (the splitter recurses
instead), so the file stays small. The splitting rules below mirror src/analysis/compound.rs; the build
uses them to decide what is a compound, so lexicon and splitter always agree.
Python 3 standard library only.
"""
import collections
import re
import sys
import unicodedata

# ---------------------------------------------------------------------------------------
# The splitter: a twin of src/analysis/compound.rs. Keep the two in step.

MIN_WORD = 7
MIN_PART = 3
MAX_DEPTH = 4
BEGIN, END = 1, 2
# Modifiers that take a linking -er- (kinderopvang, runderhaas).
ER_BASES = {"kind", "rund", "lam", "blad", "lied", "hoen"}
VOWELS = "aeiouy"


def is_head(lex, h):
    return lex.get(h, 0) & END != 0


def is_mod(lex, m):
    return lex.get(m, 0) & BEGIN != 0


def lengthened(b):
    """staat for stat (staten = staat + en): a single vowel before one consonant was long."""
    if len(b) >= 3 and b[-1] not in VOWELS and b[-2] in "aeou" and b[-3] not in VOWELS:
        return b[:-1] + b[-2] + b[-1]
    return None


def singulars(b):
    """Spellings of the singular of a plural that is `b` + en, most likely first."""
    out = []
    long = lengthened(b)
    if long:
        out.append(long)  # scholen -> school, staten -> staat
    out.append(b)  # boeken -> boek
    if len(b) >= 4 and b[-1] == b[-2] and b[-1] not in VOWELS:
        out.append(b[:-1])  # katten -> kat
    if b.endswith("z"):
        out.append(b[:-1] + "s")  # huizen -> huis
    if b.endswith("v"):
        out.append(b[:-1] + "f")  # brieven -> brief
    return out


def modifier(lex, r):
    """The lexicon word that the modifier string `r` stands for, linking sound removed."""
    n = len(r)
    if lex.get(r, -1) == 0:
        return None
    if n >= 5 and r.endswith("er") and r[:-2] in ER_BASES and is_mod(lex, r[:-2]):
        return r[:-2]  # kinder -> kind
    if n >= 5 and r.endswith("e") and r[-2] == r[-3] and r[-2] not in VOWELS and is_mod(lex, r[:-2]):
        return r[:-2]  # zonne -> zon
    if is_mod(lex, r):
        return r
    if n >= 5 and r.endswith("en"):
        for c in singulars(r[:-2]):
            if len(c) >= MIN_PART and is_mod(lex, c):
                return c  # boeken -> boek
    if n >= 5 and r.endswith("s") and r[-2] != "s" and is_mod(lex, r[:-1]):
        return r[:-1]  # verkiezings -> verkiezing
    return None


def modifier_variants(r):
    """Strings a compound modifier may stand for (gemeenteraads -> gemeenteraad)."""
    out = []
    if r.endswith("s"):
        out.append(r[:-1])
    if r.endswith("en"):
        out.append(r[:-2])
    if r.endswith("e"):
        out.append(r[:-1])
    out.append(r)
    return out


def parts_of(lex, w, depth, single):
    n = len(w)
    for i in range(MIN_PART, n - MIN_PART + 1):
        h = w[i:]
        if not is_head(lex, h):
            continue
        r = w[:i]
        m = modifier(lex, r)
        if m is not None:
            return [m, h]
        if single or depth == 0:
            continue
        for v in modifier_variants(r):
            if len(v) < 2 * MIN_PART:
                continue
            p = best_split(lex, v, depth - 1)
            if p is not None:
                return p + [h]
    return None


def best_split(lex, w, depth):
    return parts_of(lex, w, depth, True) or parts_of(lex, w, depth, False)


def split(lex, w):
    if len(w) < MIN_WORD or not re.fullmatch("[a-z]+", w) or w in lex:
        return None
    return best_split(lex, w, MAX_DEPTH)


# ---------------------------------------------------------------------------------------
# Word knowledge the Hunspell flags do not carry.

# Never a head: endings of derived or inflected words that happen to be words themselves,
# and function words (belang+rijk, vrij+heden, kunst+naar, half+acht).
NOT_HEAD = set("""
aard aars aren ariers baar bare dien deels eden eerde eerden eert elen eling ende enden eren erij
heden isme ismen jarig jarige jarigen kende kunde lende lijk lijke lijken loos loosheid loze maal
matig matige natie netje netjes pers rende rijk rijke rijken rijker rijkste schap schappelijk
schappelijke schappen schappij sten ster sters graaf grafen grafe tukken uren waardig waardige
zelf zins
twee drie vier vijf zes zeven acht negen tien elf twaalf honderd duizend miljoen
aan door heen langs mee naar naast onder over toe uit voor waarts
""".split())

# Never a modifier: prefixes, particles, pronominal adverbs and other function words
# (onder+zoek, waar+door, samen+werking, voor+zitter).
NOT_MODIFIER = set("""
aan achter alle alles altijd ander andere beneden bij binnen boven buiten daar door elk even
geen heel hele her hier ieder iedere iets maar mede mee meer meest mis neer niet niets nooit ont
ooit over onder rond samen sinds tegen terug toch toe tussen uit veel ver voor waar wan want weder
weinig welk zeer zich zulk
""".split())

# Hunspell flags few three-letter words as parts (none as heads); these are added.
SHORT_MODIFIERS = set("dag lid bos zee gas ijs vis bus top web zon ski eik oog kop vak".split())
SHORT_HEADS = set("dag lid wet bos weg zee gas ijs vis bus web pad bal man oog kop vak".split())

# Lexicalised words the rules would cut: never split.
KEEP_WHOLE = set("""
maandag dinsdag woensdag donderdag vrijdag zaterdag zondag levenslang
handhaven redenering redeneringen
""".split())

# Prefixes and particles of derived words (verstand = ver+stand, toepassen = toe+passen).
PREFIXES = ("be ge ver ont her er mis on door over onder voor achter aan uit op af in toe mee "
            "bij om na tegen terug samen neer vol").split()
# Suffixes of derived and inflected words (scheiding = scheid+ing, culturen = cultuur+en).
SUFFIXES = ("ing ingen heid heden e en er ers ere eren st ste sten s t d de den te ten ij ijen "
            "erij erijen aar aars ares ster sters nis nissen schap schappen lijk lijke elijk "
            "elijke baar bare ig ige isch ische tje tjes je jes pje pjes etje etjes atie aties "
            "eur eurs euse ist isten iteit ief ieve").split()


def fold(s):
    for a, b in (("ß", "ss"), ("æ", "ae"), ("œ", "oe"), ("ø", "o"), ("ł", "l"), ("ĳ", "ij"),
                 ("Ĳ", "IJ"), ("Æ", "AE"), ("Œ", "OE"), ("Ø", "O"), ("Ł", "L")):
        s = s.replace(a, b)
    return "".join(c for c in unicodedata.normalize("NFD", s) if not unicodedata.combining(c))


def is_plain(w):
    return re.fullmatch("[a-z]+", w) is not None


def read_wordlist(path):
    """Lower-case words, and capitalised names whose lower-case form is no word."""
    words, names = set(), set()
    for line in open(path, encoding="utf-8"):
        raw = line.strip()
        if not raw:
            continue
        w = fold(raw)
        if raw[0].isupper():
            if raw[1:].islower() or len(raw) == 1:
                names.add(w.lower())
            continue
        if is_plain(w) and len(w) >= MIN_PART:
            words.add(w)
    names = {n for n in names if is_plain(n) and n not in words}
    return words, names


def flag_list(s):
    return [s[i:i + 2] for i in range(0, len(s), 2)]  # nl.aff uses FLAG long


def read_suffixes(aff):
    sfx = collections.defaultdict(list)
    for line in open(aff, encoding="utf-8"):
        p = line.split()
        if len(p) >= 5 and p[0] == "SFX":
            flag, strip, add, cond = p[1], p[2], p[3], p[4]
            add, _, add_flags = add.partition("/")
            sfx[flag].append(("" if strip == "0" else strip, "" if add == "0" else add,
                              set(flag_list(add_flags)),
                              None if cond == "." else re.compile("(?:" + cond + ")$")))
    return sfx


def read_compound_patterns(aff):
    """CHECKCOMPOUNDPATTERN pairs of plain strings: no compound boundary between them.
    Those against doubled consonants (p pijn: stappijn) are left out: they also forbid
    koppijn and doellijn, which a splitter should cut."""
    out = []
    for line in open(aff, encoding="utf-8"):
        p = line.split()
        if len(p) >= 3 and p[0] == "CHECKCOMPOUNDPATTERN" and "/" not in p[1] + p[2]:
            a, b = fold(p[1]).lower(), fold(p[2]).lower()
            if is_plain(a) and is_plain(b) and not (len(a) == 1 and b[0] == a and a not in "kr"):
                out.append((a, b))
    return out


def hunspell_roles(dic, aff):
    """word -> BEGIN|END from the compound flags of nl.dic, over all affixed forms."""
    sfx = read_suffixes(aff)
    roles = collections.defaultdict(int)
    stem_begin, form_begin = set(), set()
    with open(dic, encoding="utf-8") as f:
        next(f)
        for line in f:
            stem, _, flags = line.rstrip("\n").partition("/")
            flags = flag_list(flags.split()[0]) if flags.strip() else []
            stem_flags = set(flags)
            forms = []
            for fl in flags:
                for strip, add, add_flags, cond in sfx.get(fl, ()):
                    if (cond is not None and not cond.search(stem)) or not stem.endswith(strip):
                        continue
                    form_flags = set(add_flags)
                    if fl in ("Ch", "Cd"):  # stem + linking s: the stem begins compounds
                        stem_flags.add("Ca")
                        form_flags -= {"Ca", "Cb"}
                    forms.append((stem[:len(stem) - len(strip)] + add, form_flags))
            stem_end = "Cc" in stem_flags
            for form, fl in [(stem, stem_flags)] + forms:
                if not form or not form[0].islower():
                    continue
                w = fold(form)
                if not is_plain(w):
                    continue
                if fl & {"Ca", "Cb", "Ce"}:
                    roles[w] |= BEGIN
                    (stem_begin if form == stem else form_begin).add(w)
                if "Cc" in fl or (stem_end and form != stem):
                    roles[w] |= END  # inflected forms of a head are heads (verkiezingen)
    # A plural in -en begins compounds as its singular does (boekenkast = boek + kast):
    # return the singular for it.
    for w in form_begin - stem_begin:
        if w.endswith("en") and any(roles.get(c, 0) & BEGIN and c in stem_begin
                                    for c in singulars(w[:-2])):
            roles[w] &= ~BEGIN
    return roles


def derived_from_atomic(w, parts, words, lex):
    """Whether `w` is a derivation of a word that is no compound (verstand = ver + stand,
    handhaven = handhaaf + en), rather than a compound cut where `parts` cut it."""
    k = len(w) - len(parts[-1])  # where the head starts
    for p in PREFIXES:
        # the cut is one or two letters into the word after the prefix: vers|tand, toep|assen
        if w.startswith(p) and w[len(p):] in words and len(p) < len(w) - len(parts[-1]) <= len(p) + 2:
            return True
    for s in SUFFIXES:
        if not w.endswith(s):
            continue
        x = w[:-len(s)]
        if len(x) < MIN_PART:
            continue
        cands = {x, x + "en", x + "e", lengthened(x)}
        if len(x) >= 2 and x[-1] == x[-2] and x[-1] not in VOWELS:
            cands.add(x[:-1])
        if x.endswith("z"):
            cands.add(x[:-1] + "s")
        if x.endswith("v"):
            cands.add(x[:-1] + "f")
            if lengthened(x):
                cands.add(lengthened(x)[:-1] + "f")  # handhaven -> handhaaf
        if x.endswith("z") and lengthened(x):
            cands.add(lengthened(x)[:-1] + "s")
        for c in cands:
            if not c or len(c) < k + MIN_PART or len(c) >= len(w) or c not in words \
                    or split(lex, c) is not None:
                continue
            # toezichthouder = toezichthoud + er is still toezicht + houder: a compound
            if c.startswith(w[:k]) and c[k:] in words:
                continue
            return True
    return False


def crosses_pattern(w, parts, patterns):
    """Whether the first boundary of the split of `w` is one Hunspell forbids."""
    # the surface position of the head
    h = parts[-1]
    i = len(w) - len(h)
    left, right = w[:i], w[i:]
    return any(left.endswith(a) and right.startswith(b) for a, b in patterns)


def build(wordlist, dic, aff):
    words, names = read_wordlist(wordlist)
    roles = hunspell_roles(dic, aff)
    roles = {w: r for w, r in roles.items() if len(w) >= MIN_PART}
    for w in SHORT_MODIFIERS:
        roles[w] = roles.get(w, 0) | BEGIN
    for w in SHORT_HEADS:
        roles[w] = roles.get(w, 0) | END
    for w in NOT_HEAD:
        if w in roles:
            roles[w] &= ~END
    blocked_mods = set()
    for w in NOT_MODIFIER:
        if roles.get(w, 0) & END:
            roles[w] &= ~BEGIN
        else:
            blocked_mods.add(w)
            roles.pop(w, None)
    patterns = read_compound_patterns(aff)

    lex = {w: 0 for w in blocked_mods}
    stats = collections.Counter()
    candidates = set(roles) | words | names | KEEP_WHOLE
    for w in sorted(candidates, key=lambda w: (len(w), w)):
        if w in lex:
            continue
        role = roles.get(w, 0)
        p = split(lex, w) if len(w) >= MIN_WORD else None
        if p is None:
            if role:
                lex[w] = role
                stats["part"] += 1
            continue
        if w in KEEP_WHOLE or (w in names) or derived_from_atomic(w, p, words, lex) \
                or crosses_pattern(w, p, patterns):
            lex[w] = role
            stats["kept whole (part)" if role else "kept whole"] += 1
        else:
            stats["compound"] += 1
    print(f"words {len(words)}, names {len(names)}, hunspell parts {len(roles)}, "
          f"lexicon {len(lex)}: {dict(stats)}", file=sys.stderr)
    return lex


def line_of(w, role):
    return {BEGIN | END: w, BEGIN: w + "-", END: "-" + w, 0: "=" + w}[role]


def main():
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    lex = build(*sys.argv[1:])
    out = sys.stdout
    for w in sorted(lex):
        out.write(line_of(w, lex[w]) + "\n")


if __name__ == "__main__":
    main()
