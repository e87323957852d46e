#!/usr/bin/env bash
# s15 call 1: (a) the NTT column groups (SWIRL_NTT_GROUP MiB, one or two streams) against the plain
# passes, with the two-sweep bound (bench_gpu --sweep-shape) at each shape; (b) test_gpu_commit
# (its new 2^16 shape and the sweep's parity test) under the default and grouped; bytes of keccakf
# grouped; (c) ncu: the fused kernel and the grouped passes' DRAM bytes; (d) all GPU tests.
OUT=${OUT:-/tmp/out}; mkdir -p $OUT
tools/gpu/session.sh build
B=build-gpu; S=$B/swirl
for sh in "20 64" "21 64" "22 42" "22 64" "23 32" "24 64"; do
  $B/bench_gpu --sweep-shape $sh 15 | grep gpu_sweep2 | tee -a $OUT/summary.txt
  $B/bench_gpu --ntt-shape $sh 15 | grep gpu_ntt | sed 's/^/base /' | tee -a $OUT/summary.txt
  for g in 8 16 32; do for s in 1 2; do
    SWIRL_NTT_GROUP=$g SWIRL_NTT_GROUP_STREAMS=$s $B/bench_gpu --ntt-shape $sh 15 | grep gpu_ntt | sed "s/^/g$g s$s /" | tee -a $OUT/summary.txt
  done; done
  for gp in "16 32" "8 24" "32 40"; do set -- $gp
    SWIRL_NTT_GROUP=$1 SWIRL_NTT_GROUP_PERSIST=$2 $B/bench_gpu --ntt-shape $sh 15 | grep gpu_ntt | sed "s/^/g$1 p$2 /" | tee -a $OUT/summary.txt
  done
done
for e in "" "SWIRL_NTT_GROUP=1" "SWIRL_NTT_GROUP=16 SWIRL_NTT_GROUP_STREAMS=1" "SWIRL_NTT_GROUP=2 SWIRL_NTT_GROUP_PERSIST=8"; do
  env $e timeout 120 $B/test_gpu_commit > $OUT/t.log 2>&1; echo "test_gpu_commit [$e] rc=$? $(tail -1 $OUT/t.log)" | tee -a $OUT/summary.txt
done
$S prove keccakf --perms 1024 --backend cpu --out /tmp/p.cpu --quiet >/dev/null 2>&1
for e in "SWIRL_NTT_GROUP=16" "SWIRL_NTT_GROUP=8 SWIRL_NTT_GROUP_STREAMS=1"; do
  env $e $S prove keccakf --perms 1024 --backend cuda --out /tmp/p.cuda --quiet >/dev/null 2>&1
  echo "cmp keccakf [$e] $(cmp -s /tmp/p.cpu /tmp/p.cuda && echo same || echo DIFFER)" | tee -a $OUT/summary.txt
done
for e in "" "SWIRL_NTT_GROUP=16"; do
  env $e $S bench keccakf --backend cuda --iters 5 2>&1 | grep -E "^stark" | sed "s/^/[$e] /" | tee -a $OUT/summary.txt
done
M=gpu__time_duration.sum,dram__bytes_read.sum,dram__bytes_write.sum,smsp__inst_executed.sum,sm__throughput.avg.pct_of_peak_sustained_elapsed,lts__t_sector_hit_rate.pct
for v in "SWIRL_NTT_FUSE=0 20" "SWIRL_NTT_FUSE=2 20" "SWIRL_NTT_GROUP=16 20" "SWIRL_NTT_FUSE=2 22" "SWIRL_NTT_GROUP=16 22"; do set -- $v
  env $1 timeout 100 ncu --csv --metrics $M --cache-control none \
    --kernel-name regex:"k_ntt_(pass|fused)" $B/bench_gpu --ntt-shape $2 64 1 > $OUT/ncu.csv 2>&1
  echo "== ncu $1 2^$2 x 64 rc=$?" | tee -a $OUT/summary.txt
  python3 tools/gpu/ncu_sum.py $OUT/ncu.csv 2>&1 | head -16 | tee -a $OUT/summary.txt
done
timeout 200 ctest --test-dir $B -L gpu -j4 --output-on-failure --timeout 190 > $OUT/gpu_tests.log 2>&1
echo "== gpu tests rc=$?" | tee -a $OUT/summary.txt; grep -E "tests passed|Failed|\*\*\*" $OUT/gpu_tests.log | tee -a $OUT/summary.txt
