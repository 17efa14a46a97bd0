#include "base/errno_status.h"

#include <cerrno>

#include "gtest/gtest.h"

namespace ipclab::base {
namespace {

TEST(ErrnoStatus, NamesTheCallAndMapsTheCode) {
  EXPECT_EQ(ErrnoStatus("shm_open(\"/x\")", EACCES).ToString(),
            "PERMISSION_DENIED: shm_open(\"/x\"): Permission denied");
  EXPECT_EQ(ErrnoStatus("mmap", ENOMEM).code(), absl::StatusCode::kResourceExhausted);
  EXPECT_EQ(ErrnoStatus("open", ENOENT).code(), absl::StatusCode::kNotFound);
}

TEST(ErrnoStatus, AKnownErrnoSaysItsCauseUnderItsCode) {
  const KnownErrno old_kernel = {EINVAL, absl::StatusCode::kFailedPrecondition,
                                 "needs Linux 5.14 or later"};
  EXPECT_EQ(ErrnoStatus("madvise(ring, MADV_POPULATE_WRITE)", EINVAL, old_kernel).ToString(),
            "FAILED_PRECONDITION: madvise(ring, MADV_POPULATE_WRITE): Invalid argument: needs "
            "Linux 5.14 or later");
  // Any other errno is as ErrnoStatus has it.
  EXPECT_EQ(ErrnoStatus("madvise(ring, MADV_POPULATE_WRITE)", ENOMEM, old_kernel),
            ErrnoStatus("madvise(ring, MADV_POPULATE_WRITE)", ENOMEM));
}

TEST(ErrnoMessage, NamesTheCall) {
  EXPECT_EQ(ErrnoMessage("read(\"x.db\")", EISDIR), "read(\"x.db\"): Is a directory");
}

}  // namespace
}  // namespace ipclab::base
