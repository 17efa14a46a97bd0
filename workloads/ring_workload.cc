#include "workloads/ring_workload.h"

#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <utility>

#include "absl/strings/str_cat.h"
#include "base/errno_status.h"
#include "base/fd.h"
#include "base/metric_names.h"
#include "base/size.h"
#include "base/status_macros.h"
#include "workloads/expectation_bands.h"
#include "workloads/harness.h"
#include "workloads/hugepages.h"
#include "workloads/sys/event_fd.h"
#include "workloads/transfer.h"

namespace ipclab::workloads {
namespace {

constexpr uint64_t kHugePage = kHugePage2MiB;

absl::Status PopulateForWrite(char* data, size_t size, absl::string_view what) {
  if (::madvise(data, size, MADV_POPULATE_WRITE) == 0) return absl::OkStatus();
  const int error = errno;
  return base::ErrnoStatus(
      absl::StrCat("madvise(", what, ", MADV_POPULATE_WRITE)"), error,
      {EINVAL, absl::StatusCode::kFailedPrecondition, "populate=true needs Linux 5.14 or later"});
}

// One role's view of the region: it writes ring 0 and reads ring 1 (the
// producer) or the other way round.
class RingEndpoint final {
 public:
  RingEndpoint(const RingOptions& options, bool producer, const RingEvents* events,
               const std::function<absl::StatusOr<RingMemory>()>& map)
      : options_(options), producer_(producer), events_(events), map_(map) {}

  absl::Status Setup() {
    IPCLAB_ASSIGN_OR_RETURN(memory_, map_());
    const RingLayout& layout = options_.layout;
    char* base = memory_.data();
    ShmRing forward(layout.header(base, 0), layout.data(base, 0), layout.capacity, options_.sync,
                    events_[0]);
    (producer_ ? out_ : in_) = forward;
    if (layout.ring_count == 2) {
      ShmRing backward(layout.header(base, 1), layout.data(base, 1), layout.capacity, options_.sync,
                       events_[1]);
      (producer_ ? in_ : out_) = backward;
    }
    return absl::OkStatus();
  }

  absl::Status Send(const char* data, size_t size) { return out_.Write(data, size); }

  absl::StatusOr<size_t> Receive(char* data, size_t max) {
    IPCLAB_RETURN_IF_ERROR(in_.Read(data, max));
    return max;
  }

  void Teardown() { memory_.Reset(); }

 private:
  const RingOptions& options_;
  bool producer_;
  const RingEvents* events_;
  const std::function<absl::StatusOr<RingMemory>()>& map_;
  RingMemory memory_;
  ShmRing out_;
  ShmRing in_;
};

}  // namespace

std::vector<v1::ParamSpec> RingParamSpecs(bool hugetlb) {
  std::vector<v1::ParamSpec> specs = TransferParamSpecs();
  specs.push_back(SizeParam("ring_bytes", 1 << 20, 4096, uint64_t{1} << 30,
                            "data bytes of the ring in each direction; a multiple of the page "
                            "size, and of 2MiB with huge_pages=thp|hugetlb"));
  specs.push_back(EnumParam(
      "sync", "futex", {"futex", "spin", "eventfd"},
      "how a side waits for data or space: futex (sleep, woken only when it announced itself), "
      "eventfd (the same, blocking in read() on an eventfd) or spin (busy-poll, yielding the CPU "
      "every 64 polls)"));
  if (hugetlb) {
    specs.push_back(EnumParam(
        "huge_pages", "none", {"none", "thp", "hugetlb"},
        "none: 4 KiB pages; thp: MADV_HUGEPAGE (shared memory follows shmem_enabled or the tmpfs "
        "mount's huge= option, not the anonymous THP setting); hugetlb: 2 MiB pages from the "
        "hugetlb pool (needs nr_hugepages)"));
  } else {
    specs.push_back(EnumParam(
        "huge_pages", "none", {"none", "thp"},
        "none: 4 KiB pages; thp: MADV_HUGEPAGE (tmpfs files follow the mount's huge= option, disk "
        "files need THP enabled=always|madvise and a filesystem with large folios). No hugetlb: "
        "hugetlb pages can back only hugetlbfs files, and the scratch directories are tmpfs and "
        "disk filesystems"));
  }
  specs.push_back(BoolParam("populate", false,
                            "pre-fault the whole region for writing in each role's setup phase "
                            "(MADV_POPULATE_WRITE), so the transfer phases take no faults"));
  return specs;
}

absl::Status ValidateRing(const CaseParams& params) {
  IPCLAB_RETURN_IF_ERROR(ValidateTransfer(params));
  IPCLAB_ASSIGN_OR_RETURN(HugePages huge_pages, ParseHugePages(params.Text("huge_pages")));
  const uint64_t ring_bytes = params.Size("ring_bytes");
  const uint64_t page = BasePageSize();
  if (huge_pages == HugePages::kNone && ring_bytes % page != 0) {
    return absl::InvalidArgumentError(absl::StrCat(
        "parameter ring_bytes=", params.Text("ring_bytes"),
        " is not a multiple of the page size; allowed: multiples of ", page, " from 4KiB to 1GiB"));
  }
  if (huge_pages != HugePages::kNone && ring_bytes % kHugePage != 0) {
    return absl::InvalidArgumentError(absl::StrCat(
        "parameter ring_bytes=", params.Text("ring_bytes"),
        " is not a multiple of 2MiB, which huge_pages=", params.Text("huge_pages"),
        " needs (each ring is made of whole 2 MiB pages); allowed: multiples of 2MiB from 2MiB to "
        "1GiB"));
  }
  return absl::OkStatus();
}

absl::StatusOr<RingOptions> ParseRingOptions(const CaseParams& params) {
  RingOptions options;
  IPCLAB_ASSIGN_OR_RETURN(options.sync, ParseRingSync(params.Text("sync")));
  IPCLAB_ASSIGN_OR_RETURN(options.huge_pages, ParseHugePages(params.Text("huge_pages")));
  options.populate = params.Bool("populate");
  options.layout.header_block = options.huge_pages == HugePages::kNone ? BasePageSize() : kHugePage;
  options.layout.capacity = params.Size("ring_bytes");
  options.layout.ring_count = params.Text("mode") == "pingpong" ? 2 : 1;
  return options;
}

absl::Status CheckRingHugetlbPool(absl::string_view workload, absl::string_view kind,
                                  const CaseParams& params, const RingOptions& options) {
  const size_t region = options.layout.bytes();
  return CheckHugetlbPool(
      options.huge_pages, region,
      absl::StrCat(workload, " huge_pages=hugetlb with ring_bytes=", params.Text("ring_bytes"),
                   " (a ", base::FormatSize(region), " ", kind, ")"));
}

absl::StatusOr<RingMemory> MapRingFile(int fd, const RingOptions& options, absl::string_view what) {
  RegionOptions region;
  region.huge_pages = options.huge_pages;
  region.shared = true;
  region.fd = fd;
  region.populate = false;  // populated below, for writing
  RingMemory memory;
  IPCLAB_ASSIGN_OR_RETURN(memory.region, MemoryRegion::Map(options.layout.bytes(), region, what));
  if (options.populate) {
    IPCLAB_RETURN_IF_ERROR(PopulateForWrite(memory.data(), options.layout.bytes(), what));
  }
  return memory;
}

absl::StatusOr<RingMemory> AttachRingSegment(int id, const RingOptions& options,
                                             absl::string_view what) {
  RingMemory memory;
  IPCLAB_ASSIGN_OR_RETURN(memory.attachment,
                          sys::SysvAttachment::Attach(id, options.layout.bytes()));
  char* data = memory.data();
  const size_t size = options.layout.bytes();
  if (options.huge_pages == HugePages::kThp) {
    if (::madvise(data, size, MADV_HUGEPAGE) != 0) {
      return base::ErrnoStatus(absl::StrCat("madvise(", what, ", MADV_HUGEPAGE)"), errno);
    }
  } else if (options.huge_pages == HugePages::kNone) {
    // EINVAL: a kernel without THP, nothing to switch off.
    if (::madvise(data, size, MADV_NOHUGEPAGE) != 0 && errno != EINVAL) {
      return base::ErrnoStatus(absl::StrCat("madvise(", what, ", MADV_NOHUGEPAGE)"), errno);
    }
  }
  if (options.populate) IPCLAB_RETURN_IF_ERROR(PopulateForWrite(data, size, what));
  return memory;
}

namespace {

absl::StatusOr<v1::RepetitionResult> RunRingTransfer(const CaseParams& params,
                                                     const RunContext& context,
                                                     const RingOptions& options,
                                                     RingBacking& backing) {
  const std::string& placement = params.Text("placement");
  IPCLAB_ASSIGN_OR_RETURN(std::vector<int> cpus, PlacementCpus(placement, 2));
  TransferPlan plan = MakeTransferPlan(params, options.layout.capacity, context.verify);
  plan.min_time_ns = static_cast<int64_t>(context.min_time_seconds * 1e9);
  // Read before the roles start: the setting the transfer ran under.
  const std::string thp_setting = options.huge_pages == HugePages::kThp && backing.thp_setting
                                      ? backing.thp_setting()
                                      : std::string();

  // sync=eventfd: two eventfds per ring, inherited by both roles.
  std::vector<base::Fd> event_fds;
  RingEvents events[2];
  std::vector<int> keep_fds = backing.keep_fds;
  if (options.sync == RingSync::kEventfd) {
    for (int ring = 0; ring < options.layout.ring_count; ++ring) {
      IPCLAB_ASSIGN_OR_RETURN(base::Fd data, sys::MakeEventFd());
      IPCLAB_ASSIGN_OR_RETURN(base::Fd space, sys::MakeEventFd());
      events[ring] = RingEvents{data.get(), space.get()};
      keep_fds.push_back(data.get());
      keep_fds.push_back(space.get());
      event_fds.push_back(std::move(data));
      event_fds.push_back(std::move(space));
    }
  }

  std::vector<RoleSpec> roles =
      TransferRoles(cpus, keep_fds, keep_fds, [&](RoleContext& role, bool producer) {
        RingEndpoint endpoint(options, producer, events, backing.map);
        return RunTransferRole(role, plan, producer, endpoint);
      });
  // With populate, where the faults land (and which counter sees them) is
  // the subject, so the perf event joins getrusage; otherwise it would tax
  // every context switch of the transfer (see RoleSpec::count_perf_faults).
  for (RoleSpec& role : roles) role.count_perf_faults = params.Bool("populate");
  RoleHooks hooks;
  hooks.after_phase = [&](int index) {
    return index == 0 && backing.after_setup ? backing.after_setup() : absl::OkStatus();
  };
  IPCLAB_ASSIGN_OR_RETURN(v1::RepetitionResult result,
                          RunTransfer(plan, placement, std::move(roles), hooks));
  for (const auto& [name, value] : backing.notes) (*result.mutable_notes())[name] = value;
  if (!thp_setting.empty()) (*result.mutable_notes())["thp_setting"] = thp_setting;
  (*result.mutable_notes())["ring_region_bytes"] = base::FormatSize(options.layout.bytes());
  return result;
}

}  // namespace

WorkloadOps RingWorkloadOps(RingKind kind) {
  WorkloadOps ops;
  ops.spec = std::move(kind.spec);
  ops.validate = ValidateRing;
  ops.expect = [fault_model = kind.fault_model](const CaseParams& params,
                                                const v1::HostInfo& host) {
    return RingExpectations(params, host, fault_model(params));
  };
  ops.run_repetition = [make_backing = kind.make_backing](
                           const CaseParams& params,
                           const RunContext& context) -> absl::StatusOr<v1::RepetitionResult> {
    IPCLAB_ASSIGN_OR_RETURN(RingOptions options, ParseRingOptions(params));
    IPCLAB_ASSIGN_OR_RETURN(RingBacking backing, make_backing(params, context, options));
    return RunRingTransfer(params, context, options, backing);
  };
  return ops;
}

std::string ShmemThpSettingNote() {
  const std::string shmem_enabled = ReadThpSetting("shmem_enabled");
  return absl::StrCat("/sys/kernel/mm/transparent_hugepage/shmem_enabled=",
                      shmem_enabled.empty() ? "(absent: no THP)" : shmem_enabled);
}

}  // namespace ipclab::workloads
