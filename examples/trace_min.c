/* The smallest complete use of the library: generate the built-in data set
 * (MATH.md section 4), trace the critical branch of the m = 10 network from
 * lambda = 0 to 1, and print the events. Build: part of the CMake build
 * (build/example_trace_min). */
#include <stdio.h>

#include "losslab/losslab.h"

int main(void)
{
    ll_errbuf eb = {{0}};
    ll_data D;
    ll_gen_opts g = ll_gen_opts_default();
    if (ll_data_generate(&D, &g, &eb) != LL_OK) {
        fprintf(stderr, "%s\n", eb.msg);
        return 1;
    }
    ll_trace_opts o = ll_trace_opts_default();
    o.model.width = 10;
    ll_trace_result r;
    ll_status s = ll_trace_run(&D, &o, &r, &eb);
    if (s < 0)
        fprintf(stderr, "%s\n", eb.msg);
    else
        for (size_t k = 0; k < r.cont.n_events; k++)
            printf("%s at lambda = %.10f\n",
                   ll_event_type_str(r.cont.events[k].type),
                   r.cont.events[k].p);
    ll_trace_result_free(&r);
    ll_data_free(&D);
    return s < 0;
}
