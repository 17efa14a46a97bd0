#include "base/fd.h"

#include <fcntl.h>
#include <unistd.h>

#include <string>
#include <thread>

#include "gtest/gtest.h"

namespace ipclab::base {
namespace {

TEST(Fd, ClosesOnDestructionAndMoves) {
  int raw = -1;
  {
    auto pipe = MakePipe().value();
    raw = pipe.read_end.get();
    EXPECT_TRUE(::fcntl(raw, F_GETFD) & FD_CLOEXEC);
    Fd moved = std::move(pipe.read_end);
    EXPECT_FALSE(pipe.read_end.valid());
    EXPECT_EQ(moved.get(), raw);
  }
  EXPECT_EQ(::fcntl(raw, F_GETFD), -1);
}

TEST(Fd, ResetClosesTheOldFd) {
  auto pipe = MakePipe().value();
  const int old_fd = pipe.read_end.get();
  const int released = pipe.write_end.Release();
  pipe.read_end.Reset(released);
  EXPECT_EQ(::fcntl(old_fd, F_GETFD), -1);
  EXPECT_EQ(pipe.read_end.get(), released);
}

TEST(Fd, FullReadsAndWritesAcrossChunks) {
  auto pipe = MakePipe().value();
  ASSERT_TRUE(WriteFull(pipe.write_end.get(), "hello", 5).ok());
  pipe.write_end.Reset();
  char buffer[16] = {};
  EXPECT_EQ(ReadFull(pipe.read_end.get(), buffer, sizeof(buffer)).value(), 5u);
  EXPECT_STREQ(buffer, "hello");
}

TEST(Fd, WriteAllMovesMoreThanOnePipeBuffer) {
  auto pipe = MakePipe().value();
  const std::string bytes(1 << 20, 'x');  // far beyond the 64 KiB pipe buffer
  std::string read_back(bytes.size(), '\0');
  size_t got = 0;
  std::thread reader(
      [&] { got = ReadFull(pipe.read_end.get(), read_back.data(), read_back.size()).value(); });
  ASSERT_TRUE(WriteAll(pipe.write_end.get(), bytes).ok());
  reader.join();
  EXPECT_EQ(got, bytes.size());
  EXPECT_EQ(read_back, bytes);
}

TEST(Fd, ErrorsNameTheCallAndFd) {
  char byte = 0;
  const absl::Status status = WriteFull(-1, &byte, 1);
  EXPECT_EQ(status.code(), absl::StatusCode::kFailedPrecondition);  // EBADF
  EXPECT_EQ(status.message(), "write(fd -1): Bad file descriptor");
}

TEST(Fd, ErrorsNameTheFileWhenTold) {
  const Fd read_only(::open("/dev/null", O_RDONLY | O_CLOEXEC));
  ASSERT_TRUE(read_only.valid());
  char byte = 0;
  EXPECT_EQ(WriteFull(read_only.get(), &byte, 1, "/dev/null").message(),
            "write(\"/dev/null\"): Bad file descriptor");
  const Fd write_only(::open("/dev/null", O_WRONLY | O_CLOEXEC));
  ASSERT_TRUE(write_only.valid());
  EXPECT_EQ(ReadFull(write_only.get(), &byte, 1, "/dev/null").status().message(),
            "read(\"/dev/null\"): Bad file descriptor");
}

}  // namespace
}  // namespace ipclab::base
