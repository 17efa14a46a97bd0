#include "results/testing/golden.h"

#include <cstdlib>
#include <fstream>
#include <iostream>
#include <sstream>

#include "gtest/gtest.h"

namespace ipclab::results::testing {

void ExpectGolden(const std::string& file, const std::string& actual) {
  const std::string path = std::string(IPCLAB_RESULTS_TESTDATA_DIR) + "/" + file;
  const char* update = std::getenv("IPCLAB_UPDATE_GOLDEN");
  if (update != nullptr && std::string(update) == "1") {
    std::ofstream(path, std::ios::binary) << actual;
    std::cerr << "wrote " << path << "\n";
    return;
  }
  std::ifstream in(path, std::ios::binary);
  ASSERT_TRUE(in.good()) << "missing " << path << "; create it with IPCLAB_UPDATE_GOLDEN=1";
  std::stringstream expected;
  expected << in.rdbuf();
  EXPECT_EQ(actual, expected.str())
      << "differs from " << path << "; if intended, regenerate with IPCLAB_UPDATE_GOLDEN=1";
}

}  // namespace ipclab::results::testing
