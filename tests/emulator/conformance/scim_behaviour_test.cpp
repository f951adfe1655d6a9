// One test per documented 8x8 SCIM behaviour (tests/emulator/README.md, "Behaviour").
#include <optional>
#include <set>

#include <boost/json/serialize.hpp>

#include "emulator_test.hpp"

namespace eightsync::emulator::test {
namespace {

namespace json = boost::json;

class scim_behaviour : public emulator_test {};

// The emails of a user that keeps one: `value`, typed `type`, primary.
json::array one_email(std::string_view value, std::string_view type) {
  return json::array{json::object{{"value", value}, {"type", type}, {"primary", true}}};
}

std::string user_filter(std::string_view user_name) {
  return "?filter=" + emulator_test::url_encode("userName eq " + json::serialize(json::string(user_name)));
}

TEST_F(scim_behaviour, ListIsPagedByOneBasedStartIndexAndCount) {
  start();
  json::array users;
  for (int i = 1; i <= 7; ++i)
    users.push_back(user("user" + std::to_string(i) + "@example.com"));
  const auto ids = seed(users);
  ASSERT_EQ(ids.size(), 7u);

  const auto first = list("?startIndex=1&count=3");
  EXPECT_EQ(first.at("schemas").as_array().at(0).as_string(),
            "urn:ietf:params:scim:api:messages:2.0:ListResponse");
  EXPECT_EQ(first.at("totalResults").as_int64(), 7);
  EXPECT_EQ(first.at("itemsPerPage").as_int64(), 3);
  EXPECT_EQ(first.at("startIndex").as_int64(), 1);
  ASSERT_EQ(first.at("Resources").as_array().size(), 3u);
  EXPECT_EQ(first.at("Resources").as_array().at(0).at("id").as_string(), ids[0]);

  const auto last = list("?startIndex=7&count=3");
  EXPECT_EQ(last.at("itemsPerPage").as_int64(), 1) << "itemsPerPage is the number returned";
  EXPECT_EQ(last.at("Resources").as_array().at(0).at("id").as_string(), ids[6]);

  const auto beyond = list("?startIndex=8&count=3");
  EXPECT_EQ(beyond.at("itemsPerPage").as_int64(), 0);
  EXPECT_EQ(beyond.at("totalResults").as_int64(), 7);

  const auto bad = scim().get("/scim/v2/Users?startIndex=abc");
  EXPECT_EQ(bad.status, 400u);
}

TEST_F(scim_behaviour, PageSizeIsCappedAtMaxPageSize) {
  start({"--max-page-size", "5"});
  json::array users;
  for (int i = 0; i < 12; ++i)
    users.push_back(user("cap" + std::to_string(i) + "@example.com"));
  seed(users);
  const auto page = list("?startIndex=1&count=50");
  EXPECT_EQ(page.at("itemsPerPage").as_int64(), 5);
  EXPECT_EQ(page.at("Resources").as_array().size(), 5u);
  EXPECT_EQ(page.at("totalResults").as_int64(), 12);
  const auto no_count = list("");
  EXPECT_EQ(no_count.at("itemsPerPage").as_int64(), 5) << "without count, a page is max-page-size";
}

TEST_F(scim_behaviour, DefaultMaxPageSizeIs100) {
  start();
  json::array users;
  for (int i = 0; i < 150; ++i)
    users.push_back(user("d" + std::to_string(i) + "@example.com"));
  seed(users);
  EXPECT_EQ(list("?count=1000").at("itemsPerPage").as_int64(), 100);
}

TEST_F(scim_behaviour, FilterUserNameEqIsCaseInsensitive) {
  start();
  const auto id = create("Jane.Doe@Example.com");
  create("someone.else@example.com");
  const auto page = list(user_filter("jane.doe@EXAMPLE.COM"));
  EXPECT_EQ(page.at("totalResults").as_int64(), 1);
  ASSERT_EQ(page.at("Resources").as_array().size(), 1u);
  EXPECT_EQ(page.at("Resources").as_array().at(0).at("id").as_string(), id);
  // Attribute name and operator are case-insensitive too; `+` in a query is a space.
  const auto plus = list("?filter=USERNAME+EQ+%22jane.doe%40example.com%22");
  EXPECT_EQ(plus.at("totalResults").as_int64(), 1);
  EXPECT_EQ(list(user_filter("nobody@example.com")).at("totalResults").as_int64(), 0);
}

TEST_F(scim_behaviour, FilterValueUsesJsonEscapes) {
  start();
  const std::string tricky = "o\"brien\\x@example.com";
  seed(json::array{user(tricky)});
  // The filter carries the value as a JSON string: \" and \\ are escapes, \u0062 is 'b'.
  const auto escaped = list("?filter=" + url_encode(R"(userName eq "o\"\u0062rien\\x@example.com")"));
  EXPECT_EQ(escaped.at("totalResults").as_int64(), 1);
  const auto unterminated = scim().get("/scim/v2/Users?filter=" + url_encode(R"(userName eq "o\")"));
  EXPECT_EQ(unterminated.status, 400u);
}

TEST_F(scim_behaviour, OtherFiltersAnswer400InvalidFilter) {
  start();
  create("jdoe@example.com");
  for (const std::string f : {R"(name.givenName eq "Jane")", R"(userName co "jdoe")", R"(userName sw "j")",
                              R"(userName eq "a" and userName eq "b")", "userName eq jdoe", "garbage",
                              R"(emails[type eq "work"].value eq "x")", R"(userName pr)"}) {
    const auto r = scim().get("/scim/v2/Users?filter=" + url_encode(f));
    EXPECT_EQ(r.status, 400u) << f;
    ASSERT_FALSE(r.error) << r.error.message();
    const auto body = r.json();
    EXPECT_EQ(body.at("scimType").as_string(), "invalidFilter") << f;
    EXPECT_EQ(body.at("status").as_string(), "400") << "status is a string";
    EXPECT_EQ(body.at("schemas").as_array().at(0).as_string(), "urn:ietf:params:scim:api:messages:2.0:Error");
  }
}

TEST_F(scim_behaviour, PostAnswers201WithFullObjectIdAndMeta) {
  start();
  auto body = user("new.hire@example.com", "New", "Hire");
  body["externalId"] = "HR-42";
  body["title"] = "Engineer";
  body["locale"] = "en-US";
  body["timezone"] = "US/Pacific";
  body["phoneNumbers"] = json::array{json::object{{"value", "+15550001"}, {"type", "mobile"}},
                                     json::object{{"value", "+15550002"}, {"type", "work"}}};
  body["urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"] = json::object{{"department", "R&D"}};
  body["urn:ietf:params:scim:schemas:extension:8x8:1.1:User"] = json::object{{"site", "HQ"}};
  const auto r = scim().post("/scim/v2/Users", body);
  ASSERT_EQ(r.status, 201u) << r.body;
  const auto u = r.json().as_object();
  const std::string id(u.at("id").as_string());
  EXPECT_EQ(id.size(), 36u) << "UUID-like id";
  EXPECT_EQ(u.at("userName").as_string(), "new.hire@example.com");
  EXPECT_EQ(u.at("externalId").as_string(), "HR-42");
  EXPECT_EQ(u.at("name").at("givenName").as_string(), "New");
  EXPECT_TRUE(u.at("active").as_bool()) << "active defaults to true";
  EXPECT_EQ(u.at("urn:ietf:params:scim:schemas:extension:enterprise:2.0:User").at("department").as_string(),
            "R&D");
  EXPECT_EQ(u.at("urn:ietf:params:scim:schemas:extension:8x8:1.1:User").at("site").as_string(), "HQ");
  const auto& phones = u.at("phoneNumbers").as_array();
  ASSERT_EQ(phones.size(), 1u) << "the work number cannot be set through SCIM";
  EXPECT_EQ(phones.at(0).at("type").as_string(), "mobile");
  const auto& meta = u.at("meta").as_object();
  EXPECT_EQ(meta.at("resourceType").as_string(), "User");
  EXPECT_FALSE(meta.at("created").as_string().empty());
  EXPECT_FALSE(meta.at("lastModified").as_string().empty());
  EXPECT_TRUE(meta.at("location").as_string().ends_with("/scim/v2/Users/" + id));
  EXPECT_EQ(r.header("location"), meta.at("location").as_string());
  std::set<std::string> schemas;
  for (const auto& s : u.at("schemas").as_array())
    schemas.emplace(s.as_string());
  EXPECT_TRUE(schemas.contains("urn:ietf:params:scim:schemas:core:2.0:User"));
  EXPECT_TRUE(schemas.contains("urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"));
  EXPECT_TRUE(schemas.contains("urn:ietf:params:scim:schemas:extension:8x8:1.1:User"));

  const auto got = scim().get("/scim/v2/Users/" + id);
  ASSERT_EQ(got.status, 200u);
  EXPECT_EQ(got.json(), r.json()) << "GET by id answers the same object";
  EXPECT_EQ(dump().size(), 1u);
}

TEST_F(scim_behaviour, PostWithoutRequiredAttributesAnswers400InvalidValue) {
  start();
  const auto without = [](std::string_view key) {
    auto u = user("x@example.com");
    u.erase(key);
    return u;
  };
  auto no_given = user("x@example.com");
  no_given["name"].as_object().erase("givenName");
  auto no_family = user("x@example.com");
  no_family["name"].as_object().erase("familyName");
  auto no_email_value = user("x@example.com");
  no_email_value["emails"].as_array()[0].as_object().erase("value");

  const std::vector<std::pair<std::string, json::object>> cases{{"no userName", without("userName")},
                                                                {"no name", without("name")},
                                                                {"no givenName", no_given},
                                                                {"no familyName", no_family},
                                                                {"email without value", no_email_value}};
  for (const auto& [what, body] : cases) {
    const auto r = scim().post("/scim/v2/Users", body);
    EXPECT_EQ(r.status, 400u) << what;
    if (r.status != 400) continue;
    EXPECT_EQ(r.json().at("scimType").as_string(), "invalidValue") << what;
    EXPECT_FALSE(r.json().at("detail").as_string().empty()) << what;
  }
  EXPECT_TRUE(dump().empty()) << "nothing was created";
}

// 8x8 keeps a single email and ignores `primary` (always true): of several, the work one is kept,
// else the primary one, else the first; it keeps its type, "work" when it has none.
TEST_F(scim_behaviour, PostKeepsOneEmailWorkElsePrimaryElseFirst) {
  start();
  const auto email = [](std::string_view value, std::string_view type, std::optional<bool> primary) {
    json::object e{{"value", value}};
    if (!type.empty()) e["type"] = type;
    if (primary) e["primary"] = *primary;
    return e;
  };
  const auto kept = [&](std::string_view user_name, json::array emails) {
    auto body = user(user_name);
    body["emails"] = std::move(emails);
    const auto r = scim().post("/scim/v2/Users", body);
    EXPECT_EQ(r.status, 201u) << user_name << ": " << r.body;
    if (r.status != 201) return json::array{};
    EXPECT_EQ(stored(r.json().at("id").as_string()).at("emails"), r.json().at("emails")) << user_name;
    return r.json().at("emails").as_array();
  };
  EXPECT_EQ(kept("a@example.com",
                 json::array{email("h@example.com", "home", true), email("w@example.com", "work", false)}),
            one_email("w@example.com", "work"))
      << "the work one wins over a primary one, and becomes primary";
  EXPECT_EQ(kept("b@example.com",
                 json::array{email("o@example.com", "other", false), email("p@example.com", "home", true)}),
            one_email("p@example.com", "home"))
      << "no work one: the primary one, its type kept";
  EXPECT_EQ(kept("c@example.com", json::array{email("f@example.com", "", std::nullopt),
                                              email("s@example.com", "", std::nullopt)}),
            one_email("f@example.com", "work"))
      << "neither: the first, typed work";
  EXPECT_EQ(kept("d@example.com", json::array{email("n@example.com", "Work", false)}),
            one_email("n@example.com", "Work"))
      << "primary false is ignored";
}

TEST_F(scim_behaviour, PostWithoutEmailGetsNoreply) {
  start();
  const auto noreply = one_email("noreply@8x8.com", "work");
  auto absent = user("absent@example.com");
  absent.erase("emails");
  auto empty = user("empty@example.com");
  empty["emails"] = json::array{};
  for (const auto& body : {absent, empty}) {
    const auto r = scim().post("/scim/v2/Users", body);
    ASSERT_EQ(r.status, 201u) << r.body;
    EXPECT_EQ(r.json().at("emails"), noreply) << body.at("userName").as_string();
    EXPECT_EQ(stored(r.json().at("id").as_string()).at("emails"), noreply);
  }
}

TEST_F(scim_behaviour, PutKeepsOneEmailAndAnOmittedOneStays) {
  start();
  const auto id = create("mover@example.com");
  auto two = user("mover@example.com");
  two["emails"] = json::array{json::object{{"value", "home@example.com"}, {"type", "home"}},
                              json::object{{"value", "new@example.com"}, {"type", "work"}}};
  const auto r = scim().put("/scim/v2/Users/" + id, two);
  ASSERT_EQ(r.status, 200u) << r.body;
  const auto one = one_email("new@example.com", "work");
  EXPECT_EQ(r.json().at("emails"), one);
  EXPECT_EQ(stored(id).at("emails"), one);
  // Left out (--put-omitted keep, the default): the stored email stays; nothing is filled in.
  auto none = user("mover@example.com", "Janet");
  none.erase("emails");
  ASSERT_EQ(scim().put("/scim/v2/Users/" + id, none).status, 200u);
  EXPECT_EQ(stored(id).at("emails"), one);
  EXPECT_EQ(stored(id).at("name").at("givenName").as_string(), "Janet");
}

// The admin seed is a back door for setting up state: emails stay as given, e.g. a user that
// lists two. A PUT that leaves them out keeps the one 8x8 would.
TEST_F(scim_behaviour, SeedKeepsEmailsAsGiven) {
  start();
  auto two = user("two@example.com");
  two["emails"] =
      json::array{json::object{{"value", "home@example.com"}, {"type", "home"}, {"primary", true}},
                  json::object{{"value", "two@example.com"}, {"type", "work"}}};
  auto none = user("none@example.com");
  none.erase("emails");
  const auto ids = seed(json::array{two, none});
  ASSERT_EQ(ids.size(), 2u);
  EXPECT_EQ(stored(ids[0]).at("emails"), two.at("emails"));
  EXPECT_FALSE(stored(ids[1]).contains("emails")) << "no email is filled in by the seed";
  auto put = user("two@example.com");
  put.erase("emails");
  ASSERT_EQ(scim().put("/scim/v2/Users/" + ids[0], put).status, 200u);
  EXPECT_EQ(stored(ids[0]).at("emails"), one_email("two@example.com", "work"));
  ASSERT_EQ(scim().put("/scim/v2/Users/" + ids[1], put).status, 200u);
  EXPECT_FALSE(stored(ids[1]).contains("emails"));
}

TEST_F(scim_behaviour, DuplicateUserNameInAnyCaseAnswers409Uniqueness) {
  start();
  create("dup@example.com");
  const auto r = scim().post("/scim/v2/Users", user("DUP@Example.COM"));
  EXPECT_EQ(r.status, 409u);
  EXPECT_EQ(r.json().at("scimType").as_string(), "uniqueness");
  EXPECT_EQ(r.json().at("status").as_string(), "409");
  EXPECT_EQ(dump().size(), 1u);
}

TEST_F(scim_behaviour, MalformedJsonAnswers400InvalidSyntax) {
  start();
  const auto r =
      scim().request("POST", "/scim/v2/Users", "{\"userName\": ", {{"Content-Type", "application/json"}});
  EXPECT_EQ(r.status, 400u);
  EXPECT_EQ(r.json().at("scimType").as_string(), "invalidSyntax");
  const auto id = create("a@example.com");
  EXPECT_EQ(scim().request("PUT", "/scim/v2/Users/" + id, "not json").status, 400u);
  EXPECT_EQ(scim().request("PATCH", "/scim/v2/Users/" + id, "[").status, 400u);
}

TEST_F(scim_behaviour, GetUnknownIdAnswers404) {
  start();
  const auto r = scim().get("/scim/v2/Users/00000000-0000-4000-8000-000000000000");
  EXPECT_EQ(r.status, 404u);
  EXPECT_EQ(r.json().at("status").as_string(), "404");
  EXPECT_EQ(scim().request("PUT", "/scim/v2/Users/nope", json::serialize(user("a@b.c"))).status, 404u);
  EXPECT_EQ(scim().del("/scim/v2/Users/nope").status, 404u);
}

TEST_F(scim_behaviour, PutIsAFullReplaceThatClearsWhatIsLeftOut) {
  start();
  auto body = user("mover@example.com");
  body["title"] = "Engineer";
  body["externalId"] = "HR-1";
  body["urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"] = json::object{{"department", "R&D"}};
  const auto created = scim().post("/scim/v2/Users", body);
  ASSERT_EQ(created.status, 201u);
  const std::string id(created.json().at("id").as_string());

  auto replacement = user("mover@example.com", "Janet", "Doe");
  replacement["locale"] = "fr-FR";
  const auto r = scim().put("/scim/v2/Users/" + id, replacement);
  ASSERT_EQ(r.status, 200u) << r.body;
  const auto u = r.json().as_object();
  EXPECT_EQ(u.at("name").at("givenName").as_string(), "Janet");
  EXPECT_EQ(u.at("locale").as_string(), "fr-FR");
  EXPECT_FALSE(u.contains("title")) << "left out, so cleared";
  EXPECT_FALSE(u.contains("externalId")) << "left out, so cleared";
  EXPECT_FALSE(u.contains("urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"));
  EXPECT_TRUE(u.at("active").as_bool()) << "active is kept when not sent";
  EXPECT_EQ(u.at("meta").at("created"), created.json().at("meta").at("created"));
  const auto s = stored(id);
  EXPECT_FALSE(s.contains("title"));
  EXPECT_EQ(s.at("name").at("givenName").as_string(), "Janet");

  auto incomplete = user("mover@example.com");
  incomplete["name"].as_object().erase("familyName");
  EXPECT_EQ(scim().put("/scim/v2/Users/" + id, incomplete).status, 400u) << "PUT checks like POST";
}

TEST_F(scim_behaviour, PutIgnoresUserName) {
  start();
  const auto id = create("original@example.com");
  const auto r = scim().put("/scim/v2/Users/" + id, user("renamed@example.com"));
  ASSERT_EQ(r.status, 200u);
  EXPECT_EQ(r.json().at("userName").as_string(), "original@example.com");
  EXPECT_EQ(stored(id).at("userName").as_string(), "original@example.com");
}

TEST_F(scim_behaviour, PutIgnoresTheWorkPhoneAndKeepsMobile) {
  start();
  auto seeded = user("phones@example.com");
  seeded["phoneNumbers"] = json::array{json::object{{"value", "+1555000100"}, {"type", "work"}}};
  const auto id = seed(json::array{seeded}).at(0);
  auto body = user("phones@example.com");
  body["phoneNumbers"] = json::array{json::object{{"value", "+1555999999"}, {"type", "work"}},
                                     json::object{{"value", "+1555000200"}, {"type", "mobile"}}};
  const auto r = scim().put("/scim/v2/Users/" + id, body);
  ASSERT_EQ(r.status, 200u) << r.body;
  std::map<std::string, std::string> phones;
  const auto answer = r.json();
  for (const auto& p : answer.at("phoneNumbers").as_array()) {
    phones[std::string(p.at("type").as_string())] = p.at("value").as_string();
  }
  EXPECT_EQ(phones["work"], "+1555000100") << "the admin-set work number stays";
  EXPECT_EQ(phones["mobile"], "+1555000200");
}

TEST_F(scim_behaviour, PutSetsSiteWhenUnset) {
  start();
  const auto id = create("site@example.com");
  auto body = user("site@example.com");
  body["urn:ietf:params:scim:schemas:extension:8x8:1.1:User"] = json::object{{"site", "Berlin"}};
  const auto r = scim().put("/scim/v2/Users/" + id, body);
  ASSERT_EQ(r.status, 200u);
  EXPECT_EQ(r.json().at("urn:ietf:params:scim:schemas:extension:8x8:1.1:User").at("site").as_string(),
            "Berlin");
}

TEST_F(scim_behaviour, PatchActiveTakesEffect) {
  start();
  const auto id = create("leaver@example.com");
  json::object op{{"schemas", json::array{"urn:ietf:params:scim:api:messages:2.0:PatchOp"}},
                  {"Operations",
                   json::array{json::object{{"op", "replace"}, {"value", json::object{{"active", false}}}}}}};
  auto r = scim().patch("/scim/v2/Users/" + id, op);
  ASSERT_EQ(r.status, 200u) << r.body;
  EXPECT_FALSE(r.json().at("active").as_bool());
  EXPECT_FALSE(stored(id).at("active").as_bool());
  // The path form, and Azure-style string values, work too.
  json::object rehire{
      {"schemas", json::array{"urn:ietf:params:scim:api:messages:2.0:PatchOp"}},
      {"Operations", json::array{json::object{{"op", "Replace"}, {"path", "active"}, {"value", "True"}}}}};
  r = scim().patch("/scim/v2/Users/" + id, rehire);
  ASSERT_EQ(r.status, 200u) << r.body;
  EXPECT_TRUE(stored(id).at("active").as_bool());
}

TEST_F(scim_behaviour, DeleteDeactivatesAnswers204AndTheUserStaysListable) {
  start();
  const auto id = create("gone@example.com");
  const auto r = scim().del("/scim/v2/Users/" + id);
  EXPECT_EQ(r.status, 204u);
  EXPECT_TRUE(r.body.empty());
  const auto got = scim().get("/scim/v2/Users/" + id);
  ASSERT_EQ(got.status, 200u);
  EXPECT_FALSE(got.json().at("active").as_bool());
  const auto page = list();
  EXPECT_EQ(page.at("totalResults").as_int64(), 1) << "no hard delete at 8x8";
  EXPECT_FALSE(page.at("Resources").as_array().at(0).at("active").as_bool());
}

TEST_F(scim_behaviour, BadOrMissingTokenAnswers401WithScimError) {
  start();
  http_client wrong(port(), "not-the-token");
  const auto r = wrong.get("/scim/v2/Users");
  EXPECT_EQ(r.status, 401u);
  EXPECT_EQ(r.json().at("status").as_string(), "401");
  EXPECT_EQ(r.body.find("not-the-token"), std::string::npos) << "never echo a presented token";
  http_client none(port(), "");
  EXPECT_EQ(none.get("/scim/v2/Users").status, 401u);
  EXPECT_EQ(none.post("/scim/v2/Users", user("x@example.com")).status, 401u);
  EXPECT_EQ(wrong.get("/scim/v2/ServiceProviderConfig").status, 401u);
  EXPECT_TRUE(dump().empty());
}

TEST_F(scim_behaviour, RevokedTokenAnswers401UntilANewOneIsSet) {
  start();
  EXPECT_EQ(scim().get("/scim/v2/Users").status, 200u);
  EXPECT_EQ(admin().del("/_emulator/token").status, 204u);
  const auto revoked = scim().get("/scim/v2/Users");
  EXPECT_EQ(revoked.status, 401u);
  EXPECT_EQ(scim().post("/scim/v2/Users", user("x@example.com")).status, 401u);
  EXPECT_EQ(admin().post("/_emulator/token", json::object{{"token", "fresh-token"}}).status, 204u);
  EXPECT_EQ(scim().get("/scim/v2/Users").status, 401u) << "the old token stays dead";
  scim().set_token("fresh-token");
  EXPECT_EQ(scim().get("/scim/v2/Users").status, 200u);
}

TEST_F(scim_behaviour, ServiceProviderConfigDescribesTheService) {
  start({"--max-page-size", "250"});
  const auto r = scim().get("/scim/v2/ServiceProviderConfig");
  ASSERT_EQ(r.status, 200u);
  const auto c = r.json();
  EXPECT_TRUE(c.at("patch").at("supported").as_bool());
  EXPECT_FALSE(c.at("bulk").at("supported").as_bool());
  EXPECT_TRUE(c.at("filter").at("supported").as_bool());
  EXPECT_EQ(c.at("filter").at("maxResults").as_int64(), 250);
  EXPECT_EQ(c.at("authenticationSchemes").as_array().at(0).at("type").as_string(), "oauthbearertoken");
}

TEST_F(scim_behaviour, UnknownPathAnswers404AndWrongMethod405) {
  start();
  EXPECT_EQ(scim().get("/scim/v2/Groups").status, 404u);
  EXPECT_EQ(scim().get("/nothing/here").status, 404u);
  const auto r = scim().request("DELETE", "/scim/v2/Users");
  EXPECT_EQ(r.status, 405u);
  EXPECT_EQ(r.header("allow"), "GET, POST");
  EXPECT_EQ(scim().request("POST", "/scim/v2/Users/some-id", "{}").status, 405u);
  EXPECT_EQ(scim().request("PUT", "/scim/v2/ServiceProviderConfig", "{}").status, 405u);
}

TEST_F(scim_behaviour, RealEightByEightBasePathIsAccepted) {
  start();
  const auto r = scim().post("/udi/customers/0012a00000ABCDE/scim/v2/Users", user("base@example.com"));
  ASSERT_EQ(r.status, 201u);
  const std::string id(r.json().at("id").as_string());
  EXPECT_EQ(scim().get("/udi/customers/0012a00000ABCDE/scim/v2/Users/" + id).status, 200u);
  EXPECT_EQ(scim().get("/scim/v2/Users/" + id).status, 200u);
}

TEST_F(scim_behaviour, KeepAliveServesManyRequestsOnOneConnection) {
  start();
  for (int i = 0; i < 20; ++i)
    ASSERT_EQ(scim().get("/scim/v2/Users").status, 200u);
  EXPECT_EQ(scim().connections_opened(), 1);
}

}  // namespace
}  // namespace eightsync::emulator::test
