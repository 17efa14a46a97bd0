#include "base/metric_names.h"

#include "absl/strings/str_cat.h"

namespace ipclab::base {

std::string MetricName(absl::string_view phase, absl::string_view metric) {
  return absl::StrCat(phase, ".", metric);
}

std::string MetricName(absl::string_view phase, absl::string_view role, absl::string_view metric) {
  return absl::StrCat(phase, ".", role, ".", metric);
}

}  // namespace ipclab::base
