#include "base/metric_names.h"

#include "gtest/gtest.h"

namespace ipclab::base {
namespace {

TEST(MetricName, PhaseAndRoleNames) {
  EXPECT_EQ(MetricName("steady", "wall_ns"), "steady.wall_ns");
  EXPECT_EQ(MetricName("steady", "producer", "minor_faults"), "steady.producer.minor_faults");
}

}  // namespace
}  // namespace ipclab::base
