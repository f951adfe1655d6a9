// Invariant 9: the token appears in no log line, even at trace level, while every request is
// logged; no header is logged.
#include <sstream>

#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include "client_fixture.hpp"

namespace eightsync::client_test {
namespace {

using core::scim_outcome;

class logging : public client_test {};

TEST_F(logging, TokenAppearsInNoLogLineAtTraceLevel) {
  start();
  const auto ids = seed_many(3);
  std::ostringstream captured;
  auto sink = std::make_shared<spdlog::sinks::ostream_sink_mt>(captured);
  auto logger = std::make_shared<spdlog::logger>("scim_it", sink);
  logger->set_level(spdlog::level::trace);
  auto o = options();
  o.logger = logger;
  o.page_size = 2;
  auto& c = client(o);

  EXPECT_TRUE(run(c.list_all()).complete);
  auto u = run(c.get(ids[0]));
  ASSERT_EQ(u.outcome, scim_outcome::ok);
  EXPECT_EQ(run(c.replace(ids[0], *u.resource)).result.outcome, scim_outcome::ok);
  EXPECT_EQ(run(c.set_active(ids[1], false)).outcome, scim_outcome::ok);
  EXPECT_EQ(run(c.find_by_user_name("u0003@example.com")).outcome, scim_outcome::ok);
  EXPECT_EQ(run(c.create(user("logged@example.com"))).outcome, scim_outcome::ok);
  add_fault({{"kind", "status"}, {"status", 503}, {"method", "GET"}, {"next", 1}});
  EXPECT_EQ(run(c.get(ids[0])).outcome, scim_outcome::ok);  // a retry is logged too
  add_fault({{"kind", "lost_response"}, {"method", "POST"}, {"next", 1}});
  EXPECT_EQ(run(c.create(user("lost@example.com"))).outcome, scim_outcome::outcome_unknown);
  ASSERT_EQ(admin().del("/_emulator/token").status, 204u);
  EXPECT_EQ(run(c.get(ids[0])).outcome, scim_outcome::auth_failed);
  logger->flush();

  const std::string text = captured.str();
  EXPECT_NE(text.find("scim.request"), std::string::npos) << "requests were logged";
  EXPECT_NE(text.find("scim.retry"), std::string::npos);
  EXPECT_NE(text.find("scim.outcome_unknown"), std::string::npos);
  EXPECT_NE(text.find("scim.auth_failed"), std::string::npos);
  EXPECT_NE(text.find("scim.list.done"), std::string::npos);
  EXPECT_EQ(text.find(test_token), std::string::npos) << "the token leaked into the log:\n" << text;
  EXPECT_EQ(text.find("Bearer"), std::string::npos) << "an Authorization header was logged";
  EXPECT_EQ(text.find("uthorization"), std::string::npos) << "a header was logged";
  std::size_t requests = 0;
  for (auto p = text.find("scim.request"); p != std::string::npos; p = text.find("scim.request", p + 1))
    ++requests;
  EXPECT_EQ(requests, log().size()) << "one scim.request line per request sent";
}

}  // namespace
}  // namespace eightsync::client_test
