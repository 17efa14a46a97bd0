// A single-producer single-consumer byte ring in shared memory, the transport
// of the shared-memory workloads (shm_posix, shm_sysv, mmap_file). The layout
// is position-independent (offsets, no pointers), so each process maps it
// wherever it likes, and a fresh zero-filled region is a valid empty ring.
//
// A region holds one ring (stream: producer -> consumer) or two (pingpong:
// the second carries the echoes), laid out by RingLayout:
//   [header block: ring 0 header at 0, ring 1 header at 1 KiB][ring 0 data][ring 1 data]
// The header block is one page, or one huge page when the region is made of
// huge pages, so that the data of every ring starts on a page boundary.
//
// Inside a header, what the producer writes and what the consumer writes sit
// in separate 128-byte blocks: x86 prefetches cache lines in 128-byte pairs,
// so 64-byte separation would still bounce a line pair between the two CPUs.
// Each side keeps its own index and a cached copy of the other side's in
// process-local memory, and reads the shared copy only when the cached one
// says it must wait; offsets into the data advance without division.
//
// Waiting when the ring is empty (consumer) or full (producer):
//   futex:   sleep in futex_wait at once; the other side calls futex_wake only
//            when the waiter announced itself, so a busy stream makes no syscalls.
//   eventfd: the same protocol, but the sleeper blocks in read() on an eventfd
//            and the other side write()s it (what an event loop would use).
//   spin:    busy-poll with a pause instruction; every 64 polls (a few
//            microseconds) it calls sched_yield(), so two roles on one CPU
//            still make progress.
#ifndef IPCLAB_WORKLOADS_SHM_RING_H_
#define IPCLAB_WORKLOADS_SHM_RING_H_

#include <atomic>
#include <cstddef>
#include <cstdint>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace ipclab::workloads {

enum class RingSync { kFutex, kSpin, kEventfd };

// "futex" | "spin" | "eventfd".
absl::StatusOr<RingSync> ParseRingSync(absl::string_view text);

struct RingHeader {
  // Written by the producer.
  alignas(128) std::atomic<uint64_t> head;  // bytes ever written
  std::atomic<uint32_t> data_seq;           // futex word: "data arrived"
  std::atomic<uint32_t> producer_waiting;   // the producer sleeps for space
  // Written by the consumer.
  alignas(128) std::atomic<uint64_t> tail;  // bytes ever read
  std::atomic<uint32_t> space_seq;          // futex word: "space freed"
  std::atomic<uint32_t> consumer_waiting;   // the consumer sleeps for data
};

inline constexpr size_t kRingHeaderStride = 1024;
static_assert(sizeof(RingHeader) <= kRingHeaderStride);

struct RingLayout {
  size_t header_block = 4096;  // the base or huge page size
  size_t capacity = 0;         // data bytes per ring
  int ring_count = 1;          // 1: stream; 2: pingpong

  size_t bytes() const { return header_block + static_cast<size_t>(ring_count) * capacity; }
  RingHeader* header(char* base, int ring) const {
    return reinterpret_cast<RingHeader*>(base + static_cast<size_t>(ring) * kRingHeaderStride);
  }
  char* data(char* base, int ring) const {
    return base + header_block + static_cast<size_t>(ring) * capacity;
  }
};

// The eventfds of one ring for sync=eventfd (inherited by both roles):
// the producer signals `data` for a waiting consumer, the consumer signals
// `space` for a waiting producer. Unused (-1) for the other modes.
struct RingEvents {
  int data = -1;
  int space = -1;
};

// One side's handle on a ring inside a mapping; owns nothing. A process uses
// one ShmRing per ring and direction (it caches indices), either Write or Read,
// made while the ring is still fresh (both indices 0).
class ShmRing final {
 public:
  ShmRing() = default;
  ShmRing(RingHeader* header, char* data, size_t capacity, RingSync sync, RingEvents events = {});

  // Copies `size` bytes in, waiting for space as needed. Errors only from the
  // eventfd syscalls.
  absl::Status Write(const char* source, size_t size);
  // Copies exactly `size` bytes out, waiting for data as needed.
  absl::Status Read(char* destination, size_t size);

  size_t capacity() const { return capacity_; }

 private:
  absl::Status WaitForData();
  absl::Status WaitForSpace();
  template <typename Refresh>
  absl::Status WaitFor(Refresh refresh, std::atomic<uint32_t>* waiting, std::atomic<uint32_t>* seq,
                       int event_fd);
  absl::Status Published();
  absl::Status Consumed();
  absl::Status Announce(std::atomic<uint64_t>* index, uint64_t value,
                        std::atomic<uint32_t>* waiting, std::atomic<uint32_t>* seq, int event_fd);

  RingHeader* header_ = nullptr;
  char* data_ = nullptr;
  size_t capacity_ = 0;
  RingSync sync_ = RingSync::kFutex;
  RingEvents events_;
  // Process-local: this side's index and offset, and the last value seen of
  // the other side's index.
  uint64_t head_ = 0;
  uint64_t tail_ = 0;
  size_t offset_ = 0;
};

}  // namespace ipclab::workloads

#endif  // IPCLAB_WORKLOADS_SHM_RING_H_
