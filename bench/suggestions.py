#!/usr/bin/env python3
"""How often zoek suggests a correction, and how often the correction is right.

usage: bench/suggestions.py [--zoek BIN] [--data DIR] [--typos N] [--seed S] [--check]

Needs the dev collection that bench/relevance.py --setup builds (DATA/dev/index; default
DATA = target/relevance), which holds every article of ../shared/corpus, titles included.

Two sets of queries, searched as a user types them (no flags but --json):
  as typed  the 1,359 headlines of the known-item task and the 30 dev queries: a suggestion
            for one of them is one too many (target: at most 1%)
  typos     N of those queries (default 500, seed 7), each with one typo in one content word
            of at least 5 letters: a letter inserted, deleted, substituted, or two neighbours
            swapped; the suggestion should give the word back (folded: case and diacritics do
            not count) (target: at least 70%)
--check exits 1 when a target is missed.
"""
import json
import os
import random
import subprocess
import sys
import unicodedata

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
SHARED = os.path.normpath(os.path.join(ROOT, "..", "shared"))
STOPWORDS = set("""de het een en van in op te dat die is voor met zijn aan er niet om ook als
bij of dan nog maar naar uit door tot over zo wel al wat hij zij ze we je u ik was werd worden
wordt heeft hebben had kan kunnen moet moeten zal zullen deze dit hun haar hem mijn ons onze
geen meer veel wie waar hoe na""".split())
LETTERS = "abcdefghijklmnopqrstuvwxyz"


def fold(text):
    decomposed = unicodedata.normalize("NFD", text.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def queries():
    """The known-item headlines and the dev queries, as typed."""
    ki = os.path.join(ROOT, "target", "relevance", "ki", "queries.tsv")
    if not os.path.exists(ki):
        sys.exit("suggestions: run bench/relevance.py --setup first")
    out = [line.rstrip("\n").split("\t", 1)[1] for line in open(ki, encoding="utf-8")]
    topics = os.path.join(SHARED, "eval", "adhoc-dev", "topics.tsv")
    out += [line.split("\t")[1] for line in open(topics, encoding="utf-8")]
    return out


def typo(word, rng):
    """The word with one edit somewhere inside it."""
    i = rng.randrange(1, len(word) - 1)
    kind = rng.choice(["insert", "delete", "substitute", "swap"])
    if kind == "insert":
        return word[:i] + rng.choice(LETTERS) + word[i:]
    if kind == "delete":
        return word[:i] + word[i + 1:]
    if kind == "substitute":
        other = rng.choice([c for c in LETTERS if c != word[i].lower()])
        return word[:i] + other + word[i + 1:]
    return word[:i] + word[i + 1] + word[i] + word[i + 2:]


def typo_set(all_queries, n, seed):
    """(query with a typo, the typo, the original word) for n queries with a candidate word."""
    rng = random.Random(seed)
    out = []
    order = list(range(len(all_queries)))
    rng.shuffle(order)
    for i in order:
        words = all_queries[i].split()
        candidates = [j for j, w in enumerate(words)
                      if w.isalpha() and len(w) >= 5 and fold(w) not in STOPWORDS]
        if not candidates:
            continue
        j = rng.choice(candidates)
        wrong = typo(words[j], rng)
        if fold(wrong) == fold(words[j]):
            continue
        out.append((" ".join(words[:j] + [wrong] + words[j + 1:]), wrong, words[j]))
        if len(out) == n:
            break
    return out


def suggestions(binary, index, texts):
    """The suggestion (or None) for each query, searched in one batch."""
    batch = "".join(f"{i}\t{' '.join(t.split())}\n" for i, t in enumerate(texts))
    out = subprocess.run([binary, "search", "--index", index, "--queries", "-", "--json"],
                         input=batch, capture_output=True, text=True)
    found = [None] * len(texts)
    for line in out.stdout.splitlines():
        o = json.loads(line)
        if o.get("type") == "summary" and "qid" in o:
            found[int(o["qid"])] = o.get("suggestion")
    return found


def main():
    args = sys.argv[1:]
    binary = os.path.join(ROOT, "target", "release", "zoek")
    data = os.path.join(ROOT, "target", "relevance")
    n, seed, check = 500, 7, False
    it = iter(args)
    for a in it:
        if a == "--zoek":
            binary = next(it)
        elif a == "--data":
            data = next(it)
        elif a == "--typos":
            n = int(next(it))
        elif a == "--seed":
            seed = int(next(it))
        elif a == "--check":
            check = True
        else:
            sys.exit(__doc__)
    index = os.path.join(data, "dev", "index")
    typed = queries()
    shown = suggestions(binary, index, typed)
    wrongly = [(q, s) for q, s in zip(typed, shown) if s]
    rate = len(wrongly) / len(typed)
    typos = typo_set(typed, n, seed)
    fixed = suggestions(binary, index, [t[0] for t in typos])
    restored = 0
    for (query, wrong, right), suggestion in zip(typos, fixed):
        if suggestion and fold(right) in [fold(w) for w in suggestion.split()] \
                and fold(wrong) not in [fold(w) for w in suggestion.split()]:
            restored += 1
    restore = restored / len(typos)
    print(f"as typed: {len(wrongly)} of {len(typed)} queries got a suggestion ({100 * rate:.1f}%; target <= 1%)")
    for q, s in wrongly[:10]:
        print(f"  {q!r} -> {s!r}")
    print(f"typos:    {restored} of {len(typos)} suggestions restore the word ({100 * restore:.1f}%; target >= 70%)")
    if check and (rate > 0.01 or restore < 0.70):
        sys.exit(1)


if __name__ == "__main__":
    main()
