// Invariant 1 in incremental cycles (issue 16, point 2): a new HR person is matched by every
// `match` key and by the possible-duplicate rule against state.db's index of the unmanaged 8x8
// users of the newest complete listing. Each user found there is read with a GET by id before
// anything is created; once read, the usual matching decides adopt, conflict or create. With no
// complete listing recorded, creates wait for one.
#include "planner_test_support.hpp"

namespace eightsync::core::planner_test {
namespace {

// The hire's userName and email: the hand-made account below has another userName.
constexpr const char* hire_user_name = "zoe.ashworth@example.com";

// One index entry: an 8x8 user the newest complete listing showed and no link holds.
unmanaged_user index_entry(const std::string& id, const std::string& user_name, const std::string& email,
                           const std::string& given, const std::string& family,
                           const std::string& external_id = "") {
  return unmanaged_user(id, user_name, external_id, email, given, family, true);
}

// An incremental cycle (no listing) with one linked user in step and one new HR person,
// Zoë Ashworth, whose userName and email are hire_user_name. `index` is state.db's index.
world incremental_with_hire(std::vector<unmanaged_user> index) {
  world w;
  w.add_synced(someone("000", "Linked", "Person"), "a0");
  w.full_listing = false;
  w.complete = false;
  w.options.remote_user_estimate = 10'000;  // per-user reads cost less than 100 pages
  person hire = someone("n1", "Zoë", "Ashworth");
  hire.user_name = hire_user_name;
  w.add_hr(hire);
  w.state.unmanaged = std::move(index);
  return w;
}

// What a GET of the hand-made account returns (the index entry's user, read fresh): `hand`'s
// names and email, userName `user_name`, externalId `external_id` (none when empty).
void add_got(world& w, person hand, const std::string& id, const std::string& external_id = "") {
  w.remote_objects.push_back(scim_object(hand, id, true, !external_id.empty()));
  if (!external_id.empty()) w.remote_objects.back()["externalId"] = external_id;
  w.fetched.push_back(t0);
}

// The hand-made account of these tests: Zoë's email under another userName and another name
// spelling (so only the email matches).
person hand_made_by_email() {
  person hand = someone("hand", "Zoe", "Ashworth-Smith");
  hand.user_name = "zashworth@example.com";
  hand.email = hire_user_name;
  return hand;
}

const needed_read* read_of(const std::vector<needed_read>& reads, read_kind kind, const std::string& target) {
  for (const auto& r : reads) {
    if (r.kind == kind && r.target == target) return &r;
  }
  return nullptr;
}

TEST(planner_unmanaged_index, AnEmailMatchInTheIndexIsReadUpFrontWithItsReason) {
  world w = incremental_with_hire(
      {index_entry("h1", "zashworth@example.com", hire_user_name, "Zoe", "Ashworth-Smith")});
  const read_strategy r = w.reads();
  ASSERT_FALSE(r.full_listing);
  const needed_read* get = read_of(r.reads, read_kind::get_by_id, "h1");
  ASSERT_NE(get, nullptr) << "the hand-made account is read in the first round";
  EXPECT_TRUE(get->index_candidate);
  EXPECT_EQ(get->hr_key, "n1");
  EXPECT_EQ(get->reason,
            "Unmanaged 8x8 user \"zashworth@example.com\" matches HR key n1 by email in the newest complete "
            "listing (2024-06-02 09:00 UTC): confirm with a GET before creating.");
  EXPECT_NE(read_of(r.reads, read_kind::lookup_user_name, hire_user_name), nullptr)
      << "the fresh userName lookup stays";
  EXPECT_EQ(r.cost, (plan_cost{0, 1, 1, 0}));
}

TEST(planner_unmanaged_index, APersonWhoseCreateWaitsIsStillMatched) {
  // Zoë's userName is taken in another 8x8 account (an open action): no lookup, as no POST can
  // go, but her hand-made account here may still be adopted, so it is read.
  world w = incremental_with_hire(
      {index_entry("h1", "zashworth@example.com", hire_user_name, "Zoe", "Ashworth-Smith")});
  w.state.open_actions.push_back({manual_action_kind::user_name_taken_elsewhere, "n1",
                                  taken_elsewhere_dedupe_key("n1", hire_user_name)});
  const read_strategy r = w.reads();
  EXPECT_NE(read_of(r.reads, read_kind::get_by_id, "h1"), nullptr);
  EXPECT_EQ(read_of(r.reads, read_kind::lookup_user_name, hire_user_name), nullptr);
  add_got(w, hand_made_by_email(), "h1");
  const plan p = w.run();
  EXPECT_TRUE(p.reads_needed.empty());
  ASSERT_NE(find_entry(p, operation_kind::adopt, "n1"), nullptr);
}

TEST(planner_unmanaged_index, AnUnreadEmailMatchHoldsTheCreate) {
  world w = incremental_with_hire(
      {index_entry("h1", "zashworth@example.com", hire_user_name, "Zoe", "Ashworth-Smith")});
  w.looked_up = {hire_user_name};  // the lookup found nobody: the userName differs
  const plan p = w.run();
  EXPECT_EQ(count(p, operation_kind::create), 0U) << "a second account for Zoë";
  EXPECT_EQ(count(p, operation_kind::create, true), 0U);
  const needed_read* get = read_of(p.reads_needed, read_kind::get_by_id, "h1");
  ASSERT_NE(get, nullptr);
  EXPECT_TRUE(get->index_candidate);
  EXPECT_EQ(p.cost.gets_by_id, 1U);
}

TEST(planner_unmanaged_index, AnExternalIdMatchInTheIndexIsRead) {
  // Another userName, email and name: only the externalId (HR's key, which HR claims) matches.
  world w = incremental_with_hire(
      {index_entry("h2", "legacy.account@example.com", "legacy@example.com", "Old", "Account", "n1")});
  w.looked_up = {hire_user_name};
  const plan p = w.run();
  EXPECT_EQ(count(p, operation_kind::create), 0U);
  const needed_read* get = read_of(p.reads_needed, read_kind::get_by_id, "h2");
  ASSERT_NE(get, nullptr);
  EXPECT_NE(get->reason.find(" by externalId in the newest complete listing"), std::string::npos)
      << get->reason;
}

TEST(planner_unmanaged_index, ALookalikeByNameInTheIndexIsRead) {
  world w = incremental_with_hire({index_entry("h3", "za@example.com", "za@example.com", "Zoë", "Ashworth")});
  w.looked_up = {hire_user_name};
  const plan p = w.run();
  EXPECT_EQ(count(p, operation_kind::create), 0U);
  const needed_read* get = read_of(p.reads_needed, read_kind::get_by_id, "h3");
  ASSERT_NE(get, nullptr);
  EXPECT_NE(get->reason.find(" by name (a possible duplicate) in"), std::string::npos) << get->reason;
}

TEST(planner_unmanaged_index, OneUserTwoRowsMatchIsReadOnce) {
  world w = incremental_with_hire({index_entry("h3", "za@example.com", "za@example.com", "Zoë", "Ashworth")});
  person twin = someone("n2", "Zoë", "Ashworth");
  w.add_hr(twin);
  w.looked_up = {hire_user_name, twin.un()};
  const plan p = w.run();
  EXPECT_EQ(count(p, operation_kind::create), 0U) << "both rows wait";
  EXPECT_EQ(p.cost.gets_by_id, 1U) << "one GET answers both";
}

TEST(planner_unmanaged_index, OnceReadAnEmailMatchIsAdoptedAsInAFullCycle) {
  world w = incremental_with_hire(
      {index_entry("h1", "zashworth@example.com", hire_user_name, "Zoe", "Ashworth-Smith")});
  w.looked_up = {hire_user_name};
  add_got(w, hand_made_by_email(), "h1");
  const plan p = w.run();
  EXPECT_TRUE(p.reads_needed.empty());
  EXPECT_EQ(count(p, operation_kind::create), 0U);
  const plan_entry* adopt = find_entry(p, operation_kind::adopt, "n1");
  ASSERT_NE(adopt, nullptr);
  EXPECT_EQ(adopt->scim_id, "h1");
  EXPECT_NE(adopt->reason.find("Matched by email"), std::string::npos) << adopt->reason;

  // A full cycle over the same account decides the same.
  w.full_listing = true;
  w.complete = true;
  const plan full = w.run();
  ASSERT_NE(find_entry(full, operation_kind::adopt, "n1"), nullptr);
  EXPECT_EQ(find_entry(full, operation_kind::adopt, "n1")->scim_id, "h1");
  EXPECT_EQ(count(full, operation_kind::create), 0U);
}

TEST(planner_unmanaged_index, OnceReadAnotherExternalIdIsAConflict) {
  world w = incremental_with_hire(
      {index_entry("h1", "zashworth@example.com", hire_user_name, "Zoe", "Ashworth-Smith", "E-77")});
  w.looked_up = {hire_user_name};
  add_got(w, hand_made_by_email(), "h1", "E-77");
  const plan p = w.run();
  EXPECT_EQ(count(p, operation_kind::create), 0U);
  EXPECT_EQ(count(p, operation_kind::adopt), 0U);
  const plan_conflict* c = find_conflict(p, "n1");
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(c->kind, plan_conflict_kind::other_external_id);
  EXPECT_EQ(c->scim_ids, std::vector<std::string>{"h1"});
}

TEST(planner_unmanaged_index, OnceReadANameLookalikeIsAPossibleDuplicate) {
  world w = incremental_with_hire({index_entry("h3", "za@example.com", "za@example.com", "Zoë", "Ashworth")});
  w.looked_up = {hire_user_name};
  person lookalike = someone("hand", "Zoë", "Ashworth");
  lookalike.user_name = "za@example.com";
  add_got(w, lookalike, "h3");
  const plan p = w.run();
  EXPECT_EQ(count(p, operation_kind::create), 0U);
  const plan_conflict* c = find_conflict(p, "n1");
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(c->kind, plan_conflict_kind::possible_duplicate);
  EXPECT_EQ(actions(p, manual_action_kind::resolve_conflict).size(), 1U);
}

TEST(planner_unmanaged_index, OnceReadAChangedUserThatNoLongerMatchesIsNoObstacle) {
  world w = incremental_with_hire(
      {index_entry("h1", "zashworth@example.com", hire_user_name, "Zoe", "Ashworth-Smith")});
  w.looked_up = {hire_user_name};
  person moved_on = hand_made_by_email();
  moved_on.email = "someone.else@example.com";  // an admin changed it since the listing
  add_got(w, moved_on, "h1");
  const plan p = w.run();
  EXPECT_EQ(count(p, operation_kind::create), 1U);
  EXPECT_TRUE(p.reads_needed.empty());
}

TEST(planner_unmanaged_index, ACandidate8x8NoLongerHasLetsTheCreateGoAfterTheLookup) {
  world w = incremental_with_hire(
      {index_entry("h1", "zashworth@example.com", hire_user_name, "Zoe", "Ashworth-Smith")});
  remote_snapshot gone = w.snapshot();
  gone.not_found = {"h1"};
  plan p = make_plan(w.mapping(), gone, w.state, w.options);
  EXPECT_EQ(count(p, operation_kind::create), 0U) << "the lookup comes first";
  ASSERT_EQ(p.reads_needed.size(), 1U);
  EXPECT_EQ(p.reads_needed[0].kind, read_kind::lookup_user_name);

  gone.looked_up = {hire_user_name};
  p = make_plan(w.mapping(), gone, w.state, w.options);
  EXPECT_EQ(count(p, operation_kind::create), 1U);
  EXPECT_TRUE(p.reads_needed.empty());
}

TEST(planner_unmanaged_index, AStaleCopyOfTheCandidateIsReadAgain) {
  world w = incremental_with_hire(
      {index_entry("h1", "zashworth@example.com", hire_user_name, "Zoe", "Ashworth-Smith")});
  w.looked_up = {hire_user_name};
  add_got(w, hand_made_by_email(), "h1");
  w.fetched.back() = t0 - 2h;  // older than max_snapshot_age
  const plan p = w.run();
  EXPECT_EQ(count(p, operation_kind::create), 0U);
  EXPECT_EQ(count(p, operation_kind::adopt), 0U);
  EXPECT_NE(read_of(p.reads_needed, read_kind::get_by_id, "h1"), nullptr);
}

TEST(planner_unmanaged_index, LinkedUsersInTheIndexAreSkipped) {
  // a0 is linked to HR key 000 (linked after the listing): it belongs to someone already.
  world w = incremental_with_hire({index_entry("a0", "old@example.com", hire_user_name, "Zoë", "Ashworth")});
  EXPECT_EQ(read_of(w.reads().reads, read_kind::get_by_id, "a0"), nullptr);
  w.looked_up = {hire_user_name};
  const plan p = w.run();
  EXPECT_TRUE(p.reads_needed.empty());
  EXPECT_EQ(count(p, operation_kind::create), 1U);
}

TEST(planner_unmanaged_index, OnlyTheConfiguredMatchKeysCount) {
  world w = incremental_with_hire(
      {index_entry("h1", "zashworth@example.com", hire_user_name, "Zoe", "Ashworth-Smith")});
  w.options.match = {match_key::user_name};  // email is no match key here
  w.looked_up = {hire_user_name};
  EXPECT_EQ(read_of(w.reads().reads, read_kind::get_by_id, "h1"), nullptr);
  EXPECT_EQ(count(w.run(), operation_kind::create), 1U);
}

TEST(planner_unmanaged_index, AUserNameMatchInTheIndexIsReadToo) {
  world w = incremental_with_hire({index_entry("h4", hire_user_name, "other@example.com", "Other", "Name")});
  w.looked_up = {hire_user_name};  // say the lookup missed it: the index still names it
  const plan p = w.run();
  EXPECT_EQ(count(p, operation_kind::create), 0U);
  const needed_read* get = read_of(p.reads_needed, read_kind::get_by_id, "h4");
  ASSERT_NE(get, nullptr);
  EXPECT_NE(get->reason.find(" by userName in"), std::string::npos) << get->reason;
}

TEST(planner_unmanaged_index, ACompleteListingThisCycleNeedsNoIndex) {
  world w = incremental_with_hire(
      {index_entry("h1", "zashworth@example.com", hire_user_name, "Zoe", "Ashworth-Smith")});
  w.full_listing = true;
  w.complete = true;  // lists everyone now, and h1 is not among them
  const plan p = w.run();
  EXPECT_TRUE(p.reads_needed.empty());
  EXPECT_EQ(count(p, operation_kind::create), 1U);
}

TEST(planner_unmanaged_index, CreateNewSkipsTheIndex) {
  world w = incremental_with_hire({index_entry("h3", "za@example.com", "za@example.com", "Zoë", "Ashworth")});
  w.state.create_new = {"n1"};  // the operator ran `eightsync link n1 --create-new`
  EXPECT_EQ(read_of(w.reads().reads, read_kind::get_by_id, "h3"), nullptr);
  w.looked_up = {hire_user_name};
  EXPECT_EQ(count(w.run(), operation_kind::create), 1U);
}

TEST(planner_unmanaged_index, WithoutACompleteListingCreatesWaitForOne) {
  world w = incremental_with_hire({});
  w.state.unmanaged_listed_at.reset();
  const read_strategy r = w.reads();
  EXPECT_TRUE(r.reads.empty()) << "no lookup for a create that waits anyway";
  w.looked_up = {hire_user_name};
  const plan p = w.run();
  EXPECT_EQ(count(p, operation_kind::create), 0U);
  EXPECT_EQ(count(p, operation_kind::create, true), 0U);
  EXPECT_TRUE(p.reads_needed.empty()) << "nothing to read: the cycle is not left undecided";
  EXPECT_TRUE(p.holds.empty());
  ASSERT_EQ(p.skipped.size(), 1U);
  EXPECT_EQ(p.skipped[0].hr_key, "n1");
  EXPECT_NE(p.skipped[0].reason.find("Waits for a complete listing of 8x8"), std::string::npos)
      << p.skipped[0].reason;

  // A listing that cannot show everyone (visibility idp_only) still looks the userName up first.
  w.options.listing_shows_everyone = false;
  w.options.full_listing_requested = true;
  const read_strategy listed = w.reads();
  EXPECT_TRUE(listed.full_listing);
  EXPECT_NE(read_of(listed.reads, read_kind::lookup_user_name, hire_user_name), nullptr);
}

TEST(planner_unmanaged_index, WithoutACompleteListingACreateNewStillGoes) {
  world w = incremental_with_hire({});
  w.state.unmanaged_listed_at.reset();
  w.state.create_new = {"n1"};
  w.looked_up = {hire_user_name};
  EXPECT_EQ(count(w.run(), operation_kind::create), 1U);
}

TEST(planner_unmanaged_index, AFirstCompleteListingLetsCreatesGo) {
  world w = incremental_with_hire({});
  w.state.unmanaged_listed_at.reset();
  w.full_listing = true;
  w.complete = true;
  EXPECT_EQ(count(w.run(), operation_kind::create), 1U);
}

TEST(planner_unmanaged_index, PlanTextAndJsonNameWhyTheCandidateIsRead) {
  world w = incremental_with_hire(
      {index_entry("h1", "zashworth@example.com", hire_user_name, "Zoe", "Ashworth-Smith")});
  w.looked_up = {hire_user_name};
  const plan p = w.run();
  const std::string text = plan_text(p, plan_rate{});
  EXPECT_NE(
      text.find("  n1  get_by_id h1\n    Unmanaged 8x8 user \"zashworth@example.com\" matches HR key n1 by "
                "email in the newest complete listing (2024-06-02 09:00 UTC): confirm with a GET before "
                "creating.\n"),
      std::string::npos)
      << text;
  const json::object j = plan_json(p, plan_rate{});
  const auto& reads = j.at("reads_needed").as_array();
  ASSERT_EQ(reads.size(), 1U);
  EXPECT_EQ(reads[0].at("target"), "h1");
  EXPECT_NE(
      std::string_view(reads[0].at("reason").as_string()).find("by email in the newest complete listing"),
      std::string_view::npos);
}

}  // namespace
}  // namespace eightsync::core::planner_test
