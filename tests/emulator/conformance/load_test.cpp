// 100,000 users through the seed endpoint, listed in pages of 1,000. Prints the timings.
#include <chrono>
#include <iostream>
#include <unordered_set>
#include <vector>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "emulator_test.hpp"

namespace eightsync::emulator::test {
namespace {

namespace json = boost::json;

class load : public emulator_test {};

TEST_F(load, Seed100kUsersAndListThemInPagesOf1000) {
  constexpr int total = 100'000;
  constexpr int batches = 4;
  constexpr int page = 1'000;
  start({"--max-page-size", "1000"});

  using clock = std::chrono::steady_clock;
  // Build the request bodies first: the timing is for the emulator, not for this test's JSON.
  std::vector<std::string> bodies;
  for (int b = 0; b < batches; ++b) {
    json::array users;
    users.reserve(total / batches);
    for (int i = b * (total / batches); i < (b + 1) * (total / batches); ++i) {
      const std::string n = std::to_string(i);
      auto u = user("user" + n + "@load.example.com", "Given" + n, "Family" + n);
      u["externalId"] = "HR-" + n;
      u["title"] = "Engineer";
      u["urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"] =
          json::object{{"department", "Dept " + n}};
      users.push_back(std::move(u));
    }
    bodies.push_back(json::serialize(users));
  }
  const auto seed_start = clock::now();
  for (auto& body : bodies) {
    const auto r =
        admin().request("POST", "/_emulator/users", std::move(body), {{"Content-Type", "application/json"}});
    ASSERT_EQ(r.status, 201u) << r.body.substr(0, 300);
  }
  const auto seed_ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(clock::now() - seed_start).count();

  const auto list_start = clock::now();
  std::unordered_set<std::string> seen;
  seen.reserve(total);
  int requests = 0;
  std::int64_t total_results = -1;
  for (int start_index = 1; start_index <= total; start_index += page) {
    const auto r = scim().get("/scim/v2/Users?startIndex=" + std::to_string(start_index) +
                              "&count=" + std::to_string(page));
    ++requests;
    ASSERT_EQ(r.status, 200u);
    const auto body = json::parse(r.body).as_object();
    total_results = body.at("totalResults").as_int64();
    ASSERT_EQ(body.at("itemsPerPage").as_int64(), page);
    for (const auto& u : body.at("Resources").as_array()) {
      ASSERT_TRUE(seen.insert(std::string(u.at("id").as_string())).second) << "id seen twice";
    }
  }
  const auto list_ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(clock::now() - list_start).count();

  EXPECT_EQ(total_results, total);
  EXPECT_EQ(seen.size(), static_cast<std::size_t>(total));
  EXPECT_EQ(requests, total / page);
  std::cout << "\n[emulator-100k] seeded " << total << " users in " << batches << " POSTs: " << seed_ms
            << " ms\n"
            << "[emulator-100k] listed " << total << " users in " << requests << " pages of " << page << ": "
            << list_ms << " ms (client parsing included)\n"
            << std::flush;
  RecordProperty("seed_100k_ms", std::to_string(seed_ms));
  RecordProperty("list_100k_ms", std::to_string(list_ms));
}

}  // namespace
}  // namespace eightsync::emulator::test
