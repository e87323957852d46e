#!/usr/bin/env bash
# s14 call 4: 16-word strided rows from 2^16 (the splits call 3 measured fastest at 2^16 .. 2^19):
# the NTT tests, proof bytes against the CPU (built-ins and prod), the new shapes' times
OUT=${OUT:-/tmp/out}; mkdir -p $OUT
tools/gpu/session.sh build
B=build-gpu; S=$B/swirl
ctest --test-dir $B -R "test_gpu_(commit|whir|openings)$" --output-on-failure --timeout 120 > $OUT/gpu_tests.log 2>&1
echo "gpu tests rc=$? $(grep -E 'tests passed' $OUT/gpu_tests.log)" | tee -a $OUT/summary.txt
for s in "16 64" "17 64" "18 64" "19 64" "20 64" "22 42"; do
  timeout 30 $B/bench_gpu --ntt-shape $s 15 2>&1 | grep gpu_ntt | tee -a $OUT/summary.txt
done
tools/gpu/session.sh cmp
d=/tmp/cmpp; mkdir -p $d
$S prove --system .debs/prod20 --backend cpu --out $d/p.cpu --quiet; $S prove --system .debs/prod20 --backend cuda --out $d/p.cuda --quiet
echo "cmp prod $(cmp -s $d/p.cpu $d/p.cuda && echo same || echo DIFFER)" | tee -a $OUT/summary.txt
$S bench keccakf --backend cuda --iters 5 2>&1 | grep -E "^stark" | tee -a $OUT/summary.txt
tools/gpu/session.sh pack
