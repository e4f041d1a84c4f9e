#!/usr/bin/env bash
# Checks that need ../shared (real corpus and reference scripts); run by .ci/run when it exists.
set -euo pipefail
cd "$(dirname "$0")/.."
shared=../shared

echo "-- zoek eval agrees with trec_score.py on the hand-computed fixture"
expected=$(cat tests/fixtures/eval/expected.txt)
reference=$(python3 "$shared/eval/trec_score.py" tests/fixtures/eval/qrels.txt tests/fixtures/eval/run.trec)
if [ "$reference" != "$expected" ]; then
    echo "trec_score.py gives:  $reference" >&2
    echo "the fixture expects:  $expected" >&2
    exit 1
fi
echo "ok: $reference"

echo "-- relevance as a user gets it: known-item and dev topics, passages, suggestions (floors in bench/relevance.floors)"
bash bench/relevance.sh --check

echo "-- known-item relevance of each analysis variant (floor just under the measured MRR@10)"
bash bench/known-item.sh --floor "$(cat bench/known-item.floor)"

echo "-- speed: 100,000 articles against the plain-tantivy ceiling (floors in bench/speed.floors)"
bash bench/speed.sh --articles 100000 --runs 3 --check

echo "-- query bounds: abusive and 100 random queries on the 100,000-article index (each <= 1 s, RSS budget)"
bash bench/query-cost.sh --quick --check | sed -n '1,/^slowest/p'

echo "-- hostile corpora: every case without its two biggest inputs"
bash bench/hostile.sh --quick | grep -E ' FAIL |PASS, '
