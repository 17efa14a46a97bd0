// Huge page pools (/sys/kernel/mm/hugepages/hugepages-<N>kB): what is free,
// the error that tells a user how to reserve more, and a guard that raises a
// pool and gives the pages back (tests, lab setup).
//
// Workloads never change the host's pools: they check them at run time and
// refuse with FAILED_PRECONDITION (HugePageShortage). Only tests and
// deliberate setup code reserve pages, through HugePageReservation.
#ifndef IPCLAB_WORKLOADS_HUGEPAGES_H_
#define IPCLAB_WORKLOADS_HUGEPAGES_H_

#include <chrono>
#include <cstdint>
#include <string>
#include <utility>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "base/fd.h"

namespace ipclab::workloads {

inline constexpr uint64_t kHugePage2MiB = uint64_t{2} << 20;
inline constexpr uint64_t kHugePage1GiB = uint64_t{1} << 30;

struct HugePagePoolState {
  uint64_t page_size_bytes = 0;
  uint64_t total_pages = 0;     // nr_hugepages
  uint64_t free_pages = 0;      // free_hugepages (includes reserved ones)
  uint64_t reserved_pages = 0;  // resv_hugepages: promised to mappings, not yet faulted
  uint64_t surplus_pages = 0;   // surplus_hugepages
  // What a new mapping can still get: free minus reserved.
  uint64_t available_pages() const {
    return free_pages > reserved_pages ? free_pages - reserved_pages : 0;
  }
};

// "/sys/kernel/mm/hugepages/hugepages-2048kB".
std::string HugePagePoolDir(uint64_t page_size_bytes);

// "2 MiB", "1 GiB".
std::string HugePageSizeName(uint64_t page_size_bytes);

// The pool of `page_size_bytes` pages. FAILED_PRECONDITION if the kernel has
// no such pool (no hugetlbfs, or a CPU without 1 GiB pages).
absl::StatusOr<HugePagePoolState> ReadHugePagePool(uint64_t page_size_bytes);

// FAILED_PRECONDITION saying that `what` ("huge_pages=hugetlb with
// region_bytes=64MiB") needs `pages_needed` pages of `pool.page_size_bytes`,
// how many the pool has, and the command that reserves enough:
//   echo 32 > /sys/kernel/mm/hugepages/hugepages-2048kB/nr_hugepages
std::string HugePageShortageMessage(const HugePagePoolState& pool, uint64_t pages_needed,
                                    absl::string_view what);

// OK if the pool of `page_size_bytes` pages has at least `pages_needed`
// available pages; otherwise FAILED_PRECONDITION with the message above.
absl::Status CheckHugePagesAvailable(uint64_t page_size_bytes, uint64_t pages_needed,
                                     absl::string_view what);

// The bracketed choice of /sys/kernel/mm/transparent_hugepage/<name>
// ("enabled" -> "madvise", "shmem_enabled" -> "never"); "" where the kernel
// has no such file.
std::string ReadThpSetting(absl::string_view name);

// Whether MADV_HUGEPAGE memory can get transparent huge pages under these
// settings: enabled=always|madvise for private anonymous memory;
// shmem_enabled=always|within_size|advise|force for shared anonymous memory.
bool ThpHonorsMadvise(absl::string_view enabled);
bool ShmemThpHonorsMadvise(absl::string_view shmem_enabled);

// Raises a pool's nr_hugepages until `pages` pages are available, and on
// destruction (or Release) lowers it again by exactly the number it added,
// so the pool ends as it was found - also when a test fails half-way.
// Needs root.
//
// One reservation at a time per host: a guard holds a host-wide lock (an
// abstract Unix socket name, released by the kernel even if the process is
// killed) from Ensure to Release, so concurrent tests that reserve pages or
// read the pool (Ensure(size, 0) only takes the lock) see it stable; Ensure
// waits up to `wait` for the previous guard. Read-modify-write of
// nr_hugepages also happens under flock() of that sysfs file and the
// give-back is relative (minus what was added), so a process that writes the
// pool without this guard is not undone either. A process killed by SIGKILL
// cannot give its pages back (the lock, though, is freed).
//
// Errors: PERMISSION_DENIED (not root / read-only sysfs), FAILED_PRECONDITION
// (no such pool), RESOURCE_EXHAUSTED (the kernel could not find enough free
// memory - typical for 1 GiB pages on a fragmented host; the pool is put back
// before returning), DEADLINE_EXCEEDED (another guard held the lock too long).
class HugePageReservation final {
 public:
  HugePageReservation() = default;
  HugePageReservation(HugePageReservation&& other) noexcept
      : page_size_bytes_(other.page_size_bytes_),
        added_pages_(std::exchange(other.added_pages_, 0)),
        lock_(std::move(other.lock_)) {}
  HugePageReservation& operator=(HugePageReservation&& other) noexcept;
  HugePageReservation(const HugePageReservation&) = delete;
  HugePageReservation& operator=(const HugePageReservation&) = delete;
  ~HugePageReservation() { (void)Release(); }

  static absl::StatusOr<HugePageReservation> Ensure(
      uint64_t page_size_bytes, uint64_t pages,
      std::chrono::seconds wait = std::chrono::seconds(120));

  // How many pages this guard added to nr_hugepages (0: the pool had enough).
  uint64_t added_pages() const { return added_pages_; }
  // Lowers nr_hugepages by added_pages() and drops the lock; idempotent.
  absl::Status Release();

 private:
  uint64_t page_size_bytes_ = 0;
  uint64_t added_pages_ = 0;
  base::Fd lock_;  // the host lock (AcquireHostLock) while this guard holds the pool
};

}  // namespace ipclab::workloads

#endif  // IPCLAB_WORKLOADS_HUGEPAGES_H_
