#!/usr/bin/env bash
# s12 call 3: Merkle layers on lanes, the warm observer, the batched observe: tests, bytes, A/B
OUT=${OUT:-/tmp/out}; mkdir -p $OUT
tools/gpu/session.sh build tests cmp
S=build-gpu/swirl
rm -rf /tmp/base && mkdir -p /tmp/base && tar xzf .debs/base_s11.tgz -C /tmp/base
(cd /tmp/base && cmake -S . -B b -G Ninja -DCMAKE_BUILD_TYPE=Release -DSWIRL_CUDA=ON -DCMAKE_CUDA_ARCHITECTURES=90a >/dev/null 2>&1 && cmake --build b -j16 --target swirl bench_hash >/dev/null 2>&1)
B=/tmp/base/b/swirl
for r in 1 2; do
  for m in base head lanes0 prestart0 pdl0; do
    X=$S; E=""
    case $m in base) X=$B;; lanes0) E="SWIRL_MERKLE_LANES=0";; prestart0) E="SWIRL_TS_PRESTART=0";; pdl0) E="SWIRL_PDL=0";; esac
    env $E $X bench keccakf --backend cuda --iters 5 --metrics $OUT/ab_${m}_$r.json 2>&1 | grep -E "^stark|^prover|observe_pending" | sed "s/^/$m ($r) /" | tee -a $OUT/summary.txt
  done
  for m in base head; do X=$S; [ $m = base ] && X=$B
    $X bench --system .debs/prod20 --backend cuda --iters 5 2>&1 | grep -E "^stark" | sed "s/^/$m prod ($r) /" | tee -a $OUT/summary.txt
  done
done
for L in 2048 4096 16384; do
  SWIRL_MERKLE_LANES=$L $S bench keccakf --backend cuda --iters 5 2>&1 | grep -E "^stark|main_trace|whir" | sed "s/^/lanes=$L /" | tee -a $OUT/summary.txt
done
SWIRL_CUDA_TIMELINE=$OUT/tl_k.csv $S bench keccakf --backend cuda --iters 3 >/dev/null 2>&1
python3 tools/gpu/timeline.py $OUT/tl_k.csv --min-gap 3 > $OUT/tl_k.txt; head -30 $OUT/tl_k.txt | tee -a $OUT/summary.txt
/tmp/base/b/bench_hash --latency 2>&1 | sed "s/^/base /" | tee -a $OUT/summary.txt
build-gpu/bench_hash --latency | tee -a $OUT/summary.txt
tools/gpu/session.sh pack
