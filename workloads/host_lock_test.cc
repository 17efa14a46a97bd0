#include "workloads/host_lock.h"

#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <string>

#include "gtest/gtest.h"

namespace ipclab::workloads {
namespace {

// Two processes: the child holds the lock for 300 ms; the parent's Acquire
// must say who holds it and return only after the child let go.
TEST(HostLockTest, SecondHolderWaitsAndIsToldWhoHolds) {
  char dir_template[] = "/tmp/ipclab-host-lock-XXXXXX";
  ASSERT_NE(::mkdtemp(dir_template), nullptr);
  const std::string dir = dir_template;
  int ready[2];
  ASSERT_EQ(::pipe(ready), 0);
  const pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    absl::StatusOr<HostLock> lock = HostLock::Acquire(nullptr, dir);
    if (!lock.ok()) ::_exit(1);
    (void)::write(ready[1], "x", 1);
    ::usleep(300000);
    ::_exit(0);
  }
  char byte = 0;
  ASSERT_EQ(::read(ready[0], &byte, 1), 1);
  std::string waited_for;
  timespec before, after;
  ::clock_gettime(CLOCK_MONOTONIC, &before);
  absl::StatusOr<HostLock> lock =
      HostLock::Acquire([&](const std::string& why) { waited_for = why; }, dir);
  ::clock_gettime(CLOCK_MONOTONIC, &after);
  ASSERT_TRUE(lock.ok()) << lock.status();
  EXPECT_NE(waited_for.find("pid " + std::to_string(child)), std::string::npos) << waited_for;
  const double waited = static_cast<double>(after.tv_sec - before.tv_sec) +
                        static_cast<double>(after.tv_nsec - before.tv_nsec) / 1e9;
  EXPECT_GT(waited, 0.1);
  int status = 0;
  ASSERT_EQ(::waitpid(child, &status, 0), child);
  EXPECT_EQ(status, 0);
  ::close(ready[0]);
  ::close(ready[1]);
  ::unlink((dir + "/measure.lock").c_str());
  ::rmdir(dir.c_str());
}

TEST(HostLockTest, FreeLockIsTakenWithoutWaiting) {
  char dir_template[] = "/tmp/ipclab-host-lock-XXXXXX";
  ASSERT_NE(::mkdtemp(dir_template), nullptr);
  const std::string dir = dir_template;
  bool waited = false;
  {
    absl::StatusOr<HostLock> lock =
        HostLock::Acquire([&](const std::string&) { waited = true; }, dir);
    ASSERT_TRUE(lock.ok()) << lock.status();
    EXPECT_EQ(lock->path(), dir + "/measure.lock");
  }
  EXPECT_FALSE(waited);
  ::unlink((dir + "/measure.lock").c_str());
  ::rmdir(dir.c_str());
}

}  // namespace
}  // namespace ipclab::workloads
