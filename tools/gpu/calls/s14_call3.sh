#!/usr/bin/env bash
# s14 call 3 (call 2 in one, trimmed to the device time left): the new default plan and the fused
# kernel on it — every GPU test, proof bytes against the CPU, bench of the NTT shapes (default and
# fused), compute-sanitizer on the new layouts, the splits at 2^16 .. 2^19, then keccakf / prod
# A/B against main before (a6e8faa) while time is left
OUT=${OUT:-/tmp/out}; mkdir -p $OUT
T0=$(date +%s); left() { echo $(( 470 - ($(date +%s) - T0) )); }
tools/gpu/session.sh build
B=build-gpu; S=$B/swirl
tools/gpu/session.sh tests cmp
echo "elapsed $(( $(date +%s) - T0 )) s" | tee -a $OUT/summary.txt
$B/bench_gpu --ntt 2>&1 | grep -E "device_copy|gpu_ntt" | sed "s/^/default /" | tee -a $OUT/summary.txt
for f in "0 2" "2 1" "2 2"; do set -- $f
  for s in "20 64" "20 16" "21 64" "22 42" "23 32" "24 64"; do
    SWIRL_NTT_FUSE=$1 SWIRL_NTT_FUSE_LAG=$2 timeout 60 $B/bench_gpu --ntt-shape $s 15 2>&1 | grep gpu_ntt |
      sed "s/^/fuse=$1 lag=$2 /" | tee -a $OUT/summary.txt
  done
done
for v in "0 20 2" "0 24 1" "2 20 2"; do set -- $v
  SWIRL_NTT_FUSE=$1 timeout 60 compute-sanitizer --tool memcheck --error-exitcode 9 $B/bench_gpu --ntt-shape $2 $3 1 > $OUT/san_mem_$1_$2.log 2>&1
  echo "memcheck fuse=$1 ntt 2^$2 x $3 rc=$? $(grep 'ERROR SUMMARY' $OUT/san_mem_$1_$2.log)" | tee -a $OUT/summary.txt
done
timeout 90 compute-sanitizer --tool racecheck --error-exitcode 9 $B/bench_gpu --ntt-shape 20 1 1 > $OUT/san_race_20.log 2>&1
echo "racecheck ntt 2^20 x 1 rc=$? $(grep 'RACECHECK SUMMARY' $OUT/san_race_20.log)" | tee -a $OUT/summary.txt
echo "elapsed $(( $(date +%s) - T0 )) s" | tee -a $OUT/summary.txt
for v in "0 0" "6 4" "7 4" "8 4" "9 4" "7 5"; do set -- $v
  for s in "16 64" "17 64" "18 64" "19 64"; do
    [ $(left) -gt 200 ] || break 2
    SWIRL_NTT_SPLIT=$1 SWIRL_NTT_YL=$2 timeout 30 $B/bench_gpu --ntt-shape $s 15 2>&1 | grep gpu_ntt |
      sed "s/^/split=$1 yl=$2 /" | tee -a $OUT/summary.txt
  done
done
P=.debs/prod20; rm -rf /tmp/base && mkdir -p /tmp/base && tar xzf .debs/base_s14.tgz -C /tmp/base
(cd /tmp/base && cmake -S . -B b -G Ninja -DCMAKE_BUILD_TYPE=Release -DSWIRL_CUDA=ON \
   -DCMAKE_CUDA_ARCHITECTURES=90a >/dev/null 2>&1 && timeout 150 cmake --build b -j16 --target swirl >/dev/null 2>&1)
for r in 1 2; do for who in base head; do
  [ $(left) -gt 25 ] || break 2
  S=$B/swirl; [ $who = base ] && S=/tmp/base/b/swirl
  [ -x $S ] || continue
  $S bench keccakf --backend cuda --iters 5 2>&1 | grep -E "^stark" | sed "s/^/ab $who keccakf ($r) /" | tee -a $OUT/summary.txt
  $S bench --system $P --backend cuda --iters 5 2>&1 | grep -E "^stark" | sed "s/^/ab $who prod ($r) /" | tee -a $OUT/summary.txt
done; done
echo "elapsed $(( $(date +%s) - T0 )) s" | tee -a $OUT/summary.txt
tools/gpu/session.sh pack
