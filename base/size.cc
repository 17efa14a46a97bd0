#include "base/size.h"

#include <limits>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"

namespace ipclab::base {
namespace {

struct Unit {
  const char* suffix;
  int shift;
};
// Largest first: FormatSize takes the first that divides; ParseSize must
// try "KiB" before "B".
constexpr Unit kUnits[] = {{"TiB", 40}, {"GiB", 30}, {"MiB", 20}, {"KiB", 10}, {"B", 0}};

}  // namespace

absl::StatusOr<uint64_t> ParseSize(absl::string_view text) {
  absl::string_view digits = absl::StripAsciiWhitespace(text);
  int shift = 0;
  for (const Unit& unit : kUnits) {
    if (absl::ConsumeSuffix(&digits, unit.suffix)) {
      shift = unit.shift;
      break;
    }
  }
  if (digits.empty())
    return absl::InvalidArgumentError(absl::StrCat("malformed size \"", text, "\""));
  for (char c : digits) {
    if (!absl::ascii_isdigit(static_cast<unsigned char>(c))) {
      return absl::InvalidArgumentError(
          absl::StrCat("malformed size \"", text, "\" (units: B, KiB, MiB, GiB, TiB)"));
    }
  }
  uint64_t number = 0;
  if (!absl::SimpleAtoi(digits, &number)) {
    return absl::InvalidArgumentError(absl::StrCat("size \"", text, "\" is too large"));
  }
  if (shift > 0 && number > (std::numeric_limits<uint64_t>::max() >> shift)) {
    return absl::InvalidArgumentError(absl::StrCat("size \"", text, "\" is too large"));
  }
  return number << shift;
}

std::string FormatSize(uint64_t bytes) {
  if (bytes != 0) {
    for (const Unit& unit : kUnits) {
      if (unit.shift == 0) break;  // plain bytes are written without a unit
      const uint64_t mask = (uint64_t{1} << unit.shift) - 1;
      if ((bytes & mask) == 0) return absl::StrCat(bytes >> unit.shift, unit.suffix);
    }
  }
  return absl::StrCat(bytes);
}

}  // namespace ipclab::base
