#include "workloads/params.h"

#include <cstdio>
#include <cstdlib>
#include <limits>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace ipclab::workloads {
namespace {

struct Unit {
  const char* suffix;
  int shift;
};
// Largest first, for FormatSize.
constexpr Unit kUnits[] = {{"TiB", 40}, {"GiB", 30}, {"MiB", 20}, {"KiB", 10}};

absl::Status BadValue(const v1::ParamSpec& spec, absl::string_view value, absl::string_view why) {
  std::string range;
  switch (spec.type()) {
    case v1::ParamSpec::SIZE:
      range = absl::StrCat("a size from ", spec.min(), " to ", spec.max(),
                           " (e.g. 4096, 4KiB, 64KiB, 1MiB, 1GiB)");
      break;
    case v1::ParamSpec::INT:
      range = absl::StrCat("an integer from ", spec.min(), " to ", spec.max());
      break;
    default:
      range = absl::StrCat("one of ", absl::StrJoin(spec.allowed(), ", "));
  }
  return absl::InvalidArgumentError(absl::StrCat("parameter ", spec.name(), "=\"", value,
                                                 "\": ", why, "; allowed: ", range));
}

}  // namespace

absl::StatusOr<uint64_t> ParseSize(absl::string_view text) {
  absl::string_view digits = text;
  int shift = 0;
  for (const Unit& unit : kUnits) {
    if (absl::EndsWith(text, unit.suffix)) {
      digits = text.substr(0, text.size() - 3);
      shift = unit.shift;
      break;
    }
  }
  if (digits.empty()) return absl::InvalidArgumentError(absl::StrCat("malformed size \"", text, "\""));
  for (char c : digits) {
    if (!absl::ascii_isdigit(static_cast<unsigned char>(c))) {
      return absl::InvalidArgumentError(
          absl::StrCat("malformed size \"", text, "\" (units: KiB, MiB, GiB, TiB)"));
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
      const uint64_t mask = (uint64_t{1} << unit.shift) - 1;
      if ((bytes & mask) == 0) return absl::StrCat(bytes >> unit.shift, unit.suffix);
    }
  }
  return absl::StrCat(bytes);
}

v1::ParamSpec SizeParam(absl::string_view name, uint64_t default_bytes, uint64_t min_bytes,
                        uint64_t max_bytes, absl::string_view doc) {
  v1::ParamSpec spec;
  spec.set_name(std::string(name));
  spec.set_type(v1::ParamSpec::SIZE);
  spec.set_default_value(FormatSize(default_bytes));
  spec.set_min(FormatSize(min_bytes));
  spec.set_max(FormatSize(max_bytes));
  spec.set_unit("bytes");
  spec.set_doc(std::string(doc));
  return spec;
}

v1::ParamSpec IntParam(absl::string_view name, int64_t default_value, int64_t min, int64_t max,
                       absl::string_view unit, absl::string_view doc) {
  v1::ParamSpec spec;
  spec.set_name(std::string(name));
  spec.set_type(v1::ParamSpec::INT);
  spec.set_default_value(absl::StrCat(default_value));
  spec.set_min(absl::StrCat(min));
  spec.set_max(absl::StrCat(max));
  spec.set_unit(std::string(unit));
  spec.set_doc(std::string(doc));
  return spec;
}

v1::ParamSpec EnumParam(absl::string_view name, absl::string_view default_value,
                        std::initializer_list<const char*> allowed, absl::string_view doc) {
  v1::ParamSpec spec;
  spec.set_name(std::string(name));
  spec.set_type(v1::ParamSpec::ENUM);
  spec.set_default_value(std::string(default_value));
  for (const char* value : allowed) spec.add_allowed(value);
  spec.set_doc(std::string(doc));
  return spec;
}

v1::ParamSpec BoolParam(absl::string_view name, bool default_value, absl::string_view doc) {
  v1::ParamSpec spec;
  spec.set_name(std::string(name));
  spec.set_type(v1::ParamSpec::BOOL);
  spec.set_default_value(default_value ? "true" : "false");
  spec.add_allowed("true");
  spec.add_allowed("false");
  spec.set_doc(std::string(doc));
  return spec;
}

absl::StatusOr<std::string> CanonicalValue(const v1::ParamSpec& spec, absl::string_view value) {
  switch (spec.type()) {
    case v1::ParamSpec::SIZE: {
      absl::StatusOr<uint64_t> bytes = ParseSize(value);
      if (!bytes.ok()) return BadValue(spec, value, bytes.status().message());
      // Bounds were written by FormatSize, so they parse.
      const uint64_t min = ParseSize(spec.min()).value();
      const uint64_t max = ParseSize(spec.max()).value();
      if (*bytes < min || *bytes > max) return BadValue(spec, value, "out of range");
      return FormatSize(*bytes);
    }
    case v1::ParamSpec::INT: {
      int64_t number = 0;
      if (!absl::SimpleAtoi(value, &number)) return BadValue(spec, value, "not an integer");
      int64_t min = 0, max = 0;
      (void)absl::SimpleAtoi(spec.min(), &min);
      (void)absl::SimpleAtoi(spec.max(), &max);
      if (number < min || number > max) return BadValue(spec, value, "out of range");
      return absl::StrCat(number);
    }
    case v1::ParamSpec::ENUM:
    case v1::ParamSpec::BOOL:
      for (const std::string& allowed : spec.allowed()) {
        if (value == allowed) return allowed;
      }
      return BadValue(spec, value, "not an allowed value");
    default:
      return absl::InternalError(absl::StrCat("parameter ", spec.name(), " has no type"));
  }
}

CaseParams CaseParams::FromCase(const v1::Case& c) {
  return CaseParams(std::map<std::string, std::string>(c.params().begin(), c.params().end()));
}

const std::string& CaseParams::Text(absl::string_view name) const {
  auto it = values_.find(std::string(name));
  if (it == values_.end()) {
    // A workload asked for a parameter its own spec lacks: a programming error.
    std::fprintf(stderr, "ipclab: case has no parameter %s\n", std::string(name).c_str());
    std::abort();
  }
  return it->second;
}

uint64_t CaseParams::Size(absl::string_view name) const {
  absl::StatusOr<uint64_t> bytes = ParseSize(Text(name));
  if (!bytes.ok()) std::abort();  // values are canonical once resolved
  return *bytes;
}

int64_t CaseParams::Int(absl::string_view name) const {
  int64_t number = 0;
  if (!absl::SimpleAtoi(Text(name), &number)) std::abort();
  return number;
}

bool CaseParams::Bool(absl::string_view name) const { return Text(name) == "true"; }

}  // namespace ipclab::workloads
