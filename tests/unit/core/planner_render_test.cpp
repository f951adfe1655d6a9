// plan_text (for a person) and plan_json (for scripts) show the same plan.
#include "planner_test_support.hpp"

namespace eightsync::core::planner_test {
namespace {

world mixed() {
  world w;
  person upd = someone("001");
  w.add_remote(upd, "a1");
  w.add_link(upd, "a1");
  upd.title = "Director";
  upd.site = "Austin";
  w.add_hr(upd);
  w.add_hr(someone("002", "New", "Joiner"));
  const person gone = someone("003");
  w.add_remote(gone, "a3");
  w.add_link(gone, "a3");
  const person dup = someone("004", "Margaret", "Whitfield");
  w.add_hr(dup);
  person by_hand = someone("zzz", "Margaret", "Whitfield");
  by_hand.user_name = "mw@example.com";
  w.remote_objects.push_back(scim_object(by_hand, "a9", true, false));
  w.fetched.push_back(t0);
  w.options.safety.max_creates = 0;
  return w;
}

TEST(planner_render, text_groups_by_kind_with_reasons_diffs_and_cost) {
  const plan p = mixed().run();
  const std::string t = plan_text(p, {10, std::chrono::seconds{60}});
  EXPECT_EQ(t.rfind("Plan: 2 operations (2 writes), 1 held, 1 conflict, 2 manual actions.\n", 0), 0U) << t;
  EXPECT_NE(t.find("\nDeactivate (1)\n  003  u003@example.com (id a3)\n"), std::string::npos) << t;
  EXPECT_NE(t.find("\nUpdate (1)\n  001  u001@example.com (id a1)\n    8x8's title differs from HR.\n"
                   "    title: \"Account Executive\" -> \"Director\"\n"),
            std::string::npos)
      << t;
  EXPECT_NE(t.find("then, by hand: Reclaim the X Series license"), std::string::npos);
  EXPECT_NE(t.find("\nHeld for approval (1)\n  hold: 1 creates exceed safety.max_creates (0).\n  create 002"),
            std::string::npos)
      << t;
  EXPECT_NE(t.find("\nConflicts (1)\n  004  u004@example.com  [possible_duplicate]\n"), std::string::npos)
      << t;
  EXPECT_NE(t.find("[change_site] 001"), std::string::npos);
  EXPECT_NE(t.find("[resolve_conflict] 004"), std::string::npos);
  EXPECT_NE(t.find("\nCost: 0 listing pages, 0 GETs by id, 0 lookups, 2 writes = 2 requests (+1 held write); "
                   "about 13 s at 10 requests per 1 min.\n"),
            std::string::npos)
      << t;
}

TEST(planner_render, json_carries_the_same_plan_with_bodies) {
  const plan p = mixed().run();
  const json::object j = plan_json(p, {10, std::chrono::seconds{60}});
  EXPECT_EQ(j.at("summary").at("operations"), 2);
  EXPECT_EQ(j.at("summary").at("held"), 1);
  const auto& ops = j.at("operations").as_array();
  ASSERT_EQ(ops.size(), 2U);
  EXPECT_EQ(ops[0].at("kind"), "deactivate");
  EXPECT_EQ(ops[0].at("body"), scim_user_codec::active_patch(false));
  EXPECT_EQ(ops[1].at("kind"), "update");
  EXPECT_EQ(ops[1].at("diffs"),
            (json::array{json::object{
                {"attribute", "title"}, {"before", "Account Executive"}, {"after", "Director"}}}));
  EXPECT_EQ(ops[1].at("body").at("title"), "Director");
  const auto& held = j.at("held").as_array();
  ASSERT_EQ(held.size(), 1U);
  EXPECT_EQ(held[0].at("hold").at("reason"), "max_creates");
  EXPECT_EQ(held[0].at("follow_ups").as_array().size(), 2U);
  EXPECT_EQ(j.at("conflicts").as_array()[0].at("kind"), "possible_duplicate");
  EXPECT_EQ(j.at("manual_actions").as_array().size(), 2U);
  EXPECT_EQ(j.at("cost").at("total"), 2);
  EXPECT_EQ(j.at("cost").at("held_writes"), 1);
  EXPECT_EQ(j.at("cost").at("seconds_at_rate"), 12) << "2 requests, 6.06 s each";
}

TEST(planner_render, empty_plan_says_so_briefly) {
  world w;
  w.add_synced(someone("001"), "a1");
  const std::string t = plan_text(w.run(), {});
  EXPECT_EQ(
      t,
      "Plan: 0 operations (0 writes), 0 held, 0 conflicts, 0 manual actions.\n"
      "Read: a complete listing of every 8x8 user; 1 HR user, 1 managed user, 1 unchanged.\n"
      "\nCost: 0 listing pages, 0 GETs by id, 0 lookups, 0 writes = 0 requests; about 0 s at 10 requests "
      "per 1 min.\n");
}

// Issue 13, finding 12: values from HR and 8x8 reach the terminal escaped, so a userName
// holding ESC or CR cannot clear the screen or rewrite the line, and a value holding a line
// feed stays on its line.
TEST(planner_render, text_escapes_control_characters_in_values) {
  plan p;
  plan_entry e;
  e.kind = operation_kind::update;
  e.hr_key =
      "00\xE2\x80\xAE"
      "1";
  e.scim_id = "id\x1B]0;x\x07";
  e.user_name = "evil\x1B[2J\r@example.com";
  e.reason = "8x8's title differs from HR.";
  e.diffs.push_back({attribute::title, "Old\x1B[31m", "New\nline\tTab\xC2\x9B"});
  p.operations.push_back(e);
  plan_conflict c;
  c.kind = plan_conflict_kind::possible_duplicate;
  c.hr_key = "004";
  c.user_name = "dup\rx@example.com";
  c.reason = "a lookalike \"dup\x1B[2Jx\" exists";
  c.scim_ids = {
      "a\x1B"
      "9"};
  p.conflicts.push_back(c);
  const std::string t = plan_text(p, {10, std::chrono::seconds{60}});
  for (const char bad : {'\x1B', '\r', '\x07', '\t'})
    EXPECT_EQ(t.find(bad), std::string::npos) << t;
  EXPECT_EQ(t.find("\xC2\x9B"), std::string::npos) << t;
  EXPECT_EQ(t.find("\xE2\x80\xAE"), std::string::npos) << t;
  EXPECT_NE(t.find("\n  00\\u202E1  evil\\u001B[2J\\r@example.com (id id\\u001B]0;x\\u0007)\n"),
            std::string::npos)
      << t;
  EXPECT_NE(t.find("    title: \"Old\\u001B[31m\" -> \"New\\nline\\tTab\\u009B\"\n"), std::string::npos) << t;
  EXPECT_NE(
      t.find("  004  dup\\rx@example.com  [possible_duplicate]\n    a lookalike \"dup\\u001B[2Jx\" exists\n"
             "    8x8 ids: a\\u001B9\n"),
      std::string::npos)
      << t;
}

}  // namespace
}  // namespace eightsync::core::planner_test
