// Faults, through the real binaries (issue 10): kill -9 of a worker, of a
// role, of `ipclabd` during setup followed by a restart, of the embedded
// CLI followed by the next CLI; a client that disconnects mid-run; SIGTERM;
// SIGHUP. After each, the server (or its successor) serves a call and
// nothing of ipclab is left: not in /dev/shm, not in `ipcs -m`
// (/proc/sysvipc/shm), not in the scratch directories, not in the huge
// page pool. And a live instance's objects are never touched by another
// instance's start-up sweep.
//
// The faults hit the setup phase, when a ring's name, segment or file
// exists and nobody has unlinked it yet: the test watches for its creation
// (inotify for names and files, /proc/sysvipc/shm for segments) and strikes
// at once. Rings are populated (MADV_POPULATE_WRITE) so setup lasts long
// enough on a loaded machine.
#include <dirent.h>
#include <poll.h>
#include <signal.h>
#include <sys/inotify.h>
#include <sys/shm.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <memory>
#include <optional>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/process_checks.h"
#include "tests/testing/subprocess.h"
#include "workloads/hugepages.h"
#include "workloads/instance_lock.h"
#include "workloads/owner_mark.h"

namespace ipclab::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::IsEmpty;

constexpr auto kPatience = std::chrono::seconds(30);
constexpr long long kSysvKeyTag = 0x1CA;  // workloads/sys/sysv_segment.cc

enum class Kind { kShmName, kSysvSegment, kScratchFile };

// A ring workload whose setup creates one object of `kind`.
struct Target {
  std::string workload;
  Kind kind;
  std::vector<std::string> params;
};

void PrintTo(const Target& target, std::ostream* out) { *out << target.workload; }

std::string TargetName(const ::testing::TestParamInfo<Target>& info) { return info.param.workload; }

const Target kShmPosix = {
    "shm_posix",
    Kind::kShmName,
    {"-p", "ring_bytes=256MiB", "-p", "populate=true", "-p", "total_bytes=64MiB"}};
const Target kShmSysv = {
    "shm_sysv",
    Kind::kSysvSegment,
    {"-p", "ring_bytes=256MiB", "-p", "populate=true", "-p", "total_bytes=64MiB"}};
const Target kMmapFile = {"mmap_file",
                          Kind::kScratchFile,
                          {"-p", "ring_bytes=64MiB", "-p", "populate=true", "-p",
                           "total_bytes=64MiB", "-p", "location=disk"}};

// The instance slot `pid` holds (its lock file names it and is locked).
std::optional<uint32_t> InstanceOfPid(pid_t pid) {
  for (uint32_t instance = 0; instance < 512; ++instance) {
    if (workloads::InstanceHolderPid(instance) == pid && workloads::InstanceAlive(instance)) {
      return instance;
    }
  }
  return std::nullopt;
}

// Ids of ipclab-tagged SysV segments and the instance in their key.
std::vector<std::pair<int, uint32_t>> TaggedSegments() {
  std::vector<std::pair<int, uint32_t>> segments;
  std::ifstream table("/proc/sysvipc/shm");
  std::string line;
  std::getline(table, line);
  while (std::getline(table, line)) {
    std::istringstream fields(line);
    long long key = 0, id = 0;
    if (fields >> key >> id && key > 0 && (key >> 20) == kSysvKeyTag) {
      segments.emplace_back(static_cast<int>(id), static_cast<uint32_t>((key >> 8) & 0xFFF));
    }
  }
  return segments;
}

// Huge pages taken or promised (HugePages_Total - Free + Rsvd).
long HugePagesInUse() {
  std::ifstream meminfo("/proc/meminfo");
  std::string name;
  long value = 0, total = 0, free = 0, reserved = 0;
  while (meminfo >> name >> value) {
    if (name == "HugePages_Total:") total = value;
    if (name == "HugePages_Free:") free = value;
    if (name == "HugePages_Rsvd:") reserved = value;
    meminfo.ignore(256, '\n');
  }
  return total - free + reserved;
}

// Watches for the first object of a kind carrying an instance's mark.
// Created before the run starts, so no creation is missed.
class ObjectWatch final {
 public:
  ObjectWatch(Kind kind, const std::string& scratch_dir) : kind_(kind) {
    if (kind_ == Kind::kSysvSegment) return;
    fd_ = inotify_init1(IN_CLOEXEC | IN_NONBLOCK);
    dir_ = kind_ == Kind::kShmName ? "/dev/shm" : scratch_dir;
    inotify_add_watch(fd_, dir_.c_str(), IN_CREATE);
  }
  ~ObjectWatch() {
    if (fd_ >= 0) close(fd_);
  }
  ObjectWatch(const ObjectWatch&) = delete;
  ObjectWatch& operator=(const ObjectWatch&) = delete;

  // "/dev/shm/ipclab-i3-...", "<dir>/ipclab-i3-...file0" or "shmid 42";
  // "" if none appeared within `timeout`.
  std::string Await(uint32_t instance, std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    const std::string prefix = workloads::InstanceNamePrefix(instance);
    while (std::chrono::steady_clock::now() < deadline) {
      if (kind_ == Kind::kSysvSegment) {
        for (const auto& [id, owner] : TaggedSegments()) {
          if (owner == instance) return absl::StrCat("shmid ", id);
        }
        std::this_thread::sleep_for(std::chrono::microseconds(500));
        continue;
      }
      pollfd ready{fd_, POLLIN, 0};
      if (poll(&ready, 1, 100) <= 0) continue;
      alignas(inotify_event) char buffer[8192];
      const ssize_t n = read(fd_, buffer, sizeof(buffer));
      for (ssize_t offset = 0; n > 0 && offset < n;) {
        const auto* event = reinterpret_cast<const inotify_event*>(buffer + offset);
        if (event->len > 0 && absl::StartsWith(event->name, prefix)) {
          return dir_ + "/" + event->name;
        }
        offset += static_cast<ssize_t>(sizeof(inotify_event) + event->len);
      }
    }
    return "";
  }

 private:
  Kind kind_;
  int fd_ = -1;
  std::string dir_;
};

bool ObjectExists(const std::string& object) {
  int id = 0;
  if (absl::StartsWith(object, "shmid ") && absl::SimpleAtoi(object.substr(6), &id)) {
    shmid_ds stat{};
    return shmctl(id, IPC_STAT, &stat) == 0;
  }
  return access(object.c_str(), F_OK) == 0;
}

// An `ipclabd` on 127.0.0.1:0; its start-up lines (before "listening")
// are kept, so a test can read what its sweep removed.
class Daemon final {
 public:
  Daemon(const std::vector<std::string>& flags, const std::vector<std::string>& environment) {
    std::vector<std::string> argv = {BinDir() + "/ipclabd", "--listen", "127.0.0.1:0"};
    argv.insert(argv.end(), flags.begin(), flags.end());
    process_ =
        std::make_unique<Subprocess>(argv, environment, SpawnOptions(StderrMode::kIntoStdout));
    static const std::regex kListening("ipclabd listening on (127\\.0\\.0\\.1:[0-9]+)");
    for (int lines = 0; lines < 20; ++lines) {
      const std::string line = process_->ReadLineContaining("", kPatience);
      if (line.empty()) break;
      std::smatch match;
      if (std::regex_search(line, match, kListening)) {
        address_ = match[1].str();
        break;
      }
      startup_ += line + "\n";
    }
    instance_ = InstanceOfPid(process_->pid());
  }

  pid_t pid() const { return process_->pid(); }
  const std::string& address() const { return address_; }
  const std::string& startup() const { return startup_; }
  std::optional<uint32_t> instance() const { return instance_; }
  Subprocess* process() { return process_.get(); }

 private:
  std::unique_ptr<Subprocess> process_;
  std::string address_;
  std::string startup_;
  std::optional<uint32_t> instance_;
};

class FaultIntegrationTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_FALSE(BinDir().empty()) << "IPCLAB_BIN_DIR is not set (run through ctest)";
    ASSERT_FALSE(scratch_.path().empty());
    environment_ = EnvironmentWith({{"TMPDIR", scratch_.path()},
                                    {"XDG_DATA_HOME", scratch_.path() + "/xdg"},
                                    {"IPCLAB_TOKEN", ""}});
    for (const auto& [id, owner] : TaggedSegments()) sysv_before_.insert(id);
    huge_pages_before_ = HugePagesInUse();
  }

  void TearDown() override {
    run_.reset();  // as the test's own run would end with its body
    for (auto& daemon : daemons_) {
      if (daemon == nullptr || ProcessGone(daemon->pid())) continue;
      daemon->process()->Signal(SIGTERM);
      daemon->process()->Wait(kPatience);
    }
    ExpectNothingLeft();
  }

  std::vector<std::string> DaemonFlags() const { return {"--scratch-disk", scratch_.path()}; }

  // `target` run through a new ipclabd (daemon_) until its ring's object
  // exists: the run in run_, the object's name in object_ ("" with a test
  // failure where none appeared).
  void StartRunUntilItsObject(const Target& target) {
    daemon_ = StartDaemon();
    EXPECT_TRUE(daemon_->instance().has_value());
    ObjectWatch watch(target.kind, scratch_.path());
    run_ = std::make_unique<Subprocess>(RunArgv(target, daemon_->address()), environment_);
    object_ = daemon_->instance().has_value() ? watch.Await(*daemon_->instance(), kPatience) : "";
  }

  Daemon* StartDaemon() {
    daemons_.push_back(std::make_unique<Daemon>(DaemonFlags(), environment_));
    Daemon* daemon = daemons_.back().get();
    EXPECT_FALSE(daemon->address().empty()) << "ipclabd did not start: " << daemon->startup();
    EXPECT_TRUE(daemon->instance().has_value()) << "ipclabd holds no instance slot";
    owner_pids_.insert(daemon->pid());
    return daemon;
  }

  std::vector<std::string> IpclabArgv(std::vector<std::string> args) const {
    args.insert(args.begin(), BinDir() + "/ipclab");
    return args;
  }

  std::vector<std::string> RunArgv(const Target& target, const std::string& server) const {
    std::vector<std::string> args = {"run", target.workload};
    args.insert(args.end(), target.params.begin(), target.params.end());
    args.insert(args.end(), {"--repetitions", "1", "--warmup", "0", "--no-store", "--quiet"});
    if (!server.empty()) args.insert(args.end(), {"--server", server});
    return IpclabArgv(args);
  }

  // A quick call the server must answer.
  void ExpectServes(const std::string& server) {
    ProcessResult ran =
        RunProcess(IpclabArgv({"run", "pipe", "-p", "total_bytes=64KiB", "--repetitions", "1",
                               "--warmup", "0", "--no-store", "--quiet", "--server", server}),
                   environment_, std::chrono::seconds(120));
    EXPECT_EQ(ran.exit_code, 0) << "the server no longer serves: " << ran.err;
  }

  // Whether `instance`'s slot was last held by one of this test's
  // processes (a slot another test took since is that test's to judge).
  bool Ours(uint32_t instance) const {
    const std::optional<pid_t> holder = workloads::InstanceHolderPid(instance);
    return holder.has_value() && owner_pids_.count(*holder) > 0;
  }

  // What ipclab left: /dev/shm names and tagged SysV segments carrying the
  // mark of an instance this test ran (alive or dead), anything ipclab's in
  // the scratch directory.
  std::vector<std::string> Leftovers() const {
    std::vector<std::string> found;
    for (const std::string& name : IpclabShmEntries()) {
      const std::optional<uint32_t> instance = workloads::InstanceOfName(name);
      if (instance && Ours(*instance)) found.push_back("/dev/shm/" + name);
    }
    for (const auto& [id, owner] : TaggedSegments()) {
      if (sysv_before_.count(id) == 0 && owner != workloads::kNoInstance && Ours(owner)) {
        found.push_back(absl::StrCat("SysV segment ", id, " of instance ", owner));
      }
    }
    if (DIR* dir = opendir(scratch_.path().c_str())) {
      while (const dirent* entry = readdir(dir)) {
        if (absl::StartsWith(entry->d_name, "ipclab-")) {
          found.push_back(scratch_.path() + "/" + entry->d_name);
        }
      }
      closedir(dir);
    }
    return found;
  }

  void ExpectNothingLeft() {
    // Cleanup after a disconnect or a kill is the server's, a moment later.
    WaitFor([&] { return Leftovers().empty(); }, kPatience);
    EXPECT_THAT(Leftovers(), IsEmpty());
    // Another test may hold reserved pages for a while: wait for the pool.
    EXPECT_TRUE(WaitFor([&] { return HugePagesInUse() <= huge_pages_before_; }, kPatience))
        << "huge pages in use: " << HugePagesInUse() << ", before: " << huge_pages_before_;
  }

  // After a kill -9: `object` of dead `instance` is still there. The test
  // holds the dead slot's lock while it looks, so no other ipclab starting
  // meanwhile sweeps it; if one took the slot or swept it first (the lock
  // file says so), the test is skipped.
  void ExpectLeftBehind(uint32_t instance, const std::string& object) {
    std::optional<workloads::InstanceLock> held = workloads::InstanceLock::TryLockDead(instance);
    if (!held.has_value()) GTEST_SKIP() << "another ipclab took slot " << instance << " first";
    if (ObjectExists(object)) return;
    // Another ipclab starting meanwhile (tests run in parallel) may have taken
    // the dead slot for a moment and swept it: it says so in the lock file.
    if (const std::optional<pid_t> sweeper = workloads::InstanceSweptBy(instance)) {
      GTEST_SKIP() << "another ipclab (pid " << *sweeper << ") swept slot " << instance
                   << " before the test looked";
    }
    FAIL() << "the test struck too late: " << object << " is gone, and no other ipclab swept it";
  }

  // Waits until `pid` has a child (the worker); 0 if none came.
  static pid_t AwaitChild(pid_t pid) {
    pid_t child = 0;
    WaitFor(
        [&] {
          std::vector<pid_t> children = ChildPidsOf(pid);
          child = children.empty() ? 0 : children.front();
          return child != 0;
        },
        kPatience);
    return child;
  }

  TempDir scratch_;                  // TMPDIR and --scratch-disk
  Daemon* daemon_ = nullptr;         // StartRunUntilItsObject's
  std::unique_ptr<Subprocess> run_;  // on daemon_
  std::string object_;               // what run_ created
  std::vector<std::string> environment_;
  std::vector<std::unique_ptr<Daemon>> daemons_;
  std::set<pid_t> owner_pids_;  // this test's ipclabd's and embedded CLIs
  std::set<int> sysv_before_;
  long huge_pages_before_ = 0;
};

class FaultPerObjectTest : public FaultIntegrationTest,
                           public ::testing::WithParamInterface<Target> {};

// The server removes what its killed worker's run created, by mark.
TEST_P(FaultPerObjectTest, KilledWorkerLeavesNothingAndTheServerServes) {
  StartRunUntilItsObject(GetParam());
  ASSERT_FALSE(object_.empty()) << "no " << GetParam().workload << " object appeared";
  const pid_t worker = AwaitChild(daemon_->pid());
  ASSERT_GT(worker, 0);
  ASSERT_EQ(kill(worker, SIGKILL), 0);
  ProcessResult failed = run_->Wait(kPatience);
  EXPECT_EQ(failed.exit_code, 4) << failed.err;
  EXPECT_THAT(failed.err, HasSubstr("killed by signal 9"));
  // Removed before the run's result went out; a segment goes with its last
  // detach, when the killed roles are gone.
  EXPECT_TRUE(WaitFor([&] { return !ObjectExists(object_); }, kPatience))
      << object_ << " outlived its killed worker";
  ExpectServes(daemon_->address());
}

// kill -9 of ipclabd in setup leaves the ring behind (its workers die with
// it); the restarted ipclabd removes it before serving.
TEST_P(FaultPerObjectTest, IpclabdKilledDuringSetupIsCleanedUpByItsRestart) {
  StartRunUntilItsObject(GetParam());
  ASSERT_FALSE(object_.empty()) << "no " << GetParam().workload << " object appeared";
  const pid_t worker = AwaitChild(daemon_->pid());
  daemon_->process()->Signal(SIGKILL);
  EXPECT_EQ(daemon_->process()->Wait(kPatience).exit_code, 128 + SIGKILL);
  EXPECT_EQ(run_->Wait(kPatience).exit_code, 4);
  EXPECT_TRUE(WaitFor([&] { return worker == 0 || ProcessGone(worker); }, kPatience));
  ExpectLeftBehind(*daemon_->instance(), object_);
  if (IsSkipped() || HasFatalFailure()) return;

  Daemon* restarted = StartDaemon();
  EXPECT_FALSE(ObjectExists(object_)) << object_ << " survived the restart";
  // Any ipclab starting meanwhile (other tests) may have swept it first.
  RecordProperty("restart_said", restarted->startup());
  ExpectServes(restarted->address());
}

// The same with the embedded server of `ipclab run` (no --server): the next
// CLI removes what the killed one left.
TEST_P(FaultPerObjectTest, EmbeddedCliKilledDuringSetupIsCleanedUpByTheNextCli) {
  ObjectWatch watch(GetParam().kind, scratch_.path());
  Subprocess run(RunArgv(GetParam(), ""), environment_);
  owner_pids_.insert(run.pid());
  std::optional<uint32_t> instance;
  ASSERT_TRUE(
      WaitFor([&] { return (instance = InstanceOfPid(run.pid())).has_value(); }, kPatience));
  const std::string object = watch.Await(*instance, kPatience);
  ASSERT_FALSE(object.empty()) << "no " << GetParam().workload << " object appeared";
  const pid_t worker = AwaitChild(run.pid());
  run.Signal(SIGKILL);
  run.Wait(kPatience);
  EXPECT_TRUE(WaitFor([&] { return worker == 0 || ProcessGone(worker); }, kPatience));
  ExpectLeftBehind(*instance, object);
  if (IsSkipped() || HasFatalFailure()) return;

  ProcessResult next = RunProcess(IpclabArgv({"list"}), environment_, kPatience);
  EXPECT_EQ(next.exit_code, 0) << next.err;
  EXPECT_FALSE(ObjectExists(object)) << object << " survived the next CLI";
  RecordProperty("next_cli_said", next.err);
}

INSTANTIATE_TEST_SUITE_P(Rings, FaultPerObjectTest,
                         ::testing::Values(kShmPosix, kShmSysv, kMmapFile), TargetName);

// A hugetlb SysV ring left by a killed ipclabd holds pages of the huge page
// pool; its restart gives them back. The test reserves the pages (and gives
// them back; needs root, else it is skipped).
TEST_F(FaultIntegrationTest, HugePagesOfAKilledIpclabdGoBackToThePoolOnRestart) {
  absl::StatusOr<workloads::HugePageReservation> reserved =
      workloads::HugePageReservation::Ensure(workloads::kHugePage2MiB, 16);
  if (!reserved.ok()) GTEST_SKIP() << "no 2 MiB huge pages to use: " << reserved.status();
  const long in_use_before = HugePagesInUse();
  const Target hugetlb = {"shm_sysv",
                          Kind::kSysvSegment,
                          {"-p", "ring_bytes=16MiB", "-p", "huge_pages=hugetlb", "-p",
                           "populate=true", "-p", "total_bytes=16MiB"}};
  StartRunUntilItsObject(hugetlb);
  ASSERT_FALSE(object_.empty()) << "no hugetlb segment appeared";
  const pid_t worker = AwaitChild(daemon_->pid());
  daemon_->process()->Signal(SIGKILL);
  daemon_->process()->Wait(kPatience);
  run_->Wait(kPatience);
  EXPECT_TRUE(WaitFor([&] { return worker == 0 || ProcessGone(worker); }, kPatience));
  ExpectLeftBehind(*daemon_->instance(), object_);
  if (IsSkipped() || HasFatalFailure()) return;
  const long in_use_left = HugePagesInUse();
  EXPECT_GE(in_use_left, in_use_before + 8) << "the 16 MiB segment holds 8 pages";
  RecordProperty("huge_pages_in_use", absl::StrCat(in_use_before, " -> ", in_use_left));

  Daemon* restarted = StartDaemon();
  EXPECT_FALSE(ObjectExists(object_)) << object_ << " survived the restart";
  EXPECT_TRUE(WaitFor([&] { return HugePagesInUse() <= in_use_before; }, kPatience))
      << "huge pages in use: " << HugePagesInUse() << ", before the run: " << in_use_before;
  ExpectServes(restarted->address());
}

// A live instance's objects are never another instance's to remove: a run
// frozen in setup (SIGSTOP) keeps its ring while a new ipclabd and a new
// CLI start, and finishes normally once thawed.
TEST_F(FaultIntegrationTest, LiveInstanceIsNeverSweptByAnother) {
  ObjectWatch shm(Kind::kShmName, scratch_.path());
  Subprocess run(RunArgv(kShmPosix, ""), environment_);
  owner_pids_.insert(run.pid());
  std::optional<uint32_t> instance;
  ASSERT_TRUE(
      WaitFor([&] { return (instance = InstanceOfPid(run.pid())).has_value(); }, kPatience));
  const std::string object = shm.Await(*instance, kPatience);
  ASSERT_FALSE(object.empty());
  const pid_t worker = AwaitChild(run.pid());
  ASSERT_GT(worker, 0);
  ASSERT_EQ(kill(-worker, SIGSTOP), 0);  // the worker's group: it and its roles

  Daemon* other = StartDaemon();
  EXPECT_NE(other->instance(), instance);
  ProcessResult list = RunProcess(IpclabArgv({"list"}), environment_, kPatience);
  EXPECT_EQ(list.exit_code, 0) << list.err;
  EXPECT_TRUE(ObjectExists(object)) << "another instance removed the live " << object;

  ASSERT_EQ(kill(-worker, SIGCONT), 0);
  ProcessResult finished = run.Wait(std::chrono::seconds(120));
  EXPECT_EQ(finished.exit_code, 0) << finished.err;
  ExpectServes(other->address());
}

// kill -9 of a role mid-run: the case fails saying so, the server carries on.
TEST_F(FaultIntegrationTest, KilledRoleFailsTheCaseAndTheServerServes) {
  Daemon* daemon = StartDaemon();
  Subprocess run(IpclabArgv({"run", "shm_posix", "-p", "total_bytes=8GiB", "-p", "ring_bytes=1MiB",
                             "--repetitions", "1", "--warmup", "0", "--no-store", "--quiet",
                             "--server", daemon->address()}),
                 environment_);
  const pid_t worker = AwaitChild(daemon->pid());
  ASSERT_GT(worker, 0);
  pid_t role = 0;
  ASSERT_TRUE(WaitFor([&] {
    std::vector<pid_t> roles = ChildPidsOf(worker);
    role = roles.size() >= 2 ? roles.back() : 0;
    return role != 0;
  }));
  ASSERT_EQ(kill(role, SIGKILL), 0);
  ProcessResult failed = run.Wait(kPatience);
  EXPECT_EQ(failed.exit_code, 4) << failed.err;
  EXPECT_THAT(failed.err, HasSubstr("killed by signal 9"));
  EXPECT_TRUE(WaitFor([&] { return ProcessGone(worker); }, kPatience));
  ExpectServes(daemon->address());
}

// A client killed mid-setup: the server cancels the run, kills the worker
// and removes its ring.
TEST_F(FaultIntegrationTest, ClientKilledMidRunCancelsItAndTheServerCleansUp) {
  StartRunUntilItsObject(kShmPosix);
  ASSERT_FALSE(object_.empty());
  const pid_t worker = AwaitChild(daemon_->pid());
  run_->Signal(SIGKILL);
  run_->Wait(kPatience);
  EXPECT_TRUE(WaitFor([&] { return worker == 0 || ProcessGone(worker); }, kPatience))
      << "the worker of a disconnected client still runs";
  EXPECT_TRUE(WaitFor([&] { return !ObjectExists(object_); }, kPatience)) << object_;
  ExpectServes(daemon_->address());
}

// SIGTERM during setup: ipclabd ends the run, kills the worker, removes its
// ring and exits 0; a new ipclabd then serves.
TEST_F(FaultIntegrationTest, SigtermDuringSetupStopsCleanly) {
  StartRunUntilItsObject(kShmSysv);
  ASSERT_FALSE(object_.empty());
  daemon_->process()->Signal(SIGTERM);
  EXPECT_EQ(daemon_->process()->Wait(kPatience).exit_code, 0);
  ProcessResult ended = run_->Wait(kPatience);
  EXPECT_NE(ended.exit_code, 0);
  EXPECT_TRUE(WaitFor([&] { return !ObjectExists(object_); }, kPatience))
      << object_ << " outlived a SIGTERM'd ipclabd";
  ExpectServes(StartDaemon()->address());
}

// SIGHUP mid-run reloads and keeps serving: the run finishes normally.
TEST_F(FaultIntegrationTest, SighupMidRunKeepsTheRunAndTheServer) {
  StartRunUntilItsObject(kShmPosix);
  ASSERT_FALSE(object_.empty());
  daemon_->process()->Signal(SIGHUP);
  ProcessResult finished = run_->Wait(std::chrono::seconds(120));
  EXPECT_EQ(finished.exit_code, 0) << finished.err;
  EXPECT_FALSE(ProcessGone(daemon_->pid())) << "SIGHUP stopped ipclabd";
  ExpectServes(daemon_->address());
}

}  // namespace
}  // namespace ipclab::testing
