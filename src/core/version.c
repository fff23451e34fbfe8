/* The library version and the git revision it was built from (generated). */
#include "losslab/losslab.h"
#include "ll_version.h"

const char *ll_version(void) { return LL_VERSION; }
const char *ll_git_revision(void) { return LL_GIT_REVISION; }
