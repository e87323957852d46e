#!/usr/bin/env bash
# s15 call 3 (final code; the longer call 2 never started — trimmed to the device time left):
# test_gpu_commit, memcheck of the sweep, bytes (fib, keccakf 1024), keccakf bench, all GPU tests.
OUT=${OUT:-/tmp/out}; mkdir -p $OUT
tools/gpu/session.sh build
B=build-gpu; S=$B/swirl
timeout 60 $B/test_gpu_commit > $OUT/t.log 2>&1; echo "test_gpu_commit rc=$? $(tail -1 $OUT/t.log)" | tee -a $OUT/summary.txt
timeout 40 compute-sanitizer --tool memcheck $B/bench_gpu --sweep-shape 20 2 1 > $OUT/mc.log 2>&1
echo "memcheck sweep rc=$? $(grep -E 'ERROR SUMMARY' $OUT/mc.log)" | tee -a $OUT/summary.txt
for a in "fib" "keccakf --perms 1024"; do
  $S prove $a --backend cpu --out /tmp/p.cpu --quiet >/dev/null 2>&1; $S prove $a --backend cuda --out /tmp/p.cuda --quiet >/dev/null 2>&1
  echo "cmp [$a] $(cmp -s /tmp/p.cpu /tmp/p.cuda && echo same || echo DIFFER)" | tee -a $OUT/summary.txt
done
$S bench keccakf --backend cuda --iters 5 2>&1 | grep -E "^stark" | tee -a $OUT/summary.txt
timeout 120 ctest --test-dir $B -L gpu -j6 --output-on-failure --timeout 110 > $OUT/gpu_tests.log 2>&1
echo "== gpu tests rc=$?" | tee -a $OUT/summary.txt; grep -E "tests passed|Failed|\*\*\*" $OUT/gpu_tests.log | tee -a $OUT/summary.txt
