/* ll_io_shutdown: release the caches cairo and fontconfig keep for the whole
 * process (cairo's toy-font API loads fontconfig's configuration and font
 * patterns once and frees them only in cairo_debug_reset_static_data and
 * FcFini). Freeing them at exit lets valgrind and LeakSanitizer run on the
 * CLI without suppressions.
 *
 * FcFini is looked up at run time (dlsym in the already loaded
 * libfontconfig, which cairo pulls in) rather than linked: losslab does not
 * use fontconfig directly, and a cairo built without it simply has no such
 * symbol, in which case there is nothing to free. */
#define _GNU_SOURCE /* RTLD_DEFAULT */
#include "losslab/io.h"

#include <cairo.h>
#include <dlfcn.h>

void ll_io_shutdown(void)
{
    cairo_debug_reset_static_data();
    void (*fini)(void) = NULL;
    /* POSIX: a function pointer may be read from dlsym's result this way */
    *(void **)&fini = dlsym(RTLD_DEFAULT, "FcFini");
    if (fini)
        fini();
}
