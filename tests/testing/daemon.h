// Test-only (ipclab_subprocess_testing): a real `ipclabd` on a loopback port
// for the length of a test, as the integration tests start and stop it.
#ifndef IPCLAB_TESTS_TESTING_DAEMON_H_
#define IPCLAB_TESTS_TESTING_DAEMON_H_

#include <memory>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "tests/testing/subprocess.h"

namespace ipclab::testing {

// `ipclabd --listen 127.0.0.1:0 flags...` with its stderr inherited; a test
// failure where it did not start.
std::unique_ptr<Subprocess> SpawnIpclabd(const std::vector<std::string>& flags,
                                         const std::vector<std::string>& environment);

// The "127.0.0.1:PORT" in the first line of `daemon`'s output that contains
// `text` ("listening on", "health on"), waiting up to 20 s; a test failure
// and "127.0.0.1:1" (nobody listens there) where it says none.
std::string AwaitAddress(Subprocess& daemon, const std::string& text);

// The orderly shutdown: SIGTERM, and `daemon` must exit 0 within 20 s.
void ExpectStopsOnSigterm(Subprocess& daemon);

// A test of the real binaries with its own temporary directory (TMPDIR of
// the children, and XDG_DATA_HOME, so the default results database is in it
// too; no IPCLAB_TOKEN, no IPCLAB_DB) and, once it starts one into daemon_, its
// own ipclabd, which must stop cleanly at the end.
class IpclabdTest : public ::testing::Test {
 protected:
  void SetUp() override;
  void TearDown() override;

  TempDir temp_;
  std::vector<std::string> environment_;
  std::unique_ptr<Subprocess> daemon_;
};

}  // namespace ipclab::testing

#endif  // IPCLAB_TESTS_TESTING_DAEMON_H_
