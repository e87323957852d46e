#!/usr/bin/env bash
# Prepared for the next device session (not run yet): why the fused NTT loses on the split plan
# (fourteenth session: 10-30 % slower than the two launches), and where the passes stall.
# 1) the fused kernel at 2^20 x 64 and 2^21 x 64 (lag 1, 2) against the two launches: time, DRAM
#    bytes (one round trip or two?), instructions, SM throughput;
# 2) stall sampling (SourceCounters: warp stall reasons by sampled PC) on both passes of keccakf's
#    2^22 x 42 (the fourteenth session's full sections gave 10.7 / 16.5 warp cycles an issued
#    instruction in the contiguous / strided pass but no stall breakdown).
OUT=${OUT:-/tmp/out}; mkdir -p $OUT
tools/gpu/session.sh build
B=build-gpu
M=gpu__time_duration.sum,dram__bytes_read.sum,dram__bytes_write.sum,smsp__inst_executed.sum,sm__throughput.avg.pct_of_peak_sustained_elapsed,sm__warps_active.avg.pct_of_peak_sustained_active
for v in "0 1 20" "2 1 20" "2 2 20" "0 1 21" "2 1 21"; do set -- $v
  SWIRL_NTT_FUSE=$1 SWIRL_NTT_FUSE_LAG=$2 timeout 120 ncu --csv --metrics $M --cache-control none \
    --kernel-name regex:"k_ntt_(pass|fused)" $B/bench_gpu --ntt-shape $3 64 1 > $OUT/ncu_f$1_l$2_$3.csv 2>&1
  echo "== ncu fuse=$1 lag=$2 2^$3 x 64 rc=$?" | tee -a $OUT/summary.txt
  python3 tools/gpu/ncu_sum.py $OUT/ncu_f$1_l$2_$3.csv 2>&1 | head -16 | tee -a $OUT/summary.txt
done
timeout 300 ncu --section WarpStateStats --section SchedulerStats --section SourceCounters --cache-control none \
  --kernel-name regex:"k_ntt_pass" --launch-count 2 $B/bench_gpu --ntt-shape 22 42 1 > $OUT/ncu_stalls_22_42.txt 2>&1
echo "== ncu stalls 2^22 x 42 rc=$?" | tee -a $OUT/summary.txt
grep -E "k_ntt_pass|Stall|stall|Eligible|Issued Warp|No Eligible" $OUT/ncu_stalls_22_42.txt | head -60 | tee -a $OUT/summary.txt
tools/gpu/session.sh pack
