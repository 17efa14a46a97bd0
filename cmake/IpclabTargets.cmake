# Warnings as errors for our own targets only (generated code is exempt).
function(ipclab_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Werror)
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
