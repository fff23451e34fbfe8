/* A sweep item made from a trace result (src/study/sweep_item.c): what the
 * item's JSON is written from must be defined even when the trace stopped
 * early. Regression (stop 8, valgrind): a trace that ran out of memory
 * before it had its output weights left the item's v allocated but never
 * written, and the JSON printed m uninitialised numbers. */
#include "testutil.h"

#include <math.h>
#include <string.h>

#include "losslab/sweep.h"

static void item_of_a_trace_without_v_should_hold_no_v(void **st)
{
    (void)st;
    ll_trace_result r;
    memset(&r, 0, sizeof r);
    r.width = 4, r.dim = 2, r.samples = 10;
    r.status = LL_ERR_NOMEM;
    ll_sweep_item it;
    memset(&it, 0, sizeof it);
    assert_int_equal(ll_sweep_item_from_trace(&it, &r, NULL), LL_OK);
    assert_null(it.v);
    assert_int_equal(it.width, 4);
    assert_int_equal(it.len, 0);
    ll_sweep_item_clear(&it);
}

static void item_of_a_trace_with_v_should_copy_it(void **st)
{
    (void)st;
    double v[3] = {0.5, 1.0, 1.5};
    ll_trace_result r;
    memset(&r, 0, sizeof r);
    r.width = 3, r.v = v;
    ll_sweep_item it;
    memset(&it, 0, sizeof it);
    assert_int_equal(ll_sweep_item_from_trace(&it, &r, NULL), LL_OK);
    assert_non_null(it.v);
    assert_true(it.v != v);
    assert_memory_equal(it.v, v, sizeof v);
    ll_sweep_item_clear(&it);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(item_of_a_trace_without_v_should_hold_no_v),
        cmocka_unit_test(item_of_a_trace_with_v_should_copy_it),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
