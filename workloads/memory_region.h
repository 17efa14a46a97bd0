// A memory region mapped the way the memory workloads ask for it: which huge
// pages (none | thp | hugetlb | hugetlb_1g), pre-faulted or not (populate),
// private or shared, anonymous or backed by a file. Shared by page_fault,
// cow_private and the shared-memory transports (their huge_pages/populate
// options), so every workload means the same thing by the same value.
//
//   huge_pages=none       madvise(MADV_NOHUGEPAGE): 4 KiB pages even where THP
//                         is `always` (also suppresses multi-size THP)
//   huge_pages=thp        the region starts on a 2 MiB boundary (so every
//                         whole 2 MiB range can be one huge page) and gets
//                         madvise(MADV_HUGEPAGE). Anonymous private memory then
//                         follows /sys/kernel/mm/transparent_hugepage/enabled;
//                         shared anonymous memory (shmem) and tmpfs files follow
//                         .../shmem_enabled or the tmpfs mount's huge= option.
//   huge_pages=hugetlb    MAP_HUGETLB | MAP_HUGE_2MB from the 2 MiB pool
//   huge_pages=hugetlb_1g MAP_HUGETLB | MAP_HUGE_1GB from the 1 GiB pool
//                         (anonymous only; a file-backed hugetlb region must be
//                         a hugetlbfs file or a memfd_create(MFD_HUGETLB) one,
//                         whose page size the kernel takes from the file)
//   populate=true         every page faulted in before Map returns, with the
//                         semantics of MAP_POPULATE: write faults for private
//                         writable memory (each page becomes the process's
//                         own), read faults for shared memory. For none/thp it
//                         is done by madvise(MADV_POPULATE_WRITE/READ) right
//                         after the huge-page advice, because mmap's own
//                         MAP_POPULATE would fault before the advice is given.
//                         Either way getrusage counts these faults and the perf
//                         page-fault event does not (they are taken by the
//                         kernel's get_user_pages, not by a trapping access).
//   shared=true           MAP_SHARED (anonymous: shmem, shows as RssShmem)
#ifndef IPCLAB_WORKLOADS_MEMORY_REGION_H_
#define IPCLAB_WORKLOADS_MEMORY_REGION_H_

#include <sys/mman.h>
#include <sys/types.h>

#include <cstddef>
#include <cstdint>
#include <utility>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "workloads/sys/mapping.h"

namespace ipclab::workloads {

enum class HugePages { kNone, kThp, kHugetlb, kHugetlb1G };

// The values of every `huge_pages` parameter.
inline constexpr const char* kHugePagesValues[] = {"none", "thp", "hugetlb", "hugetlb_1g"};

// "none" | "thp" | "hugetlb" | "hugetlb_1g"; INVALID_ARGUMENT otherwise.
absl::StatusOr<HugePages> ParseHugePages(absl::string_view text);
const char* HugePagesName(HugePages huge_pages);

// The base page size, sysconf(_SC_PAGESIZE).
uint64_t BasePageSize();

// The hugetlb page size (2 MiB, 1 GiB); 0 for none and thp.
uint64_t HugetlbPageSize(HugePages huge_pages);

// What a region's size must be a multiple of: the base page size for none and
// thp (a thp region's last partial 2 MiB range simply gets 4 KiB pages), the
// huge page size for hugetlb.
uint64_t RegionSizeMultiple(HugePages huge_pages);

// INVALID_ARGUMENT naming `param_name`, its value and the rule when `bytes` is
// not a multiple of RegionSizeMultiple(huge_pages):
// "parameter region_bytes=3MiB is not a multiple of 2MiB, which huge_pages=hugetlb needs".
absl::Status ValidateRegionSize(absl::string_view param_name, uint64_t bytes, HugePages huge_pages);

// FAILED_PRECONDITION (with the command that reserves them) unless the hugetlb
// pool has free pages for `bytes`; OK for none and thp. `what` names the case
// in the message ("page_fault region_bytes=64MiB huge_pages=hugetlb").
absl::Status CheckHugetlbPool(HugePages huge_pages, uint64_t bytes, absl::string_view what);

struct RegionOptions {
  HugePages huge_pages = HugePages::kNone;
  bool populate = false;
  bool shared = false;  // MAP_SHARED instead of MAP_PRIVATE
  int fd = -1;          // back the region with this file; -1: anonymous memory
  off_t offset = 0;     // into `fd`; a multiple of 2 MiB for thp to be possible
  int prot = PROT_READ | PROT_WRITE;
};

// Owns one mapping (a sys::Mapping); munmap on destruction. Move-only.
class MemoryRegion final {
 public:
  MemoryRegion() = default;

  // Maps `size` bytes as `options` say. `what` names the region in errors
  // ("page_fault region"). Errors: those of mmap/madvise, naming the call;
  // FAILED_PRECONDITION when hugetlb pages run out (with how to reserve more)
  // or the kernel lacks THP / MADV_POPULATE_* (Linux >= 5.14).
  static absl::StatusOr<MemoryRegion> Map(size_t size, const RegionOptions& options,
                                          absl::string_view what);

  char* data() const { return mapping_.data(); }
  size_t size() const { return mapping_.size(); }
  // munmap now (the teardown phases time this).
  void Reset() { mapping_.Reset(); }

 private:
  explicit MemoryRegion(sys::Mapping mapping) : mapping_(std::move(mapping)) {}
  sys::Mapping mapping_;
};

// The touch loops of the memory workloads: one byte per 4 KiB page, also in
// huge mappings (as shared/reference/c-programs/pagefault.c does), so "pages"
// and "ns per page" mean the same for every huge_pages value. They run inside
// timed regions: no calls, no allocation.
inline constexpr size_t kTouchStride = 4096;

inline uint64_t TouchedPages(size_t size) { return (size + kTouchStride - 1) / kTouchStride; }

// Stores 1 into the first byte of every page; returns the pages touched.
inline uint64_t WriteEveryPage(char* data, size_t size) {
  volatile char* bytes = data;
  for (size_t offset = 0; offset < size; offset += kTouchStride) bytes[offset] = 1;
  return TouchedPages(size);
}

// Loads the first byte of every page; returns the pages touched.
inline uint64_t ReadEveryPage(const char* data, size_t size) {
  const volatile char* bytes = data;
  for (size_t offset = 0; offset < size; offset += kTouchStride) (void)bytes[offset];
  return TouchedPages(size);
}

}  // namespace ipclab::workloads

#endif  // IPCLAB_WORKLOADS_MEMORY_REGION_H_
