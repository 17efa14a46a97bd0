#include "client/cli.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "CLI/CLI.hpp"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "client/exit_codes.h"
#include "client/health_command.h"
#include "client/info_commands.h"
#include "client/matrix.h"
#include "client/results_cli.h"
#include "client/run_command.h"
#include "client/suggest.h"
#include "workloads/registry.h"

#ifndef IPCLAB_VERSION
#define IPCLAB_VERSION "unknown"
#endif

namespace ipclab::client {
namespace {

constexpr char kExitCodesHelp[] =
    "Exit codes:\n"
    "  0    success (gate: no regression)\n"
    "  1    gate: a significant regression beyond --max-regression\n"
    "  2    usage or input error: bad command line, unknown workload or parameter,\n"
    "       value out of range (the server's INVALID_ARGUMENT, NOT_FOUND,\n"
    "       FAILED_PRECONDITION, OUT_OF_RANGE), over a server limit (RESOURCE_EXHAUSTED:\n"
    "       memory, scratch space, duration, cases, queue full)\n"
    "  4    server or transport error: server unreachable (UNAVAILABLE), deadline\n"
    "       exceeded, internal error, UNAUTHENTICATED; or a run that failed on the\n"
    "       server (e.g. a worker crashed; its result is still printed); a fleet run\n"
    "       where some hosts failed (the others' results are printed and stored)\n"
    "  3    gate: inconclusive (too few repetitions or too much variation)\n"
    "  130  interrupted (Ctrl-C cancels the run on the server)\n";

constexpr char kMainFooter[] =
    "\nWith no --server, commands start an embedded server in this process\n"
    "(workers are found beside the ipclab binary), so nothing else is needed.\n"
    "\nExamples:\n"
    "  ipclab list\n"
    "  ipclab run pipe -p message_size=64KiB --sweep mode=stream,pingpong\n"
    "  ipclab run --matrix default\n"
    "  ipclab results list\n"
    "  ipclab compare tag:commit=abc123 tag:commit=def456\n"
    "  ipclab run shm_posix --server lab1:7557 --server lab2:7557 --format json\n";

constexpr char kRunFooter[] =
    "\nParameters (see `ipclab list`): sizes accept 4096, 4KiB, 64KiB, 1MiB, 1GiB.\n"
    "--sweep runs the cartesian product of the swept values, one case each.\n"
    "Fleet: with several --server options (or --fleet dns:///NAME:PORT, every\n"
    "address NAME resolves to, e.g. a headless Service) the same run goes to every\n"
    "host at once under one fleet id; the table has a column per host and each\n"
    "host's change against the reference host; JSON is {fleetId, referenceServer,\n"
    "servers, failures, runs}. A failed host is reported and the others count\n"
    "(exit 4 when some failed). `ipclab results list --filter fleet:ID` lists them.\n"
    "--out stores the RunResult JSON (an array for --matrix; the fleet document\n"
    "for a fleet);\n"
    "the file is written whole or not at all.\n"
    "Every result is also stored in the results database (--db FILE or postgresql://\n"
    "URI, default $IPCLAB_DB, else ~/.local/share/ipclab/results.db) with its --label\n"
    "and --tag KEY=VALUE pairs;\n"
    "--no-store skips that. See `ipclab results --help`.\n"
    "\nExamples:\n"
    "  ipclab run pipe\n"
    "  ipclab run pipe --tag commit=$(git rev-parse --short HEAD) --label nightly\n"
    "  ipclab run pipe -p mode=pingpong -p message_size=64 --repetitions 10\n"
    "  ipclab run shm_posix --sweep message_size=4KiB,64KiB,1MiB --format csv\n"
    "  ipclab run pipe --server 127.0.0.1:7557 --format json --out pipe.json\n"
    "  ipclab run --matrix default --brief\n"
    "  ipclab run pipe --server lab1:7557 --server lab2:7557 --reference-host lab2\n"
    "  ipclab run pipe --fleet dns:///ipclabd.ipclab.svc:7557 --token-file lab.token\n";

// Text wrapped at 80 columns, every line after the first indented by
// `indent` spaces; the first line starts after `first` (already printed).
std::string Wrapped(absl::string_view first, absl::string_view text, size_t indent) {
  constexpr size_t kWidth = 80;
  std::string out(first);
  size_t column = first.size();
  bool line_empty = true;
  for (absl::string_view word : absl::StrSplit(text, ' ', absl::SkipEmpty())) {
    if (!line_empty && column + 1 + word.size() > kWidth) {
      absl::StrAppend(&out, "\n", std::string(indent, ' '));
      column = indent;
      line_empty = true;
    }
    if (!line_empty) {
      out += ' ';
      ++column;
    }
    absl::StrAppend(&out, word);
    column += word.size();
    line_empty = false;
  }
  return out + "\n";
}

// The workloads and the matrices, from the catalog and the matrix table
// themselves, so `run --help` cannot describe what no longer exists.
std::string CatalogHelp() {
  std::string text =
      "\nWorkloads (`ipclab list` shows each parameter's type, default and range):\n";
  const v1::ListWorkloadsResponse catalog = workloads::Catalog();
  for (const v1::WorkloadSpec& spec : catalog.workloads()) {
    std::vector<std::string> names;
    for (const v1::ParamSpec& param : spec.params()) names.push_back(param.name());
    const std::string head = absl::StrFormat("  %-12s ", spec.name());
    absl::StrAppend(&text, Wrapped(head, spec.summary(), head.size()));
    absl::StrAppend(
        &text, Wrapped(std::string(head.size(), ' '),
                       absl::StrCat("parameters: ", absl::StrJoin(names, " ")), head.size() + 2));
  }
  for (const std::string& matrix : MatrixNames()) {
    absl::StrAppend(&text, "\n--matrix ", matrix,
                    " runs these, one after another (placement cross needs 2 CPUs):\n");
    for (const std::string& line : DescribeMatrix(matrix)) {
      const size_t gap = line.find("  ");
      const std::string head =
          absl::StrFormat("  %-12s ", gap == std::string::npos ? line : line.substr(0, gap));
      absl::StrAppend(&text, Wrapped(head, gap == std::string::npos ? "" : line.substr(gap + 2),
                                     head.size() + 2));
    }
  }
  return text;
}

std::vector<std::string> SubcommandNames(const CLI::App* command) {
  std::vector<std::string> names;
  for (const CLI::App* sub : command->get_subcommands([](const CLI::App*) { return true; })) {
    names.push_back(sub->get_name());
  }
  return names;
}

std::vector<std::string> OptionNames(const CLI::App* command) {
  std::vector<std::string> names;
  for (const CLI::Option* option : command->get_options()) {
    for (const std::string& name : option->get_lnames()) names.push_back("--" + name);
    for (const std::string& name : option->get_snames()) names.push_back("-" + name);
  }
  return names;
}

std::string CommandPath(const CLI::App* command) {
  std::string path = command->get_name();
  for (const CLI::App* parent = command->get_parent(); parent != nullptr;
       parent = parent->get_parent()) {
    path = absl::StrCat(parent->get_name(), " ", path);
  }
  return path;
}

// After CLI11 refused the command line: the first unknown subcommand or
// option, with the closest known name ("ipclab: unknown command \"rnu\" (did
// you mean \"run\"?)"), or nullopt when CLI11's own message says it better.
std::optional<std::string> UnknownNameMessage(CLI::App* app, int argc, const char* const* argv) {
  CLI::App* command = app;
  for (int i = 1; i < argc; ++i) {
    const std::string token = argv[i];
    if (token == "--") break;
    if (token.size() > 1 && token[0] == '-' && !absl::ascii_isdigit(token[1])) {
      std::string name = token.substr(0, token.find('='));
      if (name.size() > 2 && name[1] != '-') name = name.substr(0, 2);  // -pNAME=V
      const CLI::Option* option = command->get_option_no_throw(name);
      if (option == nullptr) {
        return absl::StrCat("ipclab: unknown option ", name, " for `", CommandPath(command), "`",
                            DidYouMean(name, OptionNames(command)), "; see `", CommandPath(command),
                            " --help`");
      }
      // Skip the value of an option that takes one ("--format json").
      if (option->get_items_expected_min() > 0 && token.find('=') == std::string::npos &&
          !(name.size() == 2 && token.size() > 2)) {
        ++i;
      }
      continue;
    }
    CLI::App* sub = nullptr;
    for (CLI::App* candidate : command->get_subcommands([](CLI::App*) { return true; })) {
      if (candidate->get_name() == token) sub = candidate;
    }
    if (sub != nullptr) {
      command = sub;
      continue;
    }
    // A word where only a subcommand can stand.
    if (!SubcommandNames(command).empty() &&
        command->get_options([](CLI::Option* o) { return o->get_positional(); }).empty()) {
      return absl::StrCat("ipclab: unknown command \"", token, "\"",
                          command == app ? "" : absl::StrCat(" for `", CommandPath(command), "`"),
                          DidYouMean(token, SubcommandNames(command)),
                          "; commands: ", absl::StrJoin(SubcommandNames(command), ", "));
    }
  }
  return std::nullopt;
}

// `list`, `host` and `doctor`: a command that asks one server (the
// embedded one by default) and prints a table or JSON.
CLI::App* AddInfoCommand(CLI::App* app, const std::string& name, const std::string& description,
                         InfoOptions* options, std::string* format) {
  CLI::App* command = app->add_subcommand(name, description);
  command->add_option("--server", options->server, "ipclabd address host:port (default: embedded)");
  AddFormatOption(command, format, {"table", "json"});
  AddSecurityFlags(command, &options->security);
  return command;
}

}  // namespace

int Main(int argc, const char* const* argv, CommandIo io) {
  CLI::App app("ipclab: measure how processes move bytes and map memory on a Linux host.",
               "ipclab");
  app.set_version_flag("--version", std::string("ipclab ") + IPCLAB_VERSION);
  app.require_subcommand(1);
  // --version anywhere on the command line (`ipclab run --version` too).
  for (int i = 1; i < argc; ++i) {
    const absl::string_view arg = argv[i];
    if (arg == "--") break;
    if (arg == "--version") {
      *io.out << "ipclab " << IPCLAB_VERSION << "\n";
      return kExitSuccess;
    }
  }
  CLI::App* version = app.add_subcommand("version", "Print the version of ipclab");
  app.footer(std::string(kMainFooter) + "\n" + kExitCodesHelp);

  // list
  InfoOptions list_options;
  std::string list_format = "table";
  CLI::App* list = AddInfoCommand(&app, "list", "List the workloads and their parameters",
                                  &list_options, &list_format);
  list->footer("\nExamples:\n  ipclab list\n  ipclab list --server lab1:7557 --format json\n");

  // host
  InfoOptions host_options;
  std::string host_format = "table";
  CLI::App* host = AddInfoCommand(&app, "host", "Show the facts about the server's host",
                                  &host_options, &host_format);
  host->add_flag("--check", host_options.check, "Print the preflight checks (as `ipclab doctor`)");
  host->footer("\nExamples:\n  ipclab host\n  ipclab host --server lab1:7557 --format json\n");

  // doctor
  InfoOptions doctor_options;
  doctor_options.check = true;
  std::string doctor_format = "table";
  CLI::App* doctor = AddInfoCommand(
      &app, "doctor", "Check the host for what makes timings noisy (load, governor, steal, ...)",
      &doctor_options, &doctor_format);
  doctor->add_flag("--strict", doctor_options.strict, "Exit 1 when any check is WARN");
  doctor->footer(
      "\nExit 0 whatever the checks say (1 with --strict and a WARN), 4 if the server is "
      "unreachable.\nExamples:\n  ipclab doctor\n  ipclab doctor --server lab1:7557 --strict\n");

  // run
  RunOptions run_options;
  std::string run_format = "table";
  uint32_t repetitions = 0;
  uint32_t warmup = 0;
  double min_time = 0;
  uint32_t rounds = 0;
  bool quiet = false;
  CLI::App* run =
      app.add_subcommand("run", "Run a workload (or a matrix of runs) and print the results");
  run->add_option("WORKLOAD", run_options.workload, "Workload name (see `ipclab list`)");
  run->add_option("--matrix", run_options.matrix, "Run a predefined matrix instead of one workload")
      ->check(CLI::IsMember(MatrixNames()));
  run->add_option("-p,--param", run_options.flags.params, "Fixed parameter NAME=VALUE (repeatable)")
      ->allow_extra_args(false)
      ->type_name("NAME=VALUE");
  run->add_option("--sweep", run_options.flags.sweeps,
                  "Sweep a parameter over NAME=V1,V2,... (repeatable)")
      ->allow_extra_args(false)
      ->type_name("NAME=V1,V2,...");
  CLI::Option* repetitions_option =
      run->add_option("--repetitions", repetitions,
                      "Measured repetitions per case (server default 10)")
          ->check(CLI::Validator(
              [](std::string& text) -> std::string {
                if (text.find_first_not_of("0123456789") != std::string::npos) {
                  return "takes a whole number of repetitions, 1 or more";
                }
                if (text.find_first_not_of('0') == std::string::npos) {
                  return "must be at least 1: every case needs a measured repetition (--warmup "
                         "can be 0)";
                }
                return "";
              },
              "N>=1"));
  CLI::Option* min_time_option =
      run->add_option("--min-time", min_time,
                      "each steady transfer phase runs whole passes of total_bytes until it "
                      "lasts this many seconds (default 0.05; 0: one pass)")
          ->check(CLI::NonNegativeNumber);
  CLI::Option* rounds_option =
      run->add_option("--rounds", rounds,
                      "spread each case's repetitions over N rounds, every round running each "
                      "case in turn in a fresh worker, so slow drift of the host shows in each "
                      "case's spread rather than between runs (default 5 when a run has 2+ "
                      "cases, else 1; 1: each case's repetitions back to back; warm-ups run in "
                      "the first round; a --matrix runs round 1 of every run, then round 2 ..., "
                      "so each case's rounds span the whole matrix, 5 by default)")
          ->check(CLI::Range(1u, 1000u));
  CLI::Option* warmup_option =
      run->add_option("--warmup", warmup,
                      "Unmeasured warm-up repetitions per case (server default 1)")
          ->check(CLI::NonNegativeNumber);
  run->add_flag("--verify", run_options.flags.verify, "Checksum the data end to end (slower)");
  run->add_option("--label", run_options.flags.label, "Free text stored with the result");
  run->add_option("--server", run_options.servers,
                  "ipclabd address host:port (repeatable: a fleet run; default: embedded)")
      ->allow_extra_args(false);
  run->add_option("--fleet", run_options.fleet_targets,
                  "every address NAME resolves to, as a fleet (repeatable)")
      ->allow_extra_args(false)
      ->type_name("dns:///NAME:PORT");
  run->add_option("--reference-host", run_options.reference_host,
                  "fleet: the host (address or hostname) the others are compared to "
                  "(default: the first)")
      ->type_name("HOST");
  AddFormatOption(run, &run_format, {"table", "json", "csv"});
  AddSecurityFlags(run, &run_options.security);
  run->add_option("--out", run_options.out_file, "Also store the result as JSON in FILE")
      ->type_name("FILE");
  bool brief = false;
  bool detail = false;
  bool wide = false;
  run->add_flag("-q,--quiet", quiet,
                "No progress line on stderr, and only the answers on stdout (as --brief)");
  run->add_flag("--brief", brief, "Only the answers: the matrix summary, or a run's case table");
  run->add_flag("--detail", detail,
                "Also every phase and role: faults, context switches, CPU time, memory");
  run->add_flag("--wide", wide,
                "Every column, however wide (default: tables fit 100 columns, or a narrower "
                "terminal)");
  AddStoreFlags(run, &run_options.store);
  run->footer(CatalogHelp() + kRunFooter + "\n" + kExitCodesHelp);

  // health (issue 11)
  HealthOptions health_options;
  CLI::App* health = app.add_subcommand(
      "health", "Ask an ipclabd whether it is serving (grpc.health.v1; exit 0 when SERVING)");
  health->add_option("--server", health_options.server, "ipclabd address host:port")
      ->capture_default_str();
  health->add_option("--service", health_options.service,
                     "service name to check (default: the server as a whole)");
  health
      ->add_option("--timeout", health_options.timeout_seconds,
                   "seconds to wait for a connection and the answer")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  health->footer(
      "\nExit 0 when SERVING; 4 when unreachable, too slow or not serving.\n"
      "\nExamples:\n  ipclab health\n  ipclab health --server lab1:7558 --timeout 2\n");

  // results list|show|export, compare, gate, report
  ResultsCli results_cli(&app);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == static_cast<int>(CLI::ExitCodes::Success)) {
      return app.exit(e, *io.out, *io.err);  // --help, --version
    }
    if (std::optional<std::string> message = UnknownNameMessage(&app, argc, argv)) {
      *io.err << *message << "\n";
      return kExitUsage;
    }
    if (argc <= 1) {
      *io.err << "ipclab: a command is required: " << absl::StrJoin(SubcommandNames(&app), ", ")
              << "\nRun `ipclab --help` for what each does.\n";
      return kExitUsage;
    }
    *io.err << "ipclab: " << e.what() << "\nRun with --help for more information.\n";
    return kExitUsage;
  }

  if (version->parsed()) {
    *io.out << "ipclab " << IPCLAB_VERSION << "\n";
    return kExitSuccess;
  }

  if (std::optional<int> exit_code = results_cli.Run(io)) return *exit_code;
  if (list->parsed()) {
    list_options.format = ParseOutputFormat(list_format);
    return ListCommand(list_options, io);
  }
  if (health->parsed()) return HealthCommand(health_options, io);
  if (host->parsed()) {
    host_options.format = ParseOutputFormat(host_format);
    return HostCommand(host_options, io);
  }
  if (doctor->parsed()) {
    doctor_options.format = ParseOutputFormat(doctor_format);
    return DoctorCommand(doctor_options, io);
  }
  // run
  if (!run_options.matrix.empty() && !run_options.workload.empty()) {
    *io.err << "ipclab: give a WORKLOAD or --matrix, not both\n";
    return kExitUsage;
  }
  if (run_options.matrix.empty() && run_options.workload.empty()) {
    *io.err << "ipclab: run needs a WORKLOAD (see `ipclab list`) or --matrix NAME\n";
    return kExitUsage;
  }
  if (repetitions_option->count() > 0) run_options.flags.repetitions = repetitions;
  if (warmup_option->count() > 0) run_options.flags.warmup = warmup;
  if (min_time_option->count() > 0) run_options.flags.min_time_seconds = min_time;
  if (rounds_option->count() > 0) run_options.flags.rounds = rounds;
  run_options.format = ParseOutputFormat(run_format);
  io.progress = io.progress && !quiet;
  run_options.quiet = quiet;
  if (brief && detail) {
    *io.err << "ipclab: give --brief or --detail, not both\n";
    return kExitUsage;
  }
  run_options.table.detail = detail           ? results::Detail::kFull
                             : brief || quiet ? results::Detail::kBrief
                                              : results::Detail::kNormal;
  run_options.table.max_width = wide ? 0 : io.table_width;
  return RunCommand(run_options, io);
}

}  // namespace ipclab::client
