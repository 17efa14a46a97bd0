#include "tests/testing/daemon.h"

#include <signal.h>

#include <chrono>
#include <regex>

#include "gtest/gtest.h"

namespace ipclab::testing {

std::unique_ptr<Subprocess> SpawnIpclabd(const std::vector<std::string>& flags,
                                         const std::vector<std::string>& environment) {
  std::vector<std::string> argv = {BinDir() + "/ipclabd", "--listen", "127.0.0.1:0"};
  argv.insert(argv.end(), flags.begin(), flags.end());
  auto daemon = std::make_unique<Subprocess>(argv, environment, SpawnOptions(StderrMode::kInherit));
  EXPECT_GT(daemon->pid(), 0) << daemon->error();
  return daemon;
}

std::string AwaitAddress(Subprocess& daemon, const std::string& text) {
  static const std::regex kAddress("(127\\.0\\.0\\.1:[0-9]+)");
  const std::string line = daemon.ReadLineContaining(text, std::chrono::seconds(20));
  std::smatch match;
  EXPECT_TRUE(std::regex_search(line, match, kAddress)) << "ipclabd said: \"" << line << "\"";
  return match.size() > 1 ? match[1].str() : "127.0.0.1:1";
}

void ExpectStopsOnSigterm(Subprocess& daemon) {
  daemon.Signal(SIGTERM);
  const ProcessResult stopped = daemon.Wait(std::chrono::seconds(20));
  EXPECT_FALSE(stopped.timed_out) << "ipclabd ignored SIGTERM";
  EXPECT_EQ(stopped.exit_code, 0) << "ipclabd exit after SIGTERM";
}

void IpclabdTest::SetUp() {
  ASSERT_FALSE(BinDir().empty()) << "IPCLAB_BIN_DIR is not set (run through ctest)";
  ASSERT_FALSE(temp_.path().empty());
  // The results database too: a run without --db must never land in the
  // home directory of whoever runs the tests (a CI run did, 13 runs a time).
  environment_ = EnvironmentWith({{"TMPDIR", temp_.path()},
                                  {"IPCLAB_TOKEN", ""},
                                  {"XDG_DATA_HOME", temp_.path() + "/xdg"},
                                  {"IPCLAB_DB", ""}});
}

void IpclabdTest::TearDown() {
  if (daemon_ == nullptr) return;
  ExpectStopsOnSigterm(*daemon_);
  daemon_.reset();
}

}  // namespace ipclab::testing
