#!/usr/bin/env python3
"""Launch census of the device WHIR stage (prover/cuda_whir.cu), read from the code: the number
of kernels (and counted device copies) the stage enqueues, per category, for a parameter set.
`--schedule before` is the schedule of main at e6c6725; `after` the fused one of this branch.
Usage: tools/whir_launches.py [--schedule before|after] (prints the prod and keccakf censuses)."""
import argparse

P = 2013265921


def grind(bits, sched):
    if sched == "after":
        # transcript.cu: one single-block launch up to SMALL bits; else init + one search + apply
        return 1 if bits <= 8 else 3
    if bits == 0:
        return 3
    n, base, count = 2, 0, 1 << min(bits + 4, 30)
    while base < P:
        count = min(count, P - base)
        n += 1
        base += count
        count *= 2
    return n


def ntt(log_n, inverse, sched):
    if log_n == 0:
        return 0
    # the four-step plan (poly/ntt_pass.h): one pass up to 2^12, two up to 2^24, else three
    passes = 1 if log_n <= 12 else 2 if log_n <= 24 else 3
    # twiddles, passes, bit reversal (in_br == out_br), scale (inverse, non-trivial)
    return 1 + passes + 1 + (1 if inverse else 0)


def merkle(cw, rpq):
    qs = cw // rpq
    levels = qs.bit_length()  # log2(qs) + 1
    strided = rpq.bit_length() - 1
    # one launch a layer of more than 512 nodes, then one (k_merkle_tail) for the layers above
    big = sum(1 for l in range(1, levels) if (qs >> l) > 512)
    return {"leaves": 1, "strided folds": strided, "query-layer copy": 1,
            "layers": big + (1 if levels > 1 else 0)}


def census(name, m, l_skip, k, R, q, bits_mu, bits_fold, bits_query, n_commits, sched):
    c = {}

    def add(cat, n):
        c[cat] = c.get(cat, 0) + n

    small = lambda bits: sched == "after" and bits <= 8  # ground inside a control kernel
    n = 1 << m
    if small(bits_mu):
        add("mu PoW + mu (1 block)", 1)
    else:
        add("PoW (mu)", grind(bits_mu, sched))
        add("mu (1 thread)", 1)
    add("batch: mu^j, planes, f/w", 3)
    add("batch: inverse DFT of the 2^l_skip chunks", ntt(l_skip, True, sched))
    if sched == "before":
        add("batch: monomial->hypercube steps", m + l_skip)
    else:
        add("batch: monomial->hypercube steps", -(-m // C2E_TILE))
    length = n
    log_rs = m + 1
    for r in range(R):
        last = r + 1 == R
        for j in range(k):
            add("sumcheck: partial sums", 1)
            add("sumcheck: fold", 1)
            if small(bits_fold):
                add("sumcheck: reduce+observe+PoW+alpha (1 block)", 1)
            else:
                add("sumcheck: reduce+observe (1 block)", 1)
                add("PoW (folding)", grind(bits_fold, sched))
                add("sumcheck: alpha (1 thread)", 1)
            length //= 2
        # coefficients
        if sched == "before":
            add("coefficients: copy + one step per bit", 1 + (length.bit_length() - 1))
        else:
            lg = length.bit_length() - 1
            add("coefficients: copy + steps (tiled passes)", max(1, -(-lg // E2C_TILE)))
        if last:
            add("final polynomial (1 thread)", 1)
        else:
            cw = 1 << (log_rs - 1)
            add("RS encoding: planes, cells", 2)
            add("RS encoding: NTT", ntt(log_rs - 1, False, sched))
            for kk, v in merkle(cw, 1 << k).items():
                add("Merkle: " + kk, v)
            add("root + z0 (1 thread)", 1)
            add("OOD: partial sums + reduce/observe", 2)
        if small(bits_query):
            add("query PoW + indices (1 block)", 1)
        else:
            add("PoW (query)", grind(bits_query, sched))
            add("query indices (1 thread)", 1)
        add("openings gather", n_commits if r == 0 else 1)
        add("gamma (1 thread)", 1)
        if not last:
            add("w update", 1)
        log_rs -= 1
    return c


C2E_TILE = 12
E2C_TILE = 10
SMALL = 1 << 14


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--schedule", default="before", choices=["before", "after"])
    a = ap.parse_args()
    for name, args in [("prod (m 20, k 4, R 5, bits 3/2/1)", (20, 4, 4, 5, [10, 3, 2, 1, 1], 3, 2, 1, 1)),
                       ("keccakf (m 21, k 4, R 4, bits 15/5/20)", (21, 4, 4, 4, [193, 88, 81, 81], 15, 5, 20, 1))]:
        c = census(name, *args, a.schedule)
        print(f"{name}: {sum(c.values())} launches (+ 3 counted copies: 2 uploads, 1 download)")
        for kk, v in c.items():
            print(f"  {v:5d}  {kk}")


if __name__ == "__main__":
    main()
