// The planner's rules, one test each, named after the rule (issue 5, "Planner").
#include "planner_test_support.hpp"

namespace eightsync::core::planner_test {
namespace {

// ---------------------------------------------------------------- matching

TEST(planner_rules, in_sync_user_needs_nothing) {
  world w;
  w.add_synced(someone("001"), "a1");
  const plan p = w.run();
  EXPECT_TRUE(p.empty());
  EXPECT_TRUE(p.conflicts.empty());
  EXPECT_TRUE(p.manual_actions.empty());
  EXPECT_EQ(p.unchanged_users, 1U);
  EXPECT_TRUE(p.authoritative);
}

TEST(planner_rules, state_link_comes_before_matching) {
  world w;
  person p = someone("001");
  w.add_hr(p);
  w.add_link(p, "a1");
  w.add_remote(p, "a1");
  // Another 8x8 user that would match by email and by name: the link wins, no conflict.
  person other = p;
  other.key = "zzz";
  other.user_name = "other@example.com";
  other.email = p.mail();
  w.add_remote(other, "a2");
  const plan pl = w.run();
  EXPECT_TRUE(pl.empty());
  EXPECT_TRUE(pl.conflicts.empty());
}

TEST(planner_rules, adopts_on_unambiguous_external_id_match) {
  world w;
  const person p = someone("001");
  w.add_hr(p);
  person in_8x8 = p;
  in_8x8.user_name = "someone.else@example.com";  // only externalId matches
  in_8x8.email = "other@example.com";
  w.add_remote(in_8x8, "a1");
  const plan pl = w.run();
  const auto* adopt = find_entry(pl, operation_kind::adopt, "001");
  ASSERT_NE(adopt, nullptr);
  EXPECT_EQ(adopt->scim_id, "a1");
  EXPECT_EQ(adopt->how, managed_by::matched);
  EXPECT_NE(adopt->reason.find("externalId"), std::string::npos);
  EXPECT_TRUE(pl.conflicts.empty());
}

TEST(planner_rules, adopts_on_case_insensitive_user_name_match) {
  world w;
  person p = someone("001");
  p.user_name = "Zoe.Ashworth@Example.com";
  w.add_hr(p);
  person in_8x8 = p;
  in_8x8.user_name = "zoe.ashworth@example.com";
  w.remote_objects.push_back(scim_object(in_8x8, "a1", true, false));  // no externalId
  w.fetched.push_back(t0);
  const plan pl = w.run();
  const auto* adopt = find_entry(pl, operation_kind::adopt, "001");
  ASSERT_NE(adopt, nullptr);
  EXPECT_NE(adopt->reason.find("userName"), std::string::npos);
  // The empty externalId is filled in by an update that waits for the adoption.
  const auto* update = find_entry(pl, operation_kind::update, "001");
  ASSERT_NE(update, nullptr);
  EXPECT_EQ(update->after, operation_kind::adopt);
  ASSERT_EQ(update->diffs.size(), 1U);
  EXPECT_EQ(update->diffs[0].attr, attribute::external_id);
  EXPECT_FALSE(adopt->desired_hash.has_value());  // applied only when the update succeeds
}

TEST(planner_rules, adopts_on_email_match) {
  world w;
  person p = someone("001");
  w.add_hr(p);
  person in_8x8 = p;
  in_8x8.user_name = "zashworth";
  in_8x8.email = "U001@EXAMPLE.COM";
  w.remote_objects.push_back(scim_object(in_8x8, "a1", true, false));
  w.fetched.push_back(t0);
  w.options.match = {match_key::email};
  const plan pl = w.run();
  ASSERT_NE(find_entry(pl, operation_kind::adopt, "001"), nullptr);
  // The userName differs but is read-only after create: a manual action, not a PUT change.
  EXPECT_EQ(actions(pl, manual_action_kind::change_user_name).size(), 1U);
}

// 8x8 fills in noreply@8x8.com for every user created without an email: never a match.
TEST(planner_rules, the_placeholder_email_8x8_fills_in_matches_nobody) {
  world w;
  w.options.match = {match_key::email};
  person hr_row = someone("001");
  hr_row.email = "NoReply@8x8.com";  // an HR system that copied 8x8's placeholder back
  w.add_hr(hr_row);
  person hand_made = someone("900", "Ada", "Lovelace");
  hand_made.user_name = "ada.lovelace@example.com";
  hand_made.email = "noreply@8x8.com";
  w.remote_objects.push_back(scim_object(hand_made, "a9", true, false));
  w.fetched.push_back(t0);
  const plan pl = w.run();
  EXPECT_EQ(count(pl, operation_kind::adopt), 0U);
  EXPECT_NE(find_entry(pl, operation_kind::create, "001"), nullptr);
  // The same row with its real email is adopted by email, as before.
  hr_row.email = hand_made.email = "ada@example.com";
  w.hr = {desired(hr_row)};
  w.remote_objects = {scim_object(hand_made, "a9", true, false)};
  EXPECT_NE(find_entry(w.run(), operation_kind::adopt, "001"), nullptr);
}

TEST(planner_rules, adopted_user_already_in_step_needs_no_update) {
  world w;
  const person p = someone("001");
  w.add_hr(p);
  w.add_remote(p, "a1");
  const plan pl = w.run();
  const auto* adopt = find_entry(pl, operation_kind::adopt, "001");
  ASSERT_NE(adopt, nullptr);
  EXPECT_EQ(adopt->desired_hash, desired(p).hash);
  EXPECT_EQ(count(pl, operation_kind::update), 0U);
}

TEST(planner_rules, relinks_by_external_id_after_state_loss) {
  world w;  // no links at all: state.db was lost
  for (int i = 0; i < 5; ++i)
    w.add_hr(someone("00" + std::to_string(i)));
  for (int i = 0; i < 5; ++i)
    w.add_remote(someone("00" + std::to_string(i)), "a" + std::to_string(i));
  const plan pl = w.run();
  EXPECT_TRUE(pl.first_cycle);
  EXPECT_EQ(count(pl, operation_kind::adopt), 5U);
  EXPECT_EQ(count(pl, operation_kind::create), 0U);
  EXPECT_EQ(count(pl, operation_kind::update), 0U);
}

TEST(planner_rules, match_order_is_respected) {
  world w;
  w.options.match = {match_key::email};
  person p = someone("001");
  w.add_hr(p);
  person in_8x8 = p;
  in_8x8.email = "different@example.com";  // same userName, other email
  w.remote_objects.push_back(scim_object(in_8x8, "a1", true, false));
  w.fetched.push_back(t0);
  const plan pl = w.run();
  EXPECT_EQ(count(pl, operation_kind::adopt), 0U);
  EXPECT_EQ(count(pl, operation_kind::create), 0U);
  const auto* c = find_conflict(pl, "001");
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(c->kind, plan_conflict_kind::user_name_taken);
}

TEST(planner_rules, conflict_when_two_rows_match_one_user) {
  world w;
  person a = someone("001");
  person b = someone("002");
  b.email = a.mail();  // both rows carry the same email
  w.add_hr(a);
  w.add_hr(b);
  person in_8x8 = a;
  in_8x8.email = a.mail();
  in_8x8.user_name = "shared";
  w.remote_objects.push_back(scim_object(in_8x8, "a1", true, false));
  w.fetched.push_back(t0);
  const plan pl = w.run();
  EXPECT_TRUE(pl.operations.empty());
  ASSERT_EQ(pl.conflicts.size(), 2U);
  EXPECT_EQ(pl.conflicts[0].kind, plan_conflict_kind::two_rows_one_user);
  EXPECT_EQ(pl.conflicts[1].kind, plan_conflict_kind::two_rows_one_user);
  EXPECT_EQ(pl.conflicts[0].scim_ids, std::vector<std::string>{"a1"});
}

TEST(planner_rules, conflict_when_one_row_matches_two_users) {
  world w;
  const person p = someone("001");
  w.add_hr(p);
  person by_user_name = p;
  by_user_name.email = "x@example.com";
  w.remote_objects.push_back(scim_object(by_user_name, "a1", true, false));
  person by_email = p;
  by_email.email = p.mail();
  by_email.user_name = "another";
  w.remote_objects.push_back(scim_object(by_email, "a2", true, false));
  w.fetched = {t0, t0};
  const plan pl = w.run();
  EXPECT_TRUE(pl.operations.empty());
  const auto* c = find_conflict(pl, "001");
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(c->kind, plan_conflict_kind::one_row_two_users);
  EXPECT_EQ(c->scim_ids, (std::vector<std::string>{"a1", "a2"}));
}

TEST(planner_rules, conflict_when_match_is_deactivated) {
  world w;
  const person p = someone("001");
  w.add_hr(p);
  w.add_remote(p, "a1", false);
  const plan pl = w.run();
  EXPECT_TRUE(pl.operations.empty());
  const auto* c = find_conflict(pl, "001");
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(c->kind, plan_conflict_kind::match_deactivated);
}

TEST(planner_rules, conflict_when_match_carries_other_external_id) {
  world w;
  const person p = someone("001");
  w.add_hr(p);
  auto& o = w.add_remote(p, "a1");
  o["externalId"] = "E-777";
  const plan pl = w.run();
  EXPECT_TRUE(pl.operations.empty());
  const auto* c = find_conflict(pl, "001");
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(c->kind, plan_conflict_kind::other_external_id);
  EXPECT_NE(c->reason.find("E-777"), std::string::npos);
}

TEST(planner_rules, conflict_when_match_is_linked_to_another_key) {
  world w;
  person linked = someone("001");
  w.add_synced(linked, "a1");
  person newcomer = someone("002");
  newcomer.email = linked.mail();
  w.add_hr(newcomer);
  const plan pl = w.run();
  EXPECT_TRUE(pl.operations.empty());
  const auto* c = find_conflict(pl, "002");
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(c->kind, plan_conflict_kind::linked_to_other_key);
}

TEST(planner_rules, conflict_on_possible_duplicate_by_name) {
  world w;
  const person p = someone("001", "Margaret", "Whitfield");
  w.add_hr(p);
  person by_hand = someone("zzz", "margaret", "WHITFIELD");
  by_hand.user_name = "mwhitfield@example.com";
  w.remote_objects.push_back(scim_object(by_hand, "a9", true, false));
  w.fetched.push_back(t0);
  const plan pl = w.run();
  EXPECT_EQ(count(pl, operation_kind::create), 0U);
  const auto* c = find_conflict(pl, "001");
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(c->kind, plan_conflict_kind::possible_duplicate);
  EXPECT_EQ(c->scim_ids, std::vector<std::string>{"a9"});
}

TEST(planner_rules, create_new_decision_overrides_possible_duplicate) {
  world w;
  const person p = someone("001", "Margaret", "Whitfield");
  w.add_hr(p);
  person by_hand = someone("zzz", "Margaret", "Whitfield");
  by_hand.user_name = "mwhitfield@example.com";
  w.remote_objects.push_back(scim_object(by_hand, "a9", true, false));
  w.fetched.push_back(t0);
  w.state.create_new = {"001"};
  const plan pl = w.run();
  EXPECT_TRUE(pl.conflicts.empty());
  const auto* create = find_entry(pl, operation_kind::create, "001");
  ASSERT_NE(create, nullptr);
  EXPECT_NE(create->reason.find("--create-new"), std::string::npos);
}

TEST(planner_rules, conflict_when_user_name_is_taken) {
  world w;
  w.options.match = {match_key::external_id};
  const person p = someone("001");
  w.add_hr(p);
  person other = someone("zzz", "Other", "Person");
  other.user_name = p.un();
  w.add_remote(other, "a1");
  w.state.create_new = {"001"};  // not even --create-new makes a second userName
  const plan pl = w.run();
  EXPECT_EQ(count(pl, operation_kind::create), 0U);
  const auto* c = find_conflict(pl, "001");
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(c->kind, plan_conflict_kind::user_name_taken);
}

TEST(planner_rules, conflict_when_two_rows_ask_for_one_user_name) {
  world w;
  person a = someone("001", "Ann", "One");
  person b = someone("002", "Bob", "Two");
  a.user_name = "team@example.com";
  b.user_name = "TEAM@example.com";
  a.email = "a@example.com";
  b.email = "b@example.com";
  w.add_hr(a);
  w.add_hr(b);
  const plan pl = w.run();
  EXPECT_EQ(count(pl, operation_kind::create), 0U);
  ASSERT_EQ(pl.conflicts.size(), 2U);
  EXPECT_EQ(pl.conflicts[0].kind, plan_conflict_kind::user_name_taken);
}

TEST(planner_rules, operator_link_is_honoured_without_matching) {
  world w;
  person p = someone("001");
  w.add_hr(p);
  person in_8x8 = someone("E-5", "Z", "A");  // another externalId, other names: no match at all
  in_8x8.user_name = p.un();
  w.add_remote(in_8x8, "a1");
  user_link l;  // what `eightsync link 001 a1` records
  l.hr_key = "001";
  l.scim_id = "a1";
  l.how = managed_by::linked;
  w.state.links.push_back(l);
  const plan pl = w.run();
  EXPECT_TRUE(pl.conflicts.empty());
  const auto* update = find_entry(pl, operation_kind::update, "001");
  ASSERT_NE(update, nullptr);
  EXPECT_EQ(update->how, managed_by::linked);
  EXPECT_EQ(update->body.at("externalId"), "001");
}

// ---------------------------------------------------------------- create

TEST(planner_rules, create_when_active_and_unmatched) {
  world w;
  const person p = someone("001");
  w.add_hr(p);
  const plan pl = w.run();
  ASSERT_EQ(pl.operations.size(), 1U);
  const plan_entry& e = pl.operations[0];
  EXPECT_EQ(e.kind, operation_kind::create);
  EXPECT_EQ(e.hr_key, "001");
  EXPECT_EQ(e.user_name, p.un());
  EXPECT_TRUE(e.scim_id.empty());
  EXPECT_EQ(e.body, scim_user_codec::create_body(desired(p)));
  EXPECT_EQ(e.how, managed_by::created);
  EXPECT_EQ(e.desired_hash, desired(p).hash);
  EXPECT_FALSE(e.reason.empty());
  EXPECT_FALSE(e.diffs.empty());
  EXPECT_EQ(pl.cost.writes, 1U);
}

TEST(planner_rules, no_create_for_inactive_row) {
  world w;
  person p = someone("001");
  p.active = false;
  w.add_hr(p);
  const plan pl = w.run();
  EXPECT_TRUE(pl.empty());
  EXPECT_EQ(pl.unmatched_inactive, 1U);
}

TEST(planner_rules, no_create_when_a_create_rule_fails) {
  world w;
  person p = someone("001");
  p.email = "not-an-email";
  w.add_hr(p);
  person q = someone("002");
  q.given = " ";
  w.add_hr(q);
  const plan pl = w.run();
  EXPECT_TRUE(pl.operations.empty());
  ASSERT_EQ(pl.skipped.size(), 2U);
  EXPECT_NE(pl.skipped[0].reason.find("the email has no @"), std::string::npos);
  EXPECT_NE(pl.skipped[1].reason.find("name.givenName is empty"), std::string::npos);
}

TEST(planner_rules, create_without_full_listing_needs_a_lookup_first) {
  world w;
  w.add_synced(someone("000"), "a0");
  w.full_listing = false;
  const person p = someone("001");
  w.add_hr(p);
  plan pl = w.run();
  EXPECT_EQ(count(pl, operation_kind::create), 0U);
  ASSERT_EQ(pl.reads_needed.size(), 1U);
  EXPECT_EQ(pl.reads_needed[0].kind, read_kind::lookup_user_name);
  EXPECT_EQ(pl.reads_needed[0].target, p.un());
  EXPECT_EQ(pl.cost.lookups, 1U);

  w.looked_up = {"U001@example.com"};  // looked up, nobody found
  pl = w.run();
  EXPECT_EQ(count(pl, operation_kind::create), 1U);
  EXPECT_TRUE(pl.reads_needed.empty());
}

TEST(planner_rules, incomplete_listing_is_not_authoritative) {
  world w;
  w.complete = false;
  w.add_hr(someone("001"));
  EXPECT_FALSE(w.run().authoritative);
  EXPECT_EQ(count(w.run(), operation_kind::create), 0U);
  w.complete = true;
  w.options.listing_shows_everyone = false;  // visibility: idp_only
  EXPECT_FALSE(w.run().authoritative);
  EXPECT_EQ(count(w.run(), operation_kind::create), 0U);
}

// ---------------------------------------------------------------- update

TEST(planner_rules, update_puts_complete_object_changing_owned_attributes_only) {
  world w;
  person p = someone("001");
  w.add_remote(p, "a1");
  w.add_link(p, "a1");
  p.title = "Director";
  p.department = "";
  w.add_hr(p);
  const plan pl = w.run();
  ASSERT_EQ(pl.operations.size(), 1U);
  const plan_entry& e = pl.operations[0];
  EXPECT_EQ(e.kind, operation_kind::update);
  EXPECT_EQ(e.scim_id, "a1");
  ASSERT_EQ(e.diffs.size(), 2U);
  EXPECT_EQ(e.diffs[0].attr, attribute::title);
  EXPECT_EQ(e.diffs[0].before, "Account Executive");
  EXPECT_EQ(e.diffs[0].after, "Director");
  EXPECT_EQ(e.diffs[1].attr, attribute::department);
  EXPECT_EQ(e.diffs[1].after, "");
  auto expected = w.remote_objects[0];
  expected["title"] = "Director";
  expected[scim_user_codec::enterprise_schema].as_object().erase("department");
  EXPECT_EQ(e.body, expected);  // locale, timezone, meta, schemas: all kept
  EXPECT_EQ(e.desired_hash, desired(p).hash);
}

TEST(planner_rules, update_never_changes_create_only_attributes) {
  world w;
  w.options.create_only |= bit(attribute::title);
  person p = someone("001");
  w.add_remote(p, "a1");
  w.add_link(p, "a1");
  p.title = "Director";
  w.add_hr(p);
  const plan pl = w.run();
  EXPECT_TRUE(pl.operations.empty());
}

TEST(planner_rules, update_comparison_is_normalized) {
  world w;
  person p = someone("001");
  auto& o = w.add_remote(p, "a1");
  o["emails"] = json::array{json::object{{"value", "U001@EXAMPLE.COM"}, {"type", "work"}, {"primary", true}}};
  o["title"] = "Account Executive ";
  w.add_link(p, "a1");
  p.email = " u001@example.com";
  w.add_hr(p);
  EXPECT_TRUE(w.run().operations.empty());
}

// 8x8 keeps one email: a listed user with a second one is put back to exactly the mapped email,
// and the plan shows every email before and the one after.
TEST(planner_rules, update_drops_extra_emails_and_shows_them) {
  world w;
  person p = someone("001");
  w.add_synced(p, "a1");
  w.remote_objects[0]["emails"] =
      json::array{json::object{{"value", "u001@example.com"}, {"type", "work"}, {"primary", true}},
                  json::object{{"value", "private@example.net"}, {"type", "home"}}};
  const plan pl = w.run();
  const auto* e = find_entry(pl, operation_kind::update, "001");
  ASSERT_NE(e, nullptr);
  ASSERT_EQ(e->diffs.size(), 1U);
  EXPECT_EQ(e->diffs[0].attr, attribute::email);
  EXPECT_EQ(e->diffs[0].before, "u001@example.com, private@example.net");
  EXPECT_EQ(e->diffs[0].after, "u001@example.com");
  EXPECT_EQ(e->body.at("emails"),
            (json::array{json::object{{"value", "u001@example.com"}, {"type", "work"}, {"primary", true}}}));
  // A user whose email eightsync does not map keeps all of theirs.
  w.options.create_only |= bit(attribute::email);
  EXPECT_EQ(find_entry(w.run(), operation_kind::update, "001"), nullptr);
}

// 8x8 fills in noreply@8x8.com for a user created without an email: with no email in HR, that is
// in step, not a difference to clear every cycle.
TEST(planner_rules, no_email_in_hr_is_in_step_with_8x8s_placeholder) {
  world w;
  person p = someone("001");
  w.add_remote(p, "a1")["emails"] =
      json::array{json::object{{"value", "noreply@8x8.com"}, {"type", "work"}, {"primary", true}}};
  w.add_link(p, "a1");
  w.add_hr(p).set(attribute::email, "");
  EXPECT_TRUE(w.run().operations.empty());
}

TEST(planner_rules, update_detects_drift_made_in_8x8) {
  world w;
  person p = someone("001");
  w.add_synced(p, "a1");
  w.remote_objects[0]["title"] = "Changed by hand";
  const plan pl = w.run();
  const auto* e = find_entry(pl, operation_kind::update, "001");
  ASSERT_NE(e, nullptr);
  EXPECT_NE(e->reason.find("edited in 8x8"), std::string::npos);
}

TEST(planner_rules, update_needs_an_object_fetched_within_max_snapshot_age) {
  world w;
  person p = someone("001");
  w.add_remote(p, "a1", true, t0 - 16min);
  w.add_link(p, "a1");
  p.title = "Director";
  w.add_hr(p);
  plan pl = w.run();
  EXPECT_EQ(count(pl, operation_kind::update), 0U);
  ASSERT_EQ(pl.reads_needed.size(), 1U);
  EXPECT_EQ(pl.reads_needed[0].kind, read_kind::get_by_id);
  EXPECT_EQ(pl.reads_needed[0].target, "a1");
  w.fetched[0] = t0 - 15min;  // exactly max_snapshot_age old: still fresh
  pl = w.run();
  EXPECT_EQ(count(pl, operation_kind::update), 1U);
}

TEST(planner_rules, update_never_changes_active) {
  world w;
  person p = someone("001");
  w.add_remote(p, "a1");
  w.add_link(p, "a1");
  p.title = "Director";
  w.add_hr(p);
  const plan pl = w.run();
  ASSERT_EQ(pl.operations.size(), 1U);
  EXPECT_EQ(pl.operations[0].body.at("active"), true);
  EXPECT_FALSE(pl.operations[0].after.has_value());
}

TEST(planner_rules, update_uses_the_links_fresh_copy_without_a_listing) {
  world w;
  w.full_listing = false;
  person p = someone("001");
  user_link& l = w.add_link(p, "a1");
  l.remote_json = json::serialize(scim_object(p, "a1"));
  l.fetched_at = t0 - 5min;
  p.title = "Director";
  w.add_hr(p);
  plan pl = w.run();
  EXPECT_EQ(count(pl, operation_kind::update), 1U);
  w.state.links[0].fetched_at = t0 - 1h;
  pl = w.run();
  EXPECT_EQ(count(pl, operation_kind::update), 0U);
  EXPECT_EQ(pl.reads_needed.size(), 1U);
}

TEST(planner_rules, fresher_copy_of_a_user_wins) {
  world w;
  person p = someone("001");
  w.add_remote(p, "a1", true, t0 - 1h);  // from an old listing: stale
  w.add_link(p, "a1");
  p.title = "Director";
  w.add_hr(p);
  person fetched = p;  // a GET by id just now: HR's title is already there
  w.add_remote(fetched, "a1", true, t0 - 10s);
  const plan pl = w.run();
  EXPECT_TRUE(pl.operations.empty());
  EXPECT_TRUE(pl.reads_needed.empty());
  EXPECT_TRUE(pl.conflicts.empty());
}

TEST(planner_rules, link_refresh_when_8x8_already_matches_hr) {
  world w;
  person p = someone("001");
  w.add_remote(p, "a1");
  user_link& l = w.add_link(p, "a1");
  l.applied_hash = 42;  // HR changed, but 8x8 already shows it
  w.add_hr(p);
  const plan pl = w.run();
  EXPECT_TRUE(pl.operations.empty());
  ASSERT_EQ(pl.link_refreshes.size(), 1U);
  EXPECT_EQ(pl.link_refreshes[0].applied_hash, desired(p).hash);
  EXPECT_TRUE(pl.link_refreshes[0].applied_active);
}

// ---------------------------------------------------------------- leavers

TEST(planner_rules, deactivate_when_hr_says_inactive) {
  world w;
  person p = someone("001");
  w.add_remote(p, "a1");
  w.add_link(p, "a1");
  p.active = false;
  w.add_hr(p);
  const plan pl = w.run();
  ASSERT_EQ(pl.operations.size(), 1U);
  const plan_entry& e = pl.operations[0];
  EXPECT_EQ(e.kind, operation_kind::deactivate);
  EXPECT_EQ(e.scim_id, "a1");
  EXPECT_EQ(e.body, scim_user_codec::active_patch(false));
  EXPECT_FALSE(e.desired_active);
}

TEST(planner_rules, deactivate_managed_user_missing_from_hr) {
  world w;
  w.add_synced(someone("000"), "a0");
  const person gone = someone("001");
  w.add_remote(gone, "a1");
  w.add_link(gone, "a1");
  const plan pl = w.run();
  ASSERT_EQ(pl.operations.size(), 1U);
  EXPECT_EQ(pl.operations[0].kind, operation_kind::deactivate);
  EXPECT_EQ(pl.operations[0].hr_key, "001");
  EXPECT_FALSE(pl.operations[0].desired_hash.has_value());
  EXPECT_NE(pl.operations[0].reason.find("no longer in the export"), std::string::npos);
}

TEST(planner_rules, missing_from_hr_is_ignored_when_leavers_ignore) {
  world w;
  w.options.leavers.missing_from_source = leaver_action::ignore;
  w.add_synced(someone("000"), "a0");
  w.add_remote(someone("001"), "a1");
  w.add_link(someone("001"), "a1");
  EXPECT_TRUE(w.run().empty());
}

TEST(planner_rules, deactivation_is_confirmed_by_a_fresh_object) {
  world w;
  w.complete = false;
  w.add_synced(someone("000"), "a0");
  w.add_link(someone("001"), "a1");                   // missing from HR; not in the partial listing
  w.add_remote(someone("002"), "a2", true, t0 - 1h);  // missing from HR; copy too old
  w.add_link(someone("002"), "a2");
  const plan pl = w.run();
  EXPECT_EQ(count(pl, operation_kind::deactivate), 0U);
  ASSERT_EQ(pl.reads_needed.size(), 2U);
  EXPECT_EQ(pl.reads_needed[0].target, "a1");
  EXPECT_EQ(pl.reads_needed[1].target, "a2");
}

TEST(planner_rules, absence_from_an_incomplete_listing_is_not_gone) {
  world w;
  w.complete = false;
  person p = someone("001");
  w.add_hr(p);
  w.add_link(p, "a1");
  p.active = false;
  w.hr[0] = desired(p);  // HR says left; 8x8 user not in the partial listing
  const plan pl = w.run();
  EXPECT_TRUE(pl.operations.empty());
  EXPECT_TRUE(pl.conflicts.empty());
  ASSERT_EQ(pl.reads_needed.size(), 1U);
  EXPECT_EQ(pl.reads_needed[0].target, "a1");
}

TEST(planner_rules, already_inactive_leaver_needs_nothing) {
  world w;
  person p = someone("001");
  p.active = false;
  w.add_synced(p, "a1");
  EXPECT_TRUE(w.run().empty());
}

TEST(planner_rules, re_keyed_user_is_not_deactivated) {
  world w;
  person old_key = someone("001");
  old_key.user_name = "zoe@example.com";
  w.add_remote(old_key, "a1");
  w.add_link(old_key, "a1");
  person new_key = old_key;
  new_key.key = "A-001";  // HR re-keyed the person; email and userName unchanged
  w.add_hr(new_key);
  const plan pl = w.run();
  EXPECT_EQ(count(pl, operation_kind::deactivate), 0U);
  const auto* c = find_conflict(pl, "A-001");
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(c->kind, plan_conflict_kind::linked_to_other_key);
}

TEST(planner_rules, linked_user_missing_from_complete_listing_is_a_conflict) {
  world w;
  person p = someone("001");
  w.add_hr(p);
  w.add_link(p, "a1");
  const plan pl = w.run();
  EXPECT_TRUE(pl.operations.empty());
  const auto* c = find_conflict(pl, "001");
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(c->kind, plan_conflict_kind::linked_user_missing);
}

TEST(planner_rules, quarantined_row_with_key_holds_that_user) {
  world w;
  w.add_synced(someone("000"), "a0");
  w.add_remote(someone("001"), "a1");
  w.add_link(someone("001"), "a1");
  w.quarantined.push_back({7, 6, "001", quarantine_reason::invalid_email, "email is not valid"});
  const plan pl = w.run();
  EXPECT_TRUE(pl.operations.empty());
  ASSERT_EQ(pl.skipped.size(), 1U);
  EXPECT_EQ(pl.skipped[0].hr_key, "001");
  EXPECT_NE(pl.skipped[0].reason.find("quarantined"), std::string::npos);
}

// ---------------------------------------------------------------- reactivation

TEST(planner_rules, reactivate_on_rehire) {
  world w;
  person p = someone("001");
  w.add_remote(p, "a1", false);
  w.add_link(p, "a1", false);  // eightsync deactivated them
  p.title = "Returning Engineer";
  w.add_hr(p);
  const plan pl = w.run();
  ASSERT_EQ(pl.operations.size(), 2U);
  EXPECT_EQ(pl.operations[0].kind, operation_kind::reactivate);
  EXPECT_EQ(pl.operations[0].body, scim_user_codec::active_patch(true));
  EXPECT_EQ(pl.operations[1].kind, operation_kind::update);
  EXPECT_EQ(pl.operations[1].after, operation_kind::reactivate);
  EXPECT_EQ(pl.operations[1].body.at("active"), true);  // the state after the PATCH, not a change
}

TEST(planner_rules, never_reactivates_a_user_an_admin_deactivated) {
  world w;
  person p = someone("001");
  w.add_remote(p, "a1", false);
  w.add_link(p, "a1", true);  // eightsync last applied active: an admin deactivated them
  p.title = "Director";
  w.add_hr(p);
  const plan pl = w.run();
  EXPECT_TRUE(pl.operations.empty());
  EXPECT_EQ(actions(pl, manual_action_kind::admin_deactivated).size(), 1U);
}

TEST(planner_rules, reactivation_alone_records_the_applied_hash) {
  world w;
  const person p = someone("001");
  w.add_remote(p, "a1", false);
  w.add_link(p, "a1", false);
  w.add_hr(p);
  const plan pl = w.run();
  ASSERT_EQ(pl.operations.size(), 1U);
  EXPECT_EQ(pl.operations[0].kind, operation_kind::reactivate);
  EXPECT_EQ(pl.operations[0].desired_hash, desired(p).hash);
}

TEST(planner_rules, adopts_and_deactivates_a_matched_leaver) {
  world w;  // HR lists a leaver 8x8 still shows active, never linked
  person p = someone("001");
  w.add_remote(p, "a1");
  p.active = false;
  w.add_hr(p);
  const plan pl = w.run();
  ASSERT_EQ(pl.operations.size(), 2U);
  EXPECT_EQ(pl.operations[0].kind, operation_kind::deactivate);
  EXPECT_EQ(pl.operations[0].how, managed_by::matched);
  EXPECT_EQ(pl.operations[1].kind, operation_kind::adopt);
  EXPECT_FALSE(pl.operations[1].desired_active);  // runs after the deactivation
}

TEST(planner_rules, links_in_any_order_pair_with_hr_alike) {
  // The state store may return links sorted by key (merge join) or not (hash index); of two
  // links with one key, the first counts and the other is never acted on.
  for (const bool sorted : {true, false}) {
    SCOPED_TRACE(sorted ? "sorted" : "unsorted");
    world w;
    w.add_synced(someone("001"), "a1");
    w.add_remote(someone("002"), "a2");
    w.add_link(someone("002"), "a2");  // missing from HR
    w.add_remote(someone("001"), "a9");
    w.add_link(someone("001"), "a9");  // a second link for 001
    w.add_hr(someone("000", "Al", "Pha"));
    if (sorted) {
      std::stable_sort(w.state.links.begin(), w.state.links.end(),
                       [](const auto& a, const auto& b) { return a.hr_key < b.hr_key; });
    } else {
      std::swap(w.state.links.front(), w.state.links.back());
      std::swap(w.state.links[0], w.state.links[1]);
    }
    const plan pl = w.run();
    std::vector<std::pair<operation_kind, std::string>> got;
    for (const auto& e : pl.operations)
      got.emplace_back(e.kind, e.scim_id.empty() ? e.hr_key : e.scim_id);
    EXPECT_EQ(got, (std::vector<std::pair<operation_kind, std::string>>{{operation_kind::deactivate, "a2"},
                                                                        {operation_kind::create, "000"}}));
  }
}

// ---------------------------------------------------------------- never touched

TEST(planner_rules, never_touches_protected_user) {
  world w;
  w.options.protect = protect_list({"admin*@example.com", "breakglass@*"});
  person linked = someone("001");
  linked.user_name = "Admin.Ops@example.com";
  w.add_remote(linked, "a1");
  w.add_link(linked, "a1");
  linked.title = "Changed";
  w.add_hr(linked);  // would be an update
  person leaver = someone("002");
  leaver.user_name = "breakglass@corp.example";
  w.add_remote(leaver, "a2");
  w.add_link(leaver, "a2");  // missing from HR: would be a deactivation
  person newcomer = someone("003");
  newcomer.user_name = "admin2@example.com";
  w.add_hr(newcomer);  // would be a create
  person unlinked = someone("004");
  w.add_hr(unlinked);
  person admin_in_8x8 = unlinked;
  admin_in_8x8.user_name = "admin4@example.com";
  w.add_remote(admin_in_8x8, "a4");  // would be adopted by externalId
  const plan pl = w.run();
  EXPECT_TRUE(pl.operations.empty());
  EXPECT_TRUE(pl.held.empty());
  EXPECT_EQ(pl.skipped.size(), 4U);
  for (const auto& s : pl.skipped)
    EXPECT_NE(s.reason.find("protect"), std::string::npos) << s.reason;
}

TEST(planner_rules, never_touches_unmanaged_user) {
  world w;
  w.add_synced(someone("001"), "a1");
  person by_hand = someone("zzz", "Hand", "Made");
  w.add_remote(by_hand, "h1");  // in 8x8 only, no HR row, no link
  person by_hand_inactive = someone("yyy", "Old", "Timer");
  w.add_remote(by_hand_inactive, "h2", false);
  const plan pl = w.run();
  EXPECT_TRUE(pl.empty());
  EXPECT_TRUE(pl.conflicts.empty());
  EXPECT_TRUE(pl.skipped.empty());
}

// ---------------------------------------------------------------- order, determinism, cost

TEST(planner_rules, plan_is_ordered_deactivations_reactivations_creates_adopts_updates) {
  world w;
  person upd = someone("001");
  w.add_remote(upd, "a1");
  w.add_link(upd, "a1");
  upd.title = "Director";
  w.add_hr(upd);
  w.add_hr(someone("002", "New", "Joiner"));  // create
  person leaver = someone("003");
  w.add_remote(leaver, "a3");
  w.add_link(leaver, "a3");  // missing: deactivate
  person rehire = someone("004");
  w.add_remote(rehire, "a4", false);
  w.add_link(rehire, "a4", false);
  w.add_hr(rehire);  // reactivate
  person adoptee = someone("005", "Ad", "Opted");
  w.add_hr(adoptee);
  w.add_remote(adoptee, "a5");  // adopt
  person hr_leaver = someone("000");
  w.add_remote(hr_leaver, "a0");
  w.add_link(hr_leaver, "a0");
  hr_leaver.active = false;
  w.add_hr(hr_leaver);  // deactivate
  const plan pl = w.run();
  std::vector<std::pair<operation_kind, std::string>> got;
  for (const auto& e : pl.operations)
    got.emplace_back(e.kind, e.hr_key);
  const std::vector<std::pair<operation_kind, std::string>> want{
      {operation_kind::deactivate, "000"}, {operation_kind::deactivate, "003"},
      {operation_kind::reactivate, "004"}, {operation_kind::create, "002"},
      {operation_kind::adopt, "005"},      {operation_kind::update, "001"}};
  EXPECT_EQ(got, want);
  EXPECT_EQ(pl.cost.writes, 5U);  // the adoption sends nothing
}

TEST(planner_rules, plan_is_deterministic) {
  world w;
  for (int i = 0; i < 40; ++i) {
    person p = someone("k" + std::to_string(i), "G" + std::to_string(i % 7), "F" + std::to_string(i % 5));
    if (i % 3 == 0) {
      w.add_synced(p, "id" + std::to_string(i));
    } else if (i % 3 == 1) {
      w.add_remote(p, "id" + std::to_string(i));
      w.add_link(p, "id" + std::to_string(i));
    } else {
      w.add_hr(p);
    }
  }
  const auto first = json::serialize(plan_json(w.run(), {}));
  world shuffled = w;
  std::reverse(shuffled.state.links.begin(), shuffled.state.links.end());
  std::reverse(shuffled.remote_objects.begin(), shuffled.remote_objects.end());
  std::reverse(shuffled.hr.begin(), shuffled.hr.end());
  EXPECT_EQ(json::serialize(plan_json(shuffled.run(), {})), first);
  EXPECT_EQ(json::serialize(plan_json(w.run(), {})), first);
}

TEST(planner_rules, cost_counts_pages_gets_lookups_and_writes) {
  world w;
  w.full_listing = false;
  w.add_synced(someone("000"), "a0");
  person changed = someone("001");
  w.add_link(changed, "a1");
  changed.title = "X";
  w.add_hr(changed);                   // needs a GET
  w.add_hr(someone("002", "N", "J"));  // needs a lookup
  person upd = someone("003");
  w.add_remote(upd, "a3");
  w.add_link(upd, "a3");
  upd.title = "Y";
  w.add_hr(upd);  // a write
  remote_snapshot s = w.snapshot();
  s.spent = {0, 2, 0, 0};
  const plan pl = make_plan(w.mapping(), s, w.state, w.options);
  EXPECT_EQ(pl.cost, (plan_cost{0, 3, 1, 1}));
  EXPECT_EQ(pl.cost.total(), 5U);
}

// ---------------------------------------------------------------- reads (phase 1)

TEST(planner_reads, first_cycle_reads_a_full_listing) {
  world w;
  w.add_hr(someone("001"));
  const read_strategy r = w.reads();
  EXPECT_TRUE(r.full_listing);
  EXPECT_TRUE(r.reads.empty());
  EXPECT_EQ(r.cost.listing_pages, 1U);
}

TEST(planner_reads, incremental_when_per_user_reads_are_cheaper) {
  world w;
  w.options.remote_user_estimate = 1000;  // 10 pages
  for (int i = 0; i < 20; ++i)
    w.add_synced(someone("k" + std::to_string(100 + i)), "a" + std::to_string(i));
  person changed = someone("k100");
  changed.title = "Director";
  w.hr[0] = desired(changed);
  w.add_hr(someone("n1", "New", "One"));
  w.hr.erase(w.hr.begin() + 5);  // k105 left HR
  const read_strategy r = w.reads();
  EXPECT_FALSE(r.full_listing);
  EXPECT_EQ(r.listing_pages, 10U);
  ASSERT_EQ(r.reads.size(), 3U);
  EXPECT_EQ(r.reads[0].target, "a0");  // k100 changed
  EXPECT_EQ(r.reads[1].target, "a5");  // k105 left HR
  EXPECT_EQ(r.reads[2].kind, read_kind::lookup_user_name);
  EXPECT_EQ(r.cost, (plan_cost{0, 2, 1, 0}));
}

TEST(planner_reads, full_listing_when_it_is_cheaper) {
  world w;
  w.options.remote_user_estimate = 150;  // 2 pages
  for (int i = 0; i < 20; ++i) {
    person p = someone("k" + std::to_string(100 + i));
    w.add_synced(p, "a" + std::to_string(i));
    if (i < 2) {
      p.title = "Changed";
      w.hr.back() = desired(p);
    }
  }
  read_strategy r = w.reads();
  EXPECT_TRUE(r.full_listing);  // 2 pages <= 2 GETs
  EXPECT_EQ(r.cost, (plan_cost{2, 0, 0, 0}));
  w.options.remote_user_estimate = 201;  // 3 pages > 2 GETs
  r = w.reads();
  EXPECT_FALSE(r.full_listing);
  EXPECT_EQ(r.cost.gets_by_id, 2U);
}

TEST(planner_reads, fresh_copy_in_the_link_needs_no_get) {
  world w;
  w.options.remote_user_estimate = 10'000;
  w.add_synced(someone("000"), "a0");
  person p = someone("001");
  user_link& l = w.add_link(p, "a1");
  l.remote_json = json::serialize(scim_object(p, "a1"));
  l.fetched_at = t0 - 1min;
  p.title = "Director";
  w.add_hr(p);
  EXPECT_TRUE(w.reads().reads.empty());
  w.state.links[1].fetched_at = t0 - 1h;
  EXPECT_EQ(w.reads().reads.size(), 1U);
}

TEST(planner_reads, full_listing_on_request) {
  world w;
  w.add_synced(someone("000"), "a0");
  w.options.remote_user_estimate = 1'000'000;
  EXPECT_FALSE(w.reads().full_listing);
  w.options.full_listing_requested = true;
  EXPECT_TRUE(w.reads().full_listing);
}

TEST(planner_reads, listing_that_hides_users_still_looks_up_before_post) {
  world w;
  w.options.listing_shows_everyone = false;
  w.add_hr(someone("001"));
  const read_strategy r = w.reads();
  EXPECT_TRUE(r.full_listing);
  ASSERT_EQ(r.reads.size(), 1U);
  EXPECT_EQ(r.reads[0].kind, read_kind::lookup_user_name);
  EXPECT_EQ(r.cost, (plan_cost{1, 0, 1, 0}));
}

TEST(planner_reads, open_conflicts_and_inactive_new_rows_are_not_looked_up) {
  world w;
  w.options.remote_user_estimate = 10'000;
  w.add_synced(someone("000"), "a0");
  person inactive = someone("001");
  inactive.active = false;
  w.add_hr(inactive);
  w.add_hr(someone("002"));
  w.state.open_actions.push_back({manual_action_kind::resolve_conflict, "002", "resolve_conflict:002::x"});
  EXPECT_TRUE(w.reads().reads.empty());
}

}  // namespace
}  // namespace eightsync::core::planner_test
