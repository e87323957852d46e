/* The backend table (backend/backend.h): selection by name, and the flow calling every stage
 * through the table: a counting table that wraps the CPU slots sees each slot called once per
 * proof and gives the same proof as swirl_prove; a failing slot's error reaches the caller.
 * The primitive-operation table (backend/ops.h): a counting copy of the CPU table sees every slot
 * called, in the stages that use it, and gives the same proof bytes; a copy whose one slot
 * perturbs its output gives a proof the verifier rejects (or a prover error), never one it
 * accepts. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "prover/stages.h"
#include "fixtures.h"
#include "harness.h"
#include "protocol/codec_pcs.h"
#include "protocol/codec_proof.h"
#include "prover/prove.h"

static void test_select(void) {
    swirl_backend *be = NULL;
    CHECK_OK(swirl_backend_select(&be, "cpu"));
    CHECK(be == swirl_backend_cpu() && strcmp(be->name, "cpu") == 0 && be->gpu == NULL);
    swirl_backend_destroy(be); /* the static table: a no-op */
    CHECK_OK(swirl_backend_select(&be, "auto"));
    CHECK(strcmp(be->name, swirl_cuda_device_count() > 0 ? "cuda" : "cpu") == 0);
    swirl_backend_destroy(be);
    CHECK_STATUS(swirl_backend_select(&be, "gpu"), SWIRL_E_INVALID_ARG);
    CHECK(be == NULL && strstr(swirl_last_error(), "unknown backend 'gpu'") != NULL);
    CHECK_STATUS(swirl_backend_select(&be, NULL), SWIRL_E_INVALID_ARG);
    if (swirl_cuda_device_count() == 0) {
        CHECK_STATUS(swirl_backend_select(&be, "cuda"), SWIRL_E_NO_DEVICE);
        CHECK(be == NULL);
    }
    size_t n = 7;
    CHECK(swirl_backend_stage_trace(swirl_backend_cpu(), &n) == NULL && n == 0);
}

/* a table that counts its calls and forwards to the CPU backend */
static int g_calls[4], g_fail_whir;

static enum swirl_status c_commit(const swirl_backend *be, swirl_stacked_pcs_data **out,
                                  swirl_digest *root, const swirl_trace_view *traces, size_t n,
                                  unsigned l_skip, unsigned n_stack, unsigned log_blowup,
                                  unsigned k_whir) {
    (void)be;
    g_calls[0]++;
    return swirl_backend_cpu()->commit(swirl_backend_cpu(), out, root, traces, n, l_skip, n_stack,
                                       log_blowup, k_whir);
}
static enum swirl_status c_rap(const swirl_backend *be, swirl_gkr_proof *gkr,
                               swirl_batch_proof *proof, bb31x4 *r_out, size_t *n_r,
                               swirl_transcript *t, const swirl_zc_params *zp,
                               const swirl_air_instance *traces, size_t n,
                               const swirl_stacked_pcs_data *const *commits, size_t n_commits) {
    (void)be;
    g_calls[1]++;
    /* the flow hands over the common main's data (and the other commitments) */
    CHECK(n_commits >= 1 && commits != NULL && commits[0] != NULL);
    return swirl_backend_cpu()->rap_constraints(swirl_backend_cpu(), gkr, proof, r_out, n_r, t, zp,
                                                traces, n, commits, n_commits);
}
static enum swirl_status c_sr(const swirl_backend *be, swirl_stacking_proof *proof, bb31x4 *u_out,
                              swirl_transcript *t, const swirl_stacked_commit_view *commits,
                              size_t n_commits, unsigned l_skip, unsigned n_stack,
                              const bb31x4 *r) {
    (void)be;
    g_calls[2]++;
    return swirl_backend_cpu()->stacked_reduction(swirl_backend_cpu(), proof, u_out, t, commits,
                                                  n_commits, l_skip, n_stack, r);
}
static enum swirl_status c_whir(const swirl_backend *be, swirl_whir_proof *proof,
                                swirl_transcript *t, const swirl_system_params *params,
                                const swirl_stacked_pcs_data *const *commits, size_t n_commits,
                                const bb31x4 *u_cube) {
    (void)be;
    g_calls[3]++;
    if (g_fail_whir)
        return SWIRL_RAISE(SWIRL_E_CUDA, "injected WHIR failure");
    return swirl_backend_cpu()->whir(swirl_backend_cpu(), proof, t, params, commits, n_commits,
                                     u_cube);
}

static void test_flow_uses_table(void) {
    swirl_system_params p = swirl_fixture_small_params(2, 4, 31);
    swirl_fixture_three f;
    swirl_fixture_three_init(&f, &p);
    const swirl_backend counting = {"counting", NULL, NULL, c_commit, c_rap, c_sr, c_whir, NULL};
    swirl_proof a, b;
    CHECK_OK(swirl_flow_prove(&a, f.vk, f.in, NULL, NULL));
    memset(g_calls, 0, sizeof g_calls);
    CHECK_OK(swirl_flow_prove(&b, f.vk, f.in, &counting, NULL));
    for (int i = 0; i < 4; i++)
        CHECK(g_calls[i] == 1);
    CHECK(memcmp(&a.common_main_commit, &b.common_main_commit, sizeof a.common_main_commit) == 0);
    swirl_bytes ea = {0}, eb = {0};
    swirl_whir_proof_encode(&ea, &a.whir, &p);
    swirl_whir_proof_encode(&eb, &b.whir, &p);
    CHECK(ea.len > 0 && ea.len == eb.len && memcmp(ea.p, eb.p, ea.len) == 0);
    CHECK_OK(swirl_flow_verify(f.vk, &b, NULL));
    swirl_bytes_free(&ea);
    swirl_bytes_free(&eb);
    swirl_proof_clear(&b);
    /* a failing slot: its status and message reach the caller, the proof is left empty */
    g_fail_whir = 1;
    CHECK_STATUS(swirl_flow_prove(&b, f.vk, f.in, &counting, NULL), SWIRL_E_CUDA);
    CHECK(strstr(swirl_last_error(), "injected WHIR failure") != NULL);
    CHECK(b.n_airs == 0 && b.log_heights == NULL);
    g_fail_whir = 0;
    swirl_proof_clear(&a);
    swirl_fixture_three_clear(&f);
}

/* ---- the primitive-operation table ---- */

enum {
    OP_MERKLE,
    OP_RS,
    OP_CR0,
    OP_CR,
    OP_GKR_TREE,
    OP_GKR_LAYER,
    OP_FOLD,
    OP_WHIR_SC,
    OP_WHIR_FOLD,
    N_OPS
};
enum { ST_NONE, ST_COMMIT, ST_RAP, ST_SR, ST_WHIR, N_STAGES };
static const char *const op_names[N_OPS] = {
    "merkle_tree", "rs_code_matrix", "constraint_round0", "constraint_round", "gkr_tree",
    "gkr_layer",   "sumcheck_fold",  "whir_sumcheck",     "whir_fold"};

static int g_op_calls[N_STAGES][N_OPS];
static int g_stage = ST_NONE;              /* the stage running now (set by the stage wrappers) */
static int g_wrong_op = -1, g_wrong_stage; /* the slot that perturbs its output, in that stage
                                            * (ST_NONE: in every stage) */
static int g_wrong_packed;                 /* sumcheck_fold: only the packing folds
                                            * (out_stride < in_stride) */
static int g_perturbed;                    /* outputs perturbed so far */

static const swirl_backend_ops *cpu_ops(void) {
    return swirl_backend_cpu_ops();
}
/* counts the call; whether this call must perturb its output */
static int op_called(int op) {
    g_op_calls[g_stage][op]++;
    int wrong = op == g_wrong_op && (g_wrong_stage == ST_NONE || g_wrong_stage == g_stage);
    g_perturbed += wrong;
    return wrong;
}

static bb31x4 plus_one(bb31x4 a) {
    return bb31x4_add(a, bb31x4_one());
}

static enum swirl_status w_merkle(const swirl_backend_ops *ops, const swirl_merkle_plan *plan,
                                  swirl_buf layers, swirl_buf matrix) {
    (void)ops;
    if (!op_called(OP_MERKLE))
        return cpu_ops()->merkle_tree(cpu_ops(), plan, layers, matrix);
    /* the tree of the matrix with every value of column 0 off by one: the root no longer
     * matches the opened rows (they come from the committed data); every query sees it */
    size_t cells = plan->height * plan->width * plan->ext_degree;
    bb31 *m = malloc(cells * sizeof *m);
    if (!m)
        return SWIRL_RAISE(SWIRL_E_NOMEM, "test: out of memory");
    memcpy(m, matrix.ptr, cells * sizeof *m);
    for (size_t i = 0; i < plan->height * plan->ext_degree; i++)
        m[i] = bb31_add(m[i], bb31_one());
    enum swirl_status st =
        cpu_ops()->merkle_tree(cpu_ops(), plan, layers, swirl_buf_host(m, cells * sizeof *m));
    free(m);
    return st;
}
static enum swirl_status w_rs(const swirl_backend_ops *ops, swirl_buf out, swirl_buf evals,
                              size_t height, size_t width, unsigned l_skip, unsigned log_blowup) {
    (void)ops;
    int wrong = op_called(OP_RS);
    SWIRL_TRY(cpu_ops()->rs_code_matrix(cpu_ops(), out, evals, height, width, l_skip, log_blowup));
    bb31 *cw = out.ptr;
    if (wrong) /* every codeword value of column 0 off by one: every query sees it */
        for (size_t i = 0; i < height << log_blowup; i++)
            cw[i] = bb31_add(cw[i], bb31_one());
    return SWIRL_OK;
}
static enum swirl_status w_cr0(const swirl_backend_ops *ops, bb31x4 *S, const swirl_zc_trace *tr,
                               const swirl_zc_round0_in *in) {
    (void)ops;
    int wrong = op_called(OP_CR0);
    SWIRL_TRY(cpu_ops()->constraint_round0(cpu_ops(), S, tr, in));
    if (wrong) /* the points the driver reads depend on the trace: move them all */
        for (size_t i = 0; i < 3 * in->n_points; i++)
            S[i] = plus_one(S[i]);
    return SWIRL_OK;
}
static enum swirl_status w_cr(const swirl_backend_ops *ops, bb31x4 *out, const swirl_zc_trace *tr,
                              const bb31x4 *eq_y, size_t ny, unsigned G, const bb31x4 *lambda_pows,
                              const bb31x4 *beta_pows) {
    (void)ops;
    int wrong = op_called(OP_CR);
    SWIRL_TRY(cpu_ops()->constraint_round(cpu_ops(), out, tr, eq_y, ny, G, lambda_pows, beta_pows));
    if (wrong)
        out[0] = plus_one(out[0]);
    return SWIRL_OK;
}
static enum swirl_status w_gkr_tree(const swirl_backend_ops *ops, bb31x4 *p, bb31x4 *q,
                                    size_t n_leaves) {
    (void)ops;
    int wrong = op_called(OP_GKR_TREE);
    SWIRL_TRY(cpu_ops()->gkr_tree(cpu_ops(), p, q, n_leaves));
    if (wrong)
        q[1] = plus_one(q[1]);
    return SWIRL_OK;
}
static enum swirl_status w_gkr_layer(const swirl_backend_ops *ops, bb31x4 s[3], const bb31x4 *eq,
                                     const bb31x4 *cols, size_t stride, size_t len, bb31x4 lambda) {
    (void)ops;
    int wrong = op_called(OP_GKR_LAYER);
    SWIRL_TRY(cpu_ops()->gkr_layer(cpu_ops(), s, eq, cols, stride, len, lambda));
    if (wrong)
        s[0] = plus_one(s[0]);
    return SWIRL_OK;
}
static enum swirl_status w_fold(const swirl_backend_ops *ops, bb31x4 *cols, size_t n_cols,
                                size_t in_stride, size_t out_stride, size_t len, bb31x4 r) {
    (void)ops;
    int wrong = op_called(OP_FOLD);
    if (wrong && g_wrong_packed && out_stride == in_stride) {
        wrong = 0; /* a fold in place (the GKR's, the stacked reduction's kernels): left alone */
        g_perturbed--;
    }
    SWIRL_TRY(cpu_ops()->sumcheck_fold(cpu_ops(), cols, n_cols, in_stride, out_stride, len, r));
    if (wrong && n_cols > 0 && len >= 2)
        cols[0] = plus_one(cols[0]);
    return SWIRL_OK;
}
static enum swirl_status w_whir_sc(const swirl_backend_ops *ops, bb31x4 s[2], const bb31x4 *f,
                                   const bb31x4 *w, size_t len) {
    (void)ops;
    int wrong = op_called(OP_WHIR_SC);
    SWIRL_TRY(cpu_ops()->whir_sumcheck(cpu_ops(), s, f, w, len));
    if (wrong)
        s[0] = plus_one(s[0]);
    return SWIRL_OK;
}
static enum swirl_status w_whir_fold(const swirl_backend_ops *ops, bb31x4 *f_out, bb31x4 *w_out,
                                     const bb31x4 *f, const bb31x4 *w, size_t len, bb31x4 alpha) {
    (void)ops;
    int wrong = op_called(OP_WHIR_FOLD);
    SWIRL_TRY(cpu_ops()->whir_fold(cpu_ops(), f_out, w_out, f, w, len, alpha));
    if (wrong)
        f_out[0] = plus_one(f_out[0]);
    return SWIRL_OK;
}

static const swirl_backend_ops g_wrapped_ops = {
    .ctx = NULL,
    .buf_alloc = swirl_cpu_buf_alloc,
    .buf_free = swirl_cpu_buf_free,
    .buf_upload = swirl_cpu_buf_upload,
    .buf_download = swirl_cpu_buf_download,
    .buf_copy = swirl_cpu_buf_copy,
    .buf_sync = swirl_cpu_buf_sync,
    .merkle_tree = w_merkle,
    .rs_code_matrix = w_rs,
    .constraint_round0 = w_cr0,
    .constraint_round = w_cr,
    .gkr_tree = w_gkr_tree,
    .gkr_layer = w_gkr_layer,
    .sumcheck_fold = w_fold,
    .whir_sumcheck = w_whir_sc,
    .whir_fold = w_whir_fold,
};

/* the CPU stage slots, recording which stage runs (they use be->ops: the wrapped table) */
static enum swirl_status s_commit(const swirl_backend *be, swirl_stacked_pcs_data **out,
                                  swirl_digest *root, const swirl_trace_view *traces, size_t n,
                                  unsigned l_skip, unsigned n_stack, unsigned log_blowup,
                                  unsigned k_whir) {
    g_stage = ST_COMMIT;
    enum swirl_status st =
        swirl_backend_cpu()->commit(be, out, root, traces, n, l_skip, n_stack, log_blowup, k_whir);
    g_stage = ST_NONE;
    return st;
}
static enum swirl_status s_rap(const swirl_backend *be, swirl_gkr_proof *gkr,
                               swirl_batch_proof *proof, bb31x4 *r_out, size_t *n_r,
                               swirl_transcript *t, const swirl_zc_params *zp,
                               const swirl_air_instance *traces, size_t n,
                               const swirl_stacked_pcs_data *const *commits, size_t n_commits) {
    g_stage = ST_RAP;
    enum swirl_status st = swirl_backend_cpu()->rap_constraints(be, gkr, proof, r_out, n_r, t, zp,
                                                                traces, n, commits, n_commits);
    g_stage = ST_NONE;
    return st;
}
static enum swirl_status s_sr(const swirl_backend *be, swirl_stacking_proof *proof, bb31x4 *u_out,
                              swirl_transcript *t, const swirl_stacked_commit_view *commits,
                              size_t n_commits, unsigned l_skip, unsigned n_stack,
                              const bb31x4 *r) {
    g_stage = ST_SR;
    enum swirl_status st = swirl_backend_cpu()->stacked_reduction(be, proof, u_out, t, commits,
                                                                  n_commits, l_skip, n_stack, r);
    g_stage = ST_NONE;
    return st;
}
static enum swirl_status s_whir(const swirl_backend *be, swirl_whir_proof *proof,
                                swirl_transcript *t, const swirl_system_params *params,
                                const swirl_stacked_pcs_data *const *commits, size_t n_commits,
                                const bb31x4 *u_cube) {
    g_stage = ST_WHIR;
    enum swirl_status st =
        swirl_backend_cpu()->whir(be, proof, t, params, commits, n_commits, u_cube);
    g_stage = ST_NONE;
    return st;
}

static const swirl_backend g_wrapped = {"cpu+wrapped-ops", NULL, NULL,  s_commit,
                                        s_rap,             s_sr, s_whir, &g_wrapped_ops};

static void encode_proof(uint8_t **bytes, size_t *len, const swirl_proof *p, const swirl_vk *vk) {
    CHECK_OK(swirl_proof_encode(bytes, len, p, vk));
    CHECK(*len > 0);
}

static void test_ops_table_called(void) {
    CHECK(swirl_backend_cpu()->ops == NULL || swirl_backend_cpu()->ops == swirl_backend_cpu_ops());
    swirl_system_params p = swirl_fixture_small_params(2, 4, 31);
    swirl_fixture_three f;
    swirl_fixture_three_init(&f, &p);
    swirl_proof a, b;
    CHECK_OK(swirl_flow_prove(&a, f.vk, f.in, NULL, NULL));
    memset(g_op_calls, 0, sizeof g_op_calls);
    g_wrong_op = -1;
    g_perturbed = 0;
    CHECK_OK(swirl_flow_prove(&b, f.vk, f.in, &g_wrapped, NULL));
    CHECK(g_perturbed == 0 && g_stage == ST_NONE);
    /* every slot, in every stage whose driver uses it; nothing outside the stages */
    static const int uses[N_OPS][N_STAGES] = {
        [OP_MERKLE] = {[ST_COMMIT] = 1, [ST_WHIR] = 1},
        [OP_RS] = {[ST_COMMIT] = 1},
        [OP_CR0] = {[ST_RAP] = 1},
        [OP_CR] = {[ST_RAP] = 1},
        [OP_GKR_TREE] = {[ST_RAP] = 1},
        [OP_GKR_LAYER] = {[ST_RAP] = 1},
        [OP_FOLD] = {[ST_RAP] = 1, [ST_SR] = 1},
        [OP_WHIR_SC] = {[ST_WHIR] = 1},
        [OP_WHIR_FOLD] = {[ST_WHIR] = 1},
    };
    for (int op = 0; op < N_OPS; op++)
        for (int stage = 0; stage < N_STAGES; stage++)
            CHECK_MSG(uses[op][stage] ? g_op_calls[stage][op] >= 1 : g_op_calls[stage][op] == 0,
                      "%s: %d calls in stage %d", op_names[op], g_op_calls[stage][op], stage);
    /* one proof per commit: the main commit's rs_code_matrix, one GKR tree */
    CHECK(g_op_calls[ST_COMMIT][OP_RS] == 1 && g_op_calls[ST_RAP][OP_GKR_TREE] == 1);
    uint8_t *ea = NULL, *eb = NULL;
    size_t la = 0, lb = 0;
    encode_proof(&ea, &la, &a, f.vk);
    encode_proof(&eb, &lb, &b, f.vk);
    CHECK(la == lb && memcmp(ea, eb, la) == 0);
    CHECK_OK(swirl_flow_verify(f.vk, &b, NULL));
    free(ea);
    free(eb);
    swirl_proof_clear(&a);
    swirl_proof_clear(&b);
    swirl_fixture_three_clear(&f);
}

/* a slot that returns a wrong value: the proof is refused, so the drivers really use the slot */
static void test_wrong_op_rejected(void) {
    /* packed_only: the folds that pack their columns (the zerocheck's in rap_constraints, the
     * stacked columns' in the stacked reduction), not the GKR's or the kernels' */
    static const struct {
        int op, stage, packed_only;
    } cases[] = {
        {OP_MERKLE, ST_COMMIT, 0},  {OP_MERKLE, ST_WHIR, 0}, {OP_RS, ST_NONE, 0},
        {OP_CR0, ST_NONE, 0},       {OP_CR, ST_NONE, 0},     {OP_GKR_TREE, ST_NONE, 0},
        {OP_GKR_LAYER, ST_NONE, 0}, {OP_FOLD, ST_RAP, 0},    {OP_FOLD, ST_RAP, 1},
        {OP_FOLD, ST_SR, 0},        {OP_FOLD, ST_SR, 1},     {OP_WHIR_SC, ST_NONE, 0},
        {OP_WHIR_FOLD, ST_NONE, 0},
    };
    swirl_system_params p = swirl_fixture_small_params(2, 4, 31);
    swirl_fixture_three f;
    swirl_fixture_three_init(&f, &p);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        g_wrong_op = cases[i].op;
        g_wrong_stage = cases[i].stage;
        g_wrong_packed = cases[i].packed_only;
        g_perturbed = 0;
        swirl_proof b;
        enum swirl_status st = swirl_flow_prove(&b, f.vk, f.in, &g_wrapped, NULL);
        CHECK_MSG(g_perturbed > 0, "case %zu: %s never perturbed", i, op_names[cases[i].op]);
        if (st == SWIRL_OK) {
            enum swirl_status vs = swirl_flow_verify(f.vk, &b, NULL);
            CHECK_MSG(vs == SWIRL_E_PROOF_REJECTED || vs == SWIRL_E_PROOF_MALFORMED,
                      "case %zu: a wrong %s, and the verifier returned %s", i,
                      op_names[cases[i].op], swirl_status_str(vs));
            swirl_proof_clear(&b);
        }
    }
    g_wrong_op = -1;
    g_wrong_stage = ST_NONE;
    g_wrong_packed = 0;
    swirl_fixture_three_clear(&f);
}

static const struct swirl_test tests[] = {
    SWIRL_TEST(test_select),
    SWIRL_TEST(test_flow_uses_table),
    SWIRL_TEST(test_ops_table_called),
    SWIRL_TEST(test_wrong_op_rejected),
};

int main(int argc, char **argv) {
    return swirl_test_main(argc, argv, tests, SWIRL_NTESTS(tests));
}
