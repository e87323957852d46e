/* The public prover API (include/swirl/swirl_prover.h) over keygen, the flows and the codecs. */
#include "util/alloc.h"
#include "swirl/swirl_prover.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "air/dag.h"
#include "api/api.h"
#include "protocol/codec_proof.h"
#include "protocol/proof_json.h"
#include "protocol/vk_codec.h"
#include "prover/prove.h"
#include "transcript/log_npy.h"

enum swirl_status swirl_vk_create(swirl_vk **out, const swirl_system_params *params,
                                  const swirl_air_spec *airs, size_t n_airs) {
    return swirl_keygen(out, params, airs, n_airs);
}

enum swirl_status swirl_vk_to_bytes(uint8_t **bytes, size_t *len, const swirl_vk *vk) {
    return swirl_vk_encode(bytes, len, vk);
}

enum swirl_status swirl_vk_from_bytes(swirl_vk **out, const uint8_t *bytes, size_t len) {
    return swirl_vk_decode(out, bytes, len);
}

void swirl_vk_get_pre_hash(const swirl_vk *vk, uint32_t out[8]) {
    for (int i = 0; i < 8; i++)
        out[i] = vk ? bb31_to_u32(vk->pre_hash.v[i]) : 0;
}

size_t swirl_vk_num_airs(const swirl_vk *vk) {
    return vk ? vk->n_airs : 0;
}

const swirl_system_params *swirl_vk_params(const swirl_vk *vk) {
    return vk ? &vk->params : NULL;
}

enum swirl_status swirl_check_traces(const swirl_vk *vk, const swirl_trace *traces) {
    SWIRL_ARG_CHECK(vk != NULL && traces != NULL);
    swirl_air_instance *inst = swirl_calloc(vk->n_airs + 1, sizeof *inst);
    if (!inst)
        return SWIRL_RAISE(SWIRL_E_NOMEM, "out of memory");
    size_t n = 0;
    enum swirl_status st = SWIRL_OK;
    for (size_t i = 0; i < vk->n_airs && st == SWIRL_OK; i++) {
        const swirl_air *air = vk->per_air[i].air;
        if (!traces[i].common)
            continue; /* an optional AIR left out */
        if (air->preprocessed_width) {
            st = SWIRL_RAISE(SWIRL_E_UNSUPPORTED,
                             "AIR %s: checking a preprocessed AIR's trace is not supported here",
                             air->name);
            break;
        }
        st = swirl_air_check_constraints(air, NULL, traces[i].cached, traces[i].common,
                                         traces[i].height, traces[i].public_values, NULL, NULL);
        swirl_air_instance in = {air, NULL, traces[i].cached, traces[i].common, traces[i].height,
                                 traces[i].public_values};
        inst[n++] = in;
    }
    if (st == SWIRL_OK)
        st = swirl_check_interactions(inst, n);
    free(inst);
    return st;
}

/* the transcript log of one call, written to the context's directory when it has one */
static enum swirl_status finish_log(swirl_context *ctx, swirl_transcript_log *log,
                                    enum swirl_status st) {
    if (st == SWIRL_OK || st == SWIRL_E_PROOF_REJECTED) {
        enum swirl_status w = swirl_transcript_log_write_npy(ctx->transcript_dir, log);
        ctx->transcript_written = w == SWIRL_OK;
        ctx->transcript_status = w;
        ctx->transcript_values = log->n_values;
        ctx->transcript_perms = log->n_perms;
        if (w != SWIRL_OK && st == SWIRL_OK)
            st = w;
    }
    swirl_transcript_log_clear(log);
    return st;
}

/* swirl_prove's body; d_common[i] (or d_common NULL): AIR i's common main on the device */
static enum swirl_status prove(swirl_context *ctx, swirl_proof **out, const swirl_vk *vk,
                               const swirl_trace *traces, const bb31 *const *d_common) {
    swirl_proof *p = swirl_calloc(1, sizeof *p);
    if (!p)
        return SWIRL_RAISE(SWIRL_E_NOMEM, "out of memory");
    swirl_transcript_log log;
    swirl_transcript_log_init(&log);
    swirl_api_scope sc;
    swirl_api_enter(&sc, ctx);
    swirl_api_transcript_reset(ctx);
    swirl_backend_device_peak_reset(ctx->backend);
    enum swirl_status st = swirl_flow_prove_dev(p, vk, traces, d_common, ctx->backend,
                                                ctx->transcript_dir ? &log : NULL);
    if (ctx->transcript_dir)
        st = finish_log(ctx, &log, st);
    swirl_api_leave(&sc);
    if (st != SWIRL_OK) {
        swirl_proof_destroy(p);
        return st;
    }
    *out = p;
    return SWIRL_OK;
}

enum swirl_status swirl_prove(swirl_context *ctx, swirl_proof **out, const swirl_vk *vk,
                              const swirl_trace *traces) {
    SWIRL_ARG_CHECK(ctx != NULL && out != NULL && vk != NULL && traces != NULL);
    *out = NULL;
    return prove(ctx, out, vk, traces, NULL);
}

/* device[i] against the key and traces[i]: the context's CUDA backend, the AIR's width */
static enum swirl_status check_device(const swirl_context *ctx, const swirl_vk *vk,
                                      const swirl_trace *traces,
                                      const swirl_device_trace *const *device, size_t i) {
    const swirl_device_trace *d = device[i];
    const swirl_air *air = vk->per_air[i].air;
    if (ctx && (!ctx->backend || !ctx->backend->gpu))
        return SWIRL_RAISE(SWIRL_E_INVALID_ARG,
                           "AIR %s: a device trace needs a context with the cuda backend (this "
                           "one is %s); download it (swirl_device_trace_download) for this backend",
                           air->name, ctx->backend ? ctx->backend->name : "cpu");
    if (ctx && d->ctx != ctx)
        return SWIRL_RAISE(SWIRL_E_INVALID_ARG,
                           "AIR %s: the device trace was made on another context", air->name);
    if (traces[i].common)
        return SWIRL_RAISE(SWIRL_E_INVALID_ARG,
                           "AIR %s: both a host trace (common) and a device trace given", air->name);
    if (d->width != air->common_width)
        return SWIRL_RAISE(SWIRL_E_INVALID_ARG,
                           "AIR %s: the device trace has %zu columns, the AIR's common main %zu",
                           air->name, d->width, air->common_width);
    if (traces[i].height != 0 && traces[i].height != d->height)
        return SWIRL_RAISE(SWIRL_E_INVALID_ARG,
                           "AIR %s: height %zu given, the device trace has %zu rows", air->name,
                           traces[i].height, d->height);
    return SWIRL_OK;
}

/* the traces with each device trace's height filled in (*copy: free()) */
static enum swirl_status with_heights(swirl_trace **copy, const swirl_vk *vk,
                                      const swirl_trace *traces,
                                      const swirl_device_trace *const *device) {
    swirl_trace *c = swirl_malloc((vk->n_airs + 1) * sizeof *c);
    if (!c)
        return SWIRL_RAISE(SWIRL_E_NOMEM, "out of memory");
    for (size_t i = 0; i < vk->n_airs; i++) {
        c[i] = traces[i];
        if (device && device[i])
            c[i].height = device[i]->height;
    }
    *copy = c;
    return SWIRL_OK;
}

enum swirl_status swirl_prove_device(swirl_context *ctx, swirl_proof **out, const swirl_vk *vk,
                                     const swirl_trace *traces,
                                     const swirl_device_trace *const *device) {
    SWIRL_ARG_CHECK(ctx != NULL && out != NULL && vk != NULL && traces != NULL);
    *out = NULL;
    if (!device)
        return prove(ctx, out, vk, traces, NULL);
    for (size_t i = 0; i < vk->n_airs; i++)
        if (device[i])
            SWIRL_TRY(check_device(ctx, vk, traces, device, i));
    swirl_trace *tr = NULL;
    const bb31 **d_common = swirl_calloc(vk->n_airs + 1, sizeof *d_common);
    enum swirl_status st = d_common ? with_heights(&tr, vk, traces, device)
                                    : SWIRL_RAISE(SWIRL_E_NOMEM, "out of memory");
    if (st == SWIRL_OK) {
        for (size_t i = 0; i < vk->n_airs; i++)
            d_common[i] = device[i] ? device[i]->d_values : NULL;
        st = prove(ctx, out, vk, tr, d_common);
    }
    free(tr);
    free(d_common);
    return st;
}

enum swirl_status swirl_check_traces_device(const swirl_vk *vk, const swirl_trace *traces,
                                            const swirl_device_trace *const *device) {
    SWIRL_ARG_CHECK(vk != NULL && traces != NULL);
    if (!device)
        return swirl_check_traces(vk, traces);
    for (size_t i = 0; i < vk->n_airs; i++)
        if (device[i])
            SWIRL_TRY(check_device(NULL, vk, traces, device, i));
    swirl_trace *tr = NULL;
    bb31 **host = swirl_calloc(vk->n_airs + 1, sizeof *host);
    enum swirl_status st = host ? with_heights(&tr, vk, traces, device)
                                : SWIRL_RAISE(SWIRL_E_NOMEM, "out of memory");
    for (size_t i = 0; i < vk->n_airs && st == SWIRL_OK; i++) {
        if (!device[i])
            continue;
        swirl_api_scope sc;
        swirl_api_enter(&sc, device[i]->ctx);
        st = swirl_api_device_trace_host(device[i], &host[i], "the trace check");
        swirl_api_leave(&sc);
        tr[i].common = host[i];
    }
    if (st == SWIRL_OK)
        st = swirl_check_traces(vk, tr);
    for (size_t i = 0; host && i < vk->n_airs; i++)
        free(host[i]);
    free(host);
    free(tr);
    return st;
}

enum swirl_status swirl_verify(swirl_context *ctx, const swirl_vk *vk, const swirl_proof *proof) {
    SWIRL_ARG_CHECK(ctx != NULL && vk != NULL && proof != NULL);
    swirl_transcript_log log;
    swirl_transcript_log_init(&log);
    swirl_api_scope sc;
    swirl_api_enter(&sc, ctx);
    swirl_api_transcript_reset(ctx);
    enum swirl_status st = swirl_flow_verify(vk, proof, ctx->transcript_dir ? &log : NULL);
    if (ctx->transcript_dir)
        st = finish_log(ctx, &log, st);
    swirl_api_leave(&sc);
    return st;
}

void swirl_proof_destroy(swirl_proof *proof) {
    if (!proof)
        return;
    swirl_proof_clear(proof);
    free(proof);
}

enum swirl_status swirl_proof_to_bytes(uint8_t **bytes, size_t *len, const swirl_proof *proof,
                                       const swirl_vk *vk) {
    return swirl_proof_encode(bytes, len, proof, vk);
}

enum swirl_status swirl_proof_from_bytes(swirl_proof **out, const swirl_vk *vk,
                                         const uint8_t *bytes, size_t len) {
    SWIRL_ARG_CHECK(out != NULL && vk != NULL && (bytes != NULL || len == 0));
    *out = NULL;
    swirl_proof *p = swirl_calloc(1, sizeof *p);
    if (!p)
        return SWIRL_RAISE(SWIRL_E_NOMEM, "out of memory");
    enum swirl_status st = swirl_proof_decode(p, bytes, len, vk);
    if (st != SWIRL_OK) {
        free(p);
        return st;
    }
    *out = p;
    return SWIRL_OK;
}

enum swirl_status swirl_proof_bytes_to_json(char **json, const uint8_t *bytes, size_t len,
                                            const swirl_vk *vk) {
    SWIRL_ARG_CHECK(json != NULL && (bytes != NULL || len == 0));
    *json = NULL;
    json_t *j = NULL;
    enum swirl_status st;
    if (vk) {
        swirl_proof p;
        memset(&p, 0, sizeof p);
        st = swirl_proof_decode(&p, bytes, len, vk);
        if (st == SWIRL_OK)
            st = swirl_proof_to_json(&j, &p, vk);
        swirl_proof_clear(&p);
        if (st == SWIRL_OK) { /* the key's pre-hash, as `swirl inspect --json --vk` adds it */
            json_t *h = json_array();
            for (int i = 0; h && i < 8; i++)
                if (json_array_append_new(h, json_integer(bb31_to_u32(vk->pre_hash.v[i]))) != 0)
                    break;
            if (!h || json_array_size(h) != 8 || json_object_set_new(j, "vk_pre_hash", h) != 0) {
                json_decref(j);
                return SWIRL_RAISE(SWIRL_E_NOMEM, "proof JSON: out of memory");
            }
        }
    } else {
        st = swirl_proof_json_from_bytes(&j, bytes, len);
    }
    if (st != SWIRL_OK)
        return st;
    char *text = json_dumps(j, JSON_COMPACT);
    json_decref(j);
    if (!text)
        return SWIRL_RAISE(SWIRL_E_NOMEM, "proof JSON: out of memory");
    /* jansson allocates with malloc by default: swirl_free releases it */
    *json = text;
    return SWIRL_OK;
}

enum swirl_status swirl_proof_json_to_bytes_text(uint8_t **bytes, size_t *len, const char *json,
                                                 const swirl_vk *vk) {
    SWIRL_ARG_CHECK(bytes != NULL && len != NULL && json != NULL);
    *bytes = NULL;
    *len = 0;
    json_error_t err;
    json_t *j = json_loads(json, 0, &err);
    if (!j)
        return SWIRL_RAISE(SWIRL_E_PROOF_MALFORMED, "proof JSON: %d:%d: %s", err.line, err.column,
                           err.text);
    enum swirl_status st;
    if (vk) {
        swirl_proof p;
        memset(&p, 0, sizeof p);
        st = swirl_proof_from_json(&p, j, vk);
        if (st == SWIRL_OK)
            st = swirl_proof_encode(bytes, len, &p, vk);
        swirl_proof_clear(&p);
    } else {
        st = swirl_proof_json_to_bytes(bytes, len, j);
    }
    json_decref(j);
    return st;
}
