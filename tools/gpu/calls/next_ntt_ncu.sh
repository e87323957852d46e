#!/usr/bin/env bash
# Prepared for the next device session (not run yet): what bounds the NTT pass kernels. ncu's full
# sections (speed of light by unit, pipe utilization, warp stall reasons, memory workload) on both
# passes of keccakf's 2^22 x 42 and on 2^24 x 64, then the fused kernel at 2^20 x 64 for contrast.
OUT=${OUT:-/tmp/out}; mkdir -p $OUT
tools/gpu/session.sh build
B=build-gpu
SECT="--section SpeedOfLight --section ComputeWorkloadAnalysis --section WarpStateStats --section MemoryWorkloadAnalysis --section Occupancy --section InstructionStats"
for s in "0 22 42" "0 24 64" "2 20 64"; do set -- $s
  SWIRL_NTT_FUSE=$1 timeout 240 ncu $SECT --cache-control none --kernel-name regex:"k_ntt_(pass|fused)" \
    --launch-skip 0 --launch-count 3 $B/bench_gpu --ntt-shape $2 $3 1 > $OUT/ncu_full_$1_$2_$3.txt 2>&1
  echo "== ncu full F=$1 2^$2 x $3 rc=$?" | tee -a $OUT/summary.txt
  grep -E "k_ntt|Throughput|Pipe|Stall|Issue Slots|Warp Cycles|Eligible|Achieved Occupancy|Bank" \
    $OUT/ncu_full_$1_$2_$3.txt | head -80 | tee -a $OUT/summary.txt
done
tools/gpu/session.sh pack
