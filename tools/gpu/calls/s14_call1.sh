#!/usr/bin/env bash
# s14 call 1: other splits of the two-pass NTT (SWIRL_NTT_SPLIT = strided bits, SWIRL_NTT_YL =
# log2 of a strided row's words): bench per shape, the GPU NTT tests under the new layouts,
# ncu per pass (time, SM throughput, DRAM bytes, instructions), keccakf / prod bytes and bench
OUT=${OUT:-/tmp/out}; mkdir -p $OUT
tools/gpu/session.sh build
B=build-gpu; S=$B/swirl
$B/bench_gpu --ntt 2>&1 | grep -E "device_copy|gpu_ntt" | sed "s/^/default /" | tee -a $OUT/summary.txt
for v in "0 0" "10 4" "10 3" "8 5" "9 5" "9 4" "11 3" "11 4" "8 4" "7 5" "6 5"; do set -- $v
  for s in "20 64" "20 16" "21 64" "22 42" "22 64" "23 32" "24 64"; do
    SWIRL_NTT_SPLIT=$1 SWIRL_NTT_YL=$2 timeout 60 $B/bench_gpu --ntt-shape $s 15 2>&1 | grep gpu_ntt |
      sed "s/^/split=$1 yl=$2 /" | tee -a $OUT/summary.txt
  done
done
for v in "10 4" "8 5" "10 3" "6 5"; do set -- $v
  SWIRL_NTT_SPLIT=$1 SWIRL_NTT_YL=$2 timeout 120 $B/test_gpu_commit > /tmp/t.log 2>&1
  echo "test_gpu_commit split=$1 yl=$2 rc=$? $(tail -1 /tmp/t.log)" | tee -a $OUT/summary.txt
done
M=gpu__time_duration.sum,sm__throughput.avg.pct_of_peak_sustained_elapsed,dram__bytes_read.sum,dram__bytes_write.sum,smsp__inst_executed.sum,sm__warps_active.avg.pct_of_peak_sustained_active,dram__throughput.avg.pct_of_peak_sustained_elapsed
for v in "0 0" "10 4" "8 5" "10 3"; do set -- $v
  for s in "22 42" "24 64" "20 64"; do
    SWIRL_NTT_SPLIT=$1 SWIRL_NTT_YL=$2 timeout 120 ncu --csv --metrics $M --cache-control none \
      --kernel-name regex:"k_ntt_pass" $B/bench_gpu --ntt-shape $s 1 > $OUT/ncu_$1_$2_${s% *}.csv 2>&1
    echo "== ncu split=$1 yl=$2 2^$s rc=$?" | tee -a $OUT/summary.txt
    python3 tools/gpu/ncu_sum.py $OUT/ncu_$1_$2_${s% *}.csv 2>&1 | head -30 | tee -a $OUT/summary.txt
  done
done
SECT="--section SpeedOfLight --section WarpStateStats --section MemoryWorkloadAnalysis --section Occupancy"
timeout 200 ncu $SECT --cache-control none --kernel-name regex:"k_ntt_pass" $B/bench_gpu --ntt-shape 22 42 1 \
  > $OUT/ncu_full_22_42.txt 2>&1; echo "== ncu full default 2^22 x 42 rc=$?" | tee -a $OUT/summary.txt
d=/tmp/cmp; mkdir -p $d
$S prove keccakf --perms 1024 --backend cpu --out $d/k.cpu --quiet
$S prove --system .debs/prod20 --backend cpu --out $d/p.cpu --quiet
for v in "10 4" "8 5"; do set -- $v
  SWIRL_NTT_SPLIT=$1 SWIRL_NTT_YL=$2 $S prove keccakf --perms 1024 --backend cuda --out $d/k.cuda --quiet
  a=$(cmp -s $d/k.cpu $d/k.cuda && echo same || echo DIFFER)
  SWIRL_NTT_SPLIT=$1 SWIRL_NTT_YL=$2 $S prove --system .debs/prod20 --backend cuda --out $d/p.cuda --quiet
  b=$(cmp -s $d/p.cpu $d/p.cuda && echo same || echo DIFFER)
  echo "cmp split=$1 yl=$2 keccakf1024 $a prod $b" | tee -a $OUT/summary.txt
done
for r in 1 2; do for v in "0 0" "10 4" "8 5"; do set -- $v
  SWIRL_NTT_SPLIT=$1 SWIRL_NTT_YL=$2 $S bench keccakf --backend cuda --iters 5 2>&1 | grep -E "^stark|rs_code_matrix" | sed "s/^/split=$1 yl=$2 ($r) /" | tee -a $OUT/summary.txt
  SWIRL_NTT_SPLIT=$1 SWIRL_NTT_YL=$2 $S bench --system .debs/prod20 --backend cuda --iters 5 2>&1 | grep -E "^stark" | sed "s/^/split=$1 yl=$2 prod ($r) /" | tee -a $OUT/summary.txt
done; done
tools/gpu/session.sh pack
