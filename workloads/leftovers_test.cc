// Owner marks, instance locks and the sweep, with real processes, real
// /dev/shm names, real SysV segments and real files. A "dead instance" is a
// forked child that took a slot, created marked objects and exited without
// cleaning up (as after kill -9).
#include "workloads/leftovers.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/shm.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "base/status_macros.h"
#include "gtest/gtest.h"
#include "workloads/instance_lock.h"
#include "workloads/owner_mark.h"
#include "workloads/sys/sysv_segment.h"

namespace ipclab::workloads {
namespace {

bool Exists(const std::string& path) { return ::access(path.c_str(), F_OK) == 0; }

bool SegmentExists(int id) {
  shmid_ds stat{};
  return ::shmctl(id, IPC_STAT, &stat) == 0;
}

// A fresh directory, removed with its (flat) contents at the end.
class ScratchDir final {
 public:
  ScratchDir() {
    char path[] = "/tmp/ipclab-leftovers-test-XXXXXX";
    if (::mkdtemp(path) != nullptr) path_ = path;
  }
  ~ScratchDir() {
    if (DIR* dir = ::opendir(path_.c_str())) {
      while (const dirent* entry = ::readdir(dir)) {
        if (entry->d_name[0] != '.') ::unlink((path_ + "/" + entry->d_name).c_str());
      }
      ::closedir(dir);
    }
    ::rmdir(path_.c_str());
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// The /dev/shm name and the scratch file in `dir` that CreateMarkedNames
// makes for `mark` (a name under an instance's mark carries no pid).
std::string MarkedShmPath(const OwnerMark& mark) {
  return absl::StrCat("/dev/shm/", OwnerNamePrefix(mark, 0), "0");
}
std::string MarkedFilePath(const std::string& dir, const OwnerMark& mark) {
  return absl::StrCat(dir, "/", OwnerNamePrefix(mark, 0), "file0");
}

// Creates a 64 KiB /dev/shm name and a file in `dir` for `mark` (an
// instance's), touched so they hold memory; returns false on failure.
bool CreateMarkedNames(const OwnerMark& mark, const std::string& dir) {
  for (const std::string& path : {MarkedShmPath(mark), MarkedFilePath(dir, mark)}) {
    const int fd = ::open(path.c_str(), O_CREAT | O_RDWR | O_CLOEXEC, 0600);
    if (fd < 0) return false;
    const std::string bytes(65536, 'x');
    const bool written = ::write(fd, bytes.data(), bytes.size()) == 65536;
    ::close(fd);
    if (!written) return false;
  }
  return true;
}

TEST(OwnerMark, NamesCarryTheInstanceAndTheRun) {
  const OwnerMark mark = OwnerMark::For(3, "5f2a-9c0e/..x");
  EXPECT_TRUE(mark.owned());
  EXPECT_EQ(OwnerNamePrefix(mark, 42), "ipclab-i3-5f2a9c0ex-");
  EXPECT_EQ(OwnerNamePrefix(OwnerMark(), 42), "ipclab-42-");
  EXPECT_EQ(OwnerNamePrefix(OwnerMark::For(7, "0123456789abcdef0123"), 1),
            "ipclab-i7-0123456789abcdef-");
  EXPECT_FALSE(OwnerMark::For(kNoInstance, "abc").owned());
  EXPECT_FALSE(OwnerMark::For(1, "--").owned());

  EXPECT_EQ(InstanceOfName("ipclab-i3-5f2a-0"), 3u);
  EXPECT_EQ(InstanceOfName("ipclab-i4094-x-file0"), 4094u);
  for (const char* foreign : {"ipclab-42-0", "ipclab-i-x", "ipclab-i03-x", "ipclab-i4095-x",
                              "ipclab-i3", "ipclab-i99999-x", "other-i3-x", "ipclab-i+3-x"}) {
    EXPECT_FALSE(InstanceOfName(foreign).has_value()) << foreign;
  }

  v1::WorkerRequest request;
  EXPECT_FALSE(OwnerMark::FromProto(request).owned());
  *request.mutable_owner() = mark.ToProto();
  EXPECT_EQ(OwnerNamePrefix(OwnerMark::FromProto(request), 1), "ipclab-i3-5f2a9c0ex-");
  request.mutable_owner()->set_run("../evil");  // not a mark the server made
  EXPECT_FALSE(OwnerMark::FromProto(request).owned());
}

TEST(InstanceLock, TakesTheLowestFreeSlotAndTheKernelFreesItWhenTheHolderDies) {
  ScratchDir locks;
  absl::StatusOr<InstanceLock> first = InstanceLock::Acquire({"/first"}, locks.path());
  ASSERT_TRUE(first.ok()) << first.status();
  absl::StatusOr<InstanceLock> second = InstanceLock::Acquire({}, locks.path());
  ASSERT_TRUE(second.ok()) << second.status();
  EXPECT_EQ(first->instance(), 0u);
  EXPECT_EQ(second->instance(), 1u);

  int ready[2];
  ASSERT_EQ(::pipe(ready), 0);
  const pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    absl::StatusOr<InstanceLock> mine = InstanceLock::Acquire({"/child/scratch"}, locks.path());
    const char slot = mine.ok() ? static_cast<char>(mine->instance()) : 'E';
    (void)::write(ready[1], &slot, 1);
    ::_exit(0);  // no destructor: as if killed
  }
  char slot = 0;
  ASSERT_EQ(::read(ready[0], &slot, 1), 1);
  ::close(ready[0]);
  ::close(ready[1]);
  int status = 0;
  ASSERT_EQ(::waitpid(child, &status, 0), child);
  EXPECT_EQ(slot, 2);

  EXPECT_TRUE(InstanceAlive(0, locks.path()));  // held by `first` (another open file)
  EXPECT_FALSE(InstanceAlive(2, locks.path()));
  EXPECT_FALSE(InstanceAlive(3, locks.path()));  // never existed: nobody's
  EXPECT_FALSE(InstanceLock::TryLockDead(0, locks.path()).has_value());
  EXPECT_FALSE(InstanceLock::TryLockDead(3, locks.path()).has_value());

  // Whoever sweeps the dead slot says so in its lock file, until the slot is
  // taken again.
  EXPECT_EQ(InstanceSweptBy(2, locks.path()), std::nullopt);
  {
    std::optional<InstanceLock> sweeper = InstanceLock::TryLockDead(2, locks.path());
    ASSERT_TRUE(sweeper.has_value());
    sweeper->NoteSwept();
  }
  EXPECT_EQ(InstanceSweptBy(2, locks.path()), std::optional<pid_t>(::getpid()));

  absl::StatusOr<InstanceLock> reused = InstanceLock::Acquire({}, locks.path());
  ASSERT_TRUE(reused.ok()) << reused.status();
  EXPECT_EQ(reused->instance(), 2u);
  EXPECT_EQ(reused->previous_scratch_dirs(), std::vector<std::string>{"/child/scratch"});
  EXPECT_EQ(InstanceSweptBy(2, locks.path()), std::nullopt);
}

TEST(Leftovers, RunLeftoversAreExactlyThatRunsAndThatWorkersOwn) {
  ScratchDir scratch;
  absl::StatusOr<InstanceLock> own = InstanceLock::Acquire({scratch.path()});
  ASSERT_TRUE(own.ok()) << own.status();
  const OwnerMark mine = OwnerMark::For(own->instance(), absl::StrCat("run", ::getpid(), "a"));
  const OwnerMark other = OwnerMark::For(own->instance(), absl::StrCat("run", ::getpid(), "b"));
  ASSERT_TRUE(CreateMarkedNames(mine, scratch.path()));
  ASSERT_TRUE(CreateMarkedNames(other, scratch.path()));
  auto* segment = new sys::SysvSegment(sys::SysvSegment::Create(4096, 0, own->instance()).value());
  const int segment_id = segment->id();

  const SweepReport removed = RemoveRunLeftovers(mine, ::getpid(), {scratch.path(), "/dev/shm"});
  EXPECT_EQ(removed.shm_names, 1);
  EXPECT_EQ(removed.scratch_files, 1);
  EXPECT_EQ(removed.sysv_segments, 1);
  EXPECT_GE(removed.bytes, 2u * 65536);
  EXPECT_FALSE(Exists(MarkedShmPath(mine)));
  EXPECT_FALSE(SegmentExists(segment_id));
  // The other run's names stay.
  const std::string other_shm = MarkedShmPath(other);
  EXPECT_TRUE(Exists(other_shm));
  EXPECT_TRUE(Exists(MarkedFilePath(scratch.path(), other)));
  ::unlink(other_shm.c_str());
  delete segment;  // its IPC_RMID now fails quietly
}

// A "dead instance": a forked child that takes a slot, creates a marked
// /dev/shm name, scratch file and SysV segment, and exits without cleaning
// up (as after kill -9). Its slot, or -1.
struct DeadInstance {
  int instance = -1;
  int segment_id = -1;
  OwnerMark mark;
};

DeadInstance MakeDeadInstance(const std::string& scratch, const std::string& run) {
  int report[2];
  DeadInstance dead;
  if (::pipe(report) != 0) return dead;
  const pid_t child = ::fork();
  if (child < 0) return dead;
  if (child == 0) {
    int message[2] = {-1, -1};  // instance, segment id
    absl::StatusOr<InstanceLock> lock = InstanceLock::Acquire({scratch});
    if (lock.ok()) (void)SweepDeadInstances(*lock, {scratch});  // as every instance starts
    if (lock.ok() && CreateMarkedNames(OwnerMark::For(lock->instance(), run), scratch)) {
      absl::StatusOr<sys::SysvSegment> segment =
          sys::SysvSegment::Create(4096, 0, lock->instance());
      if (segment.ok()) {
        message[0] = static_cast<int>(lock->instance());
        message[1] = segment->id();
        (void)new sys::SysvSegment(*std::move(segment));  // leaked, as by kill -9
      }
    }
    (void)::write(report[1], message, sizeof(message));
    ::_exit(0);
  }
  int message[2] = {-1, -1};
  const bool got = ::read(report[0], message, sizeof(message)) == sizeof(message);
  ::close(report[0]);
  ::close(report[1]);
  int status = 0;
  ::waitpid(child, &status, 0);
  if (!got || message[0] < 0) return dead;
  dead.instance = message[0];
  dead.segment_id = message[1];
  dead.mark = OwnerMark::For(static_cast<uint32_t>(message[0]), run);
  return dead;
}

// This process as a live instance of `scratch`: its lock, and a /dev/shm
// name, a scratch file and a SysV segment under its mark.
struct LiveInstance {
  InstanceLock lock;
  OwnerMark mark;
  sys::SysvSegment segment;
};

absl::StatusOr<LiveInstance> MakeLiveInstance(const std::string& scratch) {
  IPCLAB_ASSIGN_OR_RETURN(InstanceLock lock, InstanceLock::Acquire({scratch}));
  const OwnerMark mark = OwnerMark::For(lock.instance(), absl::StrCat("live", ::getpid()));
  if (!CreateMarkedNames(mark, scratch)) return absl::InternalError("creating the live names");
  IPCLAB_ASSIGN_OR_RETURN(sys::SysvSegment segment,
                          sys::SysvSegment::Create(4096, 0, lock.instance()));
  return LiveInstance{std::move(lock), mark, std::move(segment)};
}

// Everything of `live` is still there; then removes its /dev/shm name (the
// scratch file and segment go with their owners).
void ExpectKeptThenRemove(const LiveInstance& live, const std::string& scratch) {
  EXPECT_TRUE(Exists(MarkedShmPath(live.mark)));
  EXPECT_TRUE(Exists(MarkedFilePath(scratch, live.mark)));
  EXPECT_TRUE(SegmentExists(live.segment.id()));
  ::unlink(MarkedShmPath(live.mark).c_str());
}

// Nothing of `dead` is left.
void ExpectGone(const DeadInstance& dead, const std::string& scratch) {
  EXPECT_FALSE(Exists(MarkedShmPath(dead.mark)));
  EXPECT_FALSE(Exists(MarkedFilePath(scratch, dead.mark)));
  EXPECT_FALSE(SegmentExists(dead.segment_id));
}

// A scratch directory, this process as a live instance of it, and a dead
// instance that left a name, a file and a segment behind.
class DeadAndLiveInstanceTest : public testing::Test {
 protected:
  void SetUp() override {
    absl::StatusOr<LiveInstance> live = MakeLiveInstance(scratch_.path());
    ASSERT_TRUE(live.ok()) << live.status();
    live_.emplace(*std::move(live));
    dead_ = MakeDeadInstance(scratch_.path(), "deadrun");
    ASSERT_GE(dead_.instance, 0);
  }
  // A skipped test leaves the live instance's /dev/shm name (its scratch
  // file and segment go with their owners).
  void TearDown() override {
    if (live_.has_value()) ::unlink(MarkedShmPath(live_->mark).c_str());
  }

  ScratchDir scratch_;
  std::optional<LiveInstance> live_;
  DeadInstance dead_;
};

// Removing a dead instance's objects takes exactly its names, files and
// segments, and nothing of a live instance. The test takes the dead slot's
// lock itself at once; an ipclab that started meanwhile and swept first
// (its note in the lock file says so) skips the test.
TEST_F(DeadAndLiveInstanceTest, ADeadInstancesObjectsGoAndALiveOnesStay) {
  std::optional<InstanceLock> held =
      InstanceLock::TryLockDead(static_cast<uint32_t>(dead_.instance));
  if (!held.has_value()) GTEST_SKIP() << "another ipclab took the dead slot first";
  EXPECT_FALSE(InstanceLock::TryLockDead(live_->lock.instance()).has_value()) << "judged alive";
  if (!Exists(MarkedShmPath(dead_.mark)) && InstanceSweptBy(held->instance()).has_value()) {
    GTEST_SKIP() << "another ipclab swept the dead slot before the test took it";
  }
  ASSERT_TRUE(Exists(MarkedShmPath(dead_.mark)));
  ASSERT_TRUE(Exists(MarkedFilePath(scratch_.path(), dead_.mark)));
  ASSERT_TRUE(SegmentExists(dead_.segment_id));

  const SweepReport removed = RemoveInstanceLeftovers(held->instance(), {scratch_.path()});
  EXPECT_EQ(removed.shm_names, 1);
  EXPECT_EQ(removed.scratch_files, 1);
  EXPECT_EQ(removed.sysv_segments, 1);
  EXPECT_GE(removed.bytes, 2u * 65536);
  EXPECT_EQ(removed.ToString(),
            absl::StrCat("1 /dev/shm name, 1 scratch file (", removed.bytes / 1024,
                         " KiB), 1 SysV segment of dead ipclab instance ", dead_.instance));
  ExpectGone(dead_, scratch_.path());

  ExpectKeptThenRemove(*live_, scratch_.path());
}

// The start-up sweep finds dead instances by their marks and takes what
// they left; a live one (this process's) keeps everything.
TEST_F(DeadAndLiveInstanceTest, StartSweepFindsDeadInstancesAndSparesLiveOnes) {
  absl::StatusOr<InstanceLock> next = InstanceLock::Acquire({scratch_.path()});
  ASSERT_TRUE(next.ok()) << next.status();
  (void)SweepDeadInstances(*next, {scratch_.path()});
  // Gone (this sweep or another ipclab's, which may start at any time).
  ExpectGone(dead_, scratch_.path());
  // Kept.
  ExpectKeptThenRemove(*live_, scratch_.path());
}

}  // namespace
}  // namespace ipclab::workloads
