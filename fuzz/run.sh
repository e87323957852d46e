#!/usr/bin/env bash
# Runs the libFuzzer targets of a SWIRL_FUZZ=ON build for a bounded time each, one after the
# other, starting from the committed corpus (fuzz/README.md):
#   fuzz/run.sh BUILD_DIR SECONDS [TARGET...]      (targets: proof proof_json vk air_json
#                                                   npy keccak_inputs system_meta)
# New inputs go to $FUZZ_WORK/<target>/ (default BUILD_DIR/fuzz-work), crashes, leaks, timeouts
# and OOMs to $FUZZ_WORK/artifacts/<target>-*; fuzz/corpus is never written. Exit 1 when a target
# found something (its artifact is listed), 0 otherwise. Extra libFuzzer flags: $FUZZ_FLAGS.
set -uo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
BUILD="$(realpath "${1:?usage: fuzz/run.sh BUILD_DIR SECONDS [TARGET...]}")"
SECONDS_EACH="${2:?usage: fuzz/run.sh BUILD_DIR SECONDS [TARGET...]}"
shift 2
TARGETS=("$@")
[ ${#TARGETS[@]} -gt 0 ] || TARGETS=(proof proof_json vk air_json npy keccak_inputs system_meta)
WORK="${FUZZ_WORK:-$BUILD/fuzz-work}"
mkdir -p "$WORK/artifacts"
failed=0
for t in "${TARGETS[@]}"; do
  exe="$BUILD/fuzz_$t"
  [ -x "$exe" ] || { echo "fuzz/run.sh: $exe not built (cmake --build $BUILD --target fuzz_all)"; exit 2; }
  mkdir -p "$WORK/$t"
  flags=(-max_total_time="$SECONDS_EACH" -timeout=20 -rss_limit_mb=2048 -malloc_limit_mb=256
         -print_final_stats=1 -artifact_prefix="$WORK/artifacts/$t-")
  [ -f "$ROOT/fuzz/$t.dict" ] && flags+=(-dict="$ROOT/fuzz/$t.dict")
  # the 283 KB keccakf key makes 4 executions a second: fuzz the small keys (the replay test
  # still decodes it whole)
  [ "$t" = vk ] && flags+=(-max_len=4096)
  seeds=("$ROOT/fuzz/corpus/$t")
  [ "$t" = proof_json ] && seeds+=("$ROOT/fuzz/corpus/proof") # also the proof bytes
  echo "=== fuzz_$t: ${SECONDS_EACH}s ==="
  # shellcheck disable=SC2086
  "$exe" "${flags[@]}" ${FUZZ_FLAGS:-} "$WORK/$t" "${seeds[@]}" >"$WORK/$t.log" 2>&1
  rc=$?
  grep -E '^#[0-9]+[[:space:]]+(INITED|DONE)|^stat::number_of_executed_units|^Done ' "$WORK/$t.log"
  if [ $rc -ne 0 ]; then
    failed=1
    echo "fuzz_$t FAILED (exit $rc); log: $WORK/$t.log"
    grep -E 'ERROR|SUMMARY|^fuzz:|Test unit written' "$WORK/$t.log" | head -20
  fi
done
exit $failed
