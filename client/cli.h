// The `ipclab` command line: CLI11 subcommands `list`, `host` and `run`,
// their --help text, and the mapping of parse errors to exit code 2.
#ifndef IPCLAB_CLIENT_CLI_H_
#define IPCLAB_CLIENT_CLI_H_

#include "client/command_io.h"

namespace ipclab::client {

// Parses the command line and runs the chosen command; returns the process
// exit code (see exit_codes.h). --help and --version print on io.out and
// return 0; a command line CLI11 refuses prints "ipclab: <why>" on io.err and
// returns 2. io.progress says whether stderr is a terminal; --quiet turns
// the progress line off.
int Main(int argc, const char* const* argv, CommandIo io);

}  // namespace ipclab::client

#endif  // IPCLAB_CLIENT_CLI_H_
