/* The choice of Hessian representation (cont.h, ll_hessian_path): names,
 * parsing and the AUTO rule. AUTO takes the dense path up to
 * LL_CONT_DENSE_MAX unknowns (one LDL^T of n^3/3 flops and a dense
 * eigensolver beat the structured path's O(n k^2) set-up and Krylov
 * eigenvalues there, bench/ measures it), the structured one above that when
 * the problem provides hess_struct with a rank k < n / 4 (then n k^2 << n^3 /
 * 3), and Hessian-vector products otherwise. */
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
    if (pb->hess_struct && pb->struct_k < pb->n / 4)
        return LL_HESSIAN_STRUCTURED;
    if (pb->hvp)
        return LL_HESSIAN_MATFREE;
    return LL_HESSIAN_DENSE;
}
