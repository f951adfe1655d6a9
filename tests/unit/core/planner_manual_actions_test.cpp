// Manual actions: one test per kind, plus deduplication. Never silent.
#include "planner_test_support.hpp"

namespace eightsync::core::planner_test {
namespace {

TEST(planner_manual_actions, after_create_assign_license_and_show_in_directory) {
  world w;
  w.add_hr(someone("001"));
  const plan p = w.run();
  ASSERT_EQ(p.operations.size(), 1U);
  const auto& follow = p.operations[0].follow_ups;
  ASSERT_EQ(follow.size(), 2U);
  EXPECT_EQ(follow[0].kind, manual_action_kind::assign_license);
  EXPECT_EQ(follow[0].dedupe_key, "assign_license:001:");
  EXPECT_NE(follow[0].text.find("X Series license"), std::string::npos);
  EXPECT_EQ(follow[1].kind, manual_action_kind::show_in_directory);
  EXPECT_NE(follow[1].text.find("Company Directory"), std::string::npos);
  EXPECT_TRUE(p.manual_actions.empty());  // raised only once the create succeeded
}

TEST(planner_manual_actions, after_deactivation_reclaim_license_and_number) {
  world w;
  w.add_synced(someone("000"), "a0");
  w.add_remote(someone("001"), "a1");
  w.add_link(someone("001"), "a1");
  const plan p = w.run();
  ASSERT_EQ(p.operations.size(), 1U);
  ASSERT_EQ(p.operations[0].follow_ups.size(), 1U);
  const auto& a = p.operations[0].follow_ups[0];
  EXPECT_EQ(a.kind, manual_action_kind::reclaim_license_and_number);
  EXPECT_EQ(a.dedupe_key, "reclaim_license_and_number:001:a1");
  EXPECT_NE(a.text.find("phone number"), std::string::npos);
}

TEST(planner_manual_actions, site_change_on_a_user_whose_site_is_set) {
  world w;
  person p = someone("001");
  w.add_remote(p, "a1");
  w.add_link(p, "a1");
  p.site = "Austin";
  p.title = "Director";
  w.add_hr(p);
  const plan pl = w.run();
  const auto site = actions(pl, manual_action_kind::change_site);
  ASSERT_EQ(site.size(), 1U);
  EXPECT_EQ(site[0]->dedupe_key, "change_site:001:a1:Austin");
  EXPECT_NE(site[0]->text.find("write-once"), std::string::npos);
  // The title still changes; the PUT keeps 8x8's site.
  const auto* update = find_entry(pl, operation_kind::update, "001");
  ASSERT_NE(update, nullptr);
  EXPECT_EQ(scim_user_codec::read(update->body, attribute::site), "London HQ");
  ASSERT_EQ(update->diffs.size(), 1U);
  EXPECT_EQ(update->diffs[0].attr, attribute::title);
}

TEST(planner_manual_actions, site_is_set_by_update_when_8x8_has_none) {
  world w;
  person p = someone("001");
  p.site = "";
  w.add_remote(p, "a1");
  w.add_link(p, "a1");
  p.site = "Austin";
  w.add_hr(p);
  const plan pl = w.run();
  EXPECT_TRUE(actions(pl, manual_action_kind::change_site).empty());
  const auto* update = find_entry(pl, operation_kind::update, "001");
  ASSERT_NE(update, nullptr);
  EXPECT_EQ(scim_user_codec::read(update->body, attribute::site), "Austin");
}

// 8x8 spells the site extension two ways: a site set under the 2.0 URN is set (invariant 3),
// and an account that uses it is read as any other.
TEST(planner_manual_actions, a_site_under_the_2_0_urn_is_set_too) {
  world w;
  person p = someone("001");
  auto& o = w.add_remote(p, "a1");
  o.erase(scim_user_codec::x8_schema);
  o[x8_user_schema_urn] = json::object{{"site", "London HQ"}};
  o["schemas"] =
      json::array{scim_user_codec::core_schema, scim_user_codec::enterprise_schema, x8_user_schema_urn};
  w.add_link(p, "a1");
  w.add_hr(p);
  plan pl = w.run();
  EXPECT_TRUE(pl.manual_actions.empty()) << "in step: the same site, read from the other URN";
  EXPECT_TRUE(pl.operations.empty());
  // HR moves the person: the site is set, so it is the admin's to change.
  w.hr[0] = [&] {
    person moved = p;
    moved.site = "Austin";
    return desired(moved);
  }();
  pl = w.run();
  ASSERT_EQ(actions(pl, manual_action_kind::change_site).size(), 1U);
  EXPECT_TRUE(pl.operations.empty()) << "never written over";
}

// A user carrying the site under both URNs, with different values: which one 8x8 uses cannot be
// told, so the admin decides; eightsync neither compares nor writes the site.
TEST(planner_manual_actions, a_site_under_both_urns_with_different_values_is_the_admins) {
  world w;
  person p = someone("001");
  auto& o = w.add_remote(p, "a1");  // "London HQ" under the 1.1 URN
  o[x8_user_schema_urn] = json::object{{"site", "Austin"}};
  w.add_link(p, "a1");
  p.title = "Director";
  w.add_hr(p);
  const plan pl = w.run();
  const auto site = actions(pl, manual_action_kind::change_site);
  ASSERT_EQ(site.size(), 1U);
  EXPECT_EQ(site[0]->dedupe_key, "change_site:001:a1:two-extensions");
  EXPECT_NE(site[0]->text.find("carries a site under both of 8x8's extension URNs, with different values: "
                               "\"London HQ\" under urn:ietf:params:scim:schemas:extension:8x8:1.1:User and "
                               "\"Austin\" under urn:8x8:scim:schemas:extension:8x8user:2.0:User"),
            std::string::npos)
      << site[0]->text;
  // The title still changes, and the PUT carries both extensions as 8x8 has them.
  const auto* update = find_entry(pl, operation_kind::update, "001");
  ASSERT_NE(update, nullptr);
  ASSERT_EQ(update->diffs.size(), 1U);
  EXPECT_EQ(update->diffs[0].attr, attribute::title);
  EXPECT_EQ(update->body.at(x8_user_schema_urn).at("site"), "Austin");
  EXPECT_EQ(update->body.at(scim_user_codec::x8_schema).at("site"), "London HQ");
  // The same value under both is no conflict.
  w.remote_objects[0][x8_user_schema_urn] = json::object{{"site", "London HQ"}};
  EXPECT_TRUE(actions(w.run(), manual_action_kind::change_site).empty());
}

// A user without a site, whose HR site 8x8 refused (an open unknown_site action): outside a full
// reconcile the site waits and the other changes go; a full reconcile tries the site again.
TEST(planner_manual_actions, a_refused_site_waits_but_the_other_changes_go) {
  world w;
  person p = someone("001");
  auto& o = w.add_remote(p, "a1");
  o.erase(scim_user_codec::x8_schema);
  w.add_link(p, "a1");
  p.site = "Nowhere";
  p.title = "Director";
  w.add_hr(p);
  w.state.open_actions.push_back({manual_action_kind::unknown_site, "001", "unknown_site:Nowhere"});
  w.full_listing = false;
  w.complete = false;
  plan pl = w.run();
  const auto* update = find_entry(pl, operation_kind::update, "001");
  ASSERT_NE(update, nullptr);
  ASSERT_EQ(update->diffs.size(), 1U);
  EXPECT_EQ(update->diffs[0].attr, attribute::title);
  EXPECT_TRUE(update->unseen_site.empty());
  EXPECT_FALSE(update->body.contains(scim_user_codec::x8_schema));
  ASSERT_EQ(pl.skipped.size(), 1U);
  EXPECT_NE(pl.skipped[0].reason.find("Site \"Nowhere\" waits"), std::string::npos);
  const auto open = actions(pl, manual_action_kind::unknown_site);
  ASSERT_EQ(open.size(), 1U);
  EXPECT_TRUE(open[0]->already_open);
  EXPECT_TRUE(pl.site_actions.empty());

  w.full_listing = true;
  w.complete = true;
  pl = w.run();
  update = find_entry(pl, operation_kind::update, "001");
  ASSERT_NE(update, nullptr);
  EXPECT_EQ(update->diffs.size(), 2U);
  EXPECT_EQ(update->unseen_site, "Nowhere");
  ASSERT_EQ(pl.site_actions.size(), 1U);
  EXPECT_EQ(pl.site_actions[0].dedupe_key, "unknown_site:Nowhere");
  // A site some listed user carries is known: nothing to blame it for.
  person other = someone("002", "Ann", "Other");
  other.site = "Nowhere";
  w.add_remote(other, "a2");
  pl = w.run();
  EXPECT_TRUE(find_entry(pl, operation_kind::update, "001")->unseen_site.empty());
  EXPECT_TRUE(pl.site_actions.empty());
}

TEST(planner_manual_actions, user_name_change) {
  world w;
  person p = someone("001");
  w.add_remote(p, "a1");
  w.add_link(p, "a1");
  p.user_name = "zoe.new@example.com";
  p.email = "u001@example.com";
  w.add_hr(p);
  const plan pl = w.run();
  EXPECT_TRUE(pl.operations.empty());
  const auto a = actions(pl, manual_action_kind::change_user_name);
  ASSERT_EQ(a.size(), 1U);
  EXPECT_EQ(a[0]->dedupe_key, "change_user_name:001:a1:zoe.new@example.com");
  EXPECT_NE(a[0]->text.find("read-only"), std::string::npos);
}

TEST(planner_manual_actions, admin_deactivation_that_disagrees_with_hr) {
  world w;
  person p = someone("001");
  w.add_remote(p, "a1", false);
  w.add_link(p, "a1", true);
  w.add_hr(p);
  const plan pl = w.run();
  EXPECT_TRUE(pl.operations.empty());
  const auto a = actions(pl, manual_action_kind::admin_deactivated);
  ASSERT_EQ(a.size(), 1U);
  EXPECT_EQ(a[0]->dedupe_key, "admin_deactivated:001:a1");
  EXPECT_EQ(a[0]->scim_id, "a1");
}

TEST(planner_manual_actions, every_conflict_raises_one) {
  world w;
  const person dup = someone("001", "Margaret", "Whitfield");
  w.add_hr(dup);
  person by_hand = someone("zzz", "Margaret", "Whitfield");
  by_hand.user_name = "mw@example.com";
  w.remote_objects.push_back(scim_object(by_hand, "a9", true, false));
  w.fetched.push_back(t0);
  const person deact = someone("002", "D", "E");
  w.add_hr(deact);
  w.add_remote(deact, "a2", false);
  const plan pl = w.run();
  ASSERT_EQ(pl.conflicts.size(), 2U);
  const auto a = actions(pl, manual_action_kind::resolve_conflict);
  ASSERT_EQ(a.size(), 2U);
  EXPECT_EQ(a[0]->hr_key, "001");
  EXPECT_EQ(a[0]->dedupe_key, "resolve_conflict:001:a9:possible_duplicate:a9");
  EXPECT_NE(a[0]->text.find("eightsync link 001"), std::string::npos);
  EXPECT_EQ(a[1]->dedupe_key, "resolve_conflict:002:a2:match_deactivated:a2");
}

TEST(planner_manual_actions, same_open_action_is_marked_not_raised_twice) {
  world w;
  person p = someone("001");
  w.add_remote(p, "a1");
  w.add_link(p, "a1");
  p.site = "Austin";
  w.add_hr(p);
  const plan first = w.run();
  const auto a = actions(first, manual_action_kind::change_site);
  ASSERT_EQ(a.size(), 1U);
  EXPECT_FALSE(a[0]->already_open);
  w.state.open_actions.push_back({a[0]->kind, a[0]->hr_key, a[0]->dedupe_key});
  const plan second = w.run();
  const auto b = actions(second, manual_action_kind::change_site);
  ASSERT_EQ(b.size(), 1U);
  EXPECT_EQ(b[0]->dedupe_key, a[0]->dedupe_key);  // stable across cycles
  EXPECT_TRUE(b[0]->already_open);
  // HR asks for yet another site: a new action, not the open one.
  p.site = "Boston";
  w.hr[0] = desired(p);
  const plan third = w.run();
  const auto c = actions(third, manual_action_kind::change_site);
  ASSERT_EQ(c.size(), 1U);
  EXPECT_FALSE(c[0]->already_open);
}

}  // namespace
}  // namespace eightsync::core::planner_test
