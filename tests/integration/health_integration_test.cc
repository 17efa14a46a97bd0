// `ipclab health` and `ipclabd --health-listen` through the real binaries on
// loopback (issue 11): SERVING is exit 0; nothing listening, a port that
// serves no health service, or a stopped server is a non-zero exit with a
// message naming the address; the health port answers without a token and
// serves nothing but grpc.health.v1.
#include <signal.h>

#include <chrono>
#include <fstream>
#include <memory>
#include <regex>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/daemon.h"
#include "tests/testing/subprocess.h"

namespace ipclab::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::IsEmpty;

struct Addresses {
  std::string main;    // --listen, "127.0.0.1:PORT"
  std::string health;  // --health-listen
};

class HealthIntegrationTest : public IpclabdTest {
 protected:
  // Starts ipclabd on 127.0.0.1:0 with its health port on 127.0.0.1:0.
  Addresses StartDaemon(std::vector<std::string> flags = {}) {
    flags.insert(flags.begin(), {"--health-listen", "127.0.0.1:0"});
    daemon_ = SpawnIpclabd(flags, environment_);
    Addresses addresses;
    addresses.health = AwaitAddress(*daemon_, "health on");
    addresses.main = AwaitAddress(*daemon_, "listening on");
    return addresses;
  }

  ProcessResult Ipclab(std::vector<std::string> args) {
    args.insert(args.begin(), BinDir() + "/ipclab");
    return RunProcess(args, environment_, std::chrono::seconds(60));
  }
};

TEST_F(HealthIntegrationTest, ServingOnTheHealthPortAndOnTheMainPortIsExit0) {
  const Addresses addresses = StartDaemon();
  ASSERT_NE(addresses.health, addresses.main);
  ProcessResult health = Ipclab({"health", "--server", addresses.health});
  EXPECT_EQ(health.exit_code, 0) << health.err;
  EXPECT_EQ(health.out, "SERVING (" + addresses.health + ")\n");
  EXPECT_THAT(health.err, IsEmpty());
  ProcessResult main = Ipclab({"health", "--server", addresses.main});
  EXPECT_EQ(main.exit_code, 0) << main.err;
  // gRPC's default health service knows the server as a whole (""); a
  // service name it does not know is NOT_FOUND, said so.
  ProcessResult unknown =
      Ipclab({"health", "--server", addresses.health, "--service", "no.such.Service"});
  EXPECT_EQ(unknown.exit_code, 4);
  EXPECT_THAT(unknown.err, HasSubstr("unknown service"));
}

TEST_F(HealthIntegrationTest, NothingListeningIsExit4NamingTheAddress) {
  const std::string address = "127.0.0.1:" + std::to_string(ClosedLoopbackPort());
  const auto start = std::chrono::steady_clock::now();
  ProcessResult health = Ipclab({"health", "--server", address, "--timeout", "1"});
  EXPECT_EQ(health.exit_code, 4);
  EXPECT_THAT(health.out, IsEmpty());
  EXPECT_THAT(health.err, HasSubstr("ipclab: health: no answer from " + address +
                                    " within 1 s (not listening, or not reachable)"));
  // --timeout bounds the wait (with room for a loaded machine).
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(15));
}

TEST_F(HealthIntegrationTest, TheHealthPortNeedsNoTokenAndServesNothingElse) {
  { std::ofstream(temp_.path() + "/tokens") << "a-token-the-probe-does-not-have\n"; }
  const Addresses addresses = StartDaemon({"--auth-token-file", temp_.path() + "/tokens"});
  // Probes carry no token: both ports answer the health check.
  ProcessResult health = Ipclab({"health", "--server", addresses.health});
  EXPECT_EQ(health.exit_code, 0) << health.err;
  ProcessResult main = Ipclab({"health", "--server", addresses.main});
  EXPECT_EQ(main.exit_code, 0) << main.err;
  // Everything else on the main port needs the token ...
  ProcessResult anonymous = Ipclab({"list", "--server", addresses.main});
  EXPECT_EQ(anonymous.exit_code, 4) << anonymous.out;
  // ... and the health port does not serve it at all.
  ProcessResult list = Ipclab({"list", "--server", addresses.health});
  EXPECT_EQ(list.exit_code, 4) << list.out;
  EXPECT_THAT(list.err, HasSubstr("ipclab: "));
}

TEST_F(HealthIntegrationTest, AStoppedServerIsNoLongerServing) {
  const Addresses addresses = StartDaemon();
  ASSERT_EQ(Ipclab({"health", "--server", addresses.health}).exit_code, 0);
  daemon_->Signal(SIGTERM);
  ProcessResult stopped = daemon_->Wait(std::chrono::seconds(20));
  EXPECT_EQ(stopped.exit_code, 0);
  daemon_.reset();
  ProcessResult health = Ipclab({"health", "--server", addresses.health, "--timeout", "1"});
  EXPECT_EQ(health.exit_code, 4);
  EXPECT_THAT(health.err, HasSubstr(addresses.health));
}

}  // namespace
}  // namespace ipclab::testing
