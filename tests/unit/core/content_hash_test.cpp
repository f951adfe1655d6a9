#include "core/content_hash.hpp"

#include <gtest/gtest.h>

namespace eightsync::core {
namespace {

desired_user zoe() {
  desired_user u;
  u.key = "00103";
  auto set = [&](attribute a, std::string v) {
    u.set(a, v);
    u.owned |= 1U << static_cast<unsigned>(a);
  };
  set(attribute::user_name, "zoe.ashworth@example.com");
  set(attribute::given_name, "Zoë");
  set(attribute::family_name, "Ashworth");
  set(attribute::email, "zoe.ashworth@example.com");
  set(attribute::external_id, "00103");
  set(attribute::title, "Account Executive, EMEA");
  set(attribute::site, "London HQ");
  return u;
}

TEST(content_hash, xxh64_reference_vectors) {
  EXPECT_EQ(xxh64(""), 0xEF46DB3751D8E999ULL);
  EXPECT_EQ(xxh64("a"), 0xD24EC4F1A98C6E5BULL);
  EXPECT_EQ(xxh64("abc"), 0x44BC2CF5AD770999ULL);
  EXPECT_EQ(xxh64("Nobody inspects the spammish repetition"), 0xFBCEA83C8A378BF1ULL);  // >= 32 bytes
}

TEST(content_hash, canonical_serialization) {
  std::string s;
  append_canonical(s, zoe());
  EXPECT_EQ(s, std::string("userName=zoe.ashworth@example.com\0name.givenName=Zoë\0name.familyName=Ashworth\0"
                           "email=zoe.ashworth@example.com\0externalId=00103\0title=Account Executive, EMEA\0"
                           "site=London HQ\0",
                           172));
}

TEST(content_hash, pinned_value_for_a_fixed_user) {
  // XXH64 over "userName=zoe.ashworth@example.com\0name.givenName=Zoë\0…site=London HQ\0".
  // If this changes, every stored hash changes and every user looks updated: don't.
  EXPECT_EQ(content_hash(zoe()), 0xB88BC1E4426C65EBULL);
  std::string scratch = "leftovers";
  EXPECT_EQ(content_hash(zoe(), scratch), 0xB88BC1E4426C65EBULL);
}

TEST(content_hash, ignores_active_key_position_and_unowned_values) {
  const auto base = content_hash(zoe());
  auto u = zoe();
  u.active = false;
  u.key = "other";
  u.line = 99;
  u.record = 98;
  u.set(attribute::department, "not owned");
  u.set(attribute::active, "whatever");
  EXPECT_EQ(content_hash(u), base);
}

TEST(content_hash, changes_with_owned_values_and_ownership) {
  const auto base = content_hash(zoe());
  auto changed = zoe();
  changed.set(attribute::title, "Account Executive");
  EXPECT_NE(content_hash(changed), base);

  auto more = zoe();
  more.owned |= 1U << static_cast<unsigned>(attribute::department);  // owned, empty: "clear it"
  EXPECT_NE(content_hash(more), base);

  // Moving text between attributes is a change too: names are part of the serialization.
  auto a = zoe();
  a.set(attribute::given_name, "Zo");
  a.set(attribute::family_name, "ëAshworth");
  EXPECT_NE(content_hash(a), base);
}

}  // namespace
}  // namespace eightsync::core
