/*
 * `swirl inspect --json`, `swirl encode-json` and the --transcript-log directories of prove and
 * verify.
 *
 * inspect --json prints the proof as one JSON object (swirl_proof_bytes_to_json: OpenVM's field
 * names and nesting). The encoding describes its own shape, so no key is needed; with --vk the
 * proof is also decoded against the key (every shape check; a proof that does not fit is an
 * error) and the key's pre-hash is added as "vk_pre_hash". encode-json is the reverse: JSON to
 * proof bytes, with --vk checked against the key as a decoded proof would be (and its
 * vk_pre_hash, if any).
 *
 * A transcript log directory is written by the library (swirl_context_set_transcript_dir):
 * OpenVM's TranscriptLog as the reference vectors lay it out.
 */
#include <errno.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

/* reads and decodes a key (prints the reason on failure) */
static int load_vk(swirl_vk **vk, const char *path) {
    uint8_t *b = NULL;
    size_t len = 0;
    *vk = NULL;
    if (cli_read_file(path, &b, &len))
        return CLI_BAD;
    enum swirl_status st = swirl_vk_from_bytes(vk, b, len);
    free(b);
    if (st != SWIRL_OK) {
        fprintf(stderr, "swirl: %s is not a verifying key: %s\n", path, swirl_last_error());
        return CLI_BAD;
    }
    return CLI_OK;
}

/* decodes bytes against the key, only to check that they fit it */
static int check_fits(const uint8_t *b, size_t len, const swirl_vk *vk, const char *what) {
    swirl_proof *p = NULL;
    if (swirl_proof_from_bytes(&p, vk, b, len) != SWIRL_OK) {
        fprintf(stderr, "swirl: %s does not fit the key: %s\n", what, swirl_last_error());
        return CLI_BAD;
    }
    swirl_proof_destroy(p);
    return CLI_OK;
}

/* the JSON of the bytes (vk: with "vk_pre_hash"); prints the reason on failure */
static int to_json(char **text, const uint8_t *b, size_t len, const swirl_vk *vk,
                   const char *path) {
    enum swirl_status st = swirl_proof_bytes_to_json(text, b, len, vk);
    if (st == SWIRL_OK)
        return CLI_OK;
    if (st == SWIRL_E_NOMEM) {
        fprintf(stderr, "swirl: out of memory\n");
        return CLI_FAILED;
    }
    fprintf(stderr, "swirl: %s: malformed: %s\n", path, swirl_last_error());
    return CLI_BAD;
}

int cli_inspect_json(const char *proof_path, const char *vk_path) {
    uint8_t *b = NULL;
    size_t len = 0;
    swirl_vk *vk = NULL;
    char *text = NULL;
    int rc = CLI_BAD;
    if (cli_read_file(proof_path, &b, &len) || (vk_path && load_vk(&vk, vk_path) != CLI_OK))
        goto out;
    /* without the key first: a malformed proof is reported as such, not as a misfit */
    if ((rc = to_json(&text, b, len, NULL, proof_path)) != CLI_OK)
        goto out;
    rc = CLI_BAD;
    if (vk && check_fits(b, len, vk, proof_path) != CLI_OK)
        goto out;
    if (vk) {
        swirl_free(text);
        text = NULL;
        if ((rc = to_json(&text, b, len, vk, proof_path)) != CLI_OK)
            goto out;
    }
    if (printf("%s\n", text) < 0 || fflush(stdout) != 0) {
        fprintf(stderr, "swirl: writing the JSON failed\n");
        rc = CLI_FAILED;
        goto out;
    }
    rc = CLI_OK;
out:
    swirl_free(text);
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

/* the JSON text of a file (duplicate keys refused, errors with line and column) */
static char *load_json_text(const char *json_path) {
    json_error_t err;
    json_t *j = json_load_file(json_path, JSON_REJECT_DUPLICATES, &err);
    if (!j) {
        fprintf(stderr, "swirl: %s: not JSON (line %d, column %d): %s\n", json_path, err.line,
                err.column, err.text);
        return NULL;
    }
    char *text = json_dumps(j, JSON_COMPACT | JSON_ENCODE_ANY);
    json_decref(j);
    if (!text)
        fprintf(stderr, "swirl: out of memory\n");
    return text;
}

int cli_encode_json(const char *json_path, const char *vk_path, const char *out_path) {
    char *text = load_json_text(json_path);
    if (!text)
        return CLI_BAD;
    swirl_vk *vk = NULL;
    uint8_t *b = NULL, *kb = NULL;
    size_t len = 0, klen = 0;
    int rc = CLI_BAD;
    if (vk_path && load_vk(&vk, vk_path) != CLI_OK)
        goto out;
    if (swirl_proof_json_to_bytes_text(&b, &len, text, NULL) != SWIRL_OK) {
        fprintf(stderr, "swirl: %s: malformed: %s\n", json_path, swirl_last_error());
        goto out;
    }
    /* the key's checks, the pre-hash included */
    if (vk && swirl_proof_json_to_bytes_text(&kb, &klen, text, vk) != SWIRL_OK) {
        fprintf(stderr, "swirl: %s does not fit the key: %s\n", json_path, swirl_last_error());
        goto out;
    }
    if ((rc = write_atomic(out_path, b, len)) == CLI_OK)
        printf("wrote %s: %zu bytes%s\n", out_path, len,
               vk ? ", fits the key (not verified: use swirl verify)" : " (no key: not checked)");
out:
    swirl_free(b);
    swirl_free(kb);
    swirl_vk_destroy(vk);
    free(text);
    return rc;
}

int cli_transcript_result(const swirl_context *ctx, const char *dir) {
    int written = 0;
    size_t n_values = 0, n_perms = 0;
    enum swirl_status st = swirl_context_transcript_result(ctx, &written, &n_values, &n_perms);
    if (st != SWIRL_OK) {
        fprintf(stderr, "swirl: --transcript-log %s: %s\n", dir, swirl_last_error());
        return st == SWIRL_E_IO ? CLI_BAD : CLI_FAILED;
    }
    if (written)
        fprintf(stderr, "swirl: wrote %s/transcript_*.npy: %zu values, %zu permutations\n", dir,
                n_values, n_perms);
    return CLI_OK;
}
