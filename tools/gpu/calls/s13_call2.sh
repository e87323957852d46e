#!/usr/bin/env bash
# s13 call 2: the fused NTT kernel (SWIRL_NTT_FUSE=2, default) against the passes one launch each
# (0) and the chunked first pass alone (1): bench, ncu, keccakf / prod A/B, GPU tests, bytes
OUT=${OUT:-/tmp/out}; mkdir -p $OUT
tools/gpu/session.sh build
B=build-gpu
for r in 1 2; do for V in F=0 F=2 F=2,LAG=2 F=2,CS=1 F=1; do
  e=$(echo $V | sed 's/F=/SWIRL_NTT_FUSE=/; s/LAG=/SWIRL_NTT_FUSE_LAG=/; s/CS=/SWIRL_NTT_FUSE_CS=/' | tr ',' ' ')
  env $e $B/bench_gpu --ntt 2>&1 | grep -E "gpu_ntt|copy" | sed "s/^/$V ($r) /" | tee -a $OUT/summary.txt
done; done
MET=gpu__time_duration.sum,dram__bytes_read.sum,dram__bytes_write.sum,lts__t_sector_hit_rate.pct,sm__throughput.avg.pct_of_peak_sustained_elapsed,sm__warps_active.avg.pct_of_peak_sustained_active,smsp__inst_executed.sum
for s in "2 22 42" "2 24 64" "2 20 64" "1 22 42"; do set -- $s
  SWIRL_NTT_FUSE=$1 timeout 120 ncu --csv --cache-control none --kernel-name regex:k_ntt_ --metrics $MET \
    $B/bench_gpu --ntt-shape $2 $3 1 > /tmp/ncu.csv 2>/tmp/ncu.err
  echo "== ncu F=$1 2^$2 x $3 rc=$?" | tee -a $OUT/summary.txt
  python3 tools/gpu/ncu_sum.py /tmp/ncu.csv | tee -a $OUT/summary.txt
done
S=$B/swirl
for r in 1 2; do for F in 0 2; do
  SWIRL_NTT_FUSE=$F $S bench keccakf --backend cuda --iters 5 2>&1 | grep -E "^stark|rs_code_matrix|^prover.main|prover.openings.whir " | sed "s/^/F=$F ($r) /" | tee -a $OUT/summary.txt
  SWIRL_NTT_FUSE=$F $S bench --system .debs/prod20 --backend cuda --iters 5 2>&1 | grep -E "^stark" | sed "s/^/F=$F prod ($r) /" | tee -a $OUT/summary.txt
done; done
tools/gpu/session.sh tests cmp
SWIRL_SANITIZED=1 timeout 200 compute-sanitizer --tool memcheck $B/bench_gpu --ntt-shape 20 3 1 > /tmp/san.log 2>&1
echo "memcheck fused 2^20x3 rc=$? $(grep -E 'ERROR SUMMARY' /tmp/san.log)" | tee -a $OUT/summary.txt
timeout 200 compute-sanitizer --tool synccheck $B/bench_gpu --ntt-shape 21 2 1 > /tmp/san2.log 2>&1
echo "synccheck fused 2^21x2 rc=$? $(grep -E 'ERROR SUMMARY' /tmp/san2.log)" | tee -a $OUT/summary.txt
tools/gpu/session.sh pack
