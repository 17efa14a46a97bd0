// RingExpectations (ring_workload.h): what the kernel should do for a ring
// transfer case - faults per phase and role, memory growth - reasoned from
// the ring's size, page size, populate and fault-around.
#include <sys/mman.h>
#include <unistd.h>
#include <algorithm>
#include <cerrno>
#include <cmath>
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
#include "workloads/ring_workload.h"
#include "workloads/sys/event_fd.h"
#include "workloads/transfer.h"

namespace ipclab::workloads {

namespace {

// The default of /sys/kernel/debug/fault_around_bytes: a read fault on a file
// mapping maps the cached pages of the aligned 64 KiB around it.
constexpr uint64_t kFaultAroundBytes = 64 << 10;

uint64_t CeilDiv(uint64_t value, uint64_t unit) { return (value + unit - 1) / unit; }

// The numbers RingExpectations reasons with, per ring and phase.
struct RingFacts {
  RingOptions options;
  uint64_t page = 4096;
  uint64_t unit = 4096;            // what one fault maps: a page, or a 2 MiB huge page
  uint64_t warm_ring = 0;          // bytes of each ring first touched in warm
  uint64_t all_ring = 0;           // ... by the end of steady
  uint64_t setup_extra_pages = 0;  // message buffers and latency samples touched in setup
  bool pingpong = false;
  std::string unit_name;
};

std::string Bytes(uint64_t bytes) { return base::FormatSize(bytes); }

}  // namespace

std::vector<v1::Expectation> RingExpectations(const CaseParams& params, const v1::HostInfo& host,
                                              const RingFaultModel& model) {
  absl::StatusOr<RingOptions> parsed = ParseRingOptions(params);
  if (!parsed.ok()) return {};
  RingFacts f;
  f.options = *parsed;
  f.page = host.page_size_bytes() != 0 ? host.page_size_bytes() : BasePageSize();
  const HugePages huge_pages = f.options.huge_pages;
  const bool huge = huge_pages != HugePages::kNone;
  f.unit = huge ? kHugePage2MiB : f.page;
  f.unit_name = huge ? "2 MiB page" : absl::StrCat(f.page / 1024, " KiB page");
  f.pingpong = f.options.layout.ring_count == 2;
  const uint64_t capacity = f.options.layout.capacity;
  const TransferPlan plan = MakeTransferPlan(params, capacity, false);
  const uint64_t steady_bytes =
      f.pingpong ? plan.total_bytes / plan.message_size * plan.message_size : plan.total_bytes;
  f.warm_ring = std::min(plan.warm_bytes, capacity);
  f.all_ring = std::min(plan.warm_bytes + steady_bytes, capacity);
  f.setup_extra_pages = CeilDiv(2 * plan.message_size, f.page);
  if (f.pingpong) f.setup_extra_pages += CeilDiv(plan.total_bytes / plan.message_size * 8, f.page);

  const uint64_t region = f.options.layout.bytes();
  const std::string header_note =
      absl::StrCat(" plus 1 for the header ", huge ? "block (a 2 MiB page)" : "page");
  const std::string thp_deviation =
      absl::StrCat("THP fell back to 4 KiB pages (about 512 times the faults): ", model.thp_rule,
                   "; the run's notes say which setting applied");
  const bool fault_around = model.read_fault_around && !huge;

  // Fault bands for writing / reading `bytes` of fresh ring.
  auto writes = [&](uint64_t bytes) { return static_cast<double>(CeilDiv(bytes, f.unit)); };
  // Fault-around maps the already-written pages of the aligned 64 KiB window
  // around a read fault. In pingpong only the message just written is there,
  // so each fault maps one message's pages (at least one page, at most the
  // window). In a stream the writer is usually ahead: one fault per window
  // when messages fill whole windows (two when a message straddles a window
  // the writer has not finished), up to one per page for small messages
  // read right behind the writer. On a disk file the writer's first fault
  // read ahead a whole range of (zero) pages into the page cache, so every
  // window is fully cached when the reader gets there.
  const uint64_t message = plan.message_size;
  const bool whole_windows = model.faults_may_retry;
  const uint64_t per_read_fault = f.pingpong && !whole_windows
                                      ? std::min(std::max(message, f.page), kFaultAroundBytes)
                                      : kFaultAroundBytes;
  auto reads_low = [&](uint64_t bytes) {
    return static_cast<double>(fault_around ? CeilDiv(bytes, per_read_fault)
                                            : CeilDiv(bytes, f.unit));
  };
  auto reads_high = [&](uint64_t bytes) {
    if (!fault_around || (f.pingpong && !whole_windows)) return reads_low(bytes);
    if (message >= kFaultAroundBytes || whole_windows) return 2 * reads_low(bytes) + 1;
    return static_cast<double>(CeilDiv(bytes, f.unit));
  };
  const std::string read_rule =
      !fault_around ? (huge ? "one fault per 2 MiB page read"
                            : "one fault per page read (SysV segments have no fault-around)")
      : whole_windows
          ? "read faults map the 16 pages of their 64 KiB window, which the writer's faults "
            "already read ahead into the page cache (fault-around): one per 64 KiB, two "
            "where a window was not yet complete"
      : f.pingpong ? absl::StrCat(
                         "each read fault maps the pages of the one message just written "
                         "(fault-around finds nothing else cached): one per ",
                         Bytes(per_read_fault))
      : message >= kFaultAroundBytes
          ? "read faults map the 16 already-written pages of their 64 KiB window "
            "(fault-around): one per 64 KiB, two where a message straddles a window "
            "the writer had not finished"
          : "read faults map the already-written pages of their 64 KiB window "
            "(fault-around): between one per 64 KiB and one per page, depending on "
            "how far the writer is ahead";
  const std::string write_rule =
      absl::StrCat("one fault per ", f.unit_name, " written (write faults get no fault-around)");
  auto deviation = [&](const std::string& generic) {
    return huge_pages == HugePages::kThp ? absl::StrCat(thp_deviation, "; or: ", generic) : generic;
  };

  // On a disk file the kernel retries a fault that had to wait (for a page
  // lock the other role holds, or for readahead), and a retried fault counts
  // as major although no I/O happened: measured on ext4, 1 of 257 in the warm
  // pass, and 25-43 of 289 when both roles populate the file at once. So the
  // minor count may fall short of the pages by up to a quarter (or
  // kFaultNoise) there.
  auto low = [&](double expected) {
    if (!model.faults_may_retry) return expected;
    return std::max(0.0, std::floor(expected - std::max(kFaultNoise, 0.25 * expected)));
  };
  std::vector<v1::Expectation> out;
  if (f.options.populate) {
    for (const char* role : {"producer", "consumer"}) {
      const double populated = static_cast<double>(CeilDiv(region, f.unit));
      const double extra = static_cast<double>(f.setup_extra_pages);
      out.push_back(ExpectBand(
          base::MetricName("setup", role, "minor_faults"),
          absl::StrCat("populate=true: MADV_POPULATE_WRITE faults in the whole ", Bytes(region),
                       " region, one fault per ", f.unit_name, " (", populated, "), plus up to ",
                       extra,
                       " for the message buffers; getrusage counts these, the perf page-fault "
                       "event does not"),
          populated + extra, low(populated), populated + extra + kFaultNoise, kCounterGetrusage,
          deviation("fewer: the region was not populated page by page; more: populate did not "
                    "use the expected page size")));
      if (host.perf_events_allowed()) {
        out.push_back(ExpectBand(
            base::MetricName("setup", role, "perf_page_faults"),
            absl::StrCat("the perf page-fault event does not see populate's faults (the kernel "
                         "takes them in get_user_pages, not by a trapping access): only the "
                         "message buffers' ",
                         extra),
            extra, 0, extra + kFaultNoise, kCounterPerfEvent,
            "the perf counter saw the populate faults: this kernel counts faults taken by "
            "get_user_pages as trapping ones"));
      }
      out.push_back(NoFaultsExpectation(
          "warm", role,
          "populate=true: setup already mapped every page, the first pass takes no faults",
          "the populated pages were not all mapped (reclaimed, or populate skipped some)"));
    }
    const double region_bytes = static_cast<double>(region);
    if (huge_pages == HugePages::kHugetlb) {
      out.push_back(ExpectBand(base::MetricName("setup", "producer", "hugetlb_delta_bytes"),
                               absl::StrCat("populate=true with hugetlb: the whole ", Bytes(region),
                                            " region is mapped in setup, in HugetlbPages"),
                               region_bytes, region_bytes, region_bytes, kCounterProcStatus,
                               "the region is not (all) hugetlb memory"));
    } else {
      // On a disk file VmRSS also counts the anonymous message buffers.
      const double buffers = model.memory_metric == "vm_rss_delta_bytes"
                                 ? static_cast<double>(f.setup_extra_pages * f.page)
                                 : 0;
      out.push_back(ExpectBand(base::MetricName("setup", "producer", model.memory_metric),
                               absl::StrCat("populate=true: the whole ", Bytes(region),
                                            " region is resident after setup"),
                               region_bytes + buffers, region_bytes,
                               region_bytes + buffers + 256.0 * 1024, kCounterProcStatus,
                               deviation("populate did not make the whole region resident")));
    }
  } else {
    const double header = 1;
    const double producer_low =
        header + writes(f.warm_ring) + (f.pingpong ? reads_low(f.warm_ring) : 0);
    const double producer_high =
        header + writes(f.warm_ring) + (f.pingpong ? reads_high(f.warm_ring) : 0);
    // With fault-around the consumer's first read of the header page may map
    // the first data pages too, so the header fault is not certain.
    const double consumer_low = (fault_around ? 0 : header) +
                                (f.pingpong ? writes(f.warm_ring) : 0) + reads_low(f.warm_ring);
    const double consumer_high =
        header + (f.pingpong ? writes(f.warm_ring) : 0) + reads_high(f.warm_ring);
    const std::string touched =
        absl::StrCat(Bytes(f.warm_ring), " of fresh ring", f.pingpong ? " in each direction" : "");
    // The warm faults of `role`, which `does` ("writes") the fresh ring by
    // `rule` and in pingpong `echoes` ("reads") the echoes by `echo_rule`.
    auto warm_faults = [&](const char* role, const char* does, const std::string& rule,
                           const char* echoes, const std::string& echo_rule, double expected,
                           double high, const std::string& generic) {
      out.push_back(ExpectBand(
          base::MetricName("warm", role, "minor_faults"),
          absl::StrCat("warm: the ", role, " ", does, " ", touched, ": ", rule,
                       f.pingpong ? absl::StrCat(", and ", echoes, " the echoes: ", echo_rule) : "",
                       header_note),
          expected, low(expected), high + kFaultNoise, kCounterGetrusage, deviation(generic)));
    };
    warm_faults("producer", "writes", write_rule, "reads", read_rule, producer_low, producer_high,
                "more faults than pages written: something else faulted in this phase; fewer: "
                "the ring was already mapped (populated, or reused)");
    warm_faults("consumer", "reads", read_rule, "writes", write_rule, consumer_low, consumer_high,
                fault_around
                    ? "more than one fault per page: fault-around did not happen (a kernel "
                      "without map_pages for this file system, or fault_around_bytes lowered)"
                    : "fewer faults than pages: the kernel mapped several pages per read fault "
                      "(fault-around) where none was expected");
    // Memory: the producer maps the header and what it wrote (and read).
    const uint64_t mapped = f.unit + static_cast<uint64_t>(f.options.layout.ring_count) *
                                         CeilDiv(f.warm_ring, f.unit) * f.unit;
    if (huge_pages == HugePages::kHugetlb) {
      out.push_back(ExpectBand(
          base::MetricName("warm", "producer", "hugetlb_delta_bytes"),
          absl::StrCat("hugetlb: the producer's ", Bytes(mapped),
                       " of touched ring are 2 MiB hugetlb pages, counted in HugetlbPages"),
          static_cast<double>(mapped), static_cast<double>(mapped), static_cast<double>(mapped),
          kCounterProcStatus,
          "the ring is not made of hugetlb pages, or was mapped before this phase"));
      out.push_back(ExpectBand(
          base::MetricName("warm", "producer", "vm_rss_delta_bytes"),
          "hugetlb pages are not counted in VmRSS: it stays flat although the ring was touched", 0,
          -256.0 * 1024, 256.0 * 1024, kCounterProcStatus,
          "VmRSS grew: the ring is not hugetlb memory (or something else allocated)"));
    } else {
      out.push_back(ExpectBand(
          base::MetricName("warm", "producer", model.memory_metric),
          absl::StrCat("the producer maps the header ", huge ? "block" : "page",
                       " and the ring it touched: ", Bytes(mapped)),
          static_cast<double>(mapped), static_cast<double>(mapped),
          static_cast<double>(mapped) + 256.0 * 1024, kCounterProcStatus,
          deviation("the ring's pages were not all mapped by the producer in this phase")));
    }
  }
  // Steady: the ring is already mapped, unless the warm pass did not cover it.
  const uint64_t new_bytes = f.all_ring - f.warm_ring;
  const std::string steady_deviation =
      "the steady phase took faults: the ring's pages were unmapped or write-protected after "
      "the warm pass (reclaim, swap, or on a disk file writeback: cleaned pages are "
      "write-protected and each re-dirtying takes a fault)";
  for (const char* role : {"producer", "consumer"}) {
    if (new_bytes == 0 || f.options.populate) {
      out.push_back(NoFaultsExpectation("steady", role,
                                        "the warm phase (or populate) mapped the whole ring: the "
                                        "measured transfer takes no faults",
                                        steady_deviation));
    } else {
      const bool writer = std::string(role) == "producer" || f.pingpong;
      const double low = writer ? writes(f.all_ring) - writes(f.warm_ring) : 0;
      const double high =
          writes(f.all_ring) - writes(f.warm_ring) + (f.pingpong ? writes(f.all_ring) : 0);
      out.push_back(ExpectBand(
          base::MetricName("steady", role, "minor_faults"),
          absl::StrCat("the warm pass touched ", Bytes(f.warm_ring), " of the ", Bytes(capacity),
                       " ring; steady faults in the next ", Bytes(new_bytes)),
          low, low, high + kFaultNoise, kCounterGetrusage, steady_deviation));
    }
  }
  return out;
}

}  // namespace ipclab::workloads
