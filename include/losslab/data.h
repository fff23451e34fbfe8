/* losslab: data sets (inputs X, targets y).
 *
 * A data set holds N samples of dimension d: X is N x d, stored column-major
 * (X[i*N + n] is feature i of sample n), y has N entries. Data come from CSV
 * or NumPy .npy files, or from the built-in generator of MATH.md section 4.
 * Every reader rejects malformed input (ragged rows, text in a number field,
 * NaN/Inf, empty files, wrong .npy dtype or shape, missing files) with a
 * message that names the file and the place.
 */
#ifndef LOSSLAB_DATA_H
#define LOSSLAB_DATA_H

#include <stddef.h>
#include <stdint.h>

#include "losslab/status.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Largest magnitude accepted for any input or target value: 1e50. The
 * fourth directional derivative D^4L sums fourth powers of the inputs over
 * the N samples (times the activation's derivatives and ||u||^4 d^2); with
 * |x| <= 1e50, x^4 <= 1e200 leaves a factor 1e108 for N, d and those
 * factors before DBL_MAX = 1.8e308 overflows. A larger value is an unscaled
 * or corrupt column: the readers and ll_data_from_arrays refuse it, naming
 * the place. (Well before this, a badly scaled column costs accuracy: the
 * Hessian grows like x^2 while the eigenvalue alpha of interest does not.) */
#define LL_DATA_MAX_ABS 1e50

typedef struct ll_data {
    size_t n;  /* samples N */
    size_t d;  /* input dimension */
    double *X; /* N x d, column-major, owned */
    double *y; /* N, owned */
} ll_data;

/* Free X and y and zero the struct. NULL-safe. */
void ll_data_free(ll_data *D);

/* Build a data set from caller arrays (copied). X is N x d column-major.
 * Rejects N = 0, d = 0, non-finite values and |value| > LL_DATA_MAX_ABS. */
ll_status ll_data_from_arrays(ll_data *D, size_t n, size_t d, const double *X,
                              const double *y, ll_errbuf *eb);

/* Checks that a data set can determine a fit, beyond what the readers
 * check: N > d samples (with N <= d the linear model interpolates any
 * targets exactly, so the fit is fixed by the data's null space and the
 * regulariser rather than by the data, and with alpha = 0 the start is not
 * isolated), and no constant input column (a column with one value carries
 * no information about the target: a zero column adds a flat direction of
 * the loss, a nonzero one duplicates an intercept; use biases instead).
 * `what` names the source in the message ("data: f.csv: input column 3 is
 * constant ..."); target_col (-1: last) only maps the input index back to
 * the file's column; pass -2 when the inputs are the whole file (a separate
 * target file). Returns LL_ERR_DATA with the message, or LL_OK. */
ll_status ll_data_check(const ll_data *D, const char *what, int target_col,
                        ll_errbuf *eb);

/* Read a CSV file: one sample a row, comma-separated numbers, an optional
 * header line (detected when the first line is not all numbers). The target
 * is column `target_col` (0-based; -1 means the last column); every other
 * column is an input. Blank lines at the end are ignored. */
ll_status ll_data_read_csv(ll_data *D, const char *path, int target_col,
                           ll_errbuf *eb);

/* Read NumPy .npy files (format 1.0/2.0/3.0, little-endian float64 '<f8',
 * C or Fortran order). With y_path == NULL, x_path holds an N x (d+1) matrix
 * whose column `target_col` (-1: last) is the target. With y_path set, x_path
 * holds N x d (or a 1-D array, d = 1) and y_path a 1-D array of N (or N x 1). */
ll_status ll_data_read_npy(ll_data *D, const char *x_path, const char *y_path,
                           int target_col, ll_errbuf *eb);

/* Read a data file by its extension (".npy" -> NPY, anything else CSV). */
ll_status ll_data_read(ll_data *D, const char *x_path, const char *y_path,
                       int target_col, ll_errbuf *eb);

/* The generator of MATH.md section 4 (Exp. 2-3): x ~ N(0, I_d),
 *     y = x . wl + 0.4 tanh(1.5 x . wnl) + noise * eps,   eps ~ N(0, 1),
 * with wl = (1, .5, -.3, .2, -.1), wnl = (.3, -.7, .5, -.2, .4) for d = 5;
 * for other d the first min(d,5) entries are these and the rest are drawn
 * from N(0, 0.25) with the same seed. Reproducible: GSL's mt19937 seeded
 * with `seed`, samples drawn in row order. Default noise is 0.05. */
typedef struct ll_gen_opts {
    size_t n;     /* samples, default 500 */
    size_t d;     /* dimension, default 5 */
    uint64_t seed;/* default 0 */
    double noise; /* default 0.05 */
} ll_gen_opts;

ll_gen_opts ll_gen_opts_default(void);
ll_status ll_data_generate(ll_data *D, const ll_gen_opts *o, ll_errbuf *eb);

/* The toy data set of MATH.md section 4 Exp. 1 (also Exp. 4, the phase
 * diagram): d = 1,
 *     x_n ~ N(0, 1),  y_n = tanh(1.5 x_n) + noise eps_n,  eps_n ~ N(0, 1).
 * Options as for ll_data_generate; ll_gen_toy_opts_default() gives the
 * paper's N = 2000, d = 1, seed 0, noise 0.02. The dimension must be 1.
 * Random stream: GSL's mt19937 seeded with `seed` (same seeding as
 * ll_data_generate), then per sample n = 0..N-1 the input x_n and the noise
 * draw eps_n, both by gsl_ran_gaussian with unit standard deviation. */
ll_gen_opts ll_gen_toy_opts_default(void);
ll_status ll_data_generate_toy(ll_data *D, const ll_gen_opts *o, ll_errbuf *eb);

#ifdef __cplusplus
}
#endif
#endif
