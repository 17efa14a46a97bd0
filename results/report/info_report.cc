#include "results/report/info_report.h"

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "results/format/format.h"
#include "results/report/table_cells.h"
#include "results/report/text_table.h"

namespace ipclab::results {
namespace {

// `ipclab list` fits this many columns (the doc column wraps).
constexpr size_t kCatalogWidth = 100;

std::string TypeName(v1::ParamSpec::Type type) {
  switch (type) {
    case v1::ParamSpec::SIZE:
      return "size";
    case v1::ParamSpec::INT:
      return "int";
    case v1::ParamSpec::ENUM:
      return "enum";
    case v1::ParamSpec::BOOL:
      return "bool";
    default:
      return "-";
  }
}

// "1..1GiB" for sizes and integers, "stream|pingpong" for enums and bools.
std::string RangeText(const v1::ParamSpec& spec) {
  if (spec.allowed_size() > 0) return absl::StrJoin(spec.allowed(), "|");
  if (!spec.min().empty() && !spec.max().empty()) return absl::StrCat(spec.min(), "..", spec.max());
  if (!spec.min().empty()) return absl::StrCat(">=", spec.min());
  if (!spec.max().empty()) return absl::StrCat("<=", spec.max());
  return "-";
}

}  // namespace

void PrintCatalog(const v1::ListWorkloadsResponse& catalog, std::ostream* out) {
  bool first = true;
  for (const v1::WorkloadSpec& workload : catalog.workloads()) {
    if (!first) *out << "\n";
    first = false;
    PrintWrapped(absl::StrCat(workload.name(), ": "), "  ", workload.summary(), kCatalogWidth, out);
    *out << "  roles: " << OrDash(absl::StrJoin(workload.roles(), ", "))
         << "  phases: " << OrDash(absl::StrJoin(workload.phases(), ", ")) << "\n";
    // The doc column is wrapped so the table fits kCatalogWidth columns.
    size_t used = 2;  // the indent
    const std::vector<std::string> headers = {"parameter", "type", "default", "range"};
    std::vector<size_t> widths;
    for (const std::string& header : headers) widths.push_back(header.size());
    for (const v1::ParamSpec& param : workload.params()) {
      const std::vector<std::string> cells = {param.name(), TypeName(param.type()),
                                              OrDash(param.default_value()), RangeText(param)};
      for (size_t c = 0; c < cells.size(); ++c) {
        widths[c] = std::max(widths[c], DisplayWidth(cells[c]));
      }
    }
    for (size_t width : widths) used += width + 2;
    const size_t doc_width = kCatalogWidth > used + 30 ? kCatalogWidth - used : 30;
    TextTable table({{"parameter"}, {"type"}, {"default"}, {"range"}, {"doc"}});
    for (const v1::ParamSpec& param : workload.params()) {
      std::vector<std::string> doc_lines;
      std::string line;
      for (absl::string_view word : absl::StrSplit(param.doc(), ' ', absl::SkipEmpty())) {
        if (!line.empty() && DisplayWidth(line) + 1 + DisplayWidth(word) > doc_width) {
          doc_lines.push_back(std::move(line));
          line.clear();
        }
        if (!line.empty()) line += " ";
        absl::StrAppend(&line, word);
      }
      doc_lines.push_back(std::move(line));
      table.AddRow({param.name(), TypeName(param.type()), OrDash(param.default_value()),
                    RangeText(param), doc_lines[0]});
      for (size_t i = 1; i < doc_lines.size(); ++i) table.AddRow({"", "", "", "", doc_lines[i]});
    }
    table.Print(out, "  ");
  }
}

void PrintHost(const v1::HostInfo& host, std::ostream* out) {
  std::vector<std::pair<std::string, std::string>> lines;
  lines.emplace_back("hostname", OrDash(host.hostname()));
  lines.emplace_back(
      "kernel", absl::StrCat(OrDash(host.kernel_release()), " ", OrDash(host.kernel_version())));
  lines.emplace_back("architecture", OrDash(host.architecture()));
  lines.emplace_back("cpu model", OrDash(host.cpu_model()));
  lines.emplace_back("cpus", absl::StrCat(host.cpu_count(), " online, allowed ",
                                          OrDash(FormatCpuList(host.allowed_cpus()))));
  lines.emplace_back("page size", FormatBytes(static_cast<double>(host.page_size_bytes())));
  for (const v1::HugePagePool& pool : host.huge_page_pools()) {
    lines.emplace_back(
        absl::StrCat("huge pages ", FormatBytes(static_cast<double>(pool.page_size_bytes()))),
        absl::StrCat(pool.total_pages(), " total, ", pool.free_pages(), " free, ",
                     pool.reserved_pages(), " reserved"));
  }
  lines.emplace_back("thp enabled", OrDash(host.thp_enabled()));
  lines.emplace_back("thp defrag", OrDash(host.thp_defrag()));
  lines.emplace_back(
      "memory",
      absl::StrCat(FormatBytes(static_cast<double>(host.mem_total_bytes())), " total, ",
                   FormatBytes(static_cast<double>(host.mem_available_bytes())), " available"));
  lines.emplace_back(
      "/dev/shm",
      absl::StrCat(FormatBytes(static_cast<double>(host.dev_shm_size_bytes())), " size, ",
                   FormatBytes(static_cast<double>(host.dev_shm_free_bytes())), " free"));
  lines.emplace_back("cgroup memory limit",
                     host.cgroup_memory_limit_bytes() == 0
                         ? "none"
                         : FormatBytes(static_cast<double>(host.cgroup_memory_limit_bytes())));
  // ---- containers (issue 11)
  lines.emplace_back(
      "cgroup cpu limit",
      host.cgroup_cpu_limit_millicpus() == 0
          ? "none"
          : absl::StrCat(FormatCount(host.cgroup_cpu_limit_millicpus() / 1000.0), " CPUs"));
  std::vector<std::string> read_only, hidden;
  for (const v1::HostSetting& setting : host.host_settings()) {
    if (!setting.visible()) {
      hidden.push_back(setting.path());
    } else if (!setting.changeable()) {
      read_only.push_back(setting.path());
    }
  }
  if (host.in_container() && !read_only.empty()) {
    lines.emplace_back("host-wide, read-only", absl::StrJoin(read_only, " "));
  }
  if (!hidden.empty()) lines.emplace_back("host-wide, not visible", absl::StrJoin(hidden, " "));
  lines.emplace_back("container", host.in_container()
                                      ? absl::StrCat("yes (", OrDash(host.container_runtime()), ")")
                                      : "no");
  lines.emplace_back("perf events",
                     absl::StrCat(host.perf_events_allowed() ? "allowed" : "not allowed",
                                  " (perf_event_paranoid ", host.perf_event_paranoid(), ")"));
  lines.emplace_back("ipclab version", OrDash(host.ipclab_version()));
  // ---- what the server admits (issue 10), when it says
  if (host.has_limits()) {
    const v1::ServerLimits& limits = host.limits();
    auto bytes = [](uint64_t value) { return FormatBytes(static_cast<double>(value)); };
    lines.emplace_back(
        "limit memory/case",
        absl::StrCat(bytes(limits.memory_budget_bytes()), " now (--max-memory ",
                     bytes(limits.max_memory_bytes()), ", cgroup ",
                     limits.cgroup_limit_bytes() == 0 ? "none" : bytes(limits.cgroup_limit_bytes()),
                     ")"));
    lines.emplace_back("limit run time",
                       limits.max_run_seconds() == 0
                           ? "none"
                           : absl::StrCat(limits.max_run_seconds(), " s (--max-run-seconds)"));
    lines.emplace_back("limit cases/run",
                       limits.max_cases() == 0 ? "none" : absl::StrCat(limits.max_cases()));
    if (limits.max_result_bytes() > 0) {
      lines.emplace_back("limit result size", bytes(limits.max_result_bytes()));
    }
    for (const v1::ScratchSpace& scratch : limits.scratch()) {
      lines.emplace_back("scratch space", absl::StrCat(scratch.directory(), " ",
                                                       bytes(scratch.free_bytes()), " free"));
    }
    std::vector<std::string> security;
    if (limits.tls()) security.push_back(limits.client_certificates() ? "mTLS" : "TLS");
    if (limits.bearer_tokens()) security.push_back("bearer tokens");
    lines.emplace_back("security",
                       security.empty() ? "plaintext, no tokens" : absl::StrJoin(security, ", "));
  }

  size_t width = 0;
  for (const auto& [key, value] : lines) width = std::max(width, key.size());
  for (const auto& [key, value] : lines) {
    *out << key << ":" << std::string(width - key.size() + 1, ' ') << value << "\n";
  }
}

void PrintHostChecks(const v1::HostInfo& host, std::ostream* out) {
  *out << "host " << OrDash(host.hostname()) << "  Linux " << OrDash(host.kernel_release()) << "  "
       << host.cpu_count() << " CPUs\n";
  TextTable table({{"check"}, {"level"}, {"found"}, {"what to do"}});
  int warnings = 0;
  for (const v1::HostCheck& check : host.checks()) {
    if (check.level() == v1::HostCheck::WARN) ++warnings;
    table.AddRow({check.name(),
                  check.level() == v1::HostCheck::LEVEL_UNSPECIFIED
                      ? "-"
                      : v1::HostCheck::Level_Name(check.level()),
                  OrDash(check.value()), OrDash(check.advice())});
  }
  if (host.checks().empty()) {
    *out << "no checks: the server predates `ipclab doctor`\n";
    return;
  }
  table.Print(out);
  *out << warnings << " warning" << (warnings == 1 ? "" : "s")
       << (warnings == 0 ? ": the host looks quiet enough to measure\n"
                         : ": timings taken now may not hold from run to run\n");
}

}  // namespace ipclab::results
