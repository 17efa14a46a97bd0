#include "results/format/format.h"

#include <algorithm>
#include <cmath>
#include <iterator>
#include <string>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_replace.h"
#include "absl/types/span.h"

namespace ipclab::results {
namespace {

// `value` (>= 0) with three significant digits: "4.62", "64.5", "812".
// Decimals are chosen after rounding, so 9.996 gives "10.0", not "10.00".
std::string ThreeSignificant(double value) {
  if (value == 0.0) return "0";
  int decimals = value < 10 ? 2 : value < 100 ? 1 : 0;
  const double scale = std::pow(10.0, decimals);
  const double rounded = std::round(value * scale) / scale;
  if (decimals == 2 && rounded >= 10) decimals = 1;
  if (decimals == 1 && rounded >= 100) decimals = 0;
  return absl::StrFormat("%.*f", decimals, value);
}

double RoundedThreeSignificant(double value) {
  double parsed = 0;
  (void)absl::SimpleAtod(ThreeSignificant(value), &parsed);
  return parsed;
}

// `magnitude` (>= 0) in the largest of `units` it reaches, `step` apart, with
// three significant digits; moves to the next unit when rounding reaches a step.
struct Scaled {
  std::string number;
  const char* unit;
};

Scaled Scale(double magnitude, double step, absl::Span<const char* const> units) {
  size_t index = 0;
  double value = magnitude;
  while (index + 1 < units.size() && value >= step) {
    value /= step;
    ++index;
  }
  if (index + 1 < units.size() && RoundedThreeSignificant(value) >= step) {
    value /= step;
    ++index;
  }
  return Scaled{ThreeSignificant(value), units[index]};
}

std::string WithSign(double value, const std::string& magnitude_text) {
  return value < 0 ? absl::StrCat("-", magnitude_text) : magnitude_text;
}

}  // namespace

std::string FormatBytes(double bytes) {
  static constexpr const char* kUnits[] = {"B", "KiB", "MiB", "GiB", "TiB", "PiB"};
  const double magnitude = std::fabs(bytes);
  // An exact multiple of its unit prints as an integer: sizes people chose.
  double unit_bytes = 1;
  size_t index = 0;
  while (index + 1 < std::size(kUnits) && magnitude >= unit_bytes * 1024) {
    unit_bytes *= 1024;
    ++index;
  }
  if (std::fmod(magnitude, unit_bytes) == 0.0) {
    return WithSign(bytes, absl::StrFormat("%.0f %s", magnitude / unit_bytes, kUnits[index]));
  }
  const Scaled scaled = Scale(magnitude, 1024, kUnits);
  return WithSign(bytes, absl::StrCat(scaled.number, " ", scaled.unit));
}

std::string FormatBytesDelta(double bytes) {
  return bytes > 0 ? absl::StrCat("+", FormatBytes(bytes)) : FormatBytes(bytes);
}

std::string FormatThroughput(double bytes_per_sec) {
  static constexpr const char* kUnits[] = {"B/s", "kB/s", "MB/s", "GB/s", "TB/s"};
  const Scaled scaled = Scale(std::fabs(bytes_per_sec), 1000, kUnits);
  return WithSign(bytes_per_sec, absl::StrCat(scaled.number, " ", scaled.unit));
}

std::string FormatRate(double per_sec) {
  static constexpr const char* kUnits[] = {"", "k", "M", "G", "T"};
  const Scaled scaled = Scale(std::fabs(per_sec), 1000, kUnits);
  const std::string text = scaled.unit[0] == '\0'
                               ? absl::StrCat(scaled.number, "/s")
                               : absl::StrCat(scaled.number, " ", scaled.unit, "/s");
  return WithSign(per_sec, text);
}

std::string FormatDuration(double ns) {
  static constexpr const char* kUnits[] = {"ns", "µs", "ms", "s"};
  const Scaled scaled = Scale(std::fabs(ns), 1000, kUnits);
  return WithSign(ns, absl::StrCat(scaled.number, " ", scaled.unit));
}

std::string FormatCount(double value) {
  const double rounded = std::round(value);
  std::string digits = absl::StrFormat("%.0f", std::fabs(rounded));
  std::string grouped;
  grouped.reserve(digits.size() + digits.size() / 3);
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) grouped.push_back(',');
    grouped.push_back(digits[i]);
  }
  return rounded < 0 ? absl::StrCat("-", grouped) : grouped;
}

std::string FormatPercent(double fraction, int decimals) {
  return absl::StrFormat("%.*f%%", decimals, fraction * 100.0);
}

std::string FormatCpuList(std::vector<int> cpus) {
  std::sort(cpus.begin(), cpus.end());
  cpus.erase(std::unique(cpus.begin(), cpus.end()), cpus.end());
  std::string text;
  for (size_t i = 0; i < cpus.size();) {
    size_t end = i;
    while (end + 1 < cpus.size() && cpus[end + 1] == cpus[end] + 1) ++end;
    if (!text.empty()) text.push_back(',');
    absl::StrAppend(&text, cpus[i]);
    if (end > i) absl::StrAppend(&text, "-", cpus[end]);
    i = end + 1;
  }
  return text;
}

std::string FormatCpuList(const google::protobuf::RepeatedField<int32_t>& cpus) {
  return FormatCpuList(std::vector<int>(cpus.begin(), cpus.end()));
}

std::string XmlEscape(absl::string_view text) {
  std::string escaped;
  escaped.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&':
        escaped += "&amp;";
        break;
      case '<':
        escaped += "&lt;";
        break;
      case '>':
        escaped += "&gt;";
        break;
      case '"':
        escaped += "&quot;";
        break;
      case '\'':
        escaped += "&apos;";
        break;
      default:
        if (static_cast<unsigned char>(c) >= 0x20 || c == '\n' || c == '\t') escaped += c;
    }
  }
  return escaped;
}

std::string MarkdownCell(absl::string_view text) {
  return absl::StrReplaceAll(text, {{"|", "\\|"}, {"\n", " "}});
}

}  // namespace ipclab::results
