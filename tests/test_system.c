/* AIR-system directories (protocol/system.h): OpenVM's system with its staged parameters keys to
 * OpenVM's vk_pre_hash; a system saved and loaded back has the same parameters, AIRs, traces and
 * key; save refuses a non-empty target and leaves nothing behind. */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "air/test_airs.h"
#include "fixtures.h"
#include "harness.h"
#include "protocol/system.h"

#define PROVE_DIR SWIRL_TEST_VECTORS_DIR "/openvm-v2.0.0/prove"

/* OpenVM's prove/ system as shipped (l_skip 4, n_stack 8, k_whir 4, queries [10, 3, 2]) loads with
 * test_system_params_small's defaults for the keys meta.json leaves out. */
static void test_load_openvm(void) {
    swirl_system *s;
    CHECK_OK(swirl_system_load(&s, PROVE_DIR, 1));
    CHECK(s->n_airs == 5 && s->params.l_skip == 4 && s->params.n_stack == 8);
    CHECK(s->params.w_stack == 4096 && s->params.log_blowup == 1);
    CHECK(s->params.whir.k == 4 && s->params.whir.num_rounds == 3);
    CHECK(s->params.whir.num_queries[0] == 10 && s->params.whir.num_queries[1] == 3 &&
          s->params.whir.num_queries[2] == 2);
    CHECK(s->params.whir.proximity.kind == SWIRL_PROXIMITY_SPLIT_UNIQUE_LIST &&
          s->params.whir.proximity.m == 3 && s->params.whir.proximity.list_start_round == 1);
    CHECK(s->params.logup.max_interaction_count == 1u << 30 && s->params.logup.pow_bits == 2);
    CHECK(s->airs[0].height == 64 && s->airs[0].air->num_public_values == 3);
    CHECK(bb31_to_u32(s->airs[0].public_values[2]) == 298454053);
    CHECK(s->airs[0].expect_needs_next == 1 && s->airs[1].expect_constraint_degree == 1);
    CHECK(s->trace_cells == 164);
    swirl_keygen_air ka[5];
    swirl_system_keygen_airs(s, ka);
    swirl_vk *vk;
    CHECK_OK(swirl_keygen(&vk, &s->params, ka, s->n_airs));
    CHECK_OK(swirl_system_check_vk(s, vk, PROVE_DIR));
    swirl_vk_destroy(vk);
    swirl_system_destroy(s);
}

/* A scratch directory under the build directory, removed by the caller. */
static void scratch(char *buf, size_t cap, const char *tag) {
    snprintf(buf, cap, "test_system_%s_%ld", tag, (long)getpid());
}

static void rm_system(const char *dir, size_t n) {
    char p[512];
    for (size_t i = 0; i < n; i++) {
        snprintf(p, sizeof p, "%s/inputs/constraints_%zu.json", dir, i);
        remove(p);
        snprintf(p, sizeof p, "%s/inputs/trace_%zu.npy", dir, i);
        remove(p);
    }
    snprintf(p, sizeof p, "%s/meta.json", dir);
    remove(p);
    snprintf(p, sizeof p, "%s/inputs", dir);
    remove(p);
    remove(dir);
}

/* The staged case's parameters: OpenVM's vk_pre_hash (logup_gkr/meta.json) from its DAG files. */
static void test_staged_pre_hash(void) {
    static const uint32_t want[8] = {1779467931, 519699140,  567253257,  1211251244,
                                     245751727,  1307612673, 1490030157, 1568020084};
    swirl_system *s;
    CHECK_OK(swirl_system_load(&s, PROVE_DIR, 1));
    /* test_system_params_small(2, 8, 3): WHIR queries [10, 4, 2] as OpenVM's whir/meta.json */
    swirl_system_params p = s->params;
    p.l_skip = 2;
    p.whir.k = 3;
    p.whir.num_queries[1] = 4;
    swirl_system_out_air out[5];
    for (size_t i = 0; i < 5; i++) {
        swirl_system_out_air o = {s->airs[i].air, s->airs[i].is_required, s->airs[i].trace,
                                  s->airs[i].height, s->airs[i].public_values};
        out[i] = o;
    }
    char dir[128];
    scratch(dir, sizeof dir, "staged");
    swirl_digest d;
    for (int i = 0; i < 8; i++)
        d.v[i] = bb31_from_u32(want[i]);
    CHECK_OK(swirl_system_save(dir, &p, out, 5, &d, "test_system staged"));
    swirl_system *t;
    CHECK_OK(swirl_system_load(&t, dir, 1));
    CHECK(memcmp(&t->params, &p, sizeof p) == 0);
    swirl_keygen_air ka[5];
    swirl_system_keygen_airs(t, ka);
    swirl_vk *vk;
    CHECK_OK(swirl_keygen(&vk, &t->params, ka, t->n_airs));
    for (int i = 0; i < 8; i++)
        CHECK_MSG(bb31_to_u32(vk->pre_hash.v[i]) == want[i], "pre-hash limb %d", i);
    CHECK_OK(swirl_system_check_vk(t, vk, dir));
    /* the traces came back as they went out */
    for (size_t i = 0; i < 5; i++) {
        size_t cells = t->airs[i].height * t->airs[i].air->common_width;
        CHECK(t->airs[i].height == s->airs[i].height);
        CHECK(memcmp(t->airs[i].trace, s->airs[i].trace, cells * sizeof(bb31)) == 0);
    }
    /* a second save into the now non-empty directory is refused and changes nothing */
    CHECK_STATUS(swirl_system_save(dir, &p, out, 5, NULL, NULL), SWIRL_E_IO);
    CHECK(strstr(swirl_last_error(), "not an empty directory") != NULL);
    swirl_vk_destroy(vk);
    swirl_system_destroy(t);
    swirl_system_destroy(s);
    rm_system(dir, 5);
}

/* Without traces, keygen reads a trace only where meta.json gives no width. */
static void test_keygen_without_traces(void) {
    swirl_air_builder *b;
    CHECK_OK(swirl_fib_air_build(&b));
    swirl_air *air = swirl_fixture_compile(b);
    bb31 *t;
    CHECK_OK(swirl_fib_trace(&t, 0, 1, 16));
    bb31 pv[3] = {bb31_zero(), bb31_one(), t[2 * 16 - 1]};
    swirl_system_out_air o = {air, 1, t, 16, pv};
    swirl_system_params p = swirl_fixture_tiny_params();
    char dir[128], path[256];
    scratch(dir, sizeof dir, "notrace");
    CHECK_OK(swirl_system_save(dir, &p, &o, 1, NULL, NULL));
    snprintf(path, sizeof path, "%s/inputs/trace_0.npy", dir);
    CHECK(remove(path) == 0);
    swirl_system *s;
    CHECK_OK(swirl_system_load(&s, dir, 0)); /* the width comes from meta.json */
    CHECK(s->airs[0].air->common_width == 2 && s->airs[0].trace == NULL);
    swirl_system_destroy(s);
    CHECK_STATUS(swirl_system_load(&s, dir, 1), SWIRL_E_IO);
    CHECK(strstr(swirl_last_error(), "trace_0.npy") != NULL && s == NULL);
    rm_system(dir, 1);
    free(t);
    swirl_air_destroy(air);
}

int main(int argc, char **argv) {
    static const struct swirl_test tests[] = {
        SWIRL_TEST(test_load_openvm),
        SWIRL_TEST(test_staged_pre_hash),
        SWIRL_TEST(test_keygen_without_traces),
    };
    return swirl_test_main(argc, argv, tests, SWIRL_NTESTS(tests));
}
