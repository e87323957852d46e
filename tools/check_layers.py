#!/usr/bin/env python3
"""Checks libswirl's layering rule (docs/ARCHITECTURE.md, "Layers"): a file under src/<dir>/ may
include headers of its own directory and of the layers below it, never of a layer above or beside
it. Prints every include that goes against the rule and exits 1 if there is any.

Usage: tools/check_layers.py [SRC_DIR]   (default: the src/ next to this script)"""
import os
import re
import sys

# lowest first; a directory may include itself and anything of a lower rank
LAYERS = [
    ("swirl", -1),     # include/swirl: the public headers (they include nothing internal)
    ("util", 0),
    ("field", 1),
    ("hash", 2),
    ("transcript", 3),
    ("poly", 4),
    ("air", 5),
    ("device", 6),     # the backend table over typed buffers: cpu/, cuda/
    ("pcs", 7),
    ("protocol", 8),   # verifiers, codecs, what prover and verifier share
    ("prover", 9),     # stage drivers, the stage table, the flow
    ("api", 10),       # the public API's implementation (include/swirl)
]
RANK = dict(LAYERS)
INCLUDE = re.compile(r'^\s*#\s*include\s+"([a-z_]+)/')


def main():
    src = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..", "src")
    bad = []
    for root, _, files in os.walk(src):
        rel = os.path.relpath(root, src)
        top = rel.split(os.sep)[0]
        if top == ".":
            continue
        if top not in RANK:
            bad.append("%s: directory '%s' has no layer (add it to tools/check_layers.py)" % (rel, top))
            continue
        for name in sorted(files):
            if not name.endswith((".c", ".h", ".cu", ".cuh")):
                continue
            path = os.path.join(root, name)
            with open(path, encoding="utf-8") as f:
                for lineno, line in enumerate(f, 1):
                    m = INCLUDE.match(line)
                    if not m:
                        continue
                    dep = m.group(1)
                    if dep not in RANK:
                        bad.append("%s:%d: includes '%s/', which has no layer" % (path, lineno, dep))
                    elif dep != top and RANK[dep] >= RANK[top]:
                        bad.append("%s:%d: %s (layer %d) includes %s/ (layer %d)"
                                   % (os.path.relpath(path, os.path.join(src, "..")), lineno, top,
                                      RANK[top], dep, RANK[dep]))
    for b in bad:
        print(b)
    print("layers: %d violation(s)" % len(bad))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
