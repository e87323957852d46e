/*
 * `swirl report METRICS.json --svg OUT.svg`: the span tree of a `prove` or `bench` metrics file
 * drawn as a flame chart (one row per depth, each span a box as wide as its time, children inside
 * their parent; hover for the exact name and milliseconds), and for GPU runs the stage trace as a
 * second chart (one box per stage, labelled with its kernel and host-sync counts).
 * Spans without a start time (older metrics files) are laid out one after another inside their
 * parent.
 */
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

#define SVG_W 1200.0
#define ROW_H 22.0
#define TOP 52.0

typedef struct rspan {
    const char *name;
    int parent, depth;
    double start, ms; /* start relative to the root's start */
} rspan;

typedef struct svg_buf {
    char *p;
    size_t len, cap;
    int oom;
} svg_buf;

static void put(svg_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void put(svg_buf *b, const char *fmt, ...) {
    if (b->oom)
        return;
    for (;;) {
        va_list ap;
        va_start(ap, fmt);
        int n = vsnprintf(b->p ? b->p + b->len : NULL, b->p ? b->cap - b->len : 0, fmt, ap);
        va_end(ap);
        if (n < 0) {
            b->oom = 1;
            return;
        }
        if (b->p && b->len + (size_t)n < b->cap) {
            b->len += (size_t)n;
            return;
        }
        size_t nc = b->cap ? b->cap * 2 : 8192;
        while (nc < b->len + (size_t)n + 1)
            nc *= 2;
        char *q = realloc(b->p, nc);
        if (!q) {
            b->oom = 1;
            return;
        }
        b->p = q;
        b->cap = nc;
    }
}

/* XML-escaped text */
static void put_text(svg_buf *b, const char *s) {
    for (; *s; s++) {
        switch (*s) {
        case '<': put(b, "&lt;"); break;
        case '>': put(b, "&gt;"); break;
        case '&': put(b, "&amp;"); break;
        case '"': put(b, "&quot;"); break;
        default: put(b, "%c", *s); break;
        }
    }
}

static const char *color(const char *name, int depth) {
    static const char *const pal[] = {"#f4a261", "#e9c46a", "#2a9d8f", "#8ab17d",
                                      "#e76f51", "#83c5be", "#b5838d", "#90be6d"};
    unsigned h = 5381;
    for (const char *c = name; *c; c++)
        h = h * 33 + (unsigned char)*c;
    return pal[(h + (unsigned)depth) % (sizeof pal / sizeof pal[0])];
}

/* reads the spans; missing start_ms: children one after another inside their parent */
static int read_spans(rspan **out, size_t *n, json_t *arr) {
    size_t m = json_array_size(arr);
    rspan *s = calloc(m + 1, sizeof *s);
    double *next = calloc(m + 1, sizeof *next); /* per span: where its next child starts */
    if (!s || !next) {
        free(s);
        free(next);
        return CLI_FAILED;
    }
    double root_next = 0;
    for (size_t i = 0; i < m; i++) {
        json_t *o = json_array_get(arr, i);
        json_t *nm = json_object_get(o, "name"), *ms = json_object_get(o, "ms");
        json_t *par = json_object_get(o, "parent"), *dep = json_object_get(o, "depth");
        json_t *st = json_object_get(o, "start_ms");
        if (!json_is_string(nm) || !json_is_number(ms) || !json_is_integer(par) ||
            !json_is_integer(dep)) {
            fprintf(stderr, "swirl: report: span %zu lacks name, ms, parent or depth\n", i);
            free(s);
            free(next);
            return CLI_BAD;
        }
        s[i].name = json_string_value(nm);
        s[i].ms = json_number_value(ms) > 0 ? json_number_value(ms) : 0;
        s[i].parent = (int)json_integer_value(par);
        s[i].depth = (int)json_integer_value(dep);
        if (s[i].parent >= (int)i || s[i].parent < -1) {
            fprintf(stderr, "swirl: report: span %zu has parent %d\n", i, s[i].parent);
            free(s);
            free(next);
            return CLI_BAD;
        }
        if (json_is_number(st)) {
            s[i].start = json_number_value(st);
        } else if (s[i].parent < 0) {
            s[i].start = root_next;
        } else {
            int p = s[i].parent;
            s[i].start = next[p] > s[p].start ? next[p] : s[p].start;
            next[p] = s[i].start + s[i].ms;
        }
        if (s[i].parent < 0)
            root_next = s[i].start + s[i].ms;
        next[i] = s[i].start;
    }
    if (m > 0) { /* relative to the first root */
        double t0 = s[0].start;
        for (size_t i = 0; i < m; i++)
            s[i].start -= t0;
    }
    free(next);
    *out = s;
    *n = m;
    return CLI_OK;
}

static void draw_box(svg_buf *b, double x, double y, double w, const char *fill, const char *label,
                     const char *tip) {
    put(b, "<g><title>");
    put_text(b, tip);
    put(b, "</title><rect x=\"%.2f\" y=\"%.1f\" width=\"%.2f\" height=\"%.1f\" fill=\"%s\" "
           "stroke=\"#ffffff\" stroke-width=\"0.5\"/>",
        x, y, w > 0.5 ? w : 0.5, ROW_H - 2, fill);
    if (w > 7.0 * 6) { /* room for a few characters: the label, cut to the box */
        size_t fit = (size_t)(w / 7.0);
        char tmp[96];
        snprintf(tmp, sizeof tmp, "%.*s", (int)(fit < sizeof tmp - 1 ? fit : sizeof tmp - 1),
                 label);
        put(b, "<text x=\"%.2f\" y=\"%.1f\" font-size=\"12\" font-family=\"monospace\">", x + 3,
            y + ROW_H - 7);
        put_text(b, tmp);
        put(b, "</text>");
    }
    put(b, "</g>\n");
}

static void draw_spans(svg_buf *b, const rspan *s, size_t n, double total, double y0) {
    for (size_t i = 0; i < n; i++) {
        double x = 10 + (SVG_W - 20) * (total > 0 ? s[i].start / total : 0);
        double w = (SVG_W - 20) * (total > 0 ? s[i].ms / total : 0);
        char tip[160];
        snprintf(tip, sizeof tip, "%s: %.3f ms", s[i].name, s[i].ms);
        draw_box(b, x, y0 + s[i].depth * ROW_H, w, color(s[i].name, s[i].depth), tip, tip);
    }
}

/* the GPU stage trace: boxes one after another, width by GPU time */
static double draw_stages(svg_buf *b, json_t *stages, double y0) {
    size_t m = json_array_size(stages);
    double total = 0;
    for (size_t i = 0; i < m; i++) {
        json_t *o = json_array_get(stages, i), *ms = json_object_get(o, "gpu_ms");
        total += json_is_number(ms) ? json_number_value(ms) : 0;
    }
    if (m == 0)
        return y0;
    put(b, "<text x=\"10\" y=\"%.1f\" font-size=\"14\" font-family=\"sans-serif\">GPU stage trace "
           "(stage: kernel_count kernels, sync_count host syncs, GPU ms)</text>\n",
        y0 + 14);
    double x = 10, y = y0 + 22;
    for (size_t i = 0; i < m; i++) {
        json_t *o = json_array_get(stages, i);
        json_t *nm = json_object_get(o, "stage");
        if (!nm)
            nm = json_object_get(o, "name");
        json_t *k = json_object_get(o, "kernel_count");
        if (!k)
            k = json_object_get(o, "kernels");
        json_t *sy = json_object_get(o, "sync_count");
        if (!sy)
            sy = json_object_get(o, "syncs");
        json_t *ms = json_object_get(o, "gpu_ms");
        double v = json_is_number(ms) ? json_number_value(ms) : 0;
        double w = (SVG_W - 20) * (total > 0 ? v / total : 0);
        char tip[200];
        snprintf(tip, sizeof tip, "%s: %lld kernels, %lld syncs, %.3f ms",
                 json_is_string(nm) ? json_string_value(nm) : "?",
                 json_is_integer(k) ? (long long)json_integer_value(k) : -1,
                 json_is_integer(sy) ? (long long)json_integer_value(sy) : -1, v);
        draw_box(b, x, y, w, color(json_is_string(nm) ? json_string_value(nm) : "?", 0), tip, tip);
        x += w;
    }
    return y + ROW_H;
}

int cli_report(const char *metrics, const char *svg) {
    json_error_t err;
    json_t *root = json_load_file(metrics, 0, &err);
    if (!root) {
        fprintf(stderr, "swirl: %s:%d:%d: %s\n", metrics, err.line, err.column, err.text);
        return CLI_BAD;
    }
    json_t *spans = json_object_get(root, "spans");
    if (!json_is_array(spans)) {
        fprintf(stderr, "swirl: %s: no \"spans\" array (write it with swirl prove --metrics)\n",
                metrics);
        json_decref(root);
        return CLI_BAD;
    }
    rspan *s = NULL;
    size_t n = 0;
    int rc = read_spans(&s, &n, spans);
    if (rc != CLI_OK) {
        json_decref(root);
        return rc;
    }
    double total = 0;
    int max_depth = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i].start + s[i].ms > total)
            total = s[i].start + s[i].ms;
        if (s[i].depth > max_depth)
            max_depth = s[i].depth;
    }
    json_t *stages = json_object_get(root, "gpu_stages");
    size_t n_stages = json_is_array(stages) ? json_array_size(stages) : 0;
    double height = TOP + (max_depth + 1) * ROW_H + (n_stages ? 3 * ROW_H : 0) + 20;
    svg_buf b = {NULL, 0, 0, 0};
    put(&b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\" "
            "width=\"%.0f\" height=\"%.0f\" viewBox=\"0 0 %.0f %.0f\">\n<rect width=\"100%%\" "
            "height=\"100%%\" fill=\"#fdfdfd\"/>\n",
        SVG_W, height, SVG_W, height);
    json_t *air = json_object_get(root, "air"), *be = json_object_get(root, "backend");
    json_t *desc = json_object_get(root, "description");
    char title[256];
    snprintf(title, sizeof title, "swirl %s: %s (%s) on %s, %.1f ms in %zu spans",
             json_is_string(json_object_get(root, "command"))
                 ? json_string_value(json_object_get(root, "command"))
                 : "prove",
             json_is_string(air) ? json_string_value(air) : "?",
             json_is_string(desc) ? json_string_value(desc) : "",
             json_is_string(be) ? json_string_value(be) : "?", total, n);
    put(&b, "<text x=\"10\" y=\"22\" font-size=\"16\" font-family=\"sans-serif\">");
    put_text(&b, title);
    put(&b, "</text>\n<text x=\"10\" y=\"42\" font-size=\"12\" font-family=\"sans-serif\" "
            "fill=\"#555\">spans (OpenVM's names), width = time; hover a box for its name and "
            "milliseconds</text>\n");
    draw_spans(&b, s, n, total, TOP);
    if (n_stages)
        draw_stages(&b, stages, TOP + (max_depth + 1) * ROW_H + 10);
    put(&b, "</svg>\n");
    free(s);
    json_decref(root);
    if (b.oom) {
        free(b.p);
        fprintf(stderr, "swirl: report: out of memory\n");
        return CLI_FAILED;
    }
    rc = cli_write_file(svg, (const uint8_t *)b.p, b.len);
    free(b.p);
    if (rc == CLI_OK)
        printf("wrote %s: %zu spans%s, %.1f ms\n", svg, n, n_stages ? " and the GPU stage trace" : "",
               total);
    return rc;
}

int cli_cmd_report(int argc, char **argv) {
    static const char *const usage =
        "usage: swirl report METRICS_JSON --svg OUT_SVG\n"
        "Draws the span tree of a metrics file (swirl prove/bench --metrics) as a flame chart, and\n"
        "for GPU runs the stage trace (kernel and host-sync counts per stage), into an SVG file.\n";
    const char *metrics = NULL, *svg = NULL;
    for (int i = 2; i < argc; i++) {
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            fputs(usage, stdout);
            return CLI_OK;
        }
        if (strcmp(argv[i], "--svg") == 0 && i + 1 < argc) {
            svg = argv[++i];
        } else if (argv[i][0] != '-' && !metrics) {
            metrics = argv[i];
        } else {
            fprintf(stderr, "swirl: report: unexpected argument '%s'\n%s", argv[i], usage);
            return CLI_BAD;
        }
    }
    if (!metrics || !svg) {
        fprintf(stderr, "swirl: report needs METRICS_JSON and --svg OUT_SVG\n%s", usage);
        return CLI_BAD;
    }
    return cli_report(metrics, svg);
}
