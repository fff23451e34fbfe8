/* Allocation-failure injection shared by the tests/robust/test_alloc_fail*
 * programs (issue 6 item 6). Included by exactly one file per program: it
 * defines the __wrap_* allocator functions.
 *
 * Mechanism: the link options of cmake/alloc_fail.cmake (-Wl,--wrap=malloc,
 * ...) send every allocation of the program and of the ll_* static
 * libraries to the __wrap_* functions below; cJSON (a shared library) is
 * given them through cJSON_InitHooks (ll_ai_hooks_install). Without those
 * link options the __real_* symbols (weak) are NULL and the tests skip
 * themselves (ll_ai_linked). While armed, the wrappers count allocations,
 * fail the fail_at-th one (1-based; 0: none) and count blocks allocated
 * minus freed, which is 0 after a run that leaks nothing. */
#ifndef LL_TESTS_ALLOC_INJECT_H
#define LL_TESTS_ALLOC_INJECT_H

#include <cjson/cJSON.h>
#include <dirent.h>
#include <execinfo.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#if defined(__has_include)
#if __has_include(<valgrind/valgrind.h>)
#include <valgrind/valgrind.h>
#define LL_HAVE_VALGRIND_H 1
#endif
#endif

void *__real_malloc(size_t n) __attribute__((weak));
void *__real_calloc(size_t n, size_t s) __attribute__((weak));
void *__real_realloc(void *p, size_t n) __attribute__((weak));
void __real_free(void *p) __attribute__((weak));
void *__wrap_malloc(size_t n);
void *__wrap_calloc(size_t n, size_t s);
void *__wrap_realloc(void *p, size_t n);
void __wrap_free(void *p);

static int ai_armed;      /* count (and maybe fail) allocations */
static long ai_fail_at;   /* the allocation to fail (1-based), 0: none */
static long ai_n_allocs;  /* allocations seen while armed */
static long ai_live;      /* blocks allocated - freed while armed */

/* Debugging aid: with LL_ALLOC_FAIL_BT set, the call stack of every
 * injected failure goes to stderr (resolve the "prog(+0x...)" offsets with
 * addr2line -f -e prog). */
static inline void ai_backtrace(void)
{
    static int on = -1;
    void *pc[32];
    if (on < 0)
        on = getenv("LL_ALLOC_FAIL_BT") != NULL;
    if (on) {
        ai_armed = 0; /* backtrace() may allocate on its first call */
        fprintf(stderr, "--- allocation %ld failed:\n", ai_fail_at);
        backtrace_symbols_fd(pc, backtrace(pc, 32), 2);
        ai_armed = 1;
    }
}

static inline int ai_should_fail(void)
{
    int fail = ai_armed && ++ai_n_allocs == ai_fail_at;
    if (fail)
        ai_backtrace();
    return fail;
}

void *__wrap_malloc(size_t n)
{
    if (ai_should_fail())
        return NULL;
    void *p = __real_malloc(n);
    ai_live += ai_armed && p;
    return p;
}

void *__wrap_calloc(size_t n, size_t s)
{
    if (ai_should_fail())
        return NULL;
    void *p = __real_calloc(n, s);
    ai_live += ai_armed && p;
    return p;
}

void *__wrap_realloc(void *p, size_t n)
{
    if (ai_should_fail())
        return NULL; /* p stays valid, as for a real failure */
    void *q = __real_realloc(p, n);
    ai_live += ai_armed && !p && q;
    return q;
}

void __wrap_free(void *p)
{
    ai_live -= ai_armed && p;
    __real_free(p);
}

static inline void *ai_hook_malloc(size_t n) { return __wrap_malloc(n); }
static inline void ai_hook_free(void *p) { __wrap_free(p); }

/* Whether the program was linked with cmake/alloc_fail.cmake. */
static inline int ll_ai_linked(void) { return __real_malloc != NULL; }

/* cJSON allocates through the wrappers too (NULL: back to its default). */
static inline void ll_ai_hooks_install(int on)
{
    cJSON_Hooks hooks = {ai_hook_malloc, ai_hook_free};
    cJSON_InitHooks(on ? &hooks : NULL);
}

static inline void ll_ai_arm(long k)
{
    ai_armed = 1, ai_fail_at = k, ai_n_allocs = 0, ai_live = 0;
}

/* Allocations between pause and resume are neither counted nor failed
 * (the test's own bookkeeping inside an armed run); free them while not
 * armed too (paused, or after the run). */
static inline void ll_ai_pause(void) { ai_armed = 0; }
static inline void ll_ai_resume(void) { ai_armed = 1; }

/* Stop counting; returns the allocations of the armed run. */
static inline long ll_ai_disarm(void)
{
    ai_armed = 0;
    return ai_n_allocs;
}

/* Files with ".tmp-" in their name left in dir (not recursive). */
static inline int ll_ai_temp_files(const char *dir)
{
    DIR *d = opendir(dir);
    int n = 0;
    if (!d)
        return 0;
    for (struct dirent *e; (e = readdir(d));)
        n += strstr(e->d_name, ".tmp-") != NULL;
    closedir(d);
    return n;
}

/* Valgrind runs these programs ~50 times slower: there every
 * `valgrind_stride`-th allocation is failed, natively every one;
 * LL_ALLOC_FAIL_STRIDE overrides both. */
static inline long ll_ai_stride(long valgrind_stride)
{
    const char *s = getenv("LL_ALLOC_FAIL_STRIDE");
    long v = s ? atol(s) : 1;
#ifdef LL_HAVE_VALGRIND_H
    if (!s && RUNNING_ON_VALGRIND)
        v = valgrind_stride;
#else
    (void)valgrind_stride;
#endif
    return v >= 1 ? v : 1;
}

#endif
