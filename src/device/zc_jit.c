/* Round 0's stream as source code (zc_jit.h). */
#include "device/zc_jit.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/alloc.h"

/* a growing text; oom set once an allocation failed (later writes are dropped) */
typedef struct jit_text {
    char *p;
    size_t n, cap;
    int oom;
} jit_text;

static void jt_put(jit_text *t, const char *fmt, ...) SWIRL_PRINTF_LIKE(2, 3);

static void jt_put(jit_text *t, const char *fmt, ...) {
    if (t->oom)
        return;
    for (;;) {
        va_list ap;
        va_start(ap, fmt);
        int k = vsnprintf(t->p ? t->p + t->n : NULL, t->p ? t->cap - t->n : 0, fmt, ap);
        va_end(ap);
        if (k < 0) {
            t->oom = 1;
            return;
        }
        if (t->p && t->n + (size_t)k < t->cap) {
            t->n += (size_t)k;
            return;
        }
        size_t cap = t->cap ? 2 * t->cap : (size_t)1 << 16;
        while (cap < t->n + (size_t)k + 1)
            cap *= 2;
        char *q = (char *)swirl_realloc(t->p, cap);
        if (!q) {
            t->oom = 1;
            return;
        }
        t->p = q;
        t->cap = cap;
    }
}

/* operand o as text into s (at least 24 bytes); 0 when it is out of range. Round 0 (ext 0):
 * temporaries t<s>, input rows U(j), constants K(w). The multilinear rounds (ext 1): extension
 * temporaries, inputs as their folded rows interpolated (XS(j) the selectors, XF(view, column),
 * XP(column) a public value: device/zc_eval.h swirl_zc_round_input's cases, resolved here),
 * constants XK(w) */
static int jit_operand(char *s, uint32_t o, const swirl_zc_stream *sp, const swirl_zc_dprog *pg,
                       int ext) {
    uint32_t k = SWIRL_ZC_ST_KIND(o), i = SWIRL_ZC_ST_INDEX(o);
    if (k == SWIRL_ZC_ST_TEMP && i < sp->n_temps) {
        snprintf(s, 24, "t%u", i);
    } else if (k == SWIRL_ZC_ST_INPUT && i < sp->n_inputs && !ext) {
        snprintf(s, 24, "U(%u)", i);
    } else if (k == SWIRL_ZC_ST_INPUT && i < sp->n_inputs && i < 3) {
        snprintf(s, 24, "XS(%u)", i);
    } else if (k == SWIRL_ZC_ST_INPUT && i < sp->n_inputs && i - 3 < pg->n_vars) {
        uint32_t view = pg->var_info[3 * (i - 3)], col = pg->var_info[3 * (i - 3) + 1];
        if (view == SWIRL_ZC_PUBLIC)
            snprintf(s, 24, "XP(%u)", col);
        else if (view < SWIRL_ZC_MLE_VIEWS)
            snprintf(s, 24, "XF(%u, %u)", view, col);
        else
            return 0;
    } else if (k == SWIRL_ZC_ST_CONST && i < pg->n_consts) {
        snprintf(s, 24, ext ? "XK(0x%08xu)" : "K(0x%08xu)", pg->consts[i].v);
    } else {
        return 0;
    }
    return 1;
}

/* the operands instruction w reads (0, 1 or 2: words 2, 3) */
static int jit_reads(const uint32_t *w) {
    return w[0] == SWIRL_ZC_ST_IEND ? 0 : w[0] <= 2u ? 2 : 1;
}

/* every instruction well formed (what the text and the liveness below rely on) */
static enum swirl_status jit_check(const swirl_zc_stream *sp, const swirl_zc_dprog *pg, int ext) {
    char a[24];
    for (uint32_t i = 0; i < sp->n_instrs; i++) {
        const uint32_t *w = sp->instrs + 4 * (size_t)i;
        int ok = w[0] <= SWIRL_ZC_ST_IEND;
        for (int r = 0; ok && r < jit_reads(w); r++)
            ok = jit_operand(a, w[2 + r], sp, pg, ext);
        if (ok && w[0] <= 3u)
            ok = w[1] < sp->n_temps;
        if (ok && w[0] == SWIRL_ZC_ST_IEND)
            ok = w[1] < pg->n_interactions;
        if (!ok)
            return SWIRL_RAISE(SWIRL_E_INVALID_ARG, "stream instruction %u (op %u) is malformed",
                               i, w[0]);
    }
    return SWIRL_OK;
}

/* the temporary bits instruction w names (its destination and the temporaries it reads) */
static uint64_t jit_temp_bits(const uint32_t *w, uint64_t *def) {
    uint64_t use = 0;
    *def = w[0] <= 3u ? (uint64_t)1 << w[1] : 0;
    for (int r = 0; r < jit_reads(w); r++)
        if (SWIRL_ZC_ST_KIND(w[2 + r]) == SWIRL_ZC_ST_TEMP)
            use |= (uint64_t)1 << SWIRL_ZC_ST_INDEX(w[2 + r]);
    return use;
}

/* cut[i - i0] for i in [i0, i1]: whether a function may start at instruction i (no temporary
 * and no interaction's field sum live there) */
static void jit_cuts(unsigned char *cut, const swirl_zc_stream *sp, uint32_t i0, uint32_t i1) {
    uint64_t live = 0, def;
    cut[i1 - i0] = 1;
    for (uint32_t i = i1; i-- > i0;) {
        uint64_t use = jit_temp_bits(sp->instrs + 4 * (size_t)i, &def);
        live = (live & ~def) | use;
        cut[i - i0] = live == 0;
    }
    int h = 0;
    for (uint32_t i = i0; i < i1; i++) {
        if (h)
            cut[i - i0] = 0;
        uint32_t op = sp->instrs[4 * (size_t)i];
        h = op == SWIRL_ZC_ST_FIELD ? 1 : op == SWIRL_ZC_ST_IEND ? 0 : h;
    }
}

#define JIT_SIG "bb31x4 *o, const bb31 *u, size_t E, const bb31x4 *lp, const bb31x4 *bp, " \
                "const bb31x4 *eq3b"
#define JIT_PASS "o, u, E, lp, bp, eq3b"
#define JIT_SIGX "bb31x4 *o, const swirl_zc_mle_args *ma, size_t y2, bb31 X"
#define JIT_PASSX "o, ma, y2, X"

/* the texts that differ between round 0's code (base-field values) and the multilinear rounds'
 * (extension-field values; device/zc_mle.h) */
typedef struct jit_dialect {
    int ext;
    const char *prefix;   /* of the functions' names */
    const char *sig, *pass;
    const char *value;    /* a temporary's type */
    const char *bin[3];   /* ADD SUB MUL */
    const char *neg;
    const char *acc[3];   /* CONS FIELD COUNT: "<sum> = <acc>(<sum>, <weights>" */
    const char *iend;     /* IEND: eq3b and bp as the code names them */
    const char *what;     /* the header line's subject */
} jit_dialect;

static const jit_dialect jit_base = {
    0, "swirl_zc_jit", JIT_SIG, JIT_PASS, "bb31", {"bb31_add", "bb31_sub", "bb31_mul"}, "bb31_neg",
    {"z = swirl_zc_acc(z, lp", "h = swirl_zc_acc(h, bp", "n = swirl_zc_acc(n, eq3b"},
    "    d = swirl_zc_iend(d, h, eq3b + %u, bp + %u, K(0x%08xu));\n",
    "Round 0's constraint stream"};
static const jit_dialect jit_ext = {
    1, "swirl_zc_jitx", JIT_SIGX, JIT_PASSX, "bb31x4", {"XADD", "XSUB", "XMUL"}, "XNEG",
    {"z = XACC(z, ma->lp", "h = XACC(h, ma->bp", "n = XACC(n, ma->eq3b"},
    "    d = swirl_zc_iend(d, h, ma->eq3b + %u, ma->bp + %u, K(0x%08xu));\n",
    "The multilinear rounds' constraint stream"};

/* chunk function <fn>: instructions [i0, i1) */
static void jit_chunk(jit_text *t, const swirl_zc_stream *sp, const swirl_zc_dprog *pg,
                      const jit_dialect *dl, const char *fn, uint32_t i0, uint32_t i1) {
    uint64_t used = 0, def;
    int has_h = 0;
    for (uint32_t i = i0; i < i1; i++) {
        const uint32_t *w = sp->instrs + 4 * (size_t)i;
        used |= jit_temp_bits(w, &def) | def;
        has_h |= w[0] == SWIRL_ZC_ST_FIELD || w[0] == SWIRL_ZC_ST_IEND;
    }
    jt_put(t, "\n/* stream instructions %u .. %u */\nSWIRL_ZC_JIT_CHUNK void %s(%s) {\n", i0, i1, fn,
           dl->sig);
    char first[24];
    snprintf(first, sizeof first, "    %s ", dl->value);
    const char *sep = first;
    for (uint32_t s = 0; s < 64; s++)
        if (used >> s & 1u) {
            jt_put(t, "%st%u", sep, s);
            sep = ", ";
        }
    if (used)
        jt_put(t, ";\n");
    jt_put(t, "    bb31x4 z = o[0], n = o[1], d = o[2]%s;\n", has_h ? ", h = bb31x4_zero()" : "");
    for (uint32_t i = i0; i < i1; i++) {
        const uint32_t *w = sp->instrs + 4 * (size_t)i;
        uint32_t op = w[0], dst = w[1];
        char a[24] = "", b[24] = "";
        if (op == SWIRL_ZC_ST_IEND) {
            jt_put(t, dl->iend, dst, w[2], pg->bus1[dst].v);
            jt_put(t, "    h = bb31x4_zero();\n");
            continue;
        }
        jit_operand(a, w[2], sp, pg, dl->ext); /* checked by jit_check */
        if (op == 2u && dl->ext && (SWIRL_ZC_ST_KIND(w[2]) == SWIRL_ZC_ST_CONST ||
                                    SWIRL_ZC_ST_KIND(w[3]) == SWIRL_ZC_ST_CONST)) {
            /* an extension value times a constant: a base-field scaling (the same value as the
             * extension product, in 4 multiplications instead of 16) */
            int ka = SWIRL_ZC_ST_KIND(w[2]) == SWIRL_ZC_ST_CONST;
            uint32_t kc = SWIRL_ZC_ST_INDEX(w[ka ? 2 : 3]);
            jit_operand(b, w[ka ? 3 : 2], sp, pg, 1);
            jt_put(t, "    t%u = XMULK(%s, K(0x%08xu));\n", dst, b, pg->consts[kc].v);
        } else if (op <= 2u) {
            jit_operand(b, w[3], sp, pg, dl->ext);
            jt_put(t, "    t%u = %s(%s, %s);\n", dst, dl->bin[op], a, b);
        } else if (op == 3u) {
            jt_put(t, "    t%u = %s(%s);\n", dst, dl->neg, a);
        } else {
            jt_put(t, "    %s + %u, %s);\n", dl->acc[op - SWIRL_ZC_ST_CONS], dst, a);
        }
    }
    jt_put(t, "    o[0] = z;\n    o[1] = n;\n    o[2] = d;\n}\n");
}

/* the text's first lines: what it is, and the prelude */
static void jit_head(jit_text *t, const char *label, const swirl_zc_stream *sp,
                     const jit_dialect *dl, const char *what) {
    jt_put(t,
           "/* %s of AIR %s (%u instructions, %u groups, %u temporaries, "
           "%u inputs): %s.\n * Generated by libswirl (device/zc_jit.c); see "
           "device/zc_jit_prelude.h. */\n%s",
           dl->what, label, sp->n_instrs, sp->n_groups, sp->n_temps, sp->n_inputs, what,
           dl->ext ? "#define SWIRL_ZC_JIT_EXT 1 /* extension-field values (device/zc_mle.h) */\n"
                   : "");
}

/* the generator's state: the units made so far (texts and where each part's units begin) */
typedef struct jit_gen {
    const swirl_zc_stream *sp;
    const swirl_zc_dprog *pg;
    const char *label;
    const jit_dialect *dl;
    jit_text *units; /* cap_units of them */
    size_t n_units, cap_units, n_chunks;
    uint32_t part_unit[SWIRL_ZC_STREAM_PARTS + 1]; /* part q: units [part_unit[q], [q + 1]) */
    int oom;
} jit_gen;

/* unit u: chunks at the cut points [c, c + nc] (instructions cut[0] .. cut[nc]) */
static void jit_unit(jit_gen *g, const uint32_t *cut, size_t nc) {
    if (g->n_units == g->cap_units) {
        size_t cap = g->cap_units ? 2 * g->cap_units : 16;
        jit_text *p = (jit_text *)swirl_realloc(g->units, cap * sizeof *p);
        if (!p) {
            g->oom = 1;
            return;
        }
        memset(p + g->n_units, 0, (cap - g->n_units) * sizeof *p);
        g->units = p;
        g->cap_units = cap;
    }
    size_t u = g->n_units++;
    jit_text *t = &g->units[u];
    char what[96], fn[48];
    snprintf(what, sizeof what, "unit %zu, instructions %u .. %u", u, cut[0], cut[nc]);
    const jit_dialect *dl = g->dl;
    jit_head(t, g->label, g->sp, dl, what);
    jt_put(t, "#include \"device/zc_jit_prelude.h\"\n");
    for (size_t c = 0; c < nc; c++) {
        snprintf(fn, sizeof fn, "%s_u%zu_c%zu", dl->prefix, u, c);
        jit_chunk(t, g->sp, g->pg, dl, fn, cut[c], cut[c + 1]);
    }
    jt_put(t, "\nSWIRL_ZC_JIT_UNIT void %s_u%zu(%s) {\n", dl->prefix, u, dl->sig);
    for (size_t c = 0; c < nc; c++)
        jt_put(t, "    %s_u%zu_c%zu(%s);\n", dl->prefix, u, c, dl->pass);
    jt_put(t, "}\n");
    g->n_chunks += nc;
    g->oom |= t->oom;
}

/* part q's units: chunks of >= SWIRL_ZC_JIT_CHUNK_INSTRS instructions, units of >=
 * SWIRL_ZC_JIT_UNIT_INSTRS, both ending at cut points */
static enum swirl_status jit_part(jit_gen *g, uint32_t q) {
    const swirl_zc_stream *sp = g->sp;
    uint32_t i0 = sp->cut[q], i1 = sp->cut[q + 1];
    g->part_unit[q] = (uint32_t)g->n_units;
    if (i0 == i1)
        return SWIRL_OK;
    unsigned char *ok = (unsigned char *)swirl_malloc((size_t)(i1 - i0) + 1);
    /* the chunk boundaries of the current unit (at most one per instruction, plus its end) */
    uint32_t *cut = (uint32_t *)swirl_malloc(((size_t)(i1 - i0) + 2) * sizeof *cut);
    if (!ok || !cut) {
        free(ok);
        free(cut);
        return SWIRL_RAISE(SWIRL_E_NOMEM, "out of memory");
    }
    jit_cuts(ok, sp, i0, i1);
    size_t nc = 0;
    cut[0] = i0;
    for (uint32_t i = i0 + 1; i <= i1 && !g->oom; i++) {
        if (i < i1 && !(ok[i - i0] && i - cut[nc] >= SWIRL_ZC_JIT_CHUNK_INSTRS))
            continue;
        cut[++nc] = i; /* a chunk ends at i */
        if (i == i1 || i - cut[0] >= SWIRL_ZC_JIT_UNIT_INSTRS) {
            jit_unit(g, cut, nc);
            cut[0] = i;
            nc = 0;
        }
    }
    free(ok);
    free(cut);
    return g->oom ? SWIRL_RAISE(SWIRL_E_NOMEM, "out of memory (the JIT source)") : SWIRL_OK;
}

/* main: the units' declarations and the dispatch over the parts */
static void jit_main(jit_text *t, const jit_gen *g) {
    const jit_dialect *dl = g->dl;
    jit_head(t, g->label, g->sp, dl, "the dispatch over its units");
    jt_put(t, "#define SWIRL_ZC_JIT_MAIN 1 /* the kernel is defined here */\n"
              "#include \"device/zc_jit_prelude.h\"\n\n");
    for (size_t u = 0; u < g->n_units; u++)
        jt_put(t, "SWIRL_ZC_JIT_UNIT void %s_u%zu(%s);\n", dl->prefix, u, dl->sig);
    jt_put(t, "\nSWIRL_ZC_JIT_RUN void %s_run(%s) {\n    switch (q) {\n", dl->prefix,
           dl->ext ? "bb31x4 *o, uint32_t q, const swirl_zc_mle_args *ma, size_t y2, bb31 X"
                   : "bb31x4 *o, uint32_t q, const bb31 *u, size_t E, const bb31x4 *lp, "
                     "const bb31x4 *bp, const bb31x4 *eq3b");
    for (uint32_t q = 0; q < SWIRL_ZC_STREAM_PARTS; q++) {
        jt_put(t, "    case %u:\n", q);
        for (uint32_t u = g->part_unit[q]; u < g->part_unit[q + 1]; u++)
            jt_put(t, "        %s_u%u(%s);\n", dl->prefix, u, dl->pass);
        jt_put(t, "        break;\n");
    }
    jt_put(t, "    default:\n        break;\n    }\n}\n");
}

void swirl_zc_jit_code_free(swirl_zc_jit_code *code) {
    if (!code)
        return;
    for (size_t u = 0; u < code->n_units; u++)
        free(code->unit ? code->unit[u] : NULL);
    free(code->unit);
    free(code->unit_len);
    free(code->main);
    memset(code, 0, sizeof *code);
}

static enum swirl_status jit_generate(swirl_zc_jit_code *out, const swirl_zc_stream *sp,
                                      const swirl_zc_dprog *pg, const char *name,
                                      const jit_dialect *dl) {
    SWIRL_ARG_CHECK(out && sp && pg);
    memset(out, 0, sizeof *out);
    SWIRL_ARG_CHECK(sp->n_instrs == 0 || sp->instrs);
    SWIRL_ARG_CHECK(sp->n_temps <= SWIRL_ZC_STREAM_MAX_TEMPS && SWIRL_ZC_STREAM_MAX_TEMPS <= 64);
    SWIRL_ARG_CHECK(pg->n_consts == 0 || pg->consts);
    SWIRL_ARG_CHECK(pg->n_interactions == 0 || pg->bus1);
    SWIRL_ARG_CHECK(sp->cut[0] == 0 && sp->cut[SWIRL_ZC_STREAM_PARTS] == sp->n_instrs);
    for (uint32_t q = 0; q < SWIRL_ZC_STREAM_PARTS; q++)
        SWIRL_ARG_CHECK(sp->cut[q] <= sp->cut[q + 1]);
    SWIRL_ARG_CHECK(!dl->ext || sp->n_inputs <= 3 || pg->var_info);
    SWIRL_TRY(jit_check(sp, pg, dl->ext));
    /* the label: the name's letters, digits and underscores (it sits in a comment) */
    char label[64];
    size_t nl = 0;
    for (const char *c = name ? name : ""; *c && nl + 1 < sizeof label; c++)
        if ((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9') ||
            *c == '_')
            label[nl++] = *c;
    label[nl] = 0;
    jit_gen g;
    memset(&g, 0, sizeof g);
    g.sp = sp;
    g.pg = pg;
    g.label = nl ? label : "(unnamed)";
    g.dl = dl;
    enum swirl_status st = SWIRL_OK;
    for (uint32_t q = 0; q < SWIRL_ZC_STREAM_PARTS && st == SWIRL_OK; q++)
        st = jit_part(&g, q);
    g.part_unit[SWIRL_ZC_STREAM_PARTS] = (uint32_t)g.n_units;
    jit_text m = {NULL, 0, 0, 0};
    if (st == SWIRL_OK) {
        jit_main(&m, &g);
        out->unit = (char **)swirl_calloc(g.n_units + 1, sizeof *out->unit);
        out->unit_len = (size_t *)swirl_calloc(g.n_units + 1, sizeof *out->unit_len);
        if (m.oom || !out->unit || !out->unit_len)
            st = SWIRL_RAISE(SWIRL_E_NOMEM, "out of memory (the JIT source)");
    }
    /* the texts move into *out (all of them, so that one free releases whatever was made) */
    for (size_t u = 0; u < g.n_units; u++) {
        if (out->unit) {
            out->unit[u] = g.units[u].p;
            out->unit_len[u] = g.units[u].n;
            out->bytes += g.units[u].n;
        } else {
            free(g.units[u].p);
        }
    }
    free(g.units);
    out->n_units = out->unit ? g.n_units : 0;
    out->n_chunks = g.n_chunks;
    out->main = m.p;
    out->main_len = m.n;
    out->bytes += m.n;
    if (st != SWIRL_OK)
        swirl_zc_jit_code_free(out);
    return st;
}

enum swirl_status swirl_zc_jit_generate(swirl_zc_jit_code *out, const swirl_zc_stream *sp,
                                        const swirl_zc_dprog *pg, const char *name) {
    return jit_generate(out, sp, pg, name, &jit_base);
}

enum swirl_status swirl_zc_jit_generate_mle(swirl_zc_jit_code *out, const swirl_zc_stream *sp,
                                            const swirl_zc_dprog *pg, const char *name) {
    return jit_generate(out, sp, pg, name, &jit_ext);
}

enum swirl_status swirl_zc_jit_concat(char **out, size_t *len, const swirl_zc_jit_code *code) {
    SWIRL_ARG_CHECK(out && len && code && code->main);
    *out = NULL;
    *len = 0;
    char *p = (char *)swirl_malloc(code->bytes + 1);
    if (!p)
        return SWIRL_RAISE(SWIRL_E_NOMEM, "out of memory");
    size_t n = code->main_len;
    memcpy(p, code->main, n);
    for (size_t u = 0; u < code->n_units; u++) {
        memcpy(p + n, code->unit[u], code->unit_len[u]);
        n += code->unit_len[u];
    }
    p[n] = 0;
    *out = p;
    *len = n;
    return SWIRL_OK;
}
