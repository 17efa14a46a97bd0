// Sizes as ipclab writes them in parameters and case names: "4096", "64B",
// "4KiB", "64KiB", "1MiB", "1GiB", "2TiB". One parser for the workloads'
// parameters and for results (case labels, charts).
#ifndef IPCLAB_BASE_SIZE_H_
#define IPCLAB_BASE_SIZE_H_

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace ipclab::base {

// Decimal digits with an optional binary unit (B, KiB, MiB, GiB, TiB);
// surrounding whitespace is ignored. INVALID_ARGUMENT for anything else
// ("4 KiB", "4K", "+4", "1.5MiB") or a size that does not fit 64 bits.
absl::StatusOr<uint64_t> ParseSize(absl::string_view text);

// The largest binary unit that divides `bytes` exactly: 4096 -> "4KiB",
// 1536 KiB -> "1536KiB", 1000 -> "1000", 0 -> "0". ParseSize reads it back.
std::string FormatSize(uint64_t bytes);

}  // namespace ipclab::base

#endif  // IPCLAB_BASE_SIZE_H_
