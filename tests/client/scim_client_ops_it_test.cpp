// The calls themselves: lookups with awkward names, create, replace (and its answer check),
// set_active, and the 4xx outcomes.
#include "client_fixture.hpp"

namespace eightsync::client_test {
namespace {

namespace json = boost::json;
using core::scim_outcome;

constexpr std::string_view site_urn = "urn:ietf:params:scim:schemas:extension:8x8:1.1:User";

class ops : public client_test {};

TEST_F(ops, FindByUserNameEscapesTheFilterValue) {
  start();
  // A quote, a backslash, '+', '&' and '=' must survive JSON escaping and percent-encoding.
  const std::string tricky = R"(o"brien+x&y=z\w@example.com)";
  const auto ids = seed(json::array{user("plain@example.com"), user(tricky)});
  auto& c = client();
  const auto r = run(c.find_by_user_name(tricky));
  ASSERT_EQ(r.outcome, scim_outcome::ok) << r.detail;
  EXPECT_EQ(r.resource->at("id").as_string(), ids[1]);
  EXPECT_EQ(r.resource->at("userName").as_string(), tricky);
  const auto none = run(c.find_by_user_name("nobody@example.com"));
  EXPECT_EQ(none.outcome, scim_outcome::not_found);
  EXPECT_EQ(none.status, 200u);
}

TEST_F(ops, CreateReturnsTheUserWithItsId) {
  start();
  auto& c = client();
  const auto r = run(c.create(user("new@example.com")));
  ASSERT_EQ(r.outcome, scim_outcome::ok) << r.detail;
  EXPECT_EQ(r.status, 201u);
  const std::string id(r.resource->at("id").as_string());
  EXPECT_FALSE(id.empty());
  const auto g = run(c.get(id));
  ASSERT_EQ(g.outcome, scim_outcome::ok);
  EXPECT_EQ(g.resource->at("userName").as_string(), "new@example.com");
}

// The 201 is what eightsync checks after creating someone inactive before their start date: it
// must show the active state 8x8 gave the user, honoured or not.
TEST_F(ops, CreateAnswersTheActiveStateTheUserGot) {
  start();
  json::object inactive = user("inactive@example.com");
  inactive["active"] = false;
  const auto r = run(client().create(inactive));
  ASSERT_EQ(r.outcome, scim_outcome::ok) << r.detail;
  EXPECT_FALSE(r.resource->at("active").as_bool());
}

TEST_F(ops, CreateWithPostIgnoresActiveAnswersActive) {
  start({"--post-ignores-active"});
  auto& c = client();
  json::object inactive = user("ignored@example.com");
  inactive["active"] = false;
  const auto r = run(c.create(inactive));
  ASSERT_EQ(r.outcome, scim_outcome::ok) << r.detail;
  EXPECT_TRUE(r.resource->at("active").as_bool());
  const std::string id(r.resource->at("id").as_string());
  const auto g = run(c.get(id));
  ASSERT_EQ(g.outcome, scim_outcome::ok) << g.detail;
  EXPECT_TRUE(g.resource->at("active").as_bool()) << "the user really is active";
}

TEST_F(ops, DuplicateUserNameIsConflict) {
  start();
  seed(json::array{user("taken@example.com")});
  const auto r = run(client().create(user("taken@example.com")));
  EXPECT_EQ(r.outcome, scim_outcome::conflict);
  EXPECT_EQ(r.status, 409u);
  EXPECT_EQ(r.scim_type, "uniqueness");
  EXPECT_EQ(r.attempts, 1u);
}

TEST_F(ops, BadBodyIsInvalid) {
  start();
  json::object u = user("bad@example.com");
  u.erase("name");
  const auto r = run(client().create(u));
  EXPECT_EQ(r.outcome, scim_outcome::invalid);
  EXPECT_EQ(r.status, 400u);
  EXPECT_EQ(r.attempts, 1u);
  EXPECT_FALSE(r.detail.empty());
}

TEST_F(ops, UnknownIdIsNotFound) {
  start();
  auto& c = client();
  EXPECT_EQ(run(c.get("no-such-id")).outcome, scim_outcome::not_found);
  EXPECT_EQ(run(c.set_active("no-such-id", false)).outcome, scim_outcome::not_found);
}

TEST_F(ops, ReplaceReportsAnIgnoredSiteChange) {
  start();  // --site-change ignore is the default: 200, the old site kept
  json::object seeded = user("site@example.com");
  seeded[site_urn] = json::object{{"site", "London"}};
  const auto ids = seed(json::array{seeded});
  auto& c = client();
  auto current = run(c.get(ids[0]));
  ASSERT_EQ(current.outcome, scim_outcome::ok);
  json::object next = *current.resource;
  next[site_urn] = json::object{{"site", "Paris"}};
  next["title"] = "Director";
  const auto r = run(c.replace(ids[0], next));
  ASSERT_EQ(r.result.outcome, scim_outcome::ok) << r.result.detail;
  ASSERT_EQ(r.not_applied.size(), 1u);
  EXPECT_EQ(r.not_applied[0], std::string(site_urn) + ":site");
  EXPECT_EQ(r.result.resource->at("title").as_string(), "Director") << "the rest was applied";
}

TEST_F(ops, ReplaceWithARejectedSiteChangeIsInvalid) {
  start({"--site-change", "reject"});
  json::object seeded = user("site@example.com");
  seeded[site_urn] = json::object{{"site", "London"}};
  const auto ids = seed(json::array{seeded});
  auto& c = client();
  auto current = run(c.get(ids[0]));
  json::object next = *current.resource;
  next[site_urn] = json::object{{"site", "Paris"}};
  const auto r = run(c.replace(ids[0], next));
  EXPECT_EQ(r.result.outcome, scim_outcome::invalid);
  EXPECT_EQ(r.result.scim_type, "mutability");
}

TEST_F(ops, ReplaceOfAFullObjectReportsNothing) {
  start();
  json::object seeded = user("full@example.com");
  seeded["title"] = "Engineer";
  seeded["phoneNumbers"] = json::array{json::object{{"value", "+15550100"}, {"type", "mobile"}}};
  const auto ids = seed(json::array{seeded});
  auto& c = client();
  auto current = run(c.get(ids[0]));
  json::object next = *current.resource;
  next["title"] = "Manager";
  next["name"].as_object()["familyName"] = "Smith";
  const auto r = run(c.replace(ids[0], next));
  ASSERT_EQ(r.result.outcome, scim_outcome::ok) << r.result.detail;
  EXPECT_TRUE(r.not_applied.empty()) << r.not_applied.front();
}

TEST_F(ops, SetActivePatchesActiveOnly) {
  start();
  const auto ids = seed_many(1);
  auto& c = client();
  const auto off = run(c.set_active(ids[0], false));
  ASSERT_EQ(off.outcome, scim_outcome::ok) << off.detail;
  EXPECT_FALSE(run(c.get(ids[0])).resource->at("active").as_bool());
  const auto on = run(c.set_active(ids[0], true));
  ASSERT_EQ(on.outcome, scim_outcome::ok);
  EXPECT_TRUE(run(c.get(ids[0])).resource->at("active").as_bool());
  for (const auto& e : log())
    EXPECT_NE(e.method, "DELETE") << "the client never sends DELETE";
}

}  // namespace
}  // namespace eightsync::client_test
