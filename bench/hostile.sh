#!/usr/bin/env bash
# Hostile-corpus benchmark: `zoek index` (and the searches after it) on folders built to hurt:
# deep HTML, FIFOs, devices, huge records, gzip bombs, links out of the corpus, damaged and
# read-only indexes, odd corpus paths, bad bytes, duplicate ids, failing files, a big append,
# the lock. Each case gets a fresh folder; the table gives every step's exit status, seconds,
# peak RSS and zoek's summary lines, and each case's PASS/FAIL against its target.
#
# usage: bench/hostile.sh [--zoek BIN] [--quick] [--only CASE[,CASE...]] [--mem-cap MB]
#   --zoek BIN      the zoek binary (default target/release/zoek; not built here)
#   --quick         leave out the big cases (500 MB record, 2 GB gzip bomb) and walk a
#                   20,000-file corpus instead of 100,000 in the lock case (for CI)
#   --only CASES    run only these cases (names as in the table)
#   --mem-cap MB    address-space cap (ulimit -v) of every step (default 8192, 0 = none): it
#                   keeps a run that reads /dev/zero from taking the machine's memory
# Every step runs under `timeout --foreground -s KILL` (60 s unless the case says otherwise);
# a killed step is exit 137 and "timeout". Each case works in target/bench/hostile/CASE/
# (corpus/, index/, STEP.out/.err/.time); big inputs are deleted after their case. Results:
# target/bench/hostile/results.tsv, verdicts.tsv and table.txt; exit 1 when a case fails. Needs python3, /usr/bin/time,
# timeout and ../shared/corpus; as root, the read-only case uses a throw-away user.
set -euo pipefail
here=$PWD
cd "$(dirname "$0")/.."
abs() { case "$1" in /*) echo "$1" ;; *) echo "$here/$1" ;; esac; }

zoek=$PWD/target/release/zoek
quick=""
only=""
memcap=8192
while [ $# -gt 0 ]; do
    case "$1" in
        --zoek) zoek=$(abs "$2"); shift 2 ;;
        --quick) quick=1; shift ;;
        --only) only=",$2,"; shift 2 ;;
        --mem-cap) memcap="$2"; shift 2 ;;
        *) sed -n '8,15p' "$0" >&2; exit 2 ;;
    esac
done
[ -x "$zoek" ] || { echo "hostile: no zoek binary at $zoek (build it or pass --zoek)" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "hostile: /usr/bin/time is needed for peak memory" >&2; exit 2; }
[ -f ../shared/corpus/dpgmedia2019.jsonl ] || { echo "hostile: ../shared/corpus not found" >&2; exit 2; }

root=$PWD
work=$root/target/bench/hostile
files="python3 $root/bench/hostile-files.py"
mkdir -p "$work"
results=$work/results.tsv
verdicts=$work/verdicts.tsv
printf 'case\tstep\texit\tseconds\trss_mb\tpanic\tsummary\n' >"$results"
printf 'case\tverdict\twhy\n' >"$verdicts"
started=$(date +%s)
echo "hostile: disk before: $(df -h /work | tail -n 1)" >&2

# ---- helpers -------------------------------------------------------------------------------
wanted() { [ -z "$only" ] || [[ "$only" == *",$1,"* ]]; }
fresh() { # fresh CASE: an empty case folder with corpus/; cd into it
    case_name=$1
    rm -rf "${work:?}/$1"
    mkdir -p "$work/$1/corpus"
    cd "$work/$1"
    echo "hostile: $1" >&2
}
ok_article() { # a normal article beside the hostile ones: "flamingo" finds it
    printf -- '---\ntitle: Flamingo in de stadsvijver\ndate: 2019-06-01\n---\n\nEen flamingo is ontsnapt uit de dierentuin en staat nu in de stadsvijver.\n' \
        >"${1:-corpus}/ok.md"
}
small_corpus() { # N dpgmedia2019 records in corpus/ as K files
    $files dpg "$work/$case_name/all.jsonl" "$1"
    $files split "$work/$case_name/all.jsonl" corpus "$2"
    rm "$work/$case_name/all.jsonl"
}
# step NAME LIMIT COMMAND...: runs COMMAND in the case folder under a wall-clock limit and
# /usr/bin/time; sets rc, secs, mb, panic, summary and adds a row to the results.
step() {
    local name=$1 limit=$2
    shift 2
    set +e
    (
        if [ "$memcap" -gt 0 ]; then ulimit -v $((memcap * 1024)); fi
        exec /usr/bin/time -o "$name.time" -f '%e %M' timeout --foreground -s KILL "$limit" "$@"
    ) >"$name.out" 2>"$name.err"
    # (STEP.out/.err/.time go to the folder the step ran in: the case folder, except where a
    # case runs zoek from inside its corpus)
    rc=$?
    set -e
    read -r secs kb < <(tail -n 1 "$name.time") || { secs=0 kb=0; }
    mb=$((kb / 1024))
    panic=0
    if grep -qE 'panicked|overflowed its stack|memory allocation of|fatal runtime error' "$name.err" ||
        [ "$rc" -ge 128 ]; then
        panic=1
    fi
    [ "$rc" -eq 137 ] && [ "${secs%.*}" -ge $((limit - 1)) ] && panic=timeout
    summary=$(python3 - "$name.err" <<'PY'
import re, sys
lines = [l.rstrip() for l in open(sys.argv[1], encoding="utf-8", errors="replace") if l.strip()]
lines = [l for l in lines if not re.match(r"\s+(\d+: |at )", l) and "Command exited" not in l
         and "Command terminated" not in l and not l.startswith("note: ")]
problems = [l for l in lines if re.match(r"zoek: (error|warning|failed|skipped)", l) and "failed " not in l[:13]]
rest = [l for l in lines if l not in problems]
text = " | ".join(l.replace("zoek: ", "") for l in rest)
if problems:
    first = problems[0].replace("zoek: ", "")
    text = (f"[{first[:110]}" + (f" (+{len(problems) - 1} more)" if len(problems) > 1 else "") + "] "
            + text)
print(text.replace("\t", " ")[:400])
PY
)
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$case_name" "$name" "$rc" "$secs" "$mb" "$panic" \
        "$summary" >>"$results"
}
verdict() { # verdict PASS|FAIL WHY
    printf '%s\t%s\t%s\n' "$case_name" "$1" "$2" >>"$verdicts"
    echo "hostile: $case_name: $1 ($2)" >&2
}
crashed() { [ "$panic" != 0 ]; } # the last step panicked, aborted or was killed
how_ended() { # how the last step ended, for a verdict
    if [ "$panic" = timeout ]; then
        echo "killed at the ${secs%.*} s limit"
    elif [ "$panic" != 0 ]; then
        echo "crashed: exit $rc ($(grep -m 1 -oE 'overflowed its stack|panicked at [^ ]*|memory allocation of [0-9]+ bytes failed' "$1" || echo signal))"
    else
        echo "exit $rc"
    fi
}
count_of() { # count_of OUTFILE: the articles a `zoek search --count` output counts (0 if none)
    sed -n 's/^\([0-9]*\) article.*/\1/p' "$1" | head -n 1 | grep . || echo 0
}
files_line() { grep -o 'files: .*' "$1" | head -n 1 || true; }

# ---- deep HTML -------------------------------------------------------------------------------
for kind in span table div attrs; do
    wanted "html-$kind" || continue
    fresh "html-$kind"
    ok_article
    $files html "$kind" "corpus/deep-$kind.html"
    step index 60 "$zoek" index corpus --index index
    named=no
    grep -q "deep-$kind.html" index.err && named=yes
    if crashed; then
        verdict FAIL "$(how_ended index.err), ${mb} MB; file named in stderr: $named"
    elif [ "${secs%.*}" -ge 60 ]; then
        verdict FAIL "took ${secs} s"
    elif [ "$rc" -ne 0 ] && [ $named = no ]; then
        verdict FAIL "exit $rc without naming the file"
    else
        verdict PASS "ended in ${secs} s, exit $rc, ${mb} MB; file named in stderr: $named"
    fi
    cd "$root"
done

# ---- a FIFO in the corpus ------------------------------------------------------------------
if wanted fifo; then
    fresh fifo
    ok_article
    mkfifo corpus/pipe.md
    # the first run in the background; a second one 5 s later (while the first still runs, if
    # it hangs): is it refused as "being updated by another process"?
    ( step index-1 60 "$zoek" index corpus --index index; echo "$rc $secs $panic" >first.status ) &
    first=$!
    sleep 5
    step index-2 30 "$zoek" index corpus --index index
    refused=no
    grep -q "being updated by another process" index-2.err && refused=yes
    second="exit $rc in ${secs} s"
    wait "$first" || true
    read -r rc1 secs1 panic1 <first.status
    if [ "$panic1" != 0 ]; then
        verdict FAIL "first run: exit $rc1 after ${secs1} s (hung on the FIFO); second run $second, refused as busy: $refused"
    elif [ $refused = yes ]; then
        verdict FAIL "second run refused as being updated by another process"
    else
        verdict PASS "first run ended in ${secs1} s; second run $second"
    fi
    cd "$root"
fi

# ---- a symlink to a device -----------------------------------------------------------------
if wanted dev-zero; then
    fresh dev-zero
    ok_article
    ln -s /dev/zero corpus/zero.txt
    step index 60 "$zoek" index corpus --index index
    if crashed || [ "${secs%.*}" -ge 5 ] || [ "$mb" -ge 500 ]; then
        verdict FAIL "$(how_ended index.err) after ${secs} s, ${mb} MB: /dev/zero was read"
    else
        verdict PASS "ended in ${secs} s, ${mb} MB"
    fi
    cd "$root"
fi

# ---- huge JSON Lines records and a gzip bomb -------------------------------------------------
big_record() { # big_record CASE MB
    fresh "$1"
    ok_article
    $files record corpus/big.jsonl "$2" big
    step index 900 "$zoek" index corpus --index index
    local indexed=$rc index_secs=$secs index_mb=$mb index_panic=$panic
    step search-ok 60 "$zoek" search --index index --count flamingo
    local ok_found=no named=no
    [ "$rc" -eq 0 ] && ok_found=yes
    grep -q "big.jsonl" index.err && named=yes
    if [ "$index_panic" != 0 ]; then
        verdict FAIL "crashed or killed (exit $indexed) after ${index_secs} s at ${index_mb} MB"
    elif [ "$index_mb" -ge 1024 ]; then
        verdict FAIL "peak RSS ${index_mb} MB >= 1 GB (exit $indexed, ${index_secs} s)"
    elif [ $ok_found = no ]; then
        verdict FAIL "the other article was lost"
    else
        verdict PASS "${index_mb} MB, ${index_secs} s, exit $indexed; big.jsonl named: $named"
    fi
    rm -rf corpus/big.jsonl index
    cd "$root"
}
if [ -z "$quick" ] && wanted record-500mb; then big_record record-500mb 500; fi
if wanted record-100mb; then big_record record-100mb 100; fi
if [ -z "$quick" ] && wanted gzip-bomb; then
    fresh gzip-bomb
    ok_article
    $files bomb corpus/bomb.jsonl.gz 2
    echo "hostile: gzip bomb is $(du -h corpus/bomb.jsonl.gz | cut -f1) for 2 GB of spaces" >&2
    step index-1 600 "$zoek" index corpus --index index
    rc1=$rc secs1=$secs mb1=$mb panic1=$panic
    named=no
    grep -q "bomb.jsonl.gz" index-1.err && named=yes
    step index-2 600 "$zoek" index corpus --index index
    again=$(files_line index-2.err)
    step search-ok 60 "$zoek" search --index index --count flamingo
    ok_found=$([ "$rc" -eq 0 ] && echo yes || echo no)
    if [ "$panic1" != 0 ]; then
        verdict FAIL "first run crashed or killed (exit $rc1) after ${secs1} s at ${mb1} MB"
    elif [ "$mb1" -ge 1024 ]; then
        verdict FAIL "peak RSS ${mb1} MB >= 1 GB; second run: $again"
    elif [ $ok_found = no ] || [[ "$again" != "files: 0 added"* ]]; then
        verdict FAIL "other article found: $ok_found; second run: $again"
    else
        verdict PASS "${mb1} MB, ${secs1} s, bomb named: $named; second run: $again"
    fi
    rm -rf corpus/bomb.jsonl.gz index
    cd "$root"
fi

# ---- links leaving the corpus ----------------------------------------------------------------
if wanted links-out; then
    fresh links-out
    ok_article
    ln -s /etc/passwd corpus/passwd.txt
    ln -s /etc corpus/etc-link.md
    step index 120 "$zoek" index corpus --index index --report report.jsonl
    step search-root 60 "$zoek" search --index index --json -n 1000 root
    passwd=$(grep -c '"path":"[^"]*passwd' search-root.out || true)
    walked=$( { $files filelist index 2>/dev/null; cat report.jsonl 2>/dev/null; } | grep -c 'etc-link.md/' || true)
    if [ "$passwd" -gt 0 ] || [ "$walked" -gt 0 ]; then
        verdict FAIL "'root' finds $passwd passages of /etc/passwd; $walked entries below etc-link.md (/etc walked)"
    else
        verdict PASS "nothing from /etc/passwd; /etc not walked"
    fi
    rm -rf index # it may hold text of /etc
    cd "$root"
fi

# ---- damaged index ---------------------------------------------------------------------------
if wanted damaged-index; then
    fresh damaged-index
    small_corpus 300 3
    printf '%s\n' gemeente kabinet politie '"de minister"' rutte school geld onderzoek nederland \
        '"het kabinet"' 'zorg OR ziekenhuis' title:brexit >queries.txt
    step index 60 "$zoek" index corpus --index index
    step search-reference 60 "$zoek" search --index index --json -n 50 --queries queries.txt
    step count-reference 60 "$zoek" search --index index --count gemeente
    ref_count=$(count_of count-reference.out)
    reference=$work/damaged-index
    cd "$root"
    for ext in store idx term pos fast fieldnorm; do
        fresh "damaged-$ext"
        rmdir corpus
        cp -a "$reference/corpus" "$reference/index" "$reference/queries.txt" .
        gen=index/$(cat index/CURRENT)
        victim=$(ls -S "$gen"/*."$ext" | head -n 1)
        $files damage "$victim" "$ext" >damage.txt
        step search 60 "$zoek" search --index index --json -n 50 --queries queries.txt
        before=$($files compare "$reference/search-reference.out" search.out search.err "$rc")
        step index 60 "$zoek" index corpus --index index
        index_rc=$rc index_panic=$panic
        rebuilt=no
        grep -q "rebuilt the whole index" index.err && rebuilt=yes
        step search-after 60 "$zoek" search --index index --json -n 50 --queries queries.txt
        after=$($files compare "$reference/search-reference.out" search-after.out search-after.err "$rc")
        why="$(cat damage.txt); search: $before; zoek index: exit $index_rc, rebuilt: $rebuilt; search after: $after"
        if [ "$index_panic" != 0 ] || [ $rebuilt = no ] || [ "$after" != same ] ||
            ! [[ "$before" == same || "$before" == "clean error"* ]]; then
            verdict FAIL "$why"
        else
            verdict PASS "$why"
        fi
        cd "$root"
    done
    if true; then
        fresh damaged-filelist
        rmdir corpus
        # Built here, not copied: a copied index records another corpus folder and would be
        # rebuilt for that reason alone.
        cp -a "$reference/corpus" .
        step index-fresh 60 "$zoek" index corpus --index index
        $files drop index >drop.txt
        step index 60 "$zoek" index corpus --index index
        step count 60 "$zoek" search --index index --count gemeente
        after=$(count_of count.out)
        if crashed || [ "$after" != "$ref_count" ]; then
            verdict FAIL "gemeente: $after articles after, $ref_count before ($(cat drop.txt))"
        else
            verdict PASS "gemeente: $after articles, as before ($(cat drop.txt)); $(grep -o 'rebuilt the whole index: [^|]*' index.err | head -n 1 || echo 'no rebuild')"
        fi
        cd "$root"
    fi
fi

# ---- read-only index -------------------------------------------------------------------------
if wanted read-only; then
    fresh read-only
    small_corpus 100 1
    step index 60 "$zoek" index corpus --index index
    chmod -R a-w index
    step search-chmod 60 "$zoek" search --index index --count gemeente
    how="" ro_rc=""
    if [ "$(id -u)" -eq 0 ]; then
        # root ignores permissions: a read-only bind mount, else a throw-away user
        mkdir -p ro-mount
        if mount --bind index ro-mount 2>/dev/null && mount -o remount,bind,ro ro-mount 2>/dev/null; then
            step search-bind-ro 60 "$zoek" search --index ro-mount --count gemeente
            how="read-only bind mount" ro_rc=$rc
            umount ro-mount || true
        else
            mountpoint -q ro-mount && umount ro-mount
            echo "bind mount not permitted here" >bind.txt
            if command -v useradd >/dev/null && command -v runuser >/dev/null; then
                user=zoek-bench-ro
                id "$user" >/dev/null 2>&1 || useradd --system --no-create-home --shell /usr/sbin/nologin "$user"
                chmod -R u+w index && chown -R "$user" index && chmod -R a-w index
                step search-other-user 60 runuser -u "$user" -- "$zoek" search --index index --count gemeente
                how="a throw-away user owning the read-only index" ro_rc=$rc
                chmod -R u+w index && chown -R root index
                userdel "$user" 2>/dev/null || true
            fi
        fi
    else
        how="chmod -R a-w (not root)" ro_rc=$rc
    fi
    chmod -R u+w index
    if [ -z "$how" ]; then
        verdict FAIL "not measured: root, no bind mount and no useradd/runuser (needs a non-root user)"
    elif [ "$ro_rc" = 0 ] && ! crashed; then
        verdict PASS "search answers ($how)"
        # (as root, chmod -R a-w alone proves nothing: see the search-chmod step)
    else
        verdict FAIL "search exit $ro_rc ($how): $(head -c 120 "$(ls -t *.err | head -n 1)")"
    fi
    cd "$root"
fi

# ---- CURRENT replaced by a folder ------------------------------------------------------------
if wanted current-folder; then
    fresh current-folder
    small_corpus 100 1
    step index 60 "$zoek" index corpus --index index
    rm index/CURRENT
    mkdir index/CURRENT
    step search 60 "$zoek" search --index index gemeente
    s_ok=no
    [ "$rc" -eq 2 ] && [ "$(grep -c . search.err)" -eq 1 ] && grep -q "index/" search.err &&
        grep -q "zoek index" search.err && s_ok=yes
    s_rc=$rc
    step index-again 60 "$zoek" index corpus --index index
    i_ok=no
    if ! crashed; then
        if [ "$rc" -eq 0 ]; then
            step search-after 60 "$zoek" search --index index --count gemeente
            [ "$rc" -eq 0 ] && i_ok="repaired"
        elif [ "$rc" -eq 2 ] && [ "$(grep -c . index-again.err)" -eq 1 ] && grep -q "index/" index-again.err; then
            i_ok="one-line error with the path"
        fi
    fi
    if [ $s_ok = yes ] && [ "$i_ok" != no ]; then
        verdict PASS "search: one line with the path and 'zoek index'; zoek index: $i_ok"
    else
        verdict FAIL "search: exit $s_rc, one line with a path and 'zoek index': $s_ok; zoek index: exit $rc, repaired or one line with the path: $i_ok"
    fi
    cd "$root"
fi

# ---- zoek index FILE, zoek index /dev/null ---------------------------------------------------
if wanted index-not-a-folder; then
    fresh index-not-a-folder
    small_corpus 100 1
    step index 60 "$zoek" index corpus --index index
    step count-before 60 "$zoek" search --index index --count gemeente
    before=$(count_of count-before.out)
    why=""
    for target in corpus/part-1.jsonl /dev/null; do
        name=index-$(basename "$target")
        step "$name" 60 "$zoek" index "$target" --index index
        r=$rc
        step "count-after-$(basename "$target")" 60 "$zoek" search --index index --count gemeente
        after=$(count_of "count-after-$(basename "$target").out")
        if [ "$r" -ne 2 ] || [ "$after" != "$before" ]; then
            why="$why zoek index $target: exit $r, gemeente $before -> $after articles;"
        fi
    done
    why=${why# }
    if [ -n "$why" ]; then verdict FAIL "${why%;}"; else verdict PASS "both refused with exit 2; index intact"; fi
    cd "$root"
fi

# ---- the corpus folder as c, ./c, c/ and absolute --------------------------------------------
if wanted corpus-forms; then
    fresh corpus-forms
    small_corpus 200 2
    mv corpus c
    step index-c 60 "$zoek" index c --index index
    why=""
    for form in ./c c/ "$PWD/c"; do
        case "$form" in ./c) name=index-dot-c ;; c/) name=index-c-slash ;; *) name=index-absolute ;; esac
        step "$name" 60 "$zoek" index "$form" --index index
        line=$(files_line "$name.err")
        # ("folder changed": the rebuild reason; a bare "changed" would match "unchanged")
        if ! [[ "$line" == "files: 0 added, 0 updated, 0 removed"* ]] || grep -q "folder changed" "$name.err"; then
            why="$why ${name#index-}: $(grep -q 'rebuilt the whole' "$name.err" && echo 'rebuilt, ' || true)$line;"
        fi
    done
    why=${why# }
    if [ -n "$why" ]; then verdict FAIL "${why%;}"; else verdict PASS "no rebuild on ./c, c/, absolute"; fi
    cd "$root"
fi

# ---- an index inside the corpus --------------------------------------------------------------
if wanted index-in-corpus; then
    fresh index-in-corpus
    small_corpus 100 1
    cd corpus
    step index-1 60 "$zoek" index . --index index
    step index-2 60 "$zoek" index . --index index --report ../report.jsonl
    second=$(files_line index-2.err)
    own=$({ $files filelist index; grep -v '"skipped"' ../report.jsonl; } | grep -c 'index/gen-' || true)
    # the step files were written inside the corpus; they are skipped (not an article format)
    mv index-*.out index-*.err index-*.time .. 2>/dev/null || true
    cd ..
    if [ "$own" -gt 0 ] || ! [[ "$second" == "files: 0 added, 0 updated, 0 removed"* ]]; then
        verdict FAIL "$own files of the index itself read as articles (indexed or failed); second run: $second"
    else
        verdict PASS "index files left out; second run: $second"
    fi
    cd "$root"
fi

# ---- one Latin-1 byte in a JSON Lines file ---------------------------------------------------
if wanted latin1-line; then
    fresh latin1-line
    {
        printf '{"id": "n1", "title": "Kerstmarkt", "body": "De kerstmarkt opent vrijdag op het plein."}\n'
        printf '{"id": "n2", "title": "Terras", "body": "Het caf\xe9 aan de haven krijgt een terras."}\n'
        printf '{"id": "n3", "title": "Kerstconcert", "body": "Het koor zingt Noël tijdens het kerstconcert."}\n'
    } >corpus/news.jsonl
    step index 60 "$zoek" index corpus --index index
    step search-noel 60 "$zoek" search --index index --json Noël
    noel=$(grep -c '"article_id":"n3"' search-noel.out || true)
    noel_rc=$rc
    step search-cafe 60 "$zoek" search --index index --json café
    cafe=$(grep -c '"article_id":"n2"' search-cafe.out || true)
    if [ "$noel" -gt 0 ]; then
        verdict PASS "Noël finds n3; café finds the Latin-1 line: $([ "$cafe" -gt 0 ] && echo yes || echo no)"
    else
        verdict FAIL "Noël does not find n3 (exit $noel_rc); café finds the Latin-1 line: $([ "$cafe" -gt 0 ] && echo yes || echo no)"
    fi
    cd "$root"
fi

# ---- duplicate ids ---------------------------------------------------------------------------
if wanted duplicate-ids; then
    fresh duplicate-ids
    {
        printf '{"id": "dup-1", "title": "Eerste", "body": "Bij de bakker ligt een appelflap."}\n'
        printf '{"id": "dup-1", "title": "Tweede", "body": "In de snackbar ligt een bitterbal."}\n'
    } >corpus/dup.jsonl
    {
        printf '{"id": "a.jsonl:2", "title": "Zebra", "body": "Een zebra steekt over."}\n'
        printf '{"title": "Giraffe", "body": "Een giraffe eet bladeren."}\n'
    } >corpus/a.jsonl
    printf -- '# Krokodil\n\nEen krokodil in de gracht.\n' >"corpus/bad$(printf '\xff').md"
    printf -- '# Nijlpaard\n\nEen nijlpaard in de sloot.\n' >"corpus/bad$(printf '\xfe').md"
    step index 60 "$zoek" index corpus --index index
    reported=$(grep -ciE 'duplicate|same id|already|collid|twice' index.err || true)
    lost=""
    for w in appelflap bitterbal zebra giraffe krokodil nijlpaard; do
        step "count-$w" 60 "$zoek" search --index index --count "$w"
        [ "$(count_of "count-$w.out")" -gt 0 ] || lost="$lost $w"
    done
    rm "corpus/bad$(printf '\xfe').md"
    step index-after-delete 60 "$zoek" index corpus --index index
    step count-krokodil-after 60 "$zoek" search --index index --count krokodil
    kept=$(count_of count-krokodil-after.out)
    step count-nijlpaard-after 60 "$zoek" search --index index --count nijlpaard
    gone=$(count_of count-nijlpaard-after.out)
    if [ "$reported" -gt 0 ] && [ -z "$lost" ] && [ "$kept" -gt 0 ] && [ "$gone" -eq 0 ]; then
        verdict PASS "reported; all kept; deleting bad\\xfe.md removed only its text"
    else
        verdict FAIL "reported: $([ "$reported" -gt 0 ] && echo yes || echo no); lost:${lost:- none}; after deleting bad\\xfe.md: krokodil $kept, nijlpaard $gone articles"
    fi
    cd "$root"
fi

# ---- files that fail -------------------------------------------------------------------------
if wanted failing-files; then
    fresh failing-files
    ok_article
    : >corpus/empty.md
    head -c 4096 /dev/urandom >corpus/binary.txt
    printf '{kapot\nook kapot\n' >corpus/allbad.jsonl
    step index-1 60 "$zoek" index corpus --index index
    step index-2 60 "$zoek" index corpus --index index
    second=$(files_line index-2.err)
    if [[ "$second" == "files: 0 added, 0 updated, 0 removed"* ]]; then
        verdict PASS "second run: $second"
    else
        verdict FAIL "second run re-reads them: $second"
    fi
    cd "$root"
fi

# ---- title-only records and an integer date --------------------------------------------------
if wanted empty-bodies; then
    fresh empty-bodies
    python3 - >corpus/titles.jsonl <<'PY'
import json
for i in range(40):
    print(json.dumps({"id": f"t{i}", "title": f"Zeehonden gespot bij pier {i}", "body": ""}))
print(json.dumps({"id": "intdate", "title": "Walvis", "date": 20190312, "body": "Een walvis strandde op het strand."}))
PY
    step index 60 "$zoek" index corpus --index index
    step count-title 60 "$zoek" search --index index --count zeehonden
    titled=$(count_of count-title.out)
    step count-intdate 60 "$zoek" search --index index --count walvis
    intdate=$(count_of count-intdate.out)
    if [ "$titled" -eq 40 ] && [ "$intdate" -eq 1 ] && ! grep -q "failed" index.err; then
        verdict PASS "40 title-only articles found; integer-date record indexed"
    else
        verdict FAIL "title-only articles found: $titled of 40; integer-date record found: $intdate; $(grep -o 'failed [0-9]* files or records' index.err || echo 'no failures')"
    fi
    cd "$root"
fi

# ---- appending one record to a 27 MB JSON Lines file -----------------------------------------
if wanted append-27mb; then
    fresh append-27mb
    $files dpg corpus/archive.jsonl 1438 8
    size=$(du -m corpus/archive.jsonl | cut -f1)
    for run in 1 2 3; do
        step "full-$run" 300 "$zoek" index corpus --index index --rebuild
        printf '{"id": "extra-%s", "title": "Nieuw", "body": "Een nieuw bericht over de gemeente, nummer %s."}\n' \
            "$run" "$run" >>corpus/archive.jsonl
        step "append-$run" 300 "$zoek" index corpus --index index
    done
    ratio=$(python3 - <<'PY'
import statistics
t = lambda n: float(open(n + ".time").read().split()[-2])
full = statistics.median(t(f"full-{r}") for r in (1, 2, 3))
app = statistics.median(t(f"append-{r}") for r in (1, 2, 3))
print(f"{app / full:.3f} {full:.2f} {app:.2f}")
PY
)
    read -r r full app <<<"$ratio"
    if python3 -c "import sys; sys.exit(0 if $r <= 0.05 else 1)"; then
        verdict PASS "append ${app} s = ${r} x full ${full} s (medians of 3, ${size} MB, $(wc -l <corpus/archive.jsonl) records)"
    else
        verdict FAIL "append ${app} s = ${r} x full ${full} s (medians of 3, ${size} MB, $(wc -l <corpus/archive.jsonl) records); target <= 0.05"
    fi
    rm -rf corpus index
    cd "$root"
fi

# ---- the lock --------------------------------------------------------------------------------
if wanted lock; then
    n=100000
    [ -n "$quick" ] && n=20000
    source_corpus=$(bash bench/synth-corpus.sh "$n" files)
    fresh lock
    rmdir corpus
    ln -s "$root/$source_corpus" corpus
    ( step index-1 600 "$zoek" index corpus --index index ) &
    first=$!
    sleep 0.2
    step index-2-at-0.2s 120 "$zoek" index corpus --index index
    a="exit $rc after ${secs} s"
    a_refused=$(grep -c "being updated by another process" index-2-at-0.2s.err || true)
    a_secs=$secs
    sleep 3
    b_refused=0
    b_secs=
    if kill -0 "$first" 2>/dev/null; then
        step index-3-at-3s 120 "$zoek" index corpus --index index
        b="exit $rc after ${secs} s"
        b_refused=$(grep -c "being updated by another process" index-3-at-3s.err || true)
        b_secs=$secs
    else
        b="not run (the first had ended)"
    fi
    wait "$first" || true
    if [ "$a_refused" -gt 0 ] && python3 -c "import sys; sys.exit(0 if $a_secs <= 1 else 1)" &&
        { [ -z "$b_secs" ] || { [ "$b_refused" -gt 0 ] && python3 -c "import sys; sys.exit(0 if $b_secs <= 1 else 1)"; }; }; then
        verdict PASS "refused within 1 s: started at 0.2 s: $a; at 3.2 s: $b ($n files)"
    else
        verdict FAIL "target: refused within 1 s; started at 0.2 s: $a, refused: $a_refused; at 3.2 s: $b, refused: $b_refused ($n files)"
    fi
    rm -rf index
    cd "$root"
fi

# ---- the table -------------------------------------------------------------------------------
ended=$(date +%s)
echo "hostile: disk after: $(df -h /work | tail -n 1)" >&2
python3 - "$results" "$verdicts" "$zoek" $((ended - started)) "${quick:+quick}" <<'PY' | tee "$work/table.txt"
import csv, sys
results, verdicts, zoek, took, quick = sys.argv[1:6]
read = lambda p: list(csv.DictReader(open(p, encoding="utf-8", errors="replace"), delimiter="\t",
                                     quoting=csv.QUOTE_NONE))
steps, verdict = read(results), read(verdicts)
order = []
for r in steps + verdict:
    if r["case"] not in order:
        order.append(r["case"])
v = {}
for r in verdict:
    v.setdefault(r["case"], []).append(r)
print(f"zoek hostile-corpus benchmark: {zoek}{' (quick)' if quick else ''}; took {took} s")
print(f"{'case / step':<28} {'exit':>4} {'s':>7} {'MB':>6}  summary (stderr, shortened)")
passed = failed = 0
for case in order:
    if case not in v:
        print(f"{case:<22} (set-up of the cases below)")
    for r in v.get(case, []):
        passed += r["verdict"] == "PASS"
        failed += r["verdict"] != "PASS"
        print(f"{case:<22} {r['verdict']:<5} {r['why']}")
    for r in steps:
        if r["case"] == case:
            flag = "" if r["panic"] == "0" else " TIMEOUT" if r["panic"] == "timeout" else " CRASH"
            print(f"  {r['step']:<26} {r['exit']:>4} {float(r['seconds']):>7.2f} {r['rss_mb']:>6}  "
                  f"{(flag + ' ' if flag else '')}{r['summary'][:150]}")
print(f"{passed} PASS, {failed} FAIL")
sys.exit(1 if failed else 0)
PY
