#include "core/user_mapper.hpp"

#include <gtest/gtest.h>

#include "core/content_hash.hpp"

namespace eightsync::core {
namespace {

const std::vector<std::string> header{"id",    "first",  "last",   "preferred",
                                      "email", "office", "status", "type"};

mapping_rules rules() {
  mapping_rules r;
  EXPECT_FALSE(r.add_map("office_site", {{"London", "London HQ"}, {"Austin", "Austin"}}));
  EXPECT_FALSE(r.map_attribute(attribute::user_name, "{email|trim|lower}"));
  EXPECT_FALSE(r.map_attribute(attribute::given_name, "{preferred|or:first}"));
  EXPECT_FALSE(r.map_attribute(attribute::family_name, "{last}"));
  EXPECT_FALSE(r.map_attribute(attribute::email, "{email|trim|lower}"));
  EXPECT_FALSE(r.map_attribute(attribute::external_id, "{id}"));
  EXPECT_FALSE(r.map_attribute(attribute::site, "{office|map:office_site}"));
  EXPECT_FALSE(r.set_active("{status} in [Active, On Leave]"));
  EXPECT_FALSE(r.add_scope("{type} != Contractor"));
  return r;
}

source_row row(std::size_t record, std::vector<std::string> fields) {
  return source_row{record + 1, record, std::move(fields)};
}

// id, first, last, preferred, email, office, status, type
std::vector<std::string> person(std::string id, std::string email = "", std::string status = "Active") {
  if (email.empty()) email = "p" + id + "@example.com";
  return {id, "First" + id, "Last" + id, "", email, "London", status, "Employee"};
}

mapping_result map_rows(const mapping_rules& r, std::vector<source_row> rows,
                        std::vector<quarantined_row> reader_quarantined = {}) {
  user_mapper m(r, "id");
  m.on_header(header);
  EXPECT_FALSE(m.header_error());
  for (auto& q : reader_quarantined)
    m.on_quarantine(std::move(q));
  for (auto& rw : rows)
    m.on_row(std::move(rw));
  return m.finish();
}

TEST(user_mapper, maps_a_row_to_a_desired_user) {
  const auto r = rules();
  auto res = map_rows(r, {row(1, {"00042", "Katherine", "Osei", "Kate", " Kate.Osei@Example.com ", "london",
                                  "Active", "Employee"})});
  ASSERT_EQ(res.users.size(), 1U);
  const auto& u = res.users[0];
  EXPECT_EQ(u.key, "00042");
  EXPECT_EQ(u.line, 2U);
  EXPECT_EQ(u.record, 1U);
  EXPECT_EQ(u.get(attribute::user_name), "kate.osei@example.com");
  EXPECT_EQ(u.get(attribute::given_name), "Kate");
  EXPECT_EQ(u.get(attribute::family_name), "Osei");
  EXPECT_EQ(u.get(attribute::email), "kate.osei@example.com");
  EXPECT_EQ(u.get(attribute::external_id), "00042");
  EXPECT_EQ(u.get(attribute::site), "London HQ");
  EXPECT_EQ(u.get(attribute::title), "");
  EXPECT_TRUE(u.owns(attribute::site));
  EXPECT_FALSE(u.owns(attribute::title));
  EXPECT_FALSE(u.owns(attribute::active));
  EXPECT_TRUE(u.active);
  EXPECT_EQ(u.hash, content_hash(u));
  EXPECT_NE(u.hash, 0U);
  EXPECT_TRUE(res.quarantined.empty());
  EXPECT_EQ(res.rows_read, 1U);
  EXPECT_EQ(res.in_scope, 1U);
  EXPECT_EQ(res.out_of_scope, 0U);
}

TEST(user_mapper, active_condition_decides_active) {
  const auto r = rules();
  auto res = map_rows(r, {row(1, person("1", "", "Active")), row(2, person("2", "", " on leave ")),
                          row(3, person("3", "", "Terminated"))});
  ASSERT_EQ(res.users.size(), 3U);
  EXPECT_TRUE(res.users[0].active);
  EXPECT_TRUE(res.users[1].active);
  EXPECT_FALSE(res.users[2].active);
}

TEST(user_mapper, without_an_active_condition_everyone_is_active) {
  mapping_rules r;
  EXPECT_FALSE(r.map_attribute(attribute::user_name, "{email}"));
  EXPECT_FALSE(r.map_attribute(attribute::given_name, "{first}"));
  EXPECT_FALSE(r.map_attribute(attribute::family_name, "{last}"));
  EXPECT_FALSE(r.map_attribute(attribute::email, "{email}"));
  auto res = map_rows(r, {row(1, person("1", "", "Terminated"))});
  ASSERT_EQ(res.users.size(), 1U);
  EXPECT_TRUE(res.users[0].active);
}

TEST(user_mapper, out_of_scope_rows_are_neither_users_nor_quarantined) {
  const auto r = rules();
  auto contractor = person("2");
  contractor[7] = "contractor";
  auto res = map_rows(r, {row(1, person("1")), row(2, contractor)});
  ASSERT_EQ(res.users.size(), 1U);
  EXPECT_EQ(res.users[0].key, "1");
  EXPECT_TRUE(res.quarantined.empty());
  EXPECT_EQ(res.rows_read, 2U);
  EXPECT_EQ(res.in_scope, 1U);
  EXPECT_EQ(res.out_of_scope, 1U);
}

TEST(user_mapper, users_are_sorted_by_key) {
  const auto r = rules();
  auto res = map_rows(r, {row(1, person("300")), row(2, person("0100")), row(3, person("200"))});
  ASSERT_EQ(res.users.size(), 3U);
  EXPECT_EQ(res.users[0].key, "0100");
  EXPECT_EQ(res.users[1].key, "200");
  EXPECT_EQ(res.users[2].key, "300");
}

TEST(user_mapper, quarantine_map_missing) {
  const auto r = rules();
  auto p = person("7");
  p[5] = "Paris";
  auto res = map_rows(r, {row(1, p)});
  EXPECT_TRUE(res.users.empty());
  ASSERT_EQ(res.quarantined.size(), 1U);
  const auto& q = res.quarantined[0];
  EXPECT_EQ(q.reason, quarantine_reason::map_missing);
  EXPECT_EQ(q.key, "7");
  EXPECT_EQ(q.line, 2U);
  EXPECT_EQ(q.record, 1U);
  EXPECT_EQ(
      q.detail,
      "site \"{office|map:office_site}\": map \"office_site\" has no entry for \"Paris\" and no _default");
}

TEST(user_mapper, quarantine_map_missing_in_scope_and_active_conditions) {
  mapping_rules r;
  EXPECT_FALSE(r.add_map("region", {{"London", "EMEA"}}));
  EXPECT_FALSE(r.add_map("state", {{"Active", "yes"}}));
  EXPECT_FALSE(r.map_attribute(attribute::user_name, "{email}"));
  EXPECT_FALSE(r.map_attribute(attribute::given_name, "{first}"));
  EXPECT_FALSE(r.map_attribute(attribute::family_name, "{last}"));
  EXPECT_FALSE(r.map_attribute(attribute::email, "{email}"));
  EXPECT_FALSE(r.add_scope("{office|map:region} == EMEA"));
  EXPECT_FALSE(r.set_active("{status|map:state} == yes"));
  auto paris = person("1");
  paris[5] = "Paris";
  auto odd = person("2", "", "Sabbatical");
  auto res = map_rows(r, {row(1, paris), row(2, odd)});
  ASSERT_EQ(res.quarantined.size(), 2U);
  EXPECT_EQ(res.quarantined[0].reason, quarantine_reason::map_missing);
  EXPECT_EQ(
      res.quarantined[0].detail,
      "scope \"{office|map:region} == EMEA\": map \"region\" has no entry for \"Paris\" and no _default");
  EXPECT_EQ(res.quarantined[1].reason, quarantine_reason::map_missing);
  EXPECT_EQ(
      res.quarantined[1].detail,
      "active \"{status|map:state} == yes\": map \"state\" has no entry for \"Sabbatical\" and no _default");
  EXPECT_EQ(res.in_scope, 1U);
}

TEST(user_mapper, quarantine_missing_required_names_every_empty_attribute) {
  const auto r = rules();
  auto p = person("9");
  p[1] = " ";  // first (no preferred either)
  p[2] = "";   // last
  auto res = map_rows(r, {row(1, p)});
  ASSERT_EQ(res.quarantined.size(), 1U);
  EXPECT_EQ(res.quarantined[0].reason, quarantine_reason::missing_required);
  EXPECT_EQ(res.quarantined[0].key, "9");
  EXPECT_EQ(res.quarantined[0].detail,
            "empty name.givenName \"{preferred|or:first}\", name.familyName \"{last}\"; 8x8 needs userName, "
            "name.givenName, name.familyName and email to create a user");
}

TEST(user_mapper, quarantine_missing_email) {
  const auto r = rules();
  auto p = person("9");
  p[4] = "";
  auto res = map_rows(r, {row(1, p)});
  ASSERT_EQ(res.quarantined.size(), 1U);
  EXPECT_EQ(res.quarantined[0].reason, quarantine_reason::missing_required);
  EXPECT_EQ(res.quarantined[0].detail,
            "empty userName \"{email|trim|lower}\", email \"{email|trim|lower}\"; 8x8 needs userName, "
            "name.givenName, "
            "name.familyName and email to create a user");
}

TEST(user_mapper, quarantine_invalid_email) {
  const auto r = rules();
  auto res = map_rows(r, {row(1, person("5", "jane.doe@example"))});
  ASSERT_EQ(res.quarantined.size(), 1U);
  EXPECT_EQ(res.quarantined[0].reason, quarantine_reason::invalid_email);
  EXPECT_EQ(res.quarantined[0].detail, "email \"jane.doe@example\" has no dot in the domain");
}

TEST(user_mapper, quarantine_unsafe_user_name) {
  mapping_rules r;
  EXPECT_FALSE(r.map_attribute(attribute::user_name, "{first}"));
  EXPECT_FALSE(r.map_attribute(attribute::given_name, "{first}"));
  EXPECT_FALSE(r.map_attribute(attribute::family_name, "{last}"));
  EXPECT_FALSE(r.map_attribute(attribute::email, "{email}"));
  auto quote = person("1");
  quote[1] = "Jane \"JJ\"";
  auto backslash = person("2");
  backslash[1] = "CORP\\jane";
  auto control = person("3");
  control[1] = "jane\x01";
  auto res = map_rows(r, {row(1, quote), row(2, backslash), row(3, control)});
  ASSERT_EQ(res.quarantined.size(), 3U);
  for (const auto& q : res.quarantined)
    EXPECT_EQ(q.reason, quarantine_reason::unsafe_user_name);
  EXPECT_EQ(res.quarantined[0].detail,
            "userName \"Jane \"JJ\"\" holds a double quote (\"), which a SCIM filter cannot carry safely");
  EXPECT_EQ(res.quarantined[1].detail,
            "userName \"CORP\\jane\" holds a backslash (\\), which a SCIM filter cannot carry safely");
  EXPECT_EQ(
      res.quarantined[2].detail,
      "userName \"jane\x01\" holds a control character (U+0001), which a SCIM filter cannot carry safely");
}

TEST(user_mapper, create_rules_apply_to_inactive_rows_too) {
  const auto r = rules();
  auto res = map_rows(r, {row(1, person("5", "not-an-email", "Terminated"))});
  EXPECT_TRUE(res.users.empty());
  ASSERT_EQ(res.quarantined.size(), 1U);
  EXPECT_EQ(res.quarantined[0].reason, quarantine_reason::invalid_email);
}

TEST(user_mapper, quarantine_duplicate_key_sets_aside_every_row_with_the_key) {
  const auto r = rules();
  auto out_of_scope = person("42");
  out_of_scope[7] = "Contractor";
  auto res = map_rows(r, {row(1, person("42")), row(2, person("7")), row(3, person("42", "bad-email")),
                          row(4, out_of_scope), row(5, person("8"))});
  ASSERT_EQ(res.users.size(), 2U);
  EXPECT_EQ(res.users[0].key, "7");
  EXPECT_EQ(res.users[1].key, "8");
  ASSERT_EQ(res.quarantined.size(), 3U);
  const std::string detail =
      "key \"42\" is on 3 rows (line 2, line 4, line 5); every row with this key is set aside until HR fixes "
      "the "
      "export";
  for (std::size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(res.quarantined[i].reason, quarantine_reason::duplicate_key);
    EXPECT_EQ(res.quarantined[i].key, "42");
    EXPECT_EQ(res.quarantined[i].detail, detail);
  }
  EXPECT_EQ(res.quarantined[0].record, 1U);
  EXPECT_EQ(res.quarantined[1].record, 3U);
  EXPECT_EQ(res.quarantined[2].record, 4U);
  EXPECT_EQ(res.rows_read, 5U);
}

TEST(user_mapper, duplicate_with_a_reader_quarantined_row_keeps_the_reader_reason) {
  const auto r = rules();
  std::vector<quarantined_row> reader{
      {3, 2, "42", quarantine_reason::field_count, "line 3 has 7 fields; the header has 8"},
      {4, 3, "", quarantine_reason::empty_key, "the key column \"id\" is empty"}};
  user_mapper m(r, "id");
  m.on_header(header);
  m.on_row(row(1, person("42")));
  m.on_quarantine(std::move(reader[0]));
  m.on_quarantine(std::move(reader[1]));
  m.on_row(row(4, person("43")));
  auto res = m.finish();
  ASSERT_EQ(res.users.size(), 1U);
  EXPECT_EQ(res.users[0].key, "43");
  ASSERT_EQ(res.quarantined.size(), 3U);
  EXPECT_EQ(res.quarantined[0].reason, quarantine_reason::duplicate_key);
  EXPECT_EQ(res.quarantined[0].detail,
            "key \"42\" is on 2 rows (line 2, line 3); every row with this key is set aside until HR fixes "
            "the export");
  EXPECT_EQ(res.quarantined[1].reason, quarantine_reason::field_count);
  EXPECT_EQ(res.quarantined[2].reason, quarantine_reason::empty_key);
  EXPECT_EQ(res.rows_read, 4U);
}

TEST(user_mapper, duplicates_are_found_whether_keys_come_sorted_or_not) {
  // A sorted export needs no key index until a key first comes out of order; duplicates must be
  // found on both sides of that point, and next to each other.
  const auto r = rules();
  auto keys_of = [](const std::vector<quarantined_row>& q) {
    std::vector<std::string> keys;
    for (const auto& row : q)
      keys.push_back(row.key);
    return keys;
  };
  auto adjacent =
      map_rows(r, {row(1, person("1")), row(2, person("2")), row(3, person("2")), row(4, person("3"))});
  ASSERT_EQ(adjacent.users.size(), 2U);
  EXPECT_EQ(keys_of(adjacent.quarantined), (std::vector<std::string>{"2", "2"}));

  auto before_break = map_rows(r, {row(1, person("1")), row(2, person("3")), row(3, person("2")),
                                   row(4, person("4")), row(5, person("3"))});
  ASSERT_EQ(before_break.users.size(), 3U);
  EXPECT_EQ(before_break.users[0].key, "1");
  EXPECT_EQ(before_break.users[1].key, "2");
  EXPECT_EQ(before_break.users[2].key, "4");
  EXPECT_EQ(keys_of(before_break.quarantined), (std::vector<std::string>{"3", "3"}));
  EXPECT_EQ(before_break.quarantined[0].record, 2U);
  EXPECT_EQ(before_break.quarantined[1].record, 5U);

  auto sorted = map_rows(r, {row(1, person("1")), row(2, person("2")), row(3, person("3"))});
  EXPECT_EQ(sorted.users.size(), 3U);
  EXPECT_TRUE(sorted.quarantined.empty());
}

TEST(user_mapper, a_size_hint_changes_nothing_but_memory) {
  // The hint only reserves room; a wrong one (far too small or too large) must not matter.
  const auto r = rules();
  std::vector<std::string> ids;
  for (int i = 0; i < 300; ++i)
    ids.push_back(std::to_string(1000 + (i * 7919) % 300));  // every id once, out of order
  auto run = [&](std::uintmax_t hint) {
    user_mapper m(r, "id");
    if (hint != 0) m.expect_bytes(hint);
    m.on_header(header);
    for (std::size_t i = 0; i < ids.size(); ++i)
      m.on_row(row(i + 1, person(ids[i])));
    return m.finish();
  };
  const auto plain = run(0);
  ASSERT_EQ(plain.users.size(), 300U);
  for (std::uintmax_t hint : {std::uintmax_t{1}, std::uintmax_t{20'000}, std::uintmax_t{1} << 24}) {
    const auto hinted = run(hint);
    ASSERT_EQ(hinted.users.size(), plain.users.size());
    for (std::size_t i = 0; i < plain.users.size(); ++i) {
      EXPECT_EQ(hinted.users[i].key, plain.users[i].key);
      EXPECT_EQ(hinted.users[i].record, plain.users[i].record);
      EXPECT_EQ(hinted.users[i].hash, plain.users[i].hash);
      EXPECT_EQ(hinted.users[i].hash, content_hash(hinted.users[i]));
    }
  }
}

TEST(user_mapper, empty_key_is_quarantined_without_a_key) {
  const auto r = rules();
  auto res = map_rows(r, {row(1, person(""))});
  ASSERT_EQ(res.quarantined.size(), 1U);
  EXPECT_EQ(res.quarantined[0].reason, quarantine_reason::empty_key);
  EXPECT_EQ(res.quarantined[0].key, "");
  EXPECT_EQ(res.quarantined[0].detail, "the key column \"id\" is empty");
}

TEST(user_mapper, header_error_names_every_missing_column) {
  const auto r = rules();
  user_mapper m(r, "employee_id");
  m.on_header({"id", "First", "last", "preferred", "e_mail", "office", "status"});
  ASSERT_TRUE(m.header_error());
  EXPECT_EQ(
      *m.header_error(),
      "the header lacks 4 columns the config uses: \"employee_id\" (source.key), \"email\" (did you mean "
      "\"e_mail\"?), \"first\" (did you mean \"First\"?), \"type\"");
  m.on_row(row(1, {"1", "a", "b", "", "a@example.com", "London", "Active"}));
  auto res = m.finish();
  EXPECT_TRUE(res.users.empty());
  EXPECT_TRUE(res.quarantined.empty());
  EXPECT_EQ(res.rows_read, 1U);
}

TEST(user_mapper, columns_bind_by_name_in_any_order) {
  const auto r = rules();
  user_mapper m(r, "id");
  m.on_header({"type", "status", "office", "email", "preferred", "last", "first", "extra", "id"});
  ASSERT_FALSE(m.header_error());
  m.on_row(row(1, {"Employee", "Active", "Austin", "a@example.com", "", "Lee", "Ann", "x", "5"}));
  auto res = m.finish();
  ASSERT_EQ(res.users.size(), 1U);
  EXPECT_EQ(res.users[0].key, "5");
  EXPECT_EQ(res.users[0].get(attribute::given_name), "Ann");
  EXPECT_EQ(res.users[0].get(attribute::site), "Austin");
}

}  // namespace
}  // namespace eightsync::core
