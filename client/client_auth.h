// How the CLI proves itself to a remote ipclabd: a bearer token
// (--token-file, else $IPCLAB_TOKEN) sent on every call, and TLS
// (--tls-ca to verify the server; --tls-cert/--tls-key for mTLS).
#ifndef IPCLAB_CLIENT_CLIENT_AUTH_H_
#define IPCLAB_CLIENT_CLIENT_AUTH_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "grpcpp/channel.h"
#include "grpcpp/support/channel_arguments.h"

namespace CLI {
class App;
}  // namespace CLI

namespace ipclab::client {

// The environment variable holding a token when --token-file is not given.
inline constexpr char kTokenEnvironmentVariable[] = "IPCLAB_TOKEN";

struct ClientSecurity {
  std::string token_file;  // first non-comment line is the token
  std::string tls_ca;      // PEM CA bundle; set: the channel uses TLS
  std::string tls_cert;    // PEM client certificate (mTLS)
  std::string tls_key;     // its key
};

// Adds --token-file, --tls-ca, --tls-cert, --tls-key to `command`.
void AddSecurityFlags(CLI::App* command, ClientSecurity* security);

// The token to send: from the file, else $IPCLAB_TOKEN, else "" (none).
// INVALID_ARGUMENT if the file cannot be read or is empty.
absl::StatusOr<std::string> ResolveToken(const ClientSecurity& security);

// A channel to `address` with TLS if asked and the token (if any) added to
// every call's metadata. INVALID_ARGUMENT naming the flag for unreadable
// files or a --tls-cert without --tls-key.
absl::StatusOr<std::shared_ptr<grpc::Channel>> MakeChannel(const std::string& address,
                                                           const ClientSecurity& security,
                                                           const grpc::ChannelArguments& args);

}  // namespace ipclab::client

#endif  // IPCLAB_CLIENT_CLIENT_AUTH_H_
