# Allocation-failure injection for tests/robust/test_alloc_fail.c (issue 6
# item 6): every malloc/calloc/realloc/free of the test program and of the
# ll_* static libraries linked into it goes through the test's __wrap_*
# functions, which count the allocations and fail the k-th. Shared libraries
# (OpenBLAS, GSL, cairo, cJSON) keep their own allocator; cJSON's is
# redirected through its hooks by the test itself. Without this snippet the
# test builds anyway and skips itself (its __real_* references are weak).
# Include from CMakeLists.txt after the test targets are defined:
#   include(cmake/alloc_fail.cmake)
if(TARGET robust_test_alloc_fail)
  target_link_options(robust_test_alloc_fail PRIVATE
    "LINKER:--wrap=malloc,--wrap=calloc,--wrap=realloc,--wrap=free")
endif()
