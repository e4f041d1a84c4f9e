#!/usr/bin/env bash
# Known-item benchmark: every headline of ../shared's DPG Media news is a query for the
# article it came from (titles removed from the collection). Indexes the collection once per
# analysis variant, runs `zoek eval` as a user would (no flags), and prints MRR@10, success@1
# and success@10 side by side.
#
# The first variant is the baseline of the time ratios (index_x, eval_x), measured in the
# same run.
# usage: bench/known-item.sh [--floor MRR] [--variants "plain stemmed ..."]
#   --floor MRR   exit 1 when the last variant's MRR@10 is below MRR (the CI gate)
# Needs ../shared (the corpus and eval scripts) and python3.
set -euo pipefail
cd "$(dirname "$0")/.."

floor=""
variants="plain stemmed stemmed+corrections full"
while [ $# -gt 0 ]; do
    case "$1" in
        --floor) floor="$2"; shift 2 ;;
        --variants) variants="$2"; shift 2 ;;
        *) echo "usage: $0 [--floor MRR] [--variants \"plain stemmed ...\"]" >&2; exit 2 ;;
    esac
done

shared=../shared
[ -d "$shared" ] || { echo "known-item: $shared not found; the benchmark needs the shared corpus" >&2; exit 2; }
cargo build --release --quiet
zoek=target/release/zoek
work=target/bench/known-item
rm -rf "$work" && mkdir -p "$work/corpus"
started=$(date +%s.%N)
python3 "$shared/eval/known_item.py" "$work" >&2
mv "$work/collection.jsonl" "$work/corpus/"

printf '%-20s %8s %9s %10s %8s %8s %8s %8s\n' variant MRR@10 success@1 success@10 index_s index_x eval_s eval_x
last_mrr=""
for variant in $variants; do
    t0=$(date +%s.%N)
    "$zoek" index "$work/corpus" --index "$work/index-$variant" --analysis "$variant" 2>"$work/index-$variant.log"
    t1=$(date +%s.%N)
    "$zoek" eval --queries "$work/queries.tsv" --qrels "$work/qrels.txt" \
        --index "$work/index-$variant" --json >"$work/eval-$variant.json"
    t2=$(date +%s.%N)
    python3 - "$work/eval-$variant.json" "$variant" "$t0" "$t1" "$t2" <<'PY'
import json, sys
import os
path, variant, t0, t1, t2 = sys.argv[1], sys.argv[2], *map(float, sys.argv[3:])
mean = json.load(open(path))["mean"]
base_file = os.path.join(os.path.dirname(path), "baseline-times")
if not os.path.exists(base_file):
    open(base_file, "w").write(f"{t1 - t0} {t2 - t1}")
base_index, base_eval = map(float, open(base_file).read().split())
print(f"{variant:<20} {mean['mrr10']:8.4f} {mean['success1']:9.4f} {mean['success10']:10.4f} "
      f"{t1 - t0:8.2f} {(t1 - t0) / base_index:8.2f} {t2 - t1:8.2f} {(t2 - t1) / base_eval:8.2f}")
PY
    last_mrr=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["mean"]["mrr10"])' "$work/eval-$variant.json")
done
ended=$(date +%s.%N)
python3 -c "print(f'known-item benchmark took {$ended - $started:.0f} s')"

if [ -n "$floor" ]; then
    if python3 -c "import sys; sys.exit(0 if $last_mrr >= $floor else 1)"; then
        echo "known-item: MRR@10 $last_mrr >= floor $floor"
    else
        echo "known-item: MRR@10 $last_mrr is below the floor $floor: relevance regressed" >&2
        exit 1
    fi
fi
