#!/usr/bin/env bash
# s12 call 1: 85a0520 + the timeline on the GPU: tests, bytes, bench, the timeline, leaves/grind stalls
OUT=${OUT:-/tmp/out}; mkdir -p $OUT
tools/gpu/session.sh build tests cmp bench
S=build-gpu/swirl
for r in 1 2; do
SWIRL_CUDA_TIMELINE=$OUT/tl_keccakf_$r.csv $S bench keccakf --backend cuda --iters 3 2>&1 | grep -E "^stark|^prover|host" | sed "s/^/tl$r /" | tee -a $OUT/summary.txt
python3 tools/gpu/timeline.py $OUT/tl_keccakf_$r.csv --min-gap 3 > $OUT/tl_keccakf_$r.txt; head -12 $OUT/tl_keccakf_$r.txt | tee -a $OUT/summary.txt
done
SWIRL_CUDA_TIMELINE=$OUT/tl_prod.csv $S bench --system .debs/prod20 --backend cuda --iters 3 2>&1 | grep -E "^stark|^prover" | sed "s/^/tlprod /" | tee -a $OUT/summary.txt
python3 tools/gpu/timeline.py $OUT/tl_prod.csv --min-gap 3 > $OUT/tl_prod.txt; head -12 $OUT/tl_prod.txt | tee -a $OUT/summary.txt
build-gpu/bench_hash --latency | tee -a $OUT/summary.txt
M=smsp__average_warps_issue_stalled_barrier_per_issue_active.ratio,smsp__average_warps_issue_stalled_long_scoreboard_per_issue_active.ratio,smsp__average_warps_issue_stalled_short_scoreboard_per_issue_active.ratio,smsp__average_warps_issue_stalled_wait_per_issue_active.ratio,smsp__average_warps_issue_stalled_math_pipe_throttle_per_issue_active.ratio,smsp__average_warps_issue_stalled_mio_throttle_per_issue_active.ratio,smsp__average_warps_issue_stalled_not_selected_per_issue_active.ratio,smsp__average_warps_issue_stalled_selected_per_issue_active.ratio,smsp__average_warps_issue_stalled_lg_throttle_per_issue_active.ratio,smsp__average_warps_issue_stalled_dispatch_stall_per_issue_active.ratio,smsp__average_warps_issue_stalled_no_instruction_per_issue_active.ratio,smsp__average_warps_issue_stalled_tex_throttle_per_issue_active.ratio,gpu__time_duration.sum,smsp__issue_active.avg.pct_of_peak_sustained_active,sm__warps_active.avg.pct_of_peak_sustained_active,launch__registers_per_thread,launch__grid_size,launch__block_size,sm__pipe_fma_cycles_active.avg.pct_of_peak_sustained_active,sm__inst_executed_pipe_alu.avg.pct_of_peak_sustained_active,launch__occupancy_limit_registers,dram__bytes_read.sum
timeout 200 ncu --clock-control none -k "regex:k_merkle_leaves|k_ts_grind_chunk" -c 3 --metrics $M $S prove keccakf --backend cuda --out /tmp/k3.proof --quiet > $OUT/ncu_leaves.txt 2>&1
grep -E "k_merkle|k_ts_grind|stalled|duration|issue_active|warps_active|registers|grid_size|block_size|pipe|occupancy|dram" $OUT/ncu_leaves.txt | tee -a $OUT/summary.txt
tools/gpu/session.sh pack
