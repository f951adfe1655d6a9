// Which of 8x8's two site extension URNs eightsync writes new sites under (site_schema.hpp): the
// configured one, else the one listed users carry, else the remembered one, else the 1.1 URN,
// assumed and said so in the plan.
#include "planner_test_support.hpp"

namespace eightsync::core::planner_test {
namespace {

// `p` listed with their site under the 2.0 URN instead of the 1.1 one.
json::object& add_remote_under_2_0(world& w, const person& p, const std::string& id) {
  auto& o = w.add_remote(p, id);
  o.erase(scim_user_codec::x8_schema);
  o[x8_user_schema_urn] = json::object{{"site", p.site}};
  o["schemas"] =
      json::array{scim_user_codec::core_schema, scim_user_codec::enterprise_schema, x8_user_schema_urn};
  return o;
}

TEST(site_schema, choice_order_is_configured_seen_remembered_assumed) {
  const std::string_view v1 = x8_schema_urn;
  const std::string_view v2 = x8_user_schema_urn;
  EXPECT_EQ(choose_site_schema(v2, v1, v1), (site_schema_choice{v2, site_schema_source::configured}));
  EXPECT_EQ(choose_site_schema("auto", v2, v1), (site_schema_choice{v2, site_schema_source::seen}));
  EXPECT_EQ(choose_site_schema("auto", std::nullopt, v2),
            (site_schema_choice{v2, site_schema_source::remembered}));
  EXPECT_EQ(choose_site_schema("auto", std::nullopt, std::nullopt),
            (site_schema_choice{v1, site_schema_source::assumed}));
  EXPECT_EQ(choose_site_schema("auto", std::nullopt, std::string_view("urn:garbage")),
            (site_schema_choice{v1, site_schema_source::assumed}))
      << "an unreadable remembered value is not trusted";
  EXPECT_FALSE(site_schema_urn("URN:8x8:scim:schemas:extension:8x8user:2.0:User")) << "URNs compare exactly";
}

TEST(site_schema, the_census_counts_urns_and_distinct_sites) {
  const auto read = [](std::string_view json) {
    return *remote_user::from_object(json::parse(json).as_object(), {});
  };
  std::vector<remote_user> users;
  users.push_back(read(R"({"id":"a"})"));
  users.push_back(read(R"({"id":"b","urn:8x8:scim:schemas:extension:8x8user:2.0:User":{"site":"Austin"}})"));
  users.push_back(
      read(R"({"id":"c","urn:ietf:params:scim:schemas:extension:8x8:1.1:User":{"site":" Austin "}})"));
  users.push_back(read(R"({"id":"d","urn:8x8:scim:schemas:extension:8x8user:2.0:User":{"site":"Leeds"}})"));
  EXPECT_EQ(users[1].read_location(attribute::site), 1U);
  EXPECT_EQ(users[2].read_location(attribute::site), 0U);
  site_census census;
  census.add(users[0]);
  EXPECT_FALSE(census.urn()) << "nobody carries a site";
  census.add(users[1]);
  EXPECT_EQ(census.urn(), x8_user_schema_urn);
  census.add(users[2]);
  EXPECT_EQ(census.urn(), x8_schema_urn) << "a tie: the 1.1 URN";
  census.add(users[3]);
  EXPECT_EQ(census.urn(), x8_user_schema_urn);
  EXPECT_EQ(census.users_with_site(), 3U);
  EXPECT_EQ(census.sites(), (std::set<std::string_view, std::less<>>{"Austin", "Leeds"}))
      << "trimmed, once each";
}

// An account whose users carry their site under the 2.0 URN gets new sites there too: in a
// create, and in a PUT that sets the site of a user without one; `schemas` lists that URN.
TEST(site_schema, new_sites_go_under_the_urn_the_account_uses) {
  world w;
  add_remote_under_2_0(w, someone("001"), "a1");
  person siteless = someone("002", "Ann", "Example");
  auto& o = w.add_remote(siteless, "a2");
  o.erase(scim_user_codec::x8_schema);
  o["schemas"] = json::array{scim_user_codec::core_schema, scim_user_codec::enterprise_schema};
  w.add_link(siteless, "a2");
  w.add_hr(siteless);
  w.add_hr(someone("003", "Ben", "Other"));
  const plan pl = w.run();
  EXPECT_EQ(pl.site_schema, (site_schema_choice{x8_user_schema_urn, site_schema_source::seen}));
  const auto* create = find_entry(pl, operation_kind::create, "003");
  ASSERT_NE(create, nullptr);
  EXPECT_EQ(create->body.at(x8_user_schema_urn).at("site"), "London HQ");
  EXPECT_FALSE(create->body.contains(scim_user_codec::x8_schema));
  const auto& schemas = create->body.at("schemas").as_array();
  EXPECT_NE(std::find(schemas.begin(), schemas.end(), json::value(x8_user_schema_urn)), schemas.end());
  const auto* update = find_entry(pl, operation_kind::update, "002");
  ASSERT_NE(update, nullptr);
  EXPECT_EQ(update->body.at(x8_user_schema_urn).at("site"), "London HQ");
  EXPECT_FALSE(update->body.contains(scim_user_codec::x8_schema));
  EXPECT_EQ(plan_text(pl, {}).find("assumes the 1.1 one"), std::string::npos);
}

// Nobody read carries a site: the URN remembered from an earlier cycle, else the 1.1 one, which
// the plan says it assumes.
TEST(site_schema, without_a_listed_site_the_remembered_urn_else_an_assumed_one) {
  world w;
  w.add_hr(someone("001"));
  plan pl = w.run();
  EXPECT_EQ(pl.site_schema.source, site_schema_source::assumed);
  EXPECT_TRUE(pl.writes_site);
  EXPECT_EQ(find_entry(pl, operation_kind::create, "001")->body.at(scim_user_codec::x8_schema).at("site"),
            "London HQ");
  const std::string t = plan_text(pl, {});
  EXPECT_NE(
      t.find("Sites: written under urn:ietf:params:scim:schemas:extension:8x8:1.1:User: no user eightsync "
             "has read carries a site yet, so it cannot tell which of 8x8's two extensions this account "
             "uses, and assumes the 1.1 one. Set target.site_schema if the account uses "
             "urn:8x8:scim:schemas:extension:8x8user:2.0:User."),
      std::string::npos)
      << t;
  EXPECT_EQ(plan_json(pl, {}).at("summary").at("site_schema"),
            (json::object{{"urn", x8_schema_urn}, {"source", "assumed"}, {"writes_site", true}}));

  w.state.site_schema = std::string(x8_user_schema_urn);
  pl = w.run();
  EXPECT_EQ(pl.site_schema, (site_schema_choice{x8_user_schema_urn, site_schema_source::remembered}));
  EXPECT_EQ(find_entry(pl, operation_kind::create, "001")->body.at(x8_user_schema_urn).at("site"),
            "London HQ");

  w.options.site_schema = x8_schema_urn;
  pl = w.run();
  EXPECT_EQ(pl.site_schema, (site_schema_choice{x8_schema_urn, site_schema_source::configured}));
  EXPECT_NE(plan_text(pl, {}).find("(target.site_schema)"), std::string::npos);
}

// No site to write: the plan does not talk about site URNs.
TEST(site_schema, a_plan_without_sites_says_nothing_about_them) {
  world w;
  person p = someone("001");
  p.site = "";
  w.add_hr(p);
  const plan pl = w.run();
  EXPECT_FALSE(pl.writes_site);
  EXPECT_EQ(plan_text(pl, {}).find("Sites:"), std::string::npos);
}

}  // namespace
}  // namespace eightsync::core::planner_test
