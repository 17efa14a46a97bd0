#include "client/results_cli.h"

#include <string>
#include <vector>

namespace ipclab::client {
namespace {

constexpr char kDbHelp[] =
    "Results database (default $XDG_DATA_HOME/ipclab/results.db, else "
    "~/.local/share/ipclab/results.db)";

constexpr char kRunArgumentHelp[] =
    "\nA RUN is a stored run id (or a unique prefix of one), tag:KEY=VALUE (the newest run\n"
    "with that tag), or a JSON file written by `ipclab run --out`.\n";

constexpr char kResultsFooter[] =
    "\nEvery `ipclab run` is stored (unless --no-store): the whole result, its label and tags,\n"
    "and the host it ran on.\n"
    "\nExamples:\n"
    "  ipclab results list\n"
    "  ipclab results list --filter workload=pipe --filter tag:commit=abc123 --filter since=7d\n"
    "  ipclab results show 3f2a\n"
    "  ipclab results export 3f2a --format gbench --out pipe.gbench.json\n";

constexpr char kCompareFooter[] =
    "\nPer case (matched by the parameters the runs sweep) and metric: both medians, the change,\n"
    "its 95% bootstrap confidence interval, the Mann-Whitney U p-value and a verdict:\n"
    "better/worse (p < 0.05 and the whole CI beyond --threshold), same (the CI lies within\n"
    "±threshold), noisy (neither: too few repetitions or too much variation).\n"
    "Metrics: throughput, p50, p99 (latency), ns_per_page (page_fault, cow_private),\n"
    "faults_per_page, rss_growth.\n"
    "Differences of host, kernel, THP mode, CPU and parameters are printed as warnings.\n"
    "Exit code 0 whatever the verdicts; 2 for unusable input.\n"
    "\nExamples:\n"
    "  ipclab compare 3f2a 9c1d\n"
    "  ipclab compare tag:commit=abc123 tag:commit=def456 --format markdown\n"
    "  ipclab compare before.json after.json --metric throughput,p99 --format json\n";

constexpr char kGateFooter[] =
    "\nFails (exit 1) when a metric regressed beyond --max-regression with confidence: the\n"
    "whole 95% CI of the change lies beyond the limit and Mann-Whitney p < 0.05 (Holm-\n"
    "corrected over all the gate's checks, so many cases do not add false alarms). Passes\n"
    "(exit 0) when every regression the CI allows stays within the limit (and there are\n"
    "enough repetitions for the test to decide). Otherwise inconclusive (exit 3:\n"
    "too few repetitions - at least 4 per side - or too much variation; the summary says how\n"
    "many repetitions would decide). A case that failed in the candidate fails the gate.\n"
    "Exit 2 for unusable input: unknown run, malformed file, corrupt database, bad flag.\n"
    "Each side is one run or several (repeat the option): the repetitions of runs of one\n"
    "configuration are pooled. Runs of the two sides interleaved in time (base, candidate,\n"
    "base, candidate ...) keep the host's drift between runs from looking like a change.\n"
    "\nExamples:\n"
    "  ipclab gate --baseline tag:commit=$BASE --candidate tag:commit=$HEAD\n"
    "  ipclab gate --baseline 3f2a --baseline 77b0 --candidate 9c1d --candidate e5f3\n"
    "  ipclab gate --baseline base.json --candidate head.json --max-regression 10% \\\n"
    "      --metric throughput,p99 --markdown \"$GITHUB_STEP_SUMMARY\" --junit gate.xml\n";

constexpr char kReportFooter[] =
    "\nOne self-contained HTML file (inline SVG, no scripts, nothing from the network):\n"
    "throughput against message size, latency percentiles, faults and RSS per phase, and\n"
    "with several runs the change of each against the first with confidence intervals.\n"
    "\nExamples:\n"
    "  ipclab report 3f2a --html pipe.html\n"
    "  ipclab report tag:commit=abc123 tag:commit=def456 --html change.html\n";

void AddDb(CLI::App* command, std::string* db) {
  command->add_option("--db", *db, kDbHelp)->type_name("PATH");
}

bool Chosen(const CLI::App* command) { return command != nullptr && command->parsed(); }

}  // namespace

void AddStoreFlags(CLI::App* run, StoreFlags* flags) {
  AddDb(run, &flags->db);
  run->add_flag("--no-store", flags->no_store, "Do not store the result in the database");
  run->add_option("--tag", flags->tags, "Store the result with tag KEY=VALUE (repeatable)")
      ->allow_extra_args(false)
      ->type_name("KEY=VALUE");
}

ResultsCli::ResultsCli(CLI::App* app) {
  results_ = app->add_subcommand("results", "List, show and export stored runs");
  results_->require_subcommand(1);
  results_->footer(std::string(kResultsFooter) + kRunArgumentHelp);

  list_ = results_->add_subcommand("list", "List stored runs, newest first");
  AddDb(list_, &list_options_.db);
  list_
      ->add_option("--filter", list_options_.filters,
                   "workload=NAME, label=TEXT, tag:KEY=VALUE, status=succeeded|failed, "
                   "since=2024-05-01|7d|12h (repeatable; all must hold)")
      ->allow_extra_args(false)
      ->type_name("TERM");
  list_->add_option("--limit", list_options_.limit, "Show the newest N only")
      ->check(CLI::NonNegativeNumber);
  list_->add_option("--format", list_options_.format, "Output format")
      ->check(CLI::IsMember({"table", "json"}))
      ->capture_default_str();

  show_ = results_->add_subcommand("show", "Show a stored run as `ipclab run` printed it");
  show_->add_option("RUN", show_options_.run, "Run id, prefix, tag:KEY=VALUE or JSON file")
      ->required();
  AddDb(show_, &show_options_.db);
  show_->add_option("--format", show_options_.format, "Output format")
      ->check(CLI::IsMember({"table", "json", "csv"}))
      ->capture_default_str();

  export_ = results_->add_subcommand("export", "Export a stored run for other tools");
  export_->add_option("RUN", export_options_.run, "Run id, prefix, tag:KEY=VALUE or JSON file")
      ->required();
  AddDb(export_, &export_options_.db);
  export_
      ->add_option("--format", export_options_.format,
                   "json (proto3 JSON), csv, gbench (Google Benchmark JSON, for compare.py), "
                   "bmf (Bencher Metric Format)")
      ->check(CLI::IsMember({"json", "csv", "gbench", "bmf"}))
      ->capture_default_str();
  export_->add_option("--out", export_options_.out_file, "Write to FILE instead of stdout")
      ->type_name("FILE");

  compare_ = app->add_subcommand("compare", "Compare a baseline and a candidate run");
  compare_->add_option("BASE", compare_options_.base, "Baseline RUN")->required();
  compare_->add_option("CANDIDATE", compare_options_.candidate, "Candidate RUN")->required();
  AddDb(compare_, &compare_options_.db);
  compare_->add_option("--format", compare_options_.format, "Output format")
      ->check(CLI::IsMember({"table", "json", "markdown"}))
      ->capture_default_str();
  compare_
      ->add_option("--threshold", compare_options_.threshold,
                   "The change that matters, e.g. 5% or 0.05")
      ->capture_default_str();
  compare_
      ->add_option("--metric", compare_options_.metrics,
                   "Metrics to compare, comma-separated (default: all)")
      ->type_name("LIST");
  compare_->footer(std::string(kCompareFooter) + kRunArgumentHelp);

  gate_ = app->add_subcommand("gate", "Fail on a significant regression (for CI)");
  gate_
      ->add_option("--baseline", gate_options_.baseline,
                   "Baseline RUN (repeatable: runs of one configuration are pooled)")
      ->required()
      ->allow_extra_args(false);
  gate_
      ->add_option("--candidate", gate_options_.candidate,
                   "Candidate RUN (repeatable: runs of one configuration are pooled)")
      ->required()
      ->allow_extra_args(false);
  AddDb(gate_, &gate_options_.db);
  gate_
      ->add_option("--max-regression", gate_options_.max_regression,
                   "Largest regression allowed, e.g. 5% or 0.05")
      ->capture_default_str();
  gate_
      ->add_option("--metric", gate_options_.metrics,
                   "Metrics to gate on, comma-separated: throughput,p50,p99,ns_per_page,faults_per_page,"
                   "rss_growth (default: all)")
      ->type_name("LIST");
  gate_
      ->add_option("--markdown", gate_options_.markdown_file,
                   "Write the Markdown summary to FILE instead of stdout")
      ->type_name("FILE");
  gate_->add_option("--junit", gate_options_.junit_file, "Also write JUnit XML to FILE")
      ->type_name("FILE");
  gate_->footer(std::string(kGateFooter) + kRunArgumentHelp);

  report_ = app->add_subcommand("report", "Write an HTML report with charts of runs");
  report_->add_option("RUN", report_options_.runs, "Runs to show; the first is the baseline")
      ->required();
  AddDb(report_, &report_options_.db);
  report_->add_option("--html", report_options_.html_file, "The HTML file to write (- for stdout)")
      ->required()
      ->type_name("FILE");
  report_->add_option("--title", report_options_.title, "Title of the page")->capture_default_str();
  report_->footer(std::string(kReportFooter) + kRunArgumentHelp);
}

std::optional<int> ResultsCli::Run(const CommandIo& io) {
  if (Chosen(list_)) return ResultsListCommand(list_options_, io);
  if (Chosen(show_)) return ResultsShowCommand(show_options_, io);
  if (Chosen(export_)) return ResultsExportCommand(export_options_, io);
  if (Chosen(compare_)) return CompareCommand(compare_options_, io);
  if (Chosen(gate_)) return GateCommand(gate_options_, io);
  if (Chosen(report_)) return ReportCommand(report_options_, io);
  return std::nullopt;
}

}  // namespace ipclab::client
