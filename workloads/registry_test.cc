#include "workloads/registry.h"

#include <set>
#include <string>

#include "gtest/gtest.h"

namespace ipclab::workloads {
namespace {

v1::RunRequest Request(const std::string& workload,
                       std::map<std::string, std::string> params = {}) {
  v1::RunRequest request;
  request.set_workload(workload);
  request.mutable_params()->insert(params.begin(), params.end());
  return request;
}

void AddSweep(v1::RunRequest* request, const std::string& name, std::vector<std::string> values) {
  v1::Sweep* sweep = request->add_sweeps();
  sweep->set_name(name);
  for (const std::string& value : values) sweep->add_values(value);
}

TEST(Registry, CatalogHasEveryWorkloadWithCompleteSpecs) {
  const v1::ListWorkloadsResponse catalog = Catalog();
  std::set<std::string> names;
  for (const v1::WorkloadSpec& spec : catalog.workloads()) {
    EXPECT_TRUE(names.insert(spec.name()).second) << "duplicate " << spec.name();
    EXPECT_EQ(FindWorkload(spec.name()).value()->Spec().name(), spec.name());
    EXPECT_FALSE(spec.summary().empty()) << spec.name();
    EXPECT_GE(spec.roles_size(), 1) << spec.name();
    EXPECT_GE(spec.phases_size(), 2) << spec.name();
    for (const v1::ParamSpec& param : spec.params()) {
      EXPECT_FALSE(param.doc().empty()) << spec.name() << "." << param.name();
      EXPECT_TRUE(CanonicalValue(param, param.default_value()).ok())
          << spec.name() << "." << param.name();
    }
    // The defaults make a valid case.
    v1::RunRequest request;
    request.set_workload(spec.name());
    EXPECT_TRUE(ResolveCases(request).ok()) << spec.name();
  }
  EXPECT_EQ(catalog.workloads(0).name(), "pipe");
  EXPECT_TRUE(names.count("shm_posix"));
}

TEST(Registry, UnknownWorkloadIsNotFoundAndListsKnownOnes) {
  const absl::Status status = ResolveCases(Request("carrier_pigeon")).status();
  EXPECT_EQ(status.code(), absl::StatusCode::kNotFound);
  std::string known;
  for (const Workload* workload : AllWorkloads()) {
    known += (known.empty() ? "" : ", ") + workload->Spec().name();
  }
  EXPECT_EQ(status.message(), "unknown workload \"carrier_pigeon\"; known workloads: " + known);
  EXPECT_NE(known.find("pipe, "), std::string::npos);
  EXPECT_NE(known.find("shm_posix"), std::string::npos);
}

TEST(Registry, DefaultsFillEveryParameter) {
  const auto cases = ResolveCases(Request("pipe")).value();
  ASSERT_EQ(cases.size(), 1u);
  EXPECT_EQ(cases[0].name(), "pipe") << "no sweep: named after the workload";
  EXPECT_EQ(cases[0].params().at("message_size"), "64KiB");
  EXPECT_EQ(cases[0].params().at("mode"), "stream");
  EXPECT_EQ(cases[0].params().at("pipe_capacity"), "0");
}

TEST(Registry, SweepsExpandToTheCartesianProductLastFastest) {
  v1::RunRequest request = Request("shm_posix", {{"total_bytes", "1MiB"}});
  AddSweep(&request, "message_size", {"4096", "64KiB"});
  AddSweep(&request, "mode", {"stream", "pingpong"});
  const auto cases = ResolveCases(request).value();
  ASSERT_EQ(cases.size(), 4u);
  EXPECT_EQ(cases[0].name(), "message_size=4KiB,mode=stream");
  EXPECT_EQ(cases[1].name(), "message_size=4KiB,mode=pingpong");
  EXPECT_EQ(cases[2].name(), "message_size=64KiB,mode=stream");
  EXPECT_EQ(cases[3].name(), "message_size=64KiB,mode=pingpong");
  for (uint32_t i = 0; i < 4; ++i) {
    EXPECT_EQ(cases[i].index(), i);
    EXPECT_EQ(cases[i].params().at("total_bytes"), "1MiB");
  }
}

struct BadInput {
  std::map<std::string, std::string> params;
  std::string expected_fragment;
};

class BadInputTest : public testing::TestWithParam<BadInput> {};

TEST_P(BadInputTest, IsInvalidArgumentNamingTheParameter) {
  const absl::Status status = ResolveCases(Request("shm_posix", GetParam().params)).status();
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << status;
  EXPECT_NE(status.message().find(GetParam().expected_fragment), std::string::npos) << status;
}

INSTANTIATE_TEST_SUITE_P(
    Refused, BadInputTest,
    testing::Values(
        BadInput{{{"colour", "blue"}}, "unknown parameter \"colour\" for workload shm_posix"},
        BadInput{{{"message_size", "12XB"}}, "message_size=\"12XB\""},
        BadInput{{{"message_size", "0"}}, "message_size=\"0\": out of range"},
        BadInput{{{"message_size", "-4"}}, "message_size=\"-4\""},
        BadInput{{{"total_bytes", "2TiB"}}, "total_bytes=\"2TiB\": out of range"},
        BadInput{{{"message_size", "1MiB"}, {"total_bytes", "64KiB"}},
                 "message_size=1MiB is larger than total_bytes=64KiB"},
        BadInput{{{"ring_bytes", "5000"}}, "ring_bytes=5000 is not a multiple of the page size"},
        BadInput{{{"mode", "burst"}}, "allowed: one of stream, pingpong"},
        BadInput{{{"mode", "pingpong"}, {"message_size", "1"}, {"total_bytes", "1GiB"}},
                 "round trips; allowed: at most 10000000"}));

TEST(Registry, SweepErrors) {
  v1::RunRequest fixed_and_swept = Request("pipe", {{"mode", "stream"}});
  AddSweep(&fixed_and_swept, "mode", {"stream", "pingpong"});
  EXPECT_NE(ResolveCases(fixed_and_swept).status().message().find("both fixed"), std::string::npos);
  v1::RunRequest empty = Request("pipe");
  AddSweep(&empty, "mode", {});
  EXPECT_EQ(ResolveCases(empty).status().code(), absl::StatusCode::kInvalidArgument);
  v1::RunRequest repeated = Request("pipe");
  AddSweep(&repeated, "message_size", {"4096", "4KiB"});
  EXPECT_NE(ResolveCases(repeated).status().message().find("repeats the value 4KiB"),
            std::string::npos);
  v1::RunRequest bad_value = Request("pipe");
  AddSweep(&bad_value, "message_size", {"4KiB", "12XB"});
  EXPECT_NE(ResolveCases(bad_value).status().message().find("12XB"), std::string::npos);
}

TEST(Registry, RepetitionLimits) {
  v1::RunRequest request = Request("pipe");
  request.set_repetitions(kMaxRepetitions + 1);
  EXPECT_EQ(ResolveCases(request).status().code(), absl::StatusCode::kInvalidArgument);
  request.set_repetitions(3);
  request.set_warmup(kMaxWarmup + 1);
  EXPECT_EQ(ResolveCases(request).status().code(), absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace ipclab::workloads
