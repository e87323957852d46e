#!/usr/bin/env bash
# `swirl inspect --json`, `swirl encode-json` and `--transcript-log` (prove and verify): the JSON
# is valid, has OpenVM's top-level keys and the key's pre-hash, and encodes back to the proof's
# bytes (with and without the key); edited JSON is refused with its path or, when well formed,
# encodes to a proof the verifier rejects; the transcript logs are OpenVM's .npy layout, the
# prover's and verifier's are identical, and a proof's first 8 logged values are the key's
# pre-hash. Needs python3 (standard library only) to read JSON and .npy.
# Usage: test_swirl_json.sh BUILD_DIR
set -u
. "$(dirname "$0")/lib.sh"
cli_setup "$1"
vectors="$(cd "$(dirname "$0")/../vectors/openvm-v2.0.0" && pwd)"
command -v python3 >/dev/null || { echo "SKIP: no python3"; exit 77; }
# check NAME PYTHON_SNIPPET ARGS...: the snippet (argv[1:] = ARGS) exits 0
check() {
    local name=$1 code=$2; shift 2
    if python3 -c "$code" "$@" >"$tmp/py" 2>&1; then ok "$name"
    else bad "$name: $(tail -c 400 "$tmp/py")"; fi
}

cd "$tmp"
T="--security toy"

# help
run 0 "--json" "" inspect --help
run 0 "usage: swirl encode-json" "" encode-json --help
run 0 "--transcript-log DIR" "" prove --help
run 0 "--transcript-log DIR" "" verify --help
run 2 "" "encode-json needs a JSON_FILE and --out" encode-json x.json

# the proof as JSON, and back
run 0 "wrote V" "" keygen fib $T --vk V
prehash=$(sed -n 's/.*pre-hash \([0-9a-f]\{64\}\).*/\1/p' "$tmp/out")
[ ${#prehash} -eq 64 ] && ok "keygen printed the pre-hash" || bad "no pre-hash in keygen's output"
run 0 "wrote P" "" prove fib $T --out P --quiet --transcript-log logs/prove
"$bin" inspect P --json --vk V >P.json 2>err && ok "inspect --json --vk" || bad "inspect --json --vk: $(cat err)"
check "inspect --json prints valid JSON" 'import json,sys; json.load(sys.stdin)' <P.json
check "top-level keys are OpenVM's Proof fields, plus vk_pre_hash" '
import json, sys
d = json.load(open(sys.argv[1]))
want = ["common_main_commit", "trace_vdata", "public_values", "gkr_proof",
        "batch_constraint_proof", "stacking_proof", "whir_proof", "vk_pre_hash"]
assert list(d) == want, list(d)
assert sorted(d["whir_proof"]) == sorted(["mu_pow_witness", "whir_sumcheck_polys",
    "codeword_commits", "ood_values", "folding_pow_witnesses", "query_phase_pow_witnesses",
    "initial_round_opened_rows", "initial_round_merkle_proofs", "codeword_opened_values",
    "codeword_merkle_proofs", "final_poly"]), list(d["whir_proof"])
assert d["trace_vdata"][0]["log_height"] > 0 and len(d["common_main_commit"]) == 8
assert all(len(e) == 4 for e in d["whir_proof"]["final_poly"])
' P.json
check "vk_pre_hash is the pre-hash keygen printed" '
import json, sys
d = json.load(open(sys.argv[1]))
assert "".join("%08x" % v for v in d["vk_pre_hash"]) == sys.argv[2], d["vk_pre_hash"]
' P.json "$prehash"
"$bin" inspect P --json >P_nokey.json 2>err && ok "inspect --json without a key" || bad "inspect --json: $(cat err)"
check "without --vk: the same JSON, no vk_pre_hash" '
import json, sys
a = json.load(open(sys.argv[1])); b = json.load(open(sys.argv[2]))
del a["vk_pre_hash"]; assert a == b
' P.json P_nokey.json
run 0 "fits the key" "" encode-json P.json --vk V --out P2
cmp -s P P2 && ok "encode-json gives the proof's bytes" || bad "encode-json bytes differ"
run 0 "no key" "" encode-json P_nokey.json --out P3
cmp -s P P3 && ok "encode-json without a key gives the same bytes" || bad "keyless bytes differ"
run 0 "accepted" "" verify --vk V P2

# edited JSON: a value >= p, a missing key, not JSON; a well-formed edit the verifier rejects
python3 -c '
import json, sys
d = json.load(open("P.json"))
d["whir_proof"]["final_poly"][1][2] = 2013265921; json.dump(d, open("big.json", "w"))
d = json.load(open("P.json")); del d["gkr_proof"]["q0_claim"]; json.dump(d, open("miss.json", "w"))
d = json.load(open("P.json")); d["public_values"][0][2] = (d["public_values"][0][2] + 1) % 2013265921
json.dump(d, open("pv.json", "w"))'
run 2 "" '$.whir_proof.final_poly[1][2]: not a canonical' encode-json big.json --vk V --out X
run 2 "" '$.gkr_proof.q0_claim: missing' encode-json miss.json --out X
printf '{"common_main_commit": [1,2' >trunc.json
run 2 "" "not JSON" encode-json trunc.json --out X
[ -e X ] && bad "a refused encode-json left X behind" || ok "refused encode-json wrote nothing"
run 0 "" "" encode-json pv.json --vk V --out Ppv
run 1 "rejected" "" verify --vk V Ppv --transcript-log logs/rejected
[ -s logs/rejected/transcript_values.npy ] && ok "a rejected proof's verifier log is written" ||
    bad "no log for the rejected proof"
run 0 "" "" keygen interactions $T --vk IV
run 2 "" "does not fit the key" encode-json P.json --vk IV --out X
run 2 "" "does not fit the key" inspect P --json --vk IV
head -c 1000 P >Ptrunc
run 2 "" "malformed" inspect Ptrunc --json

# a system with a bus: JSON round trip
run 0 "" "" prove interactions $T --rows 16 --out IP --quiet
"$bin" inspect IP --json --vk IV >IP.json 2>err && ok "inspect --json (interactions)" || bad "$(cat err)"
check "GKR layers present with OpenVM's claim names" '
import json, sys
d = json.load(open(sys.argv[1]))
c = d["gkr_proof"]["claims_per_layer"]
assert len(c) > 1 and sorted(c[0]) == ["p_xi_0", "p_xi_1", "q_xi_0", "q_xi_1"]
assert [len(r) for r in d["gkr_proof"]["sumcheck_polys"]] == list(range(1, len(c)))
' IP.json
run 0 "" "" encode-json IP.json --vk IV --out IP2
cmp -s IP IP2 && ok "interactions proof: the same bytes" || bad "interactions bytes differ"

# transcript logs
run 0 "accepted" "" verify --vk V P --transcript-log logs/verify
for f in transcript_values transcript_is_sample transcript_perm_results; do
    cmp -s "logs/prove/$f.npy" "logs/verify/$f.npy" && ok "prover's and verifier's $f.npy identical" ||
        bad "$f.npy differs between prover and verifier"
done
npy='
import ast, struct, sys
def load(path):
    b = open(path, "rb").read()
    assert b[:6] == b"\x93NUMPY", "magic"
    major = b[6]
    hl, off = (struct.unpack("<H", b[8:10])[0], 10) if major == 1 else (struct.unpack("<I", b[8:12])[0], 12)
    h = ast.literal_eval(b[off:off + hl].decode("latin1"))
    assert (off + hl) % 64 == 0 and b[off + hl - 1:off + hl] == b"\n", "header padding"
    data = b[off + hl:]
    size = {"<u4": 4, "|u1": 1}[h["descr"]]
    n = 1
    for s in h["shape"]:
        n *= s
    assert not h["fortran_order"] and len(data) == n * size, (h, len(data))
    fmt = "<%d%s" % (n, "I" if size == 4 else "B")
    return h, struct.unpack(fmt, data)
'
check "the logs parse: <u4 (n,), |u1 (n,), <u4 (n_perms, 16)" "$npy"'
d = sys.argv[1]
hv, v = load(d + "/transcript_values.npy")
hs, s = load(d + "/transcript_is_sample.npy")
hp, p = load(d + "/transcript_perm_results.npy")
assert hv["descr"] == "<u4" and hs["descr"] == "|u1" and hp["descr"] == "<u4"
assert len(hv["shape"]) == 1 and hs["shape"] == hv["shape"] and hv["shape"][0] > 8
assert len(hp["shape"]) == 2 and hp["shape"][1] == 16 and hp["shape"][0] > 0
assert set(s) <= {0, 1} and 1 in s and all(x < 2013265921 for x in v + p)
assert s[:8] == (0,) * 8
' logs/prove
check "headers laid out as the reference vectors'" "$npy"'
ref, mine = sys.argv[1], sys.argv[2]
for f in ("transcript_values", "transcript_is_sample", "transcript_perm_results"):
    a = open(ref + "/" + f + ".npy", "rb").read(128); b = open(mine + "/" + f + ".npy", "rb").read(128)
    assert a[:10] == b[:10], f
    ha, hb = load(ref + "/" + f + ".npy")[0], load(mine + "/" + f + ".npy")[0]
    assert ha["descr"] == hb["descr"] and len(ha["shape"]) == len(hb["shape"]), f
' "$vectors/logup_gkr/outputs" logs/prove
check "the first 8 logged values are the key's pre-hash" "$npy"'
hv, v = load(sys.argv[1] + "/transcript_values.npy")
assert "".join("%08x" % x for x in v[:8]) == sys.argv[2], v[:8]
' logs/prove "$prehash"
: >afile
run 2 "" "afile" prove fib $T --out P4 --quiet --transcript-log afile/sub

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
