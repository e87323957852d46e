#!/usr/bin/env bash
# s13 call 1: NTT column groups (SWIRL_NTT_GROUP_MB): tests, bench per group size, ncu of the passes
OUT=${OUT:-/tmp/out}; mkdir -p $OUT
tools/gpu/session.sh build
B=build-gpu
ctest --test-dir $B -R "test_gpu_commit" --output-on-failure --timeout 300 > $OUT/gpu_tests.log 2>&1
echo "gpu tests (commit, commit_ntt_groups) rc=$? $(grep -E 'tests passed' $OUT/gpu_tests.log)" | tee -a $OUT/summary.txt
for M in 0 4 16 32 64 0; do
  SWIRL_NTT_GROUP_MB=$M $B/bench_gpu --ntt 2>&1 | grep -E "gpu_ntt|copy" | sed "s/^/M=$M /" | tee -a $OUT/summary.txt
done
MET=gpu__time_duration.sum,dram__bytes_read.sum,dram__bytes_write.sum,lts__t_sector_hit_rate.pct,sm__throughput.avg.pct_of_peak_sustained_elapsed,sm__warps_active.avg.pct_of_peak_sustained_active,smsp__inst_executed.sum,l1tex__data_bank_conflicts_pipe_lsu_mem_shared.sum
for s in "0 22 42" "16 22 42" "0 24 64" "64 24 64" "0 20 64" "16 20 64"; do set -- $s
  SWIRL_NTT_GROUP_MB=$1 timeout 200 ncu --csv --cache-control none --kernel-name regex:k_ntt_pass --metrics $MET \
    $B/bench_gpu --ntt-shape $2 $3 1 > $OUT/ncu_$1_$2_$3.csv 2>$OUT/ncu_$1_$2_$3.err
  echo "== ncu M=$1 2^$2 x $3 rc=$?" | tee -a $OUT/summary.txt
  python3 tools/gpu/ncu_sum.py $OUT/ncu_$1_$2_$3.csv | tee -a $OUT/summary.txt
done
S=$B/swirl
for r in 1 2; do for M in 0 16; do
  SWIRL_NTT_GROUP_MB=$M $S bench keccakf --backend cuda --iters 5 2>&1 | grep -E "^stark|rs_code_matrix|^prover.main" | sed "s/^/M=$M ($r) /" | tee -a $OUT/summary.txt
done; done
for M in 0 16; do
  SWIRL_NTT_GROUP_MB=$M $S bench --system .debs/prod20 --backend cuda --iters 5 2>&1 | grep -E "^stark|rs_code_matrix" | sed "s/^/M=$M prod /" | tee -a $OUT/summary.txt
done
tools/gpu/session.sh pack
