// Golden Google Benchmark JSON and Bencher Metric Format, and a check that
// both are JSON of the expected shape.
#include "results/report/exporters.h"

#include <set>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "gmock/gmock.h"
#include "google/protobuf/struct.pb.h"
#include "google/protobuf/util/json_util.h"
#include "gtest/gtest.h"
#include "results/testing/golden.h"
#include "results/testing/synthetic_runs.h"

namespace ipclab::results {
namespace {

using testing::MakeSyntheticRun;
using testing::SyntheticCase;

v1::RunResult SmallRun() {
  SyntheticCase stream;
  stream.params = {{"message_size", "64KiB"}, {"mode", "stream"}};
  stream.throughput = {4.5e9, 4.4e9, 4.6e9};
  stream.steady_minor_faults = {16, 16, 17};
  SyntheticCase pingpong;
  pingpong.params = {{"message_size", "64B"}, {"mode", "pingpong"}};
  pingpong.throughput = {1.2e7, 1.3e7, 1.1e7};
  pingpong.p99_ns = {8000, 8200, 7900};
  SyntheticCase failed;
  failed.params = {{"message_size", "1MiB"}, {"mode", "stream"}};
  failed.status = v1::FAILED;
  failed.error = "worker killed by SIGSEGV";
  return MakeSyntheticRun("a1b2c3d4e5f60718", "pipe", {stream, pingpong, failed});
}

google::protobuf::Struct Parse(const std::string& json) {
  google::protobuf::Struct parsed;
  EXPECT_TRUE(google::protobuf::util::JsonStringToMessage(json, &parsed).ok()) << json;
  return parsed;
}

TEST(GoogleBenchmarkJson, RepetitionsThenAggregates) {
  std::ostringstream out;
  PrintGoogleBenchmarkJson({SmallRun()}, v1::ListWorkloadsResponse(), &out);
  const google::protobuf::Struct json = Parse(out.str());
  const auto& benchmarks = json.fields().at("benchmarks").list_value();
  // 3 + 4 aggregates, twice, plus one error entry.
  ASSERT_EQ(benchmarks.values_size(), 15);
  const auto& first = benchmarks.values(0).struct_value().fields();
  EXPECT_EQ(first.at("name").string_value(), "pipe/message_size=64KiB,mode=stream");
  EXPECT_EQ(first.at("run_type").string_value(), "iteration");
  EXPECT_EQ(first.at("time_unit").string_value(), "ns");
  // 64 MiB in 1024 messages of 64 KiB at 4.5 GB/s: 14913080 ns / 1024.
  EXPECT_NEAR(first.at("real_time").number_value(), 67108864.0 / 4.5e9 * 1e9 / 1024, 1e-3);
  EXPECT_DOUBLE_EQ(first.at("bytes_per_second").number_value(), 4.5e9);
  const auto& median = benchmarks.values(4).struct_value().fields();
  EXPECT_EQ(median.at("name").string_value(), "pipe/message_size=64KiB,mode=stream_median");
  EXPECT_EQ(median.at("aggregate_name").string_value(), "median");
  EXPECT_DOUBLE_EQ(median.at("bytes_per_second").number_value(), 4.5e9);
  const auto& error = benchmarks.values(14).struct_value().fields();
  EXPECT_TRUE(error.at("error_occurred").bool_value());
  EXPECT_EQ(error.at("error_message").string_value(), "worker killed by SIGSEGV");
  testing::ExpectGolden("run.gbench.json", out.str());
}

TEST(BencherMetricFormat, MedianWithMinAndMax) {
  std::ostringstream out;
  PrintBencherMetricFormat({SmallRun()}, v1::ListWorkloadsResponse(), &out);
  const google::protobuf::Struct json = Parse(out.str());
  ASSERT_EQ(json.fields_size(), 2);  // the failed case is left out
  const auto& pingpong = json.fields().at("pipe/message_size=64B,mode=pingpong").struct_value();
  const auto& latency = pingpong.fields().at("latency-p99").struct_value().fields();
  EXPECT_DOUBLE_EQ(latency.at("value").number_value(), 8000);
  EXPECT_DOUBLE_EQ(latency.at("lower_value").number_value(), 7900);
  EXPECT_DOUBLE_EQ(latency.at("upper_value").number_value(), 8200);
  EXPECT_DOUBLE_EQ(
      pingpong.fields().at("latency").struct_value().fields().at("value").number_value(), 4000);
  const auto& stream = json.fields().at("pipe/message_size=64KiB,mode=stream").struct_value();
  EXPECT_EQ(stream.fields().count("latency"), 0u);
  EXPECT_DOUBLE_EQ(
      stream.fields().at("bytes-per-second").struct_value().fields().at("value").number_value(),
      4.5e9);
  testing::ExpectGolden("run.bmf.json", out.str());
}

// A catalog of pipe and shm_posix with their defaults, as workloads::Catalog()
// gives it (written out: results/ does not depend on workloads/).
v1::ListWorkloadsResponse TwoWorkloadCatalog() {
  v1::ListWorkloadsResponse catalog;
  for (const char* name : {"pipe", "shm_posix"}) {
    v1::WorkloadSpec* spec = catalog.add_workloads();
    spec->set_name(name);
    for (const auto& [param, value] :
         std::vector<std::pair<const char*, const char*>>{{"message_size", "64KiB"},
                                                          {"total_bytes", "256MiB"},
                                                          {"mode", "stream"},
                                                          {"placement", "none"}}) {
      v1::ParamSpec* spec_param = spec->add_params();
      spec_param->set_name(param);
      spec_param->set_default_value(value);
    }
  }
  return catalog;
}

SyntheticCase StreamCase(const char* message_size, const char* placement) {
  SyntheticCase c;
  c.params = {{"message_size", message_size},
              {"total_bytes", "256MiB"},
              {"mode", "stream"},
              {"placement", placement}};
  c.throughput = {4.5e9, 4.4e9, 4.6e9};
  return c;
}

// Issue 9: a matrix file (one run per workload) exports whole; names carry
// the workload, every parameter off its default and the placement, so runs
// without a sweep no longer collide as "pipe/pipe"; a repeated case is
// numbered instead of merged.
TEST(Exports, EveryRunOfAMatrixWithStableUniqueNames) {
  const std::vector<v1::RunResult> runs = {
      MakeSyntheticRun("r1", "pipe", {StreamCase("64KiB", "same"), StreamCase("1MiB", "same")}),
      MakeSyntheticRun("r2", "shm_posix", {StreamCase("64KiB", "cross")}),
      MakeSyntheticRun("r3", "pipe", {StreamCase("64KiB", "same")})};
  std::ostringstream bmf;
  PrintBencherMetricFormat(runs, TwoWorkloadCatalog(), &bmf);
  const google::protobuf::Struct measures = Parse(bmf.str());
  std::vector<std::string> names;
  for (const auto& [name, ignored] : measures.fields()) names.push_back(name);
  EXPECT_THAT(names, ::testing::UnorderedElementsAre(
                         "pipe/placement=same", "pipe/message_size=1MiB,placement=same",
                         "shm_posix/placement=cross", "pipe/placement=same#2"));

  std::ostringstream gbench;
  PrintGoogleBenchmarkJson(runs, TwoWorkloadCatalog(), &gbench);
  const google::protobuf::Struct json = Parse(gbench.str());
  const auto& benchmarks = json.fields().at("benchmarks").list_value();
  ASSERT_EQ(benchmarks.values_size(), 4 * (3 + 4));  // 3 repetitions + 4 aggregates per case
  std::set<std::string> run_names;
  std::set<double> families;
  for (const auto& entry : benchmarks.values()) {
    run_names.insert(entry.struct_value().fields().at("run_name").string_value());
    families.insert(entry.struct_value().fields().at("family_index").number_value());
  }
  EXPECT_EQ(run_names.size(), 4u);
  EXPECT_EQ(families.size(), 4u);
  const auto& context = json.fields().at("context").struct_value().fields();
  EXPECT_EQ(context.at("executable").string_value(), "ipclab pipe,shm_posix");
  EXPECT_EQ(context.at("ipclab_run_id").string_value(), "r1,r2,r3");
}

TEST(Exports, WithoutACatalogEveryParameterIsNamed) {
  const v1::RunResult run = MakeSyntheticRun("r1", "pipe", {StreamCase("64KiB", "same")});
  EXPECT_EQ(BenchmarkName(run, run.cases(0), v1::ListWorkloadsResponse()),
            "pipe/message_size=64KiB,mode=stream,placement=same,total_bytes=256MiB");
  EXPECT_EQ(BenchmarkName(run, run.cases(0), TwoWorkloadCatalog()), "pipe/placement=same");
}

}  // namespace
}  // namespace ipclab::results
