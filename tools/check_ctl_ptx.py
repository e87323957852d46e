#!/usr/bin/env python3
"""The device WHIR's grinding control kernels keep their transcript in shared memory only.

prover/cuda_whir.cu's k_wh_mu, k_wh_sc_ctl and k_wh_queries grind a PoW with the whole block
between two transcript steps of thread 0. With a thread-local swirl_transcript copy on each side
of the grind, nvcc 13.0 -O3 gave k_wh_sc_ctl's dynamically indexed observed value the local slot
of the live transcript copy (the second sumcheck value overwrote state[0..3] before it was
absorbed): a miscompile that no CPU twin can see. This compiles cuda_whir.cu to PTX (no GPU
needed) and fails when one of these kernels has a local frame (__local_depot) large enough to
hold a swirl_transcript (104 bytes), i.e. when a local transcript object is back.

Usage: python3 tools/check_ctl_ptx.py [--nvcc PATH] [--arch sm_90a]. Exit 0: ok; 1: a kernel
has a local transcript; 77: no nvcc (skipped).
"""
import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile

KERNELS = ("k_wh_mu", "k_wh_sc_ctl", "k_wh_queries")
TRANSCRIPT_BYTES = 104  # sizeof(swirl_transcript) on a 64-bit device


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--nvcc", default=shutil.which("nvcc") or "/usr/local/cuda/bin/nvcc")
    ap.add_argument("--arch", default="sm_90a")
    a = ap.parse_args()
    if not os.path.exists(a.nvcc):
        print("check_ctl_ptx: no nvcc, skipped")
        return 77
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    with tempfile.TemporaryDirectory() as d:
        ptx = os.path.join(d, "whir.ptx")
        subprocess.run([a.nvcc, "-O3", "-DNDEBUG", "-DSWIRL_HAVE_CUDA=1",
                        "-I" + os.path.join(root, "include"), "-I" + os.path.join(root, "src"),
                        "-arch=" + a.arch, "-ptx", os.path.join(root, "src/prover/cuda_whir.cu"),
                        "-o", ptx], check=True)
        text = open(ptx).read()
    bad = 0
    for k in KERNELS:
        m = re.search(r"\.entry _Z\d+%s[^\n]*\n(.*?)\n}" % k, text, re.S)
        if not m:
            print("check_ctl_ptx: %s not found in the PTX" % k)
            bad = 1
            continue
        depot = re.search(r"__local_depot\d+\[(\d+)\]", m.group(1))
        size = int(depot.group(1)) if depot else 0
        ok = size < TRANSCRIPT_BYTES
        print("%-14s local frame %4d bytes %s" % (k, size, "ok" if ok else
                                                   "HOLDS A TRANSCRIPT (see the comment above "
                                                   "wh_block_pow)"))
        bad |= not ok
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
