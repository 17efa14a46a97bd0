// ShmRing on its own: two threads of one process share an anonymous
// MAP_SHARED region (the futex words are process-shared ones, which work
// within a process too), odd sizes, every sync mode, content checked.
#include "workloads/shm_ring.h"

#include <sys/mman.h>

#include <cstddef>
#include <cstring>
#include <thread>
#include <vector>

#include "gtest/gtest.h"
#include "workloads/sys/event_fd.h"
#include "workloads/sys/mapping.h"

namespace ipclab::workloads {
namespace {

TEST(RingLayout, ProducerAndConsumerFieldsSitInSeparate128ByteBlocks) {
  // x86 prefetches line pairs: what each side writes must not share one.
  EXPECT_EQ(offsetof(RingHeader, head) / 128, offsetof(RingHeader, data_seq) / 128);
  EXPECT_EQ(offsetof(RingHeader, head) / 128, offsetof(RingHeader, producer_waiting) / 128);
  EXPECT_EQ(offsetof(RingHeader, tail) / 128, offsetof(RingHeader, space_seq) / 128);
  EXPECT_EQ(offsetof(RingHeader, tail) / 128, offsetof(RingHeader, consumer_waiting) / 128);
  EXPECT_NE(offsetof(RingHeader, head) / 128, offsetof(RingHeader, tail) / 128);
  RingLayout layout{4096, 1 << 20, 2};
  EXPECT_EQ(layout.bytes(), 4096u + (2u << 20));
  char* base = reinterpret_cast<char*>(0x10000);
  EXPECT_EQ(reinterpret_cast<char*>(layout.header(base, 1)) - base, 1024);
  EXPECT_EQ(layout.data(base, 1) - base, 4096 + (1 << 20));
}

TEST(RingSync, ParsesTheThreeModesAndNamesTheAllowedOnes) {
  EXPECT_EQ(ParseRingSync("futex").value(), RingSync::kFutex);
  EXPECT_EQ(ParseRingSync("spin").value(), RingSync::kSpin);
  EXPECT_EQ(ParseRingSync("eventfd").value(), RingSync::kEventfd);
  EXPECT_EQ(ParseRingSync("semaphore").status().message(),
            "parameter sync=semaphore is unknown; allowed: futex, spin, eventfd");
}

struct RingCase {
  RingSync sync;
  size_t capacity;
  size_t write_size;
  size_t read_size;
};

class ShmRingTest : public testing::TestWithParam<RingCase> {};

// Writes of one size and reads of another through a small ring: every byte
// arrives, in order, whatever the chunking and waiting.
TEST_P(ShmRingTest, MovesEveryByteInOrder) {
  const RingCase c = GetParam();
  const size_t total = (3 << 20) + 17;
  auto region = sys::Mapping::Map(4096 + c.capacity, PROT_READ | PROT_WRITE,
                                  MAP_SHARED | MAP_ANONYMOUS, -1, 0, "ring test");
  ASSERT_TRUE(region.ok()) << region.status();
  base::Fd data_event, space_event;
  RingEvents events;
  if (c.sync == RingSync::kEventfd) {
    data_event = sys::MakeEventFd().value();
    space_event = sys::MakeEventFd().value();
    events = RingEvents{data_event.get(), space_event.get()};
  }
  RingLayout layout{4096, c.capacity, 1};
  std::vector<char> source(total), received(total, 0);
  for (size_t i = 0; i < total; ++i) source[i] = static_cast<char>(i * 7 + (i >> 11));

  absl::Status write_status, read_status;
  std::thread producer([&] {
    ShmRing ring(layout.header(region->data(), 0), layout.data(region->data(), 0), c.capacity,
                 c.sync, events);
    for (size_t at = 0; at < total && write_status.ok(); at += c.write_size) {
      write_status = ring.Write(source.data() + at, std::min(c.write_size, total - at));
    }
  });
  ShmRing ring(layout.header(region->data(), 0), layout.data(region->data(), 0), c.capacity, c.sync,
               events);
  for (size_t at = 0; at < total && read_status.ok(); at += c.read_size) {
    read_status = ring.Read(received.data() + at, std::min(c.read_size, total - at));
  }
  producer.join();
  ASSERT_TRUE(write_status.ok()) << write_status;
  ASSERT_TRUE(read_status.ok()) << read_status;
  EXPECT_EQ(std::memcmp(source.data(), received.data(), total), 0);
}

INSTANTIATE_TEST_SUITE_P(Modes, ShmRingTest,
                         testing::Values(RingCase{RingSync::kFutex, 8192, 3000, 1000},
                                         RingCase{RingSync::kFutex, 4096, 7, 4096},
                                         RingCase{RingSync::kSpin, 8192, 5000, 777},
                                         RingCase{RingSync::kEventfd, 8192, 3000, 1000},
                                         RingCase{RingSync::kEventfd, 1 << 20, 1 << 20,
                                                  1 << 20},  // chunked publishing
                                         RingCase{RingSync::kFutex, 64 << 10, 1 << 20, 100000}));

TEST(EventFd, SignalsCoalesceIntoOneWakeUp) {
  base::Fd event = sys::MakeEventFd().value();
  ASSERT_TRUE(sys::SignalEventFd(event.get()).ok());
  ASSERT_TRUE(sys::SignalEventFd(event.get()).ok());
  EXPECT_EQ(sys::WaitEventFd(event.get()).value(), 2u) << "one read takes both signals";
  std::thread signaller([&] { (void)sys::SignalEventFd(event.get()); });
  EXPECT_EQ(sys::WaitEventFd(event.get()).value(), 1u) << "a read blocks until the next signal";
  signaller.join();
}

}  // namespace
}  // namespace ipclab::workloads
