#include "client/client_auth.h"

#include <cerrno>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <utility>
#include <vector>

#include "CLI/CLI.hpp"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "base/errno_status.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"
#include "grpcpp/support/client_interceptor.h"

namespace ipclab::client {
namespace {

// Adds "authorization: Bearer <token>" to every call of the channel,
// reflection and health included.
class BearerTokenInterceptor final : public grpc::experimental::Interceptor {
 public:
  explicit BearerTokenInterceptor(const std::string* header) : header_(header) {}
  void Intercept(grpc::experimental::InterceptorBatchMethods* methods) override {
    if (methods->QueryInterceptionHookPoint(
            grpc::experimental::InterceptionHookPoints::PRE_SEND_INITIAL_METADATA)) {
      methods->GetSendInitialMetadata()->insert({"authorization", *header_});
    }
    methods->Proceed();
  }

 private:
  const std::string* const header_;
};

class BearerTokenFactory final : public grpc::experimental::ClientInterceptorFactoryInterface {
 public:
  explicit BearerTokenFactory(std::string token) : header_("Bearer " + std::move(token)) {}
  grpc::experimental::Interceptor* CreateClientInterceptor(
      grpc::experimental::ClientRpcInfo* /*info*/) override {
    return new BearerTokenInterceptor(&header_);
  }

 private:
  const std::string header_;  // lives as long as the channel
};

absl::StatusOr<std::string> ReadFile(const std::string& path, const char* flag) {
  std::ifstream in(path);
  if (!in) {
    const int error = errno;
    return absl::InvalidArgumentError(absl::StrCat(
        flag, " ", path, ": ", base::ErrnoMessage(absl::StrCat("open(\"", path, "\")"), error)));
  }
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace

void AddSecurityFlags(CLI::App* command, ClientSecurity* security) {
  command
      ->add_option("--token-file", security->token_file,
                   "file with the bearer token for ipclabd (default: $IPCLAB_TOKEN)")
      ->type_name("FILE");
  command
      ->add_option("--tls-ca", security->tls_ca,
                   "PEM CA bundle: connect with TLS and verify the server against it")
      ->type_name("FILE");
  command->add_option("--tls-cert", security->tls_cert, "PEM client certificate (mTLS)")
      ->type_name("FILE");
  command->add_option("--tls-key", security->tls_key, "PEM key of --tls-cert")->type_name("FILE");
}

absl::StatusOr<std::string> ResolveToken(const ClientSecurity& security) {
  if (security.token_file.empty()) {
    const char* token = std::getenv(kTokenEnvironmentVariable);
    return std::string(token == nullptr ? "" : absl::StripAsciiWhitespace(token));
  }
  absl::StatusOr<std::string> text = ReadFile(security.token_file, "--token-file");
  if (!text.ok()) return text.status();
  std::istringstream lines(*text);
  std::string line;
  while (std::getline(lines, line)) {
    const absl::string_view token = absl::StripAsciiWhitespace(line);
    if (!token.empty() && token[0] != '#') return std::string(token);
  }
  return absl::InvalidArgumentError(
      absl::StrCat("--token-file ", security.token_file, " holds no token"));
}

absl::StatusOr<std::shared_ptr<grpc::Channel>> MakeChannel(const std::string& address,
                                                           const ClientSecurity& security,
                                                           const grpc::ChannelArguments& args) {
  std::shared_ptr<grpc::ChannelCredentials> credentials = grpc::InsecureChannelCredentials();
  if (security.tls_cert.empty() != security.tls_key.empty()) {
    return absl::InvalidArgumentError("--tls-cert and --tls-key go together");
  }
  if (!security.tls_ca.empty() || !security.tls_cert.empty()) {
    grpc::SslCredentialsOptions tls;
    if (!security.tls_ca.empty()) {
      absl::StatusOr<std::string> ca = ReadFile(security.tls_ca, "--tls-ca");
      if (!ca.ok()) return ca.status();
      tls.pem_root_certs = *std::move(ca);
    }
    if (!security.tls_cert.empty()) {
      absl::StatusOr<std::string> cert = ReadFile(security.tls_cert, "--tls-cert");
      if (!cert.ok()) return cert.status();
      absl::StatusOr<std::string> key = ReadFile(security.tls_key, "--tls-key");
      if (!key.ok()) return key.status();
      tls.pem_cert_chain = *std::move(cert);
      tls.pem_private_key = *std::move(key);
    }
    credentials = grpc::SslCredentials(tls);
  }
  absl::StatusOr<std::string> token = ResolveToken(security);
  if (!token.ok()) return token.status();
  std::vector<std::unique_ptr<grpc::experimental::ClientInterceptorFactoryInterface>> interceptors;
  if (!token->empty()) interceptors.push_back(std::make_unique<BearerTokenFactory>(*token));
  return grpc::experimental::CreateCustomChannelWithInterceptors(address, credentials, args,
                                                                 std::move(interceptors));
}

}  // namespace ipclab::client
