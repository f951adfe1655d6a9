// What the audit log stores from outside: known secrets redacted by value (not only after
// "Bearer"), and every text bounded to 4 KB (issue 13, findings 6 and 7); and a full disk said
// as "disk full" (finding 13).
#include <SQLiteCpp/SQLiteCpp.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "core/audit_log.hpp"
#include "core/secret_registry.hpp"
#include "core/state_error.hpp"
#include "unit/core/state_test_support.hpp"

namespace eightsync::core {
namespace {

using testing::temp_dir;
using testing::test_url;

constexpr std::string_view audit_token = "audit-token-9KqvX2pL";

class audit_log_bounds : public ::testing::Test {
 protected:
  void SetUp() override { secret_registry::global().add(audit_token); }

  manual_clock clock_;
  state_store store_{state_store::in_memory, test_url};
  audit_log log_{store_, clock_};

  std::int64_t cycle() { return log_.begin_cycle({cycle_kind::full, cycle_trigger::cli, "/srv/hr.csv", {}}); }

  int rows_holding(const std::string& sql_like) {
    int n = 0;
    for (const char* q : {"SELECT count(*) FROM cycles WHERE error LIKE ?1",
                          "SELECT count(*) FROM operations WHERE error_detail LIKE ?1",
                          "SELECT count(*) FROM user_backoff WHERE last_error LIKE ?1",
                          "SELECT count(*) FROM quarantined_rows WHERE detail LIKE ?1 OR hr_key LIKE ?1",
                          "SELECT count(*) FROM manual_actions WHERE text LIKE ?1"}) {
      SQLite::Statement s(store_.database(), q);
      s.bind(1, sql_like);
      s.executeStep();
      n += s.getColumn(0).getInt();
    }
    return n;
  }
};

TEST_F(audit_log_bounds, a_token_without_bearer_before_it_is_never_stored) {
  const auto c = cycle();
  audit_intent i;
  i.kind = audit_operation_kind::create;
  i.hr_key = "00100";
  i.user_name = "ada@example.com";
  i.method = "POST";
  i.path = "/Users";
  const auto op = log_.record_intent(c, i);
  audit_outcome failed;
  failed.outcome = audit_operation_outcome::failed;
  failed.status = 400;
  failed.attempts = 1;
  failed.error_detail = "invalid (HTTP 400): the credential " + std::string(audit_token) + " may not do this";
  log_.record_outcome(op, failed);
  log_.record_user_failure("00100", c, failed.error_detail);

  audit_cycle_end end;
  end.outcome = cycle_outcome::partial;
  end.error = "reading 8x8 failed: token " + std::string(audit_token) + " refused";
  log_.end_cycle(c, end);

  EXPECT_EQ(log_.operations(c).at(0).outcome->error_detail,
            "invalid (HTTP 400): the credential [redacted] may not do this");
  EXPECT_EQ(log_.cycle(c)->error, "reading 8x8 failed: token [redacted] refused");
  EXPECT_EQ(rows_holding("%" + std::string(audit_token) + "%"), 0);
  EXPECT_EQ(rows_holding("%[redacted]%"), 3);
}

TEST_F(audit_log_bounds, a_20_mb_detail_is_stored_as_4_kb_with_its_size) {
  const auto c = cycle();
  const std::string huge(20'000'000, 'x');
  audit_cycle_end end;
  end.outcome = cycle_outcome::partial;
  end.error = huge;
  log_.end_cycle(c, end);
  const auto stored = log_.cycle(c)->error;
  EXPECT_EQ(stored, std::string(4096, 'x') + "\u2026 (20000000 bytes)");

  const auto c2 = cycle();
  const std::vector<quarantined_row> rows{{7, 7, std::string(100'000, 'k'), quarantine_reason::field_count,
                                           "no key column; its columns are: " + std::string(1'000'000, ',')}};
  log_.record_quarantined(c2, rows);
  const auto q = log_.quarantined(c2).at(0);
  EXPECT_LE(q.detail.size(), 4096u + 32u);
  EXPECT_NE(q.detail.find("(1000032 bytes)"), std::string::npos) << q.detail.substr(4000);
  EXPECT_LE(q.key.size(), 4096u + 32u);
}

TEST(state_store_messages, a_full_disk_is_said_as_disk_full) {
  temp_dir dir;
  state_store store(dir / "state.db", test_url);
  manual_clock clock;
  audit_log log(store, clock);
  // SQLite's page limit makes it answer exactly as on a full disk (SQLITE_FULL).
  const int pages = store.database().execAndGet("PRAGMA page_count").getInt();
  store.database().exec("PRAGMA max_page_count = " + std::to_string(pages));
  std::string message;
  try {
    for (int i = 0; i < 10'000; ++i) {
      const auto c = log.begin_cycle({cycle_kind::full, cycle_trigger::cli, std::string(2000, 'p'), {}});
      (void)c;
    }
  } catch (const state_error& e) {
    message = e.what();
  }
  EXPECT_NE(message.find("recording the start of a cycle: disk full: the file system of " +
                         dir.path().string() + " has no space left"),
            std::string::npos)
      << message;
}

}  // namespace
}  // namespace eightsync::core
