#include "client/testing/cli_testing.h"

#include <sstream>

#include "client/cli.h"

namespace ipclab::client::cli_testing {

Outcome RunMain(std::vector<std::string> args, CommandIo io) {
  args.insert(args.begin(), "ipclab");
  std::vector<const char*> argv;
  for (const std::string& arg : args) argv.push_back(arg.c_str());
  std::ostringstream out;
  std::ostringstream err;
  io.out = &out;
  io.err = &err;
  const int exit_code = Main(static_cast<int>(argv.size()), argv.data(), io);
  return {exit_code, out.str(), err.str()};
}

}  // namespace ipclab::client::cli_testing
