#include "daemon/cycle_options.hpp"

#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <string>

#include "config/config_loader.hpp"
#include "core/attribute.hpp"
#include "core/clock.hpp"
#include "core/sliding_window_rate_limiter.hpp"

namespace eightsync::daemon {
namespace {

using namespace std::chrono_literals;

config::eightsync_config example() {
  return config::load_config_file(std::filesystem::path(EIGHTSYNC_SOURCE_DIR) /
                                  "config/eightsync.example.yaml");
}

TEST(cycle_options, planner_options_carry_every_config_key_they_obey) {
  auto cfg = example();
  cfg.safety.max_creates = 7;
  cfg.safety.max_deactivation_percent = 2.5;
  cfg.leavers.missing_from_source = core::leaver_action::ignore;
  cfg.target.visibility = config::visibility_mode::idp_only;
  cfg.target.page_size = 250;
  cfg.target.max_snapshot_age = 5min;
  const auto now = core::clock::time_point{} + 1000h;
  const auto o = planner_options_from(cfg, now, true);
  EXPECT_EQ(o.now, now);
  EXPECT_TRUE(o.full_listing_requested);
  EXPECT_EQ(o.max_snapshot_age, 5min);
  EXPECT_EQ(o.match, cfg.match);
  EXPECT_EQ(o.create_only, cfg.mapping.create_only_mask());
  EXPECT_TRUE(o.create_only &
              (1U << static_cast<unsigned>(core::attribute::site)));  // example: create_only [site]
  EXPECT_TRUE(o.protect.matches("admin.jane@example.com"));
  EXPECT_FALSE(o.protect.matches("jane@example.com"));
  EXPECT_EQ(o.leavers, cfg.leavers) << "the leaver policy reaches the planner whole";
  EXPECT_EQ(o.leavers.missing_from_source, core::leaver_action::ignore);
  EXPECT_EQ(o.safety.max_creates, 7U);
  EXPECT_EQ(o.safety.max_deactivations, 10U);
  EXPECT_DOUBLE_EQ(o.safety.max_deactivation_percent, 2.5);
  EXPECT_EQ(o.safety.max_updates, 500U);
  EXPECT_DOUBLE_EQ(o.safety.max_source_shrink_percent, 10);
  EXPECT_DOUBLE_EQ(o.safety.min_listed_linked_percent, 50);
  EXPECT_FALSE(o.listing_shows_everyone);
  EXPECT_EQ(o.page_size, 250U);
}

TEST(cycle_options, client_options_carry_target_settings) {
  auto cfg = example();
  cfg.target.timeout = 12s;
  cfg.target.retry.attempts = 3;
  cfg.target.retry.max_pause = 20min;
  core::manual_clock clk;
  auto limiter = std::make_shared<core::sliding_window_rate_limiter>(10, 60s, clk);
  const auto o = client_options(cfg, core::secret_token("t"), limiter, nullptr, nullptr);
  EXPECT_EQ(o.base_url, cfg.target.url);
  EXPECT_EQ(o.token.reveal(), "t");
  EXPECT_EQ(o.timeout, 12s);
  EXPECT_EQ(o.page_size, 100U);
  EXPECT_EQ(o.retry.attempts, 3U);
  EXPECT_EQ(o.retry.base_delay, 1s);
  EXPECT_EQ(o.retry.max_delay, 60s);
  EXPECT_EQ(o.retry.max_pause, 20min);
  EXPECT_EQ(o.pacing_window, 60600ms) << "the window and its guard, 1% of it";
  EXPECT_FALSE(o.max_wait) << "only a command sets it";
  EXPECT_EQ(o.rate_limiter, limiter);
  EXPECT_EQ(o.user_agent.rfind("eightsync/", 0), 0U);
}

TEST(cycle_options, plan_rate_is_the_configured_rate) {
  auto cfg = example();
  cfg.target.rate_limit.requests = 25;
  cfg.target.rate_limit.per = 30s;
  const auto r = plan_rate_from(cfg);
  EXPECT_EQ(r.requests, 25U);
  EXPECT_EQ(r.per, 30s);
}

}  // namespace
}  // namespace eightsync::daemon

// ---- follow_export: a newer export, handed to a running cycle --------------------------------

namespace eightsync::daemon {
namespace {

namespace fs = std::filesystem;

class follow_export_test : public ::testing::Test {
 protected:
  fs::path dir_ = fs::temp_directory_path() / ("eightsync-follow-test-" + std::to_string(::getpid()));
  fs::path file_ = dir_ / "hr.csv";
  config::eightsync_config cfg_ = example();
  core::manual_clock clk_;
  std::shared_ptr<core::export_look> seen_ = std::make_shared<core::export_look>();

  void SetUp() override {
    fs::create_directories(dir_);
    fs::copy_file(fs::path(EIGHTSYNC_SOURCE_DIR) / "config/examples/hr.csv", file_,
                  fs::copy_options::overwrite_existing);
    cfg_.source.path = file_;
    cfg_.source.settle = 3s;
    *seen_ = core::look_at(file_);  // as the cycle read it
  }
  void TearDown() override { fs::remove_all(dir_); }

  /// Rewrites the export with one title changed, 10 s after the last change; returns its look.
  core::export_look rewrite() {
    std::ifstream in(file_);
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    in.close();
    const auto at = text.find("Engineer");
    EXPECT_NE(at, std::string::npos);
    text.replace(at, 8, "Engineers");
    std::ofstream(file_, std::ios::trunc) << text;
    const auto t = fs::last_write_time(file_) + 10s;
    fs::last_write_time(file_, t);
    return core::look_at(file_);
  }
};

TEST_F(follow_export_test, HandsOverANewerExportOnceItHasSettled) {
  auto newer = follow_export(cfg_, file_, seen_, clk_);
  clk_.set(seen_->changed + 1h);
  EXPECT_FALSE(newer()) << "unchanged since the cycle read it";

  const auto look = rewrite();
  clk_.set(look.changed + 2s);
  EXPECT_FALSE(newer()) << "changed 2 s ago: not settled (source.settle 3 s)";
  clk_.set(look.changed + 3s);
  auto got = newer();
  ASSERT_TRUE(got);
  ASSERT_TRUE(*got) << (*got).error();
  EXPECT_EQ((*got)->source_sha256.size(), 64U);
  EXPECT_GT((*got)->mapped.users.size(), 0U);
  EXPECT_EQ(*seen_, look);
  EXPECT_FALSE(newer()) << "handed over once";
}

TEST_F(follow_export_test, WaitsForTheReadyMarker) {
  cfg_.source.ready_file = dir_ / "hr.ready";
  auto newer = follow_export(cfg_, file_, seen_, clk_);
  const auto look = rewrite();
  clk_.set(look.changed + 1h);
  EXPECT_FALSE(newer()) << "no marker";
  std::ofstream(*cfg_.source.ready_file) << "";
  fs::last_write_time(*cfg_.source.ready_file, fs::last_write_time(file_) - 1s);
  EXPECT_FALSE(newer()) << "a marker older than the export";
  fs::last_write_time(*cfg_.source.ready_file, fs::last_write_time(file_));
  EXPECT_TRUE(newer());
}

TEST_F(follow_export_test, AnExportThatCannotBeReadIsASentenceNamingIt) {
  auto newer = follow_export(cfg_, file_, seen_, clk_);
  std::ofstream(file_, std::ios::trunc) << "name,title\nAda,Engineer\n";  // no key column
  fs::last_write_time(file_, fs::last_write_time(file_) + 10s);
  clk_.set(core::look_at(file_).changed + 1h);
  auto got = newer();
  ASSERT_TRUE(got);
  ASSERT_FALSE(*got);
  EXPECT_NE((*got).error().find(file_.string()), std::string::npos) << (*got).error();
}

TEST_F(follow_export_test, AMissingFileIsNoNewerExport) {
  auto newer = follow_export(cfg_, file_, seen_, clk_);
  fs::remove(file_);
  clk_.set(seen_->changed + 1h);
  EXPECT_FALSE(newer()) << "mid-rename: the next look sees the new file";
}

}  // namespace
}  // namespace eightsync::daemon
