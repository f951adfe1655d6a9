// The /_emulator admin endpoints and the request log.
#include <regex>

#include <boost/json/serialize.hpp>

#include "emulator_test.hpp"

namespace eightsync::emulator::test {
namespace {

namespace json = boost::json;

class admin_and_log : public emulator_test {};

TEST_F(admin_and_log, RequestLogRecordsTimeMethodTargetStatusAndApplied) {
  start();
  const auto id = create("logged@example.com");
  list("?startIndex=1&count=10");
  scim().patch("/scim/v2/Users/" + id,
               json::object{{"Operations", json::array{json::object{
                                               {"op", "replace"}, {"path", "active"}, {"value", false}}}}});
  scim().get("/scim/v2/Users/does-not-exist");
  seed(json::array{user("seeded@example.com")});  // admin calls are not logged

  const auto l = log();
  ASSERT_EQ(l.size(), 4u) << json::serialize(l);
  const std::regex iso_ms(R"(^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$)");
  std::int64_t prev = 0;
  for (const auto& e : l) {
    EXPECT_TRUE(std::regex_match(std::string(e.at("time").as_string()), iso_ms)) << e.at("time");
    EXPECT_GT(e.at("seq").as_int64(), prev);
    prev = e.at("seq").as_int64();
    EXPECT_TRUE(e.at("fault").is_null());
  }
  EXPECT_EQ(l[0].at("method").as_string(), "POST");
  EXPECT_EQ(l[0].at("target").as_string(), "/scim/v2/Users");
  EXPECT_EQ(l[0].at("status").as_int64(), 201);
  EXPECT_TRUE(l[0].at("applied").as_bool());
  EXPECT_EQ(l[1].at("method").as_string(), "GET");
  EXPECT_EQ(l[1].at("target").as_string(), "/scim/v2/Users?startIndex=1&count=10");
  EXPECT_EQ(l[1].at("status").as_int64(), 200);
  EXPECT_FALSE(l[1].at("applied").as_bool());
  EXPECT_EQ(l[2].at("method").as_string(), "PATCH");
  EXPECT_TRUE(l[2].at("applied").as_bool());
  EXPECT_EQ(l[3].at("status").as_int64(), 404);
  EXPECT_FALSE(l[3].at("applied").as_bool());
}

TEST_F(admin_and_log, RequestLogRecordsFaults) {
  start();
  add_fault(json::object{{"kind", "status"}, {"status", 503}, {"next", 1}});
  scim().get("/scim/v2/Users");
  scim().get("/scim/v2/Users");
  const auto l = log();
  ASSERT_EQ(l.size(), 2u);
  EXPECT_EQ(l[0].at("fault").as_string(), "status");
  EXPECT_EQ(l[0].at("status").as_int64(), 503);
  EXPECT_TRUE(l[1].at("fault").is_null());
}

TEST_F(admin_and_log, LogReadsSinceASequenceNumberAndClears) {
  start();
  for (int i = 0; i < 5; ++i)
    scim().get("/scim/v2/Users");
  const auto all = log();
  ASSERT_EQ(all.size(), 5u);
  const auto third = all[2].at("seq").as_int64();
  const auto since = admin().get("/_emulator/log?since=" + std::to_string(third));
  ASSERT_EQ(since.status, 200u);
  EXPECT_EQ(since.json().as_array().size(), 2u);
  EXPECT_EQ(admin().del("/_emulator/log").status, 204u);
  EXPECT_TRUE(log().empty());
  scim().get("/scim/v2/Users");
  const auto after = log();
  ASSERT_EQ(after.size(), 1u);
  EXPECT_GT(after[0].at("seq").as_int64(), all.back().at("seq").as_int64()) << "numbers are never reused";
  EXPECT_EQ(admin().get("/_emulator/log?since=abc").status, 400u);
}

TEST_F(admin_and_log, TokenNeverAppearsInTheLogOrTheAdminAnswers) {
  start();
  create("t@example.com");
  http_client wrong(port(), "wrong-token-zzz");
  wrong.get("/scim/v2/Users");
  for (const auto* path :
       {"/_emulator/log", "/_emulator/users", "/_emulator/settings", "/_emulator/faults"}) {
    const auto r = admin().get(path);
    EXPECT_EQ(r.body.find(test_token), std::string::npos) << path;
    EXPECT_EQ(r.body.find("wrong-token-zzz"), std::string::npos) << path;
  }
}

TEST_F(admin_and_log, SeedMarksAdminConsoleUsersAndKeepsGivenIds) {
  start();
  auto manual = user("manual@example.com");
  manual["_adminConsole"] = true;
  manual["id"] = "custom-id-1";
  manual["active"] = false;
  auto partial = json::object{{"userName", "partial@example.com"}};  // Admin Console users may lack fields
  const auto ids = seed(json::array{manual, partial});
  ASSERT_EQ(ids.size(), 2u);
  EXPECT_EQ(ids[0], "custom-id-1");
  const auto d = dump();
  ASSERT_EQ(d.size(), 2u);
  EXPECT_TRUE(d[0].at("_adminConsole").as_bool());
  EXPECT_FALSE(d[0].at("active").as_bool());
  EXPECT_FALSE(d[1].at("_adminConsole").as_bool());
  EXPECT_TRUE(d[1].at("active").as_bool());
  EXPECT_EQ(scim().get("/scim/v2/Users/custom-id-1").status, 200u);
  const auto got = scim().get("/scim/v2/Users/custom-id-1").json().as_object();
  EXPECT_FALSE(got.contains("_adminConsole")) << "the flag is the emulator's, not 8x8's";

  // All or nothing: one taken userName refuses the whole batch.
  const auto r =
      admin().post("/_emulator/users", json::array{user("fresh@example.com"), user("MANUAL@example.com")});
  EXPECT_EQ(r.status, 409u);
  EXPECT_NE(r.body.find("users[1]"), std::string::npos) << r.body;
  EXPECT_EQ(dump().size(), 2u);
  EXPECT_EQ(admin()
                .post("/_emulator/users",
                      json::array{json::object{{"userName", "x@example.com"}, {"id", "custom-id-1"}}})
                .status,
            409u);
  EXPECT_EQ(admin().post("/_emulator/users", json::array{json::object{{"name", "no userName"}}}).status,
            400u);
  EXPECT_EQ(admin().request("POST", "/_emulator/users", "[{").status, 400u);
}

TEST_F(admin_and_log, DeleteUsersResetsTheStore) {
  start();
  create("a@example.com");
  EXPECT_EQ(admin().del("/_emulator/users").status, 204u);
  EXPECT_TRUE(dump().empty());
  EXPECT_EQ(list().at("totalResults").as_int64(), 0);
  create("a@example.com");  // the userName is free again
}

TEST_F(admin_and_log, UnknownAdminPathAnswers404AndWrongMethod405) {
  start();
  EXPECT_EQ(admin().get("/_emulator/nope").status, 404u);
  EXPECT_EQ(admin().request("PUT", "/_emulator/log").status, 405u);
  EXPECT_EQ(admin().request("POST", "/_emulator/token", R"({"token":""})").status, 400u);
  EXPECT_EQ(admin().get("/_emulator/health").status, 200u);
}

}  // namespace
}  // namespace eightsync::emulator::test
