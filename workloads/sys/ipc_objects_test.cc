// The System V segment and scratch file owners, and the mount lookup.
#include <sys/shm.h>
#include <unistd.h>

#include <string>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "workloads/sys/filesystem.h"
#include "workloads/sys/sysv_segment.h"

namespace ipclab::sys {
namespace {

int Segments() { return CountSysvSegmentsCreatedBy(::getpid()).value(); }

TEST(SysvSegment, DestructorRemovesASegmentNobodyMarked) {
  const int before = Segments();
  {
    auto segment = SysvSegment::Create(1 << 20, 0);
    ASSERT_TRUE(segment.ok()) << segment.status();
    EXPECT_EQ(Segments(), before + 1);
  }
  EXPECT_EQ(Segments(), before);
}

TEST(SysvSegment, MarkedSegmentLivesUntilTheLastDetach) {
  const int before = Segments();
  SysvSegment segment = SysvSegment::Create(8192, 0).value();
  SysvAttachment attachment = SysvAttachment::Attach(segment.id(), 8192).value();
  ASSERT_TRUE(segment.MarkForRemoval().ok());
  EXPECT_EQ(segment.id(), -1);
  EXPECT_TRUE(segment.MarkForRemoval().ok()) << "a second call does nothing";
  attachment.data()[8191] = 42;  // still usable
  EXPECT_EQ(attachment.data()[8191], 42);
  EXPECT_EQ(Segments(), before + 1) << "listed while attached (key IPC_PRIVATE, dest)";
  attachment.Reset();
  EXPECT_EQ(Segments(), before) << "gone with the last detach: nothing left in ipcs -m";
}

TEST(SysvSegment, AttachOfAMissingSegmentNamesTheCall) {
  const absl::Status status = SysvAttachment::Attach(-5, 4096).status();
  EXPECT_EQ(status.message(), "shmat(-5): Invalid argument");
}

TEST(SysvSegment, RemoveLeftoversTakesOnlyMarkedSegmentsOfTheCreator) {
  const int before = Segments();
  // A marked segment "leaked" on purpose: its owner never runs the destructor.
  auto* leaked = new SysvSegment(SysvSegment::Create(4096, 0).value());
  const int leaked_id = leaked->id();
  // Same creator pid, no ipclab mark: after pid reuse this could be another
  // program's segment, so it must stay.
  const int foreign = ::shmget(IPC_PRIVATE, 4096, IPC_CREAT | 0600);
  ASSERT_GE(foreign, 0);
  EXPECT_EQ(Segments(), before + 2);
  EXPECT_EQ(RemoveLeftoverSysvSegments(::getpid()), 1);
  EXPECT_EQ(Segments(), before + 1);
  shmid_ds stat{};
  EXPECT_NE(::shmctl(leaked_id, IPC_STAT, &stat), 0) << "the marked leftover is gone";
  EXPECT_EQ(::shmctl(foreign, IPC_RMID, nullptr), 0) << "the unmarked segment was left alone";
  delete leaked;  // its IPC_RMID now fails quietly
}

TEST(Filesystem, FindsTheMountOfADirectory) {
  const FilesystemInfo shm = FilesystemOf("/dev/shm").value();
  EXPECT_EQ(shm.type, "tmpfs");
  EXPECT_EQ(shm.mount_point, "/dev/shm");
  EXPECT_TRUE(shm.in_memory());
  const FilesystemInfo root = FilesystemOf("/").value();
  EXPECT_EQ(root.mount_point, "/");
  EXPECT_EQ(FilesystemOf("/no/such/dir").status().code(), absl::StatusCode::kNotFound);
  FilesystemInfo options;
  options.super_options = "rw,size=100k,huge=advise,nr_inodes=5";
  EXPECT_EQ(options.Option("huge"), "advise");
  EXPECT_EQ(options.Option("size"), "100k");
  EXPECT_EQ(options.Option("mode"), "");
}

TEST(ScratchFile, UnlinksOnlyWhatItCreatedAndOnlyOnce) {
  const std::string path = absl::StrCat("/dev/shm/ipclab-systest-", ::getpid(), "-file");
  {
    ScratchFile file = ScratchFile::Create(path, 12345).value();
    EXPECT_EQ(::access(path.c_str(), F_OK), 0);
    EXPECT_EQ(ScratchFile::Create(path, 1).status().code(), absl::StatusCode::kAlreadyExists);
    EXPECT_EQ(::access(path.c_str(), F_OK), 0) << "the failed create must not remove it";
    base::Fd opened = ScratchFile::Open(path).value();
    EXPECT_EQ(::lseek(opened.get(), 0, SEEK_END), 12345);
    ASSERT_TRUE(file.Unlink().ok());
    EXPECT_NE(::access(path.c_str(), F_OK), 0);
    EXPECT_TRUE(file.Unlink().ok()) << "unlinking twice does nothing";
  }
  { ScratchFile file = ScratchFile::Create(path, 1).value(); }
  EXPECT_NE(::access(path.c_str(), F_OK), 0) << "the destructor unlinks";
}

}  // namespace
}  // namespace ipclab::sys
