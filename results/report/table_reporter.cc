#include "results/report/table_reporter.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "google/protobuf/util/time_util.h"
#include "results/format/format.h"
#include "results/model/case_view.h"
#include "results/model/expectations.h"
#include "results/model/noise.h"
#include "results/model/phases.h"
#include "results/model/run_defaults.h"
#include "results/model/summary.h"
#include "results/report/table_cells.h"
#include "results/report/text_table.h"

namespace ipclab::results {
namespace {

using Align = TextTable::Align;

// Free text (expectation reasons) is wrapped to this many columns.
constexpr size_t kWrapWidth = 100;

// The start of a run to the second ("2024-05-01T10:00:00Z"): sub-second
// digits say nothing to a reader here.
std::string Timestamp(const google::protobuf::Timestamp& time) {
  google::protobuf::Timestamp seconds;
  seconds.set_seconds(time.seconds());
  return google::protobuf::util::TimeUtil::ToString(seconds);
}

// How long a run took. Timestamps of whole seconds (protobuf 3.21's
// TimeUtil::GetCurrentTime() reads time(2) and leaves nanos 0) only bound
// the duration to within a second: "<1 s" or "~3 s", never a false "0 ns".
std::string TookText(const google::protobuf::Timestamp& started,
                     const google::protobuf::Timestamp& finished) {
  if (started.nanos() == 0 && finished.nanos() == 0) {
    const int64_t seconds = finished.seconds() - started.seconds();
    return seconds <= 0 ? "<1 s" : absl::StrCat("~", seconds, " s");
  }
  const int64_t took_ns =
      google::protobuf::util::TimeUtil::DurationToNanoseconds(finished - started);
  return FormatDuration(static_cast<double>(took_ns));
}

// The measured repetitions per case: the most any case has, else the
// request's count (default 5).
uint32_t RepetitionCount(const v1::RunResult& run) {
  int most = 0;
  for (const v1::CaseResult& result : run.cases()) most = std::max(most, result.repetitions_size());
  if (most > 0) return static_cast<uint32_t>(most);
  return EffectiveRepetitions(run.request());
}

// "pipe_capacity=64KiB placement=cross": the parameters with one value in
// every case, by name. The case names show the ones that vary.
std::string CommonParamsText(const v1::RunResult& run) {
  if (run.cases_size() == 0) return "";
  std::map<std::string, std::string> common(run.cases(0).case_().params().begin(),
                                            run.cases(0).case_().params().end());
  for (const v1::CaseResult& result : run.cases()) {
    const auto& params = result.case_().params();
    for (auto it = common.begin(); it != common.end();) {
      auto found = params.find(it->first);
      it = found == params.end() || found->second != it->second ? common.erase(it) : std::next(it);
    }
  }
  return absl::StrJoin(common, " ", absl::PairFormatter("="));
}

void PrintRunHeader(const v1::RunResult& run, std::ostream* out) {
  std::string first = absl::StrCat(OrDash(run.workload()), "  run ", OrDash(run.run_id()), "  ",
                                   RunStatusText(run.status()));
  if (run.has_started_at()) {
    absl::StrAppend(&first, "  ", Timestamp(run.started_at()));
    if (run.has_finished_at()) {
      absl::StrAppend(&first, " (took ", TookText(run.started_at(), run.finished_at()), ")");
    }
  }
  *out << first << "\n";
  const std::vector<std::string> host_lines = HostLines(run.host());
  *out << "server " << OrDash(run.server()) << "  " << host_lines[0] << "\n";
  for (size_t i = 1; i < host_lines.size(); ++i) *out << host_lines[i] << "\n";
  *out << RepetitionsLine(run);
  if (!run.request().label().empty()) *out << "  label " << run.request().label();
  *out << "\n";
  const std::string params = CommonParamsText(run);
  if (!params.empty()) *out << "parameters " << params << "\n";
  if (!run.error().empty()) *out << "error: " << run.error() << "\n";
}

bool HasExpectations(const std::vector<std::unique_ptr<CaseView>>& views) {
  return std::any_of(views.begin(), views.end(),
                     [](const auto& view) { return view->result().expectations_size() > 0; });
}

bool AnyTouchesPages(const std::vector<std::unique_ptr<CaseView>>& views) {
  return std::any_of(views.begin(), views.end(),
                     [](const auto& view) { return TouchesPages(view->result()); });
}

bool AnyLatency(const std::vector<std::unique_ptr<CaseView>>& views) {
  return std::any_of(views.begin(), views.end(), [](const auto& view) {
    return view->Metric(MetricName(view->headline_phase(), "latency_p50_ns")) != nullptr;
  });
}

void PrintCaseTable(const std::vector<std::unique_ptr<CaseView>>& views,
                    const TableOptions& options, std::ostream* out) {
  const bool pages = AnyTouchesPages(views);
  // Dropped first when the table must fit: msgs/s, wall, cv, p99, placement.
  std::vector<TextTable::Column> columns = {{"case"},
                                            {"placement", Align::kLeft, 2},
                                            {"status"},
                                            {"wall", Align::kRight, 5},
                                            {"throughput", Align::kRight},
                                            {"cv", Align::kRight, 4},
                                            {"msgs/s", Align::kRight, 6},
                                            {"p50", Align::kRight},
                                            {"p99", Align::kRight, 3}};
  if (pages) {
    columns.insert(columns.begin() + 4,
                   {{"ns/page", Align::kRight}, {"faults/s", Align::kRight, 5}});
  }
  const bool verdicts = HasExpectations(views);
  if (verdicts) columns.push_back({"verdict", Align::kLeft, 1});
  TextTable table(std::move(columns));
  std::vector<std::string> headline_phases;
  for (const auto& view : views) {
    const std::string& phase = view->headline_phase();
    const std::string verdict = view->VerdictText();
    std::vector<std::string> row = {view->name(), view->PlacementText(), view->StatusText()};
    if (!view->succeeded() || phase.empty()) {
      row.resize(pages ? 11 : 9, "-");
      row.push_back(verdict);
      table.AddRow(std::move(row));
      continue;
    }
    if (std::find(headline_phases.begin(), headline_phases.end(), phase) == headline_phases.end()) {
      headline_phases.push_back(phase);
    }
    const v1::MetricSummary* throughput =
        view->Metric(MetricName(phase, "throughput_bytes_per_sec"));
    const v1::MetricSummary* ns_per_page = view->Metric(MetricName(phase, "ns_per_page"));
    const v1::MetricSummary* wall = view->Metric(MetricName(phase, "wall_ns"));
    const v1::MetricSummary* spread = throughput != nullptr    ? throughput
                                      : ns_per_page != nullptr ? ns_per_page
                                                               : wall;
    row.push_back(MedianText(*view, MetricName(phase, "wall_ns"), FormatDuration));
    if (pages) {
      row.push_back(MedianText(*view, MetricName(phase, "ns_per_page"), FormatDuration));
      row.push_back(MedianText(*view, MetricName(phase, "faults_per_sec"), FormatRate));
    }
    row.push_back(
        MedianText(*view, MetricName(phase, "throughput_bytes_per_sec"), FormatThroughput));
    row.push_back(spread != nullptr && spread->n() > 1 ? FormatPercent(spread->cv()) : "-");
    row.push_back(MedianText(*view, MetricName(phase, "messages_per_sec"), FormatRate));
    row.push_back(MedianText(*view, MetricName(phase, "latency_p50_ns"), FormatDuration));
    row.push_back(MedianText(*view, MetricName(phase, "latency_p99_ns"), FormatDuration));
    row.push_back(verdict);
    table.AddRow(std::move(row));
  }
  const std::vector<std::string> dropped = table.PrintFitted(out, options.max_width);
  if (options.detail == Detail::kBrief) return;
  if (!headline_phases.empty()) {
    *out << "medians of phase " << absl::StrJoin(headline_phases, ", ")
         << " over the measured repetitions; cv: coefficient of variation of the repetitions ("
         << (pages ? "throughput or ns/page" : "throughput")
         << ", else wall), a spread, not an error bar\n";
  }
  if (std::any_of(views.begin(), views.end(), [](const auto& view) {
        return view->PlacementText().find(':') != std::string::npos;
      })) {
    *out << "placement: requested (same: one CPU, cross: two), then the CPUs each role ran on "
            "(p producer, c consumer or child, t toucher)\n";
  }
  if (!dropped.empty()) {
    *out << "columns left out to fit " << options.max_width
         << " columns: " << absl::StrJoin(dropped, ", ") << " (--wide shows them)\n";
  }
  if (pages) {
    *out << "ns/page: wall per 4 KiB page touched (one touch per 4 KiB page, also in huge "
            "mappings); faults/s: minor faults of all roles per second (one per huge page in "
            "huge mappings)\n";
  }
  if (AnyLatency(views)) {
    *out << "pingpong: p50/p99 per round trip, msgs/s = round trips/s, throughput = payload "
            "bytes one way (each round trip moves message_size each direction)\n";
  }
  if (verdicts) {
    *out << "verdict: whether every measurement the kernel should produce fell in its expected "
            "band in every measured repetition (see each case)\n";
  }
  for (const auto& view : views) {
    for (const std::string& line : NoiseLines(view->result())) {
      *out << view->name() << ": " << line << "\n";
    }
  }
  for (const auto& view : views) {
    if (!view->result().error().empty()) {
      *out << view->StatusText() << " " << view->name() << ": " << view->result().error() << "\n";
    }
  }
}

// `value` of `metric` in the unit of its summary: "1,028 KiB", "3.20 µs",
// "16,384"; plain numbers for metrics the case does not summarize.
std::string MetricValueText(const CaseView& view, const std::string& metric, double value) {
  const v1::MetricSummary* summary = view.Metric(metric);
  const std::string unit = summary != nullptr ? summary->unit() : "";
  if (unit == "bytes") return FormatPageBytes(value);
  if (unit == "ns") return FormatDuration(value);
  if (unit == "count") return FormatCount(value);
  return FormatMeasurement(value);
}

// "16,384 (16,216..16,552)", or just the band "0..16" when nothing exact is
// expected.
std::string ExpectedText(const CaseView& view, const v1::Expectation& expectation) {
  const std::string band =
      absl::StrCat(MetricValueText(view, expectation.metric(), expectation.lower()), "..",
                   MetricValueText(view, expectation.metric(), expectation.upper()));
  if (expectation.expected() == 0.0) return band;
  return absl::StrCat(MetricValueText(view, expectation.metric(), expectation.expected()), " (",
                      band, ")");
}

// What the kernel should have done beside what it did: one row per
// expectation, then what it means for each that deviated or went unmeasured.
void PrintExpectations(const CaseView& view, std::ostream* out) {
  const auto& expectations = view.result().expectations();
  if (expectations.empty()) return;
  int matched = 0;
  TextTable table({{"verdict"},
                   {"metric"},
                   {"measured", Align::kRight},
                   {"expected", Align::kRight},
                   {"counter"}});
  for (const v1::Expectation& expectation : expectations) {
    const bool measured = expectation.verdict() != v1::VERDICT_UNSPECIFIED;
    if (expectation.verdict() == v1::MATCHED) ++matched;
    table.AddRow(
        {measured ? VerdictText(expectation.verdict()) : "unmeasured", expectation.metric(),
         measured ? MetricValueText(view, expectation.metric(), expectation.measured()) : "-",
         ExpectedText(view, expectation), OrDash(expectation.counter())});
  }
  *out << "  expectations: " << view.VerdictText() << ", " << matched << " of "
       << expectations.size() << " in band (median and every repetition)\n";
  table.Print(out, "  ");
  for (const v1::Expectation& expectation : expectations) {
    if (expectation.verdict() == v1::MATCHED) continue;
    PrintWrapped(absl::StrCat("  ", expectation.metric(), ": expected "), "    ",
                 absl::StrCat(expectation.description(), "; ", expectation.reason()), kWrapWidth,
                 out);
  }
}

// getrusage splits CPU time between user and system by scheduler ticks, so
// neither is good to a microsecond: whole milliseconds ("<1 ms" for less),
// and exactly zero prints as "0" (no tick charged to the role).
std::string CpuTimeText(double ns) {
  if (ns == 0.0) return "0";
  if (ns < 1e6) return "<1 ms";
  return absl::StrCat(FormatCount(std::round(ns / 1e6)), " ms");
}

// "pipe_capacity_actual=64KiB": what the workload noted in the last measured
// repetition, by name.
std::string NotesText(const v1::CaseResult& result) {
  if (result.repetitions_size() == 0) return "";
  const auto& notes = result.repetitions().rbegin()->notes();
  const std::map<std::string, std::string> sorted(notes.begin(), notes.end());
  return absl::StrJoin(sorted, " ", absl::PairFormatter("="));
}

void PrintPhaseTables(const CaseView& view, std::ostream* out) {
  const int repetitions = view.result().repetitions_size();
  *out << "\ncase " << view.name() << " (" << repetitions << " measured repetition"
       << (repetitions == 1 ? "" : "s") << ", medians)\n";
  const std::string notes = NotesText(view.result());
  if (!notes.empty()) *out << "  notes " << notes << "\n";
  std::vector<TextTable::Column> counter_columns = {{"phase"}, {"wall", Align::kRight}, {"role"}};
  AppendCounterColumns(&counter_columns);
  counter_columns.insert(counter_columns.end(), {{"user", Align::kRight}, {"sys", Align::kRight}});
  TextTable counters(std::move(counter_columns));
  TextTable memory({{"phase"}, {"role"}, {"RssAnon"}, {"RssShmem"}, {"VmRSS"}});
  const v1::RepetitionResult& last = *view.result().repetitions().rbegin();

  for (const auto& [phase, roles] : view.phases()) {
    std::string wall = MedianText(view, MetricName(phase, "wall_ns"), FormatDuration);
    if (std::optional<double> per_page = view.Median(MetricName(phase, "ns_per_page"))) {
      absl::StrAppend(&wall, " (", FormatDuration(*per_page), "/page)");
    }
    if (roles.empty()) counters.AddRow({phase, wall, "-"});
    const v1::PhaseResult* last_phase = nullptr;
    for (const v1::PhaseResult& candidate : last.phases()) {
      if (candidate.name() == phase) last_phase = &candidate;
    }
    bool first_row = true;
    for (const std::string& role : roles) {
      // C++17 lambdas cannot capture a structured binding: capture it by name.
      auto median = [&, &phase = phase](const char* metric, std::string (*format)(double)) {
        return MedianText(view, MetricName(phase, role, metric), format);
      };
      std::vector<std::string> cells = {first_row ? phase : "", first_row ? wall : "", role};
      for (const CounterColumn& counter : kCounterColumns) {
        cells.push_back(median(counter.metric, FormatCount));
      }
      cells.insert(cells.end(),
                   {median("user_cpu_ns", CpuTimeText), median("system_cpu_ns", CpuTimeText)});
      counters.AddRow(std::move(cells));

      const v1::RoleMeasurement* measurement = nullptr;
      if (last_phase != nullptr) {
        for (const v1::RoleMeasurement& candidate : last_phase->roles()) {
          if (candidate.role() == role) measurement = &candidate;
        }
      }
      // "2 MiB→2.25 MiB (+256 KiB)", or just "2 MiB" when nothing changed.
      auto memory_cell = [&, &phase = phase](uint64_t (v1::MemorySnapshot::*field)() const,
                                             const char* delta) {
        if (measurement == nullptr) return std::string("-");
        const uint64_t before = (measurement->memory_before().*field)();
        const uint64_t after = (measurement->memory_after().*field)();
        const std::optional<double> median_delta = view.Median(MetricName(phase, role, delta));
        if (before == after && median_delta.value_or(0.0) == 0.0) {
          return FormatBytes(static_cast<double>(before));
        }
        return absl::StrCat(FormatBytes(static_cast<double>(before)), "→",
                            FormatBytes(static_cast<double>(after)), " (",
                            median_delta.has_value() ? FormatBytesDelta(*median_delta) : "-", ")");
      };
      memory.AddRow({first_row ? phase : "", role,
                     memory_cell(&v1::MemorySnapshot::rss_anon_bytes, "rss_anon_delta_bytes"),
                     memory_cell(&v1::MemorySnapshot::rss_shmem_bytes, "rss_shmem_delta_bytes"),
                     memory_cell(&v1::MemorySnapshot::vm_rss_bytes, "vm_rss_delta_bytes")});
      first_row = false;
    }
  }
  counters.Print(out, "  ");
  *out << "  user/sys: getrusage CPU time, split by scheduler ticks (milliseconds at best)\n";
  if (!memory.empty()) {
    *out << "  memory: before→after in the last repetition (median change over all)\n";
    memory.Print(out, "  ");
  }
  PrintExpectations(view, out);
}

}  // namespace

std::vector<std::string> HostLines(const v1::HostInfo& host) {
  std::string cpu = absl::StrCat("cpu ", OrDash(host.cpu_model()), "  ", host.cpu_count(), " CPUs");
  if (host.allowed_cpus_size() > 0) {
    absl::StrAppend(&cpu, " (allowed ", FormatCpuList(host.allowed_cpus()), ")");
  }
  absl::StrAppend(&cpu, "  THP enabled=", OrDash(host.thp_enabled()),
                  " defrag=", OrDash(host.thp_defrag()));
  return {
      absl::StrCat("host ", OrDash(host.hostname()), "  Linux ", OrDash(host.kernel_release()), " ",
                   OrDash(host.architecture()), "  ipclab ", OrDash(host.ipclab_version())),
      cpu};
}

std::string FormatPageBytes(double bytes) {
  const std::string text = FormatBytes(bytes);
  if (text.find('.') == std::string::npos || std::fmod(bytes, 1024.0) != 0.0 ||
      std::fabs(bytes) >= 10000.0 * 1024.0) {
    return text;
  }
  return absl::StrCat(FormatCount(bytes / 1024.0), " KiB");
}

std::string RepetitionsLine(const v1::RunResult& run) {
  const uint32_t repetitions = RepetitionCount(run);
  const uint32_t warmup = EffectiveWarmup(run.request());
  std::string line =
      absl::StrCat(repetitions, " measured repetition", repetitions == 1 ? "" : "s", " per case");
  if (warmup == 0) {
    absl::StrAppend(&line, ", no warm-up");
  } else {
    absl::StrAppend(&line, " after ", warmup, " warm-up", warmup == 1 ? "" : "s");
  }
  // Stored by the server since rounds exist; older runs ran back to back.
  if (run.request().rounds() > 1) {
    absl::StrAppend(&line, ", cases taking turns over ", run.request().rounds(), " rounds");
    if (run.rounds_across_matrix()) absl::StrAppend(&line, " spread over the matrix");
  }
  return line;
}

void PrintRunTable(const v1::RunResult& run, std::ostream* out) {
  PrintRunReport(run, TableOptions{Detail::kFull, 0}, out);
}

void PrintRunReport(const v1::RunResult& run, const TableOptions& options, std::ostream* out) {
  PrintRunHeader(run, out);
  std::vector<std::unique_ptr<CaseView>> views;
  for (const v1::CaseResult& result : run.cases())
    views.push_back(std::make_unique<CaseView>(result));
  *out << "\n";
  PrintCaseTable(views, options, out);
  if (options.detail == Detail::kFull) {
    for (const auto& view : views) {
      if (view->result().repetitions_size() > 0) PrintPhaseTables(*view, out);
    }
    return;
  }
  if (options.detail == Detail::kBrief) return;
  // Normal: what deviated from the expectations, why it matters.
  for (const auto& view : views) {
    for (const v1::Expectation& expectation : view->result().expectations()) {
      if (expectation.verdict() != v1::DEVIATED) continue;
      PrintWrapped(
          absl::StrCat(view->name(), ": ", expectation.metric(), " ",
                       MetricValueText(*view, expectation.metric(), expectation.measured()),
                       ", expected "),
          "    ",
          absl::StrCat(ExpectedText(*view, expectation), ": ", expectation.description(), "; ",
                       expectation.reason()),
          options.max_width == 0 ? kWrapWidth : options.max_width, out);
    }
  }
  *out << "per phase and role (faults, context switches, CPU time, memory): --detail\n";
}

}  // namespace ipclab::results
