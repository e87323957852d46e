#!/usr/bin/env bash
# s12 call 2: programmatic dependent launch: tests and bytes with it on, A/B SWIRL_PDL=0/1 (same binary)
OUT=${OUT:-/tmp/out}; mkdir -p $OUT
(cd .debs/hb && find . -type f) | while read f; do cp .debs/hb/$f $f; done  # the helper's files at HEAD
tools/gpu/session.sh build tests cmp
S=build-gpu/swirl
for r in 1 2 3; do for p in 0 1; do
SWIRL_PDL=$p $S bench keccakf --backend cuda --iters 5 --metrics $OUT/pdl${p}_k_$r.json 2>&1 | grep -E "^stark|^prover" | sed "s/^/pdl=$p ($r) /" | tee -a $OUT/summary.txt
SWIRL_PDL=$p $S bench --system .debs/prod20 --backend cuda --iters 5 2>&1 | grep -E "^stark" | sed "s/^/pdl=$p prod ($r) /" | tee -a $OUT/summary.txt
done; done
SWIRL_SAN_TESTS="rap whir" tools/gpu/session.sh sanitize
tools/gpu/session.sh pack
