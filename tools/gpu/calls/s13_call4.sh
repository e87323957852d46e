#!/usr/bin/env bash
# s13 call 4: the final code (main): bytes against the CPU, then the NTT's and the stages' GPU tests
OUT=${OUT:-/tmp/out}; mkdir -p $OUT
tools/gpu/session.sh build cmp
ctest --test-dir build-gpu -R "test_gpu_(commit|commit_ntt_fuse2|whir|flow|openings|rap|corrupt)$" --output-on-failure --timeout 120 > $OUT/gpu_tests.log 2>&1
echo "gpu tests rc=$? $(grep -E 'tests passed' $OUT/gpu_tests.log)" | tee -a $OUT/summary.txt
