// Speed of the results commands (issue 4 goals):
//   - compare of two runs of 100 cases x 30 repetitions: under 1 s;
//   - `results list` over 10,000 stored runs: under 200 ms.
// Each benchmark does what the command does, minus process start-up:
// BM_CompareRuns the statistics of every case and metric; BM_CompareStored
// also loads both runs from SQLite and prints the table; BM_ListRuns queries
// 10,000 runs and prints the table `results list` prints. The *Postgres
// variants do the same against a private PostgreSQL server started for the
// benchmark (results/testing/postgres_server.h; issue 13).
//
//   build/bin/results_benchmark --benchmark_min_time=2

#include <memory>
#include <sstream>
#include <string>

#include "absl/strings/str_cat.h"
#include "benchmark/benchmark.h"
#include "results/compare/compare.h"
#include "results/report/comparison_report.h"
#include "results/report/text_table.h"
#include "results/store/store.h"
#include "results/testing/postgres_server.h"
#include "results/testing/synthetic_runs.h"
#include "tests/testing/subprocess.h"

namespace ipclab::results {
namespace {

void BM_CompareRuns(benchmark::State& state) {
  const int cases = static_cast<int>(state.range(0));
  const int repetitions = static_cast<int>(state.range(1));
  const std::vector<v1::RunResult> base = {
      testing::MakeLargeRun("base", cases, repetitions, 1.0, 1)};
  const std::vector<v1::RunResult> candidate = {
      testing::MakeLargeRun("cand", cases, repetitions, 0.97, 2)};
  for (auto _ : state) {
    Comparison comparison = CompareRuns(base, candidate, CompareOptions());
    benchmark::DoNotOptimize(comparison.cases.data());
  }
  state.counters["metrics"] = static_cast<double>(cases) * 5;
}
BENCHMARK(BM_CompareRuns)->Args({100, 30})->Args({10, 5})->Unit(benchmark::kMillisecond);

// Where a benchmark stores: a temporary SQLite file, or a fresh database on
// a private PostgreSQL server; both removed at the end.
class BenchmarkStore final {
 public:
  explicit BenchmarkStore(bool postgres) {
    if (!postgres) {
      location_ = sqlite_directory_.path() + "/results.db";
      return;
    }
    auto server = testing::PostgresServer::Start();
    if (!server.ok()) {
      error_ = std::string(server.status().message());
      return;
    }
    server_ = *std::move(server);
    auto uri = server_->CreateDatabase("bench");
    if (!uri.ok()) error_ = std::string(uri.status().message());
    location_ = uri.ok() ? *uri : "";
  }
  const std::string& location() const { return location_; }
  const std::string& error() const { return error_; }

 private:
  ::ipclab::testing::TempDir sqlite_directory_;
  std::unique_ptr<testing::PostgresServer> server_;
  std::string location_;
  std::string error_;
};

// The store of `database`, created; nullptr (and the benchmark skipped with
// the reason) where there is none.
std::unique_ptr<ResultStore> CreateOrSkip(benchmark::State& state, const BenchmarkStore& database) {
  if (!database.error().empty()) {
    state.SkipWithError(database.error().c_str());
    return nullptr;
  }
  absl::StatusOr<std::unique_ptr<ResultStore>> store =
      ResultStore::Open(database.location(), ResultStore::Mode::kCreate);
  if (!store.ok()) {
    state.SkipWithError(std::string(store.status().message()).c_str());
    return nullptr;
  }
  return *std::move(store);
}

void BM_CompareStored(benchmark::State& state) {
  BenchmarkStore database(state.range(0) != 0);
  std::unique_ptr<ResultStore> store = CreateOrSkip(state, database);
  if (store == nullptr) return;
  if (!store->Save(testing::MakeLargeRun("base0000", 100, 30, 1.0, 1), {}).ok() ||
      !store->Save(testing::MakeLargeRun("cand0000", 100, 30, 0.97, 2), {}).ok()) {
    state.SkipWithError("cannot store the runs");
    return;
  }
  for (auto _ : state) {
    absl::StatusOr<v1::RunResult> base = store->Load("base");
    absl::StatusOr<v1::RunResult> candidate = store->Load("cand");
    const Comparison comparison = CompareRuns({*base}, {*candidate}, CompareOptions());
    std::ostringstream out;
    PrintComparisonText(comparison, &out);
    benchmark::DoNotOptimize(out.str().size());
  }
}
BENCHMARK(BM_CompareStored)->ArgName("postgres")->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond);

void BM_ListRuns(benchmark::State& state) {
  const int runs = static_cast<int>(state.range(0));
  BenchmarkStore database(state.range(1) != 0);
  {
    std::unique_ptr<ResultStore> store = CreateOrSkip(state, database);
    if (store == nullptr) return;
    // A realistic small run: 2 cases of 5 repetitions, two tags.
    v1::RunResult run = testing::MakeLargeRun("", 2, 5, 1.0, 3);
    for (int i = 0; i < runs; ++i) {
      run.set_run_id(absl::StrCat(absl::Hex(0x1000000000000000ULL + i * 7919ULL)));
      run.mutable_started_at()->set_seconds(1714557600 + i * 60);
      if (!store->Save(run, {{"commit", absl::StrCat("c", i % 500)}, {"ci", "nightly"}}).ok()) {
        state.SkipWithError("cannot store a run");
        return;
      }
    }
  }
  auto store = ResultStore::Open(database.location(), ResultStore::Mode::kReadWrite);
  for (auto _ : state) {
    absl::StatusOr<std::vector<StoredRun>> listed = (*store)->List(RunFilter());
    TextTable table({{"run"}, {"started"}, {"workload"}, {"status"}, {"cases"}, {"tags"}});
    for (const StoredRun& stored : *listed) {
      table.AddRow({stored.run_id, absl::StrCat(stored.started_at_us), stored.workload,
                    stored.status, absl::StrCat(stored.case_count),
                    absl::StrCat(stored.tags.size())});
    }
    std::ostringstream out;
    table.Print(&out);
    benchmark::DoNotOptimize(out.str().size());
    state.counters["runs"] = static_cast<double>(listed->size());
  }
}
BENCHMARK(BM_ListRuns)
    ->ArgNames({"runs", "postgres"})
    ->Args({10000, 0})
    ->Args({10000, 1})
    ->Unit(benchmark::kMillisecond)
    ->Iterations(20);

}  // namespace
}  // namespace ipclab::results

BENCHMARK_MAIN();
