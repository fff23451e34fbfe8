/* JSON helpers shared by every losslab result file (json_exp.h): the number
 * format, the config blocks that several files record the same way, and
 * the checked finish, so that every file reads the same way and none is
 * printed with a key lost to an allocation failure. Every cJSON call here
 * goes through the checking macros of json_exp.h. */
#include "io/json_exp.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "losslab/io.h"
#include "losslab/losslab.h"

void ll_jx_fmt_num(char *buf, size_t n, double x)
{
    for (int prec = 15; prec <= 17; prec++) {
        snprintf(buf, n, "%.*g", prec, x);
        if (strtod(buf, NULL) == x)
            break;
    }
}

cJSON *ll_jx_num(double x)
{
    char buf[40];
    if (!isfinite(x))
        return cJSON_CreateNull();
    ll_jx_fmt_num(buf, sizeof buf, x);
    return cJSON_CreateRaw(buf);
}

void ll_jx_add_num(cJSON *o, const char *key, double x)
{
    cJSON_AddItemToObject(o, key, ll_jx_num(x));
}

void ll_jx_add_str(cJSON *o, const char *key, const char *s)
{
    if (s)
        cJSON_AddStringToObject(o, key, s);
    else
        cJSON_AddNullToObject(o, key);
}

cJSON *ll_jx_nums(const double *x, size_t n)
{
    cJSON *a = cJSON_CreateArray();
    for (size_t i = 0; a && x && i < n; i++)
        cJSON_AddItemToArray(a, ll_jx_num(x[i]));
    return a;
}

cJSON *ll_jx_ints(const int *x, size_t n)
{
    cJSON *a = cJSON_CreateArray();
    for (size_t i = 0; a && x && i < n; i++)
        cJSON_AddItemToArray(a, cJSON_CreateNumber(x[i]));
    return a;
}

cJSON *ll_jx_data_source_as(const ll_data_source *src, const char *gen_label)
{
    cJSON *d = cJSON_CreateObject();
    if (!src) {
        cJSON_AddStringToObject(d, "source", "unknown");
        return d;
    }
    if (src->x_path) {
        cJSON_AddStringToObject(d, "source", "file");
        ll_jx_add_str(d, "x_path", src->x_path);
        ll_jx_add_str(d, "y_path", src->y_path);
        cJSON_AddNumberToObject(d, "target_col", src->target_col);
    } else {
        cJSON_AddStringToObject(d, "source", gen_label);
        cJSON_AddNumberToObject(d, "dim", (double)src->gen.d);
        cJSON_AddNumberToObject(d, "samples", (double)src->gen.n);
        cJSON_AddNumberToObject(d, "seed", (double)src->gen.seed);
        ll_jx_add_num(d, "noise", src->gen.noise);
    }
    return d;
}

cJSON *ll_jx_data_source(const ll_data_source *src)
{
    return ll_jx_data_source_as(src, "generator");
}

void ll_jx_add_seed(cJSON *config, const ll_data_source *src)
{
    if (src && !src->x_path)
        cJSON_AddNumberToObject(config, "seed", (double)src->gen.seed);
    else
        cJSON_AddNullToObject(config, "seed");
}

void ll_jx_add_model(cJSON *c, const ll_model_opts *mo, size_t dim,
                     size_t samples, size_t width, size_t nparams,
                     const double *v)
{
    cJSON_AddNumberToObject(c, "dim", (double)dim);
    cJSON_AddNumberToObject(c, "samples", (double)samples);
    cJSON_AddNumberToObject(c, "width", (double)width);
    cJSON_AddNumberToObject(c, "nparams", (double)nparams);
    ll_jx_add_num(c, "alpha", mo->alpha);
    ll_jx_add_str(c, "act", mo->act ? mo->act->name : NULL);
    cJSON_AddItemToObject(c, "v", ll_jx_nums(v, width));
    cJSON_AddBoolToObject(c, "train_v", mo->train_v);
    cJSON_AddBoolToObject(c, "bias", mo->bias);
}

cJSON *ll_jx_cont_opts_keys(const ll_cont_opts *c, unsigned keys)
{
    int run = (keys & LL_JX_CONT_RUN) != 0;
    cJSON *o = cJSON_CreateObject();
    ll_jx_add_num(o, "lambda_min", c->p_min);
    ll_jx_add_num(o, "lambda_max", c->p_max);
    ll_jx_add_num(o, "ds0", c->ds0);
    ll_jx_add_num(o, "ds_min", c->ds_min);
    ll_jx_add_num(o, "ds_max", c->ds_max);
    cJSON_AddNumberToObject(o, "max_steps", (double)c->max_steps);
    if (run)
        ll_jx_add_num(o, "max_length", c->max_length);
    ll_jx_add_num(o, "newton_tol", c->newton_tol);
    if (run)
        cJSON_AddNumberToObject(o, "newton_maxit", c->newton_maxit);
    ll_jx_add_num(o, "max_angle", c->max_angle);
    if (run)
        cJSON_AddNumberToObject(o, "n_eigs", c->n_eigs);
    ll_jx_add_num(o, "locate_tol", c->locate_tol);
    cJSON_AddStringToObject(o, "hessian", ll_hessian_path_str(c->hessian));
    if (run) {
        cJSON_AddBoolToObject(o, "locate_events", c->locate_events);
        cJSON_AddBoolToObject(o, "compute_coefs", c->compute_coefs);
    }
    if (keys & LL_JX_CONT_BIF) {
        ll_jx_add_num(o, "gp_zero_rel", c->bif.gp_zero_rel);
        ll_jx_add_num(o, "near_pitchfork_ratio", c->bif.near_pitchfork_ratio);
    }
    cJSON_AddBoolToObject(o, "z2_declared", c->bif.z2_declared);
    return o;
}

cJSON *ll_jx_cont_opts(const ll_cont_opts *c)
{
    return ll_jx_cont_opts_keys(c, LL_JX_CONT_BIF);
}

cJSON *ll_jx_coef(const ll_lscoef *c)
{
    cJSON *e = cJSON_CreateObject();
    ll_jx_add_num(e, "g_p", c->g_p);
    ll_jx_add_num(e, "g_aa", c->g_aa);
    ll_jx_add_num(e, "g_ap", c->g_ap);
    ll_jx_add_num(e, "g_aaa", c->g_aaa);
    ll_jx_add_num(e, "g_aaa_bare", c->g_aaa_bare);
    ll_jx_add_num(e, "ratio_aa_aaa", c->ratio_aa_aaa);
    cJSON_AddStringToObject(e, "normal_form", ll_normal_form_str(c->normal_form));
    cJSON_AddNumberToObject(e, "criticality", c->criticality);
    ll_jx_add_num(e, "branch_slope", c->branch_slope);
    ll_jx_add_num(e, "branch_quad", c->branch_quad);
    return e;
}

void ll_jx_provenance(cJSON *config, const char *command_line)
{
    cJSON_AddStringToObject(config, "version", ll_version());
    cJSON_AddStringToObject(config, "git_revision", ll_git_revision());
    ll_jx_add_str(config, "command_line", command_line);
}

ll_status ll_jx_finish(cJSON *root, unsigned long mark, char **out,
                       ll_errbuf *eb)
{
    int lost = !root || ll_jx_failed_since(mark);
    char *s = lost ? NULL : cJSON_Print(root);
    cJSON_Delete(root);
    *out = s;
    if (!s)
        return ll_err(eb, LL_ERR_NOMEM, lost
                      ? "io: out of memory building JSON (nothing written)"
                      : "io: out of memory printing JSON (nothing written)");
    return LL_OK;
}

ll_status ll_jx_write(const char *path, char *s, ll_errbuf *eb)
{
    ll_io_afile *f;
    ll_status st = ll_io_afile_open(&f, path, eb);
    if (st == LL_OK) {
        FILE *fp = ll_io_afile_stream(f);
        fputs(s, fp);
        fputc('\n', fp);
        st = ll_io_afile_commit(f, eb);
    }
    free(s);
    return st;
}
