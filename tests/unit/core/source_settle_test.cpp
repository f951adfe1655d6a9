// settle_wait and look_at: an HR export is read only once it has stayed unchanged for
// source.settle, whatever triggered the cycle (manual clock; a real file for look_at).
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>

#include <unistd.h>

#include "core/source_settle.hpp"

namespace eightsync::core {
namespace {

using namespace std::chrono_literals;

const clock::time_point t0{std::chrono::seconds{1'704'067'200}};

export_look changed_at(clock::time_point t) {
  return {true, 1000, t};
}

TEST(source_settle, AnExportUnchangedForTheSettleTimeIsReadAtOnce) {
  EXPECT_EQ(settle_wait(changed_at(t0), t0 + 3s, 3s), 0s);
  EXPECT_EQ(settle_wait(changed_at(t0), t0 + 1h, 3s), 0s);
}

TEST(source_settle, AFreshlyChangedExportWaitsForWhatIsLeft) {
  EXPECT_EQ(settle_wait(changed_at(t0), t0, 3s), 3s);
  EXPECT_EQ(settle_wait(changed_at(t0), t0 + 1200ms, 3s), 1800ms);
}

TEST(source_settle, AChangeTimeAheadOfTheClockCountsAsNow) {
  // A clock stepped back, or a timestamp copied from a faster machine: a whole settle time, then
  // an unchanged second look is trusted (the service's loop), never a wait without end.
  EXPECT_EQ(settle_wait(changed_at(t0 + 24h), t0, 3s), 3s);
}

TEST(source_settle, AMissingExportOrNoSettleTimeDoesNotWait) {
  EXPECT_EQ(settle_wait(export_look{}, t0, 3s), 0s) << "the read says the file is missing";
  EXPECT_EQ(settle_wait(changed_at(t0), t0, 0s), 0s) << "source.settle: 0s reads at once";
}

TEST(source_settle, LookAtSeesSizeAndTheLaterOfModificationAndChangeTimes) {
  const auto file =
      std::filesystem::temp_directory_path() / ("eightsync-settle-" + std::to_string(::getpid()));
  { std::ofstream(file) << "employee_id\n1\n"; }
  const auto before = look_at(file);
  ASSERT_TRUE(before.exists);
  EXPECT_EQ(before.size, 14U);
  // An old modification time, as `cp -p` leaves it: the change time still says "just written".
  std::filesystem::last_write_time(file, std::filesystem::file_time_type::clock::now() - 24h);
  const auto after = look_at(file);
  EXPECT_GT(after.changed, std::chrono::system_clock::now() - 1h);
  EXPECT_GT(settle_wait(after, std::chrono::system_clock::now(), 1h), 0s)
      << "not settled: it changed a moment ago";
  { std::ofstream(file, std::ios::app) << "2\n"; }
  EXPECT_NE(look_at(file), after) << "a write is a change";
  std::filesystem::remove(file);
  EXPECT_FALSE(look_at(file).exists);
}

TEST(source_settle, AnExportIsReadyWhenItsMarkerIsNoOlderThanIt) {
  export_look exported{true, 1000, t0 + 5s, t0};
  export_look marker{true, 0, t0 + 5s, t0};
  EXPECT_TRUE(export_ready(exported, marker)) << "touched together";
  marker.modified = t0 + 1s;
  EXPECT_TRUE(export_ready(exported, marker)) << "touched after the export";
  marker.modified = t0 - 1s;
  EXPECT_FALSE(export_ready(exported, marker)) << "the marker of the previous export";
  EXPECT_FALSE(export_ready(exported, export_look{})) << "no marker yet";
}

}  // namespace
}  // namespace eightsync::core
