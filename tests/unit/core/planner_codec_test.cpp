// scim_user_codec and remote_user: reading and writing 8x8 user objects, request bodies, and
// the compact remote copy that must give back the complete object.
#include "planner_test_support.hpp"

namespace eightsync::core::planner_test {
namespace {

person zoe() {
  person p = someone("00103");
  p.user_name = "zoe.ashworth@example.com";
  return p;
}

TEST(planner_codec, reads_every_attribute_from_8x8_shape) {
  const auto o = scim_object(zoe(), "a1");
  EXPECT_EQ(scim_user_codec::read_id(o), "a1");
  EXPECT_EQ(scim_user_codec::read(o, attribute::user_name), "zoe.ashworth@example.com");
  EXPECT_EQ(scim_user_codec::read(o, attribute::given_name), "Zoë");
  EXPECT_EQ(scim_user_codec::read(o, attribute::family_name), "Ashworth");
  EXPECT_EQ(scim_user_codec::read(o, attribute::email), "zoe.ashworth@example.com");
  EXPECT_EQ(scim_user_codec::read(o, attribute::external_id), "00103");
  EXPECT_EQ(scim_user_codec::read(o, attribute::title), "Account Executive");
  EXPECT_EQ(scim_user_codec::read(o, attribute::locale), "en-GB");
  EXPECT_EQ(scim_user_codec::read(o, attribute::timezone), "Europe/London");
  EXPECT_EQ(scim_user_codec::read(o, attribute::department), "Sales");
  EXPECT_EQ(scim_user_codec::read(o, attribute::site), "London HQ");
  EXPECT_EQ(scim_user_codec::read(o, attribute::mobile_phone), "+44 7700 900123");
  EXPECT_EQ(scim_user_codec::read(o, attribute::active), "");
  EXPECT_EQ(scim_user_codec::read_active(o), true);
}

TEST(planner_codec, reads_work_email_among_several_and_member_names_case_insensitively) {
  const auto o = json::parse(R"({"id":"a","USERNAME":"Z@x.io","emails":[{"value":"home@x.io","type":"home"},
      {"value":"work@x.io","type":"Work"}],"phoneNumbers":[{"value":"1","type":"work"},{"value":"2","type":"mobile"}],
      "active":"False"})")
                     .as_object();
  EXPECT_EQ(scim_user_codec::read(o, attribute::user_name), "Z@x.io");
  EXPECT_EQ(scim_user_codec::read(o, attribute::email), "work@x.io");
  EXPECT_EQ(scim_user_codec::read(o, attribute::mobile_phone), "2");
  EXPECT_EQ(scim_user_codec::read_active(o), false);
  EXPECT_EQ(scim_user_codec::read(json::object{}, attribute::site), "");
}

TEST(planner_codec, write_changes_only_the_attribute_and_empty_clears_it) {
  auto o = scim_object(zoe(), "a1");
  const auto before = o;
  scim_user_codec::write(o, attribute::title, "Director");
  EXPECT_EQ(o.at("title"), "Director");
  scim_user_codec::write(o, attribute::title, "");
  EXPECT_FALSE(o.contains("title"));
  scim_user_codec::write(o, attribute::title, "Account Executive");
  EXPECT_EQ(o, before);

  scim_user_codec::write(o, attribute::email, "new@example.com");
  ASSERT_EQ(o.at("emails").as_array().size(), 1U);
  EXPECT_EQ(o.at("emails").as_array()[0],
            (json::object{{"value", "new@example.com"}, {"type", "work"}, {"primary", true}}));
  scim_user_codec::write(o, attribute::mobile_phone, "");
  EXPECT_TRUE(o.at("phoneNumbers").as_array().empty());
  scim_user_codec::write(o, attribute::mobile_phone, "+1 555");
  EXPECT_EQ(o.at("phoneNumbers").as_array()[0], (json::object{{"value", "+1 555"}, {"type", "mobile"}}));
  scim_user_codec::write(o, attribute::given_name, "Zoe");
  EXPECT_EQ(o.at("name").at("givenName"), "Zoe");
  EXPECT_EQ(o.at("name").at("familyName"), "Ashworth");
}

TEST(planner_codec, writing_an_extension_adds_its_schema) {
  json::object o{{"schemas", json::array{scim_user_codec::core_schema}}, {"id", "a"}};
  scim_user_codec::write(o, attribute::department, "Sales");
  scim_user_codec::write(o, attribute::site, "Austin");
  EXPECT_EQ(o.at("schemas"), (json::array{scim_user_codec::core_schema, scim_user_codec::enterprise_schema,
                                          scim_user_codec::x8_schema}));
  EXPECT_EQ(scim_user_codec::read(o, attribute::department), "Sales");
  EXPECT_EQ(scim_user_codec::read(o, attribute::site), "Austin");
}

TEST(planner_codec, same_trims_and_folds_only_user_name_and_email) {
  EXPECT_TRUE(scim_user_codec::same(attribute::email, " Zoe@Example.COM ", "zoe@example.com"));
  EXPECT_TRUE(scim_user_codec::same(attribute::user_name, "ZOË@x.io", "zoë@x.io"));
  EXPECT_TRUE(scim_user_codec::same(attribute::title, "Engineer\u00a0", "Engineer"));
  EXPECT_FALSE(scim_user_codec::same(attribute::title, "engineer", "Engineer"));
  EXPECT_FALSE(scim_user_codec::same(attribute::title, "Senior  Engineer", "Senior Engineer"));
}

TEST(planner_codec, create_body_has_one_work_primary_email_and_schemas) {
  person p = zoe();
  p.department = "";
  const auto body = scim_user_codec::create_body(desired(p));
  EXPECT_EQ(body.at("schemas"), (json::array{scim_user_codec::core_schema, scim_user_codec::x8_schema}));
  EXPECT_EQ(body.at("userName"), "zoe.ashworth@example.com");
  EXPECT_EQ(body.at("name"), (json::object{{"givenName", "Zoë"}, {"familyName", "Ashworth"}}));
  EXPECT_EQ(body.at("emails"),
            (json::array{
                json::object{{"value", "zoe.ashworth@example.com"}, {"type", "work"}, {"primary", true}}}));
  EXPECT_EQ(body.at("externalId"), "00103");
  EXPECT_EQ(body.at("active"), true);
  EXPECT_FALSE(body.contains(scim_user_codec::enterprise_schema));
  EXPECT_FALSE(body.contains("locale"));  // not owned
}

TEST(planner_codec, put_body_starts_from_the_complete_object) {
  const auto remote_obj = scim_object(zoe(), "a1");
  person hr = zoe();
  hr.title = "Director";
  hr.department = "Finance";
  const auto body = scim_user_codec::put_body(remote_obj, desired(hr), bit(attribute::title));
  auto expected = remote_obj;
  expected["title"] = "Director";
  EXPECT_EQ(body, expected);  // department not in the mask: untouched
  const auto rehire = scim_user_codec::put_body(scim_object(zoe(), "a1", false), desired(hr), 0, true);
  EXPECT_EQ(rehire.at("active"), true);
}

// What a PUT without `site` or `active` does is undocumented (a server may clear them): every PUT
// carries both, as the user has them.
TEST(planner_codec, put_body_always_carries_the_site_and_active) {
  person hr = zoe();
  hr.title = "Director";
  const auto inactive =
      scim_user_codec::put_body(scim_object(zoe(), "a1", false), desired(hr), bit(attribute::title));
  EXPECT_EQ(inactive.at("active"), false) << "as 8x8 has it: a PUT never reactivates";
  EXPECT_EQ(inactive.at(scim_user_codec::x8_schema).at("site"), "London HQ");
  EXPECT_EQ(inactive.at("schemas").as_array().size(), 3U);
  auto without_active = scim_object(zoe(), "a1");
  without_active.erase("active");
  const auto body = scim_user_codec::put_body(without_active, desired(hr), bit(attribute::title));
  EXPECT_EQ(body.at("active"), true) << "8x8 listed none: HR's value";
  hr.active = false;
  EXPECT_EQ(scim_user_codec::put_body(without_active, desired(hr), bit(attribute::title)).at("active"),
            false);
}

// 8x8 keeps one email: a PUT writing the email sends exactly the mapped one, so what 8x8 keeps is
// what eightsync sent; clearing it leaves no email at all.
TEST(planner_codec, writing_the_email_leaves_exactly_one_entry) {
  auto o = json::parse(R"({"id":"a","emails":[{"value":"home@x.io","type":"home"},
      {"value":"old@x.io","type":"work","primary":true},{"value":"x@x.io"}]})")
               .as_object();
  EXPECT_TRUE(scim_user_codec::other_entries(o, attribute::email));
  EXPECT_EQ(scim_user_codec::entry_values(o, attribute::email),
            (std::vector<std::string_view>{"home@x.io", "old@x.io", "x@x.io"}));
  scim_user_codec::write(o, attribute::email, "new@x.io");
  EXPECT_EQ(o.at("emails"),
            (json::array{json::object{{"value", "new@x.io"}, {"type", "work"}, {"primary", true}}}));
  EXPECT_FALSE(scim_user_codec::other_entries(o, attribute::email));

  auto without_work = json::parse(R"({"id":"a","emails":[{"value":"a@x.io","type":"home"},
      {"value":"b@x.io","type":"other"}]})")
                          .as_object();
  scim_user_codec::write(without_work, attribute::email, "new@x.io");
  EXPECT_EQ(without_work.at("emails").as_array().size(), 1U);
  EXPECT_EQ(scim_user_codec::read(without_work, attribute::email), "new@x.io");
  scim_user_codec::write(without_work, attribute::email, "");
  EXPECT_TRUE(without_work.at("emails").as_array().empty()) << "no email: none of them is kept";
  // Phones are not 8x8's single-entry kind: writing the mobile keeps a work number.
  auto phones = json::parse(R"({"id":"a","phoneNumbers":[{"value":"1","type":"work"}]})").as_object();
  EXPECT_FALSE(scim_user_codec::other_entries(phones, attribute::mobile_phone));
  scim_user_codec::write(phones, attribute::mobile_phone, "2");
  EXPECT_EQ(phones.at("phoneNumbers").as_array().size(), 2U);
}

// 8x8 fills in noreply@8x8.com for a user created without an email: HR's empty email is that.
TEST(planner_codec, an_empty_email_is_the_same_as_8x8s_placeholder) {
  EXPECT_TRUE(scim_user_codec::same(attribute::email, "", "noreply@8x8.com"));
  EXPECT_TRUE(scim_user_codec::same(attribute::email, " ", "NoReply@8x8.com"));
  EXPECT_FALSE(scim_user_codec::same(attribute::email, "zoe@example.com", "noreply@8x8.com"));
  EXPECT_FALSE(scim_user_codec::same(attribute::title, "", "noreply@8x8.com"));
}

TEST(planner_codec, active_patch_is_exactly_8x8s_body) {
  EXPECT_EQ(
      json::serialize(scim_user_codec::active_patch(false)),
      R"({"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","value":{"active":false}}]})");
}

TEST(planner_codec, remote_user_gives_back_the_complete_object) {
  const auto o = scim_object(zoe(), "a1", false);
  const auto r = remote(o, t0);
  EXPECT_EQ(r.id(), "a1");
  EXPECT_FALSE(r.active());
  EXPECT_EQ(r.fetched_at(), t0);
  EXPECT_EQ(r.get(attribute::site), "London HQ");
  EXPECT_EQ(r.to_object(), o);
  EXPECT_EQ(json::parse(r.to_json()), o);
}

TEST(planner_codec, remote_user_keeps_unusual_shapes_verbatim) {
  const char* texts[] = {
      R"({"id":"b","userName":"a@b.c","name":{"givenName":"A","familyName":"B","middleName":"C"},
          "emails":[{"value":"h@b.c","type":"home"},{"value":"a@b.c","type":"work","primary":true}],
          "phoneNumbers":[{"value":"1","type":"work"}],"x-custom":{"k":[1,2,null]},"title":null,
          "schemas":["urn:other","urn:ietf:params:scim:schemas:core:2.0:User"],"active":"true",
          "urn:ietf:params:scim:schemas:extension:8x8:1.1:User":{"site":"HQ","costCenter":"7"}})",
      R"({"id":"c"})",
      R"({"id":"d","name":{},"emails":[],"schemas":[],"externalId":"","active":false})",
  };
  for (const char* t : texts) {
    const auto o = json::parse(t).as_object();
    const auto r = remote(o, t0);
    EXPECT_EQ(r.to_object(), o) << t;
  }
  const auto r = remote(json::parse(texts[0]).as_object(), t0);
  EXPECT_EQ(r.get(attribute::email), "a@b.c");
  EXPECT_EQ(r.get(attribute::given_name), "A");
  EXPECT_EQ(r.get(attribute::site), "HQ");
  EXPECT_TRUE(r.active());
}

TEST(planner_codec, remote_user_without_id_is_an_error_value) {
  const auto r = remote_user::from_object(json::object{{"userName", "x"}}, t0);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error(), "the 8x8 user object has no string \"id\"");
  EXPECT_FALSE(remote_user::from_json("[1]", t0).has_value());
  EXPECT_FALSE(remote_user::from_json("{", t0).has_value());
  EXPECT_TRUE(remote_user::from_json(R"({"id":"q"})", t0).has_value());
}

TEST(planner_codec, cost_duration_is_one_pacing_gap_a_request) {
  using std::chrono::milliseconds;
  EXPECT_EQ(plan_cost_duration(0, 10, 60s), milliseconds{0});
  // One gap each: the window and its 1% guard over the requests it allows.
  EXPECT_EQ(plan_cost_duration(1, 10, 60s), milliseconds{6'060});
  EXPECT_EQ(plan_cost_duration(10, 10, 60s), milliseconds{60'600});
  EXPECT_EQ(plan_cost_duration(11, 10, 60s), milliseconds{66'660});
  EXPECT_EQ(plan_cost_duration(1000, 10, 60s), std::chrono::minutes{101});
  EXPECT_EQ(plan_cost_duration(3, 0, 1s), milliseconds{3030});
  EXPECT_EQ(plan_cost_duration(1, 7, 60s), milliseconds{8'658}) << "rounded up";
  EXPECT_EQ(plan_duration_text(std::chrono::minutes{100}), "1 h 40 min");
  EXPECT_EQ(plan_duration_text(std::chrono::seconds{45}), "45 s");
  EXPECT_EQ(plan_duration_text(std::chrono::hours{51}), "2 d 3 h");
}

}  // namespace
}  // namespace eightsync::core::planner_test
