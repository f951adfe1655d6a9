// The SCIM client's pure helpers: base URLs, request targets, filters, the PUT answer check and
// proxy URLs. No network.
#include <cstdlib>
#include <stdexcept>

#include <gtest/gtest.h>
#include <boost/json/parse.hpp>

#include "connectors/proxy_endpoint.hpp"
#include "connectors/scim_attribute_check.hpp"
#include "connectors/scim_base_url.hpp"
#include "core/scim_port.hpp"

namespace eightsync::connectors {
namespace {

namespace json = boost::json;

TEST(scim_base_url, ParsesThe8x8Url) {
  const auto u = scim_base_url::parse("https://platform-cloud.8x8.com/udi/customers/0012abc/scim/v2/");
  EXPECT_TRUE(u.tls);
  EXPECT_EQ(u.host, "platform-cloud.8x8.com");
  EXPECT_EQ(u.port, 443);
  EXPECT_EQ(u.path, "/udi/customers/0012abc/scim/v2");
  EXPECT_EQ(u.users_target(), "/udi/customers/0012abc/scim/v2/Users");
  EXPECT_EQ(u.list_target(101, 100), "/udi/customers/0012abc/scim/v2/Users?startIndex=101&count=100");
}

TEST(scim_base_url, HttpOnlyForLoopback) {
  const auto u = scim_base_url::parse("http://127.0.0.1:8080/scim/v2");
  EXPECT_FALSE(u.tls);
  EXPECT_EQ(u.port, 8080);
  EXPECT_NO_THROW(scim_base_url::parse("http://localhost/scim/v2"));
  EXPECT_NO_THROW(scim_base_url::parse("http://[::1]:9/scim/v2"));
  EXPECT_EQ(scim_base_url::parse("https://[::1]:9/x").host, "::1");
  EXPECT_THROW(scim_base_url::parse("http://platform-cloud.8x8.com/scim/v2"), std::invalid_argument);
  EXPECT_THROW(scim_base_url::parse("http://10.0.0.1/scim/v2"), std::invalid_argument);
}

TEST(scim_base_url, RefusesWhatDoesNotBelong) {
  EXPECT_THROW(scim_base_url::parse("ftp://example.com/scim"), std::invalid_argument);
  EXPECT_THROW(scim_base_url::parse("https://user:pw@example.com/scim"), std::invalid_argument);
  EXPECT_THROW(scim_base_url::parse("https://example.com/scim?x=1"), std::invalid_argument);
  EXPECT_THROW(scim_base_url::parse("https://example.com/scim#f"), std::invalid_argument);
  EXPECT_THROW(scim_base_url::parse("/scim/v2"), std::invalid_argument);
  EXPECT_THROW(scim_base_url::parse("not a url"), std::invalid_argument);
}

TEST(scim_base_url, IdIsOnePercentEncodedSegment) {
  const auto u = scim_base_url::parse("https://example.com/scim/v2");
  EXPECT_EQ(u.user_target("abc-123"), "/scim/v2/Users/abc-123");
  EXPECT_EQ(u.user_target("a/b?c#d e"), "/scim/v2/Users/a%2Fb%3Fc%23d%20e");
}

TEST(scim_filter, ValuesAreJsonEscapedThenPercentEncoded) {
  EXPECT_EQ(scim_eq_filter("userName", "jdoe"), R"(userName eq "jdoe")");
  EXPECT_EQ(scim_eq_filter("userName", R"(a"b\c)"), R"(userName eq "a\"b\\c")");
  EXPECT_EQ(scim_eq_filter("userName", "tab\there"), R"(userName eq "tab\there")");
  const auto u = scim_base_url::parse("https://example.com/scim/v2");
  EXPECT_EQ(u.filter_target(scim_eq_filter("userName", "a+b&c=d@x.com")),
            "/scim/v2/Users?filter=userName%20eq%20%22a%2Bb%26c%3Dd%40x.com%22");
  EXPECT_EQ(u.filter_target(scim_eq_filter("userName", "zoë")),
            "/scim/v2/Users?filter=userName%20eq%20%22zo%C3%AB%22");
}

json::object obj(std::string_view text) {
  return json::parse(text).as_object();
}

TEST(attributes_not_applied, NothingWhenTheAnswerMatches) {
  const auto sent = obj(R"({"userName":"j@x.com","name":{"givenName":"J","familyName":"D"},
    "emails":[{"value":"j@x.com","type":"work","primary":true}],"externalId":"E1","title":"T","locale":"en-US",
    "timezone":"US/Pacific","active":true,"phoneNumbers":[{"value":"+1555","type":"mobile"}],
    "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":{"department":"Ops"},
    "urn:ietf:params:scim:schemas:extension:8x8:1.1:User":{"site":"London"}})");
  auto answer = sent;
  answer["id"] = "1";
  answer["userName"] = "J@X.COM";  // userName compares case-insensitively
  EXPECT_TRUE(attributes_not_applied(sent, answer).empty());
}

TEST(attributes_not_applied, ListsEachDifference) {
  const auto sent = obj(R"({"userName":"j@x.com","name":{"givenName":"J","familyName":"D"},"title":"T",
    "timezone":"US/Pacific","active":false,"phoneNumbers":[{"value":"+1555","type":"mobile"}],
    "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":{"department":"Ops"},
    "urn:ietf:params:scim:schemas:extension:8x8:1.1:User":{"site":"Paris"}})");
  const auto answer = obj(R"({"userName":"j@x.com","name":{"givenName":"J","familyName":"Other"},
    "active":true,"phoneNumbers":[{"value":"+1999","type":"mobile"}],
    "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":{"department":"Ops"},
    "urn:ietf:params:scim:schemas:extension:8x8:1.1:User":{"site":"London"}})");
  const std::vector<std::string> expected{
      "name.familyName", "title",
      "timezone",        "urn:ietf:params:scim:schemas:extension:8x8:1.1:User:site",
      "active",          R"(phoneNumbers[type eq "mobile"].value)"};
  EXPECT_EQ(attributes_not_applied(sent, answer), expected);
}

TEST(attributes_not_applied, OnlyAttributesSentAreChecked) {
  const auto sent = obj(R"({"userName":"j@x.com","title":""})");
  const auto answer = obj(R"({"userName":"j@x.com","locale":"fr-FR"})");
  EXPECT_TRUE(attributes_not_applied(sent, answer).empty()) << "an empty title matches an absent one";
}

TEST(attributes_not_applied, WorkEmailComparedCaseInsensitively) {
  const auto sent = obj(R"({"emails":[{"value":"J@x.com","type":"work"}]})");
  EXPECT_TRUE(attributes_not_applied(sent, obj(R"({"emails":[{"value":"j@X.com","type":"Work"}]})")).empty());
  EXPECT_EQ(attributes_not_applied(sent, obj(R"({"emails":[{"value":"k@x.com","type":"work"}]})")).size(),
            1u);
}

TEST(proxy_endpoint, ParsesHostPortAndCredentials) {
  const auto p = proxy_endpoint::parse("http://alice:s%40cret@proxy.corp:3128");
  EXPECT_EQ(p.host, "proxy.corp");
  EXPECT_EQ(p.port, 3128);
  EXPECT_EQ(p.authorization.reveal(), "Basic YWxpY2U6c0BjcmV0");  // alice:s@cret
  EXPECT_EQ(p.display(), "proxy.corp:3128");
  const auto bare = proxy_endpoint::parse("10.1.2.3:8080");
  EXPECT_EQ(bare.host, "10.1.2.3");
  EXPECT_TRUE(bare.authorization.empty());
  EXPECT_EQ(proxy_endpoint::parse("http://proxy").port, 80);
}

TEST(proxy_endpoint, RefusesWhatItCannotUse) {
  EXPECT_THROW(proxy_endpoint::parse("https://proxy:443"), std::invalid_argument);
  EXPECT_THROW(proxy_endpoint::parse("socks5://proxy:1080"), std::invalid_argument);
  EXPECT_THROW(proxy_endpoint::parse("http://proxy:3128/path"), std::invalid_argument);
  try {
    proxy_endpoint::parse("https://bob:hunter2@proxy:1");
  } catch (const std::invalid_argument& e) {
    EXPECT_EQ(std::string(e.what()).find("hunter2"), std::string::npos) << "no password in messages";
  }
}

TEST(proxy_endpoint, SelectsFromTheEnvironment) {
  ::setenv("HTTPS_PROXY", "http://envproxy:3128", 1);
  ::setenv("NO_PROXY", "internal.corp, .skip.example", 1);
  EXPECT_EQ(proxy_endpoint::select("platform-cloud.8x8.com", std::nullopt, true)->host, "envproxy");
  EXPECT_FALSE(proxy_endpoint::select("platform-cloud.8x8.com", std::nullopt, false));
  EXPECT_FALSE(proxy_endpoint::select("internal.corp", std::nullopt, true));
  EXPECT_FALSE(proxy_endpoint::select("a.skip.example", std::nullopt, true));
  EXPECT_FALSE(proxy_endpoint::select("127.0.0.1", std::nullopt, true))
      << "never for loopback from the environment";
  EXPECT_EQ(proxy_endpoint::select("127.0.0.1", std::string("http://p:1"), true)->host, "p")
      << "explicit wins";
  ::unsetenv("HTTPS_PROXY");
  ::unsetenv("NO_PROXY");
  EXPECT_FALSE(proxy_endpoint::select("platform-cloud.8x8.com", std::nullopt, true));
}

TEST(scim_outcome, NamesAreStable) {
  EXPECT_EQ(core::enum_name(core::scim_outcome::outcome_unknown), "outcome_unknown");
  EXPECT_EQ(core::enum_name(core::scim_outcome::write_forbidden), "write_forbidden");
  EXPECT_EQ(core::enum_name(core::scim_outcome::auth_failed), "auth_failed");
}

}  // namespace
}  // namespace eightsync::connectors
