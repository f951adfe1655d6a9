// One test per switch setting: --site-change, --patch-other, --visibility, --filter-externalid,
// --read-only, --token-file, --foreign-user-names, --site-schema, --put-omitted, --past-end, --sites,
// --external-id, --post-ignores-active, and runtime changes through /_emulator/settings.
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <fstream>

#include <boost/json/serialize.hpp>

#include "emulator_test.hpp"

namespace eightsync::emulator::test {
namespace {

namespace json = boost::json;

constexpr std::string_view x8 = "urn:ietf:params:scim:schemas:extension:8x8:1.1:User";

class switches : public emulator_test {
 protected:
  std::string create_with_site(std::string_view name, std::string_view site) {
    auto body = user(name);
    body[x8] = json::object{{"site", site}};
    const auto r = scim().post("/scim/v2/Users", body);
    EXPECT_EQ(r.status, 201u) << r.body;
    return r.status == 201 ? std::string(r.json().at("id").as_string()) : std::string{};
  }
  http_result put_site(const std::string& id, std::string_view name, std::string_view site) {
    auto body = user(name, "Changed");
    body[x8] = json::object{{"site", site}};
    return scim().put("/scim/v2/Users/" + id, body);
  }
  static json::object patch_body(json::array ops) {
    return json::object{{"schemas", json::array{"urn:ietf:params:scim:api:messages:2.0:PatchOp"}},
                        {"Operations", std::move(ops)}};
  }
  /// A file holding `text`, removed at TearDown.
  std::string temp_file(std::string_view tag, std::string_view text) {
    const std::string path =
        ::testing::TempDir() + "emulator-" + std::string(tag) + "-" + std::to_string(::getpid());
    std::ofstream(path) << text;
    files_.push_back(path);
    return path;
  }
  void TearDown() override {
    emulator_test::TearDown();
    for (const auto& f : files_)
      std::remove(f.c_str());
  }
  http_result patch_settings(std::string_view body) {
    return admin().request("PATCH", "/_emulator/settings", std::string(body));
  }
  static void expect_invalid_value(const http_result& r, std::string_view what) {
    EXPECT_EQ(r.status, 400u) << what << ": " << r.body;
    if (r.status != 400) return;
    EXPECT_EQ(r.json().at("scimType").as_string(), "invalidValue") << what;
    EXPECT_FALSE(r.json().at("detail").as_string().empty()) << what;
  }
  std::string site_of(const std::string& id) {
    const auto s = stored(id);
    return s.contains(x8) ? std::string(s.at(x8).at("site").as_string()) : std::string{};
  }

 private:
  std::vector<std::string> files_;
};

TEST_F(switches, SiteChangeIgnoreKeepsTheSiteAndAnswers200) {
  start({"--site-change", "ignore"});
  const auto id = create_with_site("s@example.com", "London");
  const auto r = put_site(id, "s@example.com", "Paris");
  ASSERT_EQ(r.status, 200u) << r.body;
  EXPECT_EQ(r.json().at(x8).at("site").as_string(), "London");
  EXPECT_EQ(r.json().at("name").at("givenName").as_string(), "Changed") << "the rest of the PUT applies";
  EXPECT_EQ(site_of(id), "London");
}

TEST_F(switches, SiteChangeIsIgnoredByDefault) {
  start();
  const auto id = create_with_site("s@example.com", "London");
  EXPECT_EQ(put_site(id, "s@example.com", "Paris").status, 200u);
  EXPECT_EQ(site_of(id), "London");
  auto no_site = user("s@example.com");
  ASSERT_EQ(scim().put("/scim/v2/Users/" + id, no_site).status, 200u);
  EXPECT_EQ(site_of(id), "London") << "leaving site out does not clear it";
}

TEST_F(switches, SiteChangeRejectAnswers400AndChangesNothing) {
  start({"--site-change", "reject"});
  const auto id = create_with_site("s@example.com", "London");
  const auto r = put_site(id, "s@example.com", "Paris");
  EXPECT_EQ(r.status, 400u);
  EXPECT_EQ(r.json().at("status").as_string(), "400");
  EXPECT_EQ(site_of(id), "London");
  EXPECT_EQ(stored(id).at("name").at("givenName").as_string(), "Jane") << "a refused PUT changes nothing";
  EXPECT_EQ(put_site(id, "s@example.com", "London").status, 200u) << "the same site is not a change";
}

TEST_F(switches, PatchOtherIgnoreAnswers200AndChangesNothing) {
  start({"--patch-other", "ignore"});
  const auto id = create("p@example.com");
  const auto before = stored(id);
  const auto r = scim().patch(
      "/scim/v2/Users/" + id,
      patch_body(json::array{json::object{{"op", "replace"}, {"path", "title"}, {"value", "Boss"}},
                             json::object{{"op", "remove"}, {"path", "externalId"}}}));
  ASSERT_EQ(r.status, 200u) << r.body;
  EXPECT_FALSE(r.json().as_object().contains("title"));
  EXPECT_EQ(stored(id), before);
  // Mixed with active: active applies, the rest is ignored.
  const auto mixed =
      scim().patch("/scim/v2/Users/" + id,
                   patch_body(json::array{json::object{
                       {"op", "replace"}, {"value", json::object{{"active", false}, {"title", "X"}}}}}));
  ASSERT_EQ(mixed.status, 200u);
  EXPECT_FALSE(stored(id).at("active").as_bool());
  EXPECT_FALSE(stored(id).contains("title"));
}

TEST_F(switches, PatchOtherRejectAnswers400) {
  start({"--patch-other", "reject"});
  const auto id = create("p@example.com");
  const auto r =
      scim().patch("/scim/v2/Users/" + id,
                   patch_body(json::array{json::object{
                       {"op", "replace"}, {"value", json::object{{"active", false}, {"title", "X"}}}}}));
  EXPECT_EQ(r.status, 400u);
  EXPECT_TRUE(stored(id).at("active").as_bool()) << "a refused PATCH applies nothing, active included";
  const auto ok = scim().patch(
      "/scim/v2/Users/" + id,
      patch_body(json::array{json::object{{"op", "replace"}, {"path", "active"}, {"value", false}}}));
  EXPECT_EQ(ok.status, 200u) << "active alone is still fine";
  EXPECT_FALSE(stored(id).at("active").as_bool());
}

// 8x8 spells its site extension two ways; an account keeps site under one of them
// (--site-schema), and a site sent under the other is an unknown extension, dropped.
TEST_F(switches, SiteSchemaIsThe11UrnByDefault) {
  start();
  EXPECT_EQ(admin().request("GET", "/_emulator/settings").json().at("site_schema").as_string(), x8);
}

TEST_F(switches, SiteSchema20KeepsTheSiteUnderThatUrnOnly) {
  constexpr std::string_view x8_2 = "urn:8x8:scim:schemas:extension:8x8user:2.0:User";
  start({"--site-schema", std::string(x8_2)});
  auto body = user("two@example.com");
  body[x8_2] = json::object{{"site", "London"}};
  auto r = scim().post("/scim/v2/Users", body);
  ASSERT_EQ(r.status, 201u) << r.body;
  const auto id = std::string(r.json().at("id").as_string());
  const auto two = stored(id);
  EXPECT_EQ(two.at(x8_2).at("site").as_string(), "London");
  EXPECT_FALSE(two.contains(x8));
  const auto& schemas = two.at("schemas").as_array();
  EXPECT_NE(std::find(schemas.begin(), schemas.end(), json::value(x8_2)), schemas.end());
  // Under the other URN: dropped, the user has no site.
  const auto other = create_with_site("one@example.com", "Paris");
  EXPECT_FALSE(stored(other).contains(x8));
  EXPECT_FALSE(stored(other).contains(x8_2));
  // Write-once applies under this URN: a different site is ignored.
  auto put = user("two@example.com");
  put[x8_2] = json::object{{"site", "Paris"}};
  ASSERT_EQ(scim().put("/scim/v2/Users/" + id, put).status, 200u);
  EXPECT_EQ(stored(id).at(x8_2).at("site").as_string(), "London");
  EXPECT_EQ(admin().request("PATCH", "/_emulator/settings", R"({"site_schema":"urn:example:other"})").status,
            400u);
}

// A PUT that leaves out site and active: kept by default, cleared (no site, active false) with
// --put-omitted clear. 8x8 does not say which it does.
TEST_F(switches, PutOmittedKeepKeepsSiteAndActive) {
  start();
  const auto id = create_with_site("k@example.com", "London");
  ASSERT_EQ(scim().put("/scim/v2/Users/" + id, user("k@example.com", "Changed")).status, 200u);
  EXPECT_EQ(site_of(id), "London");
  EXPECT_TRUE(stored(id).at("active").as_bool());
  EXPECT_EQ(stored(id).at("emails").at(0).at("value").as_string(), "k@example.com") << "user() carries it";
  auto no_email = user("k@example.com", "Changed");
  no_email.erase("emails");
  ASSERT_EQ(scim().put("/scim/v2/Users/" + id, no_email).status, 200u);
  EXPECT_EQ(stored(id).at("emails").at(0).at("value").as_string(), "k@example.com")
      << "an omitted email is kept";
  EXPECT_EQ(admin().request("GET", "/_emulator/settings").json().at("put_omitted").as_string(), "keep");
}

TEST_F(switches, PutOmittedClearClearsSiteAndActive) {
  start({"--put-omitted", "clear"});
  const auto id = create_with_site("c@example.com", "London");
  ASSERT_EQ(scim().put("/scim/v2/Users/" + id, user("c@example.com", "Changed")).status, 200u);
  EXPECT_EQ(site_of(id), "");
  EXPECT_FALSE(stored(id).at("active").as_bool());
  auto no_email = user("c@example.com", "Changed");
  no_email.erase("emails");
  ASSERT_EQ(scim().put("/scim/v2/Users/" + id, no_email).status, 200u);
  EXPECT_FALSE(stored(id).contains("emails")) << "an omitted email is removed, not filled in";
  // A PUT that carries both keeps them, in this mode too.
  const auto id2 = create_with_site("d@example.com", "Paris");
  auto body = user("d@example.com", "Changed");
  body[x8] = json::object{{"site", "Paris"}};
  body["active"] = true;
  ASSERT_EQ(scim().put("/scim/v2/Users/" + id2, body).status, 200u);
  EXPECT_EQ(site_of(id2), "Paris");
  EXPECT_TRUE(stored(id2).at("active").as_bool());
  EXPECT_EQ(admin().request("PATCH", "/_emulator/settings", R"({"put_omitted":"drop"})").status, 400u);
}

// A startIndex past the last user: an empty page by default (RFC 7644 §3.4.2.4), page 1 again
// with --past-end first-page, as some SCIM servers answer.
TEST_F(switches, PastTheEndIsAnEmptyPageByDefault) {
  start();
  seed(json::array{user("a@example.com"), user("b@example.com"), user("c@example.com")});
  const auto page = list("?startIndex=10&count=2");
  EXPECT_EQ(page.at("totalResults").as_int64(), 3);
  EXPECT_TRUE(page.at("Resources").as_array().empty());
  EXPECT_EQ(admin().request("GET", "/_emulator/settings").json().at("past_end").as_string(), "empty");
}

TEST_F(switches, PastEndFirstPageAnswersPageOneAgain) {
  start({"--past-end", "first-page"});
  const auto ids = seed(json::array{user("a@example.com"), user("b@example.com"), user("c@example.com")});
  const auto page = list("?startIndex=4&count=2");
  EXPECT_EQ(page.at("totalResults").as_int64(), 3);
  EXPECT_EQ(page.at("startIndex").as_int64(), 1);
  const auto& users = page.at("Resources").as_array();
  ASSERT_EQ(users.size(), 2u);
  EXPECT_EQ(users[0].at("id").as_string(), ids[0]);
  EXPECT_EQ(users[1].at("id").as_string(), ids[1]);
  EXPECT_EQ(list("?startIndex=3&count=2").at("Resources").as_array().size(), 1u)
      << "the last page is as ever";
  const auto r = admin().request("PATCH", "/_emulator/settings", R"({"past_end":"empty"})");
  ASSERT_EQ(r.status, 200u) << r.body;
  EXPECT_TRUE(list("?startIndex=4&count=2").at("Resources").as_array().empty());
  EXPECT_EQ(admin().request("PATCH", "/_emulator/settings", R"({"past_end":"loop"})").status, 400u);
}

TEST_F(switches, VisibilityAllListsAdminConsoleUsers) {
  start({"--visibility", "all"});
  auto manual = user("manual@example.com");
  manual["_adminConsole"] = true;
  const auto ids = seed(json::array{manual, user("idp@example.com")});
  EXPECT_EQ(list().at("totalResults").as_int64(), 2);
  EXPECT_EQ(
      list("?filter=" + url_encode(R"(userName eq "manual@example.com")")).at("totalResults").as_int64(), 1);
  EXPECT_EQ(scim().get("/scim/v2/Users/" + ids[0]).status, 200u);
}

TEST_F(switches, VisibilityIdpOnlyHidesAdminConsoleUsers) {
  start({"--visibility", "idp_only"});
  auto manual = user("manual@example.com");
  manual["_adminConsole"] = true;
  const auto ids = seed(json::array{manual, user("idp@example.com"), user("idp2@example.com")});
  const auto page = list();
  EXPECT_EQ(page.at("totalResults").as_int64(), 2);
  for (const auto& u : page.at("Resources").as_array())
    EXPECT_NE(u.at("id").as_string(), ids[0]);
  EXPECT_EQ(
      list("?filter=" + url_encode(R"(userName eq "manual@example.com")")).at("totalResults").as_int64(), 0)
      << "hidden from filters";
  EXPECT_EQ(scim().get("/scim/v2/Users/" + ids[0]).status, 404u);
  const auto dup = scim().post("/scim/v2/Users", user("Manual@example.com"));
  EXPECT_EQ(dup.status, 409u) << "a hidden user still holds its userName: not listed is not gone";
  EXPECT_EQ(dump().size(), 3u) << "the dump shows hidden users";
  EXPECT_TRUE(dump().at(0).at("_adminConsole").as_bool());
}

TEST_F(switches, ExternalIdFilterIsRefusedByDefault) {
  start();
  auto u = user("e@example.com");
  u["externalId"] = "HR-7";
  seed(json::array{u});
  const auto r = scim().get("/scim/v2/Users?filter=" + url_encode(R"(externalId eq "HR-7")"));
  EXPECT_EQ(r.status, 400u);
  EXPECT_EQ(r.json().at("scimType").as_string(), "invalidFilter");
}

TEST_F(switches, ExternalIdFilterWorksWithTheFlag) {
  start({"--filter-externalid"});
  auto u = user("e@example.com");
  u["externalId"] = "HR-7";
  const auto ids = seed(json::array{u, user("f@example.com")});
  const auto page = list("?filter=" + url_encode(R"(externalId eq "HR-7")"));
  ASSERT_EQ(page.at("totalResults").as_int64(), 1);
  EXPECT_EQ(page.at("Resources").as_array().at(0).at("id").as_string(), ids[0]);
  EXPECT_EQ(list("?filter=" + url_encode(R"(externalId eq "hr-7")")).at("totalResults").as_int64(), 0)
      << "externalId is case-exact";
}

TEST_F(switches, ReadOnlyAnswers403ToEveryWrite) {
  start({"--read-only"});
  const auto id = seed(json::array{user("r@example.com")}).at(0);
  EXPECT_EQ(scim().get("/scim/v2/Users").status, 200u);
  EXPECT_EQ(scim().get("/scim/v2/Users/" + id).status, 200u);
  const auto post = scim().post("/scim/v2/Users", user("new@example.com"));
  EXPECT_EQ(post.status, 403u);
  EXPECT_EQ(post.json().at("status").as_string(), "403");
  EXPECT_EQ(scim().put("/scim/v2/Users/" + id, user("r@example.com")).status, 403u);
  EXPECT_EQ(scim().patch("/scim/v2/Users/" + id, patch_body(json::array{})).status, 403u);
  EXPECT_EQ(scim().del("/scim/v2/Users/" + id).status, 403u);
  EXPECT_EQ(dump().size(), 1u);
  EXPECT_TRUE(stored(id).at("active").as_bool());
}

TEST_F(switches, ReadWriteIsTheDefault) {
  start();
  EXPECT_EQ(scim().post("/scim/v2/Users", user("new@example.com")).status, 201u);
}

TEST_F(switches, TokenFileGivesTheToken) {
  const std::string path = ::testing::TempDir() + "emulator-token-" + std::to_string(::getpid());
  {
    std::ofstream f(path);
    f << "file-token-123\n";
  }
  emulator_process p({"--token-file", path});
  http_client c(p.port(), "file-token-123");
  EXPECT_EQ(c.get("/scim/v2/Users").status, 200u);
  http_client wrong(p.port(), std::string(test_token));
  EXPECT_EQ(wrong.get("/scim/v2/Users").status, 401u);
  EXPECT_EQ(p.stop(), 0);
  std::remove(path.c_str());
}

// userName is unique across all of 8x8: a name taken in another account answers 409 here, while
// nothing in this account has it.
TEST_F(switches, ForeignUserNamesAnswer409AndStayInvisible) {
  const std::string path = ::testing::TempDir() + "emulator-foreign-" + std::to_string(::getpid());
  {
    std::ofstream f(path);
    f << "# taken in another account\n  taken@example.com  \n\n";
  }
  start({"--foreign-user-names", path});
  std::remove(path.c_str());
  const auto r = scim().post("/scim/v2/Users", user("Taken@Example.com"));
  EXPECT_EQ(r.status, 409u) << r.body;
  EXPECT_EQ(r.json().at("scimType").as_string(), "uniqueness");
  EXPECT_EQ(list("?filter=userName%20eq%20%22taken%40example.com%22").at("totalResults").as_int64(), 0);
  EXPECT_EQ(list().at("totalResults").as_int64(), 0);
  EXPECT_EQ(scim().post("/scim/v2/Users", user("free@example.com")).status, 201u);
  // At runtime, too; an empty list frees the name.
  auto s = admin().request("PATCH", "/_emulator/settings", R"({"foreign_user_names":[]})");
  ASSERT_EQ(s.status, 200u) << s.body;
  EXPECT_EQ(scim().post("/scim/v2/Users", user("taken@example.com")).status, 201u);
  s = admin().request("PATCH", "/_emulator/settings", R"({"foreign_user_names":["x@example.com"]})");
  EXPECT_EQ(s.json().at("foreign_user_names").as_array().size(), 1u);
  EXPECT_EQ(scim().post("/scim/v2/Users", user("x@example.com")).status, 409u);
  EXPECT_EQ(admin().request("PATCH", "/_emulator/settings", R"({"foreign_user_names":[1]})").status, 400u);
}

TEST_F(switches, ForeignUserNamesAreNoneByDefault) {
  start();
  EXPECT_TRUE(
      admin().request("GET", "/_emulator/settings").json().at("foreign_user_names").as_array().empty());
}

// site must be exactly a site defined in Admin Console (--sites); 8x8 refuses any other name.
// Only a site the request would set is checked: a POST's, or a PUT's on a user without one.
TEST_F(switches, SitesAcceptAnySiteByDefault) {
  start();
  EXPECT_TRUE(admin().request("GET", "/_emulator/settings").json().at("sites").as_array().empty());
  create_with_site("any@example.com", "Anywhere At All");
}

TEST_F(switches, SitesRefuseAnUnknownSiteWith400AndChangeNothing) {
  start({"--sites", temp_file("sites", "# sites in Admin Console\n  London HQ  \n\nParis\n")});
  auto body = user("new@example.com");
  for (const std::string site : {"Berlin", "london hq", "London"}) {
    body[x8] = json::object{{"site", site}};
    expect_invalid_value(scim().post("/scim/v2/Users", body), "POST site " + site);
  }
  EXPECT_TRUE(dump().empty()) << "a refused POST creates nothing";
  const auto london = create_with_site("new@example.com", "London HQ");
  const auto none = create("none@example.com");

  expect_invalid_value(put_site(none, "none@example.com", "Berlin"), "PUT setting an unknown site");
  EXPECT_EQ(site_of(none), "");
  EXPECT_EQ(stored(none).at("name").at("givenName").as_string(), "Jane") << "a refused PUT changes nothing";
  ASSERT_EQ(put_site(none, "none@example.com", "Paris").status, 200u);
  EXPECT_EQ(site_of(none), "Paris");
  // A set site is not set again: a different one is ignored (--site-change), whatever its name.
  ASSERT_EQ(put_site(london, "new@example.com", "Berlin").status, 200u);
  EXPECT_EQ(site_of(london), "London HQ");
  // A site seeded outside the list (the seed is a back door) is kept as it is.
  auto seeded = user("seeded@example.com");
  seeded[x8] = json::object{{"site", "Tokyo"}};
  const auto tokyo = seed(json::array{seeded}).at(0);
  EXPECT_EQ(put_site(tokyo, "seeded@example.com", "Tokyo").status, 200u);
  EXPECT_EQ(site_of(tokyo), "Tokyo");

  const auto s = patch_settings(R"({"sites":["Berlin"]})");
  ASSERT_EQ(s.status, 200u) << s.body;
  EXPECT_EQ(s.json().at("sites"), json::array{"Berlin"});
  EXPECT_EQ(create_with_site("berlin@example.com", "Berlin").empty(), false);
  ASSERT_EQ(patch_settings(R"({"sites":[]})").status, 200u);
  create_with_site("lyon@example.com", "Lyon");
  EXPECT_EQ(patch_settings(R"({"sites":[""]})").status, 400u);
  EXPECT_EQ(patch_settings(R"({"sites":"Paris"})").status, 400u);
}

// externalId: any string by default (8x8's current article); digits only with --external-id
// numeric (an older article types it as an integer).
TEST_F(switches, ExternalIdAcceptsAnyStringByDefault) {
  start();
  auto body = user("e@example.com");
  body["externalId"] = "HR-1";
  const auto r = scim().post("/scim/v2/Users", body);
  ASSERT_EQ(r.status, 201u) << r.body;
  EXPECT_EQ(r.json().at("externalId").as_string(), "HR-1");
  EXPECT_EQ(admin().request("GET", "/_emulator/settings").json().at("external_id").as_string(), "any");
  body["externalId"] = 42;
  body["userName"] = "f@example.com";
  expect_invalid_value(scim().post("/scim/v2/Users", body), "an integer is not a string");
}

TEST_F(switches, ExternalIdNumericRefusesAnythingButDigitsWith400) {
  start({"--external-id", "numeric"});
  auto body = user("e@example.com");
  for (const json::value& id : {json::value("HR-1"), json::value("12a"), json::value(" 12"), json::value(-5),
                                json::value(1.5), json::value(true)}) {
    body["externalId"] = id;
    expect_invalid_value(scim().post("/scim/v2/Users", body), "POST externalId " + json::serialize(id));
  }
  EXPECT_TRUE(dump().empty()) << "a refused POST creates nothing";

  body["externalId"] = "00123";
  auto r = scim().post("/scim/v2/Users", body);
  ASSERT_EQ(r.status, 201u) << r.body;
  const std::string id(r.json().at("id").as_string());
  EXPECT_EQ(stored(id).at("externalId").as_string(), "00123");
  auto integer = user("i@example.com");
  integer["externalId"] = 456;
  r = scim().post("/scim/v2/Users", integer);
  ASSERT_EQ(r.status, 201u) << r.body;
  EXPECT_EQ(r.json().at("externalId").as_string(), "456") << "an integer is kept as its digits";
  auto empty = user("empty@example.com");
  empty["externalId"] = "";
  EXPECT_EQ(scim().post("/scim/v2/Users", empty).status, 201u) << "an empty externalId is fine";
  create("absent@example.com");

  auto put = user("e@example.com", "Changed");
  put["externalId"] = "E-9";
  expect_invalid_value(scim().put("/scim/v2/Users/" + id, put), "PUT externalId E-9");
  EXPECT_EQ(stored(id).at("externalId").as_string(), "00123");
  EXPECT_EQ(stored(id).at("name").at("givenName").as_string(), "Jane") << "a refused PUT changes nothing";
  put["externalId"] = "789";
  ASSERT_EQ(scim().put("/scim/v2/Users/" + id, put).status, 200u);
  EXPECT_EQ(stored(id).at("externalId").as_string(), "789");

  auto seeded = user("seeded@example.com");
  seeded["externalId"] = "HR-7";
  seed(json::array{seeded});  // the seed is a back door: any string goes

  auto s = patch_settings(R"({"external_id":"any"})");
  ASSERT_EQ(s.status, 200u) << s.body;
  EXPECT_EQ(s.json().at("external_id").as_string(), "any");
  auto letters = user("letters@example.com");
  letters["externalId"] = "HR-2";
  EXPECT_EQ(scim().post("/scim/v2/Users", letters).status, 201u);
  EXPECT_EQ(patch_settings(R"({"external_id":"letters"})").status, 400u);
}

// `"active": false` on create: honoured by default (the user is created inactive and the 201
// shows it); with --post-ignores-active every POST creates an active user and the 201 says so.
TEST_F(switches, PostHonoursActiveFalseByDefault) {
  start();
  auto body = user("inactive@example.com");
  body["active"] = false;
  const auto r = scim().post("/scim/v2/Users", body);
  ASSERT_EQ(r.status, 201u) << r.body;
  EXPECT_FALSE(r.json().at("active").as_bool()) << "the 201 shows what was created";
  EXPECT_FALSE(stored(std::string(r.json().at("id").as_string())).at("active").as_bool());
  const auto omitted = scim().post("/scim/v2/Users", user("omitted@example.com"));
  ASSERT_EQ(omitted.status, 201u) << omitted.body;
  EXPECT_TRUE(omitted.json().at("active").as_bool()) << "an omitted active means true";
  EXPECT_FALSE(admin().request("GET", "/_emulator/settings").json().at("post_ignores_active").as_bool());
}

TEST_F(switches, PostIgnoresActiveCreatesEveryUserActive) {
  start({"--post-ignores-active"});
  auto body = user("ignored@example.com");
  body["active"] = false;
  const auto r = scim().post("/scim/v2/Users", body);
  ASSERT_EQ(r.status, 201u) << r.body;
  const std::string id(r.json().at("id").as_string());
  EXPECT_TRUE(r.json().at("active").as_bool()) << "the 201 shows the user active";
  EXPECT_TRUE(stored(id).at("active").as_bool());
  EXPECT_TRUE(admin().request("GET", "/_emulator/settings").json().at("post_ignores_active").as_bool());

  // A PATCH still deactivates it: only the POST ignores active.
  const auto p = scim().patch(
      "/scim/v2/Users/" + id,
      patch_body(json::array{json::object{{"op", "replace"}, {"value", json::object{{"active", false}}}}}));
  ASSERT_EQ(p.status, 200u) << p.body;
  EXPECT_FALSE(stored(id).at("active").as_bool());

  auto s = patch_settings(R"({"post_ignores_active":false})");
  ASSERT_EQ(s.status, 200u) << s.body;
  EXPECT_FALSE(s.json().at("post_ignores_active").as_bool());
  body["userName"] = "honoured@example.com";
  const auto again = scim().post("/scim/v2/Users", body);
  ASSERT_EQ(again.status, 201u) << again.body;
  EXPECT_FALSE(again.json().at("active").as_bool());
  EXPECT_EQ(patch_settings(R"({"post_ignores_active":"yes"})").status, 400u);
}

TEST_F(switches, SettingsChangeAtRuntime) {
  start();
  const auto id = create("rt@example.com");
  auto r = admin().request("PATCH", "/_emulator/settings", R"({"read_only":true,"patch_other":"reject"})");
  ASSERT_EQ(r.status, 200u) << r.body;
  EXPECT_TRUE(r.json().at("read_only").as_bool());
  EXPECT_EQ(scim().del("/scim/v2/Users/" + id).status, 403u);
  r = admin().request("PATCH", "/_emulator/settings", R"({"read_only":false})");
  EXPECT_EQ(scim().del("/scim/v2/Users/" + id).status, 204u);
  EXPECT_EQ(admin().request("PATCH", "/_emulator/settings", R"({"bogus":1})").status, 400u);
  EXPECT_EQ(admin().request("PATCH", "/_emulator/settings", R"({"visibility":"some"})").status, 400u);
}

}  // namespace
}  // namespace eightsync::emulator::test
