// Huge page pools, the shortage message and the reservation guard tests use.
#include "workloads/hugepages.h"

#include <thread>

#include "absl/strings/match.h"
#include "gtest/gtest.h"

namespace ipclab::workloads {
namespace {

TEST(HugePages, PoolDirAndSizeNames) {
  EXPECT_EQ(HugePagePoolDir(kHugePage2MiB), "/sys/kernel/mm/hugepages/hugepages-2048kB");
  EXPECT_EQ(HugePagePoolDir(kHugePage1GiB), "/sys/kernel/mm/hugepages/hugepages-1048576kB");
  EXPECT_EQ(HugePageSizeName(kHugePage2MiB), "2 MiB");
  EXPECT_EQ(HugePageSizeName(kHugePage1GiB), "1 GiB");
  EXPECT_EQ(HugePageSizeName(64 << 10), "64 KiB");
}

TEST(HugePages, ShortageMessageSaysHowManyAndHow) {
  HugePagePoolState pool;
  pool.page_size_bytes = kHugePage2MiB;
  pool.total_pages = 10;
  pool.free_pages = 6;
  pool.reserved_pages = 2;
  EXPECT_EQ(pool.available_pages(), 4u);
  EXPECT_EQ(HugePageShortageMessage(pool, 32, "page_fault region_bytes=64MiB huge_pages=hugetlb"),
            "page_fault region_bytes=64MiB huge_pages=hugetlb needs 32 free 2 MiB huge pages, but "
            "the pool has 4 available (nr_hugepages=10, free=6, reserved=2); reserve 28 more as "
            "root with: echo 38 > /sys/kernel/mm/hugepages/hugepages-2048kB/nr_hugepages (or: "
            "sysctl vm.nr_hugepages=38)");
  pool.page_size_bytes = kHugePage1GiB;
  pool.total_pages = pool.free_pages = pool.reserved_pages = 0;
  const std::string message = HugePageShortageMessage(pool, 2, "x");
  EXPECT_TRUE(absl::StrContains(
      message, "echo 2 > /sys/kernel/mm/hugepages/hugepages-1048576kB/nr_hugepages"))
      << message;
  EXPECT_TRUE(absl::StrContains(message, "hugepagesz=1G hugepages=2")) << message;
}

TEST(HugePages, MissingPoolIsAFailedPrecondition) {
  const absl::Status status = ReadHugePagePool(uint64_t{3} << 20).status();
  EXPECT_EQ(status.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_TRUE(absl::StrContains(status.message(), "hugepages-3072kB")) << status;
}

TEST(HugePages, ThpSettingsThatHonourMadvise) {
  EXPECT_TRUE(ThpHonorsMadvise("always"));
  EXPECT_TRUE(ThpHonorsMadvise("madvise"));
  EXPECT_FALSE(ThpHonorsMadvise("never"));
  EXPECT_FALSE(ThpHonorsMadvise(""));
  EXPECT_TRUE(ShmemThpHonorsMadvise("advise"));
  EXPECT_TRUE(ShmemThpHonorsMadvise("within_size"));
  EXPECT_FALSE(ShmemThpHonorsMadvise("never"));
  EXPECT_FALSE(ShmemThpHonorsMadvise("deny"));
}

// The guard gives back exactly what it added, on Release and on destruction,
// and holds the pool for itself meanwhile.
TEST(HugePageReservation, GivesBackExactlyWhatItAdded) {
  absl::StatusOr<HugePageReservation> first = HugePageReservation::Ensure(kHugePage2MiB, 0);
  if (!first.ok()) GTEST_SKIP() << "cannot use the huge page pool: " << first.status();
  const HugePagePoolState before = ReadHugePagePool(kHugePage2MiB).value();
  ASSERT_TRUE(first->Release().ok());  // Ensure(.., 0) changed nothing
  EXPECT_EQ(ReadHugePagePool(kHugePage2MiB).value().total_pages, before.total_pages);
  {
    absl::StatusOr<HugePageReservation> guard =
        HugePageReservation::Ensure(kHugePage2MiB, before.available_pages() + 3);
    if (!guard.ok()) GTEST_SKIP() << "cannot reserve huge pages: " << guard.status();
    EXPECT_EQ(guard->added_pages(), 3u);
    const HugePagePoolState during = ReadHugePagePool(kHugePage2MiB).value();
    EXPECT_EQ(during.total_pages, before.total_pages + 3);
    EXPECT_GE(during.available_pages(), before.available_pages() + 3);
    // A second guard waits for the first: with a short wait it gives up.
    const absl::Status second =
        HugePageReservation::Ensure(kHugePage2MiB, 0, std::chrono::seconds(0)).status();
    EXPECT_EQ(second.code(), absl::StatusCode::kDeadlineExceeded) << second;
  }
  EXPECT_EQ(ReadHugePagePool(kHugePage2MiB).value().total_pages, before.total_pages);
  // The lock went with the guard.
  EXPECT_TRUE(HugePageReservation::Ensure(kHugePage2MiB, 0, std::chrono::seconds(0)).ok());
}

}  // namespace
}  // namespace ipclab::workloads
