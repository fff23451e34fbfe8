/* The command-line side of the sweeps (see sweep_cli.h): SIGINT sets a flag
 * that the library polls (ll_sweep_hooks.cancel), so a Ctrl-C stops new
 * items, cancels running ones at their next continuation step, and leaves
 * every finished item on disk (each was written atomically when it
 * finished). A second Ctrl-C kills the process (SA_RESETHAND). */
#include "sweep_cli.h"

#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "args.h"
#include "losslab/io.h"

static volatile sig_atomic_t g_interrupted = 0;

static void on_sigint(int sig)
{
    (void)sig;
    g_interrupted = 1;
}

int cli_online_cpus(void)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n < 1 ? 1 : (int)n;
}

static int list_count(const char *s)
{
    int n = 1;
    for (; *s; s++)
        n += *s == ',';
    return n;
}

int cli_parse_size_list(const char *cmd, const char *opt, const char *s,
                        size_t **out, size_t *n)
{
    int cnt = list_count(s);
    *out = NULL, *n = 0;
    if (cnt > 10000)
        return cli_usage_error(cmd, "%s: at most 10000 values", opt);
    size_t *v = malloc((size_t)cnt * sizeof *v);
    if (!v)
        return cli_usage_error(cmd, "%s: out of memory", opt);
    const char *p = s;
    for (int k = 0; k < cnt; k++) {
        char *end;
        errno = 0;
        unsigned long long x = strtoull(p, &end, 10);
        if (end == p || *p == '-' || *p == '+' || errno || x < 1 ||
            x > 1000000 || (*end && *end != ',')) {
            free(v);
            return cli_usage_error(cmd, "%s: entry %d of '%s' is not an "
                                   "integer in [1, 1000000]", opt, k + 1, s);
        }
        v[k] = (size_t)x;
        for (int j = 0; j < k; j++)
            if (v[j] == v[k]) {
                free(v);
                return cli_usage_error(cmd, "%s: %llu appears twice", opt, x);
            }
        p = end + 1;
    }
    *out = v, *n = (size_t)cnt;
    return CLI_EXIT_OK;
}

int cli_parse_double_list(const char *cmd, const char *opt, const char *s,
                          double **out, size_t *n)
{
    int cnt = list_count(s);
    *out = NULL, *n = 0;
    if (cnt > 10000)
        return cli_usage_error(cmd, "%s: at most 10000 values", opt);
    double *v = malloc((size_t)cnt * sizeof *v);
    if (!v)
        return cli_usage_error(cmd, "%s: out of memory", opt);
    const char *p = s;
    for (int k = 0; k < cnt; k++) {
        char *end;
        errno = 0;
        double x = strtod(p, &end);
        if (end == p || errno || !isfinite(x) || (*end && *end != ',')) {
            free(v);
            return cli_usage_error(cmd, "%s: entry %d of '%s' is not a finite "
                                   "number", opt, k + 1, s);
        }
        v[k] = x;
        for (int j = 0; j < k; j++)
            if (v[j] == x) {
                free(v);
                return cli_usage_error(cmd, "%s: %g appears twice", opt, x);
            }
        p = end + 1;
    }
    *out = v, *n = (size_t)cnt;
    return CLI_EXIT_OK;
}

/* Hook state: the item files and the progress lines. */
typedef struct hook_ctx {
    cli_sweep *s;
    int progress;
    size_t total, finished;
    ll_errbuf eb;
} hook_ctx;

static void describe_param(const cli_sweep *s, double p, char *buf, size_t n)
{
    if (s->rep.kind == LL_SWEEP_WIDTHS)
        snprintf(buf, n, "m = %.0f", p);
    else
        snprintf(buf, n, "a = %g", p);
}

static int hook_done(void *user, size_t idx, const ll_sweep_item *it)
{
    hook_ctx *h = user;
    char what[48];
    h->finished++;
    if (h->s->out && ll_io_sweep_item_write(h->s->out, &h->s->rep, idx, &h->eb)
                         != LL_OK)
        return 1;
    if (!h->progress)
        return 0;
    describe_param(h->s, it->param, what, sizeof what);
    fprintf(stderr, "  [%zu/%zu] %-10s done in %.2f s: ", h->finished, h->total,
            what, it->time);
    if (it->degenerate_start)
        fprintf(stderr, "degenerate start (not traced)\n");
    else if (it->n_events)
        fprintf(stderr, "first event %s at lambda = %.6f\n",
                ll_event_type_str(it->events[0].type), it->events[0].lambda);
    else
        fprintf(stderr, "%s\n", it->status < 0 ? ll_status_str(it->status)
                                               : "no event");
    return 0;
}

static void hook_start(void *user, size_t idx, const ll_sweep_item *it)
{
    hook_ctx *h = user;
    char what[48];
    (void)idx;
    if (!h->progress)
        return;
    describe_param(h->s, it->param, what, sizeof what);
    fprintf(stderr, "  running %s ...\n", what);
}

static int do_resume(cli_sweep *s, ll_sweep_result *res)
{
    ll_errbuf eb = {{0}};
    size_t loaded = 0;
    if (!s->resume)
        return CLI_EXIT_OK;
    ll_status st = ll_io_sweep_resume(s->out, &s->rep, res, &loaded, &eb);
    if (st == LL_ERR_ARG)
        return cli_usage_error(s->cmd, "%s", eb.msg);
    if (st != LL_OK)
        return cli_fail(s->cmd, eb.msg);
    if (!s->quiet)
        fprintf(stderr, "losslab %s: resuming: %zu of %zu items already done "
                "in %s/items\n", s->cmd, loaded, res->n, s->out);
    return CLI_EXIT_OK;
}

static int write_final(cli_sweep *s)
{
    ll_errbuf eb = {{0}};
    if (s->out && ll_io_write_sweep_dir(s->out, &s->rep, &eb) != LL_OK)
        return cli_fail(s->cmd, eb.msg);
    if (s->json && ll_io_write_sweep_json(s->json, &s->rep, &eb) != LL_OK)
        return cli_fail(s->cmd, eb.msg);
    return CLI_EXIT_OK;
}

static int report_stop(cli_sweep *s, const ll_sweep_result *res)
{
    const char *why = g_interrupted ? "interrupted" : "stopped (--max-items)";
    fprintf(stderr, "losslab %s: %s: %zu of %zu items finished", s->cmd, why,
            res->n_done, res->n);
    if (s->out)
        fprintf(stderr, " and saved in %s/items; rerun with --resume to "
                "continue\n", s->out);
    else
        fprintf(stderr, " (not saved: no --out)\n");
    return g_interrupted ? CLI_EXIT_INTERRUPTED : CLI_EXIT_OK;
}

static int item_failures(const cli_sweep *s, const ll_sweep_result *res)
{
    int bad = 0;
    char what[48];
    for (size_t i = 0; i < res->n; i++) {
        const ll_sweep_item *it = &res->items[i];
        if (it->done && it->status < 0 && !it->degenerate_start) {
            describe_param(s, it->param, what, sizeof what);
            fprintf(stderr, "losslab %s: %s failed: %s\n", s->cmd, what,
                    it->reason);
            bad = 1;
        }
    }
    return bad ? CLI_EXIT_FAIL : CLI_EXIT_OK;
}

int cli_sweep_run(cli_sweep *s, ll_sweep_result *res)
{
    ll_errbuf eb = {{0}};
    hook_ctx h = {s, !s->quiet && isatty(STDERR_FILENO), res->n, 0, {{0}}};
    s->rep.res = res;
    int rc = do_resume(s, res);
    if (rc != CLI_EXIT_OK)
        return rc;
    for (size_t i = 0; i < res->n; i++)
        h.finished += res->items[i].done != 0;
    ll_sweep_hooks hooks = ll_sweep_hooks_default();
    hooks.jobs = s->jobs, hooks.max_items = s->max_items;
    hooks.cancel = &g_interrupted;
    hooks.on_start = hook_start, hooks.on_done = hook_done, hooks.user = &h;
    struct sigaction sa, old;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_sigint;
    sa.sa_flags = SA_RESETHAND;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, &old);
    ll_status st = s->run(s->opts, s->rep.D, &hooks, res, &eb);
    sigaction(SIGINT, &old, NULL);
    if (st < 0)
        return cli_fail(s->cmd, h.eb.msg[0] ? h.eb.msg : eb.msg);
    if (st == LL_STOP_CANCEL)
        return report_stop(s, res);
    rc = write_final(s);
    if (!s->quiet)
        s->summary(s);
    return rc != CLI_EXIT_OK ? rc : item_failures(s, res);
}

int cli_sweep_check_data(const char *cmd, const char *what, int has_data,
                         int has_target, const char *const *gen_only,
                         size_t n, int argc, char **argv)
{
    if (has_target && !has_data)
        return cli_usage_error(cmd, "--target needs --data (the inputs)");
    for (int i = 2; has_data && i < argc; i++)
        for (size_t g = 0; g < n; g++) {
            size_t l = strlen(gen_only[g]);
            if (strncmp(argv[i], gen_only[g], l) == 0 &&
                (argv[i][l] == '\0' || argv[i][l] == '='))
                return cli_usage_error(cmd, "%s sets up the %s and cannot "
                                       "be combined with --data", gen_only[g],
                                       what);
        }
    return CLI_EXIT_OK;
}

void cli_sweep_trace_opts(ll_trace_opts *t, double alpha, const char *act,
                          double lambda_max, double ds, size_t max_steps,
                          int eigs, int z2)
{
    t->model.alpha = alpha;
    t->model.act = ll_act_find(act);
    t->cont.p_min = 0.0;
    t->cont.p_max = lambda_max;
    t->cont.ds0 = ds;
    if (t->cont.ds_max < ds)
        t->cont.ds_max = ds;
    t->cont.max_steps = max_steps;
    t->cont.n_eigs = eigs;
    t->cont.compute_coefs = 0;
    t->cont.bif.z2_declared = z2;
}
