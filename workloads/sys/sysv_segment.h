// A System V shared memory segment (shmget) and one attachment of it (shmat).
//
// The creator owns the segment: it marks it for removal (IPC_RMID) when told
// to, or on destruction if it has not yet. A segment marked for removal lives
// on until its last attachment goes, and nothing is left in `ipcs -m` after
// that, even if every process using it crashes. So the usual life is: create,
// let every user attach, mark for removal at once, use, detach.
#ifndef IPCLAB_WORKLOADS_SYS_SYSV_SEGMENT_H_
#define IPCLAB_WORKLOADS_SYS_SYSV_SEGMENT_H_

#include <sys/types.h>

#include <cstddef>
#include <cstdint>
#include <set>
#include <utility>

#include "absl/status/statusor.h"
#include "workloads/sys/owned_memory.h"

namespace ipclab::sys {

// A segment's key carries ipclab's tag, the owner's instance slot
// (workloads/owner_mark.h) and a serial:
//   bits 30..20 tag 0x1CA | bits 19..8 owner 0..4095 | bits 7..0 serial
// Owner kSysvNoOwner is "no instance" (a worker run by hand or a test).
inline constexpr uint32_t kSysvNoOwner = 0xFFF;

class SysvSegment final {
 public:
  SysvSegment() = default;
  SysvSegment(SysvSegment&& other) noexcept
      : id_(std::exchange(other.id_, -1)), size_(other.size_) {}
  SysvSegment& operator=(SysvSegment&& other) noexcept;
  SysvSegment(const SysvSegment&) = delete;
  SysvSegment& operator=(const SysvSegment&) = delete;
  ~SysvSegment() { (void)MarkForRemoval(); }

  // shmget(<marked key>, size, IPC_CREAT | IPC_EXCL | 0600 | extra_flags),
  // the key tagged as ipclab's and carrying `owner` (0..kSysvNoOwner);
  // extra_flags is 0 or SHM_HUGETLB | SHM_HUGE_2MB. SHM_HUGETLB without
  // CAP_IPC_LOCK (or membership of /proc/sys/vm/hugetlb_shm_group) is
  // PERMISSION_DENIED saying so; ENOMEM with SHM_HUGETLB means the huge page
  // pool is short (the caller checks the pool first to say by how much).
  static absl::StatusOr<SysvSegment> Create(size_t size, int extra_flags,
                                            uint32_t owner = kSysvNoOwner);

  // shmctl(IPC_RMID) once; later calls do nothing.
  absl::Status MarkForRemoval();

  int id() const { return id_; }  // -1 after MarkForRemoval
  size_t size() const { return size_; }

 private:
  SysvSegment(int id, size_t size) : id_(id), size_(size) {}
  int id_ = -1;
  size_t size_ = 0;
};

// One shmat of a segment, shmdt on destruction. Move-only.
class SysvAttachment final : public OwnedMemory {
 public:
  SysvAttachment() = default;

  // shmat(id, nullptr, 0), read-write, wherever the kernel places it (it
  // aligns huge-page segments itself). `size` is the segment's size.
  static absl::StatusOr<SysvAttachment> Attach(int id, size_t size);

 private:
  SysvAttachment(char* data, size_t size);
};

// How many segments created by process `creator_pid` still exist
// (/proc/sysvipc/shm, column cpid): what a test checks to prove it left
// nothing in `ipcs -m`.
absl::StatusOr<int> CountSysvSegmentsCreatedBy(pid_t creator_pid);

// Marks for removal every ipclab-marked segment (tagged key) created by
// `creator_pid`; unmarked ones are never touched (a killed worker
// may leave one between shmget and the moment both roles attached); returns
// how many. Only segments that nobody has attached are removed at once; the
// others go with their last detach.
int RemoveLeftoverSysvSegments(pid_t creator_pid);

// Marks for removal every segment whose key carries ipclab's tag and
// `owner`, that this user created (cuid = euid; root's sweep must not take
// another user's), and, unless `creator_pid` is 0, that process `creator_pid`
// created. Returns how many.
int RemoveOwnedSysvSegments(uint32_t owner, pid_t creator_pid = 0);

// The owners (other than kSysvNoOwner) in the keys of this user's
// ipclab-tagged segments.
std::set<uint32_t> SysvSegmentOwners();

}  // namespace ipclab::sys

#endif  // IPCLAB_WORKLOADS_SYS_SYSV_SEGMENT_H_
