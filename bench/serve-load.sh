#!/usr/bin/env bash
# Load benchmark of `zoek serve` (not in CI): CLIENTS concurrent clients on loopback for
# SECONDS against the index of the synthetic corpus (100,000 articles), JSON API, n = 10, the
# latency queries of the speed benchmark (every 9th known-item headline and bench/queries.txt)
# in one fixed shuffled order (examples/load.rs). Two runs: at rest, and while `zoek index`
# adds 1,000 articles to the corpus (a JSON Lines file of its own). The load generator runs
# on the same cores as the server.
#
# usage: bench/serve-load.sh [--articles N] [--clients C] [--seconds S]
# Prints one table: requests/s, p50/p99 latency, errors, peak RSS of the server; during the
# update also the p99 of the requests sent while `zoek index` ran. Work files go to
# target/bench/serve/ (results.json, table.txt). Needs ../shared and python3.
set -euo pipefail
cd "$(dirname "$0")/.."

articles=100000
clients=8
seconds=60
while [ $# -gt 0 ]; do
    case "$1" in
        --articles) articles="$2"; shift 2 ;;
        --clients) clients="$2"; shift 2 ;;
        --seconds) seconds="$2"; shift 2 ;;
        *) sed -n '9,12p' "$0" >&2; exit 2 ;;
    esac
done
shared=../shared
[ -d "$shared" ] || { echo "serve-load: $shared not found; the benchmark needs the shared corpus" >&2; exit 2; }

cargo build --release --quiet --bin zoek --example load
zoek=target/release/zoek
load=target/release/examples/load
work=target/bench/serve
mkdir -p "$work"
synth=$(bash bench/synth-corpus.sh "$articles" jsonl)

# The corpus of this benchmark: the synthetic one (linked, not copied) and, during the second
# run, 1,000 more articles: the first 1,000 records again under new ids.
corpus=$work/corpus-$articles
index=$work/index-$articles
mkdir -p "$corpus"
ln -f "$synth/synth.jsonl" "$corpus/synth.jsonl" 2>/dev/null || cp "$synth/synth.jsonl" "$corpus/synth.jsonl"
rm -f "$corpus/added.jsonl"
python3 - "$synth/synth.jsonl" "$work/added.jsonl" <<'EOF'
import json, sys
with open(sys.argv[1], encoding="utf-8") as src, open(sys.argv[2], "w", encoding="utf-8") as out:
    for i, line in enumerate(src):
        if i == 1000:
            break
        record = json.loads(line)
        record["id"] = f"added-{i:04d}"
        out.write(json.dumps(record, ensure_ascii=False) + "\n")
EOF
echo "serve-load: indexing $corpus" >&2
"$zoek" index "$corpus" --index "$index" -q

# The queries, as bench/speed.sh makes them.
python3 "$shared/eval/known_item.py" "$work/known-item" >/dev/null
rm -f "$work/known-item/collection.jsonl"
{ sed -n '1~9p' "$work/known-item/queries.txt"; grep -v '^#' bench/queries.txt; } | cut -f2- >"$work/queries.txt"

"$zoek" serve --index "$index" --bind 127.0.0.1:0 2>"$work/serve.log" &
server=$!
trap 'kill $server 2>/dev/null || true' EXIT
addr=""
for _ in $(seq 100); do
    addr=$(sed -n 's|.* at http://\([^/]*\)/.*|\1|p' "$work/serve.log")
    [ -n "$addr" ] && break
    sleep 0.1
done
[ -n "$addr" ] || { cat "$work/serve.log" >&2; exit 1; }
rss() { awk -v f="$1" '$1 == f":" { print $2 }' "/proc/$server/status"; }
# Warm the page cache and the server: one pass over the queries, not counted.
"$load" --addr "$addr" --queries "$work/queries.txt" --clients 2 --seconds 5 >/dev/null
rest_rss=$(rss VmRSS)

echo "serve-load: at rest, $clients clients for $seconds s" >&2
echo 5 >"/proc/$server/clear_refs"
"$load" --addr "$addr" --queries "$work/queries.txt" --clients "$clients" --seconds "$seconds" \
    --log "$work/rest.log" >"$work/rest.json"
rest_peak=$(rss VmHWM)

echo "serve-load: while zoek index adds 1,000 articles" >&2
echo 5 >"/proc/$server/clear_refs"
"$load" --addr "$addr" --queries "$work/queries.txt" --clients "$clients" --seconds "$seconds" \
    --log "$work/update.log" >"$work/update.json" &
loader=$!
sleep $((seconds / 6))
cp "$work/added.jsonl" "$corpus/added.jsonl"
update_start=$(date +%s%3N)
/usr/bin/time -f "%e %M" -o "$work/update-time.txt" "$zoek" index "$corpus" --index "$index" -q
update_end=$(date +%s%3N)
wait $loader
update_peak=$(rss VmHWM)
# The server saw the update without a restart.
served=$(python3 -c "import json, urllib.request; print(json.load(urllib.request.urlopen('http://$addr/api/stats'))['articles'])")
kill $server
wait $server 2>/dev/null || true
trap - EXIT

python3 - "$work" "$articles" "$clients" "$seconds" "$rest_rss" "$rest_peak" "$update_peak" \
    "$update_start" "$update_end" "$(nproc)" "$served" <<'EOF'
import json, math, sys
work, articles, clients, seconds, rest_rss, rest_peak, update_peak, t0, t1, cores, served = sys.argv[1:12]
t0, t1 = int(t0), int(t1)

def stats(path, window=None):
    rows = []
    for line in open(path):
        start, latency, status = line.split()
        rows.append((int(start), int(latency) / 1000, int(status)))
    if window:
        rows = [r for r in rows if window[0] <= r[0] <= window[1]]
    lat = sorted(r[1] for r in rows)
    pct = lambda p: lat[max(0, min(len(lat) - 1, math.ceil(len(lat) * p) - 1))] if lat else float("nan")
    return {"requests": len(rows), "errors": sum(r[2] != 200 for r in rows),
            "p50": pct(0.5), "p99": pct(0.99), "max": lat[-1] if lat else float("nan")}

rest, update = json.load(open(f"{work}/rest.json")), json.load(open(f"{work}/update.json"))
during = stats(f"{work}/update.log", (t0, t1))
wall, index_kb = open(f"{work}/update-time.txt").read().split()
mb = lambda kb: int(kb) / 1024
rows = [
    ("requests/s", f"{rest['requests_per_s']:,.0f}", f"{update['requests_per_s']:,.0f}"),
    ("p50 / p99 ms", f"{rest['p50_ms']:.2f} / {rest['p99_ms']:.2f}", f"{update['p50_ms']:.2f} / {update['p99_ms']:.2f}"),
    ("p50 / p99 ms while zoek index ran", "", f"{during['p50']:.2f} / {during['p99']:.2f} ({during['requests']:,} requests in {int(t1) - int(t0)} ms)"),
    ("max ms", f"{rest['max_ms']:.1f}", f"{update['max_ms']:.1f}"),
    ("errors", f"{rest['errors']} of {rest['requests']:,}", f"{update['errors']} of {update['requests']:,}"),
    ("server peak RSS MB", f"{mb(rest_peak):.0f} (at rest before the run: {mb(rest_rss):.0f})", f"{mb(update_peak):.0f}"),
    ("zoek index (1,000 articles)", "", f"{float(wall):.1f} s, peak RSS {mb(index_kb):.0f} MB; then /api/stats counts {int(served):,} articles"),
]
table = [f"| {int(articles):,} articles, {clients} clients, {seconds} s, n = 10, {rest['queries']} queries | at rest | while zoek index adds 1,000 articles |", "|---|---|---|"]
table += [f"| {a} | {b} | {c} |" for a, b, c in rows]
note = f"(load generator and server on the same {cores} cores)"
text = "\n".join(table) + "\n" + note + "\n"
open(f"{work}/table.txt", "w").write(text)
json.dump({"rest": rest, "update": update, "during_update": during, "rest_rss_kb": int(rest_rss),
           "rest_peak_kb": int(rest_peak), "update_peak_kb": int(update_peak),
           "index_seconds": float(wall), "index_peak_kb": int(index_kb)},
          open(f"{work}/results.json", "w"), indent=1)
print(text, end="")
EOF
