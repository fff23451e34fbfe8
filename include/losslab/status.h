/* losslab: status codes and error messages.
 *
 * Every fallible function returns an ll_status: 0 is success, negative values
 * are errors, positive values are normal stop reasons (a continuation that
 * left its interval, a budget that was spent). Functions that can explain an
 * error take an `ll_errbuf *` (may be NULL) and write one line into it that
 * names the problem ("data: row 17 has 4 columns, expected 6"). The library
 * never prints, never aborts and never exits.
 */
#ifndef LOSSLAB_STATUS_H
#define LOSSLAB_STATUS_H

#ifdef __cplusplus
extern "C" {
#endif

/* X(name, value, description) */
#define LL_STATUS_LIST(X)                                             \
    X(LL_OK, 0, "ok")                                                 \
    X(LL_ERR_ARG, -1, "invalid argument")                             \
    X(LL_ERR_NOMEM, -2, "out of memory")                              \
    X(LL_ERR_IO, -3, "input/output error")                            \
    X(LL_ERR_PARSE, -4, "malformed input")                            \
    X(LL_ERR_DATA, -5, "invalid data")                                \
    X(LL_ERR_LAPACK, -6, "linear algebra failure")                    \
    X(LL_ERR_SINGULAR, -7, "singular system")                         \
    X(LL_ERR_NOCONV, -8, "no convergence")                            \
    X(LL_ERR_STEP, -9, "step size underflow")                         \
    X(LL_ERR_LOCATE, -10, "event could not be located")               \
    X(LL_ERR_INTERNAL, -11, "internal error")                         \
    X(LL_STOP_PARAM, 1, "parameter left its interval")                \
    X(LL_STOP_BUDGET, 2, "step or length budget spent")               \
    X(LL_STOP_CANCEL, 3, "cancelled by the caller")

#define LL_STATUS_ENUM_(name, value, text) name = value,
typedef enum ll_status { LL_STATUS_LIST(LL_STATUS_ENUM_) } ll_status;
#undef LL_STATUS_ENUM_

/* A static, human-readable description of a status ("singular system"). */
const char *ll_status_str(ll_status s);

/* Symbolic name of a status ("LL_ERR_SINGULAR"), for JSON output. */
const char *ll_status_name(ll_status s);

/* One error line. Callers allocate it (usually on the stack) and pass it down;
 * a function that fails writes its message here, one that succeeds leaves it
 * untouched. */
#define LL_ERRBUF_SIZE 512
typedef struct ll_errbuf {
    char msg[LL_ERRBUF_SIZE];
} ll_errbuf;

/* printf-style: write the message into eb (if not NULL) and return s, so that
 * `return ll_err(eb, LL_ERR_DATA, "data: row %zu ...", r);` reads naturally. */
ll_status ll_err(ll_errbuf *eb, ll_status s, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

#ifdef __cplusplus
}
#endif
#endif
