#!/usr/bin/env python3
"""Mutation testing of libswirl's verifiers: every check a verifier makes must be exercised by a
test (issue 15 item 4).

Each entry of MUTATIONS disables one check with a small textual replacement (the condition of an
`if (...) return REJECT(...)` replaced by 0, a verification call skipped). The script copies the
tracked tree to a scratch directory, configures one CPU build there (Release, no CUDA, no
benchmarks), then for each mutation: applies it, rebuilds incrementally (the library and the
verifier-related test executables only), runs those tests one at a time (the malicious-prover tests
first, stopping at the first failure), and restores the file. A mutation is KILLED when a test fails
(or times out), SURVIVED when every test passes. The source tree itself is never modified.

Entries marked `unreachable` are checks kept as defence in depth that no proof can reach (the
reason is printed); they are listed but not run and do not count in the score.

Exit status: 0 when every listed (reachable) check is killed; 1 when one survives; 2 on a setup
error (an entry whose text is not found exactly once, a mutant that does not compile, a baseline
test failing).

Usage: tools/mutate_verifier.py [--workdir DIR] [--jobs N] [--only S1,S2] [--list] [--keep]
"""
import argparse
import os
import shutil
import subprocess
import sys
import time

# The verifier-related test executables, the fastest killers first. test_malicious holds the
# malicious-prover tests, each asserting the message of the check it targets.
TESTS = [
    "test_malicious",
    "test_gkr",
    "test_zerocheck",
    "test_stacked_reduction",
    "test_flow",
    "test_openvm_proof",
    "test_pipeline",
    "test_whir",
    "test_backend",
    "test_flow_partitions",
    "test_api",
]
# the proof decoder's checks are also exercised by the codec tests
CODEC_TESTS = ["test_malicious", "test_proof_codec"]
TEST_TIMEOUT_S = 300


def M(ident, path, old, new, tests=None, unreachable=None):
    return {"id": ident, "path": path, "old": old, "new": new, "tests": tests or TESTS,
            "unreachable": unreachable}


FLOW = "src/protocol/flow.c"
GKR = "src/protocol/gkr.c"
ZC = "src/protocol/zerocheck.c"
SR = "src/pcs/stacked_reduction.c"
WHIR = "src/pcs/whir.c"
CODEC = "src/protocol/codec_proof.c"

MUTATIONS = [
    # ---- protocol/flow.c: the key's checks (swirl_flow_check_vk) -------------------------------
    M("flow.vk.no_airs", FLOW, "if (vk->n_airs == 0)", "if (0)"),
    M("flow.vk.preprocessed_flag", FLOW,
      "if ((va->air->preprocessed_width > 0) != (va->has_preprocessed != 0))", "if (0)"),
    M("flow.vk.preprocessed_dim", FLOW,
      """        if (va->has_preprocessed &&
            (va->preprocessed_hypercube_dim < -(long long)vk->params.l_skip ||
             va->preprocessed_hypercube_dim > max_dim))""",
      """        if (0 && max_dim)"""),
    M("flow.vk.preprocessed_stacking_width", FLOW,
      "if (part == 0 && lays[n_lays].width != va->preprocessed_stacking_width) {",
      "if (0) {"),
    # ---- protocol/flow.c: the proof's per-AIR data against the key ------------------------------
    M("flow.trace_heights_too_large", FLOW, "if (sum >= vk->thc[c].threshold)", "if (0)"),
    M("flow.n_airs", FLOW,
      "if (proof->n_airs != n || !proof->log_heights || !proof->public_values || !proof->present)",
      "if (0)"),
    M("flow.presence_flag", FLOW, "if (proof->present[i] > 1)", "if (0)"),
    M("flow.required_air_absent", FLOW,
      "if (!proof->present[i] && vk->per_air[i].is_required)\n            return", "if (0)\n            return"),
    M("flow.absent_air_cached", FLOW,
      """            if (cc)
                return SWIRL_RAISE(SWIRL_E_PROOF_MALFORMED,
                                   "AIR %zu is absent but has cached commitments", i);""",
      """            if (0)
                return SWIRL_RAISE(SWIRL_E_PROOF_MALFORMED,
                                   "AIR %zu is absent but has cached commitments", i);"""),
    M("flow.log_height_range", FLOW,
      "if (proof->log_heights[i] > p->l_skip + p->n_stack || !proof->public_values[i])",
      "if (!p || !proof->public_values[i])"),
    M("flow.public_values_missing", FLOW,
      "if (proof->log_heights[i] > p->l_skip + p->n_stack || !proof->public_values[i])",
      "if (proof->log_heights[i] > p->l_skip + p->n_stack)"),
    M("flow.cached_commit_count", FLOW, "if ((air->n_cached > 0) != (cc != NULL))", "if (0)"),
    M("flow.preprocessed_log_height", FLOW,
      """        if (vk->per_air[i].has_preprocessed &&
            proof->log_heights[i] != swirl_flow_preprocessed_log_height(vk, i))""",
      """        if (0)"""),
    M("flow.no_air_present", FLOW, "if (*n_present == 0)", "if (0)"),
    M("flow.layout_fits", FLOW,
      """    if (st != SWIRL_OK)
        FAIL(SWIRL_E_PROOF_MALFORMED, "trace heights do not fit the stacked matrix");""",
      """    if (0)
        FAIL(SWIRL_E_PROOF_MALFORMED, "trace heights do not fit the stacked matrix");""",
      unreachable="the flow sorts the traces and has checked every log height <= l_skip + "
                  "n_stack; swirl_stacked_layout_init then fails only beyond 2^32 columns (AIR "
                  "widths are far below) or out of memory"),
    M("flow.w_stack", FLOW, "if (total_w > p->w_stack)", "if (0)"),
    # ---- protocol/gkr.c: swirl_gkr_verify --------------------------------------------------------
    M("gkr.n_layers", GKR, "if (proof->n_layers != n || !proof->claims_per_layer)", "if (0)"),
    M("gkr.n_sumcheck_entries", GKR,
      """    if (proof->n_sumcheck_entries != (size_t)n * (n - 1) / 2 ||
        (proof->n_sumcheck_entries && !proof->sumcheck_polys))""",
      """    if (0)"""),
    M("gkr.root_numerator_zero", GKR, "if (!bb31x4_is_zero(pc))", "if (0)"),
    M("gkr.root_denominator", GKR, "if (!bb31x4_eq(qc, proof->q0_claim))", "if (0)"),
    M("gkr.layer_consistency", GKR, "if (!bb31x4_eq(expected, claim))",
      "if (!bb31x4_eq(expected, claim) && 0)"),
    # ---- protocol/zerocheck.c: the verifier's phases ---------------------------------------------
    M("zc.setup_order", ZC,
      """        if (!airs[i] || log_heights[i] > ZC_MAX_LOG_H ||
            (i > 0 && log_heights[i] > log_heights[i - 1]))
            return SWIRL_RAISE(SWIRL_E_INVALID_ARG, "trace %zu: bad AIR or height order", i);""",
      """        if (0)
            return SWIRL_RAISE(SWIRL_E_INVALID_ARG, "trace %zu: bad AIR or height order", i);"""),
    M("zc.setup_public_values", ZC,
      "if (airs[i]->num_public_values > 0 && !s->inst[i].public_values)", "if (0)"),
    M("zc.batch_shape", ZC,
      """    if (proof->n_traces != c->n || !proof->numerator_term_per_air ||
        !proof->denominator_term_per_air || proof->n_univariate != c->s0deg + 1 ||
        !proof->univariate_round_coeffs || proof->n_rounds != c->n_max ||
        (c->n_max > 0 && (proof->s_deg != c->s_deg || !proof->sumcheck_round_polys)) ||
        !proof->openings || !proof->openings_per_trace)""",
      """    if (0)"""),
    M("zc.openings_per_trace", ZC, "if (proof->openings_per_trace[i] != want)", "if (0)"),
    M("zc.logup_pow", ZC,
      "if (!swirl_transcript_check_witness(c->t, s->zp->logup_pow_bits, s->gkr->logup_pow_witness))",
      "if (!swirl_transcript_check_witness(c->t, s->zp->logup_pow_bits, s->gkr->logup_pow_witness) && 0)"),
    M("zc.q0_one_without_interactions", ZC,
      "} else if (!bb31x4_eq(s->gkr->q0_claim, bb31x4_one())) {", "} else if (0) {"),
    M("zc.logup_terms", ZC,
      "if (!bb31x4_is_zero(s->numer) || !bb31x4_eq(s->denom, c->alpha))", "if (0)"),
    M("zc.logup_terms_denominator", ZC,
      "if (!bb31x4_is_zero(s->numer) || !bb31x4_eq(s->denom, c->alpha))",
      "if (!bb31x4_is_zero(s->numer))"),
    M("zc.univariate_round_sum", ZC,
      "if (!bb31x4_eq(bb31x4_mul_base(s0sum, bb31_from_u32((uint32_t)c->N)), claim))", "if (0)"),
    M("zc.final_claim", ZC, "if (!bb31x4_eq(expect, s->c.prev))", "if (0)"),
    # ---- pcs/stacked_reduction.c: swirl_stacked_reduction_verify ---------------------------------
    M("sr.n_univariate", SR,
      "if (proof->n_univariate != 2 * N - 1 || !proof->univariate_round_coeffs)", "if (0)"),
    M("sr.n_rounds", SR,
      "if (proof->n_rounds != n_stack || (n_stack && !proof->sumcheck_round_polys))", "if (0)"),
    M("sr.n_commits", SR,
      "if (proof->n_commits != n_commits || !proof->openings_per_commit)", "if (0)"),
    M("sr.openings_per_commit", SR,
      "if (proof->openings_per_commit[c] != commits[c].layout->width)", "if (0)"),
    M("sr.n_claims", SR, "if (n_claims != total_cols)", "if (0)"),
    M("sr.s0_sum", SR, "if (!bb31x4_eq(s0, sum_d))", "if (0)"),
    M("sr.final_sum", SR, "if (!bb31x4_eq(claim, final_sum))", "if (0)"),
    # ---- pcs/whir.c: swirl_whir_verify -----------------------------------------------------------
    M("whir.shape", WHIR,
      """    if (proof->n_sumcheck != R * k || proof->n_rounds != R || proof->n_codeword != R - 1 ||
        proof->n_final != sh.final_len || proof->n_commits != n_commits || !proof->widths ||
        !proof->sumcheck_polys || !proof->final_poly || !proof->initial_rows ||
        !proof->initial_paths || !proof->folding_pow_witnesses || !proof->query_pow_witnesses)""",
      """    if (0)"""),
    M("whir.widths", WHIR, "if (proof->widths[c] != widths[c])", "if (0)"),
    M("whir.mu_pow", WHIR,
      """    if (!swirl_transcript_check_witness(t, (unsigned)params->whir.mu_pow_bits,
                                        proof->mu_pow_witness))""",
      """    if (!swirl_transcript_check_witness(t, (unsigned)params->whir.mu_pow_bits,
                                        proof->mu_pow_witness) && 0)"""),
    M("whir.folding_pow", WHIR,
      """                                                proof->folding_pow_witnesses[sc])) {""",
      """                                                proof->folding_pow_witnesses[sc]) && 0) {"""),
    M("whir.codeword_commits_missing", WHIR,
      "if (!proof->codeword_commits || !proof->ood_values) {", "if (0) {"),
    M("whir.query_pow", WHIR,
      """                                            proof->query_pow_witnesses[r])) {""",
      """                                            proof->query_pow_witnesses[r]) && 0) {"""),
    M("whir.codeword_openings_missing", WHIR,
      "if (!proof->codeword_values || !proof->codeword_paths) {", "if (0) {"),
    M("whir.merkle_initial", WHIR,
      """                    st = swirl_merkle_verify(
                        &roots[c],""",
      """                    if (0) st = swirl_merkle_verify(
                        &roots[c],"""),
    M("whir.merkle_codeword", WHIR,
      """                st = swirl_merkle_verify(
                    &proof->codeword_commits[r - 1],""",
      """                if (0) st = swirl_merkle_verify(
                    &proof->codeword_commits[r - 1],"""),
    M("whir.final", WHIR, "if (!bb31x4_eq(acc, claim))", "if (0)"),
    # ---- protocol/codec_proof.c: the decoder's presence checks ----------------------------------
    M("codec.required_air_absent", CODEC,
      "if (!p->present[i] && vk->per_air[i].is_required)", "if (0)", tests=CODEC_TESTS),
]


def run(cmd, cwd, timeout=None, quiet=True):
    return subprocess.run(cmd, cwd=cwd, timeout=timeout,
                          stdout=subprocess.DEVNULL if quiet else None,
                          stderr=subprocess.STDOUT if quiet else None).returncode


def copy_tree(src, dst):
    files = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
                           cwd=src, check=True, capture_output=True).stdout.split(b"\0")
    for f in files:
        if not f:
            continue
        rel = f.decode()
        s, d = os.path.join(src, rel), os.path.join(dst, rel)
        if not os.path.isfile(s):
            continue  # a deleted file still in the index
        os.makedirs(os.path.dirname(d), exist_ok=True)
        if not os.path.exists(d) or open(s, "rb").read() != open(d, "rb").read():
            shutil.copy2(s, d)


def build(tree, bdir, targets, jobs):
    cmd = ["cmake", "--build", bdir, "-j", str(jobs), "--target"] + targets
    return run(cmd, tree) == 0


def run_tests(tree, bdir, tests, jobs):
    """None if every test passes, else "KILLED by ..." or "ERROR ...". Each test executable is
    built just before it runs, so a mutant killed by the first test links only that one."""
    for t in tests:
        if not build(tree, bdir, [t], jobs):
            return "ERROR (the mutant does not compile)"
        try:
            rc = run([os.path.join(bdir, t)], bdir, timeout=TEST_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            rc = "timeout"
        if rc not in (0, 77):
            return "KILLED by %s (rc %s)" % (t, rc)
    return None


def main():
    root = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--workdir", default=os.path.join(root, "build-mutate"),
                    help="scratch copy of the tree and its build (default: build-mutate/)")
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 2)
    ap.add_argument("--only", help="run only the mutations whose id contains one of these "
                    "comma-separated strings")
    ap.add_argument("--list", action="store_true", help="list the mutations and exit")
    ap.add_argument("--keep", action="store_true", help="keep going when a text is not found")
    args = ap.parse_args()

    only = args.only.split(",") if args.only else None
    muts = [m for m in MUTATIONS if not only or any(o in m["id"] for o in only)]
    if args.list:
        for m in muts:
            print("%-36s %s%s" % (m["id"], m["path"],
                                  "  (unreachable: %s)" % m["unreachable"] if m["unreachable"] else ""))
        return 0

    t0 = time.time()
    tree = os.path.join(args.workdir, "src-tree")
    bdir = os.path.join(tree, "build")
    os.makedirs(tree, exist_ok=True)
    copy_tree(root, tree)
    # every entry's text must be found exactly once, so a changed verifier breaks the list loudly
    bad = 0
    for m in muts:
        text = open(os.path.join(tree, m["path"])).read()
        n = text.count(m["old"])
        if n != 1:
            print("ERROR %s: text found %d times in %s" % (m["id"], n, m["path"]))
            bad += 1
    if bad and not args.keep:
        return 2
    tests_all = []
    for m in muts:
        for t in m["tests"]:
            if t not in tests_all and os.path.exists(os.path.join(tree, "tests", t + ".c")):
                tests_all.append(t)
    gen = ["-G", "Ninja"] if shutil.which("ninja") else []
    if run(["cmake", "-S", tree, "-B", bdir, "-DSWIRL_CUDA=OFF", "-DSWIRL_BUILD_BENCH=OFF",
            "-DCMAKE_BUILD_TYPE=Release"] + gen, tree) != 0:
        print("ERROR: configure failed")
        return 2
    fail = run_tests(tree, bdir, tests_all, args.jobs)
    if fail:
        print("ERROR: the unmutated tree: %s" % fail)
        return 2
    print("baseline: %d test executables pass (%.0f s)" % (len(tests_all), time.time() - t0),
          flush=True)

    killed, survived, errors, skipped = [], [], [], []
    for m in muts:
        if m["unreachable"]:
            skipped.append(m)
            print("%-36s UNREACHABLE (defence in depth: %s)" % (m["id"], m["unreachable"]))
            continue
        path = os.path.join(tree, m["path"])
        orig = open(path).read()
        if orig.count(m["old"]) != 1:
            errors.append(m)
            print("%-36s ERROR (text not found)" % m["id"])
            continue
        t1 = time.time()
        try:
            with open(path, "w") as f:
                f.write(orig.replace(m["old"], m["new"]))
            tests = [t for t in m["tests"] if t in tests_all]
            verdict = run_tests(tree, bdir, tests, args.jobs)
            if verdict is None:
                survived.append(m)
                verdict = "SURVIVED"
            elif verdict.startswith("KILLED"):
                killed.append(m)
            else:
                errors.append(m)
        finally:
            with open(path, "w") as f:
                f.write(orig)
        print("%-36s %s (%.0f s)" % (m["id"], verdict, time.time() - t1), flush=True)

    counted = len(killed) + len(survived)
    print("\nmutation score: %d/%d killed (%.0f%%), %d unreachable not run, %d errors; %.0f s" %
          (len(killed), counted, 100.0 * len(killed) / counted if counted else 100.0, len(skipped),
           len(errors), time.time() - t0))
    for m in survived:
        print("SURVIVED: %s (%s)" % (m["id"], m["path"]))
    if errors:
        return 2
    return 1 if survived else 0


if __name__ == "__main__":
    sys.exit(main())
