#include "results/report/json_writer.h"

#include <cmath>
#include <sstream>

#include "gtest/gtest.h"

namespace ipclab::results {
namespace {

TEST(JsonWriter, NestsWithTwoSpaceIndentation) {
  std::ostringstream out;
  JsonWriter json(&out);
  json.BeginObject();
  json.Key("name").String("pipe");
  json.Key("values").BeginArray().Number(1).Number(2.5).EndArray();
  json.Key("empty").BeginArray().EndArray();
  json.Key("nested").BeginObject().Key("ok").Bool(true).Key("none").Null().EndObject();
  json.Key("count").Integer(-3);
  json.EndObject();
  EXPECT_EQ(out.str(),
            "{\n"
            "  \"name\": \"pipe\",\n"
            "  \"values\": [\n"
            "    1,\n"
            "    2.5\n"
            "  ],\n"
            "  \"empty\": [],\n"
            "  \"nested\": {\n"
            "    \"ok\": true,\n"
            "    \"none\": null\n"
            "  },\n"
            "  \"count\": -3\n"
            "}\n");
}

TEST(JsonWriter, QuotesAndControlCharacters) {
  EXPECT_EQ(JsonQuote("a\"b\\c\n\t\x01"), "\"a\\\"b\\\\c\\n\\t\\u0001\"");
  EXPECT_EQ(JsonQuote("µs"), "\"µs\"");  // UTF-8 passes through
}

TEST(JsonWriter, ShortestNumbersAndNullForNonFinite) {
  EXPECT_EQ(JsonNumber(0.1), "0.1");
  EXPECT_EQ(JsonNumber(4620000000.0), "4620000000");
  EXPECT_EQ(JsonNumber(-0.0), "0");
  EXPECT_EQ(JsonNumber(1e-7), "1e-07");
  EXPECT_EQ(JsonNumber(1.0 / 0.0), "null");
  EXPECT_EQ(JsonNumber(std::nan("")), "null");
}

}  // namespace
}  // namespace ipclab::results
