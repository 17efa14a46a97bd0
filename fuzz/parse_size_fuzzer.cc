// base::ParseSize on any text: never crashes, and what it accepts prints
// (FormatSize) to a text that reads back to the same number.
#include <cstddef>
#include <cstdint>
#include <string>

#include "absl/strings/string_view.h"
#include "base/size.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const absl::string_view text(reinterpret_cast<const char*>(data), size);
  const absl::StatusOr<uint64_t> bytes = ipclab::base::ParseSize(text);
  if (!bytes.ok()) {
    if (bytes.status().message().empty()) __builtin_trap();  // a refusal says why
    return 0;
  }
  const std::string printed = ipclab::base::FormatSize(*bytes);
  const absl::StatusOr<uint64_t> again = ipclab::base::ParseSize(printed);
  if (!again.ok() || *again != *bytes) __builtin_trap();
  return 0;
}
