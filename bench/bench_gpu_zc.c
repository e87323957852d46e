/*
 * GPU constraint evaluation (device/cuda/zc_constraint.cu) for keccakf: the batch constraint
 * sumcheck's round 0 of KeccakAir's trace (1024 permutations: 2^15 rows, l_skip 4, degree 3: 2^11
 * hypercube points x 32 points of two cosets) and its first multilinear round (2^10 x 3 points,
 * extension field, random folded tables), on device-resident inputs. Times are CUDA-event times
 * of one stage per repetition (swirl_cuda_stage_begin/end), after a warm-up; medians printed with
 * evaluations x instructions per second. Round 0's sums are checked against the CPU slot
 * (device/cpu/constraint.c) unless --no-check.
 *   bench_gpu_zc [--perms N] [--reps N] [--no-check]
 * Without a GPU it says so and exits 0.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "air/program.h"
#include "bench_util.h"
#include "device/constraint_trace.h"
#include "device/cuda/cuda_backend.h"
#include "device/cuda/cuda_zc.h"
#include "poly/poly_common.h"
#include "swirl/swirl_airs.h"

#ifdef SWIRL_HAVE_CUDA

static swirl_cuda_ctx *ctx;

static size_t arg_size(int argc, char **argv, const char *flag, size_t def) {
    for (int i = 1; i + 1 < argc; i++)
        if (strcmp(argv[i], flag) == 0)
            return (size_t)strtoull(argv[i + 1], NULL, 10);
    return def;
}

static float last_stage_ms(void) {
    size_t n;
    const swirl_stage_trace *t = swirl_cuda_stage_trace(ctx, &n);
    return n ? t[n - 1].gpu_ms : 0.0f;
}

static void *dev_upload(const void *src, size_t bytes) {
    void *d;
    BENCH_TRY(swirl_cuda_alloc(ctx, &d, bytes ? bytes : 16));
    if (src && bytes) {
        BENCH_TRY(swirl_cuda_upload(ctx, d, src, bytes));
    }
    return d;
}

static bb31x4 rand_ext(uint64_t *s) {
    bb31x4 r;
    for (int e = 0; e < 4; e++) {
        *s = *s * 6364136223846793005ull + 1442695040888963407ull;
        r.c[e] = bb31_from_u32((uint32_t)(*s >> 33));
    }
    return r;
}

typedef struct bench_r0 {
    swirl_air *air;
    bb31 *trace, pts[48], *lag;
    size_t h, n_lift;
    bb31x4 *eq_x, *lp;
} bench_r0;

/* round 0's points and Lagrange weights (protocol/zerocheck.c round0_setup), random eq and
 * lambda powers */
static void r0_inputs(bench_r0 *b, unsigned l, unsigned G) {
    size_t N = (size_t)1 << l, P = G * N;
    bb31 omega;
    BENCH_TRY(bb31_two_adic_generator(&omega, l));
    b->lag = malloc(P * N * sizeof *b->lag);
    b->eq_x = malloc(((size_t)1 << b->n_lift) * sizeof *b->eq_x);
    b->lp = malloc((b->air->n_constraints + 1) * sizeof *b->lp);
    if (!b->lag || !b->eq_x || !b->lp)
        bench_die("malloc");
    bb31 g = bb31_from_u32(BB31_GENERATOR), sh = bb31_one();
    for (size_t co = 0; co < G; co++) {
        sh = bb31_mul(sh, g);
        for (size_t i = 0; i < N; i++)
            b->pts[co * N + i] = bb31_mul(sh, bb31_pow(omega, i));
    }
    for (size_t p = 0; p < P; p++)
        for (size_t j = 0; j < N; j++)
            b->lag[p * N + j] = swirl_eval_eq_uni(l, bb31x4_from_base(b->pts[p]),
                                                  bb31x4_from_base(bb31_pow(omega, j)))
                                    .c[0];
    uint64_t s = 42;
    for (size_t x = 0; x < ((size_t)1 << b->n_lift); x++)
        b->eq_x[x] = rand_ext(&s);
    for (size_t k = 0; k <= b->air->n_constraints; k++)
        b->lp[k] = rand_ext(&s);
}

/* the CPU slot on the same inputs (its trace record as zerocheck.c fills it) */
static void r0_check(const bench_r0 *b, const bb31x4 *gpu, const swirl_zc_round0_in *in) {
    swirl_air_instance inst = {b->air, NULL, NULL, b->trace, b->h, NULL};
    swirl_zc_trace tt;
    memset(&tt, 0, sizeof tt);
    tt.in = &inst;
    tt.air = b->air;
    tt.h = tt.L = b->h;
    tt.n = (long)b->n_lift;
    tt.n_lift = b->n_lift;
    tt.rot = 1;
    tt.deg = b->air->max_degree;
    tt.norm = bb31_one();
    swirl_zc_view v = {b->trace, b->air->common_width, 0};
    tt.v[0] = v;
    v.rot = 1;
    tt.v[1] = v;
    tt.nv = 2;
    bb31x4 *S = calloc(3 * in->n_points, sizeof *S);
    if (!S)
        bench_die("calloc");
    double t0 = bench_now_ms();
    BENCH_TRY(swirl_cpu_constraint_round0(NULL, S, &tt, in));
    double ms = bench_now_ms() - t0;
    int same = memcmp(S, gpu, 3 * in->n_points * sizeof *S) == 0;
    printf("cpu_zc_round0 ms=%.1f gpu_equals_cpu=%s\n", ms, same ? "yes" : "NO");
    free(S);
    if (!same)
        exit(1);
}

static void bench_round0(bench_r0 *b, int reps, int check) {
    const unsigned l = 4, G = 3;
    size_t N = (size_t)1 << l, P = G * N, nx = (size_t)1 << b->n_lift;
    r0_inputs(b, l, G);
    swirl_cuda_program *prog;
    BENCH_TRY(swirl_cuda_program_create(ctx, &prog, b->air, 0));
    swirl_cuda_arena_reset(ctx);
    swirl_cuda_zc_round0_in in;
    memset(&in, 0, sizeof in);
    BENCH_TRY(swirl_cuda_stage_begin(ctx, "bench_zc_upload"));
    in.view[0] = in.view[1] = dev_upload(b->trace, b->air->common_width * b->h * sizeof(bb31));
    in.nv = 2;
    in.h = b->h;
    in.n_lift = b->n_lift;
    in.eq_x = dev_upload(b->eq_x, nx * sizeof(bb31x4));
    in.lag = dev_upload(b->lag, P * N * sizeof(bb31));
    in.pts = dev_upload(b->pts, P * sizeof(bb31));
    in.lambda_pows = dev_upload(b->lp, b->air->n_constraints * sizeof(bb31x4));
    in.n_points = P;
    in.N = N;
    in.nzc = b->air->max_degree - 1;
    in.nlu = 0;
    in.np = in.nzc * N;
    bb31x4 *d_S = dev_upload(NULL, 3 * P * sizeof(bb31x4));
    BENCH_TRY(swirl_cuda_stage_end(ctx));
    double t[64];
    for (int r = 0; r <= reps; r++) {
        BENCH_TRY(swirl_cuda_stage_begin(ctx, "bench_zc_round0"));
        BENCH_TRY(swirl_cuda_zc_round0(ctx, prog, d_S, &in));
        BENCH_TRY(swirl_cuda_stage_end(ctx));
        if (r > 0)
            t[r - 1] = last_stage_ms();
    }
    double ms = bench_median(t, reps);
    double evals = (double)nx * (double)in.np, ins = (double)b->air->program->n_instrs;
    printf("gpu_zc_round0 keccak h=%zu evals=%.0f instrs=%.0f threads_per_launch<=%zu "
           "median_ms=%.3f evals_x_instrs_per_s=%.3e\n",
           b->h, evals, ins, swirl_cuda_program_max_threads(prog, 0), ms,
           evals * ins / (ms * 1e-3));
    if (check) {
        swirl_zc_round0_in cin = {b->eq_x, b->lag, b->pts, P, N, in.np, in.nzc, 0, b->lp, NULL};
        bb31x4 *S = malloc(3 * P * sizeof *S);
        if (!S)
            bench_die("malloc");
        BENCH_TRY(swirl_cuda_stage_begin(ctx, "bench_zc_download"));
        BENCH_TRY(swirl_cuda_download(ctx, S, d_S, 3 * P * sizeof *S));
        BENCH_TRY(swirl_cuda_stage_end(ctx));
        r0_check(b, S, &cin);
        free(S);
    }
    swirl_cuda_program_destroy(prog);
    swirl_cuda_arena_reset(ctx);
}

/* the first multilinear round: 2 n_lift-1 y points x G, random folded tables */
static void bench_round1(bench_r0 *b, int reps) {
    const unsigned G = 3;
    size_t H = (size_t)1 << b->n_lift, ny = H / 2, w = b->air->common_width;
    swirl_cuda_program *prog;
    BENCH_TRY(swirl_cuda_program_create(ctx, &prog, b->air, 0));
    swirl_cuda_arena_reset(ctx);
    bb31x4 *tab = malloc((w * H + 3 * H) * sizeof *tab);
    if (!tab)
        bench_die("malloc");
    uint64_t s = 7;
    for (size_t i = 0; i < w * H + 3 * H; i++)
        tab[i] = rand_ext(&s);
    swirl_cuda_zc_round_in in;
    memset(&in, 0, sizeof in);
    BENCH_TRY(swirl_cuda_stage_begin(ctx, "bench_zc_upload"));
    in.fold[0] = dev_upload(tab, w * H * sizeof(bb31x4));
    in.fold[1] = dev_upload(tab, w * H * sizeof(bb31x4));
    in.nv = 2;
    in.cur_h = H;
    in.fsel = dev_upload(tab + w * H, 3 * H * sizeof(bb31x4));
    in.eq_y = dev_upload(b->eq_x, ny * sizeof(bb31x4));
    in.ny = ny;
    in.G = G;
    in.lambda_pows = dev_upload(b->lp, b->air->n_constraints * sizeof(bb31x4));
    bb31x4 *d_out = dev_upload(NULL, 3 * G * sizeof(bb31x4));
    BENCH_TRY(swirl_cuda_stage_end(ctx));
    double t[64];
    for (int r = 0; r <= reps; r++) {
        BENCH_TRY(swirl_cuda_stage_begin(ctx, "bench_zc_round1"));
        BENCH_TRY(swirl_cuda_zc_round(ctx, prog, d_out, &in));
        BENCH_TRY(swirl_cuda_stage_end(ctx));
        if (r > 0)
            t[r - 1] = last_stage_ms();
    }
    double ms = bench_median(t, reps);
    double evals = (double)ny * G, ins = (double)b->air->program->n_instrs;
    printf("gpu_zc_round1 keccak ny=%zu evals=%.0f threads_per_launch<=%zu median_ms=%.3f "
           "evals_x_instrs_per_s=%.3e\n",
           ny, evals, swirl_cuda_program_max_threads(prog, 1), ms, evals * ins / (ms * 1e-3));
    free(tab);
    swirl_cuda_program_destroy(prog);
    swirl_cuda_arena_reset(ctx);
}

int main(int argc, char **argv) {
    if (swirl_cuda_device_count() == 0) {
        printf("bench_gpu_zc: no CUDA device; nothing to do\n");
        return 0;
    }
    size_t perms = arg_size(argc, argv, "--perms", 1024);
    int reps = (int)arg_size(argc, argv, "--reps", 5),
        check = !bench_has_flag(argc, argv, "--no-check");
    if (reps < 1 || reps > 64 || perms < 1)
        bench_die("arguments");
    BENCH_TRY(swirl_cuda_ctx_create(&ctx, 0, (size_t)1 << 30));
    bench_r0 b;
    memset(&b, 0, sizeof b);
    swirl_air_builder *bl;
    BENCH_TRY(swirl_keccak_air_build(&bl));
    BENCH_TRY(swirl_air_compile(&b.air, bl, 3));
    swirl_air_builder_destroy(bl);
    size_t n_in;
    const uint64_t(*inputs)[25] = swirl_keccakf_example_inputs(&n_in);
    if (perms > n_in)
        perms = n_in;
    swirl_felt *m;
    BENCH_TRY(swirl_keccak_generate_trace(&m, &b.h, inputs, perms));
    b.trace = (bb31 *)m;
    b.n_lift = swirl_log2_exact(b.h) > 4 ? swirl_log2_exact(b.h) - 4 : 0;
    printf("# bench_gpu_zc: KeccakAir %zu permutations, %zu rows, %zu instructions, %u value "
           "slots\n",
           perms, b.h, b.air->program->n_instrs, b.air->program->const_base);
    bench_round0(&b, reps, check);
    if (b.n_lift >= 1)
        bench_round1(&b, reps);
    swirl_free(m);
    free(b.lag);
    free(b.eq_x);
    free(b.lp);
    swirl_air_destroy(b.air);
    swirl_cuda_ctx_destroy(ctx);
    return 0;
}

#else
int main(void) {
    printf("bench_gpu_zc: built without CUDA; nothing to do\n");
    return 0;
}
#endif
