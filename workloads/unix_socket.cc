#include "workloads/catalog.h"

#include <memory>

#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>

#include "absl/strings/str_cat.h"
#include "base/errno_status.h"
#include "base/fd.h"
#include "base/posix_call.h"
#include "base/size.h"
#include "base/status_macros.h"
#include "workloads/transfer.h"

namespace ipclab::workloads {
namespace {

// One role's end of the pair: it sends and receives on the same socket.
class SocketEndpoint final {
 public:
  explicit SocketEndpoint(int socket) : socket_(socket) {}

  absl::Status Setup() { return absl::OkStatus(); }  // the pair exists before the fork

  absl::Status Send(const char* data, size_t size) {
    while (size > 0) {
      // MSG_NOSIGNAL: a vanished peer is an error status, not a SIGPIPE death.
      const ssize_t sent =
          base::RetryOnEintr([&] { return ::send(socket_, data, size, MSG_NOSIGNAL); });
      if (sent < 0) return base::ErrnoStatus("send(unix socket)", errno);
      data += sent;
      size -= static_cast<size_t>(sent);
    }
    return absl::OkStatus();
  }

  absl::StatusOr<size_t> Receive(char* data, size_t max) {
    const ssize_t got = base::RetryOnEintr([&] { return ::recv(socket_, data, max, 0); });
    if (got > 0) return static_cast<size_t>(got);
    if (got == 0) return absl::AbortedError("recv(unix socket): the peer closed its end");
    return base::ErrnoStatus("recv(unix socket)", errno);
  }

  void Teardown() {
    if (socket_ >= 0) ::close(socket_);
    socket_ = -1;
  }

 private:
  int socket_;
};

absl::StatusOr<int> SocketOption(int socket, int option, const char* name) {
  int value = 0;
  socklen_t length = sizeof(value);
  if (::getsockopt(socket, SOL_SOCKET, option, &value, &length) != 0) {
    return base::ErrnoStatus(absl::StrCat("getsockopt(", name, ")"), errno);
  }
  return value;
}

v1::WorkloadSpec UnixSocketSpec() {
  return TransferSpec(
      "unix_socket",
      "AF_UNIX stream socket pair between two processes: send() by the producer, recv() by the "
      "consumer (default socket buffers)",
      TransferParamSpecs());
}

absl::Status ValidateUnixSocket(const CaseParams& params) { return ValidateTransfer(params); }

std::vector<v1::Expectation> ExpectUnixSocket(const CaseParams& params, const v1::HostInfo& host) {
  (void)params;
  (void)host;
  return CopyTransportExpectations("unix socket");
}

absl::StatusOr<v1::RepetitionResult> RunUnixSocketRepetition(const CaseParams& params,
                                                             const RunContext& context) {
  const std::string& placement = params.Text("placement");
  IPCLAB_ASSIGN_OR_RETURN(std::vector<int> cpus, PlacementCpus(placement, 2));
  int pair[2];
  if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, pair) != 0) {
    return base::ErrnoStatus("socketpair(AF_UNIX, SOCK_STREAM)", errno);
  }
  base::Fd producer_end(pair[0]);
  base::Fd consumer_end(pair[1]);
  // What the kernel granted decides how much one send can queue: the warm
  // phase moves that much (one "window"), like one pipe capacity.
  IPCLAB_ASSIGN_OR_RETURN(int send_buffer,
                          SocketOption(producer_end.get(), SO_SNDBUF, "SO_SNDBUF"));
  IPCLAB_ASSIGN_OR_RETURN(int receive_buffer,
                          SocketOption(consumer_end.get(), SO_RCVBUF, "SO_RCVBUF"));
  TransferPlan plan = MakeTransferPlan(params, static_cast<uint64_t>(send_buffer), context.verify);
  plan.min_time_ns = static_cast<int64_t>(context.min_time_seconds * 1e9);

  std::vector<RoleSpec> roles = TransferRoles(
      cpus, {producer_end.get()}, {consumer_end.get()}, [&](RoleContext& role, bool producer) {
        SocketEndpoint endpoint(producer ? producer_end.get() : consumer_end.get());
        return RunTransferRole(role, plan, producer, endpoint);
      });
  IPCLAB_ASSIGN_OR_RETURN(v1::RepetitionResult result,
                          RunTransfer(plan, placement, std::move(roles)));
  (*result.mutable_notes())["socket_sndbuf_actual"] =
      base::FormatSize(static_cast<uint64_t>(send_buffer));
  (*result.mutable_notes())["socket_rcvbuf_actual"] =
      base::FormatSize(static_cast<uint64_t>(receive_buffer));
  return result;
}

}  // namespace

WorkloadOps UnixSocketOps() {
  return {UnixSocketSpec(), ValidateUnixSocket, ExpectUnixSocket, RunUnixSocketRepetition};
}

}  // namespace ipclab::workloads
