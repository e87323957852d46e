#!/usr/bin/env bash
# AIR systems read from directories (swirl keygen/prove/bench --system DIR) and built-ins written
# as such directories (swirl keygen AIR --dump-system DIR):
#  - OpenVM's own system (tests/vectors/openvm-v2.0.0/prove) keys, proves and verifies; with
#    OpenVM's staged parameters (l_skip 2, n_stack 8, k_whir 3) the key's pre-hash is OpenVM's;
#  - keygen -> dump -> keygen --system gives byte-identical keys (fib, interactions,
#    self-interaction, keccakf), and the dumped systems prove to the same proof bytes;
#  - every class of bad input exits 2, names the file and the position or key, and leaves no
#    output file.
# Usage: test_swirl_system.sh BUILD_DIR   (needs python3 to write the broken copies)
set -u
. "$(dirname "$0")/lib.sh"
cli_setup "$1"
command -v python3 >/dev/null || { echo "SKIP: python3 not found"; exit 77; }
here="$(cd "$(dirname "$0")" && pwd)"
V="$here/../vectors/openvm-v2.0.0/prove"
same() { # same FILE1 FILE2 WHAT
    if cmp -s "$1" "$2"; then ok "$3"; else bad "$3: $1 and $2 differ"; fi
}

cd "$tmp"
T="--security toy"

# ---- OpenVM's system: keygen, prove, verify
run 0 "wrote openvm.vk: verifying key of prove (5 AIRs" "" keygen --system "$V" --vk openvm.vk
run 0 "wrote openvm.proof: proof of prove (5 AIRs, tallest trace 64 rows" "" \
    prove --system "$V" --out openvm.proof --quiet --metrics openvm.json
run 0 "accepted" "" verify --vk openvm.vk openvm.proof
if grep -q '"trace_cells":164' openvm.json; then ok "metrics: 164 trace cells"
else bad "metrics lack the trace cells"; fi
run 0 "median" "" bench --system "$V" --iters 1 --warmup 0

# OpenVM's staged case: its vk_pre_hash (tests/vectors/openvm-v2.0.0/logup_gkr/meta.json)
# meta FILE PYTHON: edits DIR/meta.json as the dict m
meta() {
    python3 - "$1" "$2" <<'EOF'
import json, sys
path, code = sys.argv[1], sys.argv[2]
m = json.load(open(path))
exec(code)
json.dump(m, open(path, 'w'), indent=1)
EOF
}
HASH='[1779467931, 519699140, 567253257, 1211251244, 245751727, 1307612673, 1490030157, 1568020084]'
cp -r "$V" staged
meta staged/meta.json "m['params'].update(l_skip=2, n_stack=8, k_whir=3); m['num_queries'] = [10, 4, 2]; m['vk_pre_hash'] = $HASH"
run 0 "pre-hash 6a10869b1ef9fac4" "" keygen --system staged --vk staged.vk
run 0 "" "" prove --system staged --out staged.proof --quiet
run 0 "accepted" "" verify --vk staged.vk staged.proof
rc=0; "$bin" verify --vk openvm.vk staged.proof >o 2>&1 || rc=$?
if [ $rc -eq 1 ] || [ $rc -eq 2 ]; then ok "the staged proof against the other key: exit $rc"
else bad "the staged proof against the other key: exit $rc"; fi

# ---- built-ins dumped and read back: the same key bytes, the same proof bytes
for spec in "fib $T --rows 64" "interactions $T --rows 16" "self-interaction $T" "fib" \
            "keccakf --perms 16"; do
    name=$(echo "$spec" | tr ' ' '_' | tr -d -)
    run 0 "wrote d_$name: system of" "" keygen $spec --vk b_$name.vk --dump-system d_$name
    run 0 "" "" keygen --system d_$name --vk s_$name.vk
    same b_$name.vk s_$name.vk "keygen $spec: the dumped system's key is byte-identical"
done
for spec in "fib $T --rows 64" "interactions $T --rows 16"; do
    name=$(echo "$spec" | tr ' ' '_' | tr -d -)
    run 0 "" "" prove $spec --out b_$name.proof --quiet
    run 0 "" "" prove --system d_$name --out s_$name.proof --quiet
    same b_$name.proof s_$name.proof "prove $spec: the dumped system's proof is byte-identical"
    run 0 "accepted" "" verify --vk b_$name.vk s_$name.proof
done
run 0 "" "" keygen --system d_keccakf_perms_16 --dump-system redump --vk redump.vk
same b_keccakf_perms_16.vk redump.vk "a system dumped again keeps its key"
run 2 "" "exists and is not an empty directory" keygen fib --dump-system d_fib
mkdir empty_dir
run 0 "" "" keygen fib --dump-system empty_dir
[ -f empty_dir/meta.json ] && ok "dump into an empty directory" || bad "dump into an empty directory"
: >plain_file
run 2 "" "exists and is not a directory" keygen fib --dump-system plain_file
if ls | grep -q '\.tmp\.'; then bad "temporary files left: $(ls | grep '\.tmp\.')"
else ok "no temporary files left"; fi

# ---- bad input: exit 2, the file and position named, no output file
# broken NAME PYTHON: a copy of the OpenVM system in NAME, edited by PYTHON with d = the dir
broken() {
    rm -rf "$1"; cp -r "$V" "$1"
    python3 - "$1" "$2" <<'EOF'
import json, os, struct, sys
d, code = sys.argv[1], sys.argv[2]
def load(p): return json.load(open(os.path.join(d, p)))
def save(p, v): json.dump(v, open(os.path.join(d, p), 'w'), indent=1)
def npy(p, rows, descr='<u4', fortran=False, shape=None):
    shape = shape if shape is not None else (len(rows), len(rows[0]) if rows else 0)
    h = "{'descr': '%s', 'fortran_order': %s, 'shape': %s, }" % (descr, fortran, repr(tuple(shape)))
    h += ' ' * ((64 - (10 + len(h) + 1) % 64) % 64) + '\n'
    fmt = '<%dI' if descr == '<u4' else '<%dB'
    body = b''.join(struct.pack(fmt % len(r), *r) for r in rows)
    open(os.path.join(d, p), 'wb').write(b'\x93NUMPY\x01\x00' + struct.pack('<H', len(h)) + h.encode() + body)
exec(code)
EOF
}
# expect_bad NAME 'WANT1' ['WANT2']: keygen and prove of NAME exit 2 naming WANT1 (and WANT2)
expect_bad() {
    local name=$1 w1=$2 w2=${3:-}
    for cmd in keygen prove; do
        local out=$cmd.out rc=0
        rm -f "$out"
        if [ $cmd = keygen ]; then "$bin" keygen --system "$name" --vk "$out" >o 2>e || rc=$?
        else "$bin" prove --system "$name" --out "$out" --quiet >o 2>e || rc=$?; fi
        local err; err=$(cat e)
        if [ "$rc" -ne 2 ]; then bad "$cmd $name: exit $rc (want 2): $(tail -c 300 e)"
        elif [[ "$err" != *"$w1"* ]] || [[ "$err" != *"$w2"* ]]; then
            bad "$cmd $name: message lacks '$w1' / '$w2': $err"
        elif [ -e "$out" ] || ls | grep -q "^$out\.tmp"; then bad "$cmd $name: output file left"
        else ok "$cmd $name: exit 2, '${err:0:160}'"; fi
    done
}
C0=constraints_0.json C1=constraints_1.json
broken b_syntax_meta "open(os.path.join(d, 'meta.json'), 'w').write('{\"params\": {\n  \"l_skip\": 4,,\n}}')"
expect_bad b_syntax_meta "b_syntax_meta/meta.json:2:"
broken b_syntax_dag "open(os.path.join(d, 'inputs/$C1'), 'w').write('{\"nodes\": [\n {\"kind\": \"add\" \"left\": 0}]}')"
expect_bad b_syntax_dag "inputs/$C1:2:"
broken b_missing_meta "os.remove(os.path.join(d, 'meta.json'))"
expect_bad b_missing_meta "b_missing_meta/meta.json"
broken b_missing_dag "os.remove(os.path.join(d, 'inputs/$C1'))"
expect_bad b_missing_dag "inputs/$C1"
broken b_missing_trace "os.remove(os.path.join(d, 'inputs/trace_2.npy'))"
expect_bad b_missing_trace "inputs/trace_2.npy"
broken b_kind "c = load('inputs/$C1'); c['nodes'][0]['kind'] = 'pow'; save('inputs/$C1', c)"
expect_bad b_kind "inputs/$C1: nodes[0].kind: unknown node kind \"pow\""
broken b_node_key "c = load('inputs/$C0'); c['nodes'][0]['weight'] = 1; save('inputs/$C0', c)"
expect_bad b_node_key "inputs/$C0: nodes[0]: unknown key \"weight\""
broken b_meta_key "m = load('meta.json'); m['params']['l_skipp'] = 2; save('meta.json', m)"
expect_bad b_meta_key "meta.json: params: unknown key \"l_skipp\""
broken b_air_key "m = load('meta.json'); m['airs'][1]['colour'] = 2; save('meta.json', m)"
expect_bad b_air_key "meta.json: airs[1]: unknown key \"colour\""
broken b_forward "c = load('inputs/$C0'); c['nodes'][3]['right'] = 7; save('inputs/$C0', c)"
expect_bad b_forward "inputs/$C0: nodes[3].right: node 7 is not an earlier node"
broken b_range "c = load('inputs/$C0'); c['constraint_idx'][4] = 999; save('inputs/$C0', c)"
expect_bad b_range "inputs/$C0: constraint_idx[4]"
broken b_msg_ref "c = load('inputs/$C1'); c['interactions'][0]['message'] = [5]; save('inputs/$C1', c)"
expect_bad b_msg_ref "inputs/$C1: interactions[0].message[0]"
broken b_column "c = load('inputs/$C0'); c['nodes'][1]['index'] = 2; save('inputs/$C0', c)"
expect_bad b_column "inputs/$C0: nodes[1].index: main column 2 is out of range"
broken b_public "c = load('inputs/$C0'); c['nodes'][2]['index'] = 3; save('inputs/$C0', c)"
expect_bad b_public "inputs/$C0: nodes[2].index: public value 3 is out of range"
broken b_prep "c = load('inputs/$C0'); c['nodes'][1]['entry'] = 'preprocessed'; save('inputs/$C0', c)"
expect_bad b_prep "inputs/$C0: nodes[1].entry" "not supported in system files"
broken b_part "c = load('inputs/$C0'); c['nodes'][1]['part_index'] = 1; save('inputs/$C0', c)"
expect_bad b_part "inputs/$C0: nodes[1].part_index" "not supported in system files"
broken b_const "c = load('inputs/$C0'); c['nodes'][0] = {'kind': 'constant', 'value': 2013265921}; save('inputs/$C0', c)"
expect_bad b_const "inputs/$C0: nodes[0].value"
broken b_degree "m = load('meta.json'); m['params']['max_constraint_degree'] = 1; save('meta.json', m)"
expect_bad b_degree "inputs/$C0: constraint_idx[0]: node 4 has degree 2 > max_constraint_degree 1"
broken b_width "npy('inputs/trace_0.npy', [[1]] * 64)"
expect_bad b_width "inputs/$C0: nodes[5].index: main column 1 is out of range (the trace has 1 columns)"
broken b_meta_width "m = load('meta.json'); m['airs'][1]['width'] = 3; save('meta.json', m)"
# keygen takes the width from meta.json without reading the trace: prove only
rm -f w.proof; rc=0; "$bin" prove --system b_meta_width --out w.proof --quiet >o 2>e || rc=$?
if [ $rc -eq 2 ] && grep -q "inputs/trace_1.npy: shape (4, 2): width 2 does not fit the AIR (width 3 in meta.json)" e && [ ! -e w.proof ]
then ok "prove b_meta_width: exit 2, $(head -c 160 e)"; else bad "prove b_meta_width: exit $rc, $(cat e)"; fi
broken b_height "npy('inputs/trace_0.npy', [[0, 1]] * 48)"
expect_bad b_height "inputs/trace_0.npy: shape (48, 2): the height must be a power of two"
broken b_tall "m = load('meta.json'); m['params'].update(l_skip=1, n_stack=4, k_whir=1); m['num_queries'] = [1] * 5; m['num_whir_rounds'] = 5; save('meta.json', m)"
expect_bad b_tall "inputs/trace_0.npy: shape (64, 2): the height must be a power of two from 1 to 2^(l_skip + n_stack) = 32"
broken b_value "npy('inputs/trace_1.npy', [[1, 2], [3, 2013265921], [0, 0], [0, 0]])"
expect_bad b_value "inputs/trace_1.npy: row 1, column 1: value 2013265921 is not below p"
broken b_dtype "npy('inputs/trace_1.npy', [[1, 2]] * 4, descr='|u1')"
expect_bad b_dtype "inputs/trace_1.npy: dtype must be '<u4'"
broken b_fortran "npy('inputs/trace_1.npy', [[1, 2]] * 4, fortran=True)"
expect_bad b_fortran "inputs/trace_1.npy"
broken b_shape "npy('inputs/trace_1.npy', [[1, 2, 3, 4, 5, 6, 7, 8]], shape=(8,))"
expect_bad b_shape "inputs/trace_1.npy: shape must be (height, width)"
broken b_pv "m = load('meta.json'); m['airs'][0]['public_values'][2] = 2013265921; save('meta.json', m)"
expect_bad b_pv "meta.json: airs[0].public_values[2]"
broken b_queries "m = load('meta.json'); m['num_queries'] = [10, 3]; save('meta.json', m)"
expect_bad b_queries "meta.json: num_queries: 2 WHIR rounds, but" "make 3 rounds"
broken b_rounds "m = load('meta.json'); m['num_whir_rounds'] = 4; save('meta.json', m)"
expect_bad b_rounds "meta.json: num_whir_rounds: 4"
broken b_sorted "m = load('meta.json'); m['sorted_airs'] = [0, 1, 2, 3, 4]; save('meta.json', m)"
# keygen reads no sorted_airs (its check needs the traces): prove only
rm -f s.proof; rc=0; "$bin" prove --system b_sorted --out s.proof --quiet >o 2>e || rc=$?
if [ $rc -eq 2 ] && grep -q "meta.json: sorted_airs: expected \[0, 1, 2, 3, 4\], but the trace heights give \[0, 2, 1, 3, 4\]" e && [ ! -e s.proof ]
then ok "prove b_sorted: exit 2, $(head -c 160 e)"; else bad "prove b_sorted: exit $rc, $(cat e)"; fi
broken b_prehash "m = load('meta.json'); m['vk_pre_hash'] = [1, 2, 3, 4, 5, 6, 7, 8]; save('meta.json', m)"
expect_bad b_prehash "meta.json: vk_pre_hash: expected [1, 2, 3, 4, 5, 6, 7, 8], the key has [" 
broken b_needs_next "m = load('meta.json'); m['airs'][0]['needs_next'] = False; save('meta.json', m)"
expect_bad b_needs_next "meta.json: airs[0].needs_next: expected false, the key has true"
broken b_cdeg "m = load('meta.json'); m['airs'][1]['constraint_degree'] = 2; save('meta.json', m)"
expect_bad b_cdeg "meta.json: airs[1].constraint_degree: expected 2, the key has 1"
broken b_prox "m = load('meta.json'); m['params']['whir_proximity'] = {'kind': 'johnson'}; save('meta.json', m)"
expect_bad b_prox "meta.json: params.whir_proximity.kind: unknown proximity strategy \"johnson\""
broken b_empty "c = load('inputs/$C1'); c['interactions'] = []; save('inputs/$C1', c)"
expect_bad b_empty "inputs/$C1: an AIR needs at least one constraint or interaction"
broken b_msg_len "c = load('inputs/$C1'); c['interactions'][0]['message'] = []; save('inputs/$C1', c)"
expect_bad b_msg_len "inputs/$C1: interactions[0].message: 0 fields"
broken b_unbalanced "npy('inputs/trace_1.npy', [[1, 5], [0, 0], [0, 0], [0, 0]])"
rm -f u.proof; rc=0; "$bin" prove --system b_unbalanced --out u.proof --quiet >o 2>e || rc=$?
if [ $rc -eq 1 ] && grep -q "do not balance their interactions" e && [ ! -e u.proof ]; then ok "prove of unbalanced interactions: exit 1, $(head -c 200 e)"
else bad "prove b_unbalanced: exit $rc, $(cat e)"; fi
broken b_unsat "npy('inputs/trace_0.npy', [[0, 1]] * 64)"
rm -f u.proof; rc=0; "$bin" prove --system b_unsat --out u.proof --quiet >o 2>e || rc=$?
if [ $rc -eq 1 ] && grep -q "b_unsat/inputs/trace_0.npy does not satisfy its AIR" e && [ ! -e u.proof ]; then ok "prove of a trace that violates its AIR: exit 1, $(head -c 160 e)"
else bad "prove b_unsat: exit $rc, $(cat e)"; fi
run 0 "wrote u.proof" "" prove --system b_unsat --out u.proof --quiet --no-check
run 1 "rejected" "" verify --vk openvm.vk u.proof
broken b_type "m = load('meta.json'); m['params']['n_stack'] = '8'; save('meta.json', m)"
expect_bad b_type "meta.json: params.n_stack: expected an integer"

# usage
run 2 "" "keygen needs an AIR and --vk VK_FILE (or --system DIR" keygen fib --system "$V" --vk k.vk
run 2 "" "prove needs an AIR and --out PROOF_FILE (or --system DIR and --out)" prove --system "$V"
run 2 "" "prove needs an AIR and --out PROOF_FILE (or --system DIR and --out)" prove --system "$V" --out p --dump-system x
run 0 "--dump-system" "" keygen --help

echo "$pass passed, $fail failed, 0 skipped"
[ "$fail" -eq 0 ]
