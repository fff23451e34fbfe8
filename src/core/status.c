/* Status names and the error-line helper (see include/losslab/status.h). */
#include "losslab/status.h"

#include <stdarg.h>
#include <stdio.h>

const char *ll_status_str(ll_status s)
{
#define LL_CASE_(name, value, text) \
    case name:                      \
        return text;
    switch (s) { LL_STATUS_LIST(LL_CASE_) }
#undef LL_CASE_
    return "unknown status";
}

const char *ll_status_name(ll_status s)
{
#define LL_CASE_(name, value, text) \
    case name:                      \
        return #name;
    switch (s) { LL_STATUS_LIST(LL_CASE_) }
#undef LL_CASE_
    return "LL_UNKNOWN";
}

ll_status ll_err(ll_errbuf *eb, ll_status s, const char *fmt, ...)
{
    if (eb) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(eb->msg, sizeof eb->msg, fmt, ap);
        va_end(ap);
    }
    return s;
}
