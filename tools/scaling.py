#!/usr/bin/env python3
"""How the prover's cost grows with size (issue 14): runs `swirl bench` over keccakf permutation
counts and, given OpenVM's benchmark-system generator, over Fibonacci-system heights, and writes

  OUT/scaling.csv   workload, size, stage, median ms (one row per stage)
  OUT/scaling.md    the same as a Markdown table (one row per run, one column per stage)
  OUT/scaling.svg   time per stage against size, log-log, one panel per workload (matplotlib,
                    Debian's python3-matplotlib; skipped with a message when it is missing)
  OUT/<run>.json    each run's metrics file (spans, GPU stage trace, peak device memory)

Usage:
  tools/scaling.py --from-csv OUT/scaling.csv --out OUT   (only the plot, from a table written
                   before, e.g. one brought back from the device without its figure)
  tools/scaling.py --swirl build/swirl --out OUT [--backend cuda] [--iters 5]
                   [--perms 128,256,512,1024]
                   [--fib-script ../shared/bench/make_fib_system.py --fib-logs 14,16,18,20]
Nothing here reads outside data unless told: the Fibonacci systems are written by the script
given with --fib-script (OpenVM's "prod" workload, n_stack 16) into OUT.
"""
import argparse
import csv
import json
import os
import subprocess
import sys

STAGES = ["stark_prove_excluding_trace", "prover.main_trace_commit", "prover.rap_constraints",
          "prover.openings.stacked_reduction", "prover.openings.whir"]


def bench(swirl, target, backend, iters, metrics):
    cmd = [swirl, "bench"] + target + ["--backend", backend, "--iters", str(iters),
                                       "--metrics", metrics]
    r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if r.returncode != 0:
        sys.exit("scaling.py: %s failed (exit %d):\n%s" % (" ".join(cmd), r.returncode,
                                                          r.stderr[-2000:]))
    with open(metrics) as f:
        m = json.load(f)
    return {s: m["spans"][s]["median_ms"] for s in STAGES if s in m["spans"]}, m


def plot(rows, path):
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("scaling.py: matplotlib not found (apt-get install python3-matplotlib): no plot")
        return False
    workloads = sorted({r[0] for r in rows})
    fig, axes = plt.subplots(1, len(workloads), figsize=(6 * len(workloads), 4.5), squeeze=False)
    for ax, w in zip(axes[0], workloads):
        for s in STAGES:
            pts = sorted((r[1], r[3]) for r in rows if r[0] == w and r[2] == s)
            if pts:
                ax.plot([p[0] for p in pts], [p[1] for p in pts], marker="o",
                        label=s.replace("prover.", ""))
        ax.set_xscale("log", base=2)
        ax.set_yscale("log")
        ax.set_xlabel("permutations" if w == "keccakf" else "Fibonacci rows")
        ax.set_ylabel("median ms")
        ax.set_title(w)
        ax.grid(True, which="both", alpha=0.3)
        ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path)
    return True


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--swirl")
    ap.add_argument("--from-csv")
    ap.add_argument("--out", required=True)
    ap.add_argument("--backend", default="auto")
    ap.add_argument("--iters", type=int, default=3)
    ap.add_argument("--perms", default="128,256,512,1024")
    ap.add_argument("--fib-script")
    ap.add_argument("--fib-logs", default="14,16,18,20")
    a = ap.parse_args()
    os.makedirs(a.out, exist_ok=True)
    if a.from_csv:
        try:
            with open(a.from_csv) as f:
                rows = [(r["workload"], int(r["size"]), r["stage"], float(r["median_ms"]))
                        for r in csv.DictReader(f)]
        except OSError as e:
            sys.exit("scaling.py: cannot read %s: %s" % (a.from_csv, e.strerror))
        except (KeyError, TypeError, ValueError) as e:
            sys.exit("scaling.py: %s is not a scaling table (workload,size,stage,median_ms): %s"
                     % (a.from_csv, e))
        drew = plot(rows, os.path.join(a.out, "scaling.svg"))
        print("scaling.py: %s" % ("wrote %s/scaling.svg" % a.out if drew else "no plot"))
        return
    if not a.swirl:
        ap.error("--swirl is required (or --from-csv)")
    rows = []  # (workload, size, stage, ms)
    runs = []  # (workload, size, {stage: ms}, peak bytes)
    for p in [int(x) for x in a.perms.split(",") if x]:
        med, m = bench(a.swirl, ["keccakf", "--perms", str(p)], a.backend, a.iters,
                       os.path.join(a.out, "keccakf_%d.json" % p))
        runs.append(("keccakf", p, med, m.get("peak_device_bytes", 0)))
    if a.fib_script:
        for lg in [int(x) for x in a.fib_logs.split(",") if x]:
            d = os.path.join(a.out, "fib_%d" % lg)
            subprocess.run([sys.executable, a.fib_script, d, str(lg), "16"], check=True)
            med, m = bench(a.swirl, ["--system", d], a.backend, a.iters,
                           os.path.join(a.out, "fib_%d.json" % lg))
            runs.append(("fib", 1 << lg, med, m.get("peak_device_bytes", 0)))
    for w, size, med, _ in runs:
        for s, ms in med.items():
            rows.append((w, size, s, ms))
    with open(os.path.join(a.out, "scaling.csv"), "w", newline="") as f:
        wr = csv.writer(f)
        wr.writerow(["workload", "size", "stage", "median_ms"])
        wr.writerows(rows)
    with open(os.path.join(a.out, "scaling.md"), "w") as f:
        f.write("| workload | size | " + " | ".join(s.replace("prover.", "") for s in STAGES) +
                " | peak device MiB |\n")
        f.write("| --- | --- |" + " --- |" * (len(STAGES) + 1) + "\n")
        for w, size, med, peak in runs:
            f.write("| %s | %d | %s | %.0f |\n" % (w, size, " | ".join(
                "%.1f" % med[s] if s in med else "-" for s in STAGES), peak / 2**20))
    drew = plot(rows, os.path.join(a.out, "scaling.svg"))
    print("scaling.py: wrote %s/scaling.csv, scaling.md%s" % (a.out, ", scaling.svg" if drew else ""))


if __name__ == "__main__":
    main()
