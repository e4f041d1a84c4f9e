#!/usr/bin/env bash
# Query-cost benchmark: abusive queries and 1,000 random ones (up to 100 KB) against the index of
# 100,000 synthetic articles; every query must answer or fail cleanly within 1 s and within
# 200 MB of the peak RSS of the plain query `gemeente` (mapped index pages count in both).
#
# usage: bench/query-cost.sh [--zoek BIN] [--index DIR] [--quick] [--random N] [--timeout S]
#                            [--named-timeout S] [--mem-cap MB] [--check]
#   --zoek BIN          the zoek binary (default target/release/zoek; not built here)
#   --index DIR         an index of bench/synth-corpus.sh 100000 jsonl (default: built like
#                       bench/speed.sh does, in target/bench/speed/jsonl-100000/zoek-index)
#   --quick             100 random queries instead of 1,000 (for CI)
#   --random N          N random queries (each run with -n 10 and with --count)
#   --timeout S         wall-clock limit of a random run (default 10; killed runs are "timeout")
#   --named-timeout S   wall-clock limit of a named abusive run (default 60)
#   --mem-cap MB        address-space cap (ulimit -v) of every run (default 0 = none); a run
#                       hitting it aborts with "memory allocation failed". Off by default: a
#                       cap turns a huge but untouched Vec::with_capacity into an abort
#   --check             exit 1 when a run panicked, timed out, took over 1 s or went over budget
# Results in target/bench/query-cost/: results.tsv (one row per run), table.txt (the summary),
# queries/ (the generated queries, seed 13), err/ (stderr of every run that wrote any).
# Runs are killed at the limit with `timeout --foreground -s KILL` (so that /usr/bin/time still
# sees the killed process's peak RSS); a killed run is "timeout", exit 137.
# Long queries are passed as one argument, "$(cat FILE)" (all are under Linux's 128 KB per
# argument); the nested parentheses also go through a --queries batch file.
# Needs python3, /usr/bin/time and timeout; run it under `nice` on a shared machine.
set -euo pipefail
here=$PWD
cd "$(dirname "$0")/.."
abs() { case "$1" in /*) echo "$1" ;; *) echo "$here/$1" ;; esac; }

zoek=target/release/zoek
index=""
nrandom=1000
timeout=10
named_timeout=60
memcap=0
check=""
while [ $# -gt 0 ]; do
    case "$1" in
        --zoek) zoek=$(abs "$2"); shift 2 ;;
        --index) index=$(abs "$2"); shift 2 ;;
        --quick) nrandom=100; shift ;;
        --random) nrandom="$2"; shift 2 ;;
        --timeout) timeout="$2"; shift 2 ;;
        --named-timeout) named_timeout="$2"; shift 2 ;;
        --mem-cap) memcap="$2"; shift 2 ;;
        --check) check=1; shift ;;
        *) sed -n '6,26p' "$0" >&2; exit 2 ;;
    esac
done
[ -x "$zoek" ] || { echo "query-cost: no zoek binary at $zoek (build it or pass --zoek)" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "query-cost: /usr/bin/time is needed for peak memory" >&2; exit 2; }
command -v timeout >/dev/null || { echo "query-cost: timeout (coreutils) is needed" >&2; exit 2; }

work=target/bench/query-cost
rm -rf "$work"
mkdir -p "$work/err"
started=$(date +%s)

# The index and a sample of its corpus (the vocabulary of the queries). synth.py writes its
# articles in sequence, so the first 3,000 of any run are the first 3,000 lines of the corpus.
if [ -z "$index" ]; then
    corpus=$(bash bench/synth-corpus.sh 100000 jsonl)
    index=target/bench/speed/jsonl-100000/zoek-index
    echo "query-cost: indexing $corpus (incremental)" >&2
    timeout -s KILL 1800 "$zoek" index "$corpus" --index "$index" 2>"$work/index.log"
fi
[ -e "$index/CURRENT" ] || { echo "query-cost: no zoek index at $index" >&2; exit 2; }
sample_source=$(dirname "$index")/corpus/synth.jsonl
if [ -f "$sample_source" ]; then
    head -n 3000 "$sample_source" >"$work/sample.jsonl"
else
    python3 ../shared/corpus/synth.py --articles 3000 --out "$work/sample.jsonl"
fi
python3 bench/query-cost-gen.py "$work/sample.jsonl" "$work/queries" "$nrandom"
qdir=$work/queries
ids=($(head -n 2 "$qdir/ids.txt"))

tsv=$work/results.tsv
printf 'case\tkind\tmode\texit\tseconds\trss_kb\tlimit_s\tquery_file\tstderr_file\tnote\n' >"$tsv"
out=/dev/null
note=""
run() { # run CASE KIND MODE QUERY-FILE LIMIT -- COMMAND...: one guarded, timed run, one TSV row
    # (kept to builtins around the measured command: 2,000 runs; stderr is read by the summary)
    local name=$1 kind=$2 mode=$3 qfile=$4 limit=$5 rc err line wall="" kb=""
    shift 6
    err=$work/err/$name.$mode.txt
    set +e
    (
        if [ "$memcap" -gt 0 ]; then ulimit -v $((memcap * 1024)); fi
        exec /usr/bin/time -o "$work/time.txt" -f '%e %M' timeout --foreground -s KILL "$limit" "$@"
    ) >"$out" 2>"$err"
    rc=$?
    set -e
    while read -r line; do
        case "$line" in [0-9]*) read -r wall kb <<<"$line" ;; esac
    done <"$work/time.txt"
    [ -s "$err" ] || { rm -f "$err"; err=""; }
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$name" "$kind" "$mode" "$rc" "${wall:-0}" \
        "${kb:-0}" "$limit" "$qfile" "$err" "$note" >>"$tsv"
}

echo "query-cost: baseline and named abusive queries ($zoek, $index)" >&2
echo gemeente >"$qdir/named/gemeente.txt"
for i in 1 2 3 4 5; do
    run "baseline-$i" baseline n10 "$qdir/named/gemeente.txt" "$named_timeout" -- \
        "$zoek" search --index "$index" -n 10 gemeente
done

both() { # both CASE [OPTION...]: the named query CASE with -n 10 and with --count
    local name=$1 f=$qdir/named/$1.txt
    shift
    run "$name" named n10 "$f" "$named_timeout" -- "$zoek" search --index "$index" -n 10 "$@" -- "$(<"$f")"
    run "$name" named count "$f" "$named_timeout" -- "$zoek" search --index "$index" --count "$@" -- "$(<"$f")"
}
both parens-20000
# the nested parentheses between two normal queries of a batch: do the others still answer?
printf '1\tgemeente\n2\t%s\n3\tkabinet\n' "$(cat "$qdir/named/parens-20000.txt")" >"$qdir/named/parens-batch.tsv"
for mode in n10 count; do
    opt=(-n 10 --format trec)
    [ $mode = count ] && opt=(--count --json)
    out=$work/parens-batch.$mode.out
    run parens-batch named "$mode" "$qdir/named/parens-batch.tsv" "$named_timeout" -- \
        "$zoek" search --index "$index" "${opt[@]}" --queries "$qdir/named/parens-batch.tsv"
    answered=$(python3 -c '
import json, sys
qids = set()
for line in open(sys.argv[1], errors="replace"):
    try:
        qids.add(str(json.loads(line).get("qid")))
    except ValueError:
        qids.add(line.split()[0] if line.split() else "")
print(" ".join(q for q in ("1", "3") if q in qids) or "none")' "$out")
    sed -i '$ s/\t$/\tother queries answered: '"$answered"'/' "$tsv"
    out=/dev/null
done
run show-parens named show "$qdir/named/parens-20000.txt" "$named_timeout" -- \
    "$zoek" show "${ids[0]}" --index "$index" --query "$(cat "$qdir/named/parens-20000.txt")"
run n-3000000000 named n=3e9 "$qdir/named/gemeente.txt" "$named_timeout" -- \
    "$zoek" search --index "$index" -n 3000000000 gemeente
run n-u64max named n=2^64-1 "$qdir/named/gemeente.txt" "$named_timeout" -- \
    "$zoek" search --index "$index" -n 18446744073709551615 gemeente
printf '1\tgemeente\n2\tkabinet\n' >"$qdir/named/eval-queries.tsv"
printf '1 0 %s 1\n2 0 %s 1\n' "${ids[0]}" "${ids[1]}" >"$qdir/named/eval-qrels.txt"
run eval-depth-u64max named eval "$qdir/named/eval-queries.tsv" "$named_timeout" -- \
    "$zoek" eval --index "$index" --queries "$qdir/named/eval-queries.tsv" \
    --qrels "$qdir/named/eval-qrels.txt" --depth 18446744073709551615
both kabinet-x10000
both common-10000-any --match any
both phrase-de-x5000
both fuzzy2-or-200
both fuzzy-1000
echo de >"$qdir/named/de.txt"
run n-1000000000-de named n=1e9 "$qdir/named/de.txt" "$named_timeout" -- \
    "$zoek" search --index "$index" -n 1000000000 de
# `de` is in nearly every article: printing every passage found is the cost of the huge -n,
# so it is held to the same query with -n set to exactly the number of hits it prints (not to
# the 1 s limit).
de_passages=$("$zoek" search --index "$index" -n 1000000000 --format tsv de | tail -n +2 | wc -l)
run n-all-de named "n=$de_passages" "$qdir/named/de.txt" "$named_timeout" -- \
    "$zoek" search --index "$index" -n "$de_passages" de
# a huge -n should cost what printing the matches costs: gemeente has about 10,000 passages
run n-10000-gemeente named n=1e4 "$qdir/named/gemeente.txt" "$named_timeout" -- \
    "$zoek" search --index "$index" -n 10000 gemeente
run n-1000000000-gemeente named n=1e9 "$qdir/named/gemeente.txt" "$named_timeout" -- \
    "$zoek" search --index "$index" -n 1000000000 gemeente
for name in not-gemeente minus-gemeente 1-0 gemeente^2 url Gemeente:raad; do
    both "$name"
done

echo "query-cost: $nrandom random queries, each with -n 10 and --count (limit ${timeout} s a run)" >&2
for f in "$qdir"/random/*.txt; do
    i=${f##*/}
    i=${i%.txt}
    run "random-$i" random n10 "$f" "$timeout" -- "$zoek" search --index "$index" -n 10 -- "$(<"$f")"
    run "random-$i" random count "$f" "$timeout" -- "$zoek" search --index "$index" --count -- "$(<"$f")"
    if [ $((10#$i % 100)) -eq 99 ]; then echo "query-cost: $((10#$i + 1)) random queries done" >&2; fi
done
ended=$(date +%s)

python3 - "$tsv" "$zoek" "$index" "$timeout" "$named_timeout" "$memcap" $((ended - started)) \
    "${check:-}" <<'PY' | tee "$work/table.txt"
import csv, os, re, statistics, sys

tsv, zoek, index, timeout, named_timeout, memcap, took, check = sys.argv[1:9]
rows = list(csv.DictReader(open(tsv, encoding="utf-8", errors="replace"), delimiter="\t",
                           quoting=csv.QUOTE_NONE))
for r in rows:
    r["exit"], r["seconds"], r["rss"] = int(r["exit"]), float(r["seconds"]), int(r["rss_kb"]) / 1024
    err = open(r["stderr_file"], encoding="utf-8", errors="replace").read() if r["stderr_file"] else ""
    r["panic"] = bool(re.search(r"panicked|overflowed its stack|memory allocation of|fatal runtime error", err))
    # A query error is its message and a line with carets under the place in the query.
    r["stderr_lines"] = sum(1 for l in err.splitlines() if l.strip() and l.strip("^ "))
    r["stderr"] = " ".join(err.split())[:100]
base = [r for r in rows if r["kind"] == "baseline"]
baseline = statistics.median(r["rss"] for r in base)
budget = baseline + 200

def status(r):
    if r["exit"] == 137 and r["seconds"] >= float(r["limit_s"]) - 0.5:
        return "timeout"
    if r["panic"] or r["exit"] >= 128:
        return "panicked"
    if r["exit"] in (0, 1):
        return "answered"
    if r["exit"] == 2 and r["stderr_lines"] == 1:
        return "failed-clean"
    return "failed-other"

# Runs that print every match of a query: their limit is the time of printing those matches
# (the run named beside them, -n = the number of matches), not 1 s. Printing gemeente's
# 10,000 passages reads some 10,000 articles and takes 0.75-1.05 s on 2 shared cores, so a
# fixed 1 s failed as often as the machine was busy.
PRINTS_ALL = {
    "n-1000000000-de": "n-all-de",
    "n-all-de": None,
    "n-1000000000-gemeente": "n-10000-gemeente",
    "n-3000000000": "n-10000-gemeente",
    "n-u64max": "n-10000-gemeente",
    "n-10000-gemeente": None,
}

def problems(r):
    p = []
    s = r["status"]
    if s not in ("answered", "failed-clean"):
        p.append(s)
    if r["case"] in PRINTS_ALL:
        same = PRINTS_ALL[r["case"]]
        ref = next((x for x in rows if x["case"] == same), None) if same else None
        if ref and r["seconds"] > 1.2 * ref["seconds"] + 0.1:
            p.append(">all")
    elif r["seconds"] > 1.0 and s != "timeout":
        p.append(">1s")
    if r["rss"] > budget:
        p.append(">RSS")
    return p

for r in rows:
    r["status"] = status(r)
    r["problems"] = problems(r)

def query_text(r, width):
    try:
        q = open(r["query_file"], encoding="utf-8", errors="replace").read()
    except OSError:
        q = ""
    q = " ".join(q.split())
    return q if len(q) <= width else q[:width - 1] + "…"

out = []
out.append(f"zoek query-cost benchmark: {zoek} on {index}; {os.cpu_count()} cores; run limits "
           f"{timeout} s (random) / {named_timeout} s (named), address space "
           f"{memcap + ' MB' if memcap != '0' else 'uncapped'}; took {took} s")
out.append(f"baseline `search -n 10 gemeente`: peak RSS {baseline:.1f} MB (median of {len(base)}), "
           f"{statistics.median(r['seconds'] for r in base):.2f} s; RSS budget {budget:.1f} MB")
out.append("")
cols = ["runs", "answered", "failed-clean", "failed-other", "panicked", "timeout", ">1s", ">RSS"]
out.append(f"{'':<8}" + "".join(f"{c:>13}" for c in cols))
for kind in ("named", "random", "all"):
    rs = [r for r in rows if r["kind"] == kind or (kind == "all" and r["kind"] != "baseline")]
    counts = [len(rs)] + [sum(r["status"] == c for r in rs) for c in cols[1:6]]
    counts += [sum(">1s" in r["problems"] or r["status"] == "timeout" for r in rs),
               sum(r["rss"] > budget for r in rs)]
    out.append(f"{kind:<8}" + "".join(f"{c:>13}" for c in counts))
out.append("(>1s counts timeouts too, not the runs that print every passage of `de` or `gemeente`, held to the same query with -n about its passages; "
           "failed-clean = exit 2 with a one-line message, and for a query error its caret line)")
out.append("")
out.append("slowest ten runs:")
out.append(f"{'case':<24} {'mode':<8} {'exit':>4} {'s':>6} {'RSS MB':>7} {'bytes':>7}  query (60 chars)")
for r in sorted((r for r in rows if r["kind"] != "baseline"), key=lambda r: -r["seconds"])[:10]:
    size = os.path.getsize(r["query_file"]) if r["query_file"] else 0
    out.append(f"{r['case']:<24} {r['mode']:<8} {r['exit']:>4} {r['seconds']:>6.2f} {r['rss']:>7.0f} "
               f"{size:>7}  {query_text(r, 60)}")
out.append("")
out.append("named abusive cases (verdict: ok = answered or one-line error, <= 1 s, within the RSS budget):")
out.append(f"{'case':<22} {'mode':<8} {'exit':>4} {'s':>6} {'RSS MB':>7}  {'verdict':<18} stderr (100 chars)")
for r in rows:
    if r["kind"] != "named":
        continue
    verdict = "ok" if not r["problems"] else "FAIL " + ",".join(r["problems"])
    note = f" [{r['note']}]" if r["note"] else ""
    out.append(f"{r['case']:<22} {r['mode']:<8} {r['exit']:>4} {r['seconds']:>6.2f} {r['rss']:>7.0f}  "
               f"{verdict:<18} {r['stderr'][:100]}{note}")
by = {r["case"]: r for r in rows}
a, b = by.get("n-10000-gemeente"), by.get("n-1000000000-gemeente")
if a and b:
    out.append(f"huge -n: -n 1000000000 gemeente {b['seconds']:.2f} s / {b['rss']:.0f} MB against "
               f"-n 10000 gemeente (all its passages) {a['seconds']:.2f} s / {a['rss']:.0f} MB")
a, b = by.get("n-all-de"), by.get("n-1000000000-de")
if a and b:
    out.append(f"huge -n: -n 1000000000 de {b['seconds']:.2f} s / {b['rss']:.0f} MB against "
               f"-n {a['mode'][2:]} de (exactly its passages) {a['seconds']:.2f} s / {a['rss']:.0f} MB")
print("\n".join(out))
if check and any(r["problems"] for r in rows if r["kind"] != "baseline"):
    print("query-cost: some runs are past the targets", file=sys.stderr)
    sys.exit(1)
PY
