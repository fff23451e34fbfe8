/* Golden-file comparison for the toy and coeffs JSON (used by
 * test_toy_golden.c and test_coeffs_golden.c only): both documents are
 * parsed with cJSON and walked together; numbers must agree to
 * |a - b| <= rtol max(|a|, |b|) + atol, strings, booleans, nulls and array
 * lengths exactly; keys that record the run rather than the result
 * (version, git_revision, command_line, time_total) are skipped. With
 * LL_REGEN_GOLDEN=1 in the environment the golden file is (re)written
 * instead (tests/golden/toy_coeffs_regen.sh). */
#ifndef LL_TOY_GOLDEN_CMP_H
#define LL_TOY_GOLDEN_CMP_H

#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Also skipped: what depends on the continuation's step-size path rather
 * than on the result (the branch's sample points, arclengths s, the kernel
 * ratio at the last point before an event, the c2-vs-mu fit through stored
 * branch points, step counts): any change of the step control moves them
 * while every converged quantity stays put. */
static int golden_skip(const char *key)
{
    static const char *skip[] = {"version", "git_revision", "command_line",
                                 "time_total", "branch", "s", "kernel_ratio",
                                 "c2_vs_mu", "steps", "newton_iters",
                                 "steps_rejected"};
    for (size_t i = 0; key && i < sizeof skip / sizeof skip[0]; i++)
        if (strcmp(key, skip[i]) == 0)
            return 1;
    return 0;
}

/* A finite-difference relative error (fd_rel_err) is a difference of two
 * values at the located event, divided by one of them: the event is
 * located to locate_tol = 1e-10 in lambda, and the step control decides
 * where in that tolerance it lands, so such a ratio moves by ~1e-10 times
 * its sensitivity to the point (seen: 2.2e-10 on 6.5e-8 when the step
 * control changed). It is compared to 1e-9 absolute (sensitivity <= 10);
 * the values it is made of keep the file's rtol. */
#define LL_GOLDEN_REL_ERR_ATOL 1e-9

static int golden_rel_err_key(const char *path)
{
    size_t n = strlen(path), k = strlen(".fd_rel_err");
    return n >= k && strcmp(path + n - k, ".fd_rel_err") == 0;
}

/* Returns 0 if equal; else writes the path of the first difference. */
static int golden_cmp(const cJSON *a, const cJSON *b, const char *path,
                      double rtol, double atol, char *where, size_t n)
{
    char sub[512];
    if ((a->type & 0xFF) != (b->type & 0xFF)) {
        snprintf(where, n, "%s: type differs", path);
        return 1;
    }
    if (cJSON_IsNumber(a)) {
        double x = a->valuedouble, y = b->valuedouble;
        if (golden_rel_err_key(path))
            atol = fmax(atol, LL_GOLDEN_REL_ERR_ATOL);
        if (fabs(x - y) > rtol * fmax(fabs(x), fabs(y)) + atol) {
            snprintf(where, n, "%s: %.17g vs golden %.17g", path, x, y);
            return 1;
        }
        return 0;
    }
    if (cJSON_IsString(a)) {
        if (strcmp(a->valuestring, b->valuestring) != 0) {
            snprintf(where, n, "%s: '%s' vs golden '%s'", path, a->valuestring,
                     b->valuestring);
            return 1;
        }
        return 0;
    }
    if (cJSON_IsArray(a)) {
        int na = cJSON_GetArraySize(a), nb = cJSON_GetArraySize(b);
        if (na != nb) {
            snprintf(where, n, "%s: %d entries vs golden %d", path, na, nb);
            return 1;
        }
        for (int i = 0; i < na; i++) {
            snprintf(sub, sizeof sub, "%s[%d]", path, i);
            if (golden_cmp(cJSON_GetArrayItem(a, i), cJSON_GetArrayItem(b, i),
                           sub, rtol, atol, where, n))
                return 1;
        }
        return 0;
    }
    if (cJSON_IsObject(a)) {
        const cJSON *c;
        cJSON_ArrayForEach(c, b) {
            if (golden_skip(c->string))
                continue;
            const cJSON *d = cJSON_GetObjectItemCaseSensitive(a, c->string);
            snprintf(sub, sizeof sub, "%s.%s", path, c->string);
            if (!d) {
                snprintf(where, n, "%s: missing", sub);
                return 1;
            }
            if (golden_cmp(d, c, sub, rtol, atol, where, n))
                return 1;
        }
        cJSON_ArrayForEach(c, a) {
            if (!cJSON_GetObjectItemCaseSensitive(b, c->string)) {
                snprintf(where, n, "%s.%s: not in the golden file", path,
                         c->string);
                return 1;
            }
        }
        return 0;
    }
    if (cJSON_IsBool(a) && cJSON_IsTrue(a) != cJSON_IsTrue(b)) {
        snprintf(where, n, "%s: boolean differs", path);
        return 1;
    }
    return 0;
}

static char *golden_read(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    long len = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *s = malloc((size_t)len + 1);
    if (s && fread(s, 1, (size_t)len, f) != (size_t)len) {
        free(s);
        s = NULL;
    }
    if (s)
        s[len] = '\0';
    fclose(f);
    return s;
}

/* Compare json (a fresh result) with the golden file, or rewrite it. */
static void golden_check(const char *json, const char *golden_path,
                         double rtol, double atol)
{
    char where[1024] = "";
    if (getenv("LL_REGEN_GOLDEN")) {
        FILE *f = fopen(golden_path, "w");
        assert_non_null(f);
        fputs(json, f);
        fputc('\n', f);
        fclose(f);
        return;
    }
    char *g = golden_read(golden_path);
    if (!g)
        fail_msg("cannot read %s (run tests/golden/toy_coeffs_regen.sh)",
                 golden_path);
    cJSON *a = cJSON_Parse(json), *b = cJSON_Parse(g);
    free(g);
    assert_non_null(a);
    assert_non_null(b);
    int bad = golden_cmp(a, b, "$", rtol, atol, where, sizeof where);
    cJSON_Delete(a);
    cJSON_Delete(b);
    if (bad)
        fail_msg("%s differs from the golden file: %s", golden_path, where);
}

#endif
