#include "client/history_command.h"

#include <map>
#include <vector>

#include "absl/strings/str_cat.h"
#include "client/run_sources.h"
#include "google/protobuf/util/time_util.h"
#include "results/compare/history.h"
#include "results/format/format.h"
#include "results/model/case_metrics.h"
#include "results/report/json_writer.h"
#include "results/report/text_table.h"
#include "results/stats/change_points.h"
#include "results/stats/statistics.h"

namespace ipclab::client {
namespace {

struct Point {
  const v1::RunResult* run;
  double median;
};

std::string CaseName(const v1::RunResult& run, const v1::CaseResult& result) {
  return absl::StrCat(run.workload(), " ",
                      result.case_().name().empty() ? "(single case)" : result.case_().name(), " @",
                      run.host().hostname());
}

}  // namespace

ExitCode HistoryCommand(const HistoryCommandOptions& options, const CommandIo& io) {
  const results::CaseMetric* metric = results::FindCaseMetric(options.metric);
  if (metric == nullptr) {
    return ReportError(absl::InvalidArgumentError(absl::StrCat(
                           "--metric \"", options.metric,
                           "\": expected throughput, p50, p99, faults_per_page or rss_growth")),
                       io.err);
  }
  RunSource source(options.db);
  absl::StatusOr<std::vector<v1::RunResult>> runs = source.Resolve(options.selector);
  if (!runs.ok()) return ReportError(runs.status(), io.err);
  // Oldest first; one series per case (workload, case, host).
  std::vector<std::string> order;
  std::map<std::string, std::vector<Point>> series;
  for (const v1::RunResult& run : *runs) {
    for (const v1::CaseResult& result : run.cases()) {
      if (result.status() != v1::SUCCEEDED) continue;
      const std::vector<double> samples =
          results::MetricSamples(result, *metric, run.host().page_size_bytes());
      if (samples.empty()) continue;
      const std::string name = CaseName(run, result);
      if (series.count(name) == 0) order.push_back(name);
      series[name].push_back(Point{&run, results::Median(samples)});
    }
  }
  const results::ChangePointOptions change_options;
  if (options.format == "json") {
    results::JsonWriter json(io.out);
    json.BeginArray();
    for (const std::string& name : order) {
      std::vector<double> values;
      for (const Point& point : series[name]) values.push_back(point.median);
      json.BeginObject();
      json.Key("case").String(name);
      json.Key("metric").String(metric->key);
      json.Key("points").BeginArray();
      for (const Point& point : series[name]) {
        json.BeginObject();
        json.Key("runId").String(point.run->run_id());
        json.Key("median").Number(point.median);
        json.EndObject();
      }
      json.EndArray();
      json.Key("changePoints").BeginArray();
      for (const results::ChangePoint& cp :
           results::EDivisiveChangePoints(values, change_options)) {
        json.BeginObject();
        json.Key("index").Integer(static_cast<int64_t>(cp.index));
        json.Key("runId").String(series[name][cp.index].run->run_id());
        json.Key("pValue").Number(cp.p_value);
        json.EndObject();
      }
      json.EndArray();
      json.EndObject();
    }
    json.EndArray();
    *io.out << "\n";
    io.out->flush();
    return kExitSuccess;
  }
  using Align = results::TextTable::Align;
  for (const std::string& name : order) {
    const std::vector<Point>& points = series[name];
    std::vector<double> values;
    for (const Point& point : points) values.push_back(point.median);
    const std::vector<results::ChangePoint> changes =
        results::EDivisiveChangePoints(values, change_options);
    std::map<size_t, const results::ChangePoint*> at;
    for (const results::ChangePoint& cp : changes) at[cp.index] = &cp;
    *io.out << name << "  (" << metric->title << ", median per run; " << changes.size()
            << " change point(s))\n";
    results::TextTable table({{"run"},
                              {"started (UTC)"},
                              {metric->title, Align::kRight},
                              {"vs previous", Align::kRight},
                              {"change point"}});
    for (size_t i = 0; i < points.size(); ++i) {
      const v1::RunResult& run = *points[i].run;
      std::string started = "-";
      if (run.has_started_at()) {
        started = google::protobuf::util::TimeUtil::ToString(run.started_at()).substr(0, 19);
      }
      std::string previous = "-";
      if (i > 0 && points[i - 1].median != 0) {
        previous = results::FormatPercent(points[i].median / points[i - 1].median - 1);
      }
      std::string mark;
      if (auto it = at.find(i); it != at.end()) {
        mark = absl::StrCat("<- shift (e-divisive, p = ", absl::StrCat(it->second->p_value), ")");
      }
      table.AddRow({run.run_id(), started, results::FormatMetricValue(*metric, points[i].median),
                    previous, mark});
    }
    table.Print(io.out);
    *io.out << "\n";
  }
  *io.out << "change points: e-divisive means (Matteson & James 2014), permutation test with "
          << change_options.permutations << " shuffles, p < " << change_options.alpha
          << ", at least " << change_options.min_segment << " runs on each side\n";
  io.out->flush();
  return kExitSuccess;
}

}  // namespace ipclab::client
