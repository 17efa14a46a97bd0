#include "results/report/matrix_summary.h"

#include <algorithm>
#include <iterator>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "base/size.h"
#include "results/format/format.h"
#include "results/model/case_view.h"
#include "results/model/summary.h"
#include "results/report/table_cells.h"
#include "results/report/text_table.h"

namespace ipclab::results {
namespace {

using Align = TextTable::Align;

// The summary must be readable on an 80-column terminal.
constexpr size_t kSummaryWidth = 80;
constexpr double kMiB = 1024.0 * 1024.0;

constexpr const char* kTransportOrder[] = {"pipe", "unix_socket", "shm_posix", "shm_sysv",
                                           "mmap_file"};

std::string Param(const v1::CaseResult& result, const char* name) {
  const auto& params = result.case_().params();
  auto it = params.find(name);
  return it == params.end() ? "" : it->second;
}

// Rows sort by CPUs: both roles on one CPU, on two, wherever.
int CpusOrder(const std::string& placement) {
  if (placement == "same") return 0;
  if (placement == "cross") return 1;
  return 2;
}

std::string CpusText(const std::string& placement) {
  if (placement == "same") return "1 CPU";
  if (placement == "cross") return "2 CPUs";
  return "any CPU";
}

// Three significant digits without a unit (the table's title has it).
std::string Figure(double value) {
  if (value >= 100) return absl::StrFormat("%.0f", value);
  if (value >= 10) return absl::StrFormat("%.1f", value);
  if (value >= 1) return absl::StrFormat("%.2f", value);
  return absl::StrFormat("%.3g", value);
}

// `text` broken at spaces into lines of at most kSummaryWidth columns, the
// continuation lines indented by two spaces.
void PrintWrapped(const std::string& text, std::ostream* out) {
  std::string line;
  for (absl::string_view word : absl::StrSplit(text, ' ', absl::SkipEmpty())) {
    if (!line.empty() && DisplayWidth(line) + 1 + DisplayWidth(word) > kSummaryWidth) {
      *out << line << "\n";
      line = "  ";
    }
    if (!line.empty() && line != "  ") line += " ";
    absl::StrAppend(&line, word);
  }
  if (!line.empty()) *out << line << "\n";
}

// The sum over the roles of `phase` of their medians of `metric`.
std::optional<double> RoleSum(const CaseView& view, const std::string& phase, const char* metric) {
  std::optional<double> total;
  for (const auto& [name, roles] : view.phases()) {
    if (name != phase) continue;
    for (const std::string& role : roles) {
      if (std::optional<double> median = view.Median(MetricName(phase, role, metric))) {
        total = total.value_or(0.0) + *median;
      }
    }
  }
  return total;
}

// Context switches (voluntary and involuntary, all roles) in `phase`.
std::optional<double> ContextSwitches(const CaseView& view, const std::string& phase) {
  std::optional<double> voluntary = RoleSum(view, phase, "voluntary_context_switches");
  std::optional<double> involuntary = RoleSum(view, phase, "involuntary_context_switches");
  if (!voluntary.has_value()) return std::nullopt;
  return *voluntary + involuntary.value_or(0.0);
}

// The share of the roles' CPU time spent in the kernel during `phase`.
std::optional<double> SystemShare(const CaseView& view, const std::string& phase) {
  std::optional<double> user = RoleSum(view, phase, "user_cpu_ns");
  std::optional<double> system = RoleSum(view, phase, "system_cpu_ns");
  if (!user.has_value() || !system.has_value() || *user + *system <= 0) return std::nullopt;
  return *system / (*user + *system);
}

// The median of `metric` in the case's headline phase, in units of `unit`
// (1e9: bytes/s as GB/s).
std::optional<double> HeadlineMedian(const CaseView& view, const std::string& metric, double unit) {
  const std::optional<double> median = view.Median(MetricName(view.headline_phase(), metric));
  if (!median.has_value()) return std::nullopt;
  return *median / unit;
}

// Context switches per MiB moved in the headline phase.
std::optional<double> SwitchesPerMiB(const CaseView& view) {
  const std::string& phase = view.headline_phase();
  const std::optional<double> switches = ContextSwitches(view, phase);
  const std::optional<double> bytes = view.Median(MetricName(phase, "bytes"));
  if (!switches.has_value() || !bytes.has_value() || *bytes <= 0) return std::nullopt;
  return *switches / (*bytes / kMiB);
}

// Context switches per round trip in the headline phase.
std::optional<double> SwitchesPerRoundTrip(const CaseView& view) {
  const std::string& phase = view.headline_phase();
  const std::optional<double> switches = ContextSwitches(view, phase);
  const std::optional<double> rate = view.Median(MetricName(phase, "messages_per_sec"));
  const std::optional<double> wall = view.Median(MetricName(phase, "wall_ns"));
  if (!switches.has_value() || !rate.has_value() || !wall.has_value() || *rate <= 0) {
    return std::nullopt;
  }
  return *switches / (*rate * *wall / 1e9);
}

// A ranked table and the "why" line under it. A case's figure is the median
// of `metric` in its headline phase, in units of `unit`.
struct Ranking {
  const char* heading;
  const char* title;  // the first column's
  const char* metric;
  double unit;
  bool higher_is_better;
  const char* better;  // "fast": the best is "4.0x as fast as" the worst

  std::optional<double> Figure(const CaseView& view) const {
    return HeadlineMedian(view, metric, unit);
  }
};

constexpr Ranking kStreamRanking = {
    "\nStream bandwidth, median GB/s, higher is better (1 CPU: both roles on one)\n",
    "stream GB/s",
    "throughput_bytes_per_sec",
    1e9,
    true,
    "fast"};
constexpr Ranking kRoundTripRanking = {"\nRound trip, median p50 in µs, lower is better\n",
                                       "round trip µs",
                                       "latency_p50_ns",
                                       1e3,
                                       false,
                                       "quick"};

// The cases of one host's runs, by what they measure.
class HostSummary final {
 public:
  void Add(const v1::RunResult& run, const v1::CaseResult& result) {
    if (result.status() != v1::SUCCEEDED) return;
    views_.push_back(std::make_unique<CaseView>(result));
    const CaseView* view = views_.back().get();
    const std::string workload = run.workload();
    if (workload == "page_fault" || workload == "cow_private") {
      faults_.push_back({workload, view});
      return;
    }
    const std::string mode = Param(result, "mode");
    if (mode != "stream" && mode != "pingpong") return;
    absl::StatusOr<uint64_t> size = base::ParseSize(Param(result, "message_size"));
    if (!size.ok()) return;
    if (std::find(transports_.begin(), transports_.end(), workload) == transports_.end()) {
      transports_.push_back(workload);
    }
    const std::string placement = Param(result, "placement");
    RowKey key{*size, CpusOrder(placement), placement};
    (mode == "stream" ? streams_ : pingpongs_)[key][workload] = view;
  }

  bool empty() const { return streams_.empty() && pingpongs_.empty() && faults_.empty(); }

  void Print(std::ostream* out) {
    SortTransports();
    if (!streams_.empty()) PrintStreams(out);
    if (!pingpongs_.empty()) PrintPingpongs(out);
    if (!faults_.empty()) PrintFaults(out);
  }

 private:
  struct RowKey {
    uint64_t message_size;
    int cpus_order;
    std::string placement;
    bool operator<(const RowKey& other) const {
      return std::tie(message_size, cpus_order, placement) <
             std::tie(other.message_size, other.cpus_order, other.placement);
    }
  };
  using Rows = std::map<RowKey, std::map<std::string, const CaseView*>>;

  struct FaultCase {
    std::string workload;
    const CaseView* view;
  };

  void SortTransports() {
    std::vector<std::string> sorted;
    for (const char* known : kTransportOrder) {
      if (std::find(transports_.begin(), transports_.end(), known) != transports_.end()) {
        sorted.push_back(known);
      }
    }
    for (const std::string& other : transports_) {
      if (std::find(sorted.begin(), sorted.end(), other) == sorted.end()) sorted.push_back(other);
    }
    transports_ = std::move(sorted);
  }

  static std::string RowLabel(const RowKey& key) {
    return absl::StrCat(FormatBytes(static_cast<double>(key.message_size)), " ",
                        CpusText(key.placement));
  }

  // One table: a row per key, a column per transport, the best named.
  // `value` gives a case's figure; `higher_is_better` ranks them.
  template <typename Value>
  void PrintRanking(const std::string& title, const Rows& rows, Value value, bool higher_is_better,
                    std::ostream* out) {
    std::vector<TextTable::Column> columns = {{title}};
    for (const std::string& transport : transports_) columns.push_back({transport, Align::kRight});
    columns.push_back({higher_is_better ? "fastest" : "quickest"});
    TextTable table(std::move(columns));
    table.set_rule(false);  // short tables; the first screen holds every answer
    for (const auto& [key, by_transport] : rows) {
      std::vector<std::string> cells = {RowLabel(key)};
      std::string best;
      double best_value = 0;
      for (const std::string& transport : transports_) {
        auto it = by_transport.find(transport);
        std::optional<double> figure;
        if (it != by_transport.end()) figure = value(*it->second);
        cells.push_back(figure.has_value() ? Figure(*figure) : "-");
        if (figure.has_value() &&
            (best.empty() || (higher_is_better ? *figure > best_value : *figure < best_value))) {
          best = transport;
          best_value = *figure;
        }
      }
      cells.push_back(OrDash(best));
      table.AddRow(std::move(cells));
    }
    table.Print(out);
  }

  // The row the "why" line explains: 64 KiB across two CPUs when measured,
  // else the last row (the largest size, the most CPUs).
  static Rows::const_iterator WhyRow(const Rows& rows) {
    for (auto it = rows.begin(); it != rows.end(); ++it) {
      if (it->first.message_size == 64 * 1024 && it->first.placement == "cross") return it;
    }
    return std::prev(rows.end());
  }

  // The best and the worst transport of `row` by `value`.
  template <typename Value>
  static std::pair<std::string, std::string> Extremes(
      const std::map<std::string, const CaseView*>& row, Value value, bool higher_is_better) {
    std::string best, worst;
    double best_value = 0, worst_value = 0;
    for (const auto& [transport, view] : row) {
      const std::optional<double> figure = value(*view);
      if (!figure.has_value()) continue;
      const bool better = higher_is_better ? *figure > best_value : *figure < best_value;
      const bool poorer = higher_is_better ? *figure < worst_value : *figure > worst_value;
      if (best.empty() || better) {
        best = transport;
        best_value = *figure;
      }
      if (worst.empty() || poorer) {
        worst = transport;
        worst_value = *figure;
      }
    }
    return {best, worst};
  }

  // The start of a "why" line and the two cases it compares: the best and
  // the worst transport of the row it explains.
  struct Why {
    std::string sentence;  // "why (64 KiB 2 CPUs): shm_posix is 4.0x as fast as pipe"
    const CaseView& best;
    const CaseView& worst;
  };

  // Prints the heading and the table of `ranking` over `rows`; the "why"
  // line to finish, or nullopt when the transports of its row do not differ.
  std::optional<Why> PrintRankingAndWhy(const Ranking& ranking, const Rows& rows,
                                        std::ostream* out) {
    auto figure = [&ranking](const CaseView& view) { return ranking.Figure(view); };
    *out << ranking.heading;
    PrintRanking(ranking.title, rows, figure, ranking.higher_is_better, out);
    const auto row = WhyRow(rows);
    const auto [best, worst] = Extremes(row->second, figure, ranking.higher_is_better);
    if (best.empty() || best == worst) return std::nullopt;
    const CaseView& best_view = *row->second.at(best);
    const CaseView& worst_view = *row->second.at(worst);
    const double ratio = ranking.higher_is_better ? *figure(best_view) / *figure(worst_view)
                                                  : *figure(worst_view) / *figure(best_view);
    return Why{absl::StrCat("why (", RowLabel(row->first), "): ", best, " is ",
                            absl::StrFormat("%.1fx", ratio), " as ", ranking.better, " as ", worst),
               best_view, worst_view};
  }

  void PrintStreams(std::ostream* out) {
    std::optional<Why> why = PrintRankingAndWhy(kStreamRanking, streams_, out);
    if (!why.has_value()) return;
    std::vector<std::string> facts;
    if (auto b = SwitchesPerMiB(why->best), w = SwitchesPerMiB(why->worst);
        b.has_value() && w.has_value()) {
      facts.push_back(absl::StrCat(Figure(*b), " vs ", Figure(*w), " context switches per MiB"));
    }
    if (auto b = SystemShare(why->best, why->best.headline_phase()),
        w = SystemShare(why->worst, why->worst.headline_phase());
        b.has_value() && w.has_value()) {
      facts.push_back(absl::StrCat(FormatPercent(*b, 0), " vs ", FormatPercent(*w, 0),
                                   " of CPU time in the kernel"));
    }
    if (!facts.empty()) absl::StrAppend(&why->sentence, " with ", absl::StrJoin(facts, " and "));
    PrintWrapped(why->sentence + ".", out);
  }

  void PrintPingpongs(std::ostream* out) {
    std::optional<Why> why = PrintRankingAndWhy(kRoundTripRanking, pingpongs_, out);
    if (!why.has_value()) return;
    if (auto b = SwitchesPerRoundTrip(why->best), w = SwitchesPerRoundTrip(why->worst);
        b.has_value() && w.has_value()) {
      absl::StrAppend(&why->sentence, " with ", absl::StrFormat("%.1f vs %.1f", *b, *w),
                      " context switches per round trip (each a sleep and a wake-up)");
    }
    PrintWrapped(why->sentence + ".", out);
  }

  // The phase whose cost a fault row shows: the access itself; for
  // read_then_write the write that replaces the zero page; for cow_private
  // the child's writes.
  static std::string FaultPhase(const FaultCase& c) {
    if (c.workload == "cow_private") return "child_write";
    const std::string access = Param(c.view->result(), "access");
    return access == "read" ? "read" : "write";
  }

  static std::string FaultRowLabel(const FaultCase& c) {
    const v1::CaseResult& result = c.view->result();
    if (c.workload == "cow_private") {
      const std::string backing = Param(result, "backing");
      return absl::StrCat("COW after fork, ", backing.empty() ? "anon" : backing);
    }
    std::string access = Param(result, "access");
    if (access == "read") access = "read (zero page)";
    if (access == "read_then_write") access = "write after read";
    if (access.empty()) access = "write";
    if (Param(result, "populate") == "true") access += ", populated";
    if (Param(result, "shared") == "true") access += ", shared";
    return access;
  }

  static std::string PagesColumn(const std::string& huge_pages) {
    if (huge_pages.empty() || huge_pages == "none") return "4 KiB";
    if (huge_pages == "thp") return "THP";
    if (huge_pages == "hugetlb_1g") return "1 GiB";
    return huge_pages;
  }

  struct FaultCost {
    std::optional<double> ns_per_page;
    std::optional<double> ns_per_fault;
    std::optional<double> faults_per_page;
  };

  static FaultCost CostOf(const CaseView& view, const std::string& phase,
                          std::optional<double> pages) {
    FaultCost cost;
    const std::optional<double> wall = view.Median(MetricName(phase, "wall_ns"));
    cost.ns_per_page = view.Median(MetricName(phase, "ns_per_page"));
    if (!pages.has_value() && cost.ns_per_page.has_value() && *cost.ns_per_page > 0 &&
        wall.has_value()) {
      pages = *wall / *cost.ns_per_page;
    }
    if (!cost.ns_per_page.has_value() && pages.has_value() && *pages > 0 && wall.has_value()) {
      cost.ns_per_page = *wall / *pages;
    }
    const std::optional<double> faults = RoleSum(view, phase, "minor_faults");
    if (faults.has_value() && *faults >= 1 && wall.has_value()) {
      cost.ns_per_fault = *wall / *faults;
    }
    if (faults.has_value() && pages.has_value() && *pages > 0) {
      cost.faults_per_page = *faults / *pages;
    }
    return cost;
  }

  void PrintFaults(std::ostream* out) {
    std::vector<std::string> page_kinds;  // column groups, first seen order ("4 KiB" first)
    std::vector<std::string> row_order;
    std::map<std::string, std::map<std::string, FaultCost>> rows;
    for (const FaultCase& c : faults_) {
      const std::string kind = PagesColumn(Param(c.view->result(), "huge_pages"));
      if (std::find(page_kinds.begin(), page_kinds.end(), kind) == page_kinds.end()) {
        page_kinds.push_back(kind);
      }
      const std::string label = FaultRowLabel(c);
      if (rows.count(label) == 0) row_order.push_back(label);
      const std::string phase = FaultPhase(c);
      const FaultCost cost = CostOf(*c.view, phase, std::nullopt);
      rows[label][kind] = cost;
      if (Param(c.view->result(), "populate") == "true" && cost.ns_per_page.has_value()) {
        const std::optional<double> wall = c.view->Median(MetricName(phase, "wall_ns"));
        std::optional<double> pages;
        if (wall.has_value() && *cost.ns_per_page > 0) pages = *wall / *cost.ns_per_page;
        const std::string label_setup = "populate (in setup)";
        if (rows.count(label_setup) == 0) row_order.push_back(label_setup);
        rows[label_setup][kind] = CostOf(*c.view, "setup", pages);
      }
    }
    std::stable_sort(
        page_kinds.begin(), page_kinds.end(),
        [](const std::string& a, const std::string& b) { return (a == "4 KiB") > (b == "4 KiB"); });
    *out << "\nPage faults: cost per 4 KiB page touched and per fault taken, lower is better\n";
    std::vector<TextTable::Column> columns = {{"cost of"}};
    for (const std::string& kind : page_kinds) {
      columns.push_back({absl::StrCat(kind, " page"), Align::kRight});
      columns.push_back({absl::StrCat(kind, " fault"), Align::kRight});
    }
    TextTable table(std::move(columns));
    table.set_rule(false);
    for (const std::string& label : row_order) {
      std::vector<std::string> cells = {label};
      for (const std::string& kind : page_kinds) {
        auto it = rows[label].find(kind);
        const bool have = it != rows[label].end();
        cells.push_back(have && it->second.ns_per_page.has_value()
                            ? FormatDuration(*it->second.ns_per_page)
                            : "-");
        cells.push_back(have && it->second.ns_per_fault.has_value()
                            ? FormatDuration(*it->second.ns_per_fault)
                            : "-");
      }
      table.AddRow(std::move(cells));
    }
    table.Print(out);
    // Why: how many faults each kind of page takes for the same writes.
    auto write_row = rows.find("write");
    if (write_row == rows.end()) return;
    std::vector<std::string> parts;
    for (const std::string& kind : page_kinds) {
      auto it = write_row->second.find(kind);
      if (it == write_row->second.end() || !it->second.faults_per_page.has_value()) continue;
      parts.push_back(absl::StrCat(absl::StrFormat("%.3g", *it->second.faults_per_page), " with ",
                                   kind == "4 KiB" ? "4 KiB pages" : kind));
    }
    if (parts.empty()) return;
    std::string why = absl::StrCat("why: faults per 4 KiB page written: ", parts[0]);
    for (size_t i = 1; i < parts.size(); ++i) absl::StrAppend(&why, ", ", parts[i]);
    absl::StrAppend(&why,
                    "; a huge page is one fault that zeroes 2 MiB at once. A read maps the "
                    "shared zero page, so a write after it faults again.");
    PrintWrapped(why, out);
  }

  std::vector<std::unique_ptr<CaseView>> views_;
  std::vector<std::string> transports_;
  Rows streams_;
  Rows pingpongs_;
  std::vector<FaultCase> faults_;
};

// "vm: Linux 6.1.0-18-amd64, 2 CPUs, THP madvise; medians of 5 repetitions"
std::string HostTitle(const v1::RunResult& run) {
  const v1::HostInfo& host = run.host();
  int repetitions = 0;
  for (const v1::CaseResult& result : run.cases()) {
    repetitions = std::max(repetitions, result.repetitions_size());
  }
  std::string title =
      absl::StrCat("Summary for ", OrDash(host.hostname()), ": Linux ", host.kernel_release(), ", ",
                   host.cpu_count(), " CPUs, THP ", host.thp_enabled());
  if (repetitions > 0) {
    absl::StrAppend(&title, ", ", repetitions, " repetition", repetitions == 1 ? "" : "s");
  }
  return title;
}

}  // namespace

void PrintMatrixSummary(const std::vector<v1::RunResult>& runs, std::ostream* out) {
  std::vector<std::string> hosts;
  for (const v1::RunResult& run : runs) {
    if (std::find(hosts.begin(), hosts.end(), run.host().hostname()) == hosts.end()) {
      hosts.push_back(run.host().hostname());
    }
  }
  bool first = true;
  for (const std::string& host : hosts) {
    HostSummary summary;
    const v1::RunResult* example = nullptr;
    for (const v1::RunResult& run : runs) {
      if (run.host().hostname() != host) continue;
      if (example == nullptr) example = &run;
      for (const v1::CaseResult& result : run.cases()) summary.Add(run, result);
    }
    if (summary.empty()) continue;
    if (!first) *out << "\n";
    first = false;
    PrintWrapped(HostTitle(*example), out);
    summary.Print(out);
  }
}

}  // namespace ipclab::results
