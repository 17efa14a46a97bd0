// Test support (ipclab_client_testing, linked only into tests): the command
// line run in this process, through client::Main, with its output captured.
#ifndef IPCLAB_CLIENT_TESTING_CLI_TESTING_H_
#define IPCLAB_CLIENT_TESTING_CLI_TESTING_H_

#include <ostream>
#include <string>
#include <vector>

#include "client/command_io.h"
#include "gmock/gmock.h"

namespace ipclab::client::cli_testing {

// What a command line returned and printed.
struct Outcome {
  int exit_code;
  std::string out;
  std::string err;
};

// How gtest shows an Outcome in a failure: its exit code and both streams.
inline void PrintTo(const Outcome& outcome, std::ostream* os) {
  *os << "exit code " << outcome.exit_code << ", stdout \"" << outcome.out << "\", stderr \""
      << outcome.err << "\"";
}

// Runs `ipclab args...`; `io` gives everything but the streams, which are
// captured.
Outcome RunMain(std::vector<std::string> args, CommandIo io = CommandIo());

// Input the command line refuses (DESIGN.md, exit codes): exit code 2, the
// reason on stderr (matching `says`), nothing on stdout.
MATCHER_P(IsUsageError, says, "exits 2, saying why on stderr and nothing on stdout") {
  if (arg.exit_code != 2) {
    *result_listener << "exit code " << arg.exit_code;
    return false;
  }
  if (!arg.out.empty()) {
    *result_listener << "stdout is not empty";
    return false;
  }
  return ::testing::ExplainMatchResult(says, arg.err, result_listener);
}

}  // namespace ipclab::client::cli_testing

#endif  // IPCLAB_CLIENT_TESTING_CLI_TESTING_H_
