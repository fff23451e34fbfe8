/* The parallel executor of the sweeps (sweep.h): a fixed pool of POSIX
 * threads takes items from a shared queue (a counter into `order`, under a
 * mutex). Each item runs the whole trace study with its own model and
 * workspaces, so items share nothing mutable and the results do not depend
 * on the number of threads or the interleaving (with single-threaded BLAS).
 * A finished item is copied into the result and reported through on_done
 * under the same mutex, so callers may write files from on_done without
 * locking. Cancellation (a flag set e.g. by SIGINT, max_items, or a failed
 * on_done) stops new items from starting and cancels running ones through
 * the continuation's progress callback; cancelled items stay not done. */
#include "study/sweep_internal.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

struct ll_sweep_exec {
    pthread_mutex_t lock;
    ll_sweep_result *res;
    const size_t *order;
    ll_sweep_item_fn fn;
    const void *ctx;
    const ll_sweep_hooks *h;
    size_t next, started;
    atomic_int stop;      /* max_items reached or a fatal error */
    ll_status fatal;      /* first fatal status, its message in fatal_eb */
    ll_errbuf fatal_eb;
};

double ll_sweep_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

ll_sweep_hooks ll_sweep_hooks_default(void)
{
    ll_sweep_hooks h;
    memset(&h, 0, sizeof h);
    return h;
}

int ll_sweep_exec_stopping(ll_sweep_exec *ex)
{
    return atomic_load(&ex->stop) || (ex->h->cancel && *ex->h->cancel);
}

int ll_sweep_cont_progress(void *user, const ll_cont_progress *pr)
{
    (void)pr;
    return ll_sweep_exec_stopping((ll_sweep_exec *)user);
}

/* Under the lock: the next item to run, or (size_t)-1. */
static size_t exec_take(ll_sweep_exec *ex)
{
    ll_sweep_result *r = ex->res;
    while (ex->next < r->n && r->items[ex->order[ex->next]].done)
        ex->next++;
    if (ex->next >= r->n || ll_sweep_exec_stopping(ex))
        return (size_t)-1;
    if (ex->h->max_items && ex->started >= ex->h->max_items) {
        atomic_store(&ex->stop, 1);
        return (size_t)-1;
    }
    ex->started++;
    size_t idx = ex->order[ex->next++];
    if (ex->h->on_start)
        ex->h->on_start(ex->h->user, idx, &r->items[idx]);
    return idx;
}

/* Under the lock: store a finished item and report it. */
static void exec_store(ll_sweep_exec *ex, size_t idx, ll_sweep_item *it)
{
    ll_sweep_item *dst = &ex->res->items[idx];
    ll_sweep_item_clear(dst);
    *dst = *it;
    dst->done = 1;
    ex->res->n_run++;
    if (ex->h->on_done && ex->h->on_done(ex->h->user, idx, dst)) {
        atomic_store(&ex->stop, 1);
        if (ex->fatal == LL_OK)
            ex->fatal = ll_err(&ex->fatal_eb, LL_ERR_IO,
                               "sweep: stopped: item %zu could not be saved",
                               idx);
    }
}

static void exec_fail(ll_sweep_exec *ex, ll_status st, const ll_errbuf *eb)
{
    atomic_store(&ex->stop, 1);
    if (ex->fatal == LL_OK) {
        ex->fatal = st;
        memcpy(&ex->fatal_eb, eb, sizeof *eb);
    }
}

static void *exec_worker(void *arg)
{
    ll_sweep_exec *ex = arg;
    for (;;) {
        pthread_mutex_lock(&ex->lock);
        size_t idx = exec_take(ex);
        double param = idx != (size_t)-1 ? ex->res->items[idx].param : 0;
        pthread_mutex_unlock(&ex->lock);
        if (idx == (size_t)-1)
            return NULL;
        ll_sweep_item it;
        ll_errbuf eb = {{0}};
        memset(&it, 0, sizeof it);
        it.param = param;
        double t0 = ll_sweep_now();
        ll_status st = ex->fn(ex->ctx, ex, idx, &it, &eb);
        it.time = ll_sweep_now() - t0;
        pthread_mutex_lock(&ex->lock);
        if (st == LL_OK)
            exec_store(ex, idx, &it);
        else
            ll_sweep_item_clear(&it);
        if (st < 0)
            exec_fail(ex, st, &eb);
        pthread_mutex_unlock(&ex->lock);
    }
}

static int exec_jobs(const ll_sweep_hooks *h, size_t todo)
{
    long j = h->jobs > 0 ? h->jobs : sysconf(_SC_NPROCESSORS_ONLN);
    if (j < 1)
        j = 1;
    if ((size_t)j > todo)
        j = (long)todo;
    return (int)(j < 1 ? 1 : j);
}

/* Start the pool (the calling thread is one of the workers). */
static ll_status exec_pool(ll_sweep_exec *ex, int jobs, ll_errbuf *eb)
{
    pthread_t *tid = malloc((size_t)jobs * sizeof *tid);
    int started = 0;
    if (!tid)
        return ll_err(eb, LL_ERR_NOMEM, "sweep: out of memory");
    for (int j = 1; j < jobs; j++, started++)
        if (pthread_create(&tid[started], NULL, exec_worker, ex) != 0)
            break; /* fewer threads: the queue still drains */
    exec_worker(ex);
    for (int j = 0; j < started; j++)
        pthread_join(tid[j], NULL);
    free(tid);
    return LL_OK;
}

ll_status ll_sweep_execute(ll_sweep_result *res, const size_t *order,
                           ll_sweep_item_fn fn, const void *ctx,
                           const ll_sweep_hooks *h, ll_errbuf *eb)
{
    ll_sweep_exec ex;
    memset(&ex, 0, sizeof ex);
    ex.res = res, ex.order = order, ex.fn = fn, ex.ctx = ctx, ex.h = h;
    atomic_init(&ex.stop, 0);
    size_t todo = 0;
    for (size_t i = 0; i < res->n; i++)
        todo += !res->items[i].done;
    res->n_run = 0;
    double t0 = ll_sweep_now();
    if (pthread_mutex_init(&ex.lock, NULL) != 0)
        return ll_err(eb, LL_ERR_INTERNAL, "sweep: cannot create a mutex");
    ll_status st = todo ? exec_pool(&ex, exec_jobs(h, todo), eb) : LL_OK;
    pthread_mutex_destroy(&ex.lock);
    res->time = ll_sweep_now() - t0;
    res->n_done = 0;
    for (size_t i = 0; i < res->n; i++)
        res->n_done += res->items[i].done != 0;
    res->cancelled = res->n_done < res->n;
    if (st != LL_OK)
        return st;
    if (ex.fatal != LL_OK) {
        if (eb)
            memcpy(eb, &ex.fatal_eb, sizeof *eb);
        return ex.fatal;
    }
    return res->cancelled ? LL_STOP_CANCEL : LL_OK;
}
