// list_all(on_page): each page's new users handed over as it arrives, with the same dedupe,
// end and `complete` rules as the collecting list_all().
#include <set>
#include <stdexcept>
#include <vector>

#include "client_fixture.hpp"

namespace eightsync::client_test {
namespace {

using core::scim_listing_end;
using core::scim_outcome;

// What a sink saw: the size of each page handed over, and every id.
struct sink_record {
  std::vector<std::size_t> page_sizes;
  std::vector<std::string> ids;

  core::scim_page_sink sink() {
    return [this](std::vector<boost::json::object>&& users) {
      page_sizes.push_back(users.size());
      for (const auto& u : users)
        ids.emplace_back(u.at("id").as_string());
    };
  }
};

class page_sink : public client_test {};

TEST_F(page_sink, HandsOverEachPageAndKeepsNone) {
  start();
  const auto seeded = seed_many(25);
  auto o = options();
  o.page_size = 10;
  sink_record rec;
  const auto l = run(client(o).list_all(rec.sink()));
  EXPECT_TRUE(l.complete);
  EXPECT_TRUE(l.users.empty()) << "the sink has them";
  EXPECT_EQ(l.user_count, 25u);
  EXPECT_EQ(rec.page_sizes, (std::vector<std::size_t>{10, 10, 5}));
  EXPECT_EQ(std::set<std::string>(rec.ids.begin(), rec.ids.end()),
            std::set<std::string>(seeded.begin(), seeded.end()));
  EXPECT_EQ(l.pages, 3u);
  EXPECT_EQ(l.requests, 3u);
  EXPECT_EQ(l.end, scim_listing_end::total_reached);
}

TEST_F(page_sink, SameUsersInTheSameOrderAsTheCollectingListing) {
  start();
  seed_many(12);
  auto o = options();
  o.page_size = 5;
  const auto collected = run(client(o).list_all());
  sink_record rec;
  const auto streamed = run(client(o).list_all(rec.sink()));
  std::vector<std::string> ids;
  for (const auto& u : collected.users)
    ids.emplace_back(u.at("id").as_string());
  EXPECT_EQ(rec.ids, ids);
  EXPECT_EQ(collected.user_count, collected.users.size());
  EXPECT_EQ(streamed.user_count, collected.user_count);
  EXPECT_EQ(streamed.complete, collected.complete);
}

TEST_F(page_sink, DriftIsDeduplicatedAcrossPagesAndFlaggedIncomplete) {
  start();
  const auto seeded = seed_many(6);
  add_fault({{"kind", "drift"}, {"insert", 2}, {"next", 1}});
  auto o = options();
  o.page_size = 3;
  sink_record rec;
  const auto l = run(client(o).list_all(rec.sink()));
  EXPECT_FALSE(l.complete);
  EXPECT_TRUE(l.total_changed);
  EXPECT_EQ(l.duplicates, 2u);
  EXPECT_EQ(l.user_count, 6u);
  EXPECT_EQ(rec.ids.size(), 6u);
  EXPECT_EQ(std::set<std::string>(rec.ids.begin(), rec.ids.end()),
            std::set<std::string>(seeded.begin(), seeded.end()))
      << "no id handed over twice";
}

TEST_F(page_sink, AFailedPageKeepsWhatWasHandedOver) {
  start({"--rate-limit", "1/60s"});
  seed_many(6);
  auto o = options();
  o.page_size = 3;
  sink_record rec;
  const auto l = run(client(o).list_all(rec.sink()));
  EXPECT_FALSE(l.complete);
  EXPECT_EQ(l.end, scim_listing_end::failed);
  EXPECT_EQ(l.last.outcome, scim_outcome::rate_limited);
  EXPECT_EQ(rec.page_sizes, (std::vector<std::size_t>{3}));
  EXPECT_EQ(l.user_count, 3u);
}

TEST_F(page_sink, AnExceptionFromTheSinkEndsTheCallAndFreesTheClient) {
  start();
  seed_many(4);
  auto o = options();
  o.page_size = 2;
  auto& c = client(o);
  EXPECT_THROW(run(c.list_all([](std::vector<boost::json::object>&&) { throw std::runtime_error("full"); })),
               std::runtime_error);
  EXPECT_TRUE(run(c.list_all()).complete) << "the next call is allowed";
}

}  // namespace
}  // namespace eightsync::client_test
