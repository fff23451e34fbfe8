/* Directory creation (mkdir -p) and an early writability check, so that a
 * long run does not end with its results undeliverable. */
#include "losslab/io.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static ll_status mkdir_one(const char *dir, const char *shown, ll_errbuf *eb)
{
    struct stat sb;
    if (mkdir(dir, 0777) == 0)
        return LL_OK;
    int err = errno;
    if (err == EEXIST && stat(dir, &sb) == 0) {
        if (S_ISDIR(sb.st_mode))
            return LL_OK;
        err = ENOTDIR;
    }
    return ll_err(eb, LL_ERR_IO, "io: cannot create directory %s: %s", shown,
                  strerror(err));
}

ll_status ll_io_mkdir_p(const char *dir, ll_errbuf *eb)
{
    if (!dir || !*dir)
        return ll_err(eb, LL_ERR_ARG, "io: empty directory name");
    size_t len = strlen(dir);
    char *buf = malloc(len + 1);
    if (!buf)
        return ll_err(eb, LL_ERR_NOMEM, "io: out of memory");
    memcpy(buf, dir, len + 1);
    ll_status st = LL_OK;
    /* Create every prefix ending before a '/', then the whole path. */
    for (size_t i = 1; i <= len && st == LL_OK; i++) {
        if (i < len && buf[i] != '/')
            continue;
        char c = buf[i];
        buf[i] = '\0';
        st = mkdir_one(buf, dir, eb);
        buf[i] = c;
    }
    free(buf);
    return st;
}

ll_status ll_io_check_writable(const char *path, ll_errbuf *eb)
{
    struct stat sb;
    if (!path || !*path)
        return ll_err(eb, LL_ERR_ARG, "io: empty output path");
    if (stat(path, &sb) == 0 && S_ISDIR(sb.st_mode))
        return ll_err(eb, LL_ERR_IO, "io: cannot write %s: %s", path,
                      strerror(EISDIR));
    size_t len = strlen(path);
    char *dir = malloc(len + 2);
    if (!dir)
        return ll_err(eb, LL_ERR_NOMEM, "io: out of memory");
    memcpy(dir, path, len + 1);
    char *slash = strrchr(dir, '/');
    if (!slash)
        strcpy(dir, ".");
    else if (slash == dir)
        dir[1] = '\0';
    else
        *slash = '\0';
    int err = 0;
    if (stat(dir, &sb) != 0)
        err = errno;
    else if (!S_ISDIR(sb.st_mode))
        err = ENOTDIR;
    else if (access(dir, W_OK | X_OK) != 0)
        err = errno;
    free(dir);
    if (err)
        return ll_err(eb, LL_ERR_IO, "io: cannot write %s: %s", path,
                      strerror(err));
    return LL_OK;
}
