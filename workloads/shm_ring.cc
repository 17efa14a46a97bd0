#include "workloads/shm_ring.h"

#include <linux/futex.h>
#include <sched.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>

#include "absl/strings/str_cat.h"
#include "base/status_macros.h"
#include "workloads/sys/event_fd.h"

namespace ipclab::workloads {
namespace {

// A PAUSE takes ~40 ns on recent Xeons: yield after a few microseconds.
// (Polling without PAUSE first, or prefetching the next slot for writing,
// made no measurable difference to a 64-byte round trip: ~0.7 us either way,
// within noise of a minimal hand-written C ring on the same vCPUs.)
constexpr int kSpinsBeforeYield = 64;

// Large writes and reads are split so the other side can start on the first
// part while this side copies the rest (a 1 MiB message through a 1 MiB ring
// would otherwise be copied in and out strictly one after the other). Each
// publication costs a fence and a load of the other side's cache line, a few
// hundred nanoseconds at most against ~8 us for 64 KiB of memcpy.
constexpr size_t kMaxChunk = 64 << 10;

inline void CpuRelax() { __builtin_ia32_pause(); }

void FutexWait(std::atomic<uint32_t>* word, uint32_t expected) {
  // Shared (not FUTEX_PRIVATE): the word lives in memory two processes map.
  // EAGAIN (the word changed) and EINTR both mean "look again".
  ::syscall(SYS_futex, reinterpret_cast<uint32_t*>(word), FUTEX_WAIT, expected, nullptr, nullptr,
            0);
}

void FutexWake(std::atomic<uint32_t>* word) {
  ::syscall(SYS_futex, reinterpret_cast<uint32_t*>(word), FUTEX_WAKE, 1, nullptr, nullptr, 0);
}

}  // namespace

absl::StatusOr<RingSync> ParseRingSync(absl::string_view text) {
  if (text == "futex") return RingSync::kFutex;
  if (text == "spin") return RingSync::kSpin;
  if (text == "eventfd") return RingSync::kEventfd;
  return absl::InvalidArgumentError(
      absl::StrCat("parameter sync=", text, " is unknown; allowed: futex, spin, eventfd"));
}

ShmRing::ShmRing(RingHeader* header, char* data, size_t capacity, RingSync sync, RingEvents events)
    : header_(header), data_(data), capacity_(capacity), sync_(sync), events_(events) {
  // A fresh ring (indices 0). Nothing shared is touched here, so the first
  // access to the header page happens in the first transfer, like the data's.
}

// The consumer waits for data and the producer for space the same way: each
// announces itself in its `waiting` word and sleeps on the other side's
// `seq` word (or eventfd). `refresh(order)` re-reads the other side's index
// into the cached copy and says whether this side may go on.
template <typename Refresh>
absl::Status ShmRing::WaitFor(Refresh refresh, std::atomic<uint32_t>* waiting,
                              std::atomic<uint32_t>* seq, int event_fd) {
  if (sync_ == RingSync::kSpin) {
    for (int spins = 1;; ++spins) {
      if (refresh(std::memory_order_acquire)) return absl::OkStatus();
      CpuRelax();
      if (spins % kSpinsBeforeYield == 0) ::sched_yield();
    }
  }
  for (;;) {
    const uint32_t expected = seq->load(std::memory_order_acquire);
    waiting->store(1, std::memory_order_seq_cst);
    // Dekker pairing with Announce(): either this load sees the other side's
    // new index, or the other side sees `waiting` and wakes us.
    bool ready = refresh(std::memory_order_seq_cst);
    if (!ready) {
      if (sync_ == RingSync::kFutex) {
        FutexWait(seq, expected);
      } else {
        IPCLAB_RETURN_IF_ERROR(sys::WaitEventFd(event_fd).status());
      }
      ready = refresh(std::memory_order_acquire);
    }
    waiting->store(0, std::memory_order_relaxed);
    if (ready) return absl::OkStatus();
  }
}

absl::Status ShmRing::WaitForData() {
  // head_ == tail_ on entry: the ring was empty at the last look.
  return WaitFor(
      [this](std::memory_order order) {
        head_ = header_->head.load(order);
        return head_ != tail_;
      },
      &header_->consumer_waiting, &header_->data_seq, events_.data);
}

absl::Status ShmRing::WaitForSpace() {
  // head_ - tail_ == capacity_ on entry: the ring was full at the last look.
  return WaitFor(
      [this](std::memory_order order) {
        tail_ = header_->tail.load(order);
        return head_ - tail_ != capacity_;
      },
      &header_->producer_waiting, &header_->space_seq, events_.space);
}

// Publishes this side's new `index` and wakes the other side if it announced
// itself in `waiting`: through `seq` (futex) or `event_fd`.
absl::Status ShmRing::Announce(std::atomic<uint64_t>* index, uint64_t value,
                               std::atomic<uint32_t>* waiting, std::atomic<uint32_t>* seq,
                               int event_fd) {
  if (sync_ == RingSync::kSpin) {
    index->store(value, std::memory_order_release);
    return absl::OkStatus();
  }
  index->store(value, std::memory_order_seq_cst);
  if (waiting->load(std::memory_order_seq_cst) == 0) return absl::OkStatus();
  if (sync_ == RingSync::kFutex) {
    seq->fetch_add(1, std::memory_order_seq_cst);
    FutexWake(seq);
    return absl::OkStatus();
  }
  return sys::SignalEventFd(event_fd);
}

absl::Status ShmRing::Published() {
  return Announce(&header_->head, head_, &header_->consumer_waiting, &header_->data_seq,
                  events_.data);
}

absl::Status ShmRing::Consumed() {
  // Woken at once, not when more space is free: on one CPU the woken
  // producer preempts the consumer and refills the ring, so the consumer
  // finds it full and never sleeps; waiting for half the ring instead lets
  // the consumer drain it, sleep, and then be woken for every message
  // (measured: 3x the context switches, 20% less throughput at 64 KiB).
  return Announce(&header_->tail, tail_, &header_->producer_waiting, &header_->space_seq,
                  events_.space);
}

absl::Status ShmRing::Write(const char* source, size_t size) {
  while (size > 0) {
    const size_t want = std::min({size, capacity_ - offset_, kMaxChunk});
    size_t free = capacity_ - (head_ - tail_);
    if (free < want) {
      tail_ = header_->tail.load(std::memory_order_acquire);
      free = capacity_ - (head_ - tail_);
      if (free == 0) {
        IPCLAB_RETURN_IF_ERROR(WaitForSpace());
        free = capacity_ - (head_ - tail_);
      }
    }
    const size_t chunk = std::min(want, free);
    std::memcpy(data_ + offset_, source, chunk);
    source += chunk;
    size -= chunk;
    head_ += chunk;
    offset_ += chunk;
    if (offset_ == capacity_) offset_ = 0;
    IPCLAB_RETURN_IF_ERROR(Published());
  }
  return absl::OkStatus();
}

absl::Status ShmRing::Read(char* destination, size_t size) {
  while (size > 0) {
    const size_t want = std::min({size, capacity_ - offset_, kMaxChunk});
    size_t available = head_ - tail_;
    if (available < want) {
      head_ = header_->head.load(std::memory_order_acquire);
      available = head_ - tail_;
      if (available == 0) {
        IPCLAB_RETURN_IF_ERROR(WaitForData());
        available = head_ - tail_;
      }
    }
    const size_t chunk = std::min(want, available);
    std::memcpy(destination, data_ + offset_, chunk);
    destination += chunk;
    size -= chunk;
    tail_ += chunk;
    offset_ += chunk;
    if (offset_ == capacity_) offset_ = 0;
    IPCLAB_RETURN_IF_ERROR(Consumed());
  }
  return absl::OkStatus();
}

}  // namespace ipclab::workloads
