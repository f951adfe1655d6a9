// secret_registry and redact_credentials: secrets are redacted by value, wherever they appear and
// whatever surrounds them, not only after "Bearer" (invariant 9; issue 13, finding 6).
#include <gtest/gtest.h>

#include <string>

#include "core/audit_redaction.hpp"
#include "core/secret_registry.hpp"

namespace eightsync::core {
namespace {

constexpr std::string_view registry_token = "tok-7Qx9-Zr2w.LmN0";

TEST(secret_registry, a_known_value_is_redacted_wherever_it_appears) {
  secret_registry r;
  r.add(registry_token);
  EXPECT_EQ(r.redact("the credential tok-7Qx9-Zr2w.LmN0 may not do this"),
            "the credential [redacted] may not do this");
  EXPECT_EQ(r.redact("tok-7Qx9-Zr2w.LmN0tok-7Qx9-Zr2w.LmN0, again tok-7Qx9-Zr2w.LmN0"),
            "[redacted][redacted], again [redacted]");
  EXPECT_EQ(r.redact("nothing secret here"), "nothing secret here");
  EXPECT_EQ(r.redact(""), "");
}

TEST(secret_registry, short_values_are_not_kept_and_repeats_once) {
  secret_registry r;
  r.add("");
  r.add("abc");
  EXPECT_EQ(r.longest(), 0u);
  EXPECT_EQ(r.redact("abc abc"), "abc abc");
  r.add("abcd");
  r.add("abcd");
  EXPECT_EQ(r.longest(), 4u);
  EXPECT_EQ(r.redact("xabcdx"), "x[redacted]x");
}

TEST(secret_registry, overlapping_and_nested_values_leave_one_placeholder_and_no_fragment) {
  secret_registry r;
  r.add("pass1234");
  r.add("user:pass1234");
  r.add("1234word");
  EXPECT_EQ(r.redact("a user:pass1234 b"), "a [redacted] b");
  EXPECT_EQ(r.redact("pass1234word"), "[redacted]");
}

TEST(secret_registry, the_json_escaped_form_is_redacted_too) {
  secret_registry r;
  r.add(R"(p"ss\word)");
  EXPECT_EQ(r.redact(R"({"detail":"bad p\"ss\\word"})"), R"({"detail":"bad [redacted]"})");
  EXPECT_EQ(r.redact(R"(plain p"ss\word)"), "plain [redacted]");
}

TEST(secret_registry, safe_cut_never_splits_a_value_nor_passes_its_possible_start) {
  secret_registry r;
  EXPECT_EQ(r.safe_cut("anything", 8), 8u) << "nothing known: everything may pass";
  r.add("SECRETVALUE");  // 11 bytes: the last 10 of a buffer may start one
  const std::string text = "0123456789abcdefghij";
  EXPECT_EQ(r.safe_cut(text, text.size()), text.size() - 10);
  EXPECT_EQ(r.safe_cut(text, 3), 3u);
  const std::string straddling = "0123456789SECRETVALUE0123456789";
  // The cut would fall at 21 (31 - 10): inside no value; at 15 it would split it, so it moves to 10.
  EXPECT_EQ(r.safe_cut(straddling, 15), 10u);
  EXPECT_EQ(r.safe_cut(straddling, straddling.size()), 21u);
}

TEST(redact_credentials, redacts_every_known_secret_by_value_and_bearer_by_pattern) {
  secret_registry r;
  r.add(registry_token);
  // The token without the word "Bearer" before it: what an 8x8 error detail may repeat.
  EXPECT_EQ(redact_credentials("400 invalidValue: token tok-7Qx9-Zr2w.LmN0 is not allowed", r),
            "400 invalidValue: token [redacted] is not allowed");
  EXPECT_EQ(redact_credentials("Authorization: Bearer other-thing", r), "Authorization: Bearer [redacted]");
  EXPECT_EQ(redact_credentials("Bearer tok-7Qx9-Zr2w.LmN0", r), "Bearer [redacted]");
}

TEST(redact_credentials, consults_the_process_registry_by_default) {
  secret_registry::global().add("global-secret-5e1d");
  EXPECT_EQ(redact_credentials("8x8 said: global-secret-5e1d"), "8x8 said: [redacted]");
}

}  // namespace
}  // namespace eightsync::core
