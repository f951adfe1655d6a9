// redact_credentials: no Bearer credential reaches the audit database (invariant 9).
#include <gtest/gtest.h>

#include "core/audit_redaction.hpp"

namespace eightsync::core {
namespace {

TEST(audit_redaction, a_bearer_credential_is_replaced) {
  EXPECT_EQ(redact_credentials("Bearer xyz"), "Bearer [redacted]");
  EXPECT_EQ(redact_credentials("Authorization: Bearer eyJhbGciOi.J9-_~+/abc== sent"),
            "Authorization: Bearer [redacted] sent");
  EXPECT_EQ(redact_credentials("bearer\tabc, BEARER def"), "bearer\t[redacted], BEARER [redacted]");
  EXPECT_EQ(redact_credentials("token_type=Bearer:abc"), "token_type=Bearer:[redacted]");
  EXPECT_EQ(redact_credentials("{\"auth\":\"Bearer s3cr3t\"}"), "{\"auth\":\"Bearer [redacted]\"}");
}

TEST(audit_redaction, other_text_is_left_alone) {
  EXPECT_EQ(redact_credentials(""), "");
  EXPECT_EQ(redact_credentials("500 Internal Server Error"), "500 Internal Server Error");
  EXPECT_EQ(redact_credentials("Bearer"), "Bearer");
  EXPECT_EQ(redact_credentials("Bearer "), "Bearer ");
  EXPECT_EQ(redact_credentials("Bearerxyz"), "Bearerxyz");  // not the scheme
  EXPECT_EQ(redact_credentials("forbearer xyz"), "forbearer xyz");
  EXPECT_EQ(redact_credentials("José García: 409 userName taken"), "José García: 409 userName taken");
}

TEST(audit_redaction, is_idempotent) {
  const auto once = redact_credentials("a Bearer xyz b");
  EXPECT_EQ(redact_credentials(once), once);
}

}  // namespace
}  // namespace eightsync::core
