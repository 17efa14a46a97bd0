// ipclabd on a lab network (issue 10), through the real binaries: bearer
// tokens, TLS and mTLS with certificates made by openssl at test time, the
// refusal of an unprotected non-loopback --listen, admission limits, and
// results bigger than gRPC's default 4 MiB message limit.
#include <signal.h>

#include <chrono>
#include <fstream>
#include <memory>
#include <regex>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "google/protobuf/util/json_util.h"
#include "gtest/gtest.h"
#include "ipclab/v1/ipclab.pb.h"
#include "tests/testing/daemon.h"
#include "tests/testing/subprocess.h"

namespace ipclab::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

constexpr char kToken[] = "s3cret-token-for-the-test";

class SecurityIntegrationTest : public IpclabdTest {
 protected:
  std::string Path(const std::string& name) const { return temp_.path() + "/" + name; }

  void WriteFile(const std::string& name, const std::string& text) const {
    std::ofstream(Path(name)) << text;
  }

  // Starts ipclabd on 127.0.0.1:0 with `flags`; returns "127.0.0.1:PORT".
  std::string StartDaemon(std::vector<std::string> flags) {
    daemon_ = SpawnIpclabd(flags, environment_);
    return AwaitAddress(*daemon_, "listening on");
  }

  ProcessResult Run(std::vector<std::string> argv,
                    const std::vector<std::string>& environment = {}) {
    return RunProcess(argv, environment.empty() ? environment_ : environment,
                      std::chrono::seconds(180));
  }

  ProcessResult Ipclab(std::vector<std::string> args,
                       const std::vector<std::string>& environment = {}) {
    args.insert(args.begin(), BinDir() + "/ipclab");
    return Run(args, environment);
  }

  // A CA, a server certificate for 127.0.0.1/localhost and a client
  // certificate, all signed by the CA, in the temporary directory.
  void MakeCertificates() {
    const std::string script =
        "set -e; cd '" + temp_.path() +
        "'\n"
        "openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=ipclab-test-ca "
        "  -keyout ca.key -out ca.pem 2>/dev/null\n"
        "for who in server client; do\n"
        "  openssl req -newkey rsa:2048 -nodes -subj /CN=$who -keyout $who.key -out $who.csr "
        "    2>/dev/null\n"
        "  printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\\n' > $who.ext\n"
        "  openssl x509 -req -in $who.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 2 "
        "    -extfile $who.ext -out $who.pem 2>/dev/null\n"
        "done\n";
    ProcessResult made = Run({"/bin/sh", "-c", script});
    ASSERT_EQ(made.exit_code, 0) << made.err;
  }
};

TEST_F(SecurityIntegrationTest, TokenServerRefusesCallsWithoutTheTokenAndServesThoseWithIt) {
  WriteFile("tokens", std::string("# lab tokens\n") + kToken + "\n");
  const std::string server = StartDaemon({"--auth-token-file", Path("tokens")});

  ProcessResult anonymous = Ipclab({"host", "--server", server});
  EXPECT_EQ(anonymous.exit_code, 4) << anonymous.err;
  EXPECT_THAT(anonymous.err, HasSubstr("requires a bearer token"));

  WriteFile("wrong", "not-the-token\n");
  ProcessResult wrong = Ipclab({"list", "--server", server, "--token-file", Path("wrong")});
  EXPECT_EQ(wrong.exit_code, 4) << wrong.err;
  EXPECT_THAT(wrong.err, HasSubstr("not accepted"));

  ProcessResult listed = Ipclab({"list", "--server", server, "--token-file", Path("tokens")});
  EXPECT_EQ(listed.exit_code, 0) << listed.err;
  EXPECT_THAT(listed.out, HasSubstr("page_fault"));

  // The environment variable works too, and for runs.
  ProcessResult ran = Ipclab({"run", "pipe", "-p", "total_bytes=64KiB", "--repetitions", "1",
                              "--no-store", "--quiet", "--server", server},
                             EnvironmentWith({{"TMPDIR", temp_.path()}, {"IPCLAB_TOKEN", kToken}}));
  EXPECT_EQ(ran.exit_code, 0) << ran.err;
}

TEST_F(SecurityIntegrationTest, TlsServerIsReachedWithTheCaFileOnly) {
  MakeCertificates();
  const std::string server =
      StartDaemon({"--tls-cert", Path("server.pem"), "--tls-key", Path("server.key")});

  ProcessResult with_ca =
      Ipclab({"host", "--server", server, "--tls-ca", Path("ca.pem"), "--format", "json"});
  EXPECT_EQ(with_ca.exit_code, 0) << with_ca.err;
  v1::HostInfo host;
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(with_ca.out, &host).ok()) << with_ca.out;
  EXPECT_TRUE(host.limits().tls());
  EXPECT_FALSE(host.limits().client_certificates());
  EXPECT_GT(host.limits().memory_budget_bytes(), 0u);

  ProcessResult plaintext = Ipclab({"host", "--server", server});
  EXPECT_EQ(plaintext.exit_code, 4) << plaintext.err;
}

TEST_F(SecurityIntegrationTest, MutualTlsNeedsAClientCertificateSignedByTheCa) {
  MakeCertificates();
  const std::string server = StartDaemon({"--tls-cert", Path("server.pem"), "--tls-key",
                                          Path("server.key"), "--tls-client-ca", Path("ca.pem")});
  ProcessResult without = Ipclab({"list", "--server", server, "--tls-ca", Path("ca.pem")});
  EXPECT_EQ(without.exit_code, 4) << without.err;
  ProcessResult with = Ipclab({"list", "--server", server, "--tls-ca", Path("ca.pem"), "--tls-cert",
                               Path("client.pem"), "--tls-key", Path("client.key")});
  EXPECT_EQ(with.exit_code, 0) << with.err;
}

TEST_F(SecurityIntegrationTest, UnprotectedNonLoopbackListenIsRefused) {
  ProcessResult refused = Run({BinDir() + "/ipclabd", "--listen", "0.0.0.0:0"});
  EXPECT_EQ(refused.exit_code, 2);
  EXPECT_THAT(refused.err, HasSubstr("--insecure"));
  ProcessResult bad_port = Run({BinDir() + "/ipclabd", "--listen", ":99999"});
  EXPECT_EQ(bad_port.exit_code, 2);
  EXPECT_THAT(bad_port.err, HasSubstr("0..65535"));
}

TEST_F(SecurityIntegrationTest, RunsOverTheMemoryCapAreRefusedWithTheFigures) {
  const std::string server = StartDaemon({"--max-memory", "1GiB"});
  const auto started = std::chrono::steady_clock::now();
  ProcessResult refused = Ipclab({"run", "page_fault", "-p", "region_bytes=2GiB", "--no-store",
                                  "--quiet", "--server", server});
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(5));
  EXPECT_EQ(refused.exit_code, 2) << refused.err;
  EXPECT_THAT(refused.err, HasSubstr("needs 2.008 GiB of memory"));
  EXPECT_THAT(refused.err, HasSubstr("MemAvailable"));
  EXPECT_THAT(refused.err, HasSubstr("--max-memory 1 GiB"));

  ProcessResult too_long = Ipclab(
      {"run", "pipe", "-p", "total_bytes=1TiB", "--no-store", "--quiet", "--server", server});
  EXPECT_EQ(too_long.exit_code, 2) << too_long.err;
  EXPECT_THAT(too_long.err, HasSubstr("--max-run-seconds"));

  ProcessResult oversized = Ipclab({"run", "pipe", "-p", "mode=" + std::string(20000, 'x'),
                                    "--no-store", "--quiet", "--server", server});
  EXPECT_EQ(oversized.exit_code, 2) << oversized.err.substr(0, 300);
  EXPECT_THAT(oversized.err, HasSubstr("at most 256"));
  EXPECT_LT(oversized.err.size(), 1000u);
}

// Issue 10: an embedded run whose result passed 4 MiB failed with "Received
// message larger than max" after running to the end.
TEST_F(SecurityIntegrationTest, EmbeddedResultsLargerThanFourMiBArrive) {
  std::string sizes;
  for (int i = 1; i <= 200; ++i) sizes += (i > 1 ? "," : "") + std::to_string(i);
  ProcessResult ran = Ipclab({"run", "pipe", "-p", "total_bytes=64KiB", "--sweep",
                              "message_size=" + sizes, "--repetitions", "20", "--warmup", "0",
                              "--min-time", "0", "--no-store", "--quiet", "--format", "json"});
  EXPECT_EQ(ran.exit_code, 0) << ran.err.substr(0, 500);
  EXPECT_GT(ran.out.size(), size_t{4} << 20);
  EXPECT_THAT(ran.err, Not(HasSubstr("larger than max")));
}

}  // namespace
}  // namespace ipclab::testing
