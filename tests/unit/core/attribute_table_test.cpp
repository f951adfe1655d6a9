// The attribute table (core/attribute_table.hpp): each row's properties, reading from one or
// several locations, where a value is written, the case rules, write-once and read-only rows,
// the create-required rows, the SCIM path lookup, and the byte-exact shapes that the table's
// order produces (request bodies, the stored copy's member order, the PUT answer check's order).
#include <gtest/gtest.h>

#include <array>
#include <string>
#include <vector>

#include <boost/json.hpp>

#include "core/attribute_table.hpp"
#include "core/desired_user.hpp"
#include "core/mapping_rules.hpp"
#include "core/planner_options.hpp"
#include "core/remote_user.hpp"
#include "core/scim_attribute_check.hpp"
#include "core/scim_user_codec.hpp"

namespace eightsync::core {
namespace {

namespace json = boost::json;

json::object obj(std::string_view text) {
  return json::parse(text).as_object();
}

// What each row must say, written out independently of the table.
struct expected_row {
  attribute attr;
  std::string_view name;
  value_type value;
  scim_location_kind kind;
  std::string_view path;
  case_rule compare;
  update_rule update;
  bool create_requires;
};

const std::array<expected_row, attribute_count> expected_rows{{
    {attribute::user_name, "userName", value_type::text, scim_location_kind::member, "userName",
     case_rule::ignore_case, update_rule::read_only_after_create, true},
    {attribute::given_name, "name.givenName", value_type::text, scim_location_kind::sub_member,
     "name.givenName", case_rule::exact, update_rule::writable, true},
    {attribute::family_name, "name.familyName", value_type::text, scim_location_kind::sub_member,
     "name.familyName", case_rule::exact, update_rule::writable, true},
    {attribute::email, "email", value_type::text, scim_location_kind::typed_entry,
     R"(emails[type eq "work"].value)", case_rule::ignore_case, update_rule::writable, true},
    {attribute::external_id, "externalId", value_type::text, scim_location_kind::member, "externalId",
     case_rule::exact, update_rule::writable, false},
    {attribute::title, "title", value_type::text, scim_location_kind::member, "title", case_rule::exact,
     update_rule::writable, false},
    {attribute::locale, "locale", value_type::text, scim_location_kind::member, "locale", case_rule::exact,
     update_rule::writable, false},
    {attribute::timezone, "timezone", value_type::text, scim_location_kind::member, "timezone",
     case_rule::exact, update_rule::writable, false},
    {attribute::department, "department", value_type::text, scim_location_kind::extension_member,
     "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department", case_rule::exact,
     update_rule::writable, false},
    {attribute::site, "site", value_type::text, scim_location_kind::extension_member,
     "urn:ietf:params:scim:schemas:extension:8x8:1.1:User:site", case_rule::exact, update_rule::write_once,
     false},
    {attribute::mobile_phone, "mobilePhone", value_type::text, scim_location_kind::typed_entry,
     R"(phoneNumbers[type eq "mobile"].value)", case_rule::exact, update_rule::writable, false},
    {attribute::active, "active", value_type::flag, scim_location_kind::member, "active", case_rule::exact,
     update_rule::writable, false},
}};

TEST(attribute_table, EachRowSaysWhatItShould) {
  for (std::size_t i = 0; i < attribute_count; ++i) {
    const expected_row& want = expected_rows[i];
    const attribute_row& row = attribute_row_of(want.attr);
    SCOPED_TRACE(std::string(want.name));
    EXPECT_EQ(&row, &attribute_rows[i]);
    EXPECT_EQ(row.attr, want.attr);
    EXPECT_EQ(row.name, want.name);
    EXPECT_EQ(attribute_name(want.attr), want.name);
    EXPECT_EQ(attribute_from_name(want.name), want.attr);
    EXPECT_EQ(row.value, want.value);
    // site is read from both of 8x8's extension URNs; every other attribute from one place.
    ASSERT_EQ(row.read.size(), want.attr == attribute::site ? 2u : 1u);
    if (want.attr == attribute::site) {
      EXPECT_EQ(scim_path(row.read[1]), "urn:8x8:scim:schemas:extension:8x8user:2.0:User:site");
      // Written under the URN the account uses.
      EXPECT_EQ(row.write, write_location_rule::account_extension);
      EXPECT_EQ(&write_location(row, x8_user_schema_urn), &row.read[1]);
      EXPECT_EQ(&write_location(row, x8_schema_urn), &row.read[0]);
    } else {
      EXPECT_EQ(row.write, write_location_rule::first_read_location);
    }
    EXPECT_EQ(row.read.front().kind, want.kind);
    EXPECT_EQ(scim_path(row.read.front()), want.path);
    EXPECT_EQ(row.compare, want.compare);
    EXPECT_EQ(row.update, want.update);
    EXPECT_EQ(row.create_requires, want.create_requires);
  }
  EXPECT_FALSE(attribute_from_name("username")) << "admin names are case-sensitive";
  EXPECT_FALSE(attribute_from_name("mobile_phone"));
}

TEST(attribute_table, LocationsSayWhereTheValueSits) {
  EXPECT_EQ(attribute_row_of(attribute::given_name).read.front(), at_sub_member("name", "givenName"));
  EXPECT_EQ(attribute_row_of(attribute::email).read.front(),
            at_typed_entry("emails", "work", entry_rule::only_entry));
  EXPECT_EQ(attribute_row_of(attribute::mobile_phone).read.front(),
            at_typed_entry("phoneNumbers", "mobile", entry_rule::of_type));
  EXPECT_EQ(attribute_row_of(attribute::department).read.front(),
            at_extension(enterprise_schema_urn, "department"));
  EXPECT_EQ(attribute_row_of(attribute::site).read.front(), at_extension(x8_schema_urn, "site"));
  EXPECT_EQ(scim_user_codec::x8_schema, x8_schema_urn);
  EXPECT_EQ(scim_user_codec::enterprise_schema, enterprise_schema_urn);
  EXPECT_EQ(scim_user_codec::core_schema, core_schema_urn);
}

// A site row as the later issue will make it: 8x8's two spellings of its extension.
constexpr attribute_row site_two_urns{
    .attr = attribute::site,
    .name = "site",
    .value = value_type::text,
    .read = {at_extension(x8_schema_urn, "site"), at_extension(x8_user_schema_urn, "site")},
    .write = write_location_rule::first_read_location,
    .compare = case_rule::exact,
    .update = update_rule::write_once,
    .create_requires = false};
static_assert(site_two_urns.read.size() == 2);

TEST(attribute_table, ReadsTheFirstLocationThatHoldsAValue) {
  const std::string first(x8_schema_urn);
  const std::string second(x8_user_schema_urn);
  EXPECT_EQ(scim_user_codec::read(obj(R"({")" + second + R"(":{"site":"Paris"}})"), site_two_urns), "Paris");
  EXPECT_EQ(scim_user_codec::read(
                obj(R"({")" + first + R"(":{"site":"London"},")" + second + R"(":{"site":"Paris"}})"),
                site_two_urns),
            "London");
  EXPECT_EQ(
      scim_user_codec::read(obj(R"({")" + first + R"(":{"site":""},")" + second + R"(":{"site":"Paris"}})"),
                            site_two_urns),
      "Paris")
      << "an empty first location does not win";
  EXPECT_EQ(
      scim_user_codec::read(obj(R"({")" + first + R"(":{"site":null},")" + second + R"(":{"Site":"Paris"}})"),
                            site_two_urns),
      "Paris");
  EXPECT_EQ(scim_user_codec::read(obj(R"({"site":"top"})"), site_two_urns), "");
  // The table's own site row reads both spellings.
  EXPECT_EQ(scim_user_codec::read(obj(R"({")" + second + R"(":{"site":"Paris"}})"), attribute::site),
            "Paris");
}

TEST(attribute_table, ReadsEachKindOfLocation) {
  const auto o = obj(R"({"USERNAME":"u@x","name":{"givenname":"G"},
    "emails":[{"value":"h@x","type":"home"},{"value":"p@x","primary":true}],
    "phoneNumbers":[{"value":"w","type":"work"},{"value":"m","type":"Mobile"}],
    "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":{"department":"D"}})");
  EXPECT_EQ(scim_user_codec::read_at(o, at_member("userName")), "u@x") << "names match case-insensitively";
  EXPECT_EQ(scim_user_codec::read_at(o, at_sub_member("name", "givenName")), "G");
  EXPECT_EQ(scim_user_codec::read_at(o, at_typed_entry("emails", "work", entry_rule::only_entry)), "p@x")
      << "no work email: the primary one";
  EXPECT_EQ(scim_user_codec::read_at(o, at_typed_entry("emails", "work", entry_rule::of_type)), "");
  EXPECT_EQ(scim_user_codec::read_at(o, at_typed_entry("phoneNumbers", "mobile", entry_rule::of_type)), "m");
  EXPECT_EQ(scim_user_codec::read_at(o, at_extension(enterprise_schema_urn, "department")), "D");
  EXPECT_EQ(scim_user_codec::read_at(o, at_extension(x8_schema_urn, "site")), "");
}

TEST(attribute_table, WritesTheFirstReadLocation) {
  for (const auto& row : attribute_rows)
    EXPECT_EQ(&write_location(row), &row.read.front()) << row.name;
  const std::array<std::string_view, attribute_count> written{
      R"({"userName":"V"})",
      R"({"name":{"givenName":"V"}})",
      R"({"name":{"familyName":"V"}})",
      R"({"emails":[{"value":"V","type":"work","primary":true}]})",
      R"({"externalId":"V"})",
      R"({"title":"V"})",
      R"({"locale":"V"})",
      R"({"timezone":"V"})",
      R"({"schemas":["urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"],"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":{"department":"V"}})",
      R"({"schemas":["urn:ietf:params:scim:schemas:extension:8x8:1.1:User"],"urn:ietf:params:scim:schemas:extension:8x8:1.1:User":{"site":"V"}})",
      R"({"phoneNumbers":[{"value":"V","type":"mobile"}]})",
      R"({})",
  };
  for (std::size_t i = 0; i < attribute_count; ++i) {
    json::object o;
    scim_user_codec::write(o, static_cast<attribute>(i), "V");
    EXPECT_EQ(json::serialize(o), written[i]) << attribute_rows[i].name;
  }
  // A row with two locations writes the first, and lists its URN in `schemas`.
  json::object o;
  scim_user_codec::write(o, site_two_urns, "Paris");
  EXPECT_EQ(
      json::serialize(o),
      R"({"schemas":["urn:ietf:params:scim:schemas:extension:8x8:1.1:User"],"urn:ietf:params:scim:schemas:extension:8x8:1.1:User":{"site":"Paris"}})");
}

TEST(attribute_table, CaseRules) {
  EXPECT_TRUE(scim_user_codec::same(attribute::user_name, " Zoe@Example.COM ", "zoe@example.com"));
  EXPECT_TRUE(scim_user_codec::same(attribute::email, "ZOË@x.com", "zoë@X.com"));
  EXPECT_FALSE(scim_user_codec::same(attribute::given_name, "zoë", "Zoë"));
  EXPECT_FALSE(scim_user_codec::same(attribute::site, "london hq", "London HQ"));
  EXPECT_TRUE(scim_user_codec::same(attribute::site, "London HQ\t", " London HQ")) << "trimmed first";
  for (const auto& row : attribute_rows) {
    if (row.value != value_type::text) continue;
    EXPECT_EQ(scim_user_codec::same(row.attr, "AbC", "aBc"), row.compare == case_rule::ignore_case)
        << row.name;
  }
}

TEST(attribute_table, WriteOnceAndReadOnlyAfterCreate) {
  EXPECT_EQ(read_only_after_create_mask, 1U << static_cast<unsigned>(attribute::user_name));
  EXPECT_TRUE(is_write_once(attribute::site));
  for (const auto& row : attribute_rows)
    EXPECT_EQ(is_write_once(row.attr), row.attr == attribute::site) << row.name;
  EXPECT_FALSE(is_write_once(std::nullopt));
  // userName is create-only whatever the mapping says; so are the options' defaults.
  mapping_rules rules;
  EXPECT_TRUE(rules.is_create_only(attribute::user_name));
  EXPECT_FALSE(rules.is_create_only(attribute::site));
  EXPECT_EQ(rules.create_only_mask(), read_only_after_create_mask);
  EXPECT_EQ(planner_options{}.create_only, read_only_after_create_mask);
}

TEST(attribute_table, CreateRequiredRows) {
  EXPECT_EQ(create_required_attributes, (std::array{attribute::user_name, attribute::given_name,
                                                    attribute::family_name, attribute::email}));
  EXPECT_EQ(mapping_rules::required, create_required_attributes);
  std::uint32_t mask = 0;
  for (const attribute a : create_required_attributes)
    mask |= 1U << static_cast<unsigned>(a);
  EXPECT_EQ(create_required_mask, mask);
}

TEST(attribute_table, PathLookup) {
  for (const auto& row : attribute_rows) {
    for (const auto& at : row.read) {
      EXPECT_EQ(attribute_at_scim_path(scim_path(at)), row.attr) << scim_path(at);
      EXPECT_TRUE(has_scim_path(at, scim_path(at)));
    }
  }
  EXPECT_EQ(attribute_at_scim_path("urn:ietf:params:scim:schemas:extension:8x8:1.1:User:site"),
            attribute::site);
  EXPECT_TRUE(
      is_write_once(attribute_at_scim_path("urn:ietf:params:scim:schemas:extension:8x8:1.1:User:site")));
  EXPECT_FALSE(is_write_once(attribute_at_scim_path("title")));
  EXPECT_EQ(attribute_at_scim_path(R"(phoneNumbers[type eq "mobile"].value)"), attribute::mobile_phone);
  for (const std::string_view unknown :
       {"", "name.middleName", "name", "name.", "site", "urn:ietf:params:scim:schemas:extension:8x8:1.1:User",
        "urn:ietf:params:scim:schemas:extension:8x8:1.1:User:", R"(emails[type eq "home"].value)",
        R"(emails[type eq "work"].display)", "USERNAME", "userName "}) {
    EXPECT_FALSE(attribute_at_scim_path(unknown)) << unknown;
  }
  EXPECT_EQ(attribute_at_scim_path("urn:8x8:scim:schemas:extension:8x8user:2.0:User:site"), attribute::site);
  // A test-only row's second location has its own path.
  EXPECT_TRUE(has_scim_path(site_two_urns.read[1], "urn:8x8:scim:schemas:extension:8x8user:2.0:User:site"));
  static_assert(attribute_at_scim_path("name.familyName") == attribute::family_name,
                "usable at compile time");
}

TEST(attribute_table, NotAppliedPathsMapBackToTheirRows) {
  const auto sent = obj(R"({"userName":"j@x.com","name":{"givenName":"J","middleName":"Q"},"title":"T",
    "emails":[{"value":"j@x.com","type":"work","primary":true}],"externalId":"E","locale":"en-GB",
    "timezone":"UTC","active":false,"phoneNumbers":[{"value":"+1555","type":"mobile"}],
    "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":{"department":"Ops"},
    "urn:ietf:params:scim:schemas:extension:8x8:1.1:User":{"site":"Paris"}})");
  const auto answer = obj(R"({"userName":"k@x.com","name":{},"active":true})");
  const std::vector<std::string> want{"userName",
                                      "name.givenName",
                                      "name.middleName",
                                      R"(emails[type eq "work"].value)",
                                      "externalId",
                                      "title",
                                      "locale",
                                      "timezone",
                                      "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department",
                                      "urn:ietf:params:scim:schemas:extension:8x8:1.1:User:site",
                                      "active",
                                      R"(phoneNumbers[type eq "mobile"].value)"};
  const auto got = attributes_not_applied(sent, answer);
  EXPECT_EQ(got, want) << "the table's order, but active before the mobile phone";
  for (const auto& path : got)
    EXPECT_EQ(attribute_at_scim_path(path).has_value(), path != "name.middleName") << path;
  EXPECT_FALSE(attribute_at_scim_path("name.middleName"));
}

TEST(attribute_table, CreateBodyInTheTablesOrder) {
  desired_user d;
  d.key = "00103";
  const std::array<std::string_view, attribute_count> values{
      "zoe@example.com", "Zoë",   "Ashworth",  "Zoe@Example.com", "00103", "Account Executive", "en-GB",
      "Europe/London",   "Sales", "London HQ", "+44 7700 900123", ""};
  d.assign_values(values);
  d.owned = 0x7FF;
  EXPECT_EQ(
      json::serialize(scim_user_codec::create_body(d)),
      R"({"schemas":["urn:ietf:params:scim:schemas:core:2.0:User","urn:ietf:params:scim:schemas:extension:enterprise:2.0:User","urn:ietf:params:scim:schemas:extension:8x8:1.1:User"],"userName":"zoe@example.com","name":{"givenName":"Zoë","familyName":"Ashworth"},"emails":[{"value":"Zoe@Example.com","type":"work","primary":true}],"externalId":"00103","title":"Account Executive","locale":"en-GB","timezone":"Europe/London","urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":{"department":"Sales"},"urn:ietf:params:scim:schemas:extension:8x8:1.1:User":{"site":"London HQ"},"phoneNumbers":[{"value":"+44 7700 900123","type":"mobile"}],"active":true})");
}

// The stored copy's member order is the fingerprint in user_links.remote_hash: it must not
// move when the table changes shape.
TEST(attribute_table, StoredCopyKeepsItsMemberOrder) {
  const auto r = remote_user::from_json(
      R"({"meta":{"resourceType":"User"},"urn:ietf:params:scim:schemas:extension:8x8:1.1:User":{"site":"London HQ"},"phoneNumbers":[{"value":"+44 7700 900123","type":"mobile"}],"timezone":"Europe/London","locale":"en-GB","title":"Account Executive","emails":[{"value":"zoe@example.com","type":"work","primary":true}],"active":true,"name":{"givenName":"Zoë","familyName":"Ashworth"},"userName":"zoe@example.com","externalId":"00103","id":"a1","urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":{"department":"Sales"},"schemas":["urn:ietf:params:scim:schemas:extension:8x8:1.1:User","urn:ietf:params:scim:schemas:core:2.0:User","urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"]})",
      {});
  ASSERT_TRUE(r.has_value());
  const std::string canonical =
      R"({"schemas":["urn:ietf:params:scim:schemas:extension:8x8:1.1:User","urn:ietf:params:scim:schemas:core:2.0:User","urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"],"id":"a1","userName":"zoe@example.com","externalId":"00103","title":"Account Executive","locale":"en-GB","timezone":"Europe/London","name":{"givenName":"Zoë","familyName":"Ashworth"},"active":true,"emails":[{"value":"zoe@example.com","type":"work","primary":true}],"phoneNumbers":[{"value":"+44 7700 900123","type":"mobile"}],"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":{"department":"Sales"},"urn:ietf:params:scim:schemas:extension:8x8:1.1:User":{"site":"London HQ"},"meta":{"resourceType":"User"}})";
  EXPECT_EQ(r->to_json(), canonical);
  EXPECT_EQ(json::serialize(r->to_object()), canonical);
  for (std::size_t i = 0; i < attribute_count; ++i) {
    const auto a = static_cast<attribute>(i);
    EXPECT_EQ(r->get(a), scim_user_codec::read(json::parse(canonical).as_object(), a)) << attribute_name(a);
  }
}

// remote_user remembers the rule of each of an object's first members; past those it looks the
// key up again. Both give the same stored copy.
TEST(attribute_table, StoredCopyOfAnObjectWithManyMembers) {
  json::object o;
  for (int i = 0; i < 40; ++i)
    o["x-" + std::to_string(i)] = i;
  o["userName"] = "u@x";
  o["id"] = "a1";
  o["name"] = json::object{{"familyName", "F"}};
  o["urn:ietf:params:scim:schemas:extension:8x8:1.1:User"] = json::object{{"site", "HQ"}};
  o["title"] = 7;  // not a string: kept as it is, in place
  const auto r = remote_user::from_object(o, {});
  ASSERT_TRUE(r.has_value());
  std::string rest;
  for (int i = 0; i < 40; ++i)
    rest += ",\"x-" + std::to_string(i) + "\":" + std::to_string(i);
  EXPECT_EQ(r->to_json(), R"({"id":"a1","userName":"u@x","name":{"familyName":"F"},)"
                          R"("urn:ietf:params:scim:schemas:extension:8x8:1.1:User":{"site":"HQ"})" +
                              rest + R"(,"title":7})");
  EXPECT_EQ(r->to_object(), o);
}

}  // namespace
}  // namespace eightsync::core
