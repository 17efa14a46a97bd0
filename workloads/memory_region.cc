#include "workloads/memory_region.h"

#include <linux/mman.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstdio>

#include "absl/strings/str_cat.h"
#include "base/errno_status.h"
#include "base/size.h"
#include "base/status_macros.h"
#include "workloads/hugepages.h"
#include "workloads/params.h"

namespace ipclab::workloads {
namespace {

constexpr uint64_t kThpSize = kHugePage2MiB;

}  // namespace

uint64_t BasePageSize() { return static_cast<uint64_t>(::sysconf(_SC_PAGESIZE)); }

absl::StatusOr<HugePages> ParseHugePages(absl::string_view text) {
  if (text == "none") return HugePages::kNone;
  if (text == "thp") return HugePages::kThp;
  if (text == "hugetlb") return HugePages::kHugetlb;
  if (text == "hugetlb_1g") return HugePages::kHugetlb1G;
  return absl::InvalidArgumentError(absl::StrCat(
      "parameter huge_pages=\"", text, "\": allowed: one of none, thp, hugetlb, hugetlb_1g"));
}

const char* HugePagesName(HugePages huge_pages) {
  return kHugePagesValues[static_cast<int>(huge_pages)];
}

uint64_t HugetlbPageSize(HugePages huge_pages) {
  switch (huge_pages) {
    case HugePages::kHugetlb:
      return kHugePage2MiB;
    case HugePages::kHugetlb1G:
      return kHugePage1GiB;
    default:
      return 0;
  }
}

uint64_t RegionSizeMultiple(HugePages huge_pages) {
  const uint64_t hugetlb = HugetlbPageSize(huge_pages);
  return hugetlb != 0 ? hugetlb : BasePageSize();
}

absl::Status ValidateRegionSize(absl::string_view param_name, uint64_t bytes,
                                HugePages huge_pages) {
  const uint64_t multiple = RegionSizeMultiple(huge_pages);
  if (bytes % multiple == 0) return absl::OkStatus();
  if (HugetlbPageSize(huge_pages) == 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("parameter ", param_name, "=", base::FormatSize(bytes),
                     " is not a multiple of the page size (", multiple, ")"));
  }
  return absl::InvalidArgumentError(
      absl::StrCat("parameter ", param_name, "=", base::FormatSize(bytes), " is not a multiple of ",
                   base::FormatSize(multiple), ", which huge_pages=", HugePagesName(huge_pages),
                   " needs (the region is made of whole ", HugePageSizeName(multiple), " pages)"));
}

absl::Status CheckHugetlbPool(HugePages huge_pages, uint64_t bytes, absl::string_view what) {
  const uint64_t page = HugetlbPageSize(huge_pages);
  if (page == 0) return absl::OkStatus();
  return CheckHugePagesAvailable(page, (bytes + page - 1) / page, what);
}

absl::StatusOr<MemoryRegion> MemoryRegion::Map(size_t size, const RegionOptions& options,
                                               absl::string_view what) {
  const bool anonymous = options.fd < 0;
  int flags = (options.shared ? MAP_SHARED : MAP_PRIVATE) | (anonymous ? MAP_ANONYMOUS : 0);
  const uint64_t hugetlb_page = HugetlbPageSize(options.huge_pages);
  if (hugetlb_page != 0) {
    // The kernel aligns hugetlb mappings itself; MAP_POPULATE is fine here
    // because there is no advice to give first.
    if (anonymous)
      flags |= MAP_HUGETLB | (hugetlb_page == kHugePage1GiB ? MAP_HUGE_1GB : MAP_HUGE_2MB);
    if (options.populate) flags |= MAP_POPULATE;
    // Names the flag in errors ("mmap(page_fault region, MAP_HUGETLB, ...)"),
    // in a stack buffer: setup is measured, so no allocation here.
    char hugetlb_what[160];
    std::snprintf(hugetlb_what, sizeof(hugetlb_what), "%.*s, MAP_HUGETLB",
                  static_cast<int>(what.size()), what.data());
    absl::StatusOr<sys::Mapping> mapping =
        sys::Mapping::Map(size, options.prot, flags, options.fd, options.offset,
                          anonymous ? absl::string_view(hugetlb_what) : what);
    // ENOMEM (RESOURCE_EXHAUSTED) from an anonymous hugetlb mmap: the pool ran out.
    if (absl::IsResourceExhausted(mapping.status()) && anonymous) {
      absl::StatusOr<HugePagePoolState> pool = ReadHugePagePool(hugetlb_page);
      if (pool.ok()) {
        return absl::FailedPreconditionError(absl::StrCat(
            mapping.status().message(), ": ",
            HugePageShortageMessage(*pool, (size + hugetlb_page - 1) / hugetlb_page, what)));
      }
    }
    if (!mapping.ok()) return mapping.status();
    return MemoryRegion(*std::move(mapping));
  }

  absl::StatusOr<sys::Mapping> mapping =
      options.huge_pages == HugePages::kThp
          ? sys::Mapping::MapAligned(size, kThpSize, options.prot, flags, options.fd,
                                     options.offset, what)
          : sys::Mapping::Map(size, options.prot, flags, options.fd, options.offset, what);
  if (!mapping.ok()) return mapping.status();
  char* const data = mapping->data();
  MemoryRegion region(*std::move(mapping));  // owns it from here: errors below unmap it

  if (options.huge_pages == HugePages::kThp) {
    if (::madvise(data, size, MADV_HUGEPAGE) != 0) {
      const int error = errno;
      return base::ErrnoStatus(
          absl::StrCat("madvise(", what, ", MADV_HUGEPAGE)"), error,
          {EINVAL, absl::StatusCode::kFailedPrecondition,
           "this kernel has no transparent huge pages (CONFIG_TRANSPARENT_HUGEPAGE)"});
    }
  } else {
    // EINVAL means a kernel without THP: there is nothing to switch off.
    if (::madvise(data, size, MADV_NOHUGEPAGE) != 0 && errno != EINVAL) {
      return base::ErrnoStatus(absl::StrCat("madvise(", what, ", MADV_NOHUGEPAGE)"), errno);
    }
  }

  if (options.populate) {
    // MAP_POPULATE's rule: write faults for private writable memory, read
    // faults otherwise (shared memory is not dirtied for nothing).
    const bool write = !options.shared && (options.prot & PROT_WRITE) != 0;
    const int advice = write ? MADV_POPULATE_WRITE : MADV_POPULATE_READ;
    if (::madvise(data, size, advice) != 0) {
      const int error = errno;
      const char* name = write ? "MADV_POPULATE_WRITE" : "MADV_POPULATE_READ";
      if (error == EINVAL) {
        return absl::FailedPreconditionError(absl::StrCat("madvise(", what, ", ", name,
                                                          "): Invalid argument: populate=true "
                                                          "needs Linux 5.14 or later"));
      }
      return base::ErrnoStatus(absl::StrCat("madvise(", what, ", ", name, ")"), error);
    }
  }
  return region;
}

}  // namespace ipclab::workloads
