#include "client/results_cli.h"

#include <string>
#include <vector>

namespace ipclab::client {
namespace {

constexpr char kDbHelp[] =
    "Results database: an SQLite file or a postgresql:// URI (default $IPCLAB_DB, else "
    "$XDG_DATA_HOME/ipclab/results.db, else ~/.local/share/ipclab/results.db)";

constexpr char kRunArgumentHelp[] =
    "\nA RUN is a stored run id (or a unique prefix of one), ids separated by commas,\n"
    "tag:KEY=VALUE (every run with that tag: a matrix tagged once is all of its runs), or a\n"
    "JSON file written by `ipclab run --out` (one run or an array: a matrix).\n";

constexpr char kResultsFooter[] =
    "\nEvery `ipclab run` is stored (unless --no-store): the whole result, its label and tags,\n"
    "and the host it ran on.\n"
    "\nExamples:\n"
    "  ipclab results list\n"
    "  ipclab results list --filter workload=pipe --filter tag:commit=abc123 --filter since=7d\n"
    "  ipclab results show 3f2a\n"
    "  ipclab results export 3f2a --format gbench --out pipe.gbench.json\n"
    "  ipclab results push --to postgresql://ci@db.example/ipclab?sslmode=verify-full\n"
    "\nA postgresql:// URI (--db or IPCLAB_DB) selects a team store on PostgreSQL; its password\n"
    "belongs in ~/.pgpass or PGPASSFILE, never in the URI (the process list shows it).\n";

constexpr char kCompareFooter[] =
    "\nEach side may be several runs (a tag, a matrix file, ids). Cases are paired by workload\n"
    "and the parameters the runs sweep (and the host with --by-host); runs of one case are\n"
    "pooled. Per case and metric: both medians, the change, its 95% bootstrap confidence\n"
    "interval, the Mann-Whitney U p-value (Benjamini-Hochberg adjusted over all checks) and a\n"
    "verdict: better/worse (adjusted p < 0.05, the whole CI beyond --threshold and the change\n"
    "beyond the noise floor, 3 x the robust spread), same (the CI lies within ±threshold),\n"
    "noisy (neither). Metrics: throughput, p50, p99 (latency), ns_per_page (page_fault,\n"
    "cow_private), faults_per_page, rss_growth;\n"
    "absolute floors: faults_per_page 0.001, rss_growth 256 KiB (smaller changes never count).\n"
    "Differences of host, kernel, THP mode, CPU and parameters are printed as warnings; a run\n"
    "on both sides too. Exit code 0 whatever the verdicts; 2 for unusable input (including\n"
    "sides that share no workload, e.g. pipe against shm_posix).\n"
    "\nExamples:\n"
    "  ipclab compare 3f2a 9c1d\n"
    "  ipclab compare tag:commit=abc123 tag:commit=def456 --format markdown\n"
    "  ipclab compare before.json after.json --metric throughput,p99 --format json\n";

constexpr char kGateFooter[] =
    "\nStatistics (docs/GATE.md). Per case and metric a check FAILS (exit 1) when all hold:\n"
    "  - the Mann-Whitney U p-value, Benjamini-Hochberg adjusted over every check of the gate,\n"
    "    is below --fdr (default 5%: of the checks called regressions, at most 5% expected "
    "false);\n"
    "  - the whole 95% bootstrap CI of the change of the medians lies beyond --max-regression\n"
    "    (default 10%);\n"
    "  - the change exceeds the noise floor: --noise-k (default 3) x the largest robust spread\n"
    "    (1.4826 x MAD of the log repetitions of either side, and of the per-run medians of a\n"
    "    side pooling 3 or more runs, e.g. --history, and of the round medians of a run of\n"
    "    3 or more --rounds (the widest swing of one round included), and of the medians of\n"
    "    the newest 4+ stored runs of the case on the candidate's host in --db, after their\n"
    "    last change point: the noise between runs).\n"
    "It PASSES (exit 0) when each side has 4+ repetitions (the default is 10), at most 20% of\n"
    "them disturbed (those are left out), and: the whole CI lies within --max-regression; or\n"
    "the change of the medians does; or the change is within the noise floor that stored runs\n"
    "set; or it is within the noise floor of the case's own repetitions, rounds or runs\n"
    "(a change there can never fail). A pass whose CI's worst end reaches past twice the limit\n"
    "(or that floor) has LOW POWER: its noise could hide such a regression; the summary lists\n"
    "them, and --require-power makes them inconclusive.\n"
    "Otherwise it is inconclusive (exit 3), saying why: too few repetitions (and how many\n"
    "would do), a change beyond the noise floor whose CI reaches back within the limit or\n"
    "that is not significant (about how many repetitions would decide), or over 20% of the\n"
    "repetitions disturbed. Absolute floors: changes below\n"
    "0.001 faults/page or 256 KiB of RSS never count. A case that failed in the candidate\n"
    "fails the gate. Exit 2 for unusable input: unknown run, malformed file, corrupt database,\n"
    "bad flag, sides with no workload in common (pipe against shm_posix). The same run on both\n"
    "sides is warned about: such a gate shows nothing.\n"
    "Each side is one run or several (repeat the option, a tag, a matrix file): cases are\n"
    "paired by workload and swept parameters across runs, runs of one case pooled. Runs\n"
    "interleaved in time, or --history N, make the noise between runs part of the floor.\n"
    "\nExamples:\n"
    "  ipclab gate --baseline tag:commit=$BASE --candidate tag:commit=$HEAD\n"
    "  ipclab gate --baseline tag:branch=main --history 5 --candidate tag:commit=$HEAD\n"
    "  ipclab gate --baseline 3f2a --baseline 77b0 --candidate 9c1d --candidate e5f3\n"
    "  ipclab gate --baseline base.json --candidate head.json --max-regression 15% \\\n"
    "      --metric throughput,p99 --markdown \"$GITHUB_STEP_SUMMARY\" --junit gate.xml\n";

constexpr char kReportFooter[] =
    "\nOne self-contained HTML file (inline SVG, no scripts, nothing from the network):\n"
    "throughput against message size, latency percentiles, faults and RSS per phase, and\n"
    "with several runs the change of each against the first with confidence intervals.\n"
    "\nExamples:\n"
    "  ipclab report 3f2a --html pipe.html\n"
    "  ipclab report tag:commit=abc123 tag:commit=def456 --html change.html\n";

void AddDb(CLI::App* command, std::string* db) {
  command->add_option("--db", *db, kDbHelp)->type_name("PATH|URI");
}

// --metric LIST (comma-separated metric names; empty: all), as compare and
// gate take it.
void AddMetricsOption(CLI::App* command, std::string* metrics, const std::string& help) {
  command->add_option("--metric", *metrics, help)->type_name("LIST");
}

void AddByHostFlag(CLI::App* command, bool* by_host) {
  command->add_flag("--by-host", *by_host, "Pair cases of the same host only (fleet runs)");
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

void AddFormatOption(CLI::App* command, std::string* format,
                     const std::vector<std::string>& choices) {
  command->add_option("--format", *format, "Output format")
      ->check(CLI::IsMember(choices))
      ->capture_default_str();
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
  AddFormatOption(list_, &list_options_.format, {"table", "json"});

  show_ = results_->add_subcommand("show", "Show a stored run as `ipclab run` printed it");
  show_->add_option("RUN", show_options_.run, "Run id, prefix, tag:KEY=VALUE or JSON file")
      ->required();
  AddDb(show_, &show_options_.db);
  AddFormatOption(show_, &show_options_.format, {"table", "json", "csv"});

  export_ = results_->add_subcommand("export", "Export stored runs for other tools or CI");
  export_->add_option("RUN", export_runs_,
                      "Run id, prefix, tag:KEY=VALUE or JSON file (several with --bundle)");
  export_
      ->add_option("--bundle", bundle_export_options_.bundle_file,
                   "Write the runs (RUN..., else those --filter selects, else all) with their "
                   "tags to FILE for `ipclab results import`")
      ->type_name("FILE");
  export_
      ->add_option("--filter", bundle_export_options_.filters,
                   "With --bundle and no RUN: `results list` filter terms (repeatable)")
      ->allow_extra_args(false)
      ->type_name("TERM");
  AddDb(export_, &export_options_.db);
  export_
      ->add_option("--format", export_options_.format,
                   "json (proto3 JSON), csv, gbench (Google Benchmark JSON, for compare.py), "
                   "bmf (Bencher Metric Format)")
      ->check(CLI::IsMember({"json", "csv", "gbench", "bmf"}))
      ->capture_default_str();
  export_->add_option("--out", export_options_.out_file, "Write to FILE instead of stdout")
      ->type_name("FILE");

  push_ = results_->add_subcommand(
      "push", "Copy stored runs to another store (a team's PostgreSQL), skipping those there");
  push_->add_option("RUN", push_options_.runs, "Runs to push (default: all that --filter selects)");
  push_
      ->add_option("--to", push_options_.to,
                   "The store to copy to: a postgresql:// URI (or an SQLite file)")
      ->required()
      ->type_name("URI");
  AddDb(push_, &push_options_.db);
  push_
      ->add_option("--filter", push_options_.filters,
                   "As for `results list` (repeatable; all must hold)")
      ->allow_extra_args(false)
      ->type_name("TERM");
  push_->add_option("--limit", push_options_.limit, "Push the newest N only")
      ->check(CLI::NonNegativeNumber);
  import_ = results_->add_subcommand(
      "import", "Store the runs of a bundle (`results export --bundle`); stored ones are skipped");
  import_->add_option("FILE", bundle_import_options_.bundle_file, "The bundle")->required();
  AddDb(import_, &bundle_import_options_.db);
  import_->footer(
      "\nA bundle carries runs and their tags between machines without a shared database:\n"
      "a CI job imports the baseline a cache or artifact kept, runs, gates, and exports again.\n"
      "Importing twice adds nothing the second time (runs are matched by id).\n"
      "\nExamples:\n"
      "  ipclab results export --bundle main.ipclab.json --filter tag:branch=main\n"
      "  ipclab results import main.ipclab.json\n");

  history_ = app->add_subcommand("history",
                                 "A metric over stored runs, case by case, with its change points");
  history_
      ->add_option("SELECTOR", history_options_.selector,
                   "Runs: tag:KEY=VALUE (every run with it), ids, or a JSON file")
      ->required();
  AddDb(history_, &history_options_.db);
  history_
      ->add_option("--metric", history_options_.metric,
                   "throughput, p50, p99, faults_per_page or rss_growth")
      ->capture_default_str();
  AddFormatOption(history_, &history_options_.format, {"table", "json"});
  history_->footer(
      "\nOne series per case (workload, case, host): the metric's median in each run, oldest\n"
      "first. Change points: e-divisive means (Matteson & James 2014, as MongoDB's and Apache\n"
      "Otava's regression detection), each split kept when a permutation test (199 shuffles)\n"
      "gives p < 0.05, with at least 3 runs on each side.\n"
      "\nExamples:\n"
      "  ipclab history tag:branch=main\n"
      "  ipclab history tag:branch=main --metric p99 --format json\n");

  compare_ = app->add_subcommand("compare", "Compare a baseline and a candidate run");
  compare_->add_option("BASE", compare_options_.base, "Baseline RUN")->required();
  compare_->add_option("CANDIDATE", compare_options_.candidate, "Candidate RUN")->required();
  AddDb(compare_, &compare_options_.db);
  AddFormatOption(compare_, &compare_options_.format, {"table", "json", "markdown"});
  compare_
      ->add_option("--threshold", compare_options_.threshold,
                   "The change that matters, e.g. 5% or 0.05")
      ->capture_default_str();
  AddMetricsOption(compare_, &compare_options_.metrics,
                   "Metrics to compare, comma-separated (default: all)");
  AddByHostFlag(compare_, &compare_options_.by_host);
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
  AddMetricsOption(
      gate_, &gate_options_.metrics,
      "Metrics to gate on, comma-separated: throughput,p50,p99,ns_per_page,faults_per_page,"
      "rss_growth (default: all)");
  gate_
      ->add_option("--markdown", gate_options_.markdown_file,
                   "Write the Markdown summary to FILE instead of stdout")
      ->type_name("FILE");
  gate_->add_option("--junit", gate_options_.junit_file, "Also write JUnit XML to FILE")
      ->type_name("FILE");
  gate_
      ->add_option("--fdr", gate_options_.false_discovery_rate,
                   "False discovery rate over all checks (Benjamini-Hochberg)")
      ->capture_default_str();
  gate_
      ->add_option("--noise-k", gate_options_.noise_k,
                   "Noise floor: this many robust spreads (MAD of log repetitions)")
      ->capture_default_str();
  gate_
      ->add_option("--history", gate_options_.history,
                   "Baseline: per case the newest N runs of the baseline selection with the same "
                   "parameters and host fingerprint")
      ->type_name("N");
  AddByHostFlag(gate_, &gate_options_.by_host);
  gate_->add_flag("--require-power", gate_options_.require_power,
                  "A check whose noise could hide a regression of twice the limit is "
                  "inconclusive (exit 3) instead of a pass with low power");
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
  if (Chosen(export_)) {
    if (!bundle_export_options_.bundle_file.empty()) {
      bundle_export_options_.db = export_options_.db;
      bundle_export_options_.runs = export_runs_;
      return BundleExportCommand(bundle_export_options_, io);
    }
    if (export_runs_.size() != 1 || !bundle_export_options_.filters.empty()) {
      *io.err << "ipclab: results export takes one RUN (several, or --filter, with --bundle)\n";
      return kExitUsage;
    }
    export_options_.run = export_runs_.front();
    return ResultsExportCommand(export_options_, io);
  }
  if (Chosen(push_)) return ResultsPushCommand(push_options_, io);
  if (Chosen(import_)) return BundleImportCommand(bundle_import_options_, io);
  if (Chosen(history_)) return HistoryCommand(history_options_, io);
  if (Chosen(compare_)) return CompareCommand(compare_options_, io);
  if (Chosen(gate_)) return GateCommand(gate_options_, io);
  if (Chosen(report_)) return ReportCommand(report_options_, io);
  return std::nullopt;
}

}  // namespace ipclab::client
