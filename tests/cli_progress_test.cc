// The progress line of long sweeps (cli/progress.h): drawn on a terminal
// only, after its delay, and erased at the end.

#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include "cli/progress.h"

namespace trustcheck::cli {
namespace {

TEST(ProgressLine, DrawsAfterTheDelayAndErasesAtTheEnd) {
  ::testing::internal::CaptureStderr();
  {
    ProgressLine line(true, std::chrono::milliseconds(0));
    auto update = line.Callback("loading");
    ASSERT_TRUE(update);
    update(1, 3);
    update(3, 3);  // the last one is always drawn
    line.Finish();
  }
  EXPECT_EQ(::testing::internal::GetCapturedStderr(),
            "\r\033[Ktrustcheck: loading 1 of 3 files\r\033[Ktrustcheck: loading 3 of 3 files\r\033[K");
}

TEST(ProgressLine, QuietBeforeTheDelayAndOffATerminal) {
  ::testing::internal::CaptureStderr();
  {
    ProgressLine slow(true, std::chrono::hours(1));
    slow.Callback("loading")(1, 2);
    ProgressLine off(false, std::chrono::milliseconds(0));
    EXPECT_FALSE(off.Callback("loading"));
  }
  EXPECT_EQ(::testing::internal::GetCapturedStderr(), "");
  EXPECT_EQ(ProgressText("loading", 1, 1), "trustcheck: loading 1 of 1 file");
}

}  // namespace
}  // namespace trustcheck::cli
