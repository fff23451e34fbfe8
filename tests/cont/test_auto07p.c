/* Optional cross-check of the branch-point location against Debian's
 * auto-07p (issue 4, last test bullet). Skipped, with a message, when
 * auto-07p (its object files under $AUTO_DIR/lib, default
 * /usr/lib/auto-07p/lib) or gfortran is not installed: CI does not install
 * it.
 *
 * The problem: a gradient system F = grad_x L with a transcritical branch
 * point on a curved known branch. With y = x - xb(p), xb(p) = (0.3 p,
 * -0.2 p^2),
 *     L(x, p) = y^T (A + p B) y / 2 + ca y1^3/3 + cb y1^2 y2 + cc y2^3/3
 *               + (y1^4 + y2^4)/4,
 * so x = xb(p) is a critical branch for every p, with Hessian A + p B along
 * it. Its first singular point in p > 0 is the smaller root of
 * det(A + p B) = 1.91 - 3.62 p + 0.71 p^2, p* = (3.62 - sqrt(7.68)) / 1.42
 * = 0.5976892..., where one eigenvalue crosses zero (index 0 -> 1) while
 * t_p keeps its sign: a simple branch point, not on a coordinate axis
 * (A, B not diagonal) and with g_aa != 0 (ca, cb != 0).
 *
 * The test writes the same F, with exact dF/dx and dF/dp (JAC = 1), as an
 * AUTO Fortran equations file into a temporary directory, compiles it
 * against AUTO's object files, runs it with IPS = 1 (equilibria), ISP = 2
 * (detect branch points), MXBF = 0 (no automatic branch switching) from
 * (x, p) = (0, 0) to the user stop p = 1, reads the BP line of fort.7 and
 * compares it with losslab's ll_cont_run on the same problem in C.
 *
 * Tolerance: AUTO locates a special point by secant iteration on its test
 * function until the pseudo-arclength step is below EPSS times a factor
 * (1 + |X|) of order one (manual, "EPSS: relative arclength convergence
 * criterion for the detection of special solutions"); we set EPSS = 1e-8,
 * EPSL = EPSU = 1e-10, so |p_AUTO - p*| <~ 2e-8, and fort.7 prints 11
 * significant digits (rounding 5e-12). losslab locates to locate_tol = 1e-10.
 * Both are required within 1e-6 of each other and of the closed form p*:
 * a margin of 50 over AUTO's criterion, yet 5e-3 of the step DSMAX and far
 * below the distance a mislocated event would be off by. The states x at the
 * BP (both on x = xb(p*)) are compared to the same 1e-6: |dx/dp| <= 0.6 on
 * the branch, so the parameter error moves x by less than 1e-6 too. */
#include "testutil.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "losslab/cont.h"

/* The coefficients, shared by the C problem and the generated Fortran. */
static const double A11 = 1.0, A12 = 0.3, A22 = 2.0;
static const double B11 = -1.5, B12 = 0.2, B22 = -0.5;
static const double CA = 0.7, CB = 0.4, CC = -0.3;
static const double XB1 = 0.3, XB2 = -0.2; /* xb(p) = (XB1 p, XB2 p^2) */

#define TOL_P 1e-6

/* ---- The problem in C, exact derivatives --------------------------------- */

static void shifted(const double *x, double p, double *y)
{
    y[0] = x[0] - XB1 * p;
    y[1] = x[1] - XB2 * p * p;
}

static void hhat(const double *y, double p, double *H)
{
    H[0] = A11 + p * B11 + 2 * CA * y[0] + 2 * CB * y[1] + 3 * y[0] * y[0];
    H[1] = H[2] = A12 + p * B12 + 2 * CB * y[0];
    H[3] = A22 + p * B22 + 2 * CC * y[1] + 3 * y[1] * y[1];
}

/* D^3L[u, ., .] (column-major 2 x 2): L_111 = 2ca + 6 y1, L_112 = 2cb,
 * L_122 = 0, L_222 = 2cc + 6 y2. */
static void d3mat(const double *y, const double *u, double *M)
{
    double t111 = 2 * CA + 6 * y[0], t112 = 2 * CB, t222 = 2 * CC + 6 * y[1];
    M[0] = t111 * u[0] + t112 * u[1];
    M[1] = M[2] = t112 * u[0];
    M[3] = t222 * u[1];
}

static ll_status bp_loss(void *ctx, const double *x, double p, double *L)
{
    (void)ctx;
    double y[2];
    shifted(x, p, y);
    *L = 0.5 * ((A11 + p * B11) * y[0] * y[0] +
                2 * (A12 + p * B12) * y[0] * y[1] +
                (A22 + p * B22) * y[1] * y[1]) +
         CA * y[0] * y[0] * y[0] / 3 + CB * y[0] * y[0] * y[1] +
         CC * y[1] * y[1] * y[1] / 3 +
         0.25 * (pow(y[0], 4) + pow(y[1], 4));
    return LL_OK;
}

static ll_status bp_grad(void *ctx, const double *x, double p, double *F)
{
    (void)ctx;
    double y[2];
    shifted(x, p, y);
    F[0] = (A11 + p * B11) * y[0] + (A12 + p * B12) * y[1] +
           CA * y[0] * y[0] + 2 * CB * y[0] * y[1] + y[0] * y[0] * y[0];
    F[1] = (A12 + p * B12) * y[0] + (A22 + p * B22) * y[1] +
           CB * y[0] * y[0] + CC * y[1] * y[1] + y[1] * y[1] * y[1];
    return LL_OK;
}

static ll_status bp_hess(void *ctx, const double *x, double p, double *H)
{
    (void)ctx;
    double y[2];
    shifted(x, p, y);
    hhat(y, p, H);
    return LL_OK;
}

/* F_p = B y - H xb'(p) (y depends on p through xb). */
static ll_status bp_grad_p(void *ctx, const double *x, double p, double *Fp)
{
    (void)ctx;
    double y[2], H[4], d[2] = {XB1, 2 * XB2 * p};
    shifted(x, p, y);
    hhat(y, p, H);
    Fp[0] = B11 * y[0] + B12 * y[1] - (H[0] * d[0] + H[2] * d[1]);
    Fp[1] = B12 * y[0] + B22 * y[1] - (H[1] * d[0] + H[3] * d[1]);
    return LL_OK;
}

/* H_p = B - D^3L[xb'(p), ., .]. */
static ll_status bp_hess_p(void *ctx, const double *x, double p, double *Hp)
{
    (void)ctx;
    double y[2], M[4], d[2] = {XB1, 2 * XB2 * p};
    shifted(x, p, y);
    d3mat(y, d, M);
    Hp[0] = B11 - M[0];
    Hp[1] = B12 - M[1];
    Hp[2] = B12 - M[2];
    Hp[3] = B22 - M[3];
    return LL_OK;
}

static ll_status bp_d3(void *ctx, const double *x, double p, const double *a,
                       const double *b, double *out)
{
    (void)ctx;
    double y[2], M[4];
    shifted(x, p, y);
    d3mat(y, a, M);
    out[0] = M[0] * b[0] + M[2] * b[1];
    out[1] = M[1] * b[0] + M[3] * b[1];
    return LL_OK;
}

static ll_status bp_d4(void *ctx, const double *x, double p, const double *a,
                       double *out)
{
    (void)ctx, (void)x, (void)p;
    *out = 6 * (pow(a[0], 4) + pow(a[1], 4));
    return LL_OK;
}

static ll_status bp_hess_dir(void *ctx, const double *x, double p,
                             const double *u, double *out)
{
    (void)ctx;
    double y[2];
    shifted(x, p, y);
    d3mat(y, u, out);
    return LL_OK;
}

static ll_problem bp_problem(void)
{
    ll_problem pb = {2, NULL, bp_loss, bp_grad, bp_hess, bp_grad_p,
                     bp_hess_p, bp_d3, bp_d4, bp_hess_dir,
                     NULL, NULL, NULL, 0, 0, 0, NULL, NULL, NULL, NULL};
    return pb;
}

/* ---- The same problem for AUTO ------------------------------------------- */

/* A Fortran double-precision literal: %.17e with the exponent letter D. */
static const char *fd(double v, char *buf)
{
    snprintf(buf, 40, "%.17e", v);
    char *e = strchr(buf, 'e');
    if (e)
        *e = 'D';
    return buf;
}

static const char *auto_func_fmt =
    "SUBROUTINE FUNC(NDIM,U,ICP,PAR,IJAC,F,DFDU,DFDP)\n"
    "  IMPLICIT NONE\n"
    "  INTEGER, INTENT(IN) :: NDIM, ICP(*), IJAC\n"
    "  DOUBLE PRECISION, INTENT(IN) :: U(NDIM), PAR(*)\n"
    "  DOUBLE PRECISION, INTENT(OUT) :: F(NDIM)\n"
    "  DOUBLE PRECISION, INTENT(INOUT) :: DFDU(NDIM,NDIM), DFDP(NDIM,*)\n"
    "  DOUBLE PRECISION P, Y1, Y2, D1, D2, H11, H12, H22\n"
    "  DOUBLE PRECISION, PARAMETER :: A11=%s, A12=%s, A22=%s\n"
    "  DOUBLE PRECISION, PARAMETER :: B11=%s, B12=%s, B22=%s\n"
    "  DOUBLE PRECISION, PARAMETER :: CA=%s, CB=%s, CC=%s\n"
    "  DOUBLE PRECISION, PARAMETER :: XB1=%s, XB2=%s\n"
    "  P = PAR(1)\n"
    "  Y1 = U(1) - XB1*P\n"
    "  Y2 = U(2) - XB2*P*P\n"
    "  D1 = XB1\n"
    "  D2 = 2*XB2*P\n"
    "  F(1) = (A11+P*B11)*Y1 + (A12+P*B12)*Y2 + CA*Y1**2 + 2*CB*Y1*Y2 &\n"
    "       + Y1**3\n"
    "  F(2) = (A12+P*B12)*Y1 + (A22+P*B22)*Y2 + CB*Y1**2 + CC*Y2**2 &\n"
    "       + Y2**3\n"
    "  IF (IJAC == 0) RETURN\n"
    "  H11 = A11 + P*B11 + 2*CA*Y1 + 2*CB*Y2 + 3*Y1**2\n"
    "  H12 = A12 + P*B12 + 2*CB*Y1\n"
    "  H22 = A22 + P*B22 + 2*CC*Y2 + 3*Y2**2\n"
    "  DFDU(1,1) = H11\n"
    "  DFDU(1,2) = H12\n"
    "  DFDU(2,1) = H12\n"
    "  DFDU(2,2) = H22\n"
    "  IF (IJAC == 1) RETURN\n"
    "  DFDP(1,1) = B11*Y1 + B12*Y2 - (H11*D1 + H12*D2)\n"
    "  DFDP(2,1) = B12*Y1 + B22*Y2 - (H12*D1 + H22*D2)\n"
    "END SUBROUTINE FUNC\n"
    "\n"
    "SUBROUTINE STPNT(NDIM,U,PAR,T)\n"
    "  IMPLICIT NONE\n"
    "  INTEGER, INTENT(IN) :: NDIM\n"
    "  DOUBLE PRECISION, INTENT(INOUT) :: U(NDIM), PAR(*)\n"
    "  DOUBLE PRECISION, INTENT(IN) :: T\n"
    "  PAR(1) = 0.0D0\n"
    "  U(1) = 0.0D0\n"
    "  U(2) = 0.0D0\n"
    "END SUBROUTINE STPNT\n"
    "\n"
    "SUBROUTINE BCND\nEND SUBROUTINE BCND\n"
    "SUBROUTINE ICND\nEND SUBROUTINE ICND\n"
    "SUBROUTINE FOPT\nEND SUBROUTINE FOPT\n"
    "SUBROUTINE PVLS\nEND SUBROUTINE PVLS\n";

/* AUTO-07p constants (the keyword form of a c. file, read as fort.2). */
static const char *auto_constants =
    "NDIM = 2, IPS = 1, IRS = 0, ILP = 1\n"
    "ICP = [1]\n"
    "NTST = 5, NCOL = 4, IAD = 0, ISP = 2, ISW = 1, IPLT = 0, NBC = 0, "
    "NINT = 0\n"
    "NMX = 200, NPR = 1000, MXBF = 0, IID = 2, ITMX = 8, ITNW = 7, "
    "NWTN = 3, JAC = 1\n"
    "EPSL = 1e-10, EPSU = 1e-10, EPSS = 1e-8\n"
    "DS = 0.01, DSMIN = 1e-6, DSMAX = 0.05, IADS = 1\n"
    "UZSTOP = {1: 1.0}\n";

static void write_auto_problem(const char *dir)
{
    char b[11][40], src[4096];
    int len = snprintf(src, sizeof src, auto_func_fmt, fd(A11, b[0]),
                       fd(A12, b[1]), fd(A22, b[2]), fd(B11, b[3]),
                       fd(B12, b[4]), fd(B22, b[5]), fd(CA, b[6]),
                       fd(CB, b[7]), fd(CC, b[8]), fd(XB1, b[9]),
                       fd(XB2, b[10]));
    assert_true(len > 0 && (size_t)len < sizeof src);
    ll_test_write(dir, "bp.f90", src, (size_t)-1);
    ll_test_write(dir, "fort.2", auto_constants, (size_t)-1);
}

/* The branch points in fort.7: data lines are "BR PT TY LAB PAR(1) L2-NORM
 * U(1) U(2)", TY = 1 for a branch point of an algebraic problem; header
 * lines have BR = 0. Returns the number found; the first goes to p, x. */
static int read_auto_bps(const char *dir, double *p, double *x)
{
    char path[1024], line[512];
    snprintf(path, sizeof path, "%s/fort.7", dir);
    FILE *f = fopen(path, "r");
    if (!f)
        fail_msg("auto07p: no fort.7 in %s", dir);
    int nbp = 0;
    while (fgets(line, sizeof line, f)) {
        int br, pt, ty, lab;
        double v[4];
        if (sscanf(line, "%d %d %d %d %lf %lf %lf %lf", &br, &pt, &ty, &lab,
                   &v[0], &v[1], &v[2], &v[3]) != 8 || br == 0 || ty != 1)
            continue;
        if (nbp++ == 0)
            *p = v[0], x[0] = v[2], x[1] = v[3];
    }
    fclose(f);
    return nbp;
}

/* The directory holding AUTO's object files, or NULL when auto-07p (or the
 * gfortran needed to build an equations file) is not installed. */
static const char *auto_lib_dir(void)
{
    static char dir[512];
    const char *root = getenv("AUTO_DIR");
    snprintf(dir, sizeof dir, "%s/lib",
             root && *root ? root : "/usr/lib/auto-07p");
    char probe[600], out[256];
    snprintf(probe, sizeof probe, "%s/main.o", dir);
    if (access(probe, R_OK) != 0)
        return NULL;
    if (ll_test_run("command -v gfortran", out, sizeof out) != 0)
        return NULL;
    return dir;
}

/* ---- The test -------------------------------------------------------------- */

static void auto07p_and_losslab_should_locate_the_same_branch_point(void **st)
{
    (void)st;
    const char *lib = auto_lib_dir();
    if (!lib) {
        print_message("auto-07p (or gfortran) not installed: skipping the "
                      "cross-check (apt-get install auto-07p to run it)\n");
        skip();
    }
    char dir[512], cmd[2048], out[8192];
    snprintf(dir, sizeof dir, "%s", ll_test_tmpdir());
    write_auto_problem(dir);
    snprintf(cmd, sizeof cmd,
             "cd '%s' && gfortran -O1 -fopenmp bp.f90 '%s'/*.o -o bp.exe "
             "&& ./bp.exe",
             dir, lib);
    if (ll_test_run(cmd, out, sizeof out) != 0)
        fail_msg("auto07p: building or running the AUTO problem failed:\n%s",
                 out);

    double p_auto = NAN, x_auto[2] = {NAN, NAN};
    int nbp = read_auto_bps(dir, &p_auto, x_auto);
    if (nbp != 1)
        fail_msg("auto07p: expected one BP in fort.7, found %d:\n%s", nbp,
                 out);

    ll_problem pb = bp_problem();
    ll_cont_opts o = ll_cont_opts_default(); /* p in [0, 1], like AUTO */
    ll_cont_result r;
    ll_errbuf eb = {{0}};
    double x0[2] = {0.0, 0.0};
    ll_status s = ll_cont_run(&pb, x0, 0.0, &o, &r, &eb);
    if (s != LL_STOP_PARAM)
        fail_msg("ll_cont_run: %s (%s)", ll_status_str(s), eb.msg);
    assert_int_equal(r.n_events, 1);
    const ll_event *e = &r.events[0];
    assert_int_equal(e->type, LL_EVENT_BRANCH_POINT);
    assert_true(e->located);
    assert_int_equal(e->index_before, 0);
    assert_int_equal(e->index_after, 1);

    double p_exact = (3.62 - sqrt(7.68)) / 1.42;
    double x_exact[2] = {XB1 * p_exact, XB2 * p_exact * p_exact};
    print_message("branch point: AUTO p = %.10f, losslab p = %.10f, "
                  "closed form p = %.10f\n", p_auto, e->p, p_exact);
    assert_true(fabs(p_auto - e->p) <= TOL_P);
    assert_true(fabs(p_auto - p_exact) <= TOL_P);
    assert_true(fabs(e->p - p_exact) <= TOL_P);
    for (int i = 0; i < 2; i++) {
        assert_true(fabs(x_auto[i] - e->x[i]) <= TOL_P);
        assert_true(fabs(e->x[i] - x_exact[i]) <= TOL_P);
    }
    ll_cont_result_free(&r);
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    ll_test_run(cmd, out, sizeof out);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(
            auto07p_and_losslab_should_locate_the_same_branch_point),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
