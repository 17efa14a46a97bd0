// A single-producer single-consumer byte ring in shared memory, the transport
// of the shared-memory workloads. The layout is position-independent (offsets,
// no pointers), so each process maps it wherever it likes.
//
// Layout of one ring: a 4 KiB header page (head and tail on their own cache
// lines, plus the futex words) followed by `capacity` data bytes. A fresh
// zero-filled mapping is a valid empty ring.
//
// Waiting when the ring is empty (consumer) or full (producer):
//   futex: sleep in futex_wait at once; the other side calls futex_wake only
//          when the waiter announced itself, so a busy stream makes no syscalls.
//   spin:  busy-poll with a pause instruction; every 64 polls (a few microseconds) it
//          calls sched_yield(), so two roles on one CPU still make progress.
#ifndef IPCLAB_WORKLOADS_SHM_RING_H_
#define IPCLAB_WORKLOADS_SHM_RING_H_

#include <atomic>
#include <cstddef>
#include <cstdint>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace ipclab::workloads {

enum class RingSync { kFutex, kSpin };

absl::StatusOr<RingSync> ParseRingSync(absl::string_view text);

struct RingHeader {
  alignas(64) std::atomic<uint64_t> head;  // bytes ever written (producer)
  alignas(64) std::atomic<uint64_t> tail;  // bytes ever read (consumer)
  alignas(64) std::atomic<uint32_t> data_seq;  // futex: "data arrived"
  std::atomic<uint32_t> consumer_waiting;
  alignas(64) std::atomic<uint32_t> space_seq;  // futex: "space freed"
  std::atomic<uint32_t> producer_waiting;
};

inline constexpr size_t kRingHeaderBytes = 4096;
static_assert(sizeof(RingHeader) <= kRingHeaderBytes);

// Bytes of shared memory one ring of `capacity` data bytes needs.
inline size_t RingFootprint(size_t capacity) { return kRingHeaderBytes + capacity; }

// A view of a ring inside a mapping. Copyable; owns nothing.
class ShmRing final {
 public:
  ShmRing(char* base, size_t capacity, RingSync sync)
      : header_(reinterpret_cast<RingHeader*>(base)),
        data_(base + kRingHeaderBytes),
        capacity_(capacity),
        sync_(sync) {}

  // Copies `size` bytes in, waiting for space as needed.
  void Write(const char* source, size_t size);
  // Copies exactly `size` bytes out, waiting for data as needed.
  void Read(char* destination, size_t size);

  size_t capacity() const { return capacity_; }

 private:
  void WaitForData(uint64_t tail);
  void WaitForSpace(uint64_t head);
  void Published();
  void Consumed();

  RingHeader* header_;
  char* data_;
  size_t capacity_;
  RingSync sync_;
};

}  // namespace ipclab::workloads

#endif  // IPCLAB_WORKLOADS_SHM_RING_H_
