#include <fcntl.h>
#include <signal.h>
#include <sys/mman.h>
#include <unistd.h>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "workloads/sys/child_process.h"
#include "workloads/sys/cpu.h"
#include "workloads/sys/mapping.h"
#include "workloads/sys/shm_object.h"

namespace ipclab::sys {
namespace {

std::string UniqueName() {
  static int counter = 0;
  return absl::StrCat("/ipclab-systest-", ::getpid(), "-", counter++);
}

bool ShmExists(const std::string& name) {
  return ::access(absl::StrCat("/dev/shm", name).c_str(), F_OK) == 0;
}

TEST(ShmObject, UnlinksOnlyWhenOwner) {
  const std::string name = UniqueName();
  {
    auto created = ShmObject::Create(name, 8192);
    ASSERT_TRUE(created.ok()) << created.status();
    EXPECT_TRUE(created->owner());
    {
      auto opened = ShmObject::Open(name);
      ASSERT_TRUE(opened.ok()) << opened.status();
      EXPECT_FALSE(opened->owner());
    }
    EXPECT_TRUE(ShmExists(name)) << "an opener must not unlink";
  }
  EXPECT_FALSE(ShmExists(name)) << "the creator unlinks on destruction";
}

TEST(ShmObject, CreateRefusesAnExistingNameAndNamesIt) {
  const std::string name = UniqueName();
  auto first = ShmObject::Create(name, 4096).value();
  const absl::Status second = ShmObject::Create(name, 4096).status();
  EXPECT_EQ(second.code(), absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(second.message(), absl::StrCat("shm_open(\"", name, "\", O_CREAT): File exists"));
  EXPECT_TRUE(ShmExists(name)) << "the failed create must not remove the first one's name";
}

TEST(ShmObject, ExplicitUnlinkThenDestructorDoesNothing) {
  const std::string name = UniqueName();
  auto object = ShmObject::Create(name, 4096).value();
  ASSERT_TRUE(object.Unlink().ok());
  EXPECT_FALSE(ShmExists(name));
  auto mapping = Mapping::Map(4096, PROT_READ | PROT_WRITE, MAP_SHARED, object.fd(), 0, "test");
  ASSERT_TRUE(mapping.ok()) << "the memory outlives the name";
  mapping->data()[0] = 7;
}

TEST(ChildProcess, ReportsExitCodeAndSignal) {
  auto exits = ChildProcess::Fork([] { return 3; }).value();
  const ExitInfo exited = exits.Wait().value();
  EXPECT_FALSE(exited.ok());
  EXPECT_EQ(exited.Describe(), "exited with status 3");
  auto crashes = ChildProcess::Fork([] {
                   ::raise(SIGSEGV);
                   return 0;
                 }).value();
  const ExitInfo crashed = crashes.Wait().value();
  EXPECT_TRUE(crashed.signaled);
  EXPECT_EQ(crashed.Describe(), "killed by signal 11 (SIGSEGV: Segmentation fault)");
}

TEST(ChildProcess, DestructorKillsAndReaps) {
  pid_t pid = -1;
  {
    auto sleeper = ChildProcess::Fork([] {
                     ::pause();
                     return 0;
                   }).value();
    pid = sleeper.pid();
  }
  EXPECT_EQ(::kill(pid, 0), -1) << "the child must be gone, not a zombie";
}

TEST(Cpu, PinningIsVisible) {
  const std::vector<int> allowed = AllowedCpus().value();
  ASSERT_FALSE(allowed.empty());
  auto child = ChildProcess::Fork([&] {
                 if (!PinToCpu(allowed.back()).ok()) return 1;
                 return CurrentCpu() == allowed.back() ? 0 : 2;
               }).value();
  EXPECT_TRUE(child.Wait().value().ok());
}

}  // namespace
}  // namespace ipclab::sys
