#!/usr/bin/env python3
"""GPU idle gaps of the last proof in an nsys capture (sqlite export): where the device waits.

  nsys profile -o R --export=sqlite swirl bench keccakf --backend cuda --iters 2
  python3 tools/gpu/gaps.py R.sqlite [min_gap_us]

Takes the kernels and copies after the last gap longer than 3 ms (the last timed run), prints the
span, the busy time (union of kernel and copy intervals), and every idle gap above min_gap_us
(default 8) with the activity before and after it and the host runtime calls that overlap it.
"""
import sqlite3, sys

def main():
    db = sqlite3.connect(sys.argv[1])
    min_gap = float(sys.argv[2]) if len(sys.argv) > 2 else 8.0
    s = dict(db.execute("select id, value from StringIds"))
    ev = []
    for st, en, nm in db.execute("select start, end, shortName from CUPTI_ACTIVITY_KIND_KERNEL"):
        ev.append((st, en, s.get(nm, "?")))
    try:
        for st, en, k, b in db.execute("select start, end, copyKind, bytes from CUPTI_ACTIVITY_KIND_MEMCPY"):
            ev.append((st, en, "memcpy kind %d %d B" % (k, b)))
    except sqlite3.Error:
        pass
    try:
        for st, en, b in db.execute("select start, end, bytes from CUPTI_ACTIVITY_KIND_MEMSET"):
            ev.append((st, en, "memset %d B" % b))
    except sqlite3.Error:
        pass
    ev.sort()
    # the last run: after the last gap > 3 ms
    cut = 0
    end = ev[0][1]
    for i, e in enumerate(ev):
        if e[0] - end > 3e6:
            cut = i
        end = max(end, e[1])
    ev = ev[cut:]
    rt = []
    try:
        for st, en, nm in db.execute("select start, end, nameId from CUPTI_ACTIVITY_KIND_RUNTIME"):
            n = s.get(nm, "?")
            if "Synchronize" in n or "Memcpy" in n or "EventQuery" in n or "Malloc" in n or "Free" in n:
                rt.append((st, en, n))
    except sqlite3.Error:
        pass
    t0, busy, end = ev[0][0], 0, ev[0][0]
    gaps = []
    prev = None
    for e in ev:
        if e[0] > end:
            if (e[0] - end) / 1e3 >= min_gap:
                gaps.append((end, e[0], prev, e[2]))
            busy += e[1] - e[0]
        else:
            busy += max(0, e[1] - end)
        if e[1] > end:
            end = e[1]
            prev = e[2]
    span = end - t0
    print("last run: %d activities, span %.3f ms, device busy %.3f ms, idle %.3f ms" %
          (len(ev), span / 1e6, busy / 1e6, (span - busy) / 1e6))
    tot = 0
    for a, b, p, n in gaps:
        tot += b - a
        calls = sorted({c[2] for c in rt if c[0] < b and c[1] > a})
        print("gap %8.1f us at %8.3f ms: after %s, before %s; host: %s" %
              ((b - a) / 1e3, (a - t0) / 1e6, p[:40], n[:40], ", ".join(calls)[:120]))
    print("gaps >= %.0f us: %d, %.3f ms" % (min_gap, len(gaps), tot / 1e6))

if __name__ == "__main__":
    main()
