#include "core/mapping_rules.hpp"

#include <gtest/gtest.h>

namespace eightsync::core {
namespace {

TEST(mapping_rules, owned_mask_and_templates) {
  mapping_rules r;
  EXPECT_FALSE(r.map_attribute(attribute::user_name, "{email|lower}"));
  EXPECT_FALSE(r.map_attribute(attribute::title, "{title}"));
  EXPECT_TRUE(r.owns(attribute::user_name));
  EXPECT_TRUE(r.owns(attribute::title));
  EXPECT_FALSE(r.owns(attribute::site));
  EXPECT_FALSE(r.owns(attribute::active));
  EXPECT_EQ(r.owned_mask(), (1U << 0) | (1U << 5));
  ASSERT_NE(r.template_for(attribute::title), nullptr);
  EXPECT_EQ(r.template_for(attribute::title)->text(), "{title}");
  EXPECT_EQ(r.template_for(attribute::site), nullptr);
  EXPECT_EQ(r.columns(), (std::vector<std::string>{"email", "title"}));
}

TEST(mapping_rules, missing_required_lists_the_unmapped_create_attributes) {
  mapping_rules r;
  EXPECT_EQ(r.missing_required(), (std::vector<attribute>{attribute::user_name, attribute::given_name,
                                                          attribute::family_name, attribute::email}));
  EXPECT_FALSE(r.map_attribute(attribute::given_name, "{first}"));
  EXPECT_FALSE(r.map_attribute(attribute::email, "{mail}"));
  EXPECT_EQ(r.missing_required(), (std::vector<attribute>{attribute::user_name, attribute::family_name}));
}

TEST(mapping_rules, user_name_is_always_create_only) {
  mapping_rules r;
  EXPECT_TRUE(r.is_create_only(attribute::user_name));
  EXPECT_FALSE(r.is_create_only(attribute::site));
  r.add_create_only(attribute::site);
  EXPECT_TRUE(r.is_create_only(attribute::site));
  EXPECT_EQ(r.create_only_mask(), (1U << 0) | (1U << 9));
}

TEST(mapping_rules, active_and_scope) {
  mapping_rules r;
  EXPECT_EQ(r.active(), nullptr);
  EXPECT_FALSE(r.set_active("{status} in [Active, On Leave]"));
  ASSERT_NE(r.active(), nullptr);
  EXPECT_FALSE(r.add_scope("{type} == Employee"));
  EXPECT_FALSE(r.add_scope("{office} != Remote"));
  EXPECT_EQ(r.scope().size(), 2U);
  EXPECT_EQ(r.columns(), (std::vector<std::string>{"status", "type", "office"}));
}

TEST(mapping_rules, parse_errors_change_nothing) {
  mapping_rules r;
  auto err = r.map_attribute(attribute::title, "{title|bogus}");
  ASSERT_TRUE(err);
  EXPECT_EQ(err->offset, 7U);
  EXPECT_FALSE(r.owns(attribute::title));
  EXPECT_TRUE(r.set_active("{status} is Active"));
  EXPECT_EQ(r.active(), nullptr);
  EXPECT_TRUE(r.columns().empty());
}

TEST(mapping_rules, maps_must_exist_before_templates_use_them) {
  mapping_rules r;
  EXPECT_TRUE(r.map_attribute(attribute::site, "{office|map:sites}"));
  EXPECT_FALSE(r.add_map("sites", {{"London", "London HQ"}}));
  EXPECT_FALSE(r.map_attribute(attribute::site, "{office|map:sites}"));
  EXPECT_EQ(r.maps().size(), 1U);
  EXPECT_EQ(r.maps()[0].name(), "sites");
}

TEST(mapping_rules, map_errors) {
  mapping_rules r;
  EXPECT_EQ(r.add_map("m", {{"London", "a"}, {" LONDON ", "b"}}),
            "expected each key once (compared case-insensitively after trimming), found \" LONDON \", which "
            "repeats "
            "\"London\"");
  EXPECT_TRUE(r.maps().empty());
  EXPECT_FALSE(r.add_map("m", {{"_default", "x"}}));
  EXPECT_EQ(r.add_map("m", {}), "expected each map name once, found \"m\" twice");
}

TEST(lookup_map, lookups) {
  lookup_map m("office_site");
  EXPECT_FALSE(m.add("London", "London HQ"));
  EXPECT_FALSE(m.add("Zürich", "ZRH"));
  std::string scratch;
  ASSERT_NE(m.find(" london", scratch), nullptr);
  EXPECT_EQ(*m.find(" london", scratch), "London HQ");
  EXPECT_EQ(*m.find("ZÜRICH", scratch), "ZRH");
  EXPECT_EQ(m.find("Paris", scratch), nullptr);
  EXPECT_FALSE(m.has_default());
  EXPECT_FALSE(m.add("_default", "Elsewhere"));
  EXPECT_EQ(*m.find("Paris", scratch), "Elsewhere");
  EXPECT_EQ(m.add("_default", "again"), "expected one _default entry, found a second one");
  EXPECT_EQ(m.size(), 2U);
}

}  // namespace
}  // namespace eightsync::core
