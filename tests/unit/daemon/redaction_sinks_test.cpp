// Every sink consults the secret registry: the CLI's standard streams (redacting_streambuf) and
// the log (redacting_sink), and the process cannot dump core (issue 13, finding 6).
#include <gtest/gtest.h>

#include <sstream>
#include <string>

#include <sys/prctl.h>
#include <sys/resource.h>

#include <spdlog/logger.h>
#include <spdlog/sinks/ostream_sink.h>

#include "core/secret_registry.hpp"
#include "daemon/log_setup.hpp"
#include "daemon/process_hardening.hpp"
#include "daemon/redacting_sink.hpp"
#include "daemon/redacting_streambuf.hpp"

namespace eightsync::daemon {
namespace {

constexpr std::string_view token = "cli-token-R4nd0mXyz";

TEST(redacting_streambuf, whole_lines_pass_redacted) {
  core::secret_registry secrets;
  secrets.add(token);
  std::ostringstream target;
  {
    redacting_streambuf buf(target.rdbuf(), secrets);
    std::ostream out(&buf);
    out << "eightsync plan: reading 8x8 failed: invalid (HTTP 400): the credential " << token
        << " may not do this\n";
    out << "second line without a newline";
  }
  EXPECT_EQ(target.str(),
            "eightsync plan: reading 8x8 failed: invalid (HTTP 400): the credential [redacted] may not do "
            "this\nsecond line without a newline");
}

TEST(redacting_streambuf, a_secret_written_in_pieces_and_flushed_between_is_still_redacted) {
  core::secret_registry secrets;
  secrets.add(token);
  std::ostringstream target;
  redacting_streambuf buf(target.rdbuf(), secrets);
  std::ostream out(&buf);
  out << std::unitbuf;  // as std::cerr: a flush after every insertion
  out << "detail: " << token.substr(0, 7);
  EXPECT_EQ(target.str().find("cli-tok"), std::string::npos) << "the start of a secret is held back";
  out << token.substr(7) << " end";
  out << '\n';
  EXPECT_EQ(target.str(), "detail: [redacted] end\n");
}

TEST(redacting_streambuf, a_long_line_passes_in_pieces_without_splitting_a_secret) {
  core::secret_registry secrets;
  secrets.add(token);
  std::ostringstream target;
  std::string line;
  for (int i = 0; i < 20'000; ++i)
    line += "abc" + std::string(token);
  {
    redacting_streambuf buf(target.rdbuf(), secrets);
    std::ostream out(&buf);
    for (std::size_t at = 0; at < line.size(); at += 1000)
      out << line.substr(at, 1000);
    EXPECT_GT(target.str().size(), 0u) << "a line past 64 KiB is not held whole";
  }
  std::string want;
  for (int i = 0; i < 20'000; ++i)
    want += "abc[redacted]";
  EXPECT_EQ(target.str(), want);
}

TEST(redacting_sink, log_lines_carry_no_secret) {
  core::secret_registry secrets;
  secrets.add(token);
  std::ostringstream target;
  auto inner = std::make_shared<spdlog::sinks::ostream_sink_mt>(target);
  spdlog::logger log("eightsync", std::make_shared<redacting_sink>(inner, secrets));
  log.set_pattern("%n: %l: %v");
  log.warn("scim.write_forbidden op=create detail=\"the credential {} may not do this\"", token);
  log.warn("scim.request Authorization: Bearer whatever");
  EXPECT_EQ(
      target.str(),
      "eightsync: warning: scim.write_forbidden op=create detail=\"the credential [redacted] may not do "
      "this\"\neightsync: warning: scim.request Authorization: Bearer [redacted]\n");
}

TEST(redacting_sink, the_cli_logger_consults_the_process_registry) {
  core::secret_registry::global().add("process-wide-secret-77");
  std::ostringstream err;
  auto log = make_cli_logger(err, false);
  log->warn("8x8 said process-wide-secret-77");
  EXPECT_EQ(err.str(), "eightsync: warning: 8x8 said [redacted]\n");
}

TEST(process_hardening, no_core_dump_and_not_dumpable) {
  ASSERT_TRUE(forbid_core_dumps());
  rlimit core{};
  ASSERT_EQ(getrlimit(RLIMIT_CORE, &core), 0);
  EXPECT_EQ(core.rlim_cur, 0u);
  EXPECT_EQ(core.rlim_max, 0u);
  EXPECT_EQ(prctl(PR_GET_DUMPABLE, 0, 0, 0, 0), 0);
}

}  // namespace
}  // namespace eightsync::daemon
