/* Placeholder translation unit for a module that has no sources yet. */
typedef int ll_empty_module_;
