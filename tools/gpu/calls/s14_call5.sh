#!/usr/bin/env bash
# s14 call 5 (branch ntt-stage): the 16-byte staging walk by pointers, the half input's loop apart —
# test_gpu_commit, bytes (fib, keccakf 1024), the NTT shapes
OUT=${OUT:-/tmp/out}; mkdir -p $OUT
tools/gpu/session.sh build
B=build-gpu; S=$B/swirl
timeout 60 $B/test_gpu_commit > $OUT/t.log 2>&1; echo "test_gpu_commit rc=$? $(tail -1 $OUT/t.log)" | tee -a $OUT/summary.txt
for a in "fib" "keccakf --perms 1024"; do
  $S prove $a --backend cpu --out /tmp/p.cpu --quiet >/dev/null 2>&1; $S prove $a --backend cuda --out /tmp/p.cuda --quiet >/dev/null 2>&1
  echo "cmp [$a] $(cmp -s /tmp/p.cpu /tmp/p.cuda && echo same || echo DIFFER)" | tee -a $OUT/summary.txt
done
$B/bench_gpu --ntt 2>&1 | grep -E "device_copy|gpu_ntt" | tee -a $OUT/summary.txt
$S bench keccakf --backend cuda --iters 5 2>&1 | grep -E "^stark" | tee -a $OUT/summary.txt
