#include "workloads/params.h"

#include "gtest/gtest.h"

namespace ipclab::workloads {
namespace {

TEST(CanonicalValue, SizesAreRangeCheckedAndNormalized) {
  const v1::ParamSpec spec = SizeParam("message_size", 65536, 1, 64 << 20, "doc");
  EXPECT_EQ(spec.default_value(), "64KiB");
  EXPECT_EQ(spec.max(), "64MiB");
  EXPECT_EQ(CanonicalValue(spec, "65536").value(), "64KiB");
  const absl::Status zero = CanonicalValue(spec, "0").status();
  EXPECT_EQ(zero.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(zero.message(),
            "parameter message_size=\"0\": out of range; allowed: a size from 1 to 64MiB (e.g. "
            "4096, 4KiB, 64KiB, 1MiB, 1GiB)");
  const absl::Status malformed = CanonicalValue(spec, "12XB").status();
  EXPECT_EQ(malformed.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(malformed.message().find("message_size=\"12XB\""), std::string::npos) << malformed;
  EXPECT_NE(malformed.message().find("malformed size"), std::string::npos) << malformed;
  EXPECT_EQ(CanonicalValue(spec, "65MiB").status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(CanonicalValue(spec, "-5").status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(CanonicalValue, EnumsBoolsAndInts) {
  const v1::ParamSpec mode = EnumParam("mode", "stream", {"stream", "pingpong"}, "doc");
  EXPECT_EQ(CanonicalValue(mode, "pingpong").value(), "pingpong");
  EXPECT_EQ(CanonicalValue(mode, "Stream").status().message(),
            "parameter mode=\"Stream\": not an allowed value; allowed: one of stream, pingpong");
  const v1::ParamSpec populate = BoolParam("populate", false, "doc");
  EXPECT_EQ(CanonicalValue(populate, "true").value(), "true");
  EXPECT_FALSE(CanonicalValue(populate, "yes").ok());
  const v1::ParamSpec count = IntParam("count", 3, 1, 10, "count", "doc");
  EXPECT_EQ(CanonicalValue(count, "10").value(), "10");
  EXPECT_FALSE(CanonicalValue(count, "11").ok());
  EXPECT_FALSE(CanonicalValue(count, "x").ok());
}

TEST(CaseParams, TypedAccessors) {
  CaseParams params(
      {{"message_size", "64KiB"}, {"mode", "stream"}, {"populate", "true"}, {"count", "7"}});
  EXPECT_EQ(params.Size("message_size"), 65536u);
  EXPECT_EQ(params.Text("mode"), "stream");
  EXPECT_TRUE(params.Bool("populate"));
  EXPECT_EQ(params.Int("count"), 7);
  EXPECT_TRUE(params.Has("mode"));
  EXPECT_FALSE(params.Has("ring_bytes"));
}

}  // namespace
}  // namespace ipclab::workloads
