#!/usr/bin/env python3
"""Relevance figures of one zoek configuration on both evaluation sets, in one table row.

usage: bench/relevance.py [--zoek BIN] [--data DIR] [--label NAME] [--record FILE]
                          [--timing] [--setup] [--table] [--check FLOORS]
                          [-- EXTRA ZOEK SEARCH ARGS...]

--setup builds the two collections and their indexes under DATA (default
target/relevance): the known-item task (../shared/eval/known_item.py: 1,359 headlines, each
for its article, titles removed) and the dev collection
(../shared/eval/adhoc-dev/build_collection.py; 30 topics, the query column only).

Figures (all from `zoek search`, the binary as a user runs it, plus EXTRA args):
  ki MRR@10, success@1, success@10: article run (`--format trec -n 100`) of the headlines
  dev nDCG@10, MRR@10, P@10, judged@10: article run of the 30 dev topics
  pv art: passage view (`--json -n 10`): mean distinct articles among the top 10 passages
  pv cred: the same, per topic min(7, distinct) / min(7, matching articles) * 7 (matching
           articles from `--count`), so a topic that matches 3 articles and shows 3 counts 7
  pv rel: share of the top 10 passages whose article has grade >= 1 (unjudged = 0)
  empty: queries (both sets) that return nothing although a relevant article exists
  ki_s: wall seconds of the known-item article run (1,359 queries, one process;
        median of 3 with --timing)
Scoring follows ../shared/eval/trec_score.py (ties by docid, duplicates dropped).

Output: one row for bench/relevance-variants.md (appended to FILE with --record), or with
--table the table of bench/relevance.sh: zoek beside the peers and the targets. --check FLOORS
exits 1 when a figure is under its floor in FLOORS (lines `NAME MIN` or `NAME max MAX`, names
as the keys of measure(): ki_mrr, dev_ndcg, pv_cred, pv_rel, empty, ...).
"""
import collections
import json
import math
import os
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
SHARED = os.path.normpath(os.path.join(ROOT, "..", "shared"))


def read_qrels(path):
    qrels = collections.defaultdict(dict)
    for line in open(path):
        p = line.split()
        if len(p) >= 4:
            qrels[p[0]][p[2]] = int(p[3])
    return qrels


def parse_trec(text):
    run = collections.defaultdict(list)
    for line in text.splitlines():
        p = line.split()
        if len(p) >= 6:
            run[p[0]].append((-float(p[4]), p[2]))
    out = {}
    for qid, rows in run.items():
        seen = set()
        out[qid] = [d for _, d in sorted(rows) if not (d in seen or seen.add(d))]
    return out


def score(qrels, run):
    m = collections.defaultdict(float)
    per = {}
    for qid, rel in qrels.items():
        ranked = run.get(qid, [])
        rr = 0.0
        for i, d in enumerate(ranked[:10]):
            if rel.get(d, 0) > 0:
                rr = 1.0 / (i + 1)
                break
        dcg = sum((2 ** rel.get(d, 0) - 1) / math.log2(i + 2) for i, d in enumerate(ranked[:10]))
        ideal = sorted(rel.values(), reverse=True)[:10]
        idcg = sum((2 ** g - 1) / math.log2(i + 2) for i, g in enumerate(ideal))
        nd = dcg / idcg if idcg else 0.0
        m["mrr"] += rr
        m["ndcg"] += nd
        m["s1"] += 1.0 if ranked[:1] and rel.get(ranked[0], 0) > 0 else 0.0
        m["s10"] += 1.0 if any(rel.get(d, 0) > 0 for d in ranked[:10]) else 0.0
        m["p10"] += sum(1 for d in ranked[:10] if rel.get(d, 0) > 0) / 10
        m["judged"] += sum(1 for d in ranked[:10] if d in rel) / 10
        m["empty"] += 1.0 if not ranked and any(g > 0 for g in rel.values()) else 0.0
        per[qid] = nd
    n = len(qrels)
    mean = {k: (v if k == "empty" else v / n) for k, v in m.items()}
    return mean, per


def zoek(binary, args, env):
    t0 = time.time()
    out = subprocess.run([binary] + args, capture_output=True, text=True, env=env)
    took = time.time() - t0
    if out.returncode not in (0, 1):
        sys.exit(f"zoek {' '.join(args)} failed: {out.stderr}")
    return out.stdout, took


def setup(binary, data):
    ki = os.path.join(data, "ki")
    dev = os.path.join(data, "dev")
    os.makedirs(os.path.join(ki, "corpus"), exist_ok=True)
    os.makedirs(os.path.join(dev, "corpus"), exist_ok=True)
    subprocess.run(["python3", os.path.join(SHARED, "eval", "known_item.py"), ki], check=True)
    os.replace(os.path.join(ki, "collection.jsonl"), os.path.join(ki, "corpus", "collection.jsonl"))
    adhoc = os.path.join(SHARED, "eval", "adhoc-dev")
    subprocess.run(["python3", os.path.join(adhoc, "build_collection.py"),
                    os.path.join(dev, "corpus", "dev.jsonl")], check=True)
    with open(os.path.join(dev, "queries.tsv"), "w") as out:
        for line in open(os.path.join(adhoc, "topics.tsv")):
            qid, query = line.rstrip("\n").split("\t")[:2]
            out.write(f"{qid}\t{query}\n")
    with open(os.path.join(dev, "qrels.txt"), "w") as out:
        out.write(open(os.path.join(adhoc, "qrels.txt")).read())
    for d in (ki, dev):
        subprocess.run([binary, "index", os.path.join(d, "corpus"), "--index",
                        os.path.join(d, "index"), "--rebuild"], check=True)


def measure(binary, data, index_name, extra, timing):
    """The figures of one configuration (see the module documentation)."""
    env = dict(os.environ)
    ki, dev = os.path.join(data, "ki"), os.path.join(data, "dev")

    def run_articles(d, times=1):
        took = []
        for _ in range(times):
            text, t = zoek(binary, ["search", "--index", os.path.join(d, index_name), "--queries",
                                    os.path.join(d, "queries.tsv"), "--format", "trec", "-n", "100",
                                    "--no-suggest"] + extra, env)
            took.append(t)
        return parse_trec(text), statistics.median(took)

    ki_run, ki_s = run_articles(ki, 3 if timing else 1)
    ki_m, _ = score(read_qrels(os.path.join(ki, "qrels.txt")), ki_run)
    dev_qrels = read_qrels(os.path.join(dev, "qrels.txt"))
    dev_run, _ = run_articles(dev)
    dev_m, dev_per = score(dev_qrels, dev_run)

    # Passage view.
    text, _ = zoek(binary, ["search", "--index", os.path.join(dev, index_name), "--queries",
                            os.path.join(dev, "queries.tsv"), "--json", "-n", "10",
                            "--no-suggest"] + extra, env)
    passages = collections.defaultdict(list)
    for line in text.splitlines():
        o = json.loads(line)
        if o.get("type") == "hit":
            passages[o["qid"]].append(o["article_id"])
    text, _ = zoek(binary, ["search", "--index", os.path.join(dev, index_name), "--queries",
                            os.path.join(dev, "queries.tsv"), "--json", "--count",
                            "--no-suggest"] + extra, env)
    matching = {}
    for line in text.splitlines():
        o = json.loads(line)
        matching[o.get("qid")] = o.get("articles", 0)
    arts, cred, rel = [], [], []
    for qid, grades in dev_qrels.items():
        shown = passages.get(qid, [])
        distinct = len(set(shown))
        arts.append(distinct)
        cap = min(7, matching.get(qid, 0))
        cred.append(7.0 if cap == 0 else min(7, distinct) / cap * 7)
        rel.append(sum(1 for a in shown if grades.get(a, 0) >= 1) / 10)
    pv_art, pv_cred, pv_rel = (sum(x) / len(x) for x in (arts, cred, rel))
    return {
        "ki_mrr": ki_m["mrr"], "ki_s1": ki_m["s1"], "ki_s10": ki_m["s10"],
        "dev_ndcg": dev_m["ndcg"], "dev_judged": dev_m["judged"], "dev_mrr": dev_m["mrr"],
        "dev_p10": dev_m["p10"], "pv_art": pv_art, "pv_cred": pv_cred, "pv_rel": pv_rel,
        "empty": int(ki_m["empty"] + dev_m["empty"]), "ki_s": ki_s, "dev_per": dev_per,
    }


def variant_row(label, f):
    """One row of bench/relevance-variants.md."""
    header = (f"| {'variant':<34} | ki MRR@10 | ki s@1 | ki s@10 | dev nDCG@10 | judged@10 | dev MRR@10 "
              f"| dev P@10 | pv art | pv cred | pv rel | empty | ki_s |")
    row = (f"| {label:<34} | {f['ki_mrr']:.4f} | {f['ki_s1']:.4f} | {f['ki_s10']:.4f} "
           f"| {f['dev_ndcg']:.4f} | {f['dev_judged']:.3f} | {f['dev_mrr']:.4f} | {f['dev_p10']:.3f} "
           f"| {f['pv_art']:.2f} | {f['pv_cred']:.2f} | {f['pv_rel']:.3f} | {f['empty']} | {f['ki_s']:.2f} |")
    return header, row


# The peers, as measured when the sets were made: the dev set's pooled runs from
# ../shared/eval/adhoc-dev/README.md (read from there), and their known-item MRR@10 with
# their own defaults (README, "The known-item benchmark"), which no file in ../shared records.
KNOWN_ITEM_PEERS = {"Lucene": 0.734, "Xapian": 0.734, "tantivy-cli": 0.746}


def peer_rows():
    """(run, nDCG@10) of the dev README's table of pooled runs."""
    readme = os.path.join(SHARED, "eval", "adhoc-dev", "README.md")
    rows, in_table = [], False
    for line in open(readme, encoding="utf-8"):
        if line.startswith("**Scores of the pooled runs**"):
            in_table = True
        elif in_table and line.startswith("|") and not line.startswith("|---") \
                and not line.startswith("| run"):
            cells = [c.strip() for c in line.strip().strip("|").split("|")]
            rows.append((cells[0], float(cells[1])))
        elif in_table and rows and not line.startswith("|"):
            break
    return rows


def table(f):
    """zoek as built beside the peers, and the targets."""
    out = [
        "| run | known-item MRR@10 | dev nDCG@10 | judged@10 | dev P@10 | pv articles (credited) | pv relevant | empty |",
        "|---|---|---|---|---|---|---|---|",
        f"| zoek (default, no flags) | {f['ki_mrr']:.4f} | {f['dev_ndcg']:.4f} | {f['dev_judged']:.3f} "
        f"| {f['dev_p10']:.3f} | {f['pv_art']:.2f} ({f['pv_cred']:.2f}) | {f['pv_rel']:.3f} | {f['empty']} |",
    ]
    for run, ndcg in peer_rows():
        ki = next((f"{v:.3f}" for k, v in KNOWN_ITEM_PEERS.items() if run.startswith(k)), "")
        out.append(f"| {run} | {ki} | {ndcg:.3f} | | | | | |")
    out.append("| zoek 0.1 passage view (`all` / `any`), from the dev README | | | | "
               "| 2.7 / 3.7 | 0.62 / 0.64 | |")
    out.append("| target | 0.785 | 0.776 | (>= 0.9 to trust) | | (7.00) | 0.50 | 0 |")
    return "\n".join(out)


def check(f, floors_path):
    """The floors of bench/relevance.floors (NAME MIN, or NAME max MAX): failures, one line each."""
    failed = []
    for line in open(floors_path):
        line = line.split("#")[0].split()
        if not line:
            continue
        if len(line) == 3 and line[1] == "max":
            if f[line[0]] > float(line[2]):
                failed.append(f"{line[0]} = {f[line[0]]:.4f} is above the ceiling {line[2]}")
        elif f[line[0]] < float(line[1]):
            failed.append(f"{line[0]} = {f[line[0]]:.4f} is below the floor {line[1]}")
    return failed


def main():
    argv = sys.argv[1:]
    extra = []
    if "--" in argv:
        i = argv.index("--")
        argv, extra = argv[:i], argv[i + 1:]
    binary = os.path.join(ROOT, "target", "release", "zoek")
    data = os.path.join(ROOT, "target", "relevance")
    label, record, timing, do_setup = " ".join(extra) or "default", None, False, False
    index_name, as_table, floors = "index", False, None
    it = iter(argv)
    for a in it:
        if a == "--zoek":
            binary = next(it)
        elif a == "--data":
            data = next(it)
        elif a == "--label":
            label = next(it)
        elif a == "--record":
            record = next(it)
        elif a == "--timing":
            timing = True
        elif a == "--index-name":
            index_name = next(it)
        elif a == "--setup":
            do_setup = True
        elif a == "--table":
            as_table = True
        elif a == "--check":
            floors = next(it)
        else:
            sys.exit(__doc__)
    if do_setup:
        setup(binary, data)
    figures = measure(binary, data, index_name, extra, timing)
    if as_table:
        print(table(figures))
    else:
        header, row = variant_row(label, figures)
        print(header)
        print(row)
        if record:
            with open(record, "a") as f:
                f.write(row + "\n")
    if os.environ.get("RELEVANCE_PER_TOPIC"):
        for qid in sorted(figures["dev_per"]):
            print(qid, f"{figures['dev_per'][qid]:.3f}", file=sys.stderr)
    if floors:
        failed = check(figures, floors)
        for line in failed:
            print(f"relevance: {line}", file=sys.stderr)
        if failed:
            sys.exit(1)
        print(f"relevance: every floor of {floors} holds")


if __name__ == "__main__":
    main()
