#include "base/exit_status.h"

#include <signal.h>

#include "gtest/gtest.h"

namespace ipclab::base {
namespace {

TEST(DescribeSignal, NamesAbbreviationAndDescription) {
  EXPECT_EQ(DescribeSignal(SIGSEGV), "signal 11 (SIGSEGV: Segmentation fault)");
  EXPECT_EQ(DescribeSignal(SIGKILL), "signal 9 (SIGKILL: Killed)");
}

TEST(ExitInfo, DescribesExitAndSignal) {
  EXPECT_EQ(ExitInfoFromWaitStatus(3 << 8).Describe(), "exited with status 3");
  EXPECT_TRUE(ExitInfoFromWaitStatus(0).ok());
  const ExitInfo crashed = ExitInfoFromWaitStatus(SIGSEGV);
  EXPECT_TRUE(crashed.signaled);
  EXPECT_EQ(crashed.Describe(), "killed by signal 11 (SIGSEGV: Segmentation fault)");
}

}  // namespace
}  // namespace ipclab::base
