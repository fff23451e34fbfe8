# Allocation-failure injection for the tests/robust/test_alloc_fail*.c
# programs (issue 6 item 6; the wrappers are in tests/robust/alloc_inject.h):
# every malloc/calloc/realloc/free of the test program and of the ll_*
# static libraries linked into it goes through the test's __wrap_*
# functions, which count the allocations and fail the k-th. Shared libraries
# (OpenBLAS, GSL, cairo, cJSON) keep their own allocator; cJSON's is
# redirected through its hooks by the test itself. Without this snippet the
# tests build anyway and skip themselves (their __real_* references are
# weak). A new program of this kind needs its target name added below.
# Include from CMakeLists.txt after the test targets are defined:
#   include(cmake/alloc_fail.cmake)
foreach(t robust_test_alloc_fail robust_test_alloc_fail_exp)
  if(TARGET ${t})
    target_link_options(${t} PRIVATE
      "LINKER:--wrap=malloc,--wrap=calloc,--wrap=realloc,--wrap=free")
  endif()
endforeach()
