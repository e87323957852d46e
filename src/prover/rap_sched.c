/* The host plan of the device rap_constraints stage's schedule (see rap_sched.h). */
#include "prover/rap_sched.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "air/program.h"
#include "pcs/stacked.h"
#include "protocol/logup.h"
#include "util/alloc.h"

#define RAP_MAX_CONSTRAINTS 4096 /* zerocheck.c ZC_MAX_CONSTRAINTS */
#define RAP_MAX_MSG 128          /* zerocheck.c ZC_MAX_MSG */
#define RAP_MAX_LOG_H 27

void swirl_rap_sched_clear(swirl_rap_sched *s) {
    if (!s)
        return;
    swirl_rap_plan_clear(&s->plan);
    free(s->tr);
    free(s->vs);
    free(s->row_idx);
    free(s->open_src);
    memset(s, 0, sizeof *s);
}

/* swirl_zerocheck_prove's checks of one trace (check_traces / check_air_limits) */
static enum swirl_status check_trace(const swirl_air_instance *in, size_t i, size_t prev_h,
                                     const swirl_zc_params *zp) {
    const swirl_air *air = in->air;
    if (!air || !air->program || in->height == 0 || (in->height & (in->height - 1)) != 0 ||
        in->height > ((size_t)1 << RAP_MAX_LOG_H))
        return SWIRL_RAISE(SWIRL_E_INVALID_ARG,
                           "trace %zu: height must be a power of two <= 2^27 (with a program)", i);
    if (i > 0 && in->height > prev_h)
        return SWIRL_RAISE(SWIRL_E_INVALID_ARG, "traces must be sorted by height, tallest first");
    if (!in->common || (air->preprocessed_width > 0 && !in->preprocessed) ||
        (air->n_cached > 0 && !in->cached) || (air->num_public_values > 0 && !in->public_values))
        return SWIRL_RAISE(SWIRL_E_INVALID_ARG, "trace %zu (%s): missing columns or public values",
                           i, air->name);
    if (air->n_cached + 2 > SWIRL_ZC_MAX_PARTS || air->common_width > SWIRL_ZC_MAX_WIDTH ||
        air->preprocessed_width > SWIRL_ZC_MAX_WIDTH)
        return SWIRL_RAISE(SWIRL_E_UNSUPPORTED, "AIR %s: more than %d partitions or %d columns",
                           air->name, SWIRL_ZC_MAX_PARTS, SWIRL_ZC_MAX_WIDTH);
    for (size_t c = 0; c < air->n_cached; c++)
        if (!in->cached[c] || air->cached_widths[c] > SWIRL_ZC_MAX_WIDTH)
            return SWIRL_RAISE(SWIRL_E_INVALID_ARG, "trace %zu: cached partition %zu missing or too wide",
                               i, c);
    if (air->n_constraints > RAP_MAX_CONSTRAINTS)
        return SWIRL_RAISE(SWIRL_E_UNSUPPORTED, "AIR %s: %zu constraints, at most %d supported",
                           air->name, air->n_constraints, RAP_MAX_CONSTRAINTS);
    for (size_t k = 0; k < air->n_interactions; k++)
        if (air->interactions[k].n_fields > RAP_MAX_MSG)
            return SWIRL_RAISE(SWIRL_E_UNSUPPORTED, "AIR %s interaction %zu: too many fields",
                               air->name, k);
    if (air->max_degree > zp->max_constraint_degree)
        return SWIRL_RAISE(SWIRL_E_INVALID_ARG, "AIR %s degree %u exceeds %u", air->name,
                           air->max_degree, zp->max_constraint_degree);
    return SWIRL_OK;
}

static void add_view(swirl_rap_view_set *v, int part, const bb31 *base, size_t width, int rot) {
    v->part[v->nv] = part;
    v->base[v->nv] = base;
    v->width[v->nv] = width;
    v->rot[v->nv] = rot;
    v->col0[v->nv] = v->fold_cols;
    v->fold_cols += width;
    v->nv++;
}

/* the views of a trace in constraint_trace.h order and its record */
static void plan_trace(swirl_rap_sched *s, size_t i, const swirl_air_instance *in, unsigned l) {
    const swirl_air *air = in->air;
    swirl_rap_view_set *v = &s->vs[i];
    swirl_rap_trace *t = &s->tr[i];
    int rot = swirl_zc_need_rot(air);
    size_t steps = rot ? 2 : 1;
    if (air->preprocessed_width > 0)
        for (size_t o = 0; o < steps; o++)
            add_view(v, SWIRL_RAP_PART_PREP, in->preprocessed, air->preprocessed_width, (int)o);
    for (size_t c = 0; c < air->n_cached; c++)
        for (size_t o = 0; o < steps; o++)
            add_view(v, (int)c, in->cached[c], air->cached_widths[c], (int)o);
    for (size_t o = 0; o < steps; o++)
        add_view(v, SWIRL_RAP_PART_COMMON, in->common, air->common_width, (int)o);
    v->fold_cols += 3;
    unsigned lh = swirl_log2_exact(in->height);
    size_t L = in->height > ((size_t)1 << l) ? in->height : ((size_t)1 << l);
    t->n_lift = lh > l ? lh - l : 0;
    t->deg = air->max_degree;
    t->nzc = t->deg >= 1 ? t->deg - 1 : 0;
    t->nlu = air->n_interactions ? t->deg : 0;
    t->n_int = (uint32_t)air->n_interactions;
    t->rot = (uint32_t)rot;
    t->cw = (uint32_t)(air->common_width * steps);
    t->norm = bb31_inv(bb31_from_u32((uint32_t)(L / in->height)));
}

/* every interaction's first LogUp leaf (the interactions' stacked layout, as logup.c) */
static enum swirl_status plan_row_idx(swirl_rap_sched *s, const swirl_air_instance *traces,
                                      size_t n, unsigned l) {
    s->row_idx = swirl_calloc(s->n_int + 1, sizeof *s->row_idx);
    size_t *w = swirl_calloc(n + 1, sizeof *w);
    unsigned *lg = swirl_calloc(n + 1, sizeof *lg);
    enum swirl_status st = SWIRL_OK;
    if (!s->row_idx || !w || !lg)
        st = SWIRL_RAISE(SWIRL_E_NOMEM, "rap schedule: out of memory");
    swirl_stacked_layout lay;
    memset(&lay, 0, sizeof lay);
    if (st == SWIRL_OK && s->n_int > 0) {
        for (size_t i = 0; i < n; i++) {
            unsigned lh = swirl_log2_exact(traces[i].height);
            w[i] = traces[i].air->n_interactions;
            lg[i] = lh > l ? lh : l;
        }
        st = swirl_stacked_layout_init(&lay, 0, l + s->sh.n_logup, w, lg, n);
        for (size_t i = 0; st == SWIRL_OK && i < n; i++)
            for (size_t k = 0; k < s->tr[i].n_int; k++) {
                const swirl_stacked_slice *sl = &lay.cols[lay.mat_starts[i] + k];
                if (sl->col != k || sl->row_idx > UINT32_MAX) {
                    st = SWIRL_RAISE(SWIRL_E_INTERNAL, "rap schedule: unexpected LogUp layout");
                    break;
                }
                s->row_idx[s->tr[i].int_off + k] = (uint32_t)sl->row_idx;
            }
        swirl_stacked_layout_clear(&lay);
    }
    free(w);
    free(lg);
    return st;
}

/* the source (trace, view, column) of every opened value: per trace common first, then the other
 * parts in view order, claim then claim_rot (zerocheck.c prove_openings) */
static enum swirl_status plan_openings(swirl_rap_sched *s) {
    s->open_src = swirl_malloc((3 * s->plan.n_openings + 1) * sizeof *s->open_src);
    if (!s->open_src)
        return SWIRL_RAISE(SWIRL_E_NOMEM, "rap schedule: out of memory");
    size_t o = 0;
    for (size_t ti = 0; ti < s->sh.n; ti++) {
        const swirl_rap_view_set *v = &s->vs[ti];
        size_t step = s->tr[ti].rot ? 2 : 1, nparts = v->nv / step, start = o;
        s->tr[ti].open_off = (uint32_t)o;
        for (size_t k = 0; k < nparts; k++) {
            size_t part = k == 0 ? nparts - 1 : k - 1, v0 = part * step;
            for (size_t col = 0; col < v->width[v0]; col++)
                for (size_t r = 0; r < step; r++) {
                    s->open_src[3 * o] = (uint32_t)ti;
                    s->open_src[3 * o + 1] = (uint32_t)(v0 + r);
                    s->open_src[3 * o + 2] = (uint32_t)col;
                    o++;
                }
        }
        s->tr[ti].n_open = (uint32_t)(o - start);
        if (o - start != s->plan.openings_per_trace[ti])
            return SWIRL_RAISE(SWIRL_E_INTERNAL, "rap schedule: trace %zu openings differ", ti);
    }
    return SWIRL_OK;
}

static void plan_shape(swirl_rap_sched *s, const swirl_zc_params *zp, bb31 omega) {
    const swirl_rap_plan *p = &s->plan;
    swirl_rap_shape *sh = &s->sh;
    sh->n = (uint32_t)p->n_traces;
    sh->l = p->l_skip;
    sh->G = p->G;
    sh->N = 1u << p->l_skip;
    sh->n_max = (uint32_t)p->n_max;
    sh->s_deg = (uint32_t)p->s_deg;
    sh->s0deg = (uint32_t)p->s0deg;
    sh->sp0 = p->G * (sh->N - 1);
    sh->P = p->G * sh->N;
    sh->n_logup = p->n_logup;
    sh->gkr_layers = p->gkr_layers;
    sh->n_xi = (uint32_t)p->n_xi;
    sh->omega = omega;
    sh->off_pow = p->logup_pow.off;
    sh->off_q0 = p->q0_claim.off;
    sh->off_claims = p->gkr_claims.off;
    sh->off_polys = p->gkr_polys.off;
    sh->off_num = p->numerator_terms.off;
    sh->off_den = p->denominator_terms.off;
    sh->off_uni = p->univariate.off;
    sh->off_mle = p->mle_polys.off;
    sh->off_open = p->openings.off;
    sh->off_r = p->r.off;
    s->pow_bits = zp->logup_pow_bits;
}

static enum swirl_status sched_make(swirl_rap_sched *s, const swirl_zc_params *zp,
                                    const swirl_air_instance *traces, size_t n) {
    if (zp->max_constraint_degree < 1 || zp->l_skip < 1 || zp->l_skip > SWIRL_ZC_MAX_L ||
        zp->max_constraint_degree >= SWIRL_ZC_MAX_COS || zp->logup_pow_bits >= 31)
        return SWIRL_RAISE(SWIRL_E_INVALID_ARG,
                           "rap schedule: l_skip %u / max_constraint_degree %u / PoW bits %u "
                           "out of range",
                           zp->l_skip, zp->max_constraint_degree, zp->logup_pow_bits);
    for (size_t i = 0; i < n; i++)
        SWIRL_TRY(check_trace(&traces[i], i, i ? traces[i - 1].height : 0, zp));
    SWIRL_TRY(swirl_rap_plan_make(&s->plan, zp, traces, n));
    bb31 omega;
    SWIRL_TRY(bb31_two_adic_generator(&omega, zp->l_skip));
    plan_shape(s, zp, omega);
    if (s->sh.n_xi > SWIRL_RAP_MAX_XI || s->plan.n_max + 1 > SWIRL_RAP_MAX_ROUNDS ||
        s->sh.gkr_layers > SWIRL_GKR_MAX_LAYERS)
        return SWIRL_RAISE(SWIRL_E_UNSUPPORTED, "rap schedule: too many rounds or GKR layers");
    s->tr = swirl_calloc(n + 1, sizeof *s->tr);
    s->vs = swirl_calloc(n + 1, sizeof *s->vs);
    if (!s->tr || !s->vs)
        return SWIRL_RAISE(SWIRL_E_NOMEM, "rap schedule: out of memory");
    s->sh.max_cons = 1;
    s->sh.max_msg = 0;
    for (size_t i = 0; i < n; i++) {
        const swirl_air *air = traces[i].air;
        plan_trace(s, i, &traces[i], zp->l_skip);
        s->tr[i].int_off = (uint32_t)s->n_int;
        s->n_int += air->n_interactions;
        if (air->n_constraints > s->sh.max_cons)
            s->sh.max_cons = (uint32_t)air->n_constraints;
        for (size_t k = 0; k < air->n_interactions; k++)
            if (air->interactions[k].n_fields > s->sh.max_msg)
                s->sh.max_msg = (uint32_t)air->interactions[k].n_fields;
    }
    SWIRL_TRY(plan_row_idx(s, traces, n, zp->l_skip));
    return plan_openings(s);
}

enum swirl_status swirl_rap_sched_make(swirl_rap_sched *s, const swirl_zc_params *zp,
                                       const swirl_air_instance *traces, size_t n) {
    SWIRL_ARG_CHECK(s && zp && traces && n > 0 && n < UINT32_MAX);
    memset(s, 0, sizeof *s);
    enum swirl_status st = sched_make(s, zp, traces, n);
    if (st != SWIRL_OK)
        swirl_rap_sched_clear(s);
    return st;
}

/* one view's source: matrix `mat` of commitment k, when it has the partition's shape */
static swirl_rap_source find_source(const swirl_stacked_pcs_data *const *commits, size_t n_commits,
                                    size_t k, size_t mat, size_t width, size_t height) {
    swirl_rap_source src;
    memset(&src, 0, sizeof src);
    if (width == 0)
        src.why = "no columns";
    else if (k >= n_commits || !commits[k])
        src.why = "not among the commitments given";
    else if (!swirl_stacked_layout_block(swirl_stacked_pcs_layout(commits[k]), mat, &src.block) ||
             src.block.width != width || src.block.height != height)
        src.why = "the committed matrix has another shape";
    else
        src.data = commits[k];
    return src;
}

void swirl_rap_sched_sources(const swirl_rap_sched *s, const swirl_air_instance *traces,
                             const swirl_stacked_pcs_data *const *commits, size_t n_commits,
                             swirl_rap_source *src) {
    /* the other commitments must be exactly those of the order, or none of them is trusted */
    size_t expect = 1;
    for (size_t ti = 0; ti < s->sh.n; ti++)
        expect += (traces[ti].air->preprocessed_width > 0) + traces[ti].air->n_cached;
    int others = n_commits == expect;
    int main_ok = n_commits >= 1 && commits && commits[0] &&
                  swirl_stacked_pcs_layout(commits[0])->num_mats == s->sh.n;
    for (size_t ti = 0, next = 1; ti < s->sh.n; ti++) {
        const swirl_air *air = traces[ti].air;
        const swirl_rap_view_set *v = &s->vs[ti];
        size_t prep_k = air->preprocessed_width > 0 ? next++ : SIZE_MAX, cached_k = next;
        next += air->n_cached;
        for (size_t vi = 0; vi < v->nv; vi++) {
            int part = v->part[vi];
            size_t k = part == SWIRL_RAP_PART_COMMON ? 0
                       : part == SWIRL_RAP_PART_PREP ? prep_k
                                                     : cached_k + (size_t)part;
            size_t mat = part == SWIRL_RAP_PART_COMMON ? ti : 0;
            swirl_rap_source *o = &src[ti * SWIRL_RAP_MAX_VIEWS + vi];
            if (k == 0 ? !main_ok : !others) {
                memset(o, 0, sizeof *o);
                o->why = n_commits <= k ? "not among the commitments given"
                                        : "the commitments do not follow the slot's order";
                continue;
            }
            *o = find_source(commits, n_commits, k, mat, v->width[vi], traces[ti].height);
        }
    }
}

void swirl_rap_sched_round0_points(const swirl_rap_sched *s, bb31 *pts, bb31 *lag) {
    size_t N = s->sh.N, l = s->sh.l;
    bb31 g = bb31_from_u32(BB31_GENERATOR), sh = bb31_one();
    for (size_t co = 0; co < s->sh.G; co++) {
        sh = bb31_mul(sh, g);
        for (size_t i = 0; i < N; i++)
            pts[co * N + i] = bb31_mul(sh, bb31_pow(s->sh.omega, i));
    }
    /* base-field points: the base-field kernel (swirl_zm_eq_uni's values, 0.4 ms less of host
     * time a proof for 48 x 16 entries) */
    bb31 wj = bb31_one();
    for (size_t j = 0; j < N; j++) {
        for (size_t p = 0; p < s->sh.P; p++)
            lag[p * N + j] = swirl_zm_eq_uni_base(l, pts[p], wj);
        wj = bb31_mul(wj, s->sh.omega);
    }
}

/* the openings in the order the transcript observes them: every trace's common part (claim,
 * claim_rot or zero), then every trace's other parts; f(arg, value) for each (proof NULL: only
 * counted) */
static size_t openings_walk(const swirl_rap_sched *s, const bb31x4 *proof,
                            void (*f)(void *, bb31x4), void *arg) {
    const bb31x4 *op = proof ? proof + s->sh.off_open : NULL;
    size_t n = 0;
    for (int pass = 0; pass < 2; pass++)
        for (uint32_t ti = 0; ti < s->sh.n; ti++) {
            const swirl_rap_trace *tt = &s->tr[ti];
            uint32_t step = tt->rot ? 2 : 1, from = pass == 0 ? 0 : tt->cw,
                     to = pass == 0 ? tt->cw : tt->n_open;
            for (uint32_t i = from; i < to; i += step, n += 2)
                if (op) {
                    f(arg, op[tt->open_off + i]);
                    f(arg, tt->rot ? op[tt->open_off + i + 1] : bb31x4_zero());
                }
        }
    return n;
}

static void walk_observe(void *t, bb31x4 v) {
    swirl_transcript_observe_ext((swirl_transcript *)t, v);
}

static void walk_store(void *cur, bb31x4 v) {
    bb31x4 **p = (bb31x4 **)cur;
    *(*p)++ = v;
}

size_t swirl_rap_sched_openings_values(const swirl_rap_sched *s, const bb31x4 *proof,
                                       bb31x4 *out) {
    bb31x4 *cur = out;
    return openings_walk(s, out ? proof : NULL, walk_store, &cur);
}

void swirl_rap_sched_observe_openings(const swirl_rap_sched *s, const bb31x4 *proof,
                                      swirl_transcript *t) {
    openings_walk(s, proof, walk_observe, t);
}
