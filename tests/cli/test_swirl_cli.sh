#!/usr/bin/env bash
# The `swirl` program's contract (README "The swirl command"): keygen / prove / verify / inspect /
# bench on built-in AIR sets with the toy parameters (fast), exit codes 0 ok / 1 rejected / 2
# malformed or bad input, one verdict line on stdout from verify, metrics JSON, and refusals of
# bad flags, missing files, corrupt and truncated proofs, and a proof checked against another key.
# Usage: test_swirl_cli.sh BUILD_DIR
set -u
src_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
. "$(dirname "$0")/lib.sh"
cli_setup "$1"
# flip byte N of FILE into NEW (xor 0x01)
flip() {
    local file=$1 n=$2 new=$3 b
    cp "$file" "$new"
    b=$(od -An -tu1 -j "$n" -N1 "$file" | tr -d ' ')
    printf "$(printf '\\%03o' $(( b ^ 1 )))" | dd of="$new" bs=1 seek="$n" conv=notrunc status=none
}

cd "$tmp"
T="--security toy"

# help and usage
run 0 "keygen AIR --vk" "" --help
run 0 "usage: swirl prove" "" prove --help
run 0 "usage: swirl verify" "" verify --help
run 2 "" "no command"
run 2 "" "unknown command 'frobnicate'" frobnicate
run 2 "" "unknown option --bogus" prove fib --bogus 1 --out p
run 2 "" "unknown option --bogus" prove fib --out p --bogus
run 2 "" "needs a value" prove fib --out
run 2 "" "prove needs an AIR and --out" prove fib
run 2 "" "unknown AIR 'nope'" keygen nope --vk k
run 2 "" "--rows takes a power of two" prove fib $T --rows 12 --out p
run 2 "" "non-negative integer" prove fib $T --rows -4 --out p
run 2 "" "--security takes 100 or toy" keygen fib --security 7 --vk k
run 2 "" "unknown backend 'metal'" prove fib $T --backend metal --out p
run 2 "" "from 1 to 1024" prove keccakf $T --perms 2000 --out p
run 2 "" "from 1 to 1024, not 0" prove keccakf $T --perms 0 --out p
run 2 "" "--rows takes a power of two from 2 to" prove fib $T --rows 0 --out p
if [ -e p ]; then bad "a refused prove left an output file"; else ok "no output file after refusals"; fi
run 2 "" "cannot open" prove keccakf $T --inputs "$tmp/missing.txt" --out p
printf '1 2 3\n' >bad_inputs.txt
run 2 "" "line 1" prove keccakf $T --inputs bad_inputs.txt --out p

# keygen, prove, verify
run 0 "wrote fib.vk" "" keygen fib $T --vk fib.vk
run 0 "wrote fib.proof" "stark_prove_excluding_trace" prove fib $T --rows 64 --threads 1 \
    --out fib.proof --metrics fib.json
run 0 "accepted" "" verify --vk fib.vk fib.proof
for key in '"proof_bytes":' '"trace_cells":128' '"name":"stark_prove_excluding_trace"' \
           '"name":"prover.rap_constraints"' '"name":"rs_code_matrix"' '"l_skip":2' \
           '"gpu_stages":\[' '"peak_device_bytes":'; do
    if grep -q "$key" fib.json; then ok "metrics has $key"; else bad "metrics lacks $key"; fi
done
size=$(stat -c %s fib.proof)
if grep -q "\"proof_bytes\":$size," fib.json; then ok "metrics proof_bytes = file size $size";
else bad "metrics proof_bytes differs from the file size $size"; fi

# the same proof bytes for 1 and 2 threads
run 0 "" "" prove fib $T --rows 64 --threads 2 --out fib2.proof --quiet
if cmp -s fib.proof fib2.proof; then ok "proof bytes equal for 1 and 2 threads"
else bad "proof bytes differ between 1 and 2 threads"; fi

# several AIRs of different heights, a bus between them; keccakf from an inputs file
run 0 "" "" keygen interactions $T --vk inter.vk
run 0 "" "" prove interactions $T --rows 16 --out inter.proof --quiet
run 0 "accepted" "" verify --vk inter.vk inter.proof
run 0 "" "" keygen self-interaction $T --vk self.vk
for rows in 2 8 128; do
    run 0 "" "" prove self-interaction $T --rows $rows --out self.proof --quiet
    run 0 "accepted" "" verify --vk self.vk self.proof
done
printf '# one permutation: the zero state\n%s\n' "$(printf '0 %.0s' $(seq 25))" >zero.txt
run 0 "" "" keygen keccakf $T --vk keccak.vk
run 0 "1 permutation, trace 32 x 2633" "" prove keccakf $T --inputs zero.txt --out keccak.proof --quiet
run 0 "accepted" "" verify --vk keccak.vk keccak.proof

# refusals: missing files, wrong key, corrupt and truncated proofs
run 2 "malformed" "cannot open" verify --vk fib.vk missing.proof
run 2 "malformed" "" verify --vk fib.proof fib.proof
run 2 "" "verify needs --vk" verify fib.proof
wrong_rc=0
"$bin" verify --vk inter.vk fib.proof >out 2>&1 || wrong_rc=$?
if [ "$wrong_rc" -eq 1 ] || [ "$wrong_rc" -eq 2 ]; then ok "fib proof against the interactions key: exit $wrong_rc"
else bad "fib proof against the interactions key: exit $wrong_rc"; fi
run 0 "" "" keygen fib --vk fib100.vk
wrong_rc=0
"$bin" verify --vk fib100.vk fib.proof >out 2>&1 || wrong_rc=$?
if [ "$wrong_rc" -eq 1 ] || [ "$wrong_rc" -eq 2 ]; then ok "toy proof against the 100-bit key: exit $wrong_rc"
else bad "toy proof against the 100-bit key: exit $wrong_rc"; fi
head -c $((size - 1)) fib.proof >trunc.proof
run 2 "malformed" "" verify --vk fib.vk trunc.proof
: >empty.proof
run 2 "malformed" "" verify --vk fib.vk empty.proof
cp fib.proof long.proof; printf '\0' >>long.proof
run 2 "malformed" "" verify --vk fib.vk long.proof
# byte changes across the file: header, GKR, batch, stacking, WHIR and the last byte
for n in 0 4 40 60 100 200 400 $((size / 2)) $((size * 3 / 4)) $((size - 1)); do
    flip fib.proof "$n" flip.proof
    rc=0; "$bin" verify --vk fib.vk flip.proof >out 2>&1 || rc=$?
    verdict=$(head -c 9 out)
    if { [ "$rc" -eq 1 ] && [ "$verdict" = "rejected:" ]; } ||
       { [ "$rc" -eq 2 ] && [ "$verdict" = "malformed" ]; }; then ok "byte $n flipped: exit $rc"
    else bad "byte $n flipped: exit $rc, '$(cat out)'"; fi
done

# inspect
run 0 "gkr_proof" "" inspect fib.proof
run 0 "AIR 0: log height 6" "" inspect fib.proof
run 0 "l_skip 2, n_stack 14" "" inspect fib.proof
run 0 "decodes against the key" "" inspect fib.proof --vk fib.vk
run 2 "malformed" "" inspect trunc.proof
run 2 "" "cannot open" inspect missing.proof

# bench
run 0 "median" "" bench fib $T --rows 32 --iters 2 --warmup 0 --metrics bench.json
if grep -q '"stark_prove_excluding_trace":{"median_ms":' bench.json &&
   grep -q '"peak_device_bytes":' bench.json; then ok "bench metrics"
else bad "bench metrics lack the median"; fi

# the CUDA backend: proves when there is a device, else a clear refusal (exit 1)
rc=0; "$bin" prove fib $T --rows 64 --backend cuda --out gpu.proof --quiet >out 2>err || rc=$?
if [ "$rc" -eq 0 ]; then
    if cmp -s fib.proof gpu.proof; then ok "--backend cuda: same proof bytes as the CPU"
    else bad "--backend cuda: proof bytes differ from the CPU's"; fi
elif [ "$rc" -eq 1 ] && grep -q -i "cuda" err; then ok "--backend cuda without a device: exit 1 ($(head -c 80 err))"
else bad "--backend cuda: exit $rc, $(cat err)"; fi

# the program is a user of the public API: it includes no header of src/ (CMake also gives it no
# private include path)
priv=$(grep -h '^#include "' "$src_dir"/tools/swirl/*.c "$src_dir"/tools/swirl/*.h |
       grep -v -e '"cli.h"' -e '"swirl/' || true)
if [ ! -f "$src_dir/tools/swirl/main.c" ]; then bad "tools/swirl not found from $src_dir"
elif [ -z "$priv" ]; then ok "tools/swirl includes public headers only"
else bad "tools/swirl includes private headers: $priv"; fi

echo "$pass passed, $fail failed, 0 skipped"
[ "$fail" -eq 0 ]
