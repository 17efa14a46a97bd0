#include "workloads/catalog.h"

#include <memory>

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "base/metric_names.h"
#include "base/size.h"
#include "base/status_macros.h"
#include "workloads/expectation_bands.h"
#include "workloads/harness.h"
#include "workloads/hugepages.h"
#include "workloads/memory_region.h"

namespace ipclab::workloads {
namespace {

constexpr char kRole[] = "toucher";
constexpr uint64_t kDefaultRegionBytes = uint64_t{128} << 20;
constexpr uint64_t kMaxRegionBytes = uint64_t{1} << 40;

// The fault and memory tolerances: expectation_bands.h (kFaultRelative ...).

struct PageFaultPlan {
  uint64_t region_bytes = 0;
  HugePages huge_pages = HugePages::kNone;
  bool populate = false;
  bool shared = false;
  bool read = false;
  bool write = false;
  std::vector<std::string> phases;
};

absl::StatusOr<PageFaultPlan> MakePlan(const CaseParams& params) {
  PageFaultPlan plan;
  plan.region_bytes = params.Size("region_bytes");
  IPCLAB_ASSIGN_OR_RETURN(plan.huge_pages, ParseHugePages(params.Text("huge_pages")));
  plan.populate = params.Bool("populate");
  plan.shared = params.Bool("shared");
  const std::string& access = params.Text("access");
  plan.read = access == "read" || access == "read_then_write";
  plan.write = access == "write" || access == "read_then_write";
  plan.phases.push_back("setup");
  if (plan.read) plan.phases.push_back("read");
  if (plan.write) plan.phases.push_back("write");
  plan.phases.push_back("teardown");
  return plan;
}

std::string CaseName(const PageFaultPlan& plan) {
  return absl::StrCat("page_fault region_bytes=", base::FormatSize(plan.region_bytes),
                      " huge_pages=", HugePagesName(plan.huge_pages));
}

// What one first touch of every page costs on this host, for Expect.
struct FaultModel {
  uint64_t touch_faults = 0;  // faults to touch every page once
  std::string pages_text;     // "4 KiB pages", "2 MiB transparent huge pages", ...
  std::string memory_metric;  // where the memory shows: rss_anon / rss_shmem / hugetlb
  std::string memory_text;
  bool thp = false;        // THP requested and the host honours it
  std::string thp_caveat;  // THP requested but not honoured: why
};

FaultModel ModelFor(const PageFaultPlan& plan, const v1::HostInfo& host) {
  FaultModel model;
  const uint64_t region = plan.region_bytes;
  const uint64_t hugetlb = HugetlbPageSize(plan.huge_pages);
  if (hugetlb != 0) {
    model.touch_faults = region / hugetlb;
    model.pages_text = absl::StrCat(HugePageSizeName(hugetlb), " hugetlb pages");
    model.memory_metric = "hugetlb_delta_bytes";
    model.memory_text = "HugetlbPages";
    return model;
  }
  model.memory_metric = plan.shared ? "rss_shmem_delta_bytes" : "rss_anon_delta_bytes";
  model.memory_text = plan.shared ? "RssShmem" : "RssAnon";
  if (plan.huge_pages == HugePages::kThp) {
    // Private anonymous THP follows transparent_hugepage/enabled (a HostInfo
    // fact); shared anonymous memory is shmem and follows shmem_enabled,
    // which HostInfo does not carry yet, so it is read here (Expect runs on
    // the host that measures).
    const std::string setting = plan.shared ? host.thp_shmem_enabled() : host.thp_enabled();
    model.thp = plan.shared ? ShmemThpHonorsMadvise(setting) : ThpHonorsMadvise(setting);
    if (!model.thp) {
      model.thp_caveat = absl::StrCat(
          "THP requested but transparent_hugepage/", plan.shared ? "shmem_enabled" : "enabled", "=",
          setting.empty() ? "(absent)" : setting, " on this host: expect 4 KiB pages; ");
    }
  }
  if (model.thp) {
    model.touch_faults = region / kHugePage2MiB + TouchedPages(region % kHugePage2MiB);
    model.pages_text = "2 MiB transparent huge pages";
  } else {
    model.touch_faults = TouchedPages(region);
    model.pages_text = "4 KiB pages";
  }
  return model;
}

v1::WorkloadSpec PageFaultSpec() {
  v1::WorkloadSpec spec;
  spec.set_name("page_fault");
  spec.set_summary(
      "first-touch cost of memory: one process maps region_bytes and reads and/or writes one "
      "byte per 4 KiB page (also in huge mappings); per touch phase, messages = pages touched "
      "(messages_per_sec = pages/s, ns per page = wall_ns / messages) and bytes = region_bytes");
  *spec.add_params() = SizeParam("region_bytes", kDefaultRegionBytes, 4096, kMaxRegionBytes,
                                 "bytes mapped and touched; a multiple of the page size, of 2MiB "
                                 "for huge_pages=hugetlb, of 1GiB for hugetlb_1g");
  *spec.add_params() = EnumParam(
      "access", "write", {"write", "read", "read_then_write"},
      "write: store to every page; read: load from every page (private anonymous memory maps the "
      "shared zero page, so RSS does not grow); read_then_write: both, as two phases");
  *spec.add_params() = EnumParam(
      "huge_pages", "none", {"none", "thp", "hugetlb", "hugetlb_1g"},
      "none: 4 KiB pages (MADV_NOHUGEPAGE, even where THP is always); thp: 2 MiB-aligned + "
      "MADV_HUGEPAGE (private memory follows transparent_hugepage/enabled, shared memory "
      "follows .../shmem_enabled); hugetlb / hugetlb_1g: MAP_HUGETLB from the 2 MiB / 1 GiB pool, "
      "which must have enough free pages (the run refuses otherwise and says how to reserve them)");
  *spec.add_params() = BoolParam(
      "populate", false,
      "pre-fault the region in setup (MAP_POPULATE semantics; MADV_POPULATE_WRITE/READ after the "
      "huge-page advice for none/thp): getrusage counts those faults, the perf event does not");
  *spec.add_params() = BoolParam(
      "shared", false,
      "MAP_SHARED|MAP_ANONYMOUS (shmem: shows as RssShmem, reads allocate pages) instead of "
      "MAP_PRIVATE");
  spec.add_roles(kRole);
  for (const char* phase : {"setup", "read", "write", "teardown"}) spec.add_phases(phase);
  return spec;
}

absl::Status ValidatePageFault(const CaseParams& params) {
  IPCLAB_ASSIGN_OR_RETURN(PageFaultPlan plan, MakePlan(params));
  return ValidateRegionSize("region_bytes", plan.region_bytes, plan.huge_pages);
}

std::vector<v1::Expectation> ExpectPageFault(const CaseParams& params, const v1::HostInfo& host) {
  absl::StatusOr<PageFaultPlan> plan_or = MakePlan(params);
  if (!plan_or.ok()) return {};
  const PageFaultPlan& plan = *plan_or;
  const FaultModel model = ModelFor(plan, host);
  const uint64_t region = plan.region_bytes;
  const double region_value = static_cast<double>(region);
  const double faults = static_cast<double>(model.touch_faults);
  const bool hugetlb = HugetlbPageSize(plan.huge_pages) != 0;
  const bool perf = host.perf_events_allowed();
  const std::string region_text = base::FormatSize(region);
  std::vector<v1::Expectation> out;

  // Both fault counters, when they should agree.
  auto expect_faults = [&](const std::string& phase, double count, const std::string& why,
                           const std::string& if_deviated) {
    AppendFaultBands(phase, kRole, count, why, if_deviated, perf, out);
  };
  auto expect_memory = [&](const std::string& phase, const std::string& metric, double bytes,
                           const std::string& why, const std::string& if_deviated) {
    out.push_back(ExpectMemoryNear(phase, kRole, metric, bytes, why, if_deviated));
  };
  // THP: AnonHugePages should cover the region's whole 2 MiB ranges (>= 90%).
  auto expect_huge_memory = [&](const std::string& phase, const std::string& why) {
    if (plan.huge_pages != HugePages::kThp || plan.shared) return;
    const std::string metric = base::MetricName(phase, kRole, "anon_huge_pages_delta_bytes");
    if (!model.thp) {
      out.push_back(ExpectBand(metric, model.thp_caveat + "AnonHugePages stays 0", 0, 0, 0,
                               kCounterSmapsRollup,
                               "huge pages appeared although the host setting forbids them"));
      return;
    }
    const double huge = static_cast<double>(region / kHugePage2MiB * kHugePage2MiB);
    out.push_back(ExpectBand(metric, why, huge, 0.9 * huge, huge, kCounterSmapsRollup,
                             "THP fell back to 4 KiB pages: no free 2 MiB page and defrag "
                             "(transparent_hugepage/defrag) could not make one in time"));
  };
  const std::string fault_deviation =
      model.thp ? "THP fell back to 4 KiB pages for some 2 MiB ranges (each adds 511 faults)"
      : hugetlb ? "the kernel did not take one fault per hugetlb page"
                : "the kernel did not take one fault per 4 KiB page: fewer means larger folios "
                  "(THP or multi-size THP despite MADV_NOHUGEPAGE), more means retried faults";
  const std::string one_per_page = absl::StrCat(
      "one fault per ", hugetlb || model.thp ? "huge page" : "page", " (", model.touch_faults, ")");
  // "64MiB written through 4 KiB pages: one fault per page (16384)".
  auto through = [&](const char* verb) {
    return absl::StrCat(model.thp_caveat, region_text, " ", verb, " through ", model.pages_text,
                        ": ", one_per_page);
  };

  // setup: mmap alone takes no faults; populate takes them all here.
  if (plan.populate) {
    out.push_back(
        ExpectNear(base::MetricName("setup", kRole, "minor_faults"),
                   absl::StrCat("populate=true: ", through("populated"), ", counted by getrusage"),
                   faults, kFaultRelative, kFaultAbsolute, kCounterGetrusage,
                   "the region was not populated in setup"));
    if (perf) {
      out.push_back(ExpectNear(base::MetricName("setup", kRole, "perf_page_faults"),
                               "populate=true: faults taken by the kernel while populating do not "
                               "fire the perf page-fault event",
                               0, kFaultRelative, kFaultAbsolute, kCounterPerfEvent,
                               "the perf event counted populate faults: this kernel accounts "
                               "get_user_pages faults like user faults"));
    }
    expect_memory(
        "setup", model.memory_metric, region_value,
        absl::StrCat("populate=true: ", model.memory_text, " grows by ", region_text, " in setup"),
        "the region was not populated in setup");
    expect_huge_memory(
        "setup", absl::StrCat("populate=true with THP: AnonHugePages grows by about ", region_text,
                              " in setup (at least 90%)"));
  } else {
    out.push_back(ExpectNear(base::MetricName("setup", kRole, "minor_faults"),
                             "mmap only reserves address space: no faults before the first touch",
                             0, kFaultRelative, kFaultAbsolute, kCounterGetrusage,
                             "setup touched memory it should not have"));
  }
  if (hugetlb) {
    // Counted in VmRSS, hugetlb memory would show in steps of a whole 2 MiB
    // page; half a page of slack leaves room for the role's own heap and
    // the code pages a phase touches first (~270 KiB seen in setup).
    for (const std::string& phase : plan.phases) {
      if (phase == "teardown") continue;
      out.push_back(ExpectNear(base::MetricName(phase, kRole, "vm_rss_delta_bytes"),
                               "hugetlb memory is not counted in VmRSS (only in HugetlbPages)", 0,
                               kMemoryRelative, static_cast<double>(kHugePage2MiB / 2),
                               kCounterProcStatus,
                               "hugetlb pages were counted in VmRSS, or something else grew the "
                               "RSS"));
    }
  }

  if (plan.read) {
    if (plan.populate) {
      expect_faults("read", 0, "populate=true: every page is already mapped, reads take no fault",
                    "pages were not pre-faulted in setup");
    } else {
      expect_faults("read", faults, through("read"), fault_deviation);
      if (hugetlb) {
        expect_memory("read", model.memory_metric, region_value,
                      absl::StrCat("hugetlb has no zero page: reading allocates the huge pages, ",
                                   model.memory_text, " grows by ", region_text),
                      "reads did not allocate hugetlb pages");
      } else if (plan.shared) {
        expect_memory("read", model.memory_metric, region_value,
                      absl::StrCat("shared memory has no zero page: reading allocates shmem "
                                   "pages, RssShmem grows by ",
                                   region_text),
                      "reads of shared memory did not allocate pages");
      } else {
        expect_memory("read", "rss_anon_delta_bytes", 0,
                      model.thp ? "reads map the huge zero page: RssAnon does not grow"
                                : "reads map the shared zero page: RssAnon does not grow",
                      model.thp ? "reads allocated real pages: the huge zero page is disabled "
                                  "(transparent_hugepage/use_zero_page=0)"
                                : "reads allocated real pages instead of mapping the zero page");
        if (model.thp) {
          expect_memory("read", "anon_huge_pages_delta_bytes", 0,
                        "the huge zero page is not counted in AnonHugePages",
                        "reads allocated real huge pages (use_zero_page=0)");
        }
      }
    }
  }

  if (plan.write) {
    const bool mapped_writable = plan.populate || (plan.read && plan.shared);
    const bool instantiated = plan.populate || (plan.read && (plan.shared || hugetlb));
    if (plan.populate) {
      expect_faults("write", 0,
                    "populate=true: every page is already mapped writable, writes take no fault",
                    "pages were not pre-faulted in setup");
    } else if (mapped_writable) {
      expect_faults("write", 0,
                    "the read faults mapped the shared pages writable: the writes take no fault",
                    "shared pages were mapped read-only after the read (write-notify)");
    } else if (plan.read && hugetlb) {
      // The write upgrades each huge page's mapping in place (no copy, no TLB
      // flush). Where a hypervisor backs the guest's huge page with 4 KiB
      // pages the TLB holds per-4 KiB read-only pieces of it, and each stale
      // piece costs one more (spurious) fault: measured here 8 to 445 faults
      // for 8 huge pages. So: at least one per huge page, at most one per
      // 4 KiB page touched.
      const double most = static_cast<double>(TouchedPages(region));
      const std::string why = absl::StrCat(
          "the reads mapped the private hugetlb pages read-only: writing faults once more per "
          "huge page (",
          model.touch_faults,
          "; no copy), plus a spurious fault per stale read-only 4 KiB TLB entry where a "
          "hypervisor splits the huge page (at most one per 4 KiB page)");
      const std::string if_deviated =
          "the writes did not fault as a read-only hugetlb mapping must";
      out.push_back(ExpectBand(base::MetricName("write", kRole, "minor_faults"), why, faults,
                               faults, most, kCounterGetrusage, if_deviated));
      if (perf) {
        out.push_back(ExpectBand(base::MetricName("write", kRole, "perf_page_faults"), why, faults,
                                 faults, most, kCounterPerfEvent, if_deviated));
      }
    } else if (plan.read) {
      expect_faults("write", faults,
                    absl::StrCat(model.thp_caveat, "the writes replace the ",
                                 model.thp ? "huge " : "", "zero page: ", one_per_page, " again"),
                    fault_deviation);
    } else {
      expect_faults("write", faults, through("written"), fault_deviation);
    }
    if (instantiated) {
      expect_memory("write", model.memory_metric, 0,
                    absl::StrCat("the pages exist already: ", model.memory_text, " does not grow"),
                    "writes allocated memory again");
    } else {
      expect_memory("write", model.memory_metric, region_value,
                    absl::StrCat(model.memory_text, " grows by ", region_text),
                    plan.shared ? "shared pages were not allocated by the writes"
                                : "private pages were not allocated by the writes");
      expect_huge_memory(
          "write", absl::StrCat("AnonHugePages grows by about ", region_text, " (at least 90%)"));
    }
  }
  return out;
}

absl::StatusOr<v1::RepetitionResult> RunPageFaultRepetition(const CaseParams& params,
                                                            const RunContext& /*context*/) {
  IPCLAB_ASSIGN_OR_RETURN(PageFaultPlan plan, MakePlan(params));
  IPCLAB_RETURN_IF_ERROR(CheckHugetlbPool(plan.huge_pages, plan.region_bytes, CaseName(plan)));
  RegionOptions options;
  options.huge_pages = plan.huge_pages;
  options.populate = plan.populate;
  options.shared = plan.shared;

  RoleSpec toucher;
  toucher.name = kRole;
  toucher.count_perf_faults = true;
  toucher.body = [&](RoleContext& role) -> absl::Status {
    MemoryRegion region;
    IPCLAB_RETURN_IF_ERROR(role.RunPhase([&]() -> absl::StatusOr<PhaseWork> {
      IPCLAB_ASSIGN_OR_RETURN(region,
                              MemoryRegion::Map(plan.region_bytes, options, "page_fault region"));
      // With populate, setup touched every page: report them like a touch phase.
      if (plan.populate) return PhaseWork{plan.region_bytes, TouchedPages(plan.region_bytes)};
      return PhaseWork{};
    }));
    if (plan.read) {
      IPCLAB_RETURN_IF_ERROR(role.RunPhase([&]() -> absl::StatusOr<PhaseWork> {
        return PhaseWork{plan.region_bytes, ReadEveryPage(region.data(), region.size())};
      }));
    }
    if (plan.write) {
      IPCLAB_RETURN_IF_ERROR(role.RunPhase([&]() -> absl::StatusOr<PhaseWork> {
        return PhaseWork{plan.region_bytes, WriteEveryPage(region.data(), region.size())};
      }));
    }
    return role.RunPhase([&]() -> absl::StatusOr<PhaseWork> {
      region.Reset();
      return PhaseWork{};
    });
  };
  RoleHooks hooks;
  std::vector<RoleSpec> roles;
  roles.push_back(std::move(toucher));
  IPCLAB_ASSIGN_OR_RETURN(RolesOutcome outcome,
                          RunRoles(plan.phases, "none", std::move(roles), hooks));
  v1::RepetitionResult result = std::move(outcome.result);
  if (plan.huge_pages == HugePages::kThp) {
    (*result.mutable_notes())[plan.shared ? "thp_shmem_enabled" : "thp_enabled"] =
        ReadThpSetting(plan.shared ? "shmem_enabled" : "enabled");
  }
  return result;
}

}  // namespace

WorkloadOps PageFaultOps() {
  return {PageFaultSpec(), ValidatePageFault, ExpectPageFault, RunPageFaultRepetition};
}

}  // namespace ipclab::workloads
