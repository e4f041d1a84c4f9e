#!/usr/bin/env bash
# Churn benchmark: a full build of a folder of .md files, then U updates that each change P%
# of the files (a fixed random choice per update, seed 7: a paragraph rewritten). Reports,
# per update and in sum: seconds, the index's size on disk, and at the end the size against
# a fresh build of the final corpus (the target: <= 1.2x) and how many deleted documents
# the live index still holds (each must be younger than the purge bound of
# src/index/purge.rs). That no replaced text stays on disk past the bound is tested in
# tests/zoek/churn.rs.
#
# usage: bench/churn.sh [--articles N] [--updates U] [--percent P]
#   (default 100000 articles, 100 updates, 1 percent)
# Works on a copy of the corpus of bench/speed.sh --layout files, in target/bench/churn-N/.
set -euo pipefail
cd "$(dirname "$0")/.."

articles=100000
updates=100
percent=1
while [ $# -gt 0 ]; do
    case "$1" in
        --articles) articles="$2"; shift 2 ;;
        --updates) updates="$2"; shift 2 ;;
        --percent) percent="$2"; shift 2 ;;
        *) sed -n '10,11p' "$0" >&2; exit 2 ;;
    esac
done
[ -d ../shared ] || { echo "churn: ../shared not found; the benchmark needs the shared corpus" >&2; exit 2; }
cargo build --release --quiet --bin zoek --example bench
zoek=target/release/zoek
source_corpus=$(bash bench/synth-corpus.sh "$articles" files)
work=target/bench/churn-$articles
corpus=$work/corpus
rm -rf "$work"
mkdir -p "$work"
cp -r "$source_corpus" "$corpus"
find "$corpus" -name '*.md' | sort >"$work/files.txt"

size_mb() { du -sk "$1" | awk '{printf "%.1f", $1 / 1024}'; }
deleted() { target/release/examples/bench deleted-docs --index "$1"; }

started=$(date +%s.%N)
"$zoek" index "$corpus" --index "$work/index" -q
ended=$(date +%s.%N)
printf 'update\tseconds\tsize_mb\tdeleted_docs\n' >"$work/updates.tsv"
printf 'full\t%s\t%s\t%s\n' "$(echo "$ended - $started" | bc)" "$(size_mb "$work/index")" \
    "$(deleted "$work/index")" >>"$work/updates.tsv"
for u in $(seq "$updates"); do
    python3 - "$work/files.txt" "$u" "$percent" <<'PY'
import random, sys
files = open(sys.argv[1]).read().split()
u, percent = int(sys.argv[2]), float(sys.argv[3])
rng = random.Random(7 * 1000003 + u)
for path in rng.sample(files, max(1, int(len(files) * percent / 100))):
    text = open(path, encoding="utf-8").read().rstrip("\n")
    # Replace the last paragraph: the old one is replaced text that must leave the disk.
    head, _, _ = text.rpartition("\n\n")
    open(path, "w", encoding="utf-8").write(
        f"{head}\n\nBijgewerkt in ronde {u}: het artikel is aangevuld met nieuwe feiten.\n")
PY
    started=$(date +%s.%N)
    "$zoek" index "$corpus" --index "$work/index" -q
    ended=$(date +%s.%N)
    printf '%s\t%s\t%s\t%s\n' "$u" "$(echo "$ended - $started" | bc)" "$(size_mb "$work/index")" \
        "$(deleted "$work/index")" >>"$work/updates.tsv"
    [ $((u % 10)) -eq 0 ] && echo "churn: $u of $updates updates" >&2
done
"$zoek" index "$corpus" --index "$work/fresh" -q
python3 - "$work" "$(size_mb "$work/fresh")" "$articles" "$updates" "$percent" <<'PY' | tee "$work/table.txt"
import csv, statistics, sys
work, fresh, articles, updates, percent = sys.argv[1], float(sys.argv[2]), *sys.argv[3:]
rows = list(csv.DictReader(open(f"{work}/updates.tsv"), delimiter="\t"))
full, ups = rows[0], rows[1:]
secs = [float(r["seconds"]) for r in ups]
last = ups[-1]
print(f"zoek churn benchmark: {articles} .md files, {updates} updates of {percent}% each")
print(f"full build                     {float(full['seconds']):8.2f} s  {float(full['size_mb']):8.1f} MB")
print(f"update, median / max           {statistics.median(secs):8.2f} s  {max(secs):8.2f} s  (sum {sum(secs):.1f} s)")
print(f"index after the updates        {float(last['size_mb']):8.1f} MB  ({float(last['size_mb']) / fresh:.2f}x a fresh build of {fresh:.1f} MB; target <= 1.2x)")
print(f"largest size during the run    {max(float(r['size_mb']) for r in ups):8.1f} MB")
print(f"deleted documents still held   {last['deleted_docs']:>8} (most during the run: {max(int(r['deleted_docs']) for r in ups)})")
PY
