// The phases every two-process transfer workload shares (pipe, unix_socket,
// shm_posix, shm_sysv, mmap_file): the producer sends `total_bytes`
// in `message_size` messages to the consumer (mode=stream), or the two
// exchange `total_bytes / message_size` round trips (mode=pingpong, the
// producer starts each one and records its round-trip time).
//
// Phases: setup (open/map the transport, allocate and touch the message
// buffer), warm (the first pass through the transport window, which takes
// the faults), steady (the measured transfer), teardown (unmap, close).
//
// An Endpoint is any type with:
//   absl::Status Setup();                       // inside the setup phase
//   absl::Status Send(const char* data, size_t size);   // all of it
//   absl::StatusOr<size_t> Receive(char* data, size_t max);  // >= 1 byte
//   void Teardown();                            // inside the teardown phase
// and optionally
//   char* SendBuffer(char* buffer, size_t size);
// which says where the producer should put its next message of `size` bytes
// before sending it (default: `buffer`). A zero-copy sender whose sent
// memory stays referenced after Send returns (vmsplice) hands out a buffer
// the receiver has certainly finished with.
// Send/Receive/SendBuffer run inside timed regions: no allocation, no logging.
#ifndef IPCLAB_WORKLOADS_TRANSFER_H_
#define IPCLAB_WORKLOADS_TRANSFER_H_

#include <sys/mman.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <functional>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "base/status_macros.h"
#include "workloads/harness.h"
#include "workloads/params.h"
#include "workloads/sys/mapping.h"

namespace ipclab::workloads {

inline const std::vector<std::string>& TransferPhases() {
  static const auto* const kPhases =
      new std::vector<std::string>{"setup", "warm", "steady", "teardown"};
  return *kPhases;
}

inline constexpr uint64_t kMaxRoundTrips = 10'000'000;
inline constexpr uint64_t kWarmRoundTrips = 1000;
inline constexpr uint64_t kMaxWarmRoundTrips = 65536;

struct TransferPlan {
  uint64_t message_size = 0;
  uint64_t total_bytes = 0;
  uint64_t warm_bytes = 0;  // what the warm phase moves
  bool pingpong = false;
  bool verify = false;
  // --min-time: the steady phase repeats whole passes of total_bytes until it
  // has lasted this long; the producer decides between passes.
  int64_t min_time_ns = 0;
};

// The parameters common to transfer workloads, and the catalog entries.
std::vector<v1::ParamSpec> TransferParamSpecs();
// The producer (roles[0]) and the consumer (roles[1]) of a transfer, pinned
// to cpus[0] and cpus[1], keeping their fds open, each running
// `body(role, producer)`.
std::vector<RoleSpec> TransferRoles(const std::vector<int>& cpus, std::vector<int> producer_fds,
                                    std::vector<int> consumer_fds,
                                    std::function<absl::Status(RoleContext&, bool producer)> body);

// The catalog entry of a transfer workload: `params`, the roles producer and
// consumer, and TransferPhases().
v1::WorkloadSpec TransferSpec(absl::string_view name, absl::string_view summary,
                              std::vector<v1::ParamSpec> params);
// message_size <= total_bytes; the round-trip limit in pingpong.
absl::Status ValidateTransfer(const CaseParams& params);
// `window` is the transport's buffer (pipe capacity, ring bytes): the warm
// phase moves one window (at least one message) in stream mode; in pingpong
// at least kWarmRoundTrips round trips and enough to cover the window, but
// at most kMaxWarmRoundTrips (so a 1-byte pingpong over a 1 GiB ring does
// not take minutes; its steady phase then still meets fresh ring pages).
TransferPlan MakeTransferPlan(const CaseParams& params, uint64_t window, bool verify);

// Byte-stream checksum (FNV-1a), independent of how the stream is chunked.
class StreamChecksum final {
 public:
  void Add(const char* data, size_t size) {
    for (size_t i = 0; i < size; ++i) {
      hash_ = (hash_ ^ static_cast<unsigned char>(data[i])) * 0x100000001b3ULL;
    }
  }
  uint64_t value() const { return hash_; }

 private:
  uint64_t hash_ = 0xcbf29ce484222325ULL;
};

// Fills `size` bytes with a pattern that depends on the stream position.
void FillPattern(char* data, size_t size, uint64_t position);

// Runs the producer and the consumer of a transfer through TransferPhases()
// and returns the repetition's result. With plan.verify the two roles'
// checksums must agree (DATA_LOSS if not) and the result says it is verified.
absl::StatusOr<v1::RepetitionResult> RunTransfer(const TransferPlan& plan,
                                                 const std::string& placement,
                                                 std::vector<RoleSpec> roles,
                                                 const RoleHooks& hooks = RoleHooks());

// ---- expectations (Workload::Expect) shared by the transfer workloads

// Page faults a phase may take besides the ones the transport explains: the
// text pages of code run for the first time, stack and libc pages (measured
// on Linux 6.18: 0-6 per role and phase).
inline constexpr double kFaultNoise = 16;

// "<phase>.<role>.minor_faults" is about 0 (band [0, kFaultNoise]), from
// getrusage, with `why` as the description.
v1::Expectation NoFaultsExpectation(const std::string& phase, const std::string& role,
                                    const std::string& why, const std::string& if_deviated);

// For a copying transport whose message buffers are touched in setup (pipe,
// unix_socket): neither role takes page faults in the warm or steady phase,
// because the kernel copies into memory of its own.
std::vector<v1::Expectation> CopyTransportExpectations(const std::string& transport);

namespace transfer_internal {

template <typename Endpoint, typename = void>
struct HasSendBuffer : std::false_type {};
template <typename Endpoint>
struct HasSendBuffer<Endpoint, std::void_t<decltype(std::declval<Endpoint&>().SendBuffer(
                                   std::declval<char*>(), size_t{0}))>> : std::true_type {};

template <typename Endpoint>
char* SendBufferOf(Endpoint& endpoint, char* buffer, size_t size) {
  if constexpr (HasSendBuffer<Endpoint>::value) {
    return endpoint.SendBuffer(buffer, size);
  } else {
    (void)endpoint;
    (void)size;
    return buffer;
  }
}

template <typename Endpoint>
absl::Status ReceiveExact(Endpoint& endpoint, char* data, size_t size) {
  while (size > 0) {
    IPCLAB_ASSIGN_OR_RETURN(size_t got, endpoint.Receive(data, size));
    data += got;
    size -= got;
  }
  return absl::OkStatus();
}

// One phase's worth of moving `bytes` (stream) or `bytes / message_size`
// round trips (pingpong), from `producer`'s point of view or the consumer's.
template <typename Endpoint>
absl::StatusOr<PhaseWork> Move(Endpoint& endpoint, const TransferPlan& plan, bool producer,
                               uint64_t bytes, char* buffer, char* echo, uint64_t* position,
                               StreamChecksum* checksum, LatencyRecorder* latency) {
  const size_t message = plan.message_size;
  PhaseWork work;
  if (!plan.pingpong) {
    if (producer) {
      for (uint64_t left = bytes; left > 0;) {
        const size_t size = static_cast<size_t>(std::min<uint64_t>(left, message));
        char* out = SendBufferOf(endpoint, buffer, size);
        if (plan.verify) {
          FillPattern(out, size, *position);
          checksum->Add(out, size);
        }
        IPCLAB_RETURN_IF_ERROR(endpoint.Send(out, size));
        left -= size;
        *position += size;
        ++work.messages;
      }
    } else {
      for (uint64_t left = bytes; left > 0;) {
        const size_t want = static_cast<size_t>(std::min<uint64_t>(left, message));
        IPCLAB_ASSIGN_OR_RETURN(size_t got, endpoint.Receive(buffer, want));
        if (plan.verify) checksum->Add(buffer, got);
        left -= got;
      }
    }
    work.bytes = bytes;
    return work;
  }
  const uint64_t round_trips = bytes / message;
  if (producer) {
    int64_t previous = MonotonicNowNs();
    for (uint64_t i = 0; i < round_trips; ++i) {
      char* out = SendBufferOf(endpoint, buffer, message);
      if (plan.verify) {
        FillPattern(out, message, *position);
        checksum->Add(out, message);
        *position += message;
      }
      IPCLAB_RETURN_IF_ERROR(endpoint.Send(out, message));
      IPCLAB_RETURN_IF_ERROR(ReceiveExact(endpoint, echo, message));
      const int64_t now = MonotonicNowNs();
      if (latency != nullptr) latency->Record(now - previous);
      previous = now;
      if (plan.verify && std::memcmp(out, echo, message) != 0) {
        return absl::DataLossError("the echoed message differs from the one sent");
      }
    }
  } else {
    for (uint64_t i = 0; i < round_trips; ++i) {
      IPCLAB_RETURN_IF_ERROR(ReceiveExact(endpoint, buffer, message));
      if (plan.verify) checksum->Add(buffer, message);
      IPCLAB_RETURN_IF_ERROR(endpoint.Send(buffer, message));
    }
  }
  work.bytes = round_trips * message;
  work.messages = round_trips;
  return work;
}

}  // namespace transfer_internal

// The body of the producer or consumer role: the four transfer phases.
template <typename Endpoint>
absl::Status RunTransferRole(RoleContext& context, const TransferPlan& plan, bool producer,
                             Endpoint& endpoint) {
  sys::Mapping buffers;
  char* buffer = nullptr;
  char* echo = nullptr;
  LatencyRecorder* latency = nullptr;
  IPCLAB_RETURN_IF_ERROR(context.RunPhase([&]() -> absl::StatusOr<PhaseWork> {
    IPCLAB_RETURN_IF_ERROR(endpoint.Setup());
    // Two message buffers (the second receives echoes), touched now so no
    // later phase pays their faults.
    IPCLAB_ASSIGN_OR_RETURN(buffers, sys::Mapping::Anonymous(2 * plan.message_size));
    std::memset(buffers.data(), 0x5a, buffers.size());
    buffer = buffers.data();
    echo = buffers.data() + plan.message_size;
    if (plan.pingpong && producer) {
      IPCLAB_RETURN_IF_ERROR(context.latency().Reserve(plan.total_bytes / plan.message_size));
    }
    return PhaseWork{};
  }));
  uint64_t position = 0;
  StreamChecksum checksum;
  IPCLAB_RETURN_IF_ERROR(context.RunPhase([&]() {
    return transfer_internal::Move(endpoint, plan, producer, plan.warm_bytes, buffer, echo,
                                   &position, &checksum, nullptr);
  }));
  if (plan.pingpong && producer) latency = &context.latency();
  IPCLAB_RETURN_IF_ERROR(context.RunPhase([&]() -> absl::StatusOr<PhaseWork> {
    // Whole passes until min_time: the clock is read between passes only,
    // and the consumer learns the producer's decision through the harness.
    PhaseWork total;
    const int64_t start = MonotonicNowNs();
    for (uint32_t pass = 1;; ++pass) {
      IPCLAB_ASSIGN_OR_RETURN(PhaseWork work,
                              transfer_internal::Move(endpoint, plan, producer, plan.total_bytes,
                                                      buffer, echo, &position, &checksum, latency));
      total.bytes += work.bytes;
      total.messages += work.messages;
      if (plan.min_time_ns <= 0) break;
      const bool more = producer && MonotonicNowNs() - start < plan.min_time_ns;
      if (!context.AnotherPass(pass, producer, more)) break;
    }
    return total;
  }));
  IPCLAB_RETURN_IF_ERROR(context.RunPhase([&]() -> absl::StatusOr<PhaseWork> {
    endpoint.Teardown();
    buffers.Reset();
    return PhaseWork{};
  }));
  context.set_checksum(checksum.value());
  return absl::OkStatus();
}

}  // namespace ipclab::workloads

#endif  // IPCLAB_WORKLOADS_TRANSFER_H_
