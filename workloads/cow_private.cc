#include "workloads/catalog.h"

#include <memory>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "base/errno_status.h"
#include "base/fd.h"
#include "base/metric_names.h"
#include "base/size.h"
#include "base/status_macros.h"
#include "workloads/expectation_bands.h"
#include "workloads/harness.h"
#include "workloads/hugepages.h"
#include "workloads/memory_region.h"
#include "workloads/sys/mapping.h"

namespace ipclab::workloads {
namespace {

constexpr char kParent[] = "parent";
constexpr char kChild[] = "child";
constexpr uint64_t kDefaultRegionBytes = uint64_t{64} << 20;
constexpr uint64_t kMaxRegionBytes = uint64_t{1} << 40;
constexpr size_t kFillChunk = size_t{1} << 20;
constexpr char kDefaultScratchTmpfs[] = "/dev/shm";

// The same tolerances as page_fault (expectation_bands.h): counts ±1% + 4,
// memory ±1% + 256 KiB. The child's own COW of its stack and harness pages
// happens before its first phase starts.

struct CowPlan {
  uint64_t region_bytes = 0;
  uint64_t write_bytes = 0;  // resolved: 0 in the parameter means the region
  bool file = false;
  bool parent_writes = false;
  HugePages huge_pages = HugePages::kNone;
  bool populate = false;
  std::vector<std::string> phases;
  int child_first_phase = 0;
  // Whether the parent's pages are its own anonymous copies before the fork
  // (written, or populated: MAP_POPULATE write-faults private memory).
  bool private_before_fork() const { return parent_writes || populate; }
};

absl::StatusOr<CowPlan> MakePlan(const CaseParams& params) {
  CowPlan plan;
  plan.region_bytes = params.Size("region_bytes");
  plan.write_bytes = params.Size("write_bytes");
  if (plan.write_bytes == 0) plan.write_bytes = plan.region_bytes;
  plan.file = params.Text("backing") == "file";
  plan.parent_writes = params.Bool("parent_writes");
  IPCLAB_ASSIGN_OR_RETURN(plan.huge_pages, ParseHugePages(params.Text("huge_pages")));
  plan.populate = params.Bool("populate");
  plan.phases.push_back("setup");
  if (plan.parent_writes) plan.phases.push_back("parent_write");
  plan.phases.push_back("fork");
  plan.child_first_phase = static_cast<int>(plan.phases.size());
  plan.phases.push_back("child_write");
  plan.phases.push_back("teardown");
  return plan;
}

// A file in `directory` that never has a name (O_TMPFILE), or, where the
// file system cannot do that, one unlinked right after it was created:
// either way nothing is left behind, even if the worker is killed.
absl::StatusOr<base::Fd> OpenNamelessFile(const std::string& directory, const OwnerMark& owner) {
  base::Fd fd(::open(directory.c_str(), O_TMPFILE | O_RDWR | O_CLOEXEC, 0600));
  if (fd.valid()) return fd;
  if (errno != EOPNOTSUPP && errno != EISDIR && errno != EINVAL) {
    return base::ErrnoStatus(absl::StrCat("open(", directory, ", O_TMPFILE)"), errno);
  }
  // Named like every scratch file (owner_mark.h), in case it outlives us.
  std::string path = absl::StrCat(directory, "/", OwnerNamePrefix(owner, ::getpid()), "cow-XXXXXX");
  fd = base::Fd(::mkostemp(path.data(), O_CLOEXEC));
  if (!fd.valid()) return base::ErrnoStatus(absl::StrCat("mkostemp(", path, ")"), errno);
  if (::unlink(path.c_str()) != 0)
    return base::ErrnoStatus(absl::StrCat("unlink(", path, ")"), errno);
  return fd;
}

// Writes `size` bytes of `chunk` (repeated) into `fd`.
absl::Status FillFile(int fd, const char* chunk, uint64_t size) {
  for (uint64_t done = 0; done < size;) {
    const size_t want = static_cast<size_t>(std::min<uint64_t>(kFillChunk, size - done));
    IPCLAB_RETURN_IF_ERROR(base::WriteFull(fd, chunk, want));
    done += want;
  }
  return absl::OkStatus();
}

// Faults to touch `bytes` once, for the page kind of the mapping.
uint64_t TouchFaults(uint64_t bytes, HugePages huge_pages, bool thp_works) {
  const uint64_t hugetlb = HugetlbPageSize(huge_pages);
  if (hugetlb != 0) return (bytes + hugetlb - 1) / hugetlb;
  if (huge_pages == HugePages::kThp && thp_works) {
    return bytes / kHugePage2MiB + TouchedPages(bytes % kHugePage2MiB);
  }
  return TouchedPages(bytes);
}

v1::WorkloadSpec CowPrivateSpec() {
  v1::WorkloadSpec spec;
  spec.set_name("cow_private");
  spec.set_summary(
      "copy-on-write after fork: the parent maps region_bytes MAP_PRIVATE, optionally writes it, "
      "forks; the child writes write_bytes, one byte per 4 KiB page (child_write: messages = "
      "pages written, so messages_per_sec = copied pages/s)");
  *spec.add_params() = SizeParam("region_bytes", kDefaultRegionBytes, 4096, kMaxRegionBytes,
                                 "bytes the parent maps; a multiple of the page size (of 2MiB "
                                 "for huge_pages=hugetlb)");
  *spec.add_params() = SizeParam("write_bytes", 0, 0, kMaxRegionBytes,
                                 "bytes the child writes from the start of the region, at most "
                                 "region_bytes; a multiple of the page size; 0: the whole region");
  *spec.add_params() = EnumParam(
      "backing", "anon", {"anon", "file"},
      "anon: anonymous memory; file: a file in the server's tmpfs scratch directory (filled with "
      "write(), never named: O_TMPFILE or unlinked at once), mapped MAP_PRIVATE");
  *spec.add_params() = BoolParam(
      "parent_writes", true,
      "the parent writes every page before the fork, so the child's writes copy the parent's own "
      "pages (its RssAnon then does not grow); false: the child's writes fault fresh pages (anon) "
      "or copy the file's page-cache pages (file)");
  *spec.add_params() = EnumParam(
      "huge_pages", "none", {"none", "thp", "hugetlb"},
      "as page_fault (backing=anon only): none, thp (2 MiB-aligned + MADV_HUGEPAGE), hugetlb "
      "(MAP_HUGETLB; the pool needs region/2MiB + write/2MiB free pages: copies are whole huge "
      "pages)");
  *spec.add_params() = BoolParam(
      "populate", false,
      "pre-fault the region in setup (MAP_POPULATE semantics: private memory is write-faulted, "
      "so the parent's pages are its own copies before the fork even with parent_writes=false)");
  *spec.add_params() = EnumParam("placement", "none", {"none", "same", "cross"},
                                 "none: the scheduler decides; same: both roles pinned to one "
                                 "CPU; cross: pinned to two different CPUs");
  spec.add_roles(kParent);
  spec.add_roles(kChild);
  for (const char* phase : {"setup", "parent_write", "fork", "child_write", "teardown"}) {
    spec.add_phases(phase);
  }
  return spec;
}

absl::Status ValidateCowPrivate(const CaseParams& params) {
  IPCLAB_ASSIGN_OR_RETURN(CowPlan plan, MakePlan(params));
  IPCLAB_RETURN_IF_ERROR(ValidateRegionSize("region_bytes", plan.region_bytes, plan.huge_pages));
  IPCLAB_RETURN_IF_ERROR(ValidateRegionSize("write_bytes", plan.write_bytes, HugePages::kNone));
  if (plan.write_bytes > plan.region_bytes) {
    return absl::InvalidArgumentError(absl::StrCat(
        "parameter write_bytes=", params.Text("write_bytes"), " is larger than region_bytes=",
        params.Text("region_bytes"), "; allowed: 0 (the whole region) to region_bytes"));
  }
  if (plan.file && plan.huge_pages != HugePages::kNone) {
    return absl::InvalidArgumentError(absl::StrCat(
        "huge_pages=", params.Text("huge_pages"),
        " does not apply to backing=file: the child's copies of a private file mapping are 4 KiB "
        "anonymous pages; allowed with backing=file: huge_pages=none"));
  }
  return absl::OkStatus();
}

std::vector<v1::Expectation> ExpectCowPrivate(const CaseParams& params, const v1::HostInfo& host) {
  absl::StatusOr<CowPlan> plan_or = MakePlan(params);
  if (!plan_or.ok()) return {};
  const CowPlan& plan = *plan_or;
  const bool hugetlb = HugetlbPageSize(plan.huge_pages) != 0;
  const bool thp = plan.huge_pages == HugePages::kThp && ThpHonorsMadvise(host.thp_enabled());
  const bool perf = host.perf_events_allowed();
  const double region = static_cast<double>(plan.region_bytes);
  const double written = static_cast<double>(plan.write_bytes);
  const std::string region_text = base::FormatSize(plan.region_bytes);
  const std::string write_text = base::FormatSize(plan.write_bytes);
  const std::string pages_text = hugetlb ? "2 MiB hugetlb pages"
                                 : thp   ? "2 MiB transparent huge pages"
                                         : "4 KiB pages";
  const std::string memory_metric = hugetlb ? "hugetlb_delta_bytes" : "rss_anon_delta_bytes";
  const std::string memory_text = hugetlb ? "HugetlbPages" : "RssAnon";
  std::vector<v1::Expectation> out;

  auto faults = [&](const std::string& phase, const char* role, double count,
                    const std::string& why, const std::string& if_deviated, bool with_perf) {
    AppendFaultBands(phase, role, count, why, if_deviated, perf && with_perf, out);
  };
  auto memory = [&](const std::string& phase, const char* role, const std::string& metric,
                    double bytes, const std::string& why, const std::string& if_deviated) {
    out.push_back(ExpectMemoryNear(phase, role, metric, bytes, why, if_deviated));
  };

  // The parent makes its pages its own: in setup (populate) or parent_write.
  const double parent_faults =
      static_cast<double>(TouchFaults(plan.region_bytes, plan.huge_pages, thp));
  const std::string parent_why =
      absl::StrCat(region_text, plan.file ? " of a private file mapping" : "", " written through ",
                   pages_text, ": one fault per ", hugetlb || thp ? "huge page" : "page", " (",
                   static_cast<uint64_t>(parent_faults), ")",
                   plan.file ? "; write faults copy the page-cache page, no fault-around" : "");
  if (plan.populate) {
    faults("setup", kParent, parent_faults,
           absl::StrCat("populate=true: ", parent_why, ", taken while populating"),
           "the region was not populated in setup", /*with_perf=*/false);
    if (perf) {
      out.push_back(ExpectNear(base::MetricName("setup", kParent, "perf_page_faults"),
                               "populate faults do not fire the perf page-fault event", 0,
                               kFaultRelative, kFaultAbsolute, kCounterPerfEvent,
                               "the perf event counted populate faults"));
    }
    memory("setup", kParent, memory_metric, region,
           absl::StrCat("populate=true: the parent's ", memory_text, " grows by ", region_text),
           "the region was not populated in setup");
  }
  if (plan.parent_writes) {
    faults("parent_write", kParent, plan.populate ? 0 : parent_faults,
           plan.populate
               ? "populate=true: the pages are already the parent's own, writes take no fault"
               : parent_why,
           plan.populate ? "pages were not pre-faulted in setup"
           : thp         ? "THP fell back to 4 KiB pages for some 2 MiB ranges"
                         : "the kernel did not take one fault per page",
           /*with_perf=*/true);
    memory("parent_write", kParent, memory_metric, plan.populate ? 0 : region,
           plan.populate ? absl::StrCat("populate=true: ", memory_text, " does not grow again")
                         : absl::StrCat("the parent's ", memory_text, " grows by ", region_text),
           "the parent's writes did not allocate its own pages");
  }

  // The child: one fault per written page (per huge page for hugetlb; fresh
  // THPs when nothing was copied), copies or not.
  const bool copies_parent_pages = plan.private_before_fork();
  const uint64_t child_fault_count = hugetlb ? TouchFaults(plan.write_bytes, plan.huge_pages, false)
                                     : (thp && !copies_parent_pages && !plan.file)
                                         ? TouchFaults(plan.write_bytes, plan.huge_pages, true)
                                         : TouchedPages(plan.write_bytes);
  std::string child_why;
  if (copies_parent_pages) {
    child_why =
        absl::StrCat(write_text, " written by the child after fork: one copy-on-write fault per ",
                     hugetlb ? "2 MiB huge page (each copies the whole huge page)"
                     : thp   ? "4 KiB page (the shared huge pages are split, 4 KiB pages copied)"
                             : "4 KiB page",
                     " (", child_fault_count, ")");
  } else if (plan.file) {
    child_why = absl::StrCat(write_text,
                             " of the private file mapping written by the child: one fault "
                             "per 4 KiB page, each copying the page-cache page (",
                             child_fault_count, ")");
  } else {
    child_why = absl::StrCat(write_text, " the parent never touched, written by the child: fresh ",
                             pages_text, ", one fault each (", child_fault_count, ")");
  }
  faults("child_write", kChild, static_cast<double>(child_fault_count), child_why,
         "the child did not take one fault per written page: copy-on-write did not happen as "
         "expected (or THP/hugetlb changed the page size)",
         /*with_perf=*/true);
  memory("child_write", kChild, memory_metric, copies_parent_pages ? 0 : written,
         copies_parent_pages
             ? absl::StrCat("the child's ", memory_text, " does not change although ", write_text,
                            " were copied: its shared pages already counted (RSS alone cannot show "
                            "copy-on-write)")
             : absl::StrCat("the child's ", memory_text, " grows by ", write_text),
         copies_parent_pages ? "the child's RSS changed: pages were not shared with the parent"
                             : "the child's writes did not allocate its own pages");
  if (!hugetlb) {
    memory("child_write", kChild, "pss_delta_bytes", copies_parent_pages ? written / 2 : written,
           copies_parent_pages
               ? absl::StrCat("Pss shows the copies: each written page stops being shared by two, "
                              "the child's Pss grows by half of ",
                              write_text)
               : absl::StrCat("the child's Pss grows by ", write_text, " of new private pages"),
           "Pss did not change as copy-on-write predicts");
  }
  faults("child_write", kParent, 0,
         "the parent idles while the child writes: the copies are the child's",
         "the parent took faults while idle", /*with_perf=*/false);
  return out;
}

absl::StatusOr<v1::RepetitionResult> RunCowPrivateRepetition(const CaseParams& params,
                                                             const RunContext& context) {
  IPCLAB_ASSIGN_OR_RETURN(CowPlan plan, MakePlan(params));
  const std::string& placement = params.Text("placement");
  IPCLAB_ASSIGN_OR_RETURN(std::vector<int> cpus, PlacementCpus(placement, 2));
  const uint64_t hugetlb_page = HugetlbPageSize(plan.huge_pages);
  if (hugetlb_page != 0) {
    // The parent's pages, plus the child's: its copies (or fresh pages).
    IPCLAB_RETURN_IF_ERROR(CheckHugePagesAvailable(
        hugetlb_page,
        plan.region_bytes / hugetlb_page + (plan.write_bytes + hugetlb_page - 1) / hugetlb_page,
        absl::StrCat("cow_private region_bytes=", params.Text("region_bytes"),
                     " write_bytes=", base::FormatSize(plan.write_bytes), " huge_pages=hugetlb")));
  }
  const std::string scratch =
      context.scratch_tmpfs.empty() ? kDefaultScratchTmpfs : context.scratch_tmpfs;
  if (plan.file) {
    struct stat info;
    if (::stat(scratch.c_str(), &info) != 0 || !S_ISDIR(info.st_mode)) {
      return absl::FailedPreconditionError(
          absl::StrCat("backing=file needs the tmpfs scratch directory ", scratch,
                       ", which is not a directory"));
    }
  }

  // Mapped by the parent in its process; the child inherits the parent's copy
  // of this object (and of the mapping) when it is forked.
  MemoryRegion region;
  std::vector<RoleSpec> roles(2);
  roles[0].name = kParent;
  roles[0].pinned_cpu = cpus[0];
  roles[0].count_perf_faults = true;
  roles[0].body = [&](RoleContext& role) -> absl::Status {
    sys::Mapping fill;  // the file's contents, touched before any phase
    if (plan.file) {
      IPCLAB_ASSIGN_OR_RETURN(fill, sys::Mapping::Anonymous(kFillChunk));
      std::memset(fill.data(), 'f', fill.size());
    }
    IPCLAB_RETURN_IF_ERROR(role.RunPhase([&]() -> absl::StatusOr<PhaseWork> {
      RegionOptions options;
      options.huge_pages = plan.huge_pages;
      options.populate = plan.populate;
      base::Fd file;  // closed at the end of setup; the mapping keeps the file
      if (plan.file) {
        IPCLAB_ASSIGN_OR_RETURN(file, OpenNamelessFile(scratch, context.owner));
        IPCLAB_RETURN_IF_ERROR(FillFile(file.get(), fill.data(), plan.region_bytes));
        options.fd = file.get();
      }
      IPCLAB_ASSIGN_OR_RETURN(region,
                              MemoryRegion::Map(plan.region_bytes, options, "cow_private region"));
      return PhaseWork{};
    }));
    if (plan.parent_writes) {
      IPCLAB_RETURN_IF_ERROR(role.RunPhase([&]() -> absl::StatusOr<PhaseWork> {
        return PhaseWork{plan.region_bytes, WriteEveryPage(region.data(), region.size())};
      }));
    }
    IPCLAB_RETURN_IF_ERROR(role.RunPhase([&]() -> absl::StatusOr<PhaseWork> {
      IPCLAB_RETURN_IF_ERROR(role.StartSubRoles());
      return PhaseWork{};
    }));
    // child_write: the parent waits; the phase's time is the child's own.
    IPCLAB_RETURN_IF_ERROR(role.RunPhase([]() -> absl::StatusOr<PhaseWork> {
      PhaseWork idle;
      idle.idle = true;
      return idle;
    }));
    return role.RunPhase([&]() -> absl::StatusOr<PhaseWork> {
      region.Reset();
      return PhaseWork{};
    });
  };
  roles[1].name = kChild;
  roles[1].pinned_cpu = cpus[1];
  roles[1].count_perf_faults = true;
  roles[1].forked_by = kParent;
  roles[1].first_phase = plan.child_first_phase;
  roles[1].body = [&](RoleContext& role) -> absl::Status {
    IPCLAB_RETURN_IF_ERROR(role.RunPhase([&]() -> absl::StatusOr<PhaseWork> {
      return PhaseWork{plan.write_bytes, WriteEveryPage(region.data(), plan.write_bytes)};
    }));
    return role.RunPhase([&]() -> absl::StatusOr<PhaseWork> {
      region.Reset();
      return PhaseWork{};
    });
  };
  RoleHooks hooks;
  IPCLAB_ASSIGN_OR_RETURN(RolesOutcome outcome,
                          RunRoles(plan.phases, placement, std::move(roles), hooks));
  v1::RepetitionResult result = std::move(outcome.result);
  if (plan.file) (*result.mutable_notes())["scratch_tmpfs"] = scratch;
  if (plan.huge_pages == HugePages::kThp)
    (*result.mutable_notes())["thp_enabled"] = ReadThpSetting("enabled");
  return result;
}

}  // namespace

WorkloadOps CowPrivateOps() {
  return {CowPrivateSpec(), ValidateCowPrivate, ExpectCowPrivate, RunCowPrivateRepetition};
}

}  // namespace ipclab::workloads
