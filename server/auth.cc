#include "server/auth.h"

#include <unistd.h>

#include <cerrno>
#include <fstream>
#include <map>
#include <sstream>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "base/errno_status.h"
#include "grpc/grpc_security.h"
#include "grpcpp/security/tls_certificate_provider.h"
#include "grpcpp/security/tls_credentials_options.h"

namespace ipclab::server {
namespace {

constexpr absl::string_view kHealthPrefix = "/grpc.health.v1.Health/";
constexpr absl::string_view kBearer = "bearer ";

// Plaintext credentials that still run an AuthMetadataProcessor: gRPC core's
// insecure server credentials carry the server auth filter, the C++
// InsecureServerCredentials() do not.
class InsecureTokenCredentials final : public grpc::ServerCredentials {
 public:
  InsecureTokenCredentials() : credentials_(grpc_insecure_server_credentials_create()) {}
  ~InsecureTokenCredentials() override { grpc_server_credentials_release(credentials_); }

  void SetAuthMetadataProcessor(
      const std::shared_ptr<grpc::AuthMetadataProcessor>& processor) override {
    processor_ = processor;
    grpc_auth_metadata_processor c_processor{&Process, nullptr, processor_.get()};
    grpc_server_credentials_set_auth_metadata_processor(credentials_, c_processor);
  }

 private:
  int AddPortToServer(const std::string& address, grpc_server* server) override {
    return grpc_server_add_http2_port(server, address.c_str(), credentials_);
  }

  // The processor is non-blocking, so it runs inline.
  static void Process(void* state, grpc_auth_context* /*context*/, const grpc_metadata* md,
                      size_t num_md, grpc_process_auth_metadata_done_cb done, void* user_data) {
    auto* processor = static_cast<grpc::AuthMetadataProcessor*>(state);
    grpc::AuthMetadataProcessor::InputMetadata metadata;
    for (size_t i = 0; i < num_md; ++i) {
      metadata.insert(std::make_pair(
          grpc::string_ref(reinterpret_cast<const char*>(GRPC_SLICE_START_PTR(md[i].key)),
                           GRPC_SLICE_LENGTH(md[i].key)),
          grpc::string_ref(reinterpret_cast<const char*>(GRPC_SLICE_START_PTR(md[i].value)),
                           GRPC_SLICE_LENGTH(md[i].value))));
    }
    grpc::AuthMetadataProcessor::OutputMetadata consumed;
    grpc::AuthMetadataProcessor::OutputMetadata response;
    const grpc::Status status = processor->Process(metadata, nullptr, &consumed, &response);
    done(user_data, nullptr, 0, nullptr, 0, static_cast<grpc_status_code>(status.error_code()),
         status.ok() ? nullptr : status.error_message().c_str());
  }

  grpc_server_credentials* const credentials_;
  std::shared_ptr<grpc::AuthMetadataProcessor> processor_;
};

absl::Status CheckReadable(const std::string& path, absl::string_view flag) {
  if (access(path.c_str(), R_OK) != 0) {
    const int error = errno;
    return absl::InvalidArgumentError(
        absl::StrCat(flag, " ", path, " is not readable: ",
                     base::ErrnoMessage(absl::StrCat("access(\"", path, "\", R_OK)"), error)));
  }
  return absl::OkStatus();
}

}  // namespace

bool ConstantTimeEquals(absl::string_view a, absl::string_view b) {
  // Every byte of `a` is visited whatever `b` holds.
  unsigned char difference = a.size() == b.size() ? 0 : 1;
  for (size_t i = 0; i < a.size(); ++i) {
    const unsigned char other = i < b.size() ? static_cast<unsigned char>(b[i]) : 0;
    difference |= static_cast<unsigned char>(a[i]) ^ other;
  }
  return difference == 0;
}

absl::StatusOr<std::vector<std::string>> ReadTokenFile(const std::string& path) {
  std::ifstream in(path);
  if (!in) {
    const int error = errno;
    return absl::InvalidArgumentError(
        absl::StrCat("--auth-token-file ", path, ": ",
                     base::ErrnoMessage(absl::StrCat("open(\"", path, "\")"), error)));
  }
  std::vector<std::string> tokens;
  std::string line;
  while (std::getline(in, line)) {
    const absl::string_view token = absl::StripAsciiWhitespace(line);
    if (token.empty() || token[0] == '#') continue;
    tokens.emplace_back(token);
  }
  if (tokens.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("--auth-token-file ", path, " holds no token (one per line)"));
  }
  return tokens;
}

absl::StatusOr<std::shared_ptr<TokenAuthenticator>> TokenAuthenticator::FromFile(
    const std::string& path) {
  std::shared_ptr<TokenAuthenticator> authenticator(new TokenAuthenticator(path));
  absl::Status loaded = authenticator->Reload();
  if (!loaded.ok()) return loaded;
  return authenticator;
}

absl::Status TokenAuthenticator::Reload() {
  absl::StatusOr<std::vector<std::string>> tokens = ReadTokenFile(path_);
  if (!tokens.ok()) return tokens.status();
  absl::MutexLock lock(&mutex_);
  tokens_ = *std::move(tokens);
  return absl::OkStatus();
}

bool TokenAuthenticator::Accepts(absl::string_view authorization) const {
  if (authorization.size() <= kBearer.size() ||
      !absl::EqualsIgnoreCase(authorization.substr(0, kBearer.size()), kBearer)) {
    return false;
  }
  const absl::string_view presented = authorization.substr(kBearer.size());
  absl::MutexLock lock(&mutex_);
  bool accepted = false;
  for (const std::string& token : tokens_) accepted |= ConstantTimeEquals(token, presented);
  return accepted;
}

grpc::Status TokenAuthenticator::Process(const InputMetadata& auth_metadata,
                                         grpc::AuthContext* /*context*/,
                                         OutputMetadata* /*consumed_auth_metadata*/,
                                         OutputMetadata* /*response_metadata*/) {
  auto path = auth_metadata.find(":path");
  if (path != auth_metadata.end() &&
      absl::StartsWith(absl::string_view(path->second.data(), path->second.size()),
                       kHealthPrefix)) {
    return grpc::Status::OK;  // probes carry no token
  }
  auto authorization = auth_metadata.find("authorization");
  if (authorization == auth_metadata.end()) {
    return grpc::Status(grpc::StatusCode::UNAUTHENTICATED,
                        "this ipclabd requires a bearer token (authorization: Bearer ...; "
                        "ipclab --token-file or IPCLAB_TOKEN)");
  }
  if (!Accepts(absl::string_view(authorization->second.data(), authorization->second.size()))) {
    return grpc::Status(grpc::StatusCode::UNAUTHENTICATED, "the bearer token is not accepted");
  }
  return grpc::Status::OK;
}

absl::StatusOr<std::shared_ptr<grpc::ServerCredentials>> MakeServerCredentials(
    const AuthOptions& options, const std::shared_ptr<TokenAuthenticator>& authenticator) {
  std::shared_ptr<grpc::ServerCredentials> credentials;
  if (options.tls_cert.empty() != options.tls_key.empty()) {
    return absl::InvalidArgumentError("--tls-cert and --tls-key go together");
  }
  if (!options.tls_client_ca.empty() && !options.tls()) {
    return absl::InvalidArgumentError("--tls-client-ca needs --tls-cert and --tls-key");
  }
  if (options.tls()) {
    if (absl::Status s = CheckReadable(options.tls_cert, "--tls-cert"); !s.ok()) return s;
    if (absl::Status s = CheckReadable(options.tls_key, "--tls-key"); !s.ok()) return s;
    const bool mutual = !options.tls_client_ca.empty();
    if (mutual) {
      if (absl::Status s = CheckReadable(options.tls_client_ca, "--tls-client-ca"); !s.ok()) {
        return s;
      }
    }
    auto provider = std::make_shared<grpc::experimental::FileWatcherCertificateProvider>(
        options.tls_key, options.tls_cert, mutual ? options.tls_client_ca : "",
        kCertificateRefreshSeconds);
    grpc::experimental::TlsServerCredentialsOptions tls(provider);
    tls.watch_identity_key_cert_pairs();
    if (mutual) {
      tls.watch_root_certs();
      tls.set_cert_request_type(GRPC_SSL_REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_AND_VERIFY);
    } else {
      tls.set_cert_request_type(GRPC_SSL_DONT_REQUEST_CLIENT_CERTIFICATE);
    }
    credentials = grpc::experimental::TlsServerCredentials(tls);
  } else if (authenticator != nullptr) {
    credentials = std::make_shared<InsecureTokenCredentials>();
  } else {
    return grpc::InsecureServerCredentials();
  }
  if (authenticator != nullptr) credentials->SetAuthMetadataProcessor(authenticator);
  return credentials;
}

bool IsLoopbackAddress(absl::string_view listen) {
  if (absl::StartsWith(listen, "unix:") || absl::StartsWith(listen, "unix-abstract:")) return true;
  const size_t colon = listen.rfind(':');
  absl::string_view host = colon == absl::string_view::npos ? listen : listen.substr(0, colon);
  if (absl::ConsumePrefix(&host, "[")) absl::ConsumeSuffix(&host, "]");
  return absl::StartsWith(host, "127.") || host == "::1" ||
         absl::EqualsIgnoreCase(host, "localhost");
}

absl::Status CheckListenAddress(absl::string_view listen) {
  if (absl::StartsWith(listen, "unix:") || absl::StartsWith(listen, "unix-abstract:")) {
    return absl::OkStatus();
  }
  const size_t colon = listen.rfind(':');
  const absl::string_view shown = listen.substr(0, 64);
  if (colon == absl::string_view::npos) {
    return absl::InvalidArgumentError(absl::StrCat("--listen ", shown, ": expected HOST:PORT"));
  }
  int port = -1;
  if (!absl::SimpleAtoi(listen.substr(colon + 1), &port) || port < 0 || port > 65535) {
    return absl::InvalidArgumentError(
        absl::StrCat("--listen ", shown, ": the port must be a number in 0..65535"));
  }
  return absl::OkStatus();
}

}  // namespace ipclab::server
