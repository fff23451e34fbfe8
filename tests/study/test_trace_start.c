/* The trace refuses starts that do not exist or are not isolated (trained v;
 * biases with m > 1) with a message that says why, and accepts biases at
 * width 1, where the lambda = 0 minimiser is isolated. */
#include "testutil.h"

#include <string.h>

#include "losslab/losslab.h"

static ll_status trace_with(int train_v, int bias, size_t m, char *msg)
{
    ll_errbuf eb = {{0}};
    ll_data D;
    ll_gen_opts g = ll_gen_opts_default();
    g.n = 100;
    assert_int_equal(ll_data_generate(&D, &g, &eb), LL_OK);
    ll_trace_opts o = ll_trace_opts_default();
    o.model.width = m;
    o.model.train_v = train_v;
    o.model.bias = bias;
    ll_trace_result r;
    ll_status s = ll_trace_run(&D, &o, &r, &eb);
    strcpy(msg, eb.msg);
    ll_trace_result_free(&r);
    ll_data_free(&D);
    return s;
}

static void trace_should_refuse_trained_v_and_say_why(void **state)
{
    (void)state;
    char msg[LL_ERRBUF_SIZE];
    assert_int_equal(trace_with(1, 0, 4, msg), LL_ERR_ARG);
    assert_non_null(strstr(msg, "no critical point at lambda = 0"));
}

static void trace_should_refuse_biases_with_several_units(void **state)
{
    (void)state;
    char msg[LL_ERRBUF_SIZE];
    assert_int_equal(trace_with(0, 1, 4, msg), LL_ERR_ARG);
    assert_non_null(strstr(msg, "3-dimensional family"));
}

static void trace_should_run_with_a_bias_at_width_one(void **state)
{
    (void)state;
    char msg[LL_ERRBUF_SIZE];
    assert_int_equal(trace_with(0, 1, 1, msg), LL_STOP_PARAM);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(trace_should_refuse_trained_v_and_say_why),
        cmocka_unit_test(trace_should_refuse_biases_with_several_units),
        cmocka_unit_test(trace_should_run_with_a_bias_at_width_one),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
