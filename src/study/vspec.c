/* Output weights per width for the sweeps (sweep.h, MATH.md section 4:
 * v_j = linspace(0.5, 1.5, m)): "linspace:A:B" with numpy's convention
 * (A + (B - A) j/(m - 1); A alone when m = 1), "ones", or an explicit comma
 * list, which only fits the width equal to its length. */
#include "losslab/sweep.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static ll_status vspec_linspace(const char *spec, size_t m, double *v,
                                ll_errbuf *eb)
{
    char *end;
    const char *as = spec + 9;
    double a = strtod(as, &end), b;
    if (end == as || *end != ':' || !isfinite(a))
        return ll_err(eb, LL_ERR_ARG, "v: expected linspace:A:B, got '%s'",
                      spec);
    const char *bs = end + 1;
    b = strtod(bs, &end);
    if (end == bs || *end || !isfinite(b))
        return ll_err(eb, LL_ERR_ARG, "v: expected linspace:A:B, got '%s'",
                      spec);
    for (size_t j = 0; j < m; j++)
        v[j] = m == 1 ? a : a + (b - a) * (double)j / (double)(m - 1);
    return LL_OK;
}

static ll_status vspec_list(const char *spec, size_t m, double *v,
                            ll_errbuf *eb)
{
    size_t k = 0;
    char *end;
    for (const char *p = spec;; k++) {
        errno = 0;
        double x = strtod(p, &end);
        if (end == p || errno || !isfinite(x) || (*end && *end != ','))
            return ll_err(eb, LL_ERR_ARG, "v: expected linspace:A:B, ones or "
                          "a comma list of numbers, got '%s'", spec);
        if (k < m)
            v[k] = x;
        if (!*end)
            break;
        p = end + 1;
    }
    if (k + 1 != m)
        return ll_err(eb, LL_ERR_ARG, "v: the list '%s' has %zu values but "
                      "the width is %zu (a list fits one width only; use "
                      "linspace:A:B or ones for several)", spec, k + 1, m);
    return LL_OK;
}

ll_status ll_v_spec_values(const char *spec, size_t m, double *v,
                           ll_errbuf *eb)
{
    if (!spec)
        spec = "linspace:0.5:1.5";
    if (m == 0 || !v)
        return ll_err(eb, LL_ERR_ARG, "v: width must be >= 1");
    if (strcmp(spec, "ones") == 0) {
        for (size_t j = 0; j < m; j++)
            v[j] = 1.0;
        return LL_OK;
    }
    if (strncmp(spec, "linspace:", 9) == 0)
        return vspec_linspace(spec, m, v, eb);
    return vspec_list(spec, m, v, eb);
}
