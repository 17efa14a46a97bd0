#include "client/suggest.h"

#include "gtest/gtest.h"

namespace ipclab::client {
namespace {

const std::vector<std::string> kCommands = {"list",    "host",    "doctor", "run",    "health",
                                            "results", "compare", "gate",   "report", "version"};

TEST(EditDistance, CountsSwapsOnce) {
  EXPECT_EQ(EditDistance("rnu", "run"), 1u);
  EXPECT_EQ(EditDistance("run", "run"), 0u);
  EXPECT_EQ(EditDistance("", "abc"), 3u);
  EXPECT_EQ(EditDistance("shm_posx", "shm_posix"), 1u);
  EXPECT_EQ(EditDistance("PIPE", "pipe"), 0u);
}

TEST(ClosestMatch, SuggestsOnlyWhatIsClose) {
  EXPECT_EQ(ClosestMatch("rnu", kCommands), "run");
  EXPECT_EQ(ClosestMatch("lsit", kCommands), "list");
  EXPECT_EQ(ClosestMatch("--repetiton", {"--repetitions", "--warmup"}), "--repetitions");
  EXPECT_EQ(ClosestMatch("frobnicate", kCommands), std::nullopt);
  EXPECT_EQ(ClosestMatch("xyz", kCommands), std::nullopt);
  // A unique prefix of at least three characters.
  EXPECT_EQ(ClosestMatch("mess", {"message_size", "mode"}), "message_size");
}

TEST(DidYouMean, ReadsAsASentenceTail) {
  EXPECT_EQ(DidYouMean("rnu", kCommands), " (did you mean \"run\"?)");
  EXPECT_EQ(DidYouMean("frobnicate", kCommands), "");
}

}  // namespace
}  // namespace ipclab::client
