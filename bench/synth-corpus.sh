#!/usr/bin/env bash
# Makes (once) the synthetic corpus of the speed and update benchmarks from
# ../shared/corpus/synth.py: same arguments, same bytes.
# usage: bench/synth-corpus.sh ARTICLES jsonl|files  (prints the corpus folder)
set -euo pipefail
cd "$(dirname "$0")/.."
articles=$1
layout=$2
work=target/bench/speed/$layout-$articles
corpus=$work/corpus
mkdir -p "$work"
if [ ! -e "$work/corpus.done" ]; then
    rm -rf "$corpus"
    echo "bench: building the corpus ($articles articles, $layout)" >&2
    if [ "$layout" = jsonl ]; then
        mkdir -p "$corpus"
        python3 ../shared/corpus/synth.py --articles "$articles" --out "$corpus/synth.jsonl"
    else
        python3 ../shared/corpus/synth.py --articles "$articles" --out "$corpus" --layout files
    fi
    touch "$work/corpus.done"
fi
echo "$corpus"
