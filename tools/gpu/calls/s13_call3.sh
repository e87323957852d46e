#!/usr/bin/env bash
# s13 call 3: NTT pass kernels at 3 blocks an SM (SWIRL_NTT_MINB=3) against 2, with and without
# the fused kernel; their tests and bytes; keccakf / prod A/B; then the scaling table with the
# better of the two for keccakf
OUT=${OUT:-/tmp/out}; mkdir -p $OUT
tools/gpu/session.sh build
B=build-gpu; S=$B/swirl
for r in 1; do for V in M=2 M=3 F=2,LAG=2,M=2 F=2,LAG=2,M=3; do
  e=$(echo $V | sed 's/F=/SWIRL_NTT_FUSE=/; s/LAG=/SWIRL_NTT_FUSE_LAG=/; s/M=/SWIRL_NTT_MINB=/' | tr ',' ' ')
  env $e $B/bench_gpu --ntt 2>&1 | grep -E "gpu_ntt" | sed "s/^/$V ($r) /" | tee -a $OUT/summary.txt
done; done
ctest --test-dir $B -R "test_gpu_commit$|test_gpu_commit_ntt_minb3|test_gpu_whir" --output-on-failure --timeout 300 > $OUT/gpu_tests.log 2>&1
echo "gpu tests (commit, commit_ntt_minb3, whir) rc=$? $(grep -E 'tests passed' $OUT/gpu_tests.log)" | tee -a $OUT/summary.txt
SWIRL_NTT_MINB=3 $B/test_gpu_commit > /tmp/m3.log 2>&1; echo "test_gpu_commit MINB=3 rc=$? $(tail -1 /tmp/m3.log)" | tee -a $OUT/summary.txt
SWIRL_NTT_MINB=3 $B/test_gpu_whir > /tmp/m3w.log 2>&1; echo "test_gpu_whir MINB=3 rc=$? $(tail -1 /tmp/m3w.log)" | tee -a $OUT/summary.txt
d=/tmp/cmp3; mkdir -p $d
$S prove keccakf --perms 1024 --backend cpu --out $d/k.cpu --quiet; $S prove --system .debs/prod20 --backend cpu --out $d/p.cpu --quiet
for V in M=3; do
  e=$(echo $V | sed 's/F=/SWIRL_NTT_FUSE=/; s/LAG=/SWIRL_NTT_FUSE_LAG=/; s/M=/SWIRL_NTT_MINB=/' | tr ',' ' ')
  env $e $S prove keccakf --perms 1024 --backend cuda --out $d/k.cuda --quiet; a=$(cmp -s $d/k.cpu $d/k.cuda && echo same || echo DIFFER)
  env $e $S prove --system .debs/prod20 --backend cuda --out $d/p.cuda --quiet; b=$(cmp -s $d/p.cpu $d/p.cuda && echo same || echo DIFFER)
  echo "cmp $V keccakf1024 $a prod $b" | tee -a $OUT/summary.txt
done
for r in 1 2; do for M in 2 3; do
  SWIRL_NTT_MINB=$M $S bench keccakf --backend cuda --iters 5 2>&1 | grep -E "^stark|^prover.main" | sed "s/^/M=$M ($r) /" | tee -a $OUT/summary.txt
  SWIRL_NTT_MINB=$M $S bench --system .debs/prod20 --backend cuda --iters 5 2>&1 | grep -E "^stark" | sed "s/^/M=$M prod ($r) /" | tee -a $OUT/summary.txt
done; done
best=$(python3 - $OUT/summary.txt <<'PY'
import re, sys
t = {"2": [], "3": []}
for l in open(sys.argv[1]):
    m = re.match(r"M=(\d) \(\d\) stark_prove_excluding_trace\s+([\d.]+)", l)
    if m: t[m.group(1)].append(float(m.group(2)))
print("3" if sum(t["3"]) < sum(t["2"]) else "2")
PY
)
echo "scaling with SWIRL_NTT_MINB=$best" | tee -a $OUT/summary.txt
SWIRL_NTT_MINB=$best timeout 180 python3 tools/scaling.py --swirl $S --out $OUT/scaling --backend cuda --iters 2 \
  --fib-script .debs/fib_shim.py --fib-logs 14,16,18,20 > $OUT/scaling.log 2>&1
echo "scaling rc=$?" | tee -a $OUT/summary.txt; cat $OUT/scaling/scaling.md >> $OUT/summary.txt 2>/dev/null
rm -rf $OUT/scaling/fib_*/ 2>/dev/null
tools/gpu/session.sh pack
