# Warnings as errors for our own targets only (generated code is exempt).
function(ipclab_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Werror)
endfunction()

# ipclab_add_library(NAME SOURCES... PUBLIC... PRIVATE...): the static
# library ipclab_NAME (alias ipclab::NAME), included from the top of the tree,
# with warnings as errors.
function(ipclab_add_library name)
  cmake_parse_arguments(L "" "" "SOURCES;PUBLIC;PRIVATE" ${ARGN})
  add_library(ipclab_${name} STATIC ${L_SOURCES})
  add_library(ipclab::${name} ALIAS ipclab_${name})
  target_include_directories(ipclab_${name} PUBLIC ${PROJECT_SOURCE_DIR})
  target_link_libraries(ipclab_${name} PUBLIC ${L_PUBLIC} PRIVATE ${L_PRIVATE})
  ipclab_warnings(ipclab_${name})
endfunction()

# ipclab_add_test(NAME SOURCES... LIBS...): a GoogleTest binary whose cases
# ctest discovers one by one, so `ctest -j` runs them in parallel. Tests find
# the binaries through IPCLAB_BIN_DIR, and a results database a test forgets
# to redirect lands in the build tree, never in the user's home.
function(ipclab_add_test name)
  cmake_parse_arguments(T "" "" "SOURCES;LIBS;PROPERTIES" ${ARGN})
  add_executable(${name} ${T_SOURCES})
  ipclab_warnings(${name})
  target_link_libraries(${name} PRIVATE ${T_LIBS} GTest::gtest GTest::gmock GTest::gtest_main)
  set_target_properties(${name} PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/tests)
  gtest_discover_tests(${name}
    DISCOVERY_TIMEOUT 60
    PROPERTIES ENVIRONMENT
      "IPCLAB_BIN_DIR=${CMAKE_BINARY_DIR}/bin;XDG_DATA_HOME=${CMAKE_BINARY_DIR}/test-xdg-data"
      ${T_PROPERTIES})
endfunction()
