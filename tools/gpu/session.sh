#!/usr/bin/env bash
# One device call: build the CUDA backend (sm_90a), run the GPU tests, compare --backend cuda
# proofs with --backend cpu proofs byte for byte, and bench keccakf. Logs go to $OUT.
# Usage (on the device machine, repo root): tools/gpu/session.sh [steps...]
#   steps: build tests alltests cmp bench modes hosttests prod ab sanitize pack (default: build tests cmp bench)
#   pack: everything under $OUT into $OUT/pack.tgz (a call brings back at most 8 files); run it last
#   kprof: every kernel's GPU time in one keccakf 1024 proof and (SWIRL_PROD_DIR) one prod proof,
#          by ncu (serialised), summed per kernel name by tools/gpu/kprof.py
#   hosttests: the GPU tests again with SWIRL_GPU_STAGES=0 (the CPU stages after the GPU commit)
#   p2lat: the transcript permutation's and a transcript round's latency, one thread against one
#          warp (tools/gpu/p2lat.cu, SM cycles; fails when the two differ in a bit)
#   ab: the baseline in the same call: SWIRL_BASE_TGZ (a `git archive --format=tar.gz REF` of the
#       base, carried in .debs) built for sm_90a and benched against this tree, keccakf and, when
#       present, the prod system, alternating base / this tree twice
#   prod: OpenVM's "prod" 5-AIR system at 2^20 rows (SWIRL_PROD_DIR, default .debs/prod20, written by
#         ../shared/bench/make_fib_system.py DIR 20 and carried): cpu vs cuda bytes and bench, per mode
#   modes: cmp and bench keccakf per mode, each proof verified; SWIRL_MODES lists them as
#          name:VAR=1,VAR2=0 (default: the device stages; host: SWIRL_GPU_STAGES=0; perthread:
#          SWIRL_ZC_PER_THREAD=1, the per-thread constraint kernels)
# Needs libjansson-dev and pkg-config: .debs/*.deb (carried) are unpacked first when present.
set -u
OUT=${OUT:-/tmp/out}; mkdir -p "$OUT"
B=${SWIRL_GPU_BUILD:-build-gpu}
steps=${*:-build tests cmp bench}
log() { echo "== $*" | tee -a "$OUT/summary.txt"; }
if ls .debs/*.deb >/dev/null 2>&1; then for f in .debs/*.deb; do dpkg -x "$f" /; done; ldconfig; fi
nvidia-smi --query-gpu=name,memory.total,clocks.max.sm --format=csv,noheader | tee -a "$OUT/summary.txt"
for s in $steps; do case $s in
build)
  t0=$(date +%s)
  cmake -S . -B "$B" -G Ninja -DCMAKE_BUILD_TYPE=Release -DSWIRL_CUDA=ON \
        -DCMAKE_CUDA_ARCHITECTURES=90a >"$OUT/build.log" 2>&1 &&
  cmake --build "$B" -j16 >>"$OUT/build.log" 2>&1
  rc=$?; log "build rc=$rc $(( $(date +%s) - t0 )) s"; [ $rc = 0 ] || { tail -40 "$OUT/build.log"; exit 1; } ;;
p2lat)
  nvcc -O3 -arch=sm_90a -Iinclude -Isrc -DSWIRL_HAVE_CUDA=1 tools/gpu/p2lat.cu -o "$B/p2lat" \
    >"$OUT/p2lat.log" 2>&1 && "$B/p2lat" >>"$OUT/p2lat.log" 2>&1
  log "p2lat rc=$?"; grep "^p2lat" "$OUT/p2lat.log" | tee -a "$OUT/summary.txt" ;;
kprof)
  S="$B/swirl"
  for j in "keccakf:keccakf --perms 1024" "prod:--system ${SWIRL_PROD_DIR:-.debs/prod20}"; do
    n=${j%%:*}; a=${j#*:}
    [ "$n" = prod ] && [ ! -d "${SWIRL_PROD_DIR:-.debs/prod20}" ] && continue
    timeout 300 ncu --csv --metrics gpu__time_duration.sum $S prove $a --backend cuda \
      --out /tmp/kprof.proof --quiet >"$OUT/kprof_$n.csv" 2>"$OUT/kprof_$n.err"
    log "kprof $n rc=$?"; python3 tools/gpu/kprof.py "$OUT/kprof_$n.csv" 45 | tee -a "$OUT/summary.txt"
  done ;;
tests)
  ctest --test-dir "$B" -L gpu --output-on-failure --timeout 300 >"$OUT/gpu_tests.log" 2>&1
  log "gpu tests rc=$?"; grep -E "tests passed|Failed|Passed|\*\*\*" "$OUT/gpu_tests.log" | tee -a "$OUT/summary.txt" ;;
alltests)
  ctest --test-dir "$B" -j16 --output-on-failure --timeout 600 >"$OUT/all_tests.log" 2>&1
  log "all tests rc=$?"; grep -E "tests passed|Failed|\*\*\*" "$OUT/all_tests.log" | tee -a "$OUT/summary.txt" ;;
cmp)
  S="$B/swirl"; d=/tmp/cmp; mkdir -p $d
  for a in "fib" "interactions" "self-interaction" "fib --security toy" "keccakf --perms 16" "keccakf --perms 1024"; do
    n=$(echo "$a" | tr -c 'a-z0-9' _)
    $S prove $a --backend cpu --out $d/$n.cpu --quiet >/dev/null 2>&1; r1=$?
    $S prove $a --backend cuda --out $d/$n.cuda --quiet >$d/$n.log 2>&1; r2=$?
    if cmp -s $d/$n.cpu $d/$n.cuda; then c=same; else c=DIFFER; fi
    log "cmp [$a] cpu=$r1 cuda=$r2 $c"
  done ;;
bench)
  "$B/swirl" bench keccakf --backend cuda --iters 5 --warmup 1 --metrics "$OUT/keccakf_cuda.json" >"$OUT/bench_keccakf.log" 2>&1
  log "bench keccakf cuda rc=$?"; cat "$OUT/bench_keccakf.log" | tail -40 | tee -a "$OUT/summary.txt" ;;
modes)
  S="$B/swirl"; d=/tmp/modes; mkdir -p $d
  "$S" keygen keccakf --vk $d/k.vk >/dev/null 2>&1; "$S" keygen interactions --vk $d/i.vk >/dev/null 2>&1
  for m in ${SWIRL_MODES:-default host:SWIRL_GPU_STAGES=0 perthread:SWIRL_ZC_PER_THREAD=1}; do
    mode=${m%%:*}; env=""; [ "$m" = "$mode" ] || env=$(echo "${m#*:}" | tr ',' ' ')
    for a in "fib" "interactions" "self-interaction" "fib --security toy" "keccakf --perms 16" "keccakf --perms 1024"; do
      n=$(echo "$a" | tr -c 'a-z0-9' _)
      [ -f $d/$n.cpu ] || "$S" prove $a --backend cpu --out $d/$n.cpu --quiet >/dev/null 2>&1
      env $env "$S" prove $a --backend cuda --out $d/$n.$mode --quiet >$d/$n.$mode.log 2>&1; r=$?
      if cmp -s $d/$n.cpu $d/$n.$mode; then c=same; else c=DIFFER; fi
      log "$mode cmp [$a] cuda=$r $c"
    done
    log "$mode verify keccakf 1024: $("$S" verify --vk $d/k.vk $d/keccakf___perms_1024_.$mode 2>&1 | tail -1)"
    env $env "$S" bench keccakf --backend cuda --iters 5 --metrics "$OUT/keccakf_$mode.json" 2>&1 |
      grep -E "^stark|^prover" | sed "s/^/$mode /" | tee -a "$OUT/summary.txt"
  done ;;
hosttests)
  SWIRL_GPU_STAGES=0 ctest --test-dir "$B" -L gpu --output-on-failure --timeout 300 >"$OUT/gpu_stage_tests.log" 2>&1
  log "gpu tests (SWIRL_GPU_STAGES=0) rc=$?"; grep -E "tests passed|Failed|\*\*\*" "$OUT/gpu_stage_tests.log" | tee -a "$OUT/summary.txt" ;;
prod)
  S="$B/swirl"; P=${SWIRL_PROD_DIR:-.debs/prod20}; d=/tmp/prod; mkdir -p $d
  [ -d "$P" ] || { log "prod: no system dir $P"; continue; }
  "$S" prove --system "$P" --backend cpu --out $d/p.cpu --quiet >/dev/null 2>&1
  for m in default perthread:SWIRL_ZC_PER_THREAD=1; do
    mode=${m%%:*}; env=""; [ "$m" = "$mode" ] || env="${m#*:}"
    env $env "$S" prove --system "$P" --backend cuda --out $d/p.$mode --quiet >$d/p.$mode.log 2>&1; r=$?
    if cmp -s $d/p.cpu $d/p.$mode; then c=same; else c=DIFFER; fi
    log "$mode prod cmp cuda=$r $c"
    env $env "$S" bench --system "$P" --backend cuda --iters 5 --metrics "$OUT/prod_$mode.json" 2>&1 |
      grep -E "^stark|^prover|^rap_host|trace (generated|uploaded)" | sed "s/^/prod $mode /" | tee -a "$OUT/summary.txt"
  done
  # the traces uploaded inside the proof (the host path: trace_upload in main_trace_commit)
  "$S" prove --system "$P" --backend cuda --host-trace --out $d/p.hosttrace --quiet >/dev/null 2>&1
  if cmp -s $d/p.cpu $d/p.hosttrace; then c=same; else c=DIFFER; fi
  log "host-trace prod cmp $c"
  "$S" bench --system "$P" --backend cuda --host-trace --iters 5 --metrics "$OUT/prod_hosttrace.json" 2>&1 |
    grep -E "^stark|^prover" | sed "s/^/prod host-trace /" | tee -a "$OUT/summary.txt" ;;
ab)
  T=${SWIRL_BASE_TGZ:-}; [ -n "$T" ] && [ -f "$T" ] || { log "ab: SWIRL_BASE_TGZ not set or missing"; continue; }
  rm -rf /tmp/base && mkdir -p /tmp/base && tar xzf "$T" -C /tmp/base
  (cd /tmp/base && cmake -S . -B b -G Ninja -DCMAKE_BUILD_TYPE=Release -DSWIRL_CUDA=ON \
     -DCMAKE_CUDA_ARCHITECTURES=90a >/dev/null 2>&1 && cmake --build b -j16 --target swirl >/dev/null 2>&1)
  [ -x /tmp/base/b/swirl ] || { log "ab: base build failed"; continue; }
  P=${SWIRL_PROD_DIR:-.debs/prod20}
  for r in 1 2; do
    for who in base head; do
      S=$B/swirl; [ $who = base ] && S=/tmp/base/b/swirl
      "$S" bench keccakf --backend cuda --iters 5 --metrics "$OUT/ab_keccakf_${who}_$r.json" 2>&1 |
        grep -E "^stark|^prover" | sed "s/^/ab $who keccakf ($r) /" | tee -a "$OUT/summary.txt"
      [ -d "$P" ] && "$S" bench --system "$P" --backend cuda --iters 5 --metrics "$OUT/ab_prod_${who}_$r.json" 2>&1 |
        grep -E "^stark" | sed "s/^/ab $who prod ($r) /" | tee -a "$OUT/summary.txt"
    done
  done ;;
sanitize)
  export SWIRL_SANITIZED=1 # the tests keep their sizes small under the sanitizer
  for t in ${SWIRL_SAN_TESTS:-transcript commit gkr constraint rap openings whir}; do
    t=$B/test_gpu_$t
    for tool in memcheck racecheck; do
      compute-sanitizer --tool $tool --error-exitcode 9 "$t" >"$OUT/san_$(basename $t)_$tool.log" 2>&1
      log "compute-sanitizer $tool $(basename $t) rc=$? $(grep -E 'ERROR SUMMARY|RACECHECK SUMMARY' "$OUT/san_$(basename $t)_$tool.log" | tail -1)"
    done
  done ;;
pack)
  # at most 8 files come back from a device call: everything under $OUT in one archive
  (cd "$OUT" && tar czf /tmp/pack.tgz --exclude=pack.tgz . && rm -rf ./* && mv /tmp/pack.tgz pack.tgz) ;;
esac; done
