#!/usr/bin/env bash
# s12 call 4: the paired fold at r0 and the lazy stacked-reduction fold: tests, bytes, A/B, kernel times
OUT=${OUT:-/tmp/out}; mkdir -p $OUT
tools/gpu/session.sh build tests cmp
S=build-gpu/swirl
rm -rf /tmp/base && mkdir -p /tmp/base && tar xzf .debs/base_head.tgz -C /tmp/base
(cd /tmp/base && cmake -S . -B b -G Ninja -DCMAKE_BUILD_TYPE=Release -DSWIRL_CUDA=ON -DCMAKE_CUDA_ARCHITECTURES=90a >/dev/null 2>&1 && cmake --build b -j16 --target swirl >/dev/null 2>&1)
B=/tmp/base/b/swirl
for r in 1 2; do
  for m in base head pair0; do
    X=$S; E=""
    case $m in base) X=$B;; pair0) E="SWIRL_RAP_FOLD_PAIR=0";; esac
    env $E $X bench keccakf --backend cuda --iters 5 --metrics $OUT/ab_${m}_$r.json 2>&1 | grep -E "^stark|^prover" | sed "s/^/$m ($r) /" | tee -a $OUT/summary.txt
  done
  for m in base head; do X=$S; [ $m = base ] && X=$B
    $X bench --system .debs/prod20 --backend cuda --iters 5 2>&1 | grep -E "^stark" | sed "s/^/$m prod ($r) /" | tee -a $OUT/summary.txt
  done
done
for m in head pair0; do E=""; [ $m = pair0 ] && E="SWIRL_RAP_FOLD_PAIR=0"
  env $E SWIRL_PDL=0 SWIRL_CUDA_TIMELINE=$OUT/tl_$m.csv $S bench keccakf --backend cuda --iters 2 >/dev/null 2>&1
  python3 - $OUT/tl_$m.csv <<'P' | sed "s/^/$m /" | tee -a $OUT/summary.txt
import csv,sys
agg={}
for r in csv.DictReader(open(sys.argv[1])):
    if r['kind']=='m': continue
    d=float(r['gpu_after_us'])-float(r['gpu_before_us']); a=agg.setdefault(r['name'],[0,0]); a[0]+=d; a[1]+=1
for k in ('k_rap_fold_r0','k_rap_fold_r0_pair','k_sr_fold_ple'):
    if k in agg: print("%-22s %3d launches %8.1f us"%(k,agg[k][1],agg[k][0]))
P
done
tools/gpu/session.sh pack
