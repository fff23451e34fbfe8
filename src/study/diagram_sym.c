/* Fixed-point subspaces of the hidden-unit permutation symmetry of a
 * two-layer network (diagram_study.h item 1; Golubitsky, Stewart &
 * Schaeffer, Singularities and Groups in Bifurcation Theory II, ch. XIII:
 * the isotropy subgroups S_j x S_{k-j} of S_k are axial in the standard
 * representation, so their fixed spaces carry one-dimensional kernels).
 *
 * A unit j owns the parameters w_j (d), b_j (if biases), v_j (if trained):
 * q "slots". Units are classed by equal v. For a class C (k >= 2 units)
 * split into blocks, Fix is spanned by: e_r for every parameter r of a unit
 * outside C, and for every block B and slot s the unit vector
 * (1/sqrt|B|) sum_{u in B} e_{idx(u, s)}. The columns have disjoint
 * supports and unit norm, so S is orthonormal; dim = P - (k - #blocks) q. */
#include "losslab/diagram_study.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LL_SYM_NAME 96

/* The parameter index of unit j, slot s (w_j,i for s < d, then b_j, v_j). */
static long slot_idx(const ll_model *M, size_t j, size_t s)
{
    size_t d = ll_model_dim(M);
    if (s < d)
        return ll_model_idx_w(M, j, s);
    long b = ll_model_idx_b(M, j);
    if (b >= 0 && s == d)
        return b;
    return ll_model_idx_v(M, j);
}

static size_t n_slots(const ll_model *M)
{
    return ll_model_dim(M) + (ll_model_idx_b(M, 0) >= 0) +
           (ll_model_idx_v(M, 0) >= 0);
}

/* Fill S (P x cols, zeroed by the caller) for the partition given by
 * block[j] (-1: unit j free; else its block id in 0..nb-1), with every
 * block's size in bsize. Returns the number of columns. */
static size_t fill_basis(const ll_model *M, const int *block, int nb,
                         const size_t *bsize, double *S)
{
    size_t m = ll_model_width(M), P = ll_model_nparams(M), q = n_slots(M);
    size_t col = 0;
    for (size_t j = 0; j < m; j++)
        if (block[j] < 0)
            for (size_t s = 0; s < q; s++)
                S[col++ * P + (size_t)slot_idx(M, j, s)] = 1.0;
    for (int bl = 0; bl < nb; bl++, col += q)
        for (size_t j = 0; j < m; j++)
            if (block[j] == bl)
                for (size_t s = 0; s < q; s++)
                    S[(col + s) * P + (size_t)slot_idx(M, j, s)] =
                        1.0 / sqrt((double)bsize[bl]);
    return col;
}

/* Classes of equal v: cls[j] = class id, sizes in csize; returns the count. */
static size_t classes(const ll_model *M, double tol, int *cls, size_t *csize)
{
    size_t m = ll_model_width(M), nc = 0;
    const double *v = ll_model_v(M);
    for (size_t j = 0; j < m; j++) {
        cls[j] = -1;
        for (size_t i = 0; i < j && cls[j] < 0; i++)
            if (fabs(v[i] - v[j]) <= tol * fmax(1.0, fabs(v[i])))
                cls[j] = cls[i];
        if (cls[j] < 0)
            cls[j] = (int)nc, csize[nc++] = 0;
        csize[cls[j]]++;
    }
    return nc;
}

static double binom(size_t k, size_t j)
{
    double c = 1.0;
    for (size_t i = 1; i <= j; i++)
        c = c * (double)(k - j + i) / (double)i;
    return c;
}

/* "S2 x S1 on units {0,1}|{2}" (truncated with "..." if long). */
static void split_name(char *name, const int *cls, size_t m, int c, size_t j,
                       size_t k)
{
    int len = snprintf(name, LL_SYM_NAME, "S%zu x S%zu on units {", j, k - j);
    size_t seen = 0;
    for (size_t u = 0; u < m && len < LL_SYM_NAME - 8; u++) {
        if (cls[u] != c)
            continue;
        const char *sep = seen == 0 ? "" : seen == j ? "}|{" : ",";
        len += snprintf(name + len, LL_SYM_NAME - (size_t)len, "%s%zu", sep, u);
        seen++;
    }
    snprintf(name + len, LL_SYM_NAME - (size_t)len, "%s",
             len < LL_SYM_NAME - 8 ? "}" : "...");
}

/* Subspaces to build: one per (class, j), plus the start subspace. */
static size_t count_splits(const size_t *csize, size_t nc, size_t *n2)
{
    size_t n = 0;
    *n2 = 0;
    for (size_t c = 0; c < nc; c++)
        if (csize[c] >= 2)
            n += csize[c] / 2, (*n2)++;
    return n;
}

/* The dimension of a split of class c, and of the start subspace. */
static size_t dim_split(size_t P, size_t q, size_t k) { return P - (k - 2) * q; }

static size_t dim_start(size_t P, size_t q, const size_t *csize, size_t nc)
{
    size_t dim = P;
    for (size_t c = 0; c < nc; c++)
        dim -= (csize[c] - 1) * q;
    return dim;
}

static ll_status sym_alloc(ll_diagram_symmetry *out, size_t P, size_t q,
                           const size_t *csize, size_t nc, size_t nsub)
{
    size_t total = dim_start(P, q, csize, nc);
    for (size_t c = 0; c < nc; c++)
        if (csize[c] >= 2)
            total += (csize[c] / 2) * dim_split(P, q, csize[c]);
    out->subs = calloc(nsub ? nsub : 1, sizeof *out->subs);
    out->mem = calloc(total * P, sizeof *out->mem);
    out->names = calloc((nsub + 1) * LL_SYM_NAME, 1);
    if (!out->subs || !out->mem || !out->names)
        return LL_ERR_NOMEM;
    return LL_OK;
}

/* Every split of class c into the first j units | the rest. */
static double *build_splits(const ll_model *M, const int *cls,
                            const size_t *csize, int c, double *S,
                            int *block, ll_diagram_symmetry *out)
{
    size_t m = ll_model_width(M), P = ll_model_nparams(M), k = csize[c];
    for (size_t j = 1; 2 * j <= k; j++) {
        size_t seen = 0, bsize[2] = {j, k - j};
        for (size_t u = 0; u < m; u++)
            block[u] = cls[u] != c ? -1 : seen++ < j ? 0 : 1;
        ll_diagram_subspace *D = &out->subs[out->n];
        char *name = out->names + (out->n + 1) * LL_SYM_NAME;
        split_name(name, cls, m, c, j, k);
        D->S = S, D->k = fill_basis(M, block, 2, bsize, S);
        D->name = name;
        D->copies = (size_t)(binom(k, j) / (2 * j == k ? 2.0 : 1.0) + 0.5);
        S += D->k * P;
        out->n++;
    }
    return S;
}

/* block, id: m ints of scratch each; bs: m sizes of scratch. */
static void build_start(const ll_model *M, const int *cls,
                        const size_t *csize, size_t nc, double *S, int *block,
                        int *id, size_t *bs, ll_diagram_symmetry *out)
{
    size_t m = ll_model_width(M);
    int nb = 0;
    for (size_t c = 0; c < nc; c++)
        id[c] = csize[c] >= 2 ? nb : -1, nb += csize[c] >= 2;
    for (size_t c = 0; c < nc; c++)
        if (id[c] >= 0)
            bs[id[c]] = csize[c];
    for (size_t u = 0; u < m; u++)
        block[u] = id[cls[u]];
    snprintf(out->names, LL_SYM_NAME, "full symmetry: units with equal v "
             "tied (%d class%s)", nb, nb == 1 ? "" : "es");
    out->start.S = S, out->start.name = out->names, out->start.copies = 1;
    out->start.k = fill_basis(M, block, nb, bs, S);
    out->has_start = nb > 0;
}

ll_status ll_diagram_symmetry_of_model(const ll_model *M, double tol,
                                       ll_diagram_symmetry *out,
                                       ll_errbuf *eb)
{
    if (!out)
        return ll_err(eb, LL_ERR_ARG, "diagram: NULL symmetry result");
    memset(out, 0, sizeof *out);
    if (!M || !(tol >= 0.0))
        return ll_err(eb, LL_ERR_ARG, "diagram: NULL model or negative "
                      "v tolerance");
    size_t m = ll_model_width(M), P = ll_model_nparams(M), q = n_slots(M);
    /* ints: cls, block, class -> block id; sizes: classes, start blocks */
    int *iw = malloc(3 * m * sizeof *iw);
    size_t *csize = malloc(2 * m * sizeof *csize), n2 = 0;
    ll_status st = iw && csize ? LL_OK : LL_ERR_NOMEM;
    size_t nc = st == LL_OK ? classes(M, tol, iw, csize) : 0;
    size_t nsub = count_splits(csize, nc, &n2);
    if (st == LL_OK)
        st = sym_alloc(out, P, q, csize, nc, nsub);
    if (st == LL_OK) {
        double *S = out->mem;
        out->n_classes = n2;
        build_start(M, iw, csize, nc, S, iw + m, iw + 2 * m, csize + m, out);
        S += out->start.k * P;
        for (size_t c = 0; c < nc; c++)
            if (csize[c] >= 2)
                S = build_splits(M, iw, csize, (int)c, S, iw + m, out);
    }
    free(iw);
    free(csize);
    if (st != LL_OK) {
        ll_diagram_symmetry_free(out);
        return ll_err(eb, st, "diagram: out of memory for the symmetry "
                      "subspaces");
    }
    return LL_OK;
}

void ll_diagram_symmetry_free(ll_diagram_symmetry *s)
{
    if (!s)
        return;
    free(s->subs);
    free(s->mem);
    free(s->names);
    memset(s, 0, sizeof *s);
}
