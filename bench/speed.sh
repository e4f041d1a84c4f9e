#!/usr/bin/env bash
# Speed benchmark: zoek against a plain-tantivy ceiling built in the same run from the same
# passages (see examples/bench.rs), on a synthetic corpus from ../shared/corpus/synth.py.
# Prints one table of zoek's figures and their ratios to the ceiling; every figure is the
# median of repeated runs, and zoek and the ceiling alternate so both see the same machine.
#
# usage: bench/speed.sh [--articles N] [--layout jsonl|files] [--runs R] [--check]
#   --articles N   synthetic articles (default 100000, about 100 MB; 1000000 is about 1 GB)
#   --layout L     jsonl: one JSON Lines file; files: one .md file per article in dated folders
#   --runs R       repetitions of each indexing, latency and batch measurement (default 3)
#   --check        exit 1 when a figure is past the floors in bench/speed.floors (the CI gate)
#   --zoek BIN     the zoek binary to measure (default: target/release/zoek, built here)
# Corpora, indexes and results go to target/bench/speed/LAYOUT-N/ (results.json, table.txt).
# Needs ../shared, python3 and /usr/bin/time.
set -euo pipefail
cd "$(dirname "$0")/.."

articles=100000
layout=jsonl
runs=3
check=""
zoek=""
while [ $# -gt 0 ]; do
    case "$1" in
        --articles) articles="$2"; shift 2 ;;
        --layout) layout="$2"; shift 2 ;;
        --runs) runs="$2"; shift 2 ;;
        --check) check=1; shift ;;
        --zoek) zoek="$2"; shift 2 ;;
        *) sed -n '7,13p' "$0" >&2; exit 2 ;;
    esac
done
case "$layout" in jsonl|files) ;; *) echo "speed: --layout is jsonl or files" >&2; exit 2 ;; esac

shared=../shared
[ -d "$shared" ] || { echo "speed: $shared not found; the benchmark needs the shared corpus" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "speed: /usr/bin/time is needed for peak memory" >&2; exit 2; }
started=$(date +%s.%N)
cargo build --release --quiet --bin zoek --example bench
zoek=${zoek:-target/release/zoek}
bench=target/release/examples/bench
work=target/bench/speed/$layout-$articles
corpus=$(bash bench/synth-corpus.sh "$articles" "$layout")

# The queries: every 9th headline of the known-item task (made at run time, so no corpus text
# is committed) and the hand-written mix of bench/queries.txt.
python3 "$shared/eval/known_item.py" "$work/known-item" >/dev/null
rm -f "$work/known-item/collection.jsonl"
{ sed -n '1~9p' "$work/known-item/queries.txt"; grep -v '^#' bench/queries.txt; } >"$work/queries.txt"
# Batch mode gets every headline, so that a run lasts about a second and the 10 ms resolution
# of /usr/bin/time does not show in the figure.
{ cat "$work/known-item/queries.txt"; grep -v '^#' bench/queries.txt; } >"$work/batch-queries.txt"
oneshot_query="kabinet gemeente"

runlog=$work/runs.txt
: >"$runlog"
timed() { # timed NAME RUN COMMAND...: wall s, peak kB, user s, sys s into the run log
    local name=$1 run=$2
    shift 2
    /usr/bin/time -f "%e %M %U %S" -o "$work/time.txt" "$@"
    echo "$name $run $(cat "$work/time.txt")" >>"$runlog"
}

for run in $(seq "$runs"); do
    echo "speed: indexing, run $run of $runs" >&2
    sync
    timed zoek-index "$run" "$zoek" index "$corpus" --index "$work/zoek-index" --rebuild \
        2>"$work/zoek-index.log"
    sync
    timed ceiling-index "$run" "$bench" ceiling-index --corpus "$corpus" --index "$work/ceiling-index" \
        >"$work/ceiling-index.json"
done

echo "speed: in-process latency" >&2
"$bench" latency --zoek "$work/zoek-index" --ceiling "$work/ceiling-index" \
    --queries "$work/queries.txt" --runs "$runs" >"$work/latency.json"

echo "speed: batch and one-shot searches" >&2
for run in $(seq "$runs"); do
    timed zoek-batch "$run" "$zoek" search --index "$work/zoek-index" --queries "$work/batch-queries.txt" \
        --format trec >/dev/null 2>"$work/zoek-batch.log" || [ $? -eq 1 ]
    timed ceiling-batch "$run" "$bench" ceiling-search --index "$work/ceiling-index" \
        --queries "$work/batch-queries.txt" >/dev/null
done
# The two take turns, so that a machine slowing down meanwhile slows both alike.
"$bench" oneshot --runs 31 -- "$zoek" search --index "$work/zoek-index" $oneshot_query \
    --- "$bench" ceiling-search --index "$work/ceiling-index" $oneshot_query >"$work/oneshot.jsonl"
sed -n 1p "$work/oneshot.jsonl" >"$work/oneshot-zoek.json"
sed -n 2p "$work/oneshot.jsonl" >"$work/oneshot-ceiling.json"

ended=$(date +%s.%N)
python3 - "$work" "$articles" "$layout" "$(wc -l <"$work/queries.txt")" \
    "$(wc -l <"$work/batch-queries.txt")" "$started" "$ended" \
    "${check:+bench/speed.floors}" <<'PY'
import json, os, statistics, sys

work, articles, layout, nqueries, nbatch, t0, t1, floors = sys.argv[1:9]
articles, nqueries, nbatch = int(articles), int(nqueries), int(nbatch)
med = statistics.median

def size(path):
    return sum(os.path.getsize(os.path.join(d, f)) for d, _, fs in os.walk(path) for f in fs)

runs = {}
for line in open(os.path.join(work, "runs.txt")):
    name, run, wall, kb, user, sys_ = line.split()
    runs.setdefault(name, []).append((float(wall), int(kb), float(user) + float(sys_)))
ceiling = json.load(open(os.path.join(work, "ceiling-index.json")))
raw = ceiling["bytes"]
lat = json.load(open(os.path.join(work, "latency.json")))
one = {k: json.load(open(os.path.join(work, f"oneshot-{k}.json"))) for k in ("zoek", "ceiling")}

def pairs(a, b, f):  # median of the run-by-run ratios a/b
    return med(f(x) / f(y) for x, y in zip(runs[a], runs[b]))

rows = []  # (figure, zoek, ceiling, ratio zoek/ceiling)
zi, ci = runs["zoek-index"], runs["ceiling-index"]
rows.append(("indexing MB/s", med(raw / 1e6 / r[0] for r in zi), med(raw / 1e6 / r[0] for r in ci),
             pairs("ceiling-index", "zoek-index", lambda r: r[0])))
rows.append(("indexing articles/s", med(articles / r[0] for r in zi), med(articles / r[0] for r in ci),
             pairs("ceiling-index", "zoek-index", lambda r: r[0])))
rows.append(("indexing CPU s per 100 MB", med(r[2] / raw * 1e8 for r in zi),
             med(r[2] / raw * 1e8 for r in ci), pairs("zoek-index", "ceiling-index", lambda r: r[2])))
rows.append(("indexing peak RSS MB", med(r[1] / 1024 for r in zi), med(r[1] / 1024 for r in ci),
             pairs("zoek-index", "ceiling-index", lambda r: r[1])))
zsize, csize = size(os.path.join(work, "zoek-index")), size(os.path.join(work, "ceiling-index"))
rows.append(("index size / raw text", zsize / raw, csize / raw, zsize / csize))
for p in ("p50", "p95", "p99"):
    z, c = lat["zoek"][p + "_ms"], lat["ceiling"][p + "_ms"]
    rows.append((f"latency {p} ms (in-process)", z, c, z / c))
zb, cb = runs["zoek-batch"], runs["ceiling-batch"]
rows.append(("batch queries/s", med(nbatch / r[0] for r in zb), med(nbatch / r[0] for r in cb),
             pairs("ceiling-batch", "zoek-batch", lambda r: r[0])))
rows.append(("batch peak RSS MB", med(r[1] / 1024 for r in zb), med(r[1] / 1024 for r in cb),
             pairs("zoek-batch", "ceiling-batch", lambda r: r[1])))
z, c = one["zoek"]["median_ms"], one["ceiling"]["median_ms"]
rows.append(("one-shot search ms (process)", z, c, z / c))

lines = [f"zoek speed benchmark: {articles} articles ({layout}), {raw / 1e6:.1f} MB, "
         f"{ceiling['passages']} passages, {lat['queries']} queries ({nbatch} in batch), {len(zi)} runs, "
         f"{os.cpu_count()} cores",
         f"{'figure':<30} {'zoek':>10} {'ceiling':>10} {'ratio':>7}"]
fmt = lambda v: f"{v:10.0f}" if v >= 100 else f"{v:10.2f}"
for name, z, c, r in rows:
    lines.append(f"{name:<30} {fmt(z)} {fmt(c)} {r:7.2f}")
lines.append("ratio: zoek's speed as a fraction of the ceiling's for throughputs (higher is better); "
             "zoek / ceiling for times, memory and size")
lines.append(f"index: {zsize / 1e6:.1f} MB (ceiling {csize / 1e6:.1f} MB); opening in-process "
             f"{lat['zoek_open_ms']:.1f} ms (ceiling {lat['ceiling_open_ms']:.1f} ms); "
             f"benchmark took {float(t1) - float(t0):.0f} s")
table = "\n".join(lines)
print(table)
open(os.path.join(work, "table.txt"), "w").write(table + "\n")
json.dump({"articles": articles, "layout": layout, "raw_bytes": raw, "zoek_bytes": zsize,
           "ceiling_bytes": csize, "runs": runs, "latency": lat, "oneshot": one,
           "rows": [dict(zip(("figure", "zoek", "ceiling", "ratio"), r)) for r in rows]},
          open(os.path.join(work, "results.json"), "w"), indent=1)

if floors:
    by = {name: (z, r) for name, z, c, r in rows}
    failed = []
    for line in open(floors):
        line = line.split("#")[0].split()
        if not line:
            continue
        name, kind, op, bound = " ".join(line[:-3]), line[-3], line[-2], float(line[-1])
        value = by[name][0 if kind == "value" else 1]
        ok = value >= bound if op == ">=" else value <= bound
        print(f"{'ok' if ok else 'FAILED'}: {name} {kind} {value:.3g} {op} {bound:g}")
        if not ok:
            failed.append(name)
    if failed:
        print(f"speed: below the floor: {', '.join(failed)}", file=sys.stderr)
        sys.exit(1)
PY
