// One test per fault kind showing it happens (and what the request log says about it), plus
// targeting, runtime control, reproducibility and the rate limit.
#include <set>
#include <string>
#include <thread>

#include <boost/beast/http/error.hpp>
#include <boost/json/serialize.hpp>

#include "emulator_test.hpp"

namespace eightsync::emulator::test {
namespace {

namespace json = boost::json;

class faults : public emulator_test {
 protected:
  json::object last_log() {
    const auto l = log();
    return l.empty() ? json::object{} : l.back().as_object();
  }
};

TEST_F(faults, StatusFaultAnswersItsStatusForTheNextNRequestsThenExpires) {
  start();
  for (const int status : {500, 502, 503}) {
    add_fault(json::object{{"kind", "status"}, {"status", status}, {"next", 2}});
    for (int i = 0; i < 2; ++i) {
      const auto r = scim().get("/scim/v2/Users");
      EXPECT_EQ(r.status, static_cast<unsigned>(status));
      EXPECT_EQ(r.json().at("status").as_string(), std::to_string(status)) << "a SCIM error body";
      EXPECT_EQ(last_log().at("fault").as_string(), "status");
      EXPECT_EQ(last_log().at("status").as_int64(), status);
    }
    EXPECT_EQ(scim().get("/scim/v2/Users").status, 200u) << "expired after next=2";
    EXPECT_TRUE(last_log().at("fault").is_null());
  }
}

TEST_F(faults, StatusFaultDoesNotApplyTheWrite) {
  start();
  add_fault(json::object{{"kind", "status"}, {"status", 503}, {"next", 1}, {"method", "POST"}});
  EXPECT_EQ(scim().post("/scim/v2/Users", user("a@example.com")).status, 503u);
  EXPECT_TRUE(dump().empty());
  EXPECT_FALSE(last_log().at("applied").as_bool());
}

TEST_F(faults, RateDrawsAreReproducibleFromTheSeed) {
  const std::vector<std::string> flags{"--seed", "42", "--fault",
                                       R"({"kind":"status","status":503,"rate":0.5})"};
  const auto pattern = [](std::uint16_t port) {
    http_client c(port, std::string(test_token));
    std::string p;
    for (int i = 0; i < 40; ++i)
      p += c.get("/scim/v2/Users").status == 503 ? 'x' : '.';
    return p;
  };
  start(flags);
  const std::string first = pattern(port());
  std::vector<std::string> again{"--token", std::string(test_token)};
  again.insert(again.end(), flags.begin(), flags.end());
  emulator_process second(again);
  EXPECT_EQ(pattern(second.port()), first) << "same seed, same faults";
  EXPECT_NE(first.find('x'), std::string::npos);
  EXPECT_NE(first.find('.'), std::string::npos);
  EXPECT_EQ(second.stop(), 0);
  std::vector<std::string> other{"--token", std::string(test_token),
                                 "--seed",  "7",
                                 "--fault", R"({"kind":"status","status":503,"rate":0.5})"};
  emulator_process third(other);
  EXPECT_NE(pattern(third.port()), first) << "another seed, other draws";
}

TEST_F(faults, ResetClosesTheConnectionBeforeTheRequestIsProcessed) {
  start();
  add_fault(json::object{{"kind", "reset"}, {"next", 1}, {"method", "POST"}});
  const auto r = scim().post("/scim/v2/Users", user("a@example.com"));
  EXPECT_TRUE(r.error) << "expected a transport error, got status " << r.status;
  EXPECT_EQ(r.status, 0u);
  EXPECT_TRUE(dump().empty()) << "nothing applied";
  const auto entry = last_log();
  EXPECT_EQ(entry.at("fault").as_string(), "reset");
  EXPECT_EQ(entry.at("status").as_int64(), 0);
  EXPECT_FALSE(entry.at("applied").as_bool());
  EXPECT_EQ(scim().post("/scim/v2/Users", user("a@example.com")).status, 201u) << "the client can retry";
}

TEST_F(faults, SlowAnswersLate) {
  start();
  add_fault(json::object{{"kind", "slow"}, {"delay_ms", 700}, {"next", 1}});
  const auto r = scim().get("/scim/v2/Users");
  EXPECT_EQ(r.status, 200u);
  EXPECT_GE(r.elapsed.count(), 650);
  EXPECT_EQ(last_log().at("fault").as_string(), "slow");
  const auto fast = scim().get("/scim/v2/Users");
  EXPECT_LT(fast.elapsed.count(), 650);
}

TEST_F(faults, SlowAppliesTheWriteEvenWhenTheClientGivesUp) {
  start();
  add_fault(json::object{{"kind", "slow"}, {"delay_ms", 1500}, {"next", 1}, {"method", "POST"}});
  scim().set_timeout(std::chrono::milliseconds(300));
  const auto r = scim().post("/scim/v2/Users", user("late@example.com"));
  EXPECT_TRUE(r.error) << "the client timed out";
  EXPECT_EQ(dump().size(), 1u) << "but the write happened";
}

TEST_F(faults, TruncateSendsHalfTheBody) {
  start();
  create("t@example.com");
  add_fault(json::object{{"kind", "truncate"}, {"next", 1}, {"method", "GET"}});
  const auto r = scim().get("/scim/v2/Users");
  EXPECT_TRUE(r.error);
  EXPECT_EQ(r.error, boost::beast::http::error::partial_message) << r.error.message();
  const auto entry = last_log();
  EXPECT_EQ(entry.at("fault").as_string(), "truncate");
  EXPECT_EQ(entry.at("status").as_int64(), 200);
  EXPECT_EQ(scim().get("/scim/v2/Users").status, 200u);
}

TEST_F(faults, InvalidJsonAnswersABodyThatDoesNotParse) {
  start();
  create("j@example.com");
  add_fault(json::object{{"kind", "invalid_json"}, {"next", 1}});
  const auto r = scim().get("/scim/v2/Users");
  ASSERT_FALSE(r.error);
  EXPECT_EQ(r.status, 200u);
  EXPECT_THROW(r.json(), boost::system::system_error) << r.body;
  EXPECT_EQ(last_log().at("fault").as_string(), "invalid_json");
  EXPECT_NO_THROW(scim().get("/scim/v2/Users").json());
}

TEST_F(faults, LostResponseAppliesTheWriteThenClosesWithoutAnswering) {
  start();
  add_fault(json::object{{"kind", "lost_response"}, {"next", 1}, {"method", "POST"}});
  const auto r = scim().post("/scim/v2/Users", user("lost@example.com"));
  EXPECT_TRUE(r.error) << "no answer, got status " << r.status;
  EXPECT_EQ(r.status, 0u);
  const auto users = dump();
  ASSERT_EQ(users.size(), 1u) << "the write was applied";
  EXPECT_EQ(users.at(0).at("userName").as_string(), "lost@example.com");
  const auto entry = last_log();
  EXPECT_EQ(entry.at("fault").as_string(), "lost_response");
  EXPECT_EQ(entry.at("status").as_int64(), 0);
  EXPECT_TRUE(entry.at("applied").as_bool());
  // A naive retry now fails: the user exists. A careful client looks the userName up instead.
  EXPECT_EQ(scim().post("/scim/v2/Users", user("lost@example.com")).status, 409u);
}

TEST_F(faults, EchoTokenRepeatsTheBearerTokenInTheErrorDetail) {
  start();
  add_fault(json::object{{"kind", "echo_token"}, {"next", 1}, {"method", "GET"}});
  const auto r = scim().get("/scim/v2/Users");
  EXPECT_EQ(r.status, 400u);
  const auto body = r.json().as_object();
  const std::string detail(body.at("detail").as_string());
  EXPECT_NE(detail.find(test_token), std::string::npos) << detail;
  EXPECT_EQ(detail.find("Bearer"), std::string::npos) << "the token alone, without its scheme: " << detail;
  EXPECT_EQ(body.at("status").as_string(), "400");
  EXPECT_EQ(last_log().at("fault").as_string(), "echo_token");
  EXPECT_EQ(scim().get("/scim/v2/Users").status, 200u) << "expired after next=1";
}

TEST_F(faults, EchoTokenTakesAStatusAndPadsTheDetail) {
  start();
  add_fault(json::object{
      {"kind", "echo_token"}, {"status", 503}, {"detail_bytes", 1'000'000}, {"next", 1}, {"method", "POST"}});
  const auto r = scim().post("/scim/v2/Users", user("e@example.com"));
  EXPECT_EQ(r.status, 503u);
  const std::string detail(r.json().at("detail").as_string());
  EXPECT_EQ(detail.size(), 1'000'000u);
  EXPECT_NE(detail.find(test_token), std::string::npos);
  EXPECT_TRUE(dump().empty()) << "nothing applied";
  EXPECT_FALSE(last_log().at("applied").as_bool());
  EXPECT_TRUE(admin().get("/_emulator/faults").json().as_array().empty()) << "expired";
  for (const char* bad :
       {R"({"kind":"echo_token","status":200})", R"({"kind":"echo_token","detail_bytes":-1})",
        R"({"kind":"echo_token","delay_ms":10})"}) {
    EXPECT_EQ(admin().request("POST", "/_emulator/faults", bad).status, 400u) << bad;
  }
}

TEST_F(faults, DriftInsertsAndDeletesUsersBetweenPages) {
  start();
  json::array users;
  for (int i = 0; i < 10; ++i)
    users.push_back(user("drift" + std::to_string(i) + "@example.com"));
  const auto ids = seed(users);
  add_fault(json::object{{"kind", "drift"}, {"delete", 2}, {"insert", 1}, {"next", 1}});
  const auto page1 = list("?startIndex=1&count=5");
  EXPECT_EQ(page1.at("Resources").as_array().at(0).at("id").as_string(), ids[0]);
  EXPECT_TRUE(last_log().at("fault").is_null()) << "drift waits for a page after the first";
  const auto page2 = list("?startIndex=6&count=5");
  EXPECT_EQ(page2.at("totalResults").as_int64(), 9);
  // Two users gone and one added in front: the listing shifted by one, so ids[5] is skipped.
  EXPECT_EQ(page2.at("Resources").as_array().at(0).at("id").as_string(), ids[6]);
  EXPECT_EQ(last_log().at("fault").as_string(), "drift");
  const auto stored_users = dump();
  EXPECT_EQ(stored_users.size(), 9u);
  EXPECT_TRUE(stored_users.at(0).at("userName").as_string().starts_with("drift-"));
}

TEST_F(faults, EmptyListingAnswersNoUsersForAListingOnly) {
  start();
  const auto ids = seed(json::array{user("a@example.com"), user("b@example.com")});
  add_fault(json::object{{"kind", "empty_listing"}});
  const auto page = list("?startIndex=1&count=100");
  EXPECT_EQ(page.at("totalResults").as_int64(), 0);
  EXPECT_TRUE(page.at("Resources").as_array().empty());
  EXPECT_EQ(last_log().at("fault").as_string(), "empty_listing");
  // A lookup by userName and a GET by id still see the users: only listings are short.
  const auto found = list("?filter=userName%20eq%20%22a%40example.com%22");
  EXPECT_EQ(found.at("totalResults").as_int64(), 1);
  EXPECT_EQ(scim().get("/scim/v2/Users/" + ids[0]).status, 200u);
  EXPECT_EQ(dump().size(), 2u) << "nothing stored changes";
}

TEST_F(faults, ListingClaimsATotalAndNeverRepeatsAnId) {
  start();
  seed(json::array{user("a@example.com")});
  add_fault(json::object{{"kind", "listing"}, {"total", 5}});
  std::set<std::string> seen;
  for (int start_index = 1; start_index <= 31; start_index += 10) {
    const auto page = list("?startIndex=" + std::to_string(start_index) + "&count=10");
    EXPECT_EQ(page.at("totalResults").as_int64(), 5) << "the claim, whatever was listed";
    const auto& resources = page.at("Resources").as_array();
    ASSERT_EQ(resources.size(), 10u) << "pages keep coming past the claimed total";
    for (const auto& r : resources)
      EXPECT_TRUE(seen.insert(std::string(r.at("id").as_string())).second) << "an id came twice";
  }
  EXPECT_EQ(last_log().at("fault").as_string(), "listing");
  EXPECT_EQ(dump().size(), 1u);
}

TEST_F(faults, RetryAfterAnswers429WithTheGivenHeaderAndAppliesNothing) {
  start();
  add_fault(json::object{{"kind", "retry_after"}, {"value", 999999999}, {"next", 1}, {"method", "POST"}});
  const auto r = scim().post("/scim/v2/Users", user("a@example.com"));
  EXPECT_EQ(r.status, 429u);
  EXPECT_EQ(r.header("retry-after"), "999999999") << "the value exactly as given";
  EXPECT_EQ(r.json().at("status").as_string(), "429") << "a SCIM error body";
  EXPECT_TRUE(dump().empty()) << "nothing applied";
  EXPECT_EQ(last_log().at("fault").as_string(), "retry_after");
  EXPECT_EQ(last_log().at("status").as_int64(), 429);
  EXPECT_FALSE(last_log().at("applied").as_bool());
  EXPECT_EQ(scim().post("/scim/v2/Users", user("a@example.com")).status, 201u) << "expired after next=1";

  // Any text, e.g. an HTTP-date, and a 503 instead of a 429.
  add_fault(json::object{
      {"kind", "retry_after"}, {"value", "Sun, 06 Nov 1994 08:49:37 GMT"}, {"status", 503}, {"next", 1}});
  const auto d = scim().get("/scim/v2/Users");
  EXPECT_EQ(d.status, 503u);
  EXPECT_EQ(d.header("retry-after"), "Sun, 06 Nov 1994 08:49:37 GMT");

  for (const char* bad :
       {R"({"kind":"retry_after"})", R"({"kind":"retry_after","value":""})",
        R"({"kind":"retry_after","value":"1\r\nX-Injected: 1"})",
        R"({"kind":"retry_after","value":5,"status":500})", R"({"kind":"retry_after","value":-1})"}) {
    EXPECT_EQ(admin().request("POST", "/_emulator/faults", bad).status, 400u) << bad;
  }
}

TEST_F(faults, RetryAfterFaultIsListedWithItsValue) {
  start({"--fault", R"({"kind":"retry_after","value":"120","path":"/Users"})"});
  const auto listed = admin().get("/_emulator/faults").json();
  ASSERT_EQ(listed.as_array().size(), 1u);
  const auto& f = listed.as_array()[0].as_object();
  EXPECT_EQ(f.at("kind").as_string(), "retry_after");
  EXPECT_EQ(f.at("value").as_string(), "120");
  EXPECT_EQ(f.at("status").as_int64(), 429);
  EXPECT_EQ(scim().get("/scim/v2/Users").header("retry-after"), "120");
}

TEST_F(faults, FaultsAimAtAMethodAndAPath) {
  start();
  add_fault(json::object{{"kind", "status"}, {"status", 500}, {"method", "POST"}});
  add_fault(json::object{{"kind", "status"}, {"status", 502}, {"path", "/ServiceProviderConfig"}});
  EXPECT_EQ(scim().get("/scim/v2/Users").status, 200u);
  EXPECT_EQ(scim().post("/scim/v2/Users", user("x@example.com")).status, 500u);
  EXPECT_EQ(scim().post("/scim/v2/Users", user("x@example.com")).status, 500u) << "no next: stays";
  EXPECT_EQ(scim().get("/scim/v2/ServiceProviderConfig").status, 502u);
  EXPECT_EQ(scim().get("/udi/customers/C1/scim/v2/ServiceProviderConfig").status, 502u)
      << "paths are relative to the SCIM base";
  EXPECT_EQ(admin().get("/_emulator/users").status, 200u) << "admin endpoints are never faulted";
}

TEST_F(faults, FaultFromTheCommandLine) {
  start({"--fault", R"({"kind":"status","status":502,"next":1})"});
  EXPECT_EQ(scim().get("/scim/v2/Users").status, 502u);
  EXPECT_EQ(scim().get("/scim/v2/Users").status, 200u);
}

TEST_F(faults, FaultsAreListedReplacedAndCleared) {
  start();
  add_fault(json::array{json::object{{"kind", "status"}, {"status", 500}},
                        json::object{{"kind", "reset"}, {"next", 3}}});
  auto r = admin().get("/_emulator/faults");
  ASSERT_EQ(r.status, 200u);
  EXPECT_EQ(r.json().as_array().size(), 2u);
  r = admin().put("/_emulator/faults", json::object{{"kind", "slow"}, {"delay_ms", 10}});
  EXPECT_EQ(r.json().as_array().size(), 1u);
  EXPECT_EQ(admin().del("/_emulator/faults").status, 204u);
  EXPECT_TRUE(admin().get("/_emulator/faults").json().as_array().empty());
  EXPECT_EQ(scim().get("/scim/v2/Users").status, 200u);
  for (const char* bad :
       {R"({"kind":"explode"})", R"({"kind":"status","status":404})", R"({"kind":"reset","colour":1})",
        R"({"kind":"drift"})", R"({"kind":"status","rate":2})", R"([1])", "{"}) {
    EXPECT_EQ(admin().request("POST", "/_emulator/faults", bad).status, 400u) << bad;
  }
}

TEST_F(faults, BadFaultOnTheCommandLineIsAStartupError) {
  std::string out;
  EXPECT_EQ(run_emulator_to_exit({"--token", "t", "--fault", R"({"kind":"explode"})"}, out), 2);
  EXPECT_NE(out.find("unknown kind"), std::string::npos) << out;
}

TEST_F(faults, RateLimitAnswers429WithRetryAfterInSeconds) {
  start({"--rate-limit", "3/60s"});
  for (int i = 0; i < 3; ++i)
    EXPECT_EQ(scim().get("/scim/v2/Users").status, 200u);
  const auto r = scim().get("/scim/v2/Users");
  ASSERT_EQ(r.status, 429u);
  EXPECT_EQ(r.json().at("status").as_string(), "429");
  const int retry = std::stoi(r.header("retry-after"));
  EXPECT_GE(retry, 1);
  EXPECT_LE(retry, 60);
  EXPECT_EQ(r.header("retry-after"), std::to_string(retry)) << "an integer number of seconds";
  EXPECT_EQ(admin().get("/_emulator/users").status, 200u) << "admin calls are not limited";
  EXPECT_EQ(last_log().at("status").as_int64(), 429);
  EXPECT_EQ(scim().post("/scim/v2/Users", user("x@example.com")).status, 429u);
  EXPECT_TRUE(dump().empty());
}

TEST_F(faults, RateLimitWindowSlides) {
  start({"--rate-limit", "2/1s"});
  EXPECT_EQ(scim().get("/scim/v2/Users").status, 200u);
  EXPECT_EQ(scim().get("/scim/v2/Users").status, 200u);
  const auto r = scim().get("/scim/v2/Users");
  ASSERT_EQ(r.status, 429u);
  EXPECT_EQ(r.header("retry-after"), "1");
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));
  EXPECT_EQ(scim().get("/scim/v2/Users").status, 200u) << "the window slid past the first requests";
}

TEST_F(faults, NoRateLimitByDefault) {
  start();
  for (int i = 0; i < 60; ++i)
    ASSERT_EQ(scim().get("/scim/v2/Users").status, 200u);
}

}  // namespace
}  // namespace eightsync::emulator::test
