#!/usr/bin/env bash
# s14 call 2: the new default plan (16-word strided rows at 2^20 .. 2^24 but 2^23): the splits at
# 2^13 .. 2^19 (not measured in call 1), the default shapes, every GPU test, proof bytes against
# the CPU, compute-sanitizer on the new layouts, keccakf / prod A/B against main before (a6e8faa)
# Two parts (one device call each): A (default) the measurements and sanitizers, B the tests, bytes, A/B
OUT=${OUT:-/tmp/out}; mkdir -p $OUT
tools/gpu/session.sh build
B=build-gpu; S=$B/swirl
if [ "${1:-A}" = B ]; then
  tools/gpu/session.sh tests cmp
  SWIRL_BASE_TGZ=.debs/base_s14.tgz tools/gpu/session.sh ab
  tools/gpu/session.sh pack
  exit 0
fi
for v in "0 0" "5 4" "6 4" "6 5" "7 4" "7 5" "8 4" "8 5" "9 4"; do set -- $v
  for s in "13 64" "14 64" "15 64" "16 64" "17 64" "18 64" "19 64"; do
    SWIRL_NTT_SPLIT=$1 SWIRL_NTT_YL=$2 timeout 60 $B/bench_gpu --ntt-shape $s 15 2>&1 | grep gpu_ntt |
      sed "s/^/split=$1 yl=$2 /" | tee -a $OUT/summary.txt
  done
done
$B/bench_gpu --ntt 2>&1 | grep -E "device_copy|gpu_ntt" | sed "s/^/default /" | tee -a $OUT/summary.txt
for s in "21 64" "23 32"; do $B/bench_gpu --ntt-shape $s 15 | grep gpu_ntt | sed "s/^/default /" | tee -a $OUT/summary.txt; done
for f in "2 1" "2 2" "1 2"; do set -- $f
  for s in "20 64" "20 16" "21 64" "22 42" "24 64"; do
    SWIRL_NTT_FUSE=$1 SWIRL_NTT_FUSE_LAG=$2 timeout 60 $B/bench_gpu --ntt-shape $s 15 2>&1 | grep gpu_ntt |
      sed "s/^/fuse=$1 lag=$2 /" | tee -a $OUT/summary.txt
  done
done
M=gpu__time_duration.sum,dram__bytes_read.sum,dram__bytes_write.sum,smsp__inst_executed.sum,sm__throughput.avg.pct_of_peak_sustained_elapsed
for s in "20 64" "21 64"; do
  SWIRL_NTT_FUSE=2 SWIRL_NTT_FUSE_LAG=1 timeout 120 ncu --csv --metrics $M --cache-control none \
    --kernel-name regex:"k_ntt_(pass|fused)" $B/bench_gpu --ntt-shape $s 1 > $OUT/ncu_fused_${s% *}.csv 2>&1
  echo "== ncu fused lag 1 2^$s rc=$?" | tee -a $OUT/summary.txt
  python3 tools/gpu/ncu_sum.py $OUT/ncu_fused_${s% *}.csv 2>&1 | head -12 | tee -a $OUT/summary.txt
done
for v in "2 20 2" "2 21 1"; do set -- $v
  SWIRL_NTT_FUSE=$1 timeout 150 compute-sanitizer --tool memcheck --error-exitcode 9 $B/bench_gpu --ntt-shape $2 $3 1 > $OUT/san_fused_$2.log 2>&1
  echo "memcheck fused ntt 2^$2 x $3 rc=$? $(grep 'ERROR SUMMARY' $OUT/san_fused_$2.log)" | tee -a $OUT/summary.txt
done
for s in "20 2" "21 1" "24 1"; do
  timeout 150 compute-sanitizer --tool memcheck --error-exitcode 9 $B/bench_gpu --ntt-shape $s 1 > $OUT/san_mem_${s% *}.log 2>&1
  echo "memcheck ntt 2^$s rc=$? $(grep 'ERROR SUMMARY' $OUT/san_mem_${s% *}.log)" | tee -a $OUT/summary.txt
done
timeout 200 compute-sanitizer --tool racecheck --error-exitcode 9 $B/bench_gpu --ntt-shape 20 1 1 > $OUT/san_race_20.log 2>&1
echo "racecheck ntt 2^20 x 1 rc=$? $(grep 'RACECHECK SUMMARY' $OUT/san_race_20.log)" | tee -a $OUT/summary.txt
tools/gpu/session.sh pack
