#!/usr/bin/env bash
# Nothing lost on failure: the swirl program writes proofs, keys and metrics through a temporary file
# and a rename, so a failed or interrupted run never leaves a partial file under the target name and
# an existing file is replaced only on success.
# Usage: test_swirl_atomic.sh BUILD_DIR
set -u
bin="$(cd "$1" 2>/dev/null && pwd)/swirl"
[ -x "$bin" ] || { echo "SKIP: $bin not built"; exit 77; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$tmp" || exit 1
pass=0 fail=0
check() { # check NAME COMMAND...
    local name=$1; shift
    if "$@"; then echo "ok   $name"; pass=$((pass + 1)); else echo "FAIL $name"; fail=$((fail + 1)); fi
}
no_temp_left() { ! ls -a | grep -q '\.tmp\.'; }
T="--security toy"

# a good run replaces the existing file
echo "old proof" > p.bin; cp p.bin p.orig
"$bin" prove fib $T --rows 16 --out p.bin --metrics m.json --quiet >/dev/null 2>&1
replaced() { ! cmp -s p.bin p.orig; }
check "a successful prove replaces the file" replaced
check "its metrics are complete JSON" python3 -c 'import json,sys; json.load(open("m.json"))'
cp p.bin good.bin; cp m.json m.orig

# failed runs leave existing files as they were, and no temporary file behind
"$bin" prove fib $T --rows 7 --out p.bin --metrics m.json --quiet >/dev/null 2>&1; rc=$?
check "bad input: exit 2" test "$rc" -eq 2
check "bad input: the proof file survives" cmp -s p.bin good.bin
check "bad input: the metrics file survives" cmp -s m.json m.orig
"$bin" keygen fib $T --vk k.vk >/dev/null 2>&1; cp k.vk k.orig
"$bin" keygen nosuchair --vk k.vk >/dev/null 2>&1; rc=$?
check "failed keygen: exit 2, the key survives" test "$rc" -eq 2 -a -n "$(cmp k.vk k.orig && echo same)"
"$bin" prove fib $T --rows 16 --out nosuchdir/p.bin >/dev/null 2>&1; rc=$?
check "unwritable target: exit 2" test "$rc" -eq 2
check "unwritable target: nothing written" test ! -e nosuchdir
check "no temporary file left" no_temp_left

# an interrupted run: the target keeps its old content (the temporary file is written only after
# proving, and renamed over the target only once it is complete)
cp good.bin q.bin
"$bin" prove keccakf --perms 64 --out q.bin --metrics q.json --quiet >/dev/null 2>&1 &
pid=$!
sleep 2
kill -INT "$pid" 2>/dev/null; kill -TERM "$pid" 2>/dev/null; wait "$pid" 2>/dev/null
check "interrupted prove: the proof file keeps its old content" cmp -s q.bin good.bin
check "interrupted prove: no metrics file" test ! -e q.json
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
