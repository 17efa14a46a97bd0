#include "client/run_request.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace ipclab::client {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Pair;
using ::testing::UnorderedElementsAre;

TEST(ParseParamFlag, SplitsAtTheFirstEquals) {
  absl::StatusOr<ParamAssignment> param = ParseParamFlag("label=a=b");
  ASSERT_TRUE(param.ok()) << param.status();
  EXPECT_EQ(param->name, "label");
  EXPECT_EQ(param->value, "a=b");
}

TEST(ParseParamFlag, KeepsAnEmptyValueForTheServerToJudge) {
  absl::StatusOr<ParamAssignment> param = ParseParamFlag("message_size=");
  ASSERT_TRUE(param.ok()) << param.status();
  EXPECT_EQ(param->value, "");
}

TEST(ParseParamFlag, RefusesTextWithoutEquals) {
  absl::StatusOr<ParamAssignment> param = ParseParamFlag("message_size");
  ASSERT_EQ(param.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(param.status().message(), HasSubstr("\"message_size\""));
  EXPECT_THAT(param.status().message(), HasSubstr("NAME=VALUE"));
}

TEST(ParseParamFlag, RefusesAnEmptyName) {
  EXPECT_EQ(ParseParamFlag("=64KiB").status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ParseParamFlag(" =64KiB").status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(ParseSweepFlag, SplitsValuesAtCommas) {
  absl::StatusOr<v1::Sweep> sweep = ParseSweepFlag("message_size=4KiB, 64KiB,1MiB");
  ASSERT_TRUE(sweep.ok()) << sweep.status();
  EXPECT_EQ(sweep->name(), "message_size");
  EXPECT_THAT(sweep->values(), ElementsAre("4KiB", "64KiB", "1MiB"));
}

TEST(ParseSweepFlag, RefusesEmptyValuesAndMissingEquals) {
  EXPECT_EQ(ParseSweepFlag("mode").status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ParseSweepFlag("mode=").status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ParseSweepFlag("mode=stream,,pingpong").status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(BuildRunRequest, CarriesEveryFlag) {
  RunFlags flags;
  flags.params = {"message_size=64KiB", "mode=stream"};
  flags.sweeps = {"placement=same,cross"};
  flags.repetitions = 7;
  flags.warmup = 0;
  flags.verify = true;
  flags.label = "baseline";
  absl::StatusOr<v1::RunRequest> request = BuildRunRequest("pipe", flags);
  ASSERT_TRUE(request.ok()) << request.status();
  EXPECT_EQ(request->workload(), "pipe");
  EXPECT_THAT(request->params(),
              UnorderedElementsAre(Pair("message_size", "64KiB"), Pair("mode", "stream")));
  ASSERT_EQ(request->sweeps_size(), 1);
  EXPECT_EQ(request->sweeps(0).name(), "placement");
  EXPECT_THAT(request->sweeps(0).values(), ElementsAre("same", "cross"));
  EXPECT_EQ(request->repetitions(), 7u);
  EXPECT_EQ(request->warmup(), 0u);
  EXPECT_TRUE(request->has_warmup());  // an explicit 0 warm-ups
  EXPECT_TRUE(request->verify());
  EXPECT_EQ(request->label(), "baseline");
}

TEST(BuildRunRequest, LeavesUnsetCountsToTheServer) {
  absl::StatusOr<v1::RunRequest> request = BuildRunRequest("pipe", RunFlags());
  ASSERT_TRUE(request.ok()) << request.status();
  EXPECT_EQ(request->repetitions(), 0u);
  EXPECT_FALSE(request->has_warmup());
}

TEST(BuildRunRequest, RefusesANameGivenTwice) {
  RunFlags twice;
  twice.params = {"mode=stream", "mode=pingpong"};
  EXPECT_EQ(BuildRunRequest("pipe", twice).status().code(), absl::StatusCode::kInvalidArgument);

  RunFlags fixed_and_swept;
  fixed_and_swept.params = {"mode=stream"};
  fixed_and_swept.sweeps = {"mode=stream,pingpong"};
  absl::Status status = BuildRunRequest("pipe", fixed_and_swept).status();
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(status.message(), HasSubstr("mode"));
}

TEST(ApplyRunFlags, UserValuesReplacePredefinedOnes) {
  v1::RunRequest request;
  request.set_workload("pipe");
  (*request.mutable_params())["message_size"] = "64KiB";
  (*request.mutable_params())["mode"] = "stream";
  v1::Sweep* placement = request.add_sweeps();
  placement->set_name("placement");
  placement->add_values("same");
  placement->add_values("cross");

  RunFlags flags;
  flags.params = {"placement=none"};          // a fixed value replaces a sweep
  flags.sweeps = {"message_size=4KiB,1MiB"};  // a sweep replaces a fixed value
  ASSERT_TRUE(ApplyRunFlags(flags, &request).ok());
  EXPECT_THAT(request.params(),
              UnorderedElementsAre(Pair("placement", "none"), Pair("mode", "stream")));
  ASSERT_EQ(request.sweeps_size(), 1);
  EXPECT_EQ(request.sweeps(0).name(), "message_size");
  EXPECT_THAT(request.sweeps(0).values(), ElementsAre("4KiB", "1MiB"));
}

}  // namespace
}  // namespace ipclab::client
