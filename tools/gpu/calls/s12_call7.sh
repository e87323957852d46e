#!/usr/bin/env bash
# s12 call 7: WHIR's proof buffer downloaded into pinned memory: the stage tests, bytes, A/B
OUT=${OUT:-/tmp/out}; mkdir -p $OUT
tools/gpu/session.sh build
ctest --test-dir build-gpu -R "test_gpu_(whir|flow|fault|openings|corrupt|rap)$" --output-on-failure --timeout 200 > $OUT/gpu_tests.log 2>&1
echo "gpu tests (whir flow fault openings corrupt rap) rc=$? $(grep -E 'tests passed' $OUT/gpu_tests.log)" | tee -a $OUT/summary.txt
tools/gpu/session.sh cmp
S=build-gpu/swirl
rm -rf /tmp/base && mkdir -p /tmp/base && tar xzf .debs/base_head.tgz -C /tmp/base
(cd /tmp/base && cmake -S . -B b -G Ninja -DCMAKE_BUILD_TYPE=Release -DSWIRL_CUDA=ON -DCMAKE_CUDA_ARCHITECTURES=90a >/dev/null 2>&1 && cmake --build b -j16 --target swirl >/dev/null 2>&1)
B=/tmp/base/b/swirl
for r in 1 2; do
  for m in base head; do X=$S; [ $m = base ] && X=$B
    $X bench keccakf --backend cuda --iters 5 2>&1 | grep -E "^stark|^prover.openings.whir|whir_host.finish" | sed "s/^/$m ($r) /" | tee -a $OUT/summary.txt
  done
done
for m in base head; do X=$S; [ $m = base ] && X=$B
  $X bench --system .debs/prod20 --backend cuda --iters 5 2>&1 | grep -E "^stark" | sed "s/^/$m prod /" | tee -a $OUT/summary.txt
done
tools/gpu/session.sh pack
