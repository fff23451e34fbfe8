/* The choice of Hessian representation (cont.h, ll_hessian_path): names,
 * parsing and the AUTO rule. AUTO takes the dense path up to
 * LL_CONT_DENSE_MAX unknowns (there one LDL^T of n^3/3 flops and a dense
 * eigensolver cost about what the structured path's O(n k^2) set-up and
 * Krylov eigenvalues do: m = 200, d = 5, N = 500 takes 2.0 s dense, 1.4 s
 * structured; m = 400: 10.7 s and 2.5 s), the structured one above that
 * when the problem provides hess_struct with a rank k <= n / 2, and
 * Hessian-vector products otherwise (m = 300 with biases: dense 5.7 s,
 * matrix-free 1.3 s). */
#include <string.h>

#include "losslab/cont.h"

static const char *const names[] = {"auto", "dense", "structured", "matfree"};

const char *ll_hessian_path_str(ll_hessian_path h)
{
    return (unsigned)h < sizeof names / sizeof names[0] ? names[h] : "unknown";
}

ll_status ll_hessian_path_parse(const char *s, ll_hessian_path *out)
{
    for (size_t i = 0; s && i < sizeof names / sizeof names[0]; i++)
        if (strcmp(s, names[i]) == 0) {
            *out = (ll_hessian_path)i;
            return LL_OK;
        }
    return LL_ERR_ARG;
}

ll_hessian_path ll_hessian_path_resolve(ll_hessian_path h,
                                        const ll_problem *pb)
{
    if (h != LL_HESSIAN_AUTO)
        return h;
    if (pb->n <= LL_CONT_DENSE_MAX && pb->hess)
        return LL_HESSIAN_DENSE;
    if (pb->hess_struct && 2 * pb->struct_k <= pb->n)
        return LL_HESSIAN_STRUCTURED;
    if (pb->hvp)
        return LL_HESSIAN_MATFREE;
    return LL_HESSIAN_DENSE;
}
