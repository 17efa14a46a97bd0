// `ipclab results push`: copies stored runs (by default from the local
// SQLite database) to another store - a team's PostgreSQL database - with
// their tags. Idempotent by run id: a run already there is skipped and
// counted, so a CI job can push everything it stored, every time.
#ifndef IPCLAB_CLIENT_PUSH_COMMAND_H_
#define IPCLAB_CLIENT_PUSH_COMMAND_H_

#include <string>
#include <vector>

#include "client/command_io.h"
#include "client/exit_codes.h"

namespace ipclab::client {

struct ResultsPushOptions {
  std::string to;                    // the destination store (URI or file)
  std::string db;                    // the source store ("" : $IPCLAB_DB or the default)
  std::vector<std::string> runs;     // ids, prefixes, tag:K=V or files; empty: the filter's
  std::vector<std::string> filters;  // see results::ParseRunFilter
  int limit = 0;
};

// Pushes, oldest first, and prints one summary line on stdout:
// "pushed 3 runs to postgresql://ci@db/ipclab (2 already there, skipped)".
// The first failure stops (runs pushed before it stay pushed).
ExitCode ResultsPushCommand(const ResultsPushOptions& options, const CommandIo& io);

}  // namespace ipclab::client

#endif  // IPCLAB_CLIENT_PUSH_COMMAND_H_
