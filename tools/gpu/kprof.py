#!/usr/bin/env python3
"""Per-kernel GPU time of one proof from an ncu CSV (tools/gpu/session.sh kprof):
  ncu --csv --metrics gpu__time_duration.sum ... > FILE.csv ; kprof.py FILE.csv [top]
Prints every kernel name (template arguments kept, parameters dropped) with its launch count,
total and mean duration, and its share of the proof's summed kernel time, largest first.
ncu serialises the kernels, so the sum is the kernels' own time without overlap or host gaps."""
import csv, sys
from collections import defaultdict

def main():
    path = sys.argv[1]
    top = int(sys.argv[2]) if len(sys.argv) > 2 else 40
    rows = []
    with open(path, newline="") as f:
        lines = [l for l in f if l.startswith('"')]  # drop ncu's ==PROF== lines
    for r in csv.DictReader(lines):
        if r.get("Metric Name") != "gpu__time_duration.sum":
            continue
        unit = r.get("Metric Unit", "nsecond")
        v = float(r["Metric Value"].replace(",", ""))
        ns = v * {"nsecond": 1, "usecond": 1e3, "msecond": 1e6, "second": 1e9}.get(unit, 1)
        name = r["Kernel Name"].split("(")[0]
        rows.append((name, ns))
    agg = defaultdict(lambda: [0, 0.0])
    for name, ns in rows:
        agg[name][0] += 1
        agg[name][1] += ns
    total = sum(ns for _, ns in rows)
    print("%d launches, %.3f ms summed kernel time" % (len(rows), total / 1e6))
    print("%-44s %6s %10s %10s %6s" % ("kernel", "count", "total ms", "mean us", "share"))
    for name, (n, ns) in sorted(agg.items(), key=lambda kv: -kv[1][1])[:top]:
        print("%-44s %6d %10.3f %10.1f %5.1f%%" % (name[:44], n, ns / 1e6, ns / n / 1e3,
                                                   100 * ns / total if total else 0))

if __name__ == "__main__":
    main()
