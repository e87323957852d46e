#!/usr/bin/env bash
# s12 call 5: WHIR batch lazy sums, mobius tables, c2e without divisions, ntt scale: tests, bytes, A/B, kernels, memcheck
OUT=${OUT:-/tmp/out}; mkdir -p $OUT
tools/gpu/session.sh build tests cmp
S=build-gpu/swirl
rm -rf /tmp/base && mkdir -p /tmp/base && tar xzf .debs/base_head.tgz -C /tmp/base
(cd /tmp/base && cmake -S . -B b -G Ninja -DCMAKE_BUILD_TYPE=Release -DSWIRL_CUDA=ON -DCMAKE_CUDA_ARCHITECTURES=90a >/dev/null 2>&1 && cmake --build b -j16 --target swirl >/dev/null 2>&1)
B=/tmp/base/b/swirl
for r in 1 2; do
  for m in base head; do X=$S; [ $m = base ] && X=$B
    $X bench keccakf --backend cuda --iters 5 --metrics $OUT/ab_${m}_$r.json 2>&1 | grep -E "^stark|^prover" | sed "s/^/$m ($r) /" | tee -a $OUT/summary.txt
    $X bench --system .debs/prod20 --backend cuda --iters 5 2>&1 | grep -E "^stark|whir" | sed "s/^/$m prod ($r) /" | tee -a $OUT/summary.txt
  done
done
for m in base head; do X=$S; [ $m = base ] && X=$B
  SWIRL_PDL=0 SWIRL_CUDA_TIMELINE=$OUT/tl_$m.csv $X bench keccakf --backend cuda --iters 2 >/dev/null 2>&1
  python3 - $OUT/tl_$m.csv <<'P' | sed "s/^/$m /" | tee -a $OUT/summary.txt
import csv,sys
agg={}
for r in csv.DictReader(open(sys.argv[1])):
    if r['kind']=='m': continue
    d=float(r['gpu_after_us'])-float(r['gpu_before_us']); a=agg.setdefault(r['name'],[0,0]); a[0]+=d; a[1]+=1
for k in ('k_wh_batch','k_wh_fw','k_wh_mobius_tabs','k_wh_c2e_tile','k_ntt_scale','k_bit_reverse','k_merkle_tail','k_merkle_fold_lanes','k_merkle_fold_adjacent'):
    if k in agg: print("%-22s %3d launches %8.1f us"%(k,agg[k][1],agg[k][0]))
P
done
timeout 300 compute-sanitizer --tool memcheck --error-exitcode 9 $S prove keccakf --perms 16 --backend cuda --out /tmp/san.proof --quiet > $OUT/san_keccak16_memcheck.log 2>&1
echo "memcheck keccakf 16 rc=$? $(grep -E 'ERROR SUMMARY' $OUT/san_keccak16_memcheck.log | tail -1)" | tee -a $OUT/summary.txt
tools/gpu/session.sh pack
