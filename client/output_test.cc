#include "client/output.h"

#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>
#include <sstream>
#include <string>

#include "gmock/gmock.h"
#include "google/protobuf/struct.pb.h"
#include "google/protobuf/util/json_util.h"
#include "gtest/gtest.h"
#include "tests/testing/subprocess.h"

namespace ipclab::client {
namespace {

using ::testing::HasSubstr;

using ::ipclab::testing::TempDir;  // removed with its files by the destructor

v1::RunResult Result(const char* run_id) {
  v1::RunResult result;
  result.set_run_id(run_id);
  result.set_workload("pipe");
  result.set_status(v1::SUCCEEDED);
  return result;
}

bool Exists(const std::string& path) {
  struct stat st;
  return stat(path.c_str(), &st) == 0;
}

TEST(RunResultsJson, OneResultIsOneObject) {
  const std::string json = RunResultsJson({Result("r1")}, /*as_array=*/false);
  v1::RunResult parsed;
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(json, &parsed).ok()) << json;
  EXPECT_EQ(parsed.run_id(), "r1");
}

TEST(RunResultsJson, SeveralResultsAreOneArray) {
  const std::string json = RunResultsJson({Result("r1"), Result("r2")}, /*as_array=*/false);
  // ListValue's JSON mapping is an array: the text must be one valid array
  // whose elements read back as RunResults.
  google::protobuf::ListValue array;
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(json, &array).ok()) << json;
  ASSERT_EQ(array.values_size(), 2);
  const char* expected_ids[] = {"r1", "r2"};
  for (int i = 0; i < 2; ++i) {
    std::string element;
    ASSERT_TRUE(google::protobuf::util::MessageToJsonString(array.values(i), &element).ok());
    v1::RunResult parsed;
    ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(element, &parsed).ok()) << element;
    EXPECT_EQ(parsed.run_id(), expected_ids[i]);
  }
  EXPECT_EQ(json.back(), '\n');
  EXPECT_EQ(RunResultsJson({Result("r1")}, /*as_array=*/true).front(), '[');
}

TEST(PrintRunResults, CsvHasOneHeader) {
  std::ostringstream out;
  PrintRunResults({Result("r1"), Result("r2")}, OutputFormat::kCsv, false, true, &out);
  const std::string csv = out.str();
  const std::string header = csv.substr(0, csv.find('\n') + 1);
  EXPECT_EQ(csv.find(header, 1), std::string::npos) << csv;
}

TEST(WriteFileAtomically, WritesTheWholeFileAndNoTemporary) {
  TempDir dir;
  ASSERT_FALSE(dir.path().empty());
  const std::string path = dir.path() + "/result.json";
  ASSERT_TRUE(CheckOutputPath(path).ok());
  ASSERT_TRUE(WriteFileAtomically(path, "{\"runId\": \"r1\"}\n").ok());
  ASSERT_TRUE(WriteFileAtomically(path, "{}\n").ok());  // replaces
  std::ifstream file(path);
  std::stringstream contents;
  contents << file.rdbuf();
  EXPECT_EQ(contents.str(), "{}\n");
  EXPECT_FALSE(Exists(path + ".tmp"));
}

TEST(WriteFileAtomically, MissingDirectoryFailsAndLeavesNothing) {
  TempDir dir;
  const std::string path = dir.path() + "/missing/result.json";
  absl::Status checked = CheckOutputPath(path);
  EXPECT_EQ(checked.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(checked.message(), HasSubstr(path));
  absl::Status written = WriteFileAtomically(path, "{}");
  EXPECT_EQ(written.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(written.message(), HasSubstr("open"));
  EXPECT_FALSE(Exists(path + ".tmp"));
}

}  // namespace
}  // namespace ipclab::client
