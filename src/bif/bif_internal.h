/* Helpers shared inside src/bif (not public API). */
#ifndef LL_BIF_INTERNAL_H
#define LL_BIF_INTERNAL_H

#include "losslab/bif.h"

/* Relative size below which g_aa and g_aaa count as "zero to rounding" (the
 * DEGENERATE verdict). Measured against the largest computed ingredient
 * (|B|, |D^4L[phi^4]|, 3 |B_R^T H_R^+ B_R|): the bordered solve loses about
 * log10 cond(H_R) digits, so a few orders above eps * cond is needed. */
#define LL_BIF_ROUND_REL 1e-10

/* The sizes the verdict compares against. */
typedef struct ll_bif_scales {
    double fp_norm;     /* |F_p| */
    double b_norm;      /* |B| = |D^3L[phi, phi, .]| */
    double slaved_abs;  /* 3 |B_R^T H_R^+ B_R| */
} ll_bif_scales;

/* Fill c->ratio_aa_aaa, normal_form, criticality, branch_slope, branch_quad
 * from c->g_* and the scales (MATH.md section 3). o is already checked. */
void ll_bif_nf_classify(const ll_bif_opts *o, const ll_bif_scales *s,
                        ll_lscoef *c);

#endif
