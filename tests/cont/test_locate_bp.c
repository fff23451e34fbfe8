/* scratch */
#include "testutil.h"
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include "losslab/cont.h"
#include "../bif/switch_toy.h"

static void run(double kap, double ds0, uint64_t seed, double pstart)
{
    sw_par P = sw_par_default(0.0, 1.5, kap);
    toy t;
    sw_toy_init(&t, &P, seed);
    ll_problem pb = toy_problem(&t);
    double y[3] = {kap * pstart, P.e * pstart, P.s * P.e * pstart}, x0[3];
    toy_to_x(&t, y, x0);
    ll_cont_opts o = ll_cont_opts_default();
    o.p_min = -0.5, o.p_max = 0.5, o.ds0 = ds0, o.ds_max = 0.05;
    o.store_points = 1;
    o.bif.z2_declared = 1;
    ll_cont_result r;
    ll_errbuf eb = {{0}};
    ll_cont_run(&pb, x0, pstart, &o, &r, &eb);
    printf("seed %d p0 %g kap %g ds0 %g: status %d len %zu nev %zu\n", (int)seed, pstart, kap, ds0, r.status, r.branch.len, r.n_events);
    for (size_t i = 0; i < r.n_events; i++) {
        ll_event *e = &r.events[i];
        printf("  type %d p %.3e located %d idx %d->%d status %d %s\n", e->type, e->p, e->located, e->index_before, e->index_after, e->status, e->reason);
    }
    ll_cont_result_free(&r);
}

static void scratch(void **state)
{
    (void)state;
    double kaps[] = {0, 0.3, 1.0};
    double dss[] = {0.01, 0.02, 0.05};
    double ps[] = {-0.5, -0.3, -0.123};
    if (getenv("ONE")) { run(0.3, 0.01, 6, -0.123); return; }
    for (int s = 1; s < 13; s++) for (int q = 0; q < 3; q++)
    for (int i = 0; i < 3; i++) for (int j = 0; j < 3; j++) run(kaps[i], dss[j], s, ps[q]);
}

int main(void)
{
    const struct CMUnitTest tests[] = { cmocka_unit_test(scratch) };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
