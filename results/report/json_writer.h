// A small streaming JSON writer for the documents that are not proto
// messages: the comparison, Google Benchmark JSON and Bencher BMF. Two-space
// indentation, one member per line, strings escaped per RFC 8259, numbers in
// the shortest form that reads back to the same double (non-finite: null).
//
//   JsonWriter json(&out);
//   json.BeginObject();
//   json.Key("name").String("pipe");
//   json.Key("values").BeginArray().Number(1).Number(2.5).EndArray();
//   json.EndObject();  // then out holds the document and a final "\n"
#ifndef IPCLAB_RESULTS_REPORT_JSON_WRITER_H_
#define IPCLAB_RESULTS_REPORT_JSON_WRITER_H_

#include <cstdint>
#include <ostream>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"

namespace ipclab::results {

class JsonWriter final {
 public:
  // `out` must outlive the writer.
  explicit JsonWriter(std::ostream* out) : out_(out) {}
  JsonWriter(const JsonWriter&) = delete;
  JsonWriter& operator=(const JsonWriter&) = delete;

  JsonWriter& BeginObject();
  JsonWriter& EndObject();
  JsonWriter& BeginArray();
  JsonWriter& EndArray();
  // A member name; the next call writes its value.
  JsonWriter& Key(absl::string_view name);
  JsonWriter& String(absl::string_view value);
  JsonWriter& Number(double value);
  JsonWriter& Integer(int64_t value);
  JsonWriter& Bool(bool value);
  JsonWriter& Null();

 private:
  struct Level {
    bool array;
    bool empty;
  };
  void BeforeValue();
  void Close(char bracket);
  void NewLine();

  std::ostream* out_;
  std::vector<Level> levels_;
  bool after_key_ = false;
};

// `text` as a JSON string literal, quotes included.
std::string JsonQuote(absl::string_view text);

// The shortest text that reads back to `value` ("0.1", "4620000000",
// "1e-07"); "null" for NaN and infinities.
std::string JsonNumber(double value);

}  // namespace ipclab::results

#endif  // IPCLAB_RESULTS_REPORT_JSON_WRITER_H_
