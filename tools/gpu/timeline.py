#!/usr/bin/env python3
"""Where the GPU waits for the host, from a SWIRL_CUDA_TIMELINE file (src/device/cuda/timeline.cu).

usage: tools/gpu/timeline.py FILE [--min-gap US]

Prints the idle gaps longer than --min-gap microseconds (default 5) between one launch's or
copy's `after` event and the next one's `before` event, with the host marks (stage boundaries,
syncs, the openings' join) that fall between them, and the totals by the stage they precede.
"""
import csv
import sys


def main():
    args = sys.argv[1:]
    if not args:
        print(__doc__)
        return 2
    min_gap = 5.0
    if "--min-gap" in args:
        i = args.index("--min-gap")
        min_gap = float(args[i + 1])
        del args[i:i + 2]
    rows = list(csv.DictReader(open(args[0])))
    for r in rows:
        for k in ("host_us", "gpu_before_us", "gpu_after_us"):
            r[k] = float(r[k])
    dev = [r for r in rows if r["kind"] != "m" and r["gpu_before_us"] >= 0]
    if not dev:
        print("no device records")
        return 1
    # host clock -> GPU clock: the smallest gpu_before - host (an idle stream's launch latency)
    off = min(r["gpu_before_us"] - r["host_us"] for r in dev)
    stage = "(before the first stage)"
    busy = 0.0
    gaps = []
    by_stage = {}
    prev = None
    marks = []
    for r in rows:
        if r["kind"] == "m":
            if r["name"] not in ("sync", "synced", "stage_end", "observe_join", "observe_joined"):
                stage = r["name"]
            marks.append("%s@%.0f" % (r["name"], r["host_us"] + off))
            continue
        if r["gpu_before_us"] < 0:
            continue
        busy += r["gpu_after_us"] - r["gpu_before_us"]
        if prev is not None:
            g = r["gpu_before_us"] - prev["gpu_after_us"]
            if g >= min_gap:
                gaps.append((g, prev["name"], r["name"], stage, prev["gpu_after_us"], list(marks)))
                by_stage[stage] = by_stage.get(stage, 0.0) + g
        marks = []
        prev = r
    t0 = dev[0]["gpu_before_us"]
    t1 = max(r["gpu_after_us"] for r in dev)
    print("GPU span %.1f us, busy %.1f us (launches and copies), idle gaps >= %.0f us: %.1f us in %d"
          % (t1 - t0, busy, min_gap, sum(g[0] for g in gaps), len(gaps)))
    print("\nidle by the stage the gap falls in:")
    for s, g in sorted(by_stage.items(), key=lambda x: -x[1]):
        print("  %8.1f us  %s" % (g, s))
    print("\ngaps (us, at GPU time, after -> before, host marks between):")
    for g, a, b, s, at, mk in gaps:
        print("  %7.1f at %8.1f  %s -> %s  [%s] %s" % (g, at, a, b, s, " ".join(mk)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
