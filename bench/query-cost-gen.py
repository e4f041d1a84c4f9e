#!/usr/bin/env python3
"""Writes the abusive and the random queries of bench/query-cost.sh, one file per query.

usage: query-cost-gen.py SAMPLE.jsonl OUTDIR COUNT
SAMPLE.jsonl: the first lines of the synthetic corpus (the vocabulary); OUTDIR gets
named/NAME.txt (the abusive queries), random/NNNN.txt (COUNT random queries of 1 byte to
100 KB, log-uniform), vocab.txt, and ids.txt (a few article ids). Fixed seed: same files.
"""
import collections, json, math, os, re, sys

sample, out, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
words = collections.Counter()
ids = []
for line in open(sample, encoding="utf-8"):
    d = json.loads(line)
    ids.append(d["id"])
    for w in re.findall(r"[^\W\d_]+", d["title"] + " " + d["body"]):
        words[w.lower()] += 1
vocab = sorted(words, key=lambda w: (-words[w], w))
os.makedirs(os.path.join(out, "named"), exist_ok=True)
os.makedirs(os.path.join(out, "random"), exist_ok=True)
open(os.path.join(out, "vocab.txt"), "w").write("\n".join(vocab) + "\n")
open(os.path.join(out, "ids.txt"), "w").write("\n".join(ids[:10]) + "\n")

def write(dirname, name, text):
    assert "\n" not in text and "\t" not in text
    with open(os.path.join(out, dirname, name + ".txt"), "w", encoding="utf-8") as f:
        f.write(text)

# The abusive queries of the issue (long ones are passed as "$(cat FILE)": all fit in one
# argument, under Linux's 128 KB per argument).
long_words = [w for w in vocab if len(w) >= 5]
named = {
    "parens-20000": "(" * 20000 + "gemeente" + ")" * 20000,
    "kabinet-x10000": " ".join(["kabinet"] * 10000),
    "common-10000-any": " ".join(vocab[:10000]),
    "phrase-de-x5000": '"' + " ".join(["de"] * 5000) + '"',
    "fuzzy2-or-200": " OR ".join(w + "~2" for w in long_words[:200]),
    "fuzzy-1000": " ".join(w + "~" for w in long_words[:1000]),
    "not-gemeente": "NOT gemeente",
    "minus-gemeente": "-gemeente",
    "1-0": "1-0",
    "gemeente^2": "gemeente^2",
    "url": "https://www.ad.nl/politiek/kabinet-valt-over-stikstof~a1b2c3d4/?utm_source=x&ref=y#reacties",
    "Gemeente:raad": "Gemeente:raad",
}
for name, text in named.items():
    write("named", name, text)

# Random queries, lengths log-uniform from 1 byte to 100 KB. Seven in ten are well formed
# (balanced groups and quotes, valid dates and edit distances: they reach the search itself),
# built from clauses until the length is reached; three in ten are a soup of every operator and
# some junk, cut at the length (so they may end inside a phrase, a group or a word).
import random
rng = random.Random(13)
common = vocab[:2000]
by_len = collections.defaultdict(list)
for w in vocab:
    by_len[len(w.encode())].append(w)

def word():
    return rng.choice(common) if rng.random() < 0.7 else rng.choice(vocab)

def atom(depth):
    r = rng.random()
    if r < 0.50: return word()
    if r < 0.57: return '"' + " ".join(word() for _ in range(rng.randint(2, 6))) + '"'
    if r < 0.61: return "title:" + word()
    if r < 0.63: return "body:" + rng.choice([word(), '"%s %s"' % (word(), word())])
    if r < 0.65: return "date:" + rng.choice(["2019", "2019-03", "2020-02-28", "[2019-01 TO 2020-06]",
                                             "[* TO 2010]", "[2019 TO *]"])
    if r < 0.67: return "source:" + rng.choice(["dpgmedia2019", "nieuwsbode", word()])
    if r < 0.79: return word() + rng.choice(["~", "~1", "~2", "~2"])
    if r < 0.90:
        w = word()
        return w[:rng.randint(1, len(w))] + "*"
    if depth < 4:
        return "(" + clauses(depth + 1, rng.randint(2, 8)) + ")"
    return word()

def clause(depth, negate=True):
    r = rng.random() if negate else 1
    prefix = "NOT " if r < 0.04 else "-" if r < 0.10 else ""
    text = atom(depth)
    global last_negated
    last_negated = bool(prefix)
    return prefix + text

def joined(depth, q, more):
    # a negated clause is never an OR alternative; half the queries are mostly OR, half AND
    if not last_negated and rng.random() < (0.8 if any_style else 0.1):
        return q + " OR " + clause(depth, negate=False) if more else clause(depth, negate=False)
    return q + rng.choice([" ", " ", " AND "]) + clause(depth) if more else clause(depth)

def clauses(depth, n):
    out = joined(depth, "", False)
    for _ in range(n - 1):
        out = joined(depth, out, True)
    return out

def junk():
    r = rng.random()
    if r < 0.40: return word()
    if r < 0.47: return rng.choice(["OR", "OR", "AND", "NOT"])
    if r < 0.51: return "-" + word()
    if r < 0.55: return '"' + " ".join(word() for _ in range(rng.randint(1, 6))) + '"'
    if r < 0.60: return "(" * rng.randint(1, 3)
    if r < 0.65: return ")" * rng.randint(1, 3)
    if r < 0.68: return "title:" + word()
    if r < 0.70: return "body:" + rng.choice([word(), '"%s %s"' % (word(), word())])
    if r < 0.72: return "date:" + rng.choice(["2019", "2020-02-30", "[2019-01 TO 2020-06]", "morgen",
                                             "2019-13", "[2019 TO", "[*TO*]"])
    if r < 0.74: return "source:" + rng.choice(["dpgmedia2019", '"synth:dpgmedia2019"', word()])
    if r < 0.80: return word() + rng.choice(["~", "~1", "~2", "~3", "~0", "~~"])
    if r < 0.85:
        w = word()
        return w[:rng.randint(0, len(w))] + "*"
    if r < 0.88: return rng.choice(["*", "~", "^2", ":", "-", '"', "''", "title:", "\\", "&&", "||",
                                    "+", "!", "é", "ü", "’s", "CDA-leider", "auto's", "1-0", "€5",
                                    "\u200b", "\U0001F600", "ﬁ", "İ"])
    return word() + rng.choice([",", ".", "?", ":", "-" + word()])

limit = 100_000
any_style = last_negated = False
for i in range(count):
    length = int(math.exp(rng.uniform(0, math.log(limit))))
    if rng.random() < 0.7:
        if length <= 3 and by_len[length]:
            q = rng.choice(by_len[length])
        else:
            any_style = rng.random() < 0.5
            q = clause(0, negate=False)
            while len(q.encode()) < length:
                more = joined(0, q, True)
                if len(more.encode()) > limit:
                    break
                q = more
    else:
        parts, n = [], 0
        while n < length:
            t = junk()
            parts.append(t)
            n += len(t.encode()) + 1
        q = " ".join(parts).encode()[:length].decode(errors="ignore").strip() or "a"
    write("random", f"{i:04d}", q)
