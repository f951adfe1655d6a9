// list_all: paging, dedupe, drift, and when a listing may be called complete.
#include <set>

#include "client_fixture.hpp"

namespace eightsync::client_test {
namespace {

using core::scim_listing_end;
using core::scim_outcome;

std::set<std::string> ids_of(const core::scim_listing& l) {
  std::set<std::string> out;
  for (const auto& u : l.users)
    out.emplace(u.at("id").as_string());
  return out;
}

std::size_t list_requests(const std::vector<logged_request>& log) {
  std::size_t n = 0;
  for (const auto& e : log)
    n += e.method == "GET" && e.target.find("/Users?") != std::string::npos ? 1 : 0;
  return n;
}

class listing : public client_test {};

TEST_F(listing, PagesThroughEveryUserAndIsComplete) {
  start();
  const auto ids = seed_many(25);
  auto o = options();
  o.page_size = 10;
  const auto l = run(client(o).list_all());
  EXPECT_TRUE(l.complete);
  EXPECT_EQ(l.users.size(), 25u);
  EXPECT_EQ(ids_of(l), std::set<std::string>(ids.begin(), ids.end()));
  EXPECT_EQ(l.pages, 3u);
  EXPECT_EQ(l.requests, 3u);
  EXPECT_EQ(l.end, scim_listing_end::total_reached);
  EXPECT_EQ(l.first_total, 25u);
  EXPECT_GT(l.body_bytes, 0u);
}

TEST_F(listing, AdvancesByWhatTheServerReturnsWhenItCapsThePage) {
  start({"--max-page-size", "4"});
  seed_many(10);
  auto o = options();
  o.page_size = 100;  // the server gives 4 per page
  const auto l = run(client(o).list_all());
  EXPECT_TRUE(l.complete);
  EXPECT_EQ(l.users.size(), 10u);
  EXPECT_EQ(l.pages, 3u);
}

TEST_F(listing, EmptyAccountIsAnEmptyCompleteListing) {
  start();
  const auto l = run(client().list_all());
  EXPECT_TRUE(l.complete);
  EXPECT_TRUE(l.users.empty());
  EXPECT_EQ(l.pages, 1u);
  EXPECT_EQ(l.end, scim_listing_end::empty_page);
}

TEST_F(listing, DriftYieldsADeduplicatedListingFlaggedIncomplete) {
  // Two users inserted at the front before page 2 push page 1's tail onto page 2.
  start();
  const auto ids = seed_many(6);
  add_fault({{"kind", "drift"}, {"insert", 2}, {"next", 1}});
  auto o = options();
  o.page_size = 3;
  const auto l = run(client(o).list_all());
  EXPECT_FALSE(l.complete) << "totalResults changed between pages";
  EXPECT_TRUE(l.total_changed);
  EXPECT_EQ(l.users.size(), 6u);
  EXPECT_EQ(ids_of(l).size(), l.users.size()) << "no id twice";
  EXPECT_EQ(ids_of(l), std::set<std::string>(ids.begin(), ids.end()));
  EXPECT_EQ(l.duplicates, 2u);
}

TEST_F(listing, DriftByDeletionIsIncompleteToo) {
  start();
  seed_many(6);
  add_fault({{"kind", "drift"}, {"delete", 3}, {"next", 1}});
  auto o = options();
  o.page_size = 3;
  const auto l = run(client(o).list_all());
  EXPECT_FALSE(l.complete);
  EXPECT_EQ(l.users.size(), 3u) << "page 2 starts past the shrunken list";
  EXPECT_EQ(l.end, scim_listing_end::empty_page);
}

TEST_F(listing, ARepeatedFirstPageEndsTheListing) {
  // Inserting a page's worth of users at the front makes page 2 show page 1's users again, as a
  // server does that answers a past-the-end startIndex with page 1. The listing must stop there
  // instead of asking for more.
  start();
  seed_many(4);
  add_fault({{"kind", "drift"}, {"insert", 2}, {"next", 1}});
  auto o = options();
  o.page_size = 2;
  const auto l = run(client(o).list_all());
  EXPECT_EQ(l.end, scim_listing_end::known_ids);
  EXPECT_FALSE(l.complete);
  EXPECT_EQ(l.users.size(), 2u);
  EXPECT_EQ(l.duplicates, 2u);
  EXPECT_EQ(l.pages, 2u);
  EXPECT_EQ(list_requests(log()), 2u) << "no third page was asked for";
}

// Against a server that answers a past-the-end startIndex with page 1 again (--past-end
// first-page): a normal listing never asks past the end, so nothing changes.
TEST_F(listing, AServerThatRepeatsPageOneListsAsAnyOther) {
  start({"--past-end", "first-page"});
  const auto ids = seed_many(25);
  auto o = options();
  o.page_size = 10;
  const auto l = run(client(o).list_all());
  EXPECT_TRUE(l.complete);
  EXPECT_EQ(ids_of(l), std::set<std::string>(ids.begin(), ids.end()));
  EXPECT_EQ(l.requests, 3u);
  EXPECT_EQ(l.end, scim_listing_end::total_reached);
}

// Users deleted while the listing runs push the next startIndex past the end; such a server then
// answers page 1. The listing takes what it has not seen, stops, and is not complete: nobody is
// taken as gone from it, and no page is asked for twice.
TEST_F(listing, AServerThatRepeatsPageOneAfterDeletionsEndsIncomplete) {
  start({"--past-end", "first-page"});
  seed_many(6);
  add_fault({{"kind", "drift"}, {"delete", 3}, {"next", 1}});
  auto o = options();
  o.page_size = 3;
  const auto l = run(client(o).list_all());
  EXPECT_FALSE(l.complete);
  EXPECT_TRUE(l.total_changed);
  EXPECT_EQ(ids_of(l).size(), l.users.size()) << "no id twice";
  EXPECT_EQ(list_requests(log()), 2u);
}

TEST_F(listing, AFailedPageFailsTheListing) {
  // The emulator's limit refuses page 2 with a Retry-After far beyond what one call waits.
  start({"--rate-limit", "1/60s"});
  seed_many(6);
  auto o = options();
  o.page_size = 3;
  const auto l = run(client(o).list_all());
  EXPECT_FALSE(l.complete);
  EXPECT_EQ(l.end, scim_listing_end::failed);
  EXPECT_EQ(l.last.outcome, scim_outcome::rate_limited);
  EXPECT_EQ(l.users.size(), 3u) << "what was read is kept, flagged incomplete";
  EXPECT_EQ(l.requests, 2u);
}

TEST_F(listing, OneKeepAliveConnectionCarriesEveryPage) {
  start();
  seed_many(30);
  auto o = options();
  o.page_size = 5;
  auto& c = client(o);
  const auto l = run(c.list_all());
  EXPECT_TRUE(l.complete);
  EXPECT_EQ(l.pages, 6u);
  EXPECT_EQ(c.connections_opened(), 1u);
}

}  // namespace
}  // namespace eightsync::client_test
