// `ipclab history SELECTOR [--metric M]`: one metric's median per stored run,
// case by case in the order the runs ran, with the change points e-divisive
// means finds (results/stats/change_points.h) marked where they start.
#ifndef IPCLAB_CLIENT_HISTORY_COMMAND_H_
#define IPCLAB_CLIENT_HISTORY_COMMAND_H_

#include <string>

#include "client/command_io.h"
#include "client/exit_codes.h"

namespace ipclab::client {

struct HistoryCommandOptions {
  std::string selector;  // a RUN (run_sources.h): a tag selects every run with it
  std::string db;
  std::string metric = "throughput";
  std::string format = "table";  // table | json
};

ExitCode HistoryCommand(const HistoryCommandOptions& options, const CommandIo& io);

}  // namespace ipclab::client

#endif  // IPCLAB_CLIENT_HISTORY_COMMAND_H_
