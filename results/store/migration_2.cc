#include "results/store/migration_2.h"

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "base/status_macros.h"
#include "ipclab/v1/ipclab.pb.h"
#include "results/store/store_sql.h"

namespace ipclab::results::schema {
namespace {

constexpr char kVersion2[] = R"sql(
CREATE TABLE repetitions (
  run_id                   TEXT NOT NULL,
  case_index               INTEGER NOT NULL,
  repetition               INTEGER NOT NULL,
  headline_phase           TEXT NOT NULL,
  wall_ns                  INTEGER,
  throughput_bytes_per_sec REAL,
  latency_p50_ns           REAL,
  latency_p99_ns           REAL,
  faults_per_page          REAL,
  rss_growth_bytes         REAL,
  PRIMARY KEY (run_id, case_index, repetition),
  FOREIGN KEY (run_id, case_index) REFERENCES cases (run_id, case_index) ON DELETE CASCADE
);
)sql";

// ---- Frozen copies of the metric rules of migration 2's time ---------------
// (results/model/phases.cc HeadlinePhase/FindPhase, results/model/
// case_metrics.cc RepetitionValue and ParseSizeText). Kept apart on purpose.

constexpr uint64_t kDefaultPageSize = 4096;

bool IsEdgePhase(const std::string& name) { return name == "setup" || name == "teardown"; }

const v1::PhaseResult* PhaseNamed(const v1::RepetitionResult& repetition, const std::string& name) {
  for (const v1::PhaseResult& phase : repetition.phases()) {
    if (phase.name() == name) return &phase;
  }
  return nullptr;
}

// "steady", else the first phase that moved bytes, else the first inner one.
std::string HeadlinePhaseV2(const v1::CaseResult& result) {
  std::string first;
  std::string first_moving;
  std::string first_inner;
  for (const v1::RepetitionResult& repetition : result.repetitions()) {
    for (const v1::PhaseResult& phase : repetition.phases()) {
      if (phase.name() == "steady") return "steady";
      if (first.empty()) first = phase.name();
      if (first_moving.empty() && phase.bytes() > 0) first_moving = phase.name();
      if (first_inner.empty() && !IsEdgePhase(phase.name())) first_inner = phase.name();
    }
  }
  if (!first_moving.empty()) return first_moving;
  if (!first_inner.empty()) return first_inner;
  return first;
}

// "4096", "4KiB", "64KiB", "1MiB", "1GiB", "64B".
std::optional<uint64_t> SizeV2(absl::string_view text) {
  static constexpr std::pair<const char*, uint64_t> kSuffixes[] = {
      {"GiB", uint64_t{1} << 30}, {"MiB", uint64_t{1} << 20}, {"KiB", uint64_t{1} << 10}, {"B", 1}};
  text = absl::StripAsciiWhitespace(text);
  uint64_t multiplier = 1;
  for (const auto& [suffix, factor] : kSuffixes) {
    if (absl::ConsumeSuffix(&text, suffix)) {
      multiplier = factor;
      break;
    }
  }
  uint64_t number = 0;
  if (text.empty() || !absl::SimpleAtoi(text, &number)) return std::nullopt;
  if (number > UINT64_MAX / multiplier) return std::nullopt;
  return number * multiplier;
}

std::optional<uint64_t> RegionBytesV2(const v1::CaseResult& result) {
  for (const char* name : {"region_bytes", "ring_bytes"}) {
    auto it = result.case_().params().find(name);
    if (it == result.case_().params().end()) continue;
    if (std::optional<uint64_t> bytes = SizeV2(it->second)) return bytes;
  }
  return std::nullopt;
}

std::optional<double> ThroughputV2(const v1::PhaseResult* phase) {
  if (phase == nullptr || phase->bytes() == 0) return std::nullopt;
  if (phase->throughput_bytes_per_sec() > 0) return phase->throughput_bytes_per_sec();
  if (phase->wall_ns() <= 0) return 0.0;
  return static_cast<double>(phase->bytes()) * 1e9 / static_cast<double>(phase->wall_ns());
}

std::optional<double> FaultsPerPageV2(const v1::RepetitionResult& repetition,
                                      std::optional<uint64_t> region_bytes, uint64_t page_size) {
  double faults = 0.0;
  double moved = 0.0;
  bool counted = false;
  for (const v1::PhaseResult& phase : repetition.phases()) {
    if (IsEdgePhase(phase.name())) continue;
    counted = true;
    moved += static_cast<double>(phase.bytes());
    for (const v1::RoleMeasurement& role : phase.roles()) {
      faults += static_cast<double>(role.counters().minor_faults());
    }
  }
  const double bytes = region_bytes.has_value() ? static_cast<double>(*region_bytes) : moved;
  if (!counted || bytes <= 0) return std::nullopt;
  return faults / (bytes / static_cast<double>(page_size));
}

std::optional<double> RssGrowthV2(const v1::RepetitionResult& repetition) {
  std::map<std::string, std::pair<uint64_t, uint64_t>> roles;  // role -> (first, last)
  bool measured = false;
  for (const v1::PhaseResult& phase : repetition.phases()) {
    if (phase.name() == "teardown") continue;
    for (const v1::RoleMeasurement& role : phase.roles()) {
      measured |= role.memory_before().vm_rss_bytes() > 0 || role.memory_after().vm_rss_bytes() > 0;
      auto [it, inserted] = roles.try_emplace(role.role(), role.memory_before().vm_rss_bytes(),
                                              role.memory_after().vm_rss_bytes());
      if (!inserted) it->second.second = role.memory_after().vm_rss_bytes();
    }
  }
  if (!measured) return std::nullopt;
  double growth = 0.0;
  for (const auto& [role, rss] : roles) {
    growth += static_cast<double>(rss.second) - static_cast<double>(rss.first);
  }
  return growth;
}

// ---- End of the frozen copies ----------------------------------------------

}  // namespace

std::vector<RepetitionRow> RepetitionRowsV2(const v1::RunResult& run) {
  const uint64_t page_size =
      run.host().page_size_bytes() > 0 ? run.host().page_size_bytes() : kDefaultPageSize;
  std::vector<RepetitionRow> rows;
  for (int index = 0; index < run.cases_size(); ++index) {
    const v1::CaseResult& result = run.cases(index);
    const std::string headline = HeadlinePhaseV2(result);
    const std::optional<uint64_t> region = RegionBytesV2(result);
    int measured = 0;
    for (const v1::RepetitionResult& repetition : result.repetitions()) {
      if (repetition.warmup()) continue;
      RepetitionRow row;
      row.case_index = index;
      row.repetition = measured++;
      row.headline_phase = headline;
      const v1::PhaseResult* phase = PhaseNamed(repetition, headline);
      if (phase != nullptr) row.wall_ns = phase->wall_ns();
      const bool has_latency = phase != nullptr && phase->latency().count() > 0;
      row.metrics[0] = ThroughputV2(phase);
      if (has_latency) {
        row.metrics[1] = phase->latency().p50_ns();
        row.metrics[2] = phase->latency().p99_ns();
      }
      row.metrics[3] = FaultsPerPageV2(repetition, region, page_size);
      row.metrics[4] = RssGrowthV2(repetition);
      rows.push_back(std::move(row));
    }
  }
  return rows;
}

namespace {

absl::Status InsertRepetitionRowsV2(sqlite3* db, const v1::RunResult& run) {
  IPCLAB_ASSIGN_OR_RETURN(
      sql::Statement statement,
      sql::Statement::Prepare(
          db, "INSERT INTO repetitions VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)"));
  for (const RepetitionRow& row : RepetitionRowsV2(run)) {
    statement.Reset();
    statement.Bind(1, run.run_id())
        .Bind(2, int64_t{row.case_index})
        .Bind(3, int64_t{row.repetition})
        .Bind(4, row.headline_phase);
    if (row.wall_ns.has_value()) statement.Bind(5, *row.wall_ns);
    for (int k = 0; k < 5; ++k) {
      if (row.metrics[k].has_value()) statement.Bind(6 + k, *row.metrics[k]);
    }
    IPCLAB_RETURN_IF_ERROR(statement.Run("storing a repetition"));
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status ApplyVersion2(sqlite3* db) {
  IPCLAB_RETURN_IF_ERROR(sql::Exec(db, kVersion2, "creating schema 2"));
  // Fill the new table for the runs stored so far, from their bytes.
  IPCLAB_ASSIGN_OR_RETURN(sql::Statement runs,
                          sql::Statement::Prepare(db, "SELECT run_id, result FROM runs"));
  for (;;) {
    IPCLAB_ASSIGN_OR_RETURN(bool row, runs.Step());
    if (!row) break;
    v1::RunResult run;
    if (!run.ParseFromString(runs.Blob(1))) {
      return absl::FailedPreconditionError(
          absl::StrCat("migrating to schema 2: run ", runs.Text(0), " does not decode"));
    }
    run.set_run_id(runs.Text(0));
    IPCLAB_RETURN_IF_ERROR(InsertRepetitionRowsV2(db, run));
  }
  return absl::OkStatus();
}

}  // namespace ipclab::results::schema
