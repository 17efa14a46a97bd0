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

// Segments ipclab creates carry a key with this tag in bits 20..30, the
// owner's instance in bits 8..19 and a serial in bits 0..7 (an owner mark),
// so leftovers are judged by mark, never by the creator pid alone (after pid
// reuse that could be another program's).
constexpr long long kKeyTag = 0x1CA;
constexpr int kKeyTagShift = 20;
constexpr int kOwnerShift = 8;
constexpr unsigned kSerialMask = (1u << kOwnerShift) - 1;
constexpr int kKeyAttempts = 256;

bool IsIpclabKey(long long key) { return key > 0 && (key >> kKeyTagShift) == kKeyTag; }

uint32_t OwnerOfKey(long long key) {
  return static_cast<uint32_t>((key >> kOwnerShift) & kSysvNoOwner);
}

key_t MarkedKey(uint32_t owner, unsigned serial) {
  return static_cast<key_t>((kKeyTag << kKeyTagShift) |
                            (static_cast<long long>(owner & kSysvNoOwner) << kOwnerShift) |
                            (serial & kSerialMask));
}

// One row of /proc/sysvipc/shm. Columns: key shmid perms size cpid lpid
// nattch uid gid cuid ...
struct SegmentRow {
  long long key = 0;
  int id = -1;
  pid_t cpid = 0;
  uid_t cuid = 0;
};

// Calls `visit(row)` for every segment in /proc/sysvipc/shm.
template <typename Visit>
absl::Status ForEachSegment(Visit visit) {
  std::ifstream table("/proc/sysvipc/shm");
  if (!table) return base::ErrnoStatus("open(/proc/sysvipc/shm)", errno);
  std::string line;
  std::getline(table, line);  // header
  while (std::getline(table, line)) {
    std::istringstream fields(line);
    long long key = 0, id = 0, perms = 0, size = 0, cpid = 0, lpid = 0, nattch = 0, uid = 0,
              gid = 0, cuid = 0;
    if (fields >> key >> id >> perms >> size >> cpid >> lpid >> nattch >> uid >> gid >> cuid) {
      visit(SegmentRow{key, static_cast<int>(id), static_cast<pid_t>(cpid),
                       static_cast<uid_t>(cuid)});
    }
  }
  return absl::OkStatus();
}

// Calls `visit(id)` for every segment whose creator is `creator_pid`; with
// `marked_only`, ipclab-tagged ones only. With `marked_only` false,
// unmarked segments count too (the kernel resets the key of a segment
// marked for removal to IPC_PRIVATE while attached).
template <typename Visit>
absl::Status ForEachSegmentCreatedBy(pid_t creator_pid, bool marked_only, Visit visit) {
  return ForEachSegment([&](const SegmentRow& row) {
    if (row.cpid == creator_pid && (!marked_only || IsIpclabKey(row.key))) visit(row.id);
  });
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

absl::StatusOr<SysvSegment> SysvSegment::Create(size_t size, int extra_flags, uint32_t owner) {
  // Several unowned creators (tests) share owner kSysvNoOwner: start each
  // process at its own serial to make collisions rare.
  static std::atomic<unsigned> serial{static_cast<unsigned>(::getpid()) * 61u};
  int id = -1;
  int error = EEXIST;
  // A marked key another segment holds (EEXIST): try the next one.
  for (int attempt = 0; attempt < kKeyAttempts && error == EEXIST; ++attempt) {
    id = ::shmget(MarkedKey(owner, serial.fetch_add(1)), size,
                  IPC_CREAT | IPC_EXCL | 0600 | extra_flags);
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

SysvAttachment::SysvAttachment(char* data, size_t size)
    : OwnedMemory(data, size, [](char* attached, size_t) { ::shmdt(attached); }) {}

absl::StatusOr<SysvAttachment> SysvAttachment::Attach(int id, size_t size) {
  void* data = ::shmat(id, nullptr, 0);
  if (data == reinterpret_cast<void*>(-1)) {
    return base::ErrnoStatus(absl::StrCat("shmat(", id, ")"), errno);
  }
  return SysvAttachment(static_cast<char*>(data), size);
}

absl::StatusOr<int> CountSysvSegmentsCreatedBy(pid_t creator_pid) {
  int count = 0;
  absl::Status status =
      ForEachSegmentCreatedBy(creator_pid, /*marked_only=*/false, [&](int) { ++count; });
  if (!status.ok()) return status;
  return count;
}

int RemoveOwnedSysvSegments(uint32_t owner, pid_t creator_pid) {
  int removed = 0;
  const uid_t me = ::geteuid();
  (void)ForEachSegment([&](const SegmentRow& row) {
    if (IsIpclabKey(row.key) && OwnerOfKey(row.key) == owner && row.cuid == me &&
        (creator_pid == 0 || row.cpid == creator_pid) && ::shmctl(row.id, IPC_RMID, nullptr) == 0) {
      ++removed;
    }
  });
  return removed;
}

std::set<uint32_t> SysvSegmentOwners() {
  std::set<uint32_t> owners;
  const uid_t me = ::geteuid();
  (void)ForEachSegment([&](const SegmentRow& row) {
    if (IsIpclabKey(row.key) && row.cuid == me && OwnerOfKey(row.key) != kSysvNoOwner) {
      owners.insert(OwnerOfKey(row.key));
    }
  });
  return owners;
}

int RemoveLeftoverSysvSegments(pid_t creator_pid) {
  int removed = 0;
  (void)ForEachSegmentCreatedBy(creator_pid, /*marked_only=*/true, [&](int id) {
    if (::shmctl(id, IPC_RMID, nullptr) == 0) ++removed;
  });
  return removed;
}

}  // namespace ipclab::sys
