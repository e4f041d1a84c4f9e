#!/usr/bin/env bash
# Relevance of zoek as a user runs it (no flags) on both evaluation sets, beside the peers:
# the known-item task (1,359 pasted headlines, each for its article) and the 30 typed dev
# topics of ../shared/eval/adhoc-dev, with the passage view's figures and the suggestions'.
# usage: bench/relevance.sh [--check]
#   --check   exit 1 when a figure falls under its floor in bench/relevance.floors, or the
#             suggestions miss their targets (the CI gate)
# Needs ../shared and python3; builds the collections under target/relevance.
set -euo pipefail
cd "$(dirname "$0")/.."

check=()
suggest_check=()
case "${1:-}" in
    --check) check=(--check bench/relevance.floors); suggest_check=(--check) ;;
    "") ;;
    *) echo "usage: $0 [--check]" >&2; exit 2 ;;
esac
[ -d ../shared ] || { echo "relevance: ../shared not found; the benchmark needs the shared corpus" >&2; exit 2; }
cargo build --release --quiet
python3 bench/relevance.py --setup --table "${check[@]}"
python3 bench/suggestions.py "${suggest_check[@]}"
