#include "results/store/run_filter.h"

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "base/status_macros.h"

namespace ipclab::results {
namespace {

absl::StatusOr<int64_t> ParseSince(absl::string_view text, absl::Time now) {
  static constexpr std::pair<char, int64_t> kUnits[] = {
      {'d', 86400}, {'h', 3600}, {'m', 60}, {'s', 1}};
  for (const auto& [suffix, seconds] : kUnits) {
    if (text.size() < 2 || text.back() != suffix) continue;
    int64_t count = 0;
    if (absl::SimpleAtoi(text.substr(0, text.size() - 1), &count) && count >= 0) {
      return absl::ToUnixMicros(now - absl::Seconds(count * seconds));
    }
  }
  absl::Time time;
  std::string error;
  for (const char* format :
       {"%Y-%m-%d", absl::RFC3339_full, "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M"}) {
    if (absl::ParseTime(format, std::string(text), absl::UTCTimeZone(), &time, &error)) {
      return absl::ToUnixMicros(time);
    }
  }
  return absl::InvalidArgumentError(
      absl::StrCat("since=\"", text,
                   "\": expected a date (2024-05-01), a time "
                   "(2024-05-01T10:00:00Z) or an age (7d, 12h, 30m)"));
}

}  // namespace

absl::StatusOr<std::pair<std::string, std::string>> ParseTag(absl::string_view text) {
  const size_t equals = text.find('=');
  const absl::string_view key = text.substr(0, equals);
  const bool valid_key = !key.empty() && std::all_of(key.begin(), key.end(), [](char c) {
    return absl::ascii_isalnum(c) || c == '_' || c == '-' || c == '.' || c == '/';
  });
  if (equals == absl::string_view::npos || !valid_key) {
    return absl::InvalidArgumentError(absl::StrCat(
        "tag \"", text,
        "\": expected KEY=VALUE, KEY of letters, digits, _ - . / (e.g. commit=abc123)"));
  }
  return std::make_pair(std::string(key), std::string(text.substr(equals + 1)));
}

absl::StatusOr<RunFilter> ParseRunFilter(const std::vector<std::string>& terms, absl::Time now) {
  RunFilter filter;
  for (const std::string& term : terms) {
    absl::string_view rest = term;
    if (absl::ConsumePrefix(&rest, "tag:")) {
      IPCLAB_ASSIGN_OR_RETURN(auto tag, ParseTag(rest));
      filter.tags.push_back(std::move(tag));
      continue;
    }
    if (absl::ConsumePrefix(&rest, "fleet:")) {
      IPCLAB_ASSIGN_OR_RETURN(auto tag, ParseTag(absl::StrCat(kFleetTag, "=", rest)));
      if (tag.second.empty()) {
        return absl::InvalidArgumentError(
            absl::StrCat("filter \"", term, "\": expected fleet:ID (see `ipclab results list`)"));
      }
      filter.tags.push_back(std::move(tag));
      continue;
    }
    const size_t equals = rest.find('=');
    const absl::string_view name = rest.substr(0, equals);
    const absl::string_view value =
        equals == absl::string_view::npos ? "" : rest.substr(equals + 1);
    if (equals != absl::string_view::npos && name == "workload") {
      filter.workload = std::string(value);
    } else if (equals != absl::string_view::npos && name == "label") {
      filter.label = std::string(value);
    } else if (equals != absl::string_view::npos && name == "status") {
      filter.status = absl::AsciiStrToUpper(value);
    } else if (equals != absl::string_view::npos && name == "since") {
      IPCLAB_ASSIGN_OR_RETURN(int64_t since, ParseSince(value, now));
      filter.since_us = since;
    } else {
      return absl::InvalidArgumentError(
          absl::StrCat("filter \"", term,
                       "\": expected workload=NAME, label=TEXT, tag:KEY=VALUE, fleet:ID, "
                       "status=succeeded|failed, or since=DATE|AGE"));
    }
  }
  return filter;
}

}  // namespace ipclab::results
