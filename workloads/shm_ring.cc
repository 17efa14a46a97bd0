#include "workloads/shm_ring.h"

#include <linux/futex.h>
#include <sched.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>

#include "absl/strings/str_cat.h"

namespace ipclab::workloads {
namespace {

// A PAUSE takes ~40 ns on recent Xeons: yield after a few microseconds.
constexpr int kSpinsBeforeYield = 64;

inline void CpuRelax() { __builtin_ia32_pause(); }

void FutexWait(std::atomic<uint32_t>* word, uint32_t expected) {
  // Shared (not FUTEX_PRIVATE): the word lives in memory two processes map.
  ::syscall(SYS_futex, reinterpret_cast<uint32_t*>(word), FUTEX_WAIT, expected, nullptr, nullptr, 0);
}

void FutexWake(std::atomic<uint32_t>* word) {
  ::syscall(SYS_futex, reinterpret_cast<uint32_t*>(word), FUTEX_WAKE, 1, nullptr, nullptr, 0);
}

}  // namespace

absl::StatusOr<RingSync> ParseRingSync(absl::string_view text) {
  if (text == "futex") return RingSync::kFutex;
  if (text == "spin") return RingSync::kSpin;
  return absl::InvalidArgumentError(absl::StrCat("unknown sync \"", text, "\""));
}

void ShmRing::WaitForData(uint64_t tail) {
  if (sync_ == RingSync::kSpin) {
    for (int spins = 1; header_->head.load(std::memory_order_acquire) == tail; ++spins) {
      CpuRelax();
      if (spins % kSpinsBeforeYield == 0) ::sched_yield();
    }
    return;
  }
  while (header_->head.load(std::memory_order_acquire) == tail) {
    const uint32_t seq = header_->data_seq.load(std::memory_order_acquire);
    header_->consumer_waiting.store(1, std::memory_order_seq_cst);
    // Dekker pairing with Published(): either we see the new head here, or
    // the producer sees consumer_waiting and bumps data_seq before waking.
    if (header_->head.load(std::memory_order_seq_cst) != tail) {
      header_->consumer_waiting.store(0, std::memory_order_relaxed);
      return;
    }
    FutexWait(&header_->data_seq, seq);
    header_->consumer_waiting.store(0, std::memory_order_relaxed);
  }
}

void ShmRing::WaitForSpace(uint64_t head) {
  if (sync_ == RingSync::kSpin) {
    for (int spins = 1; head - header_->tail.load(std::memory_order_acquire) == capacity_; ++spins) {
      CpuRelax();
      if (spins % kSpinsBeforeYield == 0) ::sched_yield();
    }
    return;
  }
  while (head - header_->tail.load(std::memory_order_acquire) == capacity_) {
    const uint32_t seq = header_->space_seq.load(std::memory_order_acquire);
    header_->producer_waiting.store(1, std::memory_order_seq_cst);
    if (head - header_->tail.load(std::memory_order_seq_cst) != capacity_) {
      header_->producer_waiting.store(0, std::memory_order_relaxed);
      return;
    }
    FutexWait(&header_->space_seq, seq);
    header_->producer_waiting.store(0, std::memory_order_relaxed);
  }
}

void ShmRing::Published() {
  if (sync_ == RingSync::kFutex &&
      header_->consumer_waiting.load(std::memory_order_seq_cst) != 0) {
    header_->data_seq.fetch_add(1, std::memory_order_seq_cst);
    FutexWake(&header_->data_seq);
  }
}

void ShmRing::Consumed() {
  if (sync_ == RingSync::kFutex &&
      header_->producer_waiting.load(std::memory_order_seq_cst) != 0) {
    header_->space_seq.fetch_add(1, std::memory_order_seq_cst);
    FutexWake(&header_->space_seq);
  }
}

void ShmRing::Write(const char* source, size_t size) {
  // Only this process writes head, so a relaxed read of it is exact.
  uint64_t head = header_->head.load(std::memory_order_relaxed);
  while (size > 0) {
    uint64_t tail = header_->tail.load(std::memory_order_acquire);
    if (head - tail == capacity_) {
      WaitForSpace(head);
      tail = header_->tail.load(std::memory_order_acquire);
    }
    const size_t offset = head % capacity_;
    const size_t chunk = std::min({size, static_cast<size_t>(capacity_ - (head - tail)),
                                   capacity_ - offset});
    std::memcpy(data_ + offset, source, chunk);
    source += chunk;
    size -= chunk;
    head += chunk;
    header_->head.store(head, sync_ == RingSync::kFutex ? std::memory_order_seq_cst
                                                        : std::memory_order_release);
    Published();
  }
}

void ShmRing::Read(char* destination, size_t size) {
  uint64_t tail = header_->tail.load(std::memory_order_relaxed);
  while (size > 0) {
    uint64_t head = header_->head.load(std::memory_order_acquire);
    if (head == tail) {
      WaitForData(tail);
      head = header_->head.load(std::memory_order_acquire);
    }
    const size_t offset = tail % capacity_;
    const size_t chunk = std::min({size, static_cast<size_t>(head - tail), capacity_ - offset});
    std::memcpy(destination, data_ + offset, chunk);
    destination += chunk;
    size -= chunk;
    tail += chunk;
    header_->tail.store(tail, sync_ == RingSync::kFutex ? std::memory_order_seq_cst
                                                        : std::memory_order_release);
    Consumed();
  }
}

}  // namespace ipclab::workloads
