// The audit rows as `eightsync audit` and `status` print them (issue 13, finding 12): values
// from HR and 8x8 are escaped, so ESC, CR or U+202E never reach the terminal raw.
#include "daemon/audit_text.hpp"

#include <gtest/gtest.h>

namespace eightsync::daemon {
namespace {

TEST(audit_text, operation_text_escapes_control_characters_in_values) {
  core::audit_operation_row op;
  op.id = 7;
  op.intent.kind = core::audit_operation_kind::update;
  op.intent.hr_key = "K\x1B[2J";
  op.intent.user_name = "u\rser@example.com";
  op.intent.scim_id = "id\xE2\x80\xAE";
  op.intent.reason = "8x8's title \"\x1B]0;x\x07\" differs from HR.";
  op.intent.method = "PUT";
  op.intent.path = "/Users/id%E2%80%AE";
  op.intent.diffs.push_back({core::attribute::title, "Old\x1B[31m", "two\nlines"});
  core::audit_outcome o;
  o.outcome = core::audit_operation_outcome::failed;
  o.attempts = 1;
  o.error_detail = "8x8 said: \x1B[2J";
  op.outcome = o;
  const std::string t = operation_text(op);
  for (const char bad : {'\x1B', '\r', '\x07'})
    EXPECT_EQ(t.find(bad), std::string::npos) << t;
  EXPECT_EQ(t.find("\xE2\x80\xAE"), std::string::npos) << t;
  EXPECT_NE(t.find("HR key K\\u001B[2J  u\\rser@example.com (id id\\u202E)\n"), std::string::npos) << t;
  EXPECT_NE(t.find("    why: 8x8's title \"\\u001B]0;x\\u0007\" differs from HR.\n"), std::string::npos) << t;
  EXPECT_NE(t.find("    title: \"Old\\u001B[31m\" -> \"two\\nlines\"\n"), std::string::npos) << t;
  EXPECT_NE(t.find("    detail: 8x8 said: \\u001B[2J\n"), std::string::npos) << t;
}

TEST(audit_text, held_text_escapes_control_characters_in_values) {
  core::audit_held_row h;
  h.kind = core::operation_kind::deactivate;
  h.hr_key = "K\x1B";
  h.user_name = "u\xC2\x9B@example.com";  // U+009B, a C1 control (CSI)
  h.scim_id = "i\rd";
  h.hold.text = "2 deactivations exceed safety.max_deactivations (1).";
  const std::string t = held_text(h);
  EXPECT_EQ(t,
            "deactivate  HR key K\\u001B  u\\u009B@example.com (id i\\rd)\n    held: 2 deactivations exceed "
            "safety.max_deactivations (1).\n");
}

}  // namespace
}  // namespace eightsync::daemon
