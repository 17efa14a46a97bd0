// Parameter values (sizes are base/size.h text): validation against a
// workload's ParamSpec list, and a typed read-only view of a resolved case.
#ifndef IPCLAB_WORKLOADS_PARAMS_H_
#define IPCLAB_WORKLOADS_PARAMS_H_

#include <cstdint>
#include <map>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "ipclab/v1/ipclab.pb.h"

namespace ipclab::workloads {

// Builders for the catalog, so each workload file reads like a table.
v1::ParamSpec SizeParam(absl::string_view name, uint64_t default_bytes, uint64_t min_bytes,
                        uint64_t max_bytes, absl::string_view doc);
v1::ParamSpec IntParam(absl::string_view name, int64_t default_value, int64_t min, int64_t max,
                       absl::string_view unit, absl::string_view doc);
v1::ParamSpec EnumParam(absl::string_view name, absl::string_view default_value,
                        std::initializer_list<const char*> allowed, absl::string_view doc);
v1::ParamSpec BoolParam(absl::string_view name, bool default_value, absl::string_view doc);

// Checks one value against its spec and returns its canonical text form
// (sizes as base::FormatSize, enums as given, bools "true"/"false").
// INVALID_ARGUMENT names the parameter, the value and the allowed range.
absl::StatusOr<std::string> CanonicalValue(const v1::ParamSpec& spec, absl::string_view value);

// A resolved case's parameters: every parameter of the workload is present in
// canonical form. Accessors abort on a name the spec does not have (a bug).
class CaseParams final {
 public:
  CaseParams() = default;
  explicit CaseParams(std::map<std::string, std::string> values) : values_(std::move(values)) {}
  static CaseParams FromCase(const v1::Case& c);

  uint64_t Size(absl::string_view name) const;
  int64_t Int(absl::string_view name) const;
  bool Bool(absl::string_view name) const;
  const std::string& Text(absl::string_view name) const;
  bool Has(absl::string_view name) const { return values_.count(std::string(name)) > 0; }
  const std::map<std::string, std::string>& values() const { return values_; }

 private:
  std::map<std::string, std::string> values_;
};

}  // namespace ipclab::workloads

#endif  // IPCLAB_WORKLOADS_PARAMS_H_
