#include "base/posix_call.h"

#include <cerrno>

#include "gtest/gtest.h"

namespace ipclab::base {
namespace {

TEST(RetryOnEintr, RetriesOnlyEintr) {
  int calls = 0;
  const int result = RetryOnEintr([&] {
    ++calls;
    if (calls < 3) {
      errno = EINTR;
      return -1;
    }
    return 7;
  });
  EXPECT_EQ(result, 7);
  EXPECT_EQ(calls, 3);
}

TEST(RetryOnEintr, OtherErrorsComeBackWithErrno) {
  int calls = 0;
  const long result = RetryOnEintr([&] {
    ++calls;
    errno = EAGAIN;
    return -1L;
  });
  EXPECT_EQ(result, -1);
  EXPECT_EQ(errno, EAGAIN);
  EXPECT_EQ(calls, 1);
}

}  // namespace
}  // namespace ipclab::base
