#!/usr/bin/env python3
"""The device control kernels keep their transcript in shared memory only.

Every control kernel runs its Fiat-Shamir steps on one warp in the transcript's warp mode
(device/cuda/ts_warp.cuh): ONE swirl_transcript in shared memory, no thread-local copy. History:
prover/cuda_whir.cu's k_wh_sc_ctl once kept a thread-local copy on each side of a block grind,
and nvcc 13.0 -O3 gave its dynamically indexed observed value the local slot of the live
transcript copy (the second sumcheck value overwrote state[0..3] before it was absorbed): a
miscompile that no CPU twin can see. This compiles the files with control kernels to PTX (no GPU
needed) and fails when one of the kernels below has a local frame (__local_depot) large enough
to hold a swirl_transcript (104 bytes), i.e. when a local transcript object is back.
(k_rap_ctl_round and k_rap_ctl_round0 are not listed: their round-polynomial arrays are local.)

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

KERNELS = {
    "src/prover/cuda_whir.cu": ("k_wh_mu", "k_wh_sc_ctl", "k_wh_alpha", "k_wh_commit",
                                "k_wh_ood_ctl", "k_wh_final", "k_wh_queries", "k_wh_gamma"),
    "src/prover/cuda_rap.cu": ("k_rap_ctl_pow", "k_rap_ctl_challenges"),
    "src/device/cuda/gkr.cu": ("k_gkr_root", "k_gkr_reduce", "k_gkr_tail"),
    "src/device/cuda/stacked_reduction.cu": ("k_sr_lambda", "k_sr_round0_ctl", "k_sr_round_ctl",
                                             "k_sr_openings"),
    "src/device/cuda/transcript.cu": ("k_ts_script", "k_ts_grind_block", "k_ts_grind_apply"),
}
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
    bad = 0
    for src, kernels in KERNELS.items():
        with tempfile.TemporaryDirectory() as d:
            ptx = os.path.join(d, "ctl.ptx")
            subprocess.run([a.nvcc, "-O3", "-DNDEBUG", "-DSWIRL_HAVE_CUDA=1",
                            "-I" + os.path.join(root, "include"), "-I" + os.path.join(root, "src"),
                            "-arch=" + a.arch, "-ptx", os.path.join(root, src), "-o", ptx],
                           check=True)
            text = open(ptx).read()
        for k in kernels:
            m = re.search(r"\.entry _Z\d+%s[^\n]*\n(.*?)\n}" % k, text, re.S)
            if not m:
                print("check_ctl_ptx: %s not found in the PTX of %s" % (k, src))
                bad = 1
                continue
            depot = re.search(r"__local_depot\d+\[(\d+)\]", m.group(1))
            size = int(depot.group(1)) if depot else 0
            ok = size < TRANSCRIPT_BYTES
            print("%-20s local frame %4d bytes %s" % (k, size, "ok" if ok else
                                                       "HOLDS A TRANSCRIPT (see this tool's "
                                                       "comment)"))
            bad |= not ok
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
