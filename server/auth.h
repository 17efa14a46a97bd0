// Who may talk to ipclabd: TLS (optionally mutual) and bearer tokens.
//
//   AuthOptions auth;
//   auth.token_file = "/etc/ipclab/tokens";
//   auto authenticator = TokenAuthenticator::FromFile(auth.token_file);  // StatusOr
//   auto credentials = MakeServerCredentials(auth, *authenticator);     // StatusOr
//   builder.AddListeningPort(address, *credentials, &port);
//
// Tokens are checked in gRPC core, before any handler (ours, reflection's)
// runs: an AuthMetadataProcessor compares "authorization: Bearer <token>" in
// constant time against every token of the file and fails the call with
// UNAUTHENTICATED otherwise. /grpc.health.v1.Health/* needs no token, so
// probes work. Without TLS the processor sits on gRPC core's insecure
// credentials (the C++ InsecureServerCredentials cannot carry one).
#ifndef IPCLAB_SERVER_AUTH_H_
#define IPCLAB_SERVER_AUTH_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "grpcpp/security/auth_metadata_processor.h"
#include "grpcpp/security/server_credentials.h"

namespace ipclab::server {

struct AuthOptions {
  // PEM server certificate chain and key; both or neither. With them the
  // port speaks TLS only, and the files are re-read when they change.
  std::string tls_cert;
  std::string tls_key;
  // PEM CA bundle: clients must present a certificate it signed (mTLS).
  std::string tls_client_ca;
  // One bearer token per line (blank lines and '#' comments ignored).
  std::string token_file;

  bool tls() const { return !tls_cert.empty(); }
  bool tokens() const { return !token_file.empty(); }
};

// How often TLS files are checked for changes.
inline constexpr int kCertificateRefreshSeconds = 10;

// Checks bearer tokens. Thread-safe; Reload may run while calls are checked.
class TokenAuthenticator final : public grpc::AuthMetadataProcessor {
 public:
  // Reads `path`; INVALID_ARGUMENT if it holds no token or cannot be read.
  static absl::StatusOr<std::shared_ptr<TokenAuthenticator>> FromFile(const std::string& path);

  // Re-reads the file; on error keeps the tokens it had.
  absl::Status Reload();

  // True if `authorization` is "Bearer <one of the tokens>".
  bool Accepts(absl::string_view authorization) const;

  bool IsBlocking() const override { return false; }
  grpc::Status Process(const InputMetadata& auth_metadata, grpc::AuthContext* context,
                       OutputMetadata* consumed_auth_metadata,
                       OutputMetadata* response_metadata) override;

 private:
  explicit TokenAuthenticator(std::string path) : path_(std::move(path)) {}

  const std::string path_;
  mutable absl::Mutex mutex_;
  std::vector<std::string> tokens_ ABSL_GUARDED_BY(mutex_);
};

// The tokens of a token file; INVALID_ARGUMENT naming the path if unreadable
// or empty.
absl::StatusOr<std::vector<std::string>> ReadTokenFile(const std::string& path);

// True if `a` equals `b`; the time taken depends on their lengths only.
bool ConstantTimeEquals(absl::string_view a, absl::string_view b);

// Credentials for a listening port: TLS from `options` (files checked for
// existence; INVALID_ARGUMENT naming the flag otherwise) or plaintext, with
// `authenticator` (may be null) checking every call.
absl::StatusOr<std::shared_ptr<grpc::ServerCredentials>> MakeServerCredentials(
    const AuthOptions& options, const std::shared_ptr<TokenAuthenticator>& authenticator);

// True for addresses only this host can reach: 127.0.0.0/8, [::1],
// localhost, unix: sockets.
bool IsLoopbackAddress(absl::string_view listen);

// INVALID_ARGUMENT unless `listen` is HOST:PORT with PORT in 0..65535.
absl::Status CheckListenAddress(absl::string_view listen);

}  // namespace ipclab::server

#endif  // IPCLAB_SERVER_AUTH_H_
