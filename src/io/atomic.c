/* Atomic file output: write into a temporary file in the target's directory
 * (mkstemp "<path>.tmp-XXXXXX"), fflush + fsync, then rename(2) over the
 * target, which POSIX makes atomic within one file system. A reader sees the
 * old file or the new one, never a partial one; on any error the temporary
 * is unlinked and the target is untouched. */
#include "losslab/io.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct ll_io_afile {
    FILE *fp;
    char *path;
    char *tmp;
};

static ll_status io_errno(ll_errbuf *eb, const char *path, int err)
{
    return ll_err(eb, LL_ERR_IO, "io: cannot write %s: %s", path,
                  strerror(err));
}

ll_status ll_io_afile_open(ll_io_afile **out, const char *path, ll_errbuf *eb)
{
    *out = NULL;
    if (!path || !*path)
        return ll_err(eb, LL_ERR_ARG, "io: empty output path");
    ll_io_afile *f = calloc(1, sizeof *f);
    size_t len = strlen(path);
    if (f) {
        f->path = malloc(len + 1);
        f->tmp = malloc(len + 12);
    }
    if (!f || !f->path || !f->tmp) {
        if (f) {
            free(f->path);
            free(f->tmp);
        }
        free(f);
        return ll_err(eb, LL_ERR_NOMEM, "io: out of memory for %s", path);
    }
    memcpy(f->path, path, len + 1);
    snprintf(f->tmp, len + 12, "%s.tmp-XXXXXX", path);
    int fd = mkstemp(f->tmp);
    if (fd >= 0) {
        fchmod(fd, 0644); /* mkstemp makes 0600; results are for sharing */
        f->fp = fdopen(fd, "wb");
        if (!f->fp)
            close(fd);
    }
    if (!f->fp) {
        int err = errno;
        if (fd >= 0)
            unlink(f->tmp);
        free(f->path);
        free(f->tmp);
        free(f);
        return io_errno(eb, path, err);
    }
    *out = f;
    return LL_OK;
}

void *ll_io_afile_stream(ll_io_afile *f) { return f ? f->fp : NULL; }

static void afile_free(ll_io_afile *f)
{
    free(f->path);
    free(f->tmp);
    free(f);
}

void ll_io_afile_abort(ll_io_afile *f)
{
    if (!f)
        return;
    if (f->fp)
        fclose(f->fp);
    unlink(f->tmp);
    afile_free(f);
}

ll_status ll_io_afile_commit(ll_io_afile *f, ll_errbuf *eb)
{
    int err = 0;
    if (ferror(f->fp))
        err = EIO;
    if (!err && fflush(f->fp) != 0)
        err = errno;
    if (!err && fsync(fileno(f->fp)) != 0)
        err = errno;
    if (fclose(f->fp) != 0 && !err)
        err = errno;
    f->fp = NULL;
    if (!err && rename(f->tmp, f->path) != 0)
        err = errno;
    if (err) {
        ll_status st = io_errno(eb, f->path, err);
        unlink(f->tmp);
        afile_free(f);
        return st;
    }
    afile_free(f);
    return LL_OK;
}

ll_status ll_io_write_atomic(const char *path, const void *data, size_t len,
                             ll_errbuf *eb)
{
    ll_io_afile *f;
    ll_status st = ll_io_afile_open(&f, path, eb);
    if (st != LL_OK)
        return st;
    if (len > 0 && fwrite(data, 1, len, f->fp) != len) {
        int err = errno ? errno : EIO;
        ll_io_afile_abort(f);
        return io_errno(eb, path, err);
    }
    return ll_io_afile_commit(f, eb);
}
