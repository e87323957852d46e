/*
 * `swirl inspect --json`, `swirl encode-json` and the --transcript-log directories of prove and
 * verify.
 *
 * inspect --json prints the proof as one JSON object (protocol/proof_json.h: OpenVM's field names
 * and nesting). The encoding describes its own shape, so no key is needed; with --vk the proof is
 * also decoded against the key (every shape check; a proof that does not fit is an error) and the
 * key's pre-hash is added as "vk_pre_hash". encode-json is the reverse: JSON to proof bytes, with
 * --vk checked against the key as a decoded proof would be (and its vk_pre_hash, if any).
 *
 * A transcript log directory is transcript/log_npy.h's: OpenVM's TranscriptLog as the reference
 * vectors lay it out, each file written under a temporary name and renamed into place.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "protocol/codec_proof.h"
#include "protocol/proof_json.h"
#include "protocol/vk_codec.h"
#include "transcript/log_npy.h"

/* reads and decodes a key (prints the reason on failure) */
static int load_vk(swirl_vk **vk, const char *path) {
    uint8_t *b = NULL;
    size_t len = 0;
    *vk = NULL;
    if (cli_read_file(path, &b, &len))
        return CLI_BAD;
    enum swirl_status st = swirl_vk_decode(vk, b, len);
    free(b);
    if (st != SWIRL_OK) {
        fprintf(stderr, "swirl: %s is not a verifying key: %s\n", path, swirl_last_error());
        return CLI_BAD;
    }
    return CLI_OK;
}

/* decodes bytes against the key, only to check that they fit it */
static int check_fits(const uint8_t *b, size_t len, const swirl_vk *vk, const char *what) {
    swirl_proof p;
    if (swirl_proof_decode(&p, b, len, vk) != SWIRL_OK) {
        fprintf(stderr, "swirl: %s does not fit the key: %s\n", what, swirl_last_error());
        return CLI_BAD;
    }
    swirl_proof_clear(&p);
    return CLI_OK;
}

static json_t *digest_json(const swirl_digest *d) {
    json_t *a = json_array();
    for (int i = 0; a && i < 8; i++)
        if (json_array_append_new(a, json_integer(bb31_to_u32(d->v[i]))) != 0) {
            json_decref(a);
            return NULL;
        }
    return a;
}

int cli_inspect_json(const char *proof_path, const char *vk_path) {
    uint8_t *b = NULL;
    size_t len = 0;
    swirl_vk *vk = NULL;
    json_t *j = NULL;
    int rc = CLI_BAD;
    if (cli_read_file(proof_path, &b, &len) || (vk_path && load_vk(&vk, vk_path) != CLI_OK))
        goto out;
    if (swirl_proof_json_from_bytes(&j, b, len) != SWIRL_OK) {
        fprintf(stderr, "swirl: %s: malformed: %s\n", proof_path, swirl_last_error());
        goto out;
    }
    if (vk && check_fits(b, len, vk, proof_path) != CLI_OK)
        goto out;
    if (vk && json_object_set_new(j, "vk_pre_hash", digest_json(&vk->pre_hash)) != 0) {
        fprintf(stderr, "swirl: out of memory\n");
        rc = CLI_FAILED;
        goto out;
    }
    if (json_dumpf(j, stdout, JSON_COMPACT) != 0 || printf("\n") < 0 || fflush(stdout) != 0) {
        fprintf(stderr, "swirl: writing the JSON failed\n");
        rc = CLI_FAILED;
        goto out;
    }
    rc = CLI_OK;
out:
    json_decref(j);
    swirl_vk_destroy(vk);
    free(b);
    return rc;
}

/* writes data to path through a temporary file in the same directory and a rename */
static int write_atomic(const char *path, const uint8_t *data, size_t len) {
    size_t n = strlen(path) + 8;
    char *tmp = malloc(n);
    if (!tmp) {
        fprintf(stderr, "swirl: out of memory\n");
        return CLI_FAILED;
    }
    snprintf(tmp, n, "%s.tmp~", path);
    int rc = cli_write_file(tmp, data, len);
    if (rc == CLI_OK && rename(tmp, path) != 0) {
        fprintf(stderr, "swirl: cannot write %s: %s\n", path, strerror(errno));
        rc = CLI_BAD;
    }
    if (rc != CLI_OK)
        remove(tmp);
    free(tmp);
    return rc;
}

int cli_encode_json(const char *json_path, const char *vk_path, const char *out_path) {
    json_error_t err;
    json_t *j = json_load_file(json_path, JSON_REJECT_DUPLICATES, &err);
    if (!j) {
        fprintf(stderr, "swirl: %s: not JSON (line %d, column %d): %s\n", json_path, err.line,
                err.column, err.text);
        return CLI_BAD;
    }
    swirl_vk *vk = NULL;
    swirl_proof p;
    uint8_t *b = NULL;
    size_t len = 0;
    int rc = CLI_BAD;
    if (vk_path && load_vk(&vk, vk_path) != CLI_OK)
        goto out;
    if (swirl_proof_json_to_bytes(&b, &len, j) != SWIRL_OK) {
        fprintf(stderr, "swirl: %s: malformed: %s\n", json_path, swirl_last_error());
        goto out;
    }
    if (vk) { /* the key's checks, the pre-hash included */
        if (swirl_proof_from_json(&p, j, vk) != SWIRL_OK) {
            fprintf(stderr, "swirl: %s does not fit the key: %s\n", json_path, swirl_last_error());
            goto out;
        }
        swirl_proof_clear(&p);
    }
    if ((rc = write_atomic(out_path, b, len)) == CLI_OK)
        printf("wrote %s: %zu bytes%s\n", out_path, len,
               vk ? ", fits the key (not verified: use swirl verify)" : " (no key: not checked)");
out:
    free(b);
    swirl_vk_destroy(vk);
    json_decref(j);
    return rc;
}

int cli_write_transcript_log(const char *dir, const swirl_transcript_log *log) {
    enum swirl_status st = swirl_transcript_log_write_npy(dir, log);
    if (st != SWIRL_OK) {
        fprintf(stderr, "swirl: --transcript-log %s: %s\n", dir, swirl_last_error());
        return st == SWIRL_E_IO ? CLI_BAD : CLI_FAILED;
    }
    fprintf(stderr, "swirl: wrote %s/transcript_*.npy: %zu values, %zu permutations\n", dir,
            log->n_values, log->n_perms);
    return CLI_OK;
}
