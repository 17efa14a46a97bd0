// MemoryRegion: each option does what the huge_pages/populate/shared
// parameters promise, measured with the probes.
#include "workloads/memory_region.h"

#include <fcntl.h>
#include <unistd.h>

#include <cstdint>

#include "absl/strings/match.h"
#include "base/fd.h"
#include "gtest/gtest.h"
#include "workloads/hugepages.h"
#include "workloads/probes.h"

namespace ipclab::workloads {
namespace {

constexpr size_t kSize = size_t{8} << 20;

TEST(HugePagesParameter, ParsesTheCatalogValues) {
  for (const char* name : kHugePagesValues) {
    absl::StatusOr<HugePages> parsed = ParseHugePages(name);
    ASSERT_TRUE(parsed.ok()) << name;
    EXPECT_STREQ(HugePagesName(*parsed), name);
  }
  EXPECT_EQ(ParseHugePages("huge").status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(HugetlbPageSize(HugePages::kHugetlb), kHugePage2MiB);
  EXPECT_EQ(HugetlbPageSize(HugePages::kHugetlb1G), kHugePage1GiB);
  EXPECT_EQ(HugetlbPageSize(HugePages::kThp), 0u);
  EXPECT_EQ(RegionSizeMultiple(HugePages::kThp), 4096u);
}

TEST(ValidateRegionSize, NamesTheParameterTheValueAndTheRule) {
  EXPECT_TRUE(ValidateRegionSize("ring_bytes", 6 << 20, HugePages::kHugetlb).ok());
  const absl::Status status = ValidateRegionSize("ring_bytes", 3 << 20, HugePages::kHugetlb);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(status.message(),
            "parameter ring_bytes=3MiB is not a multiple of 2MiB, which huge_pages=hugetlb needs "
            "(the region is made of whole 2 MiB pages)");
  EXPECT_EQ(ValidateRegionSize("region_bytes", 5000, HugePages::kNone).message(),
            "parameter region_bytes=5000 is not a multiple of the page size (4096)");
}

TEST(MemoryRegion, ThpRegionStartsOnA2MiBBoundary) {
  for (int attempt = 0; attempt < 4; ++attempt) {  // whatever the kernel picks
    RegionOptions options;
    options.huge_pages = HugePages::kThp;
    absl::StatusOr<MemoryRegion> region =
        MemoryRegion::Map(kSize + 4096 * attempt, options, "test");
    if (!region.ok() && region.status().code() == absl::StatusCode::kFailedPrecondition) {
      GTEST_SKIP() << region.status();
    }
    ASSERT_TRUE(region.ok()) << region.status();
    EXPECT_EQ(reinterpret_cast<uintptr_t>(region->data()) % kHugePage2MiB, 0u);
    WriteEveryPage(region->data(), region->size());
  }
}

TEST(MemoryRegion, PopulateFaultsEveryPageInBeforeItReturns) {
  RegionOptions options;
  options.populate = true;
  (void)ReadCountersSelf();
  const CounterSample before = ReadCountersSelf();
  absl::StatusOr<MemoryRegion> region = MemoryRegion::Map(kSize, options, "test");
  const CounterSample after = ReadCountersSelf();
  ASSERT_TRUE(region.ok()) << region.status();
  const double pages = static_cast<double>(kSize / 4096);
  EXPECT_NEAR(static_cast<double>(after.minor_faults - before.minor_faults), pages,
              pages * 0.01 + 4);
  const CounterSample touch_before = ReadCountersSelf();
  WriteEveryPage(region->data(), region->size());
  const CounterSample touch_after = ReadCountersSelf();
  EXPECT_LE(touch_after.minor_faults - touch_before.minor_faults, 4u);
}

// A private file mapping: populate write-faults it, as MAP_POPULATE does, so
// every page becomes an anonymous copy.
TEST(MemoryRegion, PrivateFilePopulateMakesAnonymousCopies) {
  base::Fd file(::open("/dev/shm", O_TMPFILE | O_RDWR | O_CLOEXEC, 0600));
  if (!file.valid()) GTEST_SKIP() << "no O_TMPFILE on /dev/shm";
  ASSERT_EQ(::ftruncate(file.get(), kSize), 0);
  RegionOptions options;
  options.fd = file.get();
  options.populate = true;
  MemorySample before, after;
  ASSERT_TRUE(ReadMemory(0, &before).ok());
  ASSERT_TRUE(ReadMemory(0, &before).ok());
  absl::StatusOr<MemoryRegion> region = MemoryRegion::Map(kSize, options, "test");
  ASSERT_TRUE(region.ok()) << region.status();
  ASSERT_TRUE(ReadMemory(0, &after).ok());
  EXPECT_NEAR(static_cast<double>(after.rss_anon) - static_cast<double>(before.rss_anon),
              static_cast<double>(kSize), kSize * 0.01 + (256 << 10));
}

TEST(MemoryRegion, ResetUnmapsAndMovesTransferOwnership) {
  absl::StatusOr<MemoryRegion> region = MemoryRegion::Map(kSize, RegionOptions(), "test");
  ASSERT_TRUE(region.ok());
  MemoryRegion moved = std::move(*region);
  EXPECT_EQ(region->data(), nullptr);
  EXPECT_EQ(moved.size(), kSize);
  moved.Reset();
  EXPECT_EQ(moved.data(), nullptr);
  EXPECT_EQ(moved.size(), 0u);
}

}  // namespace
}  // namespace ipclab::workloads
