#!/usr/bin/env bash
# s12 call 6 (final): the prod system's bytes and bench, sanitizers on the changed stages, final bench
OUT=${OUT:-/tmp/out}; mkdir -p $OUT
tools/gpu/session.sh build prod
S=build-gpu/swirl
$S bench keccakf --backend cuda --iters 7 --metrics $OUT/keccakf_final.json > $OUT/bench_keccakf.log 2>&1
grep -E "^stark|^prover|_host" $OUT/bench_keccakf.log | sed "s/^/final /" | tee -a $OUT/summary.txt
python3 - $OUT/keccakf_final.json <<'P' | tee -a $OUT/summary.txt
import json,sys
d=json.load(open(sys.argv[1]))
for g in d['gpu_stages_last_run']: print("stage %-45s kernels %4d syncs %d gpu %.3f ms"%(g['stage'],g['kernel_count'],g['sync_count'],g['gpu_ms']))
print("peak_device_bytes", d['peak_device_bytes'])
P
export SWIRL_SANITIZED=1
for t in openings whir; do for tool in memcheck racecheck; do
  timeout 200 compute-sanitizer --tool $tool --error-exitcode 9 build-gpu/test_gpu_$t > $OUT/san_${t}_$tool.log 2>&1
  echo "compute-sanitizer $tool test_gpu_$t rc=$? $(grep -E 'ERROR SUMMARY|RACECHECK SUMMARY' $OUT/san_${t}_$tool.log | tail -1)" | tee -a $OUT/summary.txt
done; done
timeout 240 compute-sanitizer --tool racecheck --error-exitcode 9 $S prove keccakf --perms 16 --backend cuda --out /tmp/san.proof --quiet > $OUT/san_keccak16_racecheck.log 2>&1
echo "racecheck keccakf 16 rc=$? $(grep -E 'RACECHECK SUMMARY' $OUT/san_keccak16_racecheck.log | tail -1)" | tee -a $OUT/summary.txt
tools/gpu/session.sh pack
