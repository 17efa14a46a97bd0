#include "workloads/sys/sysv_segment.h"

#include <sys/ipc.h>
#include <sys/shm.h>

#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <fstream>
#include <sstream>
#include <string>

#include "absl/strings/str_cat.h"
#include "base/errno_status.h"

namespace ipclab::sys {
namespace {

// Segments ipclab creates carry a key with this tag in bits 20..30 (an owner
// mark), so leftovers are judged by mark and creator together, never by the
// creator pid alone (after pid reuse that could be another program's).
constexpr long long kKeyTag = 0x1CA;
constexpr int kKeyTagShift = 20;
constexpr int kKeyAttempts = 64;

bool IsIpclabKey(long long key) { return key > 0 && (key >> kKeyTagShift) == kKeyTag; }

key_t MarkedKey(unsigned serial) {
  const unsigned low =
      (static_cast<unsigned>(::getpid()) * 64u + serial) & ((1u << kKeyTagShift) - 1);
  return static_cast<key_t>((kKeyTag << kKeyTagShift) | low);
}

// Calls `visit(id)` for every ipclab-marked segment in /proc/sysvipc/shm
// whose creator is `creator_pid`. Columns: key shmid perms size cpid lpid ...
// With `marked_only` false, unmarked segments count too (the kernel resets
// the key of a segment marked for removal to IPC_PRIVATE while attached).
template <typename Visit>
absl::Status ForEachSegmentCreatedBy(pid_t creator_pid, bool marked_only, Visit visit) {
  std::ifstream table("/proc/sysvipc/shm");
  if (!table) return base::ErrnoStatus("open(/proc/sysvipc/shm)", errno);
  std::string line;
  std::getline(table, line);  // header
  while (std::getline(table, line)) {
    std::istringstream fields(line);
    long long key = 0, id = 0, perms = 0, size = 0, cpid = 0;
    if (fields >> key >> id >> perms >> size >> cpid && cpid == creator_pid &&
        (!marked_only || IsIpclabKey(key))) {
      visit(static_cast<int>(id));
    }
  }
  return absl::OkStatus();
}

}  // namespace

SysvSegment& SysvSegment::operator=(SysvSegment&& other) noexcept {
  if (this != &other) {
    (void)MarkForRemoval();
    id_ = std::exchange(other.id_, -1);
    size_ = other.size_;
  }
  return *this;
}

absl::StatusOr<SysvSegment> SysvSegment::Create(size_t size, int extra_flags) {
  static std::atomic<unsigned> serial{0};
  int id = -1;
  int error = EEXIST;
  // A marked key another segment holds (EEXIST): try the next one.
  for (int attempt = 0; attempt < kKeyAttempts && error == EEXIST; ++attempt) {
    id = ::shmget(MarkedKey(serial.fetch_add(1)), size, IPC_CREAT | IPC_EXCL | 0600 | extra_flags);
    if (id >= 0) return SysvSegment(id, size);
    error = errno;
  }
  const bool hugetlb = (extra_flags & SHM_HUGETLB) != 0;
  const std::string call =
      absl::StrCat("shmget(<ipclab key>, ", size, hugetlb ? ", SHM_HUGETLB)" : ")");
  if (hugetlb && error == EPERM) {
    return absl::PermissionDeniedError(absl::StrCat(
        call,
        ": Operation not permitted (SHM_HUGETLB needs CAP_IPC_LOCK or membership of the "
        "group in /proc/sys/vm/hugetlb_shm_group)"));
  }
  if (error == EINVAL || error == ENOSPC) {
    return absl::ResourceExhaustedError(
        absl::StrCat(call, ": ", error == EINVAL ? "Invalid argument" : "No space left on device",
                     " (over the System V limits kernel.shmmax / kernel.shmall / kernel.shmmni?)"));
  }
  return base::ErrnoStatus(call, error);
}

absl::Status SysvSegment::MarkForRemoval() {
  if (id_ < 0) return absl::OkStatus();
  const int id = std::exchange(id_, -1);
  if (::shmctl(id, IPC_RMID, nullptr) != 0) {
    return base::ErrnoStatus(absl::StrCat("shmctl(", id, ", IPC_RMID)"), errno);
  }
  return absl::OkStatus();
}

SysvAttachment& SysvAttachment::operator=(SysvAttachment&& other) noexcept {
  if (this != &other) {
    Reset();
    data_ = std::exchange(other.data_, nullptr);
    size_ = std::exchange(other.size_, 0);
  }
  return *this;
}

absl::StatusOr<SysvAttachment> SysvAttachment::Attach(int id, size_t size) {
  void* data = ::shmat(id, nullptr, 0);
  if (data == reinterpret_cast<void*>(-1)) {
    return base::ErrnoStatus(absl::StrCat("shmat(", id, ")"), errno);
  }
  return SysvAttachment(static_cast<char*>(data), size);
}

void SysvAttachment::Reset() {
  if (data_ != nullptr) ::shmdt(data_);
  data_ = nullptr;
  size_ = 0;
}

absl::StatusOr<int> CountSysvSegmentsCreatedBy(pid_t creator_pid) {
  int count = 0;
  absl::Status status =
      ForEachSegmentCreatedBy(creator_pid, /*marked_only=*/false, [&](int) { ++count; });
  if (!status.ok()) return status;
  return count;
}

int RemoveLeftoverSysvSegments(pid_t creator_pid) {
  int removed = 0;
  (void)ForEachSegmentCreatedBy(creator_pid, /*marked_only=*/true, [&](int id) {
    if (::shmctl(id, IPC_RMID, nullptr) == 0) ++removed;
  });
  return removed;
}

}  // namespace ipclab::sys
