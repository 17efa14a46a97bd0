// The command-line surface of the results commands: `results list|show|
// export|push`, `compare`, `gate` and `report`, the storing flags of `run`
// (--db, --no-store, --tag) and the --format flag of every command. cli.cc
// creates one ResultsCli on its CLI11 app and, after parsing, lets it run
// whichever of its commands was chosen.
#ifndef IPCLAB_CLIENT_RESULTS_CLI_H_
#define IPCLAB_CLIENT_RESULTS_CLI_H_

#include <optional>
#include <string>
#include <vector>

#include "CLI/CLI.hpp"
#include "client/bundle.h"
#include "client/command_io.h"
#include "client/compare_command.h"
#include "client/history_command.h"
#include "client/push_command.h"
#include "client/report_command.h"
#include "client/results_commands.h"

namespace ipclab::client {

// Adds --db PATH, --no-store and --tag KEY=VALUE to `run`.
void AddStoreFlags(CLI::App* run, StoreFlags* flags);

// Adds --format, one of `choices`, its default shown in the help.
void AddFormatOption(CLI::App* command, std::string* format,
                     const std::vector<std::string>& choices);

class ResultsCli final {
 public:
  // Registers the subcommands on `app`, which must outlive this object.
  explicit ResultsCli(CLI::App* app);
  ResultsCli(const ResultsCli&) = delete;
  ResultsCli& operator=(const ResultsCli&) = delete;

  // After app->parse(): the exit code of the chosen results command, or
  // nullopt when the user chose another command.
  std::optional<int> Run(const CommandIo& io);

 private:
  CLI::App* results_ = nullptr;
  CLI::App* list_ = nullptr;
  CLI::App* show_ = nullptr;
  CLI::App* export_ = nullptr;
  CLI::App* push_ = nullptr;
  CLI::App* compare_ = nullptr;
  CLI::App* gate_ = nullptr;
  CLI::App* report_ = nullptr;
  CLI::App* import_ = nullptr;
  CLI::App* history_ = nullptr;
  std::vector<std::string> export_runs_;  // RUN... (several with --bundle)
  BundleExportOptions bundle_export_options_;
  BundleImportOptions bundle_import_options_;
  HistoryCommandOptions history_options_;
  ResultsListOptions list_options_;
  ResultsShowOptions show_options_;
  ResultsExportOptions export_options_;
  ResultsPushOptions push_options_;
  CompareCommandOptions compare_options_;
  GateCommandOptions gate_options_;
  ReportCommandOptions report_options_;
};

}  // namespace ipclab::client

#endif  // IPCLAB_CLIENT_RESULTS_CLI_H_
