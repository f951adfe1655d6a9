// Property-style tests over generated accounts of several hundred users with random edits
// (seeded std::mt19937, several seeds): plans converge, and no plan breaks an invariant.
#include "planner_test_support.hpp"

#include <random>
#include <set>

namespace eightsync::core::planner_test {
namespace {

constexpr std::array<unsigned, 5> seeds{1U, 7U, 42U, 1234U, 99991U};

const std::array<const char*, 12> givens{"Margaret", "Zoë",   "José", "Łukasz", "Søren", "Aisha",
                                         "Wei",      "Priya", "Tom",  "Ana",    "Kenji", "Olu"};
const std::array<const char*, 10> families{"Whitfield", "García", "Kowalski", "Jørgensen", "Okafor",
                                           "Chen",      "Müller", "Smith",    "Ito",       "Novak"};
const std::array<const char*, 5> titles{"Engineer", "Director, Sales", "Account Executive", "Manager", ""};
const std::array<const char*, 4> departments{"Engineering", "Sales", "Finance", ""};
const std::array<const char*, 3> sites{"London HQ", "Austin", ""};

// An account and an HR export that drift apart, cycle after cycle.
class simulation {
 public:
  explicit simulation(unsigned seed, int people = 400) : rng_(seed) {
    options_ = relaxed_options();
    options_.protect = protect_list({"admin*@example.com"});
    eightx8_.protect_patterns = {"admin*@example.com"};
    for (int i = 0; i < people; ++i)
      hr_.push_back(random_person());
    // 8x8 before eightsync: some HR people already exist by hand, plus strangers and admins.
    for (const auto& p : hr_) {
      const int r = pick(100);
      if (r < 35) {
        eightx8_.add(scim_object(p, "", true, pick(2) == 0));
      } else if (r < 42) {
        person by_hand = p;
        by_hand.email = p.mail();
        by_hand.user_name = "hand." + p.key;  // matches by email only
        eightx8_.add(scim_object(by_hand, "", pick(5) != 0, false));
      }
    }
    for (int i = 0; i < people / 10; ++i) {
      person stranger =
          someone("s" + std::to_string(i), givens[pick(givens.size())], families[pick(families.size())]);
      stranger.user_name = "stranger" + std::to_string(i) + "@example.com";
      eightx8_.add(scim_object(stranger, "", pick(4) != 0, false));
    }
    for (int i = 0; i < 3; ++i) {
      person admin = someone("adm" + std::to_string(i), "Admin", "Account");
      admin.user_name = "admin" + std::to_string(i) + "@example.com";
      eightx8_.add(scim_object(admin, ""));
      if (i == 0) hr_.push_back(admin);  // an admin HR also lists
    }
  }

  /// Random HR and 8x8 edits, as between two cycles.
  void drift() {
    std::vector<person> next;
    for (auto p : hr_) {
      const int r = pick(100);
      if (r < 4) continue;  // left HR
      if (r < 12)
        p.title = titles[pick(titles.size())];
      else if (r < 16)
        p.department = departments[pick(departments.size())];
      else if (r < 18)
        p.site = sites[pick(sites.size())];
      else if (r < 21)
        p.email = to_upper(p.mail());  // case only: 8x8 lower-cases it back
      else if (r < 24)
        p.title += "  ";  // whitespace only
      else if (r < 28)
        p.active = !p.active;  // leaver, or rehire
      else if (r < 29)
        p.user_name = "renamed." + p.un();
      else if (r < 31)
        p.mobile = pick(2) ? "" : "+1 555 01" + std::to_string(pick(100));
      next.push_back(std::move(p));
    }
    for (int i = 0, n = pick(20); i < n; ++i)
      next.push_back(random_person());
    hr_ = std::move(next);
    for (auto& [id, o] : eightx8_.users) {
      const int r = pick(100);
      if (r < 3)
        o["title"] = "Edited by hand";
      else if (r < 5)
        o["active"] = false;  // an admin deactivates
    }
    for (int i = 0, n = pick(3); i < n; ++i) {
      person stranger = someone("t" + std::to_string(next_key_++), givens[pick(givens.size())], "Hand");
      stranger.user_name = "late" + std::to_string(next_key_) + "@example.com";
      eightx8_.add(scim_object(stranger, "", true, false));
    }
  }

  mapping_result mapping() const {
    mapping_result m;
    for (const auto& p : hr_)
      m.users.push_back(desired(p));
    std::sort(m.users.begin(), m.users.end(), [](const auto& a, const auto& b) { return a.key < b.key; });
    m.rows_read = m.users.size();
    return m;
  }
  remote_snapshot listing() const { return eightx8_.listing(t0 - 1min); }
  plan make() const { return make_plan(mapping(), listing(), state_, options_); }

  /// Plans, checks the plan, applies it; returns it.
  plan cycle() {
    const remote_snapshot snapshot = listing();
    plan p = make_plan(mapping(), snapshot, state_, options_);
    check_invariants(p, snapshot);
    eightx8_.apply(p, state_, default_owned);
    return p;
  }

  /// Every rule a single plan must keep, checked against what it was planned from.
  void check_invariants(const plan& p, const remote_snapshot& snapshot) const {
    std::map<std::string, const remote_user*> by_id;
    for (const auto& r : snapshot.users)
      by_id[std::string(r.id())] = &r;
    std::map<std::string, std::string> linked;  // id → key
    for (const auto& l : state_.links)
      linked[l.scim_id] = l.hr_key;
    std::set<std::string> adopted;
    for (const auto* list : {&p.operations, &p.held}) {
      for (const auto& e : *list) {
        if (e.kind == operation_kind::adopt) adopted.insert(e.scim_id);
      }
    }
    for (const auto* list : {&p.operations, &p.held}) {
      for (const auto& e : *list) {
        SCOPED_TRACE(std::string(enum_name(e.kind)) + " " + e.hr_key + " " + e.scim_id);
        EXPECT_FALSE(e.reason.empty());
        if (e.kind == operation_kind::create) {
          EXPECT_FALSE(options_.protect.matches(scim_user_codec::read(e.body, attribute::user_name)));
          continue;
        }
        ASSERT_TRUE(by_id.count(e.scim_id));
        const remote_user& r = *by_id[e.scim_id];
        // Never an unmanaged user, never a protected one.
        EXPECT_TRUE(linked.count(e.scim_id) || adopted.count(e.scim_id)) << "unmanaged";
        if (linked.count(e.scim_id)) {
          EXPECT_EQ(linked[e.scim_id], e.hr_key);
        }
        EXPECT_FALSE(options_.protect.matches(r.get(attribute::user_name))) << "protected";
        EXPECT_TRUE(is_fresh(r));
        switch (e.kind) {
          case operation_kind::adopt:
            EXPECT_TRUE(r.active());
            EXPECT_FALSE(linked.count(e.scim_id));
            EXPECT_TRUE(r.get(attribute::external_id).empty() || r.get(attribute::external_id) == e.hr_key);
            break;
          case operation_kind::deactivate:
            EXPECT_TRUE(r.active());
            EXPECT_EQ(e.body, scim_user_codec::active_patch(false));
            break;
          case operation_kind::reactivate:
            EXPECT_FALSE(r.active());
            EXPECT_EQ(linked.count(e.scim_id) ? 1U : 0U, 1U);
            break;
          case operation_kind::update: {
            const json::object before = r.to_object();
            // Nothing unowned dropped or changed; active only as its reactivation left it.
            for (const attribute a : all_attributes) {
              if (a == attribute::active || (default_owned & bit(a)) != 0) continue;
              EXPECT_EQ(scim_user_codec::read(e.body, a), r.get(a)) << attribute_name(a);
            }
            for (const char* k : {"id", "meta", "locale", "timezone"}) {
              if (before.contains(k)) {
                EXPECT_EQ(e.body.at(k), before.at(k)) << k;
              }
            }
            const bool after_rehire = e.after == operation_kind::reactivate;
            EXPECT_EQ(scim_user_codec::read_active(e.body), after_rehire ? true : r.active());
            if (!r.get(attribute::site).empty()) {
              EXPECT_EQ(scim_user_codec::read(e.body, attribute::site), r.get(attribute::site));
            }
            EXPECT_EQ(scim_user_codec::read(e.body, attribute::user_name), r.get(attribute::user_name));
            break;
          }
          case operation_kind::create:
            break;
        }
      }
    }
  }

  std::size_t links() const { return state_.links.size(); }
  planner_state& state() { return state_; }
  planner_options& options() { return options_; }
  fake_8x8& account() { return eightx8_; }
  std::mt19937& rng() { return rng_; }
  int pick(std::size_t n) {
    return static_cast<int>(std::uniform_int_distribution<std::size_t>(0, n - 1)(rng_));
  }

 private:
  bool is_fresh(const remote_user& r) const {
    return options_.now - r.fetched_at() <= options_.max_snapshot_age;
  }

  person random_person() {
    person p = someone("k" + std::to_string(100000 + next_key_++), givens[pick(givens.size())],
                       families[pick(families.size())]);
    p.title = titles[pick(titles.size())];
    p.department = departments[pick(departments.size())];
    p.site = sites[pick(sites.size())];
    p.mobile = pick(3) ? "+44 7700 9" + std::to_string(10000 + pick(80000)) : "";
    p.active = pick(10) != 0;
    return p;
  }

  std::mt19937 rng_;
  int next_key_ = 0;
  std::vector<person> hr_;
  fake_8x8 eightx8_;
  planner_state state_;
  planner_options options_;
};

TEST(planner_property, applying_a_plan_then_planning_again_yields_no_operations) {
  for (const unsigned seed : seeds) {
    SCOPED_TRACE("seed " + std::to_string(seed));
    simulation sim(seed);
    for (int round = 0; round < 4; ++round) {
      SCOPED_TRACE("round " + std::to_string(round));
      const plan first = sim.cycle();
      if (round == 0) {
        EXPECT_GT(count(first, operation_kind::create), 40U);
        EXPECT_GT(count(first, operation_kind::adopt), 50U);
        EXPECT_FALSE(first.conflicts.empty());
      }
      const plan again = sim.make();
      sim.check_invariants(again, sim.listing());
      EXPECT_TRUE(again.operations.empty()) << plan_text(again, {});
      EXPECT_TRUE(again.held.empty());
      EXPECT_TRUE(again.reads_needed.empty());
      if (::testing::Test::HasFailure()) return;
      sim.drift();
    }
    EXPECT_GT(sim.links(), 300U);
  }
}

TEST(planner_property, no_plan_touches_an_unmanaged_or_protected_user) {
  // check_invariants runs on every plan: here over more rounds of drift and a few seeds.
  for (const unsigned seed : seeds) {
    SCOPED_TRACE("seed " + std::to_string(seed));
    simulation sim(seed, 300);
    for (int round = 0; round < 6; ++round) {
      const plan p = sim.cycle();
      for (const auto& s : p.skipped) {
        if (s.reason.find("protect") != std::string::npos) {
          EXPECT_TRUE(sim.options().protect.matches(s.user_name)) << s.user_name;
        }
      }
      if (::testing::Test::HasFailure()) return;
      sim.drift();
    }
  }
}

TEST(planner_property, no_put_drops_unowned_attributes_or_changes_active_or_a_set_site) {
  // fake_8x8::apply checks each PUT against the object it replaces (unowned members, active,
  // a set site, userName); drive many updates through it.
  for (const unsigned seed : seeds) {
    SCOPED_TRACE("seed " + std::to_string(seed));
    simulation sim(seed, 300);
    sim.cycle();
    std::size_t updates = 0;
    for (int round = 0; round < 5; ++round) {
      sim.drift();
      // Hand-made extras that every PUT must carry back.
      for (auto& [id, o] : sim.account().users)
        o["x-extra"] = json::object{{"kept", id}};
      const plan p = sim.cycle();
      updates += count(p, operation_kind::update);
      for (const auto& e : p.operations) {
        if (e.kind == operation_kind::update) {
          EXPECT_EQ(e.body.at("x-extra").at("kept"), json::value(e.scim_id));
        }
      }
      if (::testing::Test::HasFailure()) return;
    }
    EXPECT_GT(updates, 30U);
  }
}

TEST(planner_property, no_deactivation_without_a_fresh_object_when_the_listing_is_incomplete) {
  for (const unsigned seed : seeds) {
    SCOPED_TRACE("seed " + std::to_string(seed));
    simulation sim(seed, 300);
    sim.cycle();
    sim.drift();
    sim.drift();
    // A partial listing: a third of the users missing, a fifth of the rest too old.
    remote_snapshot partial;
    partial.complete = false;
    partial.full_listing = true;
    std::set<std::string> fresh;
    for (const auto& [id, o] : sim.account().users) {
      const int r = sim.pick(15);
      if (r < 5) continue;
      const bool stale = r < 7;
      partial.users.push_back(remote(o, stale ? t0 - 1h : t0 - 1min));
      if (!stale) fresh.insert(id);
    }
    const plan p = make_plan(sim.mapping(), partial, sim.state(), sim.options());
    const plan full = sim.make();
    EXPECT_GT(count(full, operation_kind::deactivate), 3U);
    for (const auto* list : {&p.operations, &p.held}) {
      for (const auto& e : *list) {
        if (e.kind == operation_kind::deactivate) {
          EXPECT_TRUE(fresh.count(e.scim_id)) << e.scim_id;
        }
        EXPECT_NE(e.kind, operation_kind::create);  // no lookups were done
      }
    }
    // Every deactivation the full listing wants is either planned or waits for a GET.
    std::set<std::string> pending;
    for (const auto& r : p.reads_needed)
      pending.insert(r.target);
    for (const auto* e : entries(full, operation_kind::deactivate)) {
      EXPECT_TRUE(fresh.count(e->scim_id) ? find_entry(p, operation_kind::deactivate, e->hr_key) != nullptr
                                          : pending.count(e->scim_id) == 1U)
          << e->hr_key;
    }
  }
}

TEST(planner_property, holds_trigger_exactly_at_their_limits) {
  for (const unsigned seed : seeds) {
    SCOPED_TRACE("seed " + std::to_string(seed));
    simulation sim(seed, 300);
    sim.cycle();
    sim.drift();
    const plan base = sim.make();
    const std::size_t d = count(base, operation_kind::deactivate);
    const std::size_t c = count(base, operation_kind::create);
    const std::size_t u = count(base, operation_kind::update);
    ASSERT_GT(d, 1U);
    ASSERT_GT(c, 1U);
    ASSERT_GT(u, 1U);
    const auto held_kinds = [&](const planner_options& o) {
      const plan p = make_plan(sim.mapping(), sim.listing(), sim.state(), o);
      std::set<operation_kind> kinds;
      for (const auto& e : p.held)
        kinds.insert(e.kind);
      return kinds;
    };
    planner_options o = sim.options();
    o.safety.max_deactivations = d;
    EXPECT_TRUE(held_kinds(o).empty());
    o.safety.max_deactivations = d - 1;
    EXPECT_EQ(held_kinds(o), std::set<operation_kind>{operation_kind::deactivate});
    o = sim.options();
    // The percent limit that allows exactly d of the managed users.
    o.safety.max_deactivation_percent = 100.0 * static_cast<double>(d) / static_cast<double>(sim.links());
    EXPECT_TRUE(held_kinds(o).empty());
    o.safety.max_deactivation_percent = 100.0 * static_cast<double>(d - 1) / static_cast<double>(sim.links());
    EXPECT_EQ(held_kinds(o), std::set<operation_kind>{operation_kind::deactivate});
    o = sim.options();
    o.safety.max_creates = c;
    EXPECT_TRUE(held_kinds(o).empty());
    o.safety.max_creates = c - 1;
    EXPECT_EQ(held_kinds(o), std::set<operation_kind>{operation_kind::create});
    o = sim.options();
    o.safety.max_updates = u;
    EXPECT_TRUE(held_kinds(o).empty());
    o.safety.max_updates = u - 1;
    const auto updates_held = held_kinds(o);
    EXPECT_TRUE(updates_held.count(operation_kind::update));
    EXPECT_FALSE(updates_held.count(operation_kind::create));
    EXPECT_FALSE(updates_held.count(operation_kind::deactivate));
    // Source shrink: the last good export had `rows` more rows than allowed.
    const std::size_t rows = sim.mapping().users.size();
    o = sim.options();
    o.safety.max_source_shrink_percent = 10;
    const std::size_t last = rows * 10 / 9;  // rows is at most 10% fewer
    sim.state().last_good = last_good_cycle{last, sim.links()};
    const bool at_limit = static_cast<double>(last - rows) * 100.0 <= 10.0 * static_cast<double>(last);
    ASSERT_TRUE(at_limit);
    EXPECT_TRUE(held_kinds(o).empty());
    sim.state().last_good->source_rows = last + 2 + last / 9;  // > 10% more than now
    EXPECT_TRUE(held_kinds(o).count(operation_kind::deactivate));
    EXPECT_TRUE(held_kinds(o).count(operation_kind::create));
    sim.state().last_good.reset();
  }
}

}  // namespace
}  // namespace eightsync::core::planner_test
