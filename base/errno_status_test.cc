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

TEST(ErrnoMessage, NamesTheCall) {
  EXPECT_EQ(ErrnoMessage("read(\"x.db\")", EISDIR), "read(\"x.db\"): Is a directory");
}

}  // namespace
}  // namespace ipclab::base
