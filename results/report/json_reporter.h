// JSON in the proto3 JSON mapping: what `--format json` prints and `--out`
// stores, and what `compare`/`gate` read back.
#ifndef IPCLAB_RESULTS_REPORT_JSON_REPORTER_H_
#define IPCLAB_RESULTS_REPORT_JSON_REPORTER_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "google/protobuf/message.h"
#include "ipclab/v1/ipclab.pb.h"

namespace ipclab::results {

// The proto3 JSON mapping of `message`, with these choices:
//   - add_whitespace = true: indented, one field per line, ends with "\n";
//   - always_print_primitive_fields = false: fields at their default (0, "",
//     false) are omitted, as the mapping specifies; readers treat absence as 0;
//   - preserve_proto_field_names = false: lowerCamelCase names ("runId"), the
//     canonical mapping (the parser accepts both spellings);
//   - always_print_enums_as_ints = false: enums by name ("SUCCEEDED");
//   - 64-bit integers are strings ("262144"), as the mapping specifies;
//   - map entries sorted by key (deterministic serialization), so the same
//     message always gives the same text.
// The messages of ipclab.proto cannot fail to convert (no Any fields); if a
// conversion ever fails, the result is "" rather than partial JSON.
std::string ToJson(const google::protobuf::Message& message);

// Parses a RunResult from its JSON mapping. Unknown fields are ignored (a
// newer server may add some). INVALID_ARGUMENT with the parser's message on
// malformed input.
absl::StatusOr<v1::RunResult> RunResultFromJson(absl::string_view json);

}  // namespace ipclab::results

#endif  // IPCLAB_RESULTS_REPORT_JSON_REPORTER_H_
