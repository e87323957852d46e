#!/usr/bin/env bash
# Regenerates the seed corpora of the fuzz targets (fuzz/README.md) from files the `swirl`
# program writes and from the OpenVM reference vectors:
#   fuzz/make_corpus.sh [SWIRL_PROGRAM [OUT_DIR]]     (defaults: build/swirl, fuzz/corpus)
# Files already in OUT_DIR/<target>/ (e.g. crash regressions, crash-*) are kept; the seeds are
# overwritten. Needs python3 (the AIR-JSON header and the .npy shapes).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
SWIRL="$(realpath "${1:-$ROOT/build/swirl}")"
OUT="$(realpath -m "${2:-$ROOT/fuzz/corpus}")"
VEC="$ROOT/tests/vectors/openvm-v2.0.0"
TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT
mkdir -p "$OUT"/{proof,proof_json,vk,air_json,npy,keccak_inputs,system_meta}
T="--security toy"

# (a) proofs: the three AIR sets whose keys the proof target builds (toy parameters, the CLI's
# default rows: these are the only proofs it may accept), and keccakf (decoding only)
for air in fib interactions self-interaction; do
  "$SWIRL" prove "$air" $T --out "$OUT/proof/$air.proof" --quiet --threads 1 --backend cpu
done
"$SWIRL" prove keccakf $T --perms 1 --out "$OUT/proof/keccakf-1.proof" --quiet --threads 1 --backend cpu

# (a') the proofs' JSON (swirl inspect --json; the proof_json target also replays the proof bytes)
for air in fib interactions; do
  "$SWIRL" inspect "$OUT/proof/$air.proof" --json >"$OUT/proof_json/$air.json"
done

# (b) verifying keys of every built-in (toy; the small sets also at 100-bit security)
for air in fib interactions self-interaction keccakf; do
  "$SWIRL" keygen "$air" $T --vk "$OUT/vk/$air-toy.vk" >/dev/null
done
for air in fib interactions self-interaction; do
  "$SWIRL" keygen "$air" --vk "$OUT/vk/$air-100.vk" >/dev/null
done

# (c) DAG JSON and .npy: the reference vectors' systems and the small built-ins as system
# directories (keccakf's DAG is 3 MB: left out)
for air in fib interactions self-interaction; do
  "$SWIRL" keygen "$air" $T --dump-system "$TMP/sys-$air" >/dev/null
done
python3 - "$VEC" "$TMP" "$OUT" <<'PY'
import ast, hashlib, json, os, struct, sys
vec, tmp, out = sys.argv[1:4]

def npy_shape(path):
    b = open(path, 'rb').read()
    if b[6] == 1:
        hl, off = struct.unpack('<H', b[8:10])[0], 10
    else:
        hl, off = struct.unpack('<I', b[8:12])[0], 12
    return ast.literal_eval(b[off:off + hl].decode('latin1'))['shape']

def add(target, data, name):
    # content-addressed names (as libFuzzer's) keep duplicates out
    h = hashlib.sha1(data).hexdigest()[:16]
    with open(os.path.join(out, target, f'{name}-{h}'), 'wb') as f:
        f.write(data)

systems = [(os.path.join(vec, d), 'vec-' + d) for d in sorted(os.listdir(vec))
           if os.path.isdir(os.path.join(vec, d))]
systems += [(os.path.join(tmp, d), d) for d in sorted(os.listdir(tmp))]
seen = set()
for sysdir, tag in systems:
    meta_path = os.path.join(sysdir, 'meta.json')
    meta = json.load(open(meta_path)) if os.path.exists(meta_path) else {}
    degree = meta.get('params', {}).get('max_constraint_degree', 3)
    for root, _, files in os.walk(sysdir):
        for f in sorted(files):
            p = os.path.join(root, f)
            data = open(p, 'rb').read()
            if f.endswith('.npy'):
                if data not in seen:
                    seen.add(data)
                    add('npy', data, f'{tag}-{f[:-4]}')
            elif f.startswith('constraints_') and f.endswith('.json'):
                i = int(f[len('constraints_'):-len('.json')])
                air = meta['airs'][i]
                width = air.get('width')
                if width is None:
                    width = npy_shape(os.path.join(root, f'trace_{i}.npy'))[1]
                hdr = struct.pack('<HBB', width, len(air['public_values']), degree)
                if hdr + data not in seen:
                    seen.add(hdr + data)
                    add('air_json', hdr + data, f'{tag}-{f[:-5]}')
PY

# (c') meta.json next to the prove vector's inputs (the system_meta target's fixed files): its own
# and the zerocheck vector's (same inputs); the key of that system joins the vk seeds
cp "$VEC/prove/meta.json" "$OUT/system_meta/vec-prove-meta.json"
cp "$VEC/zerocheck/meta.json" "$OUT/system_meta/vec-zerocheck-meta.json"
mkdir -p "$TMP/vecsys/inputs"
cp "$VEC/prove/meta.json" "$TMP/vecsys/"
cp "$VEC/prove/inputs/"* "$TMP/vecsys/inputs/"
"$SWIRL" keygen --system "$TMP/vecsys" --vk "$TMP/vecsys.vk" >/dev/null
cp "$TMP/vecsys.vk" "$OUT/vk/vec-prove.vk"

# (d) keccakf inputs files: OpenVM's first permutations in hex and decimal, comments, a zero line
python3 - "$ROOT/src/air/keccakf_inputs_1024.h" "$OUT/keccak_inputs" <<'PY'
import re, sys
src, out = sys.argv[1:3]
words = [int(w, 16) for w in re.findall(r'0x([0-9a-fA-F]+)', open(src).read())]
perms = [words[i:i + 25] for i in range(0, 75, 25)]
with open(f'{out}/openvm-3-hex.txt', 'w') as f:
    f.write('# OpenVM keccakf inputs 0..2 (StdRng seed 42)\n\n')
    for p in perms:
        f.write(' '.join(f'0x{w:016x}' for w in p) + '\n')
with open(f'{out}/openvm-1-dec.txt', 'w') as f:
    f.write('\t'.join(str(w) for w in perms[0]) + '\r\n')
with open(f'{out}/mixed.txt', 'w') as f:
    f.write('# zeros, then maxima\n' + ' '.join(['0'] * 25) + '\n')
    f.write('  ' + ' '.join(['0xFFFFFFFFFFFFFFFF', '18446744073709551615'] * 12 + ['0x1']) + '  \n#end')
PY
echo "corpus written to $OUT:"
for t in proof proof_json vk air_json npy keccak_inputs system_meta; do
  echo "  $t: $(ls "$OUT/$t" | wc -l) files, $(du -sh "$OUT/$t" | cut -f1)"
done
