#!/usr/bin/env python3
"""Makes and inspects the files of bench/hostile.sh (python3 standard library only).

usage: hostile-files.py COMMAND ARGS...
  html KIND FILE             deeply nested HTML: span (60,000 <span>), table (20,000
                             <table><tr><td>), div (100,000 <div>), attrs (200,000 attributes)
  record FILE MB ID          one JSON Lines record of MB megabytes of Dutch words, streamed
  bomb FILE GB               a .jsonl.gz of GB gigabytes of spaces, compressed as it is written
  dpg FILE N [COPIES]        N records of ../shared/corpus/dpgmedia2019.jsonl (COPIES times over,
                             ids made unique per copy)
  split FILE DIR K           FILE's lines in K files DIR/part-1.jsonl ...
  damage FILE SEED           overwrite 4 KB in the middle of FILE with random bytes
  filelist INDEX             the keys of the live file list of an index (one a line)
  drop INDEX                 rewrite the live file list as valid JSON with every 2nd entry dropped
  compare REF OUT ERR EXIT   how a --json batch search on a damaged index went against REF
  hits FILE                  every hit of a `zoek search --json` output, score rounded
"""
import gzip, json, os, random, re, sys

shared = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "shared", "corpus")
shared = os.environ.get("ZOEK_SHARED_CORPUS", shared)


def dpg_lines():
    return open(os.path.join(shared, "dpgmedia2019.jsonl"), encoding="utf-8").read().splitlines()


def html(kind, path):
    head = "<html><head><title>Diep genest</title></head><body><article><h1>Diep genest</h1>"
    text = "<p>De gemeenteraad vergaderde over de begroting.</p>"
    with open(path, "w", encoding="utf-8") as f:
        f.write(head)
        if kind == "span":
            f.write("<span>" * 60_000 + text)
        elif kind == "table":
            f.write("<table><tr><td>" * 20_000 + text)
        elif kind == "div":
            f.write("<div>" * 100_000 + text)
        elif kind == "attrs":
            f.write("<p " + " ".join(f'a{i}="{i}"' for i in range(200_000)) + ">"
                    + "De gemeenteraad vergaderde.</p>")
        else:
            sys.exit(f"unknown html kind {kind}")
        f.write("</article></body></html>\n")


def record(path, mb, rid):
    words = " ".join(json.loads(l)["body"].replace("\n", " ") for l in dpg_lines()[:200])
    chunk = json.dumps(words, ensure_ascii=False)[1:-1] + " "
    want = int(mb) * 1_000_000
    with open(path, "w", encoding="utf-8") as f:
        f.write('{"id": "%s", "title": "Een heel groot artikel", "body": "' % rid)
        n = 0
        while n < want:
            f.write(chunk)
            n += len(chunk.encode())
        f.write('"}\n')


def bomb(path, gb):
    block = b" " * (1 << 20)
    with gzip.open(path, "wb", compresslevel=9) as f:
        for _ in range(int(float(gb) * 1024)):
            f.write(block)


def dpg(path, n, copies=1):
    lines = dpg_lines()[: int(n)]
    with open(path, "w", encoding="utf-8") as f:
        for k in range(int(copies)):
            for line in lines:
                d = json.loads(line)
                if int(copies) > 1:
                    d["id"] = f"{d['id']}-{k}"
                f.write(json.dumps(d, ensure_ascii=False) + "\n")


def split(path, folder, k):
    lines = open(path, encoding="utf-8").read().splitlines()
    k = int(k)
    os.makedirs(folder, exist_ok=True)
    for i in range(k):
        part = lines[i * len(lines) // k:(i + 1) * len(lines) // k]
        open(os.path.join(folder, f"part-{i + 1}.jsonl"), "w", encoding="utf-8").write(
            "\n".join(part) + "\n")


def damage(path, seed):
    size = os.path.getsize(path)
    n = min(4096, size)
    start = (size - n) // 2
    rng = random.Random(seed)
    with open(path, "r+b") as f:
        f.seek(start)
        f.write(bytes(rng.randrange(256) for _ in range(n)))
    print(f"{os.path.basename(path)}: {n} bytes at {start} of {size}")


def live_filelist(index):
    gen = os.path.join(index, open(os.path.join(index, "CURRENT")).read().strip())
    name = json.load(open(os.path.join(gen, "meta.json")))["payload"]
    return os.path.join(gen, name)


def filelist(index):
    for key in json.load(open(live_filelist(index))):
        print(key)


def drop(index):
    path = live_filelist(index)
    entries = json.load(open(path))
    kept = {k: v for i, (k, v) in enumerate(sorted(entries.items())) if i % 2 == 0}
    json.dump(kept, open(path, "w"))
    print(f"file list: kept {len(kept)} of {len(entries)} entries")


def hits(path):
    for line in open(path, encoding="utf-8", errors="replace"):
        try:
            d = json.loads(line)
        except ValueError:
            continue
        if "rank" in d:
            d["score"] = round(d.get("score") or 0, 4)
            print(json.dumps({k: d.get(k) for k in ("rank", "score", "article_id", "line", "title",
                                                    "date", "passage", "highlights")},
                             ensure_ascii=False))


def compare(ref, out, err, rc):
    """How a batch search on a damaged index went, against the undamaged one's output."""
    def by_qid(path):
        got = {}
        for line in open(path, encoding="utf-8", errors="replace"):
            try:
                d = json.loads(line)
            except ValueError:
                continue
            if "rank" in d:
                d["score"] = round(d.get("score") or 0, 4)
                got.setdefault(str(d.get("qid")), []).append(
                    [d.get(k) for k in ("article_id", "line", "score", "title", "passage", "highlights")])
        return got
    rc = int(rc)
    errors = [l.strip() for l in open(err, encoding="utf-8", errors="replace") if l.strip()]
    if rc >= 128 or any(re.search(r"panicked|overflowed its stack|memory allocation of", l) for l in errors):
        print("panic"); return
    want, got = by_qid(ref), by_qid(out)
    wrong = [q for q in want.keys() | got.keys() if q in got and got[q] != want.get(q)]
    missing = [q for q in want if q not in got]
    if rc in (0, 1) and (wrong or missing):
        print(f"WRONG results, silently ({len(wrong) + len(missing)} of {len(want)} queries)"); return
    if wrong:
        print(f"WRONG results ({len(wrong)} of {len(want)} queries) beside errors"); return
    if not errors or rc in (0, 1):
        print("same"); return
    unhelpful = [l for l in errors if "zoek index" not in l]
    if unhelpful:
        print(f"unhelpful error ({len(errors)} lines): {unhelpful[0][:70]}"); return
    print(f"clean error ({len(errors)} lines, say to run zoek index)")


commands = {"html": html, "record": record, "bomb": bomb, "dpg": dpg, "split": split,
            "damage": damage, "compare": compare, "filelist": filelist, "drop": drop, "hits": hits}
if len(sys.argv) < 2 or sys.argv[1] not in commands:
    sys.exit(__doc__)
commands[sys.argv[1]](*sys.argv[2:])
