#!/usr/bin/env bash
# swirl report: a real metrics file (swirl prove --metrics) drawn as SVG — well-formed, with the
# spans it must contain; older metrics without start times still draw; bad input is exit 2 with no
# output file.
# Usage: test_swirl_report.sh BUILD_DIR
set -u
bin="$1/swirl"
[ -x "$bin" ] || { echo "SKIP: $bin not built"; exit 77; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0
check() { # check NAME COMMAND...
    local name=$1; shift
    if "$@"; then echo "ok   $name"; pass=$((pass + 1)); else echo "FAIL $name"; fail=$((fail + 1)); fi
}
svg_has() { # svg_has FILE SPAN...
    local f=$1; shift
    python3 - "$f" "$@" <<'PY'
import sys, xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
titles = [t.text or '' for t in root.iter('{http://www.w3.org/2000/svg}title')]
missing = [s for s in sys.argv[2:] if not any(t.startswith(s + ':') for t in titles)]
if missing:
    print('missing spans:', missing); sys.exit(1)
PY
}
"$bin" prove fib --security toy --rows 16 --out "$tmp/p" --metrics "$tmp/m.json" --quiet >/dev/null 2>&1
check "prove --metrics writes the metrics" test -s "$tmp/m.json"
check "report exits 0" "$bin" report "$tmp/m.json" --svg "$tmp/m.svg"
check "the SVG is well-formed and has OpenVM's spans" svg_has "$tmp/m.svg" stark_prove_excluding_trace \
    prover.main_trace_commit stacked_commit rs_code_matrix merkle_tree prover.rap_constraints \
    prover.rap_constraints.round0 prover.openings prover.openings.stacked_reduction prover.openings.whir
# a metrics file without start_ms (older format) still draws
python3 - "$tmp/m.json" "$tmp/old.json" <<'PY'
import json, sys
m = json.load(open(sys.argv[1]))
for s in m['spans']:
    s.pop('start_ms', None)
m['gpu_stages'] = [{'name': 'stacked_commit', 'kernels': 32, 'syncs': 1, 'gpu_ms': 17.1}]
json.dump(m, open(sys.argv[2], 'w'))
PY
check "report draws old metrics and a GPU stage trace" "$bin" report "$tmp/old.json" --svg "$tmp/old.svg"
check "the GPU stage is in the SVG" grep -q "stacked_commit: 32 kernels, 1 syncs" "$tmp/old.svg"
# bad input: exit 2, nothing written
echo '{"spans": [' > "$tmp/bad.json"
"$bin" report "$tmp/bad.json" --svg "$tmp/bad.svg" >/dev/null 2>&1; rc=$?
check "syntax error: exit 2" test "$rc" -eq 2
check "syntax error: no output" test ! -e "$tmp/bad.svg"
echo '{"air": "x"}' > "$tmp/nospans.json"
"$bin" report "$tmp/nospans.json" --svg "$tmp/n.svg" >/dev/null 2>&1; rc=$?
check "no spans: exit 2" test "$rc" -eq 2
"$bin" report "$tmp/missing.json" --svg "$tmp/n.svg" >/dev/null 2>&1; rc=$?
check "missing file: exit 2" test "$rc" -eq 2
"$bin" report "$tmp/m.json" >/dev/null 2>&1; rc=$?
check "no --svg: exit 2" test "$rc" -eq 2
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
