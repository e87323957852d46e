#!/usr/bin/env python3
"""Sums an ncu CSV (`ncu --csv --metrics A,B,...`) per kernel name and metric:
  ncu_sum.py FILE.csv
Kernel names keep their template arguments (the parameter list is dropped); byte, time and count
metrics are summed over the launches, percentages averaged. One line per kernel and metric."""
import csv, sys
from collections import defaultdict

SCALE = {"byte": 1, "Kbyte": 1e3, "Mbyte": 1e6, "Gbyte": 1e9,
         "nsecond": 1, "usecond": 1e3, "msecond": 1e6, "second": 1e9}

def kname(full):
    # drop the trailing "(params)": the last top-level parenthesis group
    depth = 0
    for i in range(len(full) - 1, -1, -1):
        c = full[i]
        if c == ")":
            depth += 1
        elif c == "(":
            depth -= 1
            if depth == 0:
                return full[:i].replace("void ", "").strip()
    return full

def main():
    with open(sys.argv[1], newline="") as f:
        lines = [l for l in f if l.startswith('"')]
    agg = defaultdict(lambda: [0, 0.0, ""])
    for r in csv.DictReader(lines):
        m, unit = r.get("Metric Name"), r.get("Metric Unit", "")
        try:
            v = float(r["Metric Value"].replace(",", ""))
        except ValueError:
            continue
        if unit in SCALE:
            v *= SCALE[unit]
            unit = "B" if "byte" in unit else "ns"
        a = agg[(kname(r["Kernel Name"]), m)]
        a[0] += 1
        a[1] += v
        a[2] = unit
    for (k, m), (n, v, unit) in sorted(agg.items()):
        if unit == "%":
            print("%-70s %-45s n=%-4d mean %.1f %%" % (k[:70], m, n, v / n))
        elif unit == "B":
            print("%-70s %-45s n=%-4d sum %.1f MB" % (k[:70], m, n, v / 1e6))
        elif unit == "ns":
            print("%-70s %-45s n=%-4d sum %.1f us" % (k[:70], m, n, v / 1e3))
        else:
            print("%-70s %-45s n=%-4d sum %.4g %s" % (k[:70], m, n, v, unit))

if __name__ == "__main__":
    main()
