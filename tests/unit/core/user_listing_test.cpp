// list_all_users' limits (issue 13, finding 4): a listing that claims a huge account or keeps
// inventing ids stops, incomplete, instead of paging (and growing) forever.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include <boost/json.hpp>

#include "core/clock.hpp"
#include "core/user_listing.hpp"
#include "unit/core/engine_test_support.hpp"

namespace eightsync::core::engine_test {
namespace {

namespace json = boost::json;
using namespace std::chrono_literals;

// A server whose listing never ends: every page holds `count` new ids and claims `total`;
// each page advances `clk` by `per_page`.
class endless_port final : public scim_port {
 public:
  endless_port(std::uint64_t total, manual_clock& clk, clock::duration per_page)
      : total_(total), clk_(clk), per_page_(per_page) {}

  boost::asio::awaitable<scim_result> list_page(std::size_t start_index, std::size_t count) override {
    ++pages_;
    clk_.advance(per_page_);
    json::array resources;
    for (std::size_t i = 0; i < count; ++i)
      resources.push_back(json::object{{"id", "e" + std::to_string(++served_)}, {"userName", "x"}});
    scim_result r;
    r.outcome = scim_outcome::ok;
    r.status = 200;
    r.attempts = 1;
    r.resource =
        json::object{{"totalResults", total_}, {"startIndex", start_index}, {"Resources", resources}};
    co_return r;
  }
  boost::asio::awaitable<scim_result> get(std::string) override { co_return scim_result{}; }
  boost::asio::awaitable<scim_result> find_by_user_name(std::string) override { co_return scim_result{}; }
  boost::asio::awaitable<scim_result> create(json::object) override { co_return scim_result{}; }
  boost::asio::awaitable<scim_replace_result> replace(std::string, json::object) override {
    co_return scim_replace_result{};
  }
  boost::asio::awaitable<scim_result> set_active(std::string, bool) override { co_return scim_result{}; }
  const request_tally& tally() const noexcept override { return tally_; }

  std::size_t pages() const { return pages_; }

 private:
  std::uint64_t total_;
  manual_clock& clk_;
  clock::duration per_page_;
  std::size_t pages_ = 0;
  std::uint64_t served_ = 0;
  request_tally tally_;
};

scim_listing list(scim_port& port, std::size_t page_size, const listing_limits& limits, std::size_t& kept) {
  kept = 0;
  auto log = quiet_logger();
  return run_awaitable(list_all_users(
      port, page_size, [&](std::vector<json::object>&& page) { kept += page.size(); }, *log, limits));
}

TEST(user_listing, TheCapIsTheLargestOfItsThreeTerms) {
  listing_limits l;
  EXPECT_EQ(listing_user_cap(l, std::nullopt), 10'000U) << "the floor";
  EXPECT_EQ(listing_user_cap(l, 500), 10'000U);
  EXPECT_EQ(listing_user_cap(l, 50'000), 55'000U) << "1.1 x totalResults";
  l.last_complete_users = 40'000;
  EXPECT_EQ(listing_user_cap(l, 50'000), 80'000U) << "2 x the last complete listing";
}

TEST(user_listing, AnImplausibleClaimDoesNotRaiseTheCap) {
  listing_limits l;
  EXPECT_EQ(listing_user_cap(l, 1'000'000'000'000ULL), 1'100'000U) << "10 x max(known, 100,000), plus 10%";
  l.known_users = 300'000;
  EXPECT_EQ(listing_user_cap(l, 1'000'000'000'000ULL), 3'300'000U);
  EXPECT_EQ(listing_user_cap(l, 250'000), 275'000U) << "a plausible claim counts in full";
}

TEST(user_listing, NewIdsPastASmallClaimEndTheListingIncomplete) {
  manual_clock clk;
  endless_port port(500, clk, 0s);
  std::size_t kept = 0;
  const auto l = list(port, 1000, listing_limits{}, kept);
  EXPECT_EQ(l.end, scim_listing_end::total_reached) << "the claim is reached after the first page";
  EXPECT_FALSE(l.complete) << "1,000 ids for a claim of 500";
  EXPECT_EQ(port.pages(), 1U);
}

TEST(user_listing, AHugeClaimStopsAtTheClaimCeiling) {
  manual_clock clk;
  endless_port port(1'000'000'000'000ULL, clk, 0s);
  listing_limits limits;
  limits.known_users = 1'000;
  std::size_t kept = 0;
  const auto l = list(port, 1000, limits, kept);
  EXPECT_EQ(l.end, scim_listing_end::too_many_users);
  EXPECT_EQ(kept, 1'101'000U) << "the memory a listing may take is bounded";
}

TEST(user_listing, AListingStopsPastItsMaxDuration) {
  manual_clock clk;
  endless_port port(1'000'000'000'000ULL, clk, 6s);  // one page every 6 s: 10 requests a minute
  listing_limits limits;
  limits.max_duration = 1min;
  limits.clk = &clk;
  std::size_t kept = 0;
  const auto l = list(port, 100, limits, kept);
  EXPECT_EQ(l.end, scim_listing_end::too_long);
  EXPECT_FALSE(l.complete);
  EXPECT_EQ(port.pages(), 11U) << "the page that passed the minute is the last";
}

TEST(user_listing, NoDurationLimitUnlessConfigured) {
  manual_clock clk;
  endless_port port(1'000'000'000'000ULL, clk, 1h);
  listing_limits limits;
  limits.clk = &clk;  // a clock, but no max_duration
  std::size_t kept = 0;
  const auto l = list(port, 10'000, limits, kept);
  EXPECT_EQ(l.end, scim_listing_end::too_many_users) << "only the count limit stopped it, after 111 hours";
}

TEST(user_listing, ACompleteListingIsUntouchedByTheLimits) {
  scripted_port port;
  for (int i = 0; i < 30; ++i)
    port.add(json::object{{"id", "u" + std::to_string(i)}, {"userName", "u" + std::to_string(i)}});
  std::size_t kept = 0;
  const auto l = list(port, 7, listing_limits{}, kept);
  EXPECT_TRUE(l.complete);
  EXPECT_EQ(l.end, scim_listing_end::total_reached);
  EXPECT_EQ(kept, 30U);
}

}  // namespace
}  // namespace eightsync::core::engine_test
