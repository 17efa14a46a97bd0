// Test support (ipclab_client_testing, linked only into tests): the command
// line run in this process, through client::Main, with its output captured.
#ifndef IPCLAB_CLIENT_TESTING_CLI_TESTING_H_
#define IPCLAB_CLIENT_TESTING_CLI_TESTING_H_

#include <string>
#include <vector>

#include "client/command_io.h"

namespace ipclab::client::cli_testing {

// What a command line returned and printed.
struct Outcome {
  int exit_code;
  std::string out;
  std::string err;
};

// Runs `ipclab args...`; `io` gives everything but the streams, which are
// captured.
Outcome RunMain(std::vector<std::string> args, CommandIo io = CommandIo());

}  // namespace ipclab::client::cli_testing

#endif  // IPCLAB_CLIENT_TESTING_CLI_TESTING_H_
