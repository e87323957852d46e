#!/usr/bin/env bash
# s13 call 4: the final code: bytes against the CPU, then every GPU test
OUT=${OUT:-/tmp/out}; mkdir -p $OUT
tools/gpu/session.sh build cmp tests
