#!/usr/bin/env bash
# Incremental indexing benchmark: a full build of a folder of .md files against the updates
# after one file is added, touched (same bytes), changed, removed, or nothing happened.
# Every figure is the median of R runs, each update timed right after the full build it is
# compared with.
#
# usage: bench/update.sh [--articles N] [--runs R]   (default 100000 articles, 3 runs)
# Works on a copy of the corpus of bench/speed.sh --layout files, in target/bench/update-N/.
set -euo pipefail
cd "$(dirname "$0")/.."

articles=100000
runs=3
while [ $# -gt 0 ]; do
    case "$1" in
        --articles) articles="$2"; shift 2 ;;
        --runs) runs="$2"; shift 2 ;;
        *) sed -n '7,8p' "$0" >&2; exit 2 ;;
    esac
done
[ -d ../shared ] || { echo "update: ../shared not found; the benchmark needs the shared corpus" >&2; exit 2; }
cargo build --release --quiet --bin zoek
zoek=target/release/zoek
source_corpus=$(bash bench/synth-corpus.sh "$articles" files)
work=target/bench/update-$articles
corpus=$work/corpus
index=$work/index
rm -rf "$work"
mkdir -p "$work"
cp -r "$source_corpus" "$corpus"
some_file=$(find "$corpus" -name '*.md' | sort | sed -n 1p)
added=$corpus/zz-added.md

: >"$work/times.txt"
timed() { # timed NAME EXPECTED-SUMMARY-WORDS: one `zoek index` run, checked and timed
    local name=$1 expected=$2 started ended
    started=$(date +%s.%N)
    "$zoek" index "$corpus" --index "$index" ${rebuild:+--rebuild} 2>"$work/$name.log"
    ended=$(date +%s.%N)
    grep -q -- "$expected" "$work/$name.log" || {
        echo "update: $name: expected '$expected' in the summary:" >&2
        cat "$work/$name.log" >&2
        exit 1
    }
    echo "$name $(echo "$ended - $started" | bc)" >>"$work/times.txt"
}

for run in $(seq "$runs"); do
    echo "update: run $run of $runs" >&2
    rm -f "$added"
    rebuild=1 timed full "articles"
    printf -- '---\ntitle: Gemeente opent nieuw zwembad\ndate: 2019-06-01\nsource: bench\n---\n\nDe gemeente heeft het nieuwe zwembad geopend. Run %s.\n' "$run" >"$added"
    timed add-one "files: 1 added, 0 updated, 0 removed"
    timed nothing "files: 0 added, 0 updated, 0 removed"
    touch "$some_file"
    timed touch-one "files: 0 added, 0 updated, 0 removed"
    echo "Een extra alinea over de verkiezingen." >>"$added"
    timed change-one "files: 0 added, 1 updated, 0 removed"
    rm "$added"
    timed remove-one "files: 0 added, 0 updated, 1 removed"
done

python3 - "$work/times.txt" "$articles" <<'PY'
import statistics, sys
times = {}
for line in open(sys.argv[1]):
    name, seconds = line.split()
    times.setdefault(name, []).append(float(seconds))
full = times["full"]
print(f"zoek incremental indexing: {sys.argv[2]} .md files, {len(full)} runs (medians)")
print(f"{'run':<12} {'seconds':>8} {'x full':>7}")
for name, label in [("full", "full build"), ("add-one", "add 1 file"), ("nothing", "no change"),
                    ("touch-one", "touch 1"), ("change-one", "change 1"), ("remove-one", "remove 1")]:
    ratio = statistics.median(t / f for t, f in zip(times[name], full))
    print(f"{label:<12} {statistics.median(times[name]):8.2f} {ratio:7.3f}")
PY
