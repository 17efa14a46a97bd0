#include "client/interrupt.h"

#include <signal.h>

#include <chrono>
#include <thread>

#include "gtest/gtest.h"

namespace ipclab::client {
namespace {

bool WaitForInterrupted(const InterruptCanceller& canceller) {
  for (int i = 0; i < 1000; ++i) {
    if (canceller.interrupted()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return false;
}

TEST(InterruptCanceller, SigintIsSeenAndTheHandlerIsRestored) {
  struct sigaction before {};
  sigaction(SIGINT, nullptr, &before);
  {
    absl::StatusOr<std::unique_ptr<InterruptCanceller>> canceller = InterruptCanceller::Install();
    ASSERT_TRUE(canceller.ok()) << canceller.status();
    EXPECT_FALSE((*canceller)->interrupted());
    ASSERT_EQ(raise(SIGINT), 0);  // would kill the test without the handler
    EXPECT_TRUE(WaitForInterrupted(**canceller));
  }
  struct sigaction after {};
  sigaction(SIGINT, nullptr, &after);
  EXPECT_EQ(after.sa_handler, before.sa_handler);
}

TEST(InterruptCanceller, SigtermIsHandledTooAndTheFirstSignalIsKept) {
  absl::StatusOr<std::unique_ptr<InterruptCanceller>> canceller = InterruptCanceller::Install();
  ASSERT_TRUE(canceller.ok()) << canceller.status();
  EXPECT_EQ((*canceller)->signal_number(), 0);
  ASSERT_EQ(raise(SIGTERM), 0);  // would kill the test without the handler
  ASSERT_TRUE(WaitForInterrupted(**canceller));
  EXPECT_EQ((*canceller)->signal_number(), SIGTERM);
  (*canceller)->SimulateInterrupt();  // a later SIGINT does not overwrite it
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  EXPECT_EQ((*canceller)->signal_number(), SIGTERM);
}

TEST(InterruptCanceller, OnlyOneAtATime) {
  absl::StatusOr<std::unique_ptr<InterruptCanceller>> first = InterruptCanceller::Install();
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_EQ(InterruptCanceller::Install().status().code(), absl::StatusCode::kFailedPrecondition);
  first->reset();
  EXPECT_TRUE(InterruptCanceller::Install().ok());
}

TEST(InterruptCanceller, ContextRegisteredAfterTheSignalIsCancelledAtOnce) {
  absl::StatusOr<std::unique_ptr<InterruptCanceller>> canceller = InterruptCanceller::Install();
  ASSERT_TRUE(canceller.ok()) << canceller.status();
  (*canceller)->SimulateInterrupt();
  ASSERT_TRUE(WaitForInterrupted(**canceller));
  grpc::ClientContext context;
  ScopedCancellation cancellation(canceller->get(), &context);  // must not hang or crash
}

}  // namespace
}  // namespace ipclab::client
