#!/usr/bin/env python3
"""Latency model of one warp running a kernel's SASS (nvdisasm -c output), for code whose speed
is its dependent chain (the control kernels' Fiat-Shamir: docs/PERF.md "Warp transcript").

For the kernel's instruction trace (straight-line code; a backward branch's body repeated
--trips times, in the order the loops appear; a called function's body at the call) it prints:
the instructions issued, the longest dependent chain (register dependencies only, the
latencies below), and the cycles of an in-order single-warp issue model: at most one
instruction a cycle, the FMA pipe (IMAD*) and the ALU pipe each busy 2 cycles per warp
instruction (16 lanes a sub-partition on sm_90), an instruction waits for its source registers. The latencies are assumptions (sm_90 microbenchmark orders of
magnitude, --shfl to vary the shuffle's), not measurements: compare two versions under the same
model, and time them on a GPU.

Usage: nvcc -cubin -arch=sm_90a ... -o k.cubin && nvdisasm -c k.cubin > k.sass
       python3 tools/sass_chain.py k.sass KERNEL_SUBSTRING [--trips 4,13,4] [--shfl 24]
"""
import argparse
import re
import sys

FMA = ("IMAD", "HFMA2", "FFMA", "IMUL")
ALU = ("IADD3", "LOP3", "SEL", "SHF", "VIADD", "VIADDMNMX", "IMNMX", "ISETP", "MOV", "LEA",
       "PRMT", "IABS", "PLOP3", "FLO", "POPC", "BMSK", "SGXT", "UIADD3", "UMOV", "ULOP3")
NO_DEST = ("ST", "STG", "STS", "STL", "RED", "BRA", "EXIT", "BAR", "WARPSYNC", "NOP", "RET",
           "CALL", "BSYNC", "YIELD", "MEMBAR", "DEPBAR", "ERRBAR", "CCTL", "BPT")


def latency(op, shfl):
    base = op.split(".")[0]
    if base == "SHFL":
        return shfl
    if base in ("LDG", "LD"):
        return 33  # L1 hit
    if base in ("LDS", "LDL"):
        return 24
    if base in ("LDC", "ULDC"):
        return 8
    if base in ("S2R", "S2UR", "CS2R"):
        return 20
    return 4  # IMAD family and the ALU operations


def pipe(op):
    base = op.split(".")[0]
    if base.startswith(FMA):
        return "fma"
    if base in ALU:
        return "alu"
    return None


def regs(tok, wide=False):
    """registers named by one operand (R2.64 / a .WIDE pair: two)"""
    out = []
    for m in re.finditer(r"\b(U?R\d+|U?P\d)(\.64)?", tok):
        r = m.group(1)
        out.append(r)
        if (m.group(2) or wide) and r.lstrip("U").startswith("R"):
            pre = "UR" if r.startswith("UR") else "R"
            out.append("%s%d" % (pre, int(r[len(pre):]) + 1))
    return out


def split_ops(s):
    ops, depth, cur = [], 0, ""
    for ch in s:
        if ch == "[":
            depth += 1
        elif ch == "]":
            depth -= 1
        if ch == "," and depth == 0:
            ops.append(cur.strip())
            cur = ""
        else:
            cur += ch
    if cur.strip():
        ops.append(cur.strip())
    return ops


def parse(text, kernel):
    lines, on = [], False
    for ln in text.splitlines():
        if ln.startswith(".text."):
            on = kernel in ln
            continue
        if not on:
            continue
        m = re.match(r"\s*/\*([0-9a-f]{4,})\*/\s+(.*?)\s*;", ln)
        if m:
            lines.append((int(m.group(1), 16), m.group(2)))
        elif re.match(r"^(\.L_x_\d+|\$\S+):$", ln.strip()):
            lines.append((None, ln.strip()[:-1]))
    return lines


def trace(lines, trips):
    """the dynamic order: a backward conditional branch repeats its body trips[k] times"""
    labels = {}
    for i, (addr, body) in enumerate(lines):
        if addr is None:
            labels[body] = i
    out, i, k, count, stack = [], 0, 0, {}, []
    while i < len(lines):
        addr, body = lines[i]
        if addr is None:
            i += 1
            continue
        m = re.match(r"CALL\.REL\S*\s+`?\(?(\$[^)`\s]+)", body)
        if m and m.group(1) in labels:  # a called function: its body, then back
            stack.append(i + 1)
            i = labels[m.group(1)]
            continue
        if body.startswith("RET") and stack:
            i = stack.pop()
            continue
        m = re.match(r"(@!?U?P\d\s+)?BRA\s+`?\(?(\.L_x_\d+)", body)
        if m:
            tgt = labels.get(m.group(2), len(lines))
            if tgt < i and m.group(1):  # a loop's back edge
                if i not in count:
                    count[i] = (trips[k] if k < len(trips) else 1) - 1
                    k += 1
                if count[i] > 0:
                    count[i] -= 1
                    i = tgt
                    continue
                i += 1
                continue
            i += 1  # a forward branch: the fall-through path
            continue
        if body.startswith("EXIT"):
            break
        out.append(body)
        i += 1
    return out


def model(insts, shfl):
    ready, pipes = {}, {"fma": 0, "alu": 0}
    t, chain_ready, chain = -1, {}, 0
    for body in insts:
        guard = re.match(r"@!?(U?P\d)\s+", body)
        srcs_extra = [guard.group(1)] if guard else []
        if guard:
            body = body[guard.end():]
        op, _, rest = body.partition(" ")
        ops = split_ops(rest)
        base = op.split(".")[0]
        wide = ".WIDE" in op
        dests, srcs = [], []
        if base not in NO_DEST and not base.startswith("ST") and ops:
            dests = regs(ops[0], wide)
            j = 1
            first_pred = re.match(r"^!?U?P[T\d]", ops[0]) is not None
            while j < len(ops) and (re.match(r"^U?P[T\d]$", ops[j]) or
                                    (first_pred and j == 1)):
                dests += regs(ops[j])
                j += 1
            rest_ops = ops[j:]
        else:
            rest_ops = ops
        for n, o in enumerate(rest_ops):
            pair = base == "IMAD" and (".HI" in op or wide) and n == 2
            srcs += regs(o, pair)
        srcs += srcs_extra
        srcs = [r for r in srcs if r not in ("RZ", "PT", "URZ", "UPT")]
        dests = [r for r in dests if r not in ("RZ", "PT", "URZ", "UPT")]
        lat = latency(op, shfl)
        # dependency-only chain
        c0 = max([chain_ready.get(r, 0) for r in srcs] + [0])
        for r in dests:
            chain_ready[r] = c0 + lat
        chain = max(chain, c0 + lat)
        # in-order issue
        p = pipe(op)
        issue = max([t + 1] + [ready.get(r, 0) for r in srcs + dests] +
                    ([pipes[p]] if p else []))
        if p:
            pipes[p] = issue + 2
        for r in dests:
            ready[r] = issue + lat
        t = issue
    end = max([t + 1] + list(ready.values()))
    return len(insts), chain, end


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("sass")
    ap.add_argument("kernel")
    ap.add_argument("--trips", default="", help="loop trip counts, in order")
    ap.add_argument("--shfl", type=int, default=24, help="shuffle latency (cycles)")
    a = ap.parse_args()
    lines = parse(open(a.sass).read(), a.kernel)
    if not lines:
        print("sass_chain: kernel %s not found" % a.kernel)
        return 1
    trips = [int(x) for x in a.trips.split(",") if x]
    insts = trace(lines, trips)
    n, chain, cyc = model(insts, a.shfl)
    print("%-24s instructions %5d  dependent chain %5d cycles  in-order issue %5d cycles" %
          (a.kernel, n, chain, cyc))
    return 0


if __name__ == "__main__":
    sys.exit(main())
