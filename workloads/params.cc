#include "workloads/params.h"

#include <cstdio>
#include <cstdlib>
#include <limits>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "base/size.h"

namespace ipclab::workloads {
namespace {

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
  return absl::InvalidArgumentError(
      absl::StrCat("parameter ", spec.name(), "=\"", value, "\": ", why, "; allowed: ", range));
}

// A parameter of `type` with a default and an inclusive range, as text.
v1::ParamSpec RangeParam(absl::string_view name, v1::ParamSpec::Type type,
                         std::string default_value, std::string min, std::string max,
                         absl::string_view unit, absl::string_view doc) {
  v1::ParamSpec spec;
  spec.set_name(std::string(name));
  spec.set_type(type);
  spec.set_default_value(std::move(default_value));
  spec.set_min(std::move(min));
  spec.set_max(std::move(max));
  spec.set_unit(std::string(unit));
  spec.set_doc(std::string(doc));
  return spec;
}

}  // namespace

v1::ParamSpec SizeParam(absl::string_view name, uint64_t default_bytes, uint64_t min_bytes,
                        uint64_t max_bytes, absl::string_view doc) {
  return RangeParam(name, v1::ParamSpec::SIZE, base::FormatSize(default_bytes),
                    base::FormatSize(min_bytes), base::FormatSize(max_bytes), "bytes", doc);
}

v1::ParamSpec IntParam(absl::string_view name, int64_t default_value, int64_t min, int64_t max,
                       absl::string_view unit, absl::string_view doc) {
  return RangeParam(name, v1::ParamSpec::INT, absl::StrCat(default_value), absl::StrCat(min),
                    absl::StrCat(max), unit, doc);
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
      absl::StatusOr<uint64_t> bytes = base::ParseSize(value);
      if (!bytes.ok()) return BadValue(spec, value, bytes.status().message());
      // Bounds were written by FormatSize, so they parse.
      const uint64_t min = base::ParseSize(spec.min()).value();
      const uint64_t max = base::ParseSize(spec.max()).value();
      if (*bytes < min || *bytes > max) return BadValue(spec, value, "out of range");
      return base::FormatSize(*bytes);
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
  absl::StatusOr<uint64_t> bytes = base::ParseSize(Text(name));
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
