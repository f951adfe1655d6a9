// The client against the emulator's faults: what is retried, what is never resent, and what
// comes back as which outcome.
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "client_fixture.hpp"

namespace eightsync::client_test {
namespace {

namespace json = boost::json;
using core::scim_outcome;
using namespace std::chrono_literals;

std::size_t count(const std::vector<logged_request>& log, std::string_view method) {
  std::size_t n = 0;
  for (const auto& e : log)
    n += e.method == method ? 1 : 0;
  return n;
}

class faults : public client_test {};

TEST_F(faults, LostResponseOnPostIsOutcomeUnknownAndNeverResent) {
  start();
  add_fault({{"kind", "lost_response"}, {"method", "POST"}, {"next", 1}});
  auto& c = client();
  const auto r = run(c.create(user("lost@example.com")));
  EXPECT_EQ(r.outcome, scim_outcome::outcome_unknown) << r.detail;
  EXPECT_EQ(r.attempts, 1u);
  const auto entries = log();
  EXPECT_EQ(count(entries, "POST"), 1u) << "a POST that may have been applied is never sent twice";
  ASSERT_EQ(entries.size(), 1u);
  EXPECT_TRUE(entries[0].applied) << "the emulator did create the user";
  // The caller resolves it by a lookup, which finds the one user.
  const auto found = run(c.find_by_user_name("lost@example.com"));
  ASSERT_EQ(found.outcome, scim_outcome::ok) << found.detail;
  EXPECT_EQ(dump().size(), 1u);
}

TEST_F(faults, Status502OnPostIsNotResent) {
  start();
  add_fault({{"kind", "status"}, {"status", 502}, {"method", "POST"}});
  const auto r = run(client().create(user("gw@example.com")));
  EXPECT_EQ(r.outcome, scim_outcome::outcome_unknown) << r.detail;
  EXPECT_EQ(r.status, 502u);
  EXPECT_EQ(r.attempts, 1u);
  EXPECT_EQ(count(log(), "POST"), 1u);
}

TEST_F(faults, ResetAfterThePostWasWrittenIsOutcomeUnknown) {
  start();
  add_fault({{"kind", "reset"}, {"method", "POST"}});
  const auto r = run(client().create(user("rst@example.com")));
  EXPECT_EQ(r.outcome, scim_outcome::outcome_unknown) << r.detail;
  EXPECT_EQ(r.attempts, 1u);
  EXPECT_EQ(count(log(), "POST"), 1u);
}

TEST_F(faults, TruncatedPostAnswerIsOutcomeUnknown) {
  start();
  add_fault({{"kind", "truncate"}, {"method", "POST"}});
  const auto r = run(client().create(user("cut@example.com")));
  EXPECT_EQ(r.outcome, scim_outcome::outcome_unknown) << r.detail;
  EXPECT_EQ(count(log(), "POST"), 1u);
}

TEST_F(faults, PostThatCannotConnectIsResentBecauseItNeverLeft) {
  // A port nobody listens on: bind one, then close it.
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  ASSERT_GE(fd, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a), 0);
  socklen_t len = sizeof a;
  ASSERT_EQ(::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len), 0);
  ::close(fd);
  auto o = options();
  o.base_url = "http://127.0.0.1:" + std::to_string(ntohs(a.sin_port)) + "/scim/v2";
  const auto r = run(client(o).create(user("nobody@example.com")));
  EXPECT_EQ(r.outcome, scim_outcome::transport) << r.detail;
  EXPECT_EQ(r.attempts, 3u) << "a connect failure provably never left: the POST is tried again";
}

TEST_F(faults, GetIsRetriedAfter503) {
  start();
  const auto ids = seed_many(1);
  add_fault({{"kind", "status"}, {"status", 503}, {"method", "GET"}, {"next", 2}});
  const auto r = run(client().get(ids[0]));
  EXPECT_EQ(r.outcome, scim_outcome::ok) << r.detail;
  EXPECT_EQ(r.attempts, 3u);
  EXPECT_EQ(count(log(), "GET"), 3u);
}

TEST_F(faults, ServerErrorAfterTheLastAttemptIsServer) {
  start();
  const auto ids = seed_many(1);
  add_fault({{"kind", "status"}, {"status", 500}, {"method", "GET"}});
  const auto r = run(client().get(ids[0]));
  EXPECT_EQ(r.outcome, scim_outcome::server);
  EXPECT_EQ(r.status, 500u);
  EXPECT_EQ(r.attempts, 3u);
  EXPECT_FALSE(r.detail.empty()) << "the SCIM error detail is kept";
}

TEST_F(faults, PutAndPatchAreRetriedAfterAReset) {
  start();
  const auto ids = seed_many(1);
  auto& c = client();
  auto u = run(c.get(ids[0]));
  ASSERT_EQ(u.outcome, scim_outcome::ok);
  add_fault({{"kind", "reset"}, {"method", "PUT"}, {"next", 1}});
  add_fault({{"kind", "reset"}, {"method", "PATCH"}, {"next", 1}});
  auto body = *u.resource;
  body["title"] = "Engineer";
  const auto put = run(c.replace(ids[0], body));
  EXPECT_EQ(put.result.outcome, scim_outcome::ok) << put.result.detail;
  EXPECT_EQ(put.result.attempts, 2u);
  const auto patch = run(c.set_active(ids[0], false));
  EXPECT_EQ(patch.outcome, scim_outcome::ok) << patch.detail;
  EXPECT_EQ(patch.attempts, 2u);
}

TEST_F(faults, SlowAnswerTimesOutAndIsRetried) {
  start();
  const auto ids = seed_many(1);
  add_fault({{"kind", "slow"}, {"delay_ms", 3000}, {"method", "GET"}, {"next", 1}});
  auto o = options();
  o.timeout = 500ms;
  const auto r = run(client(o).get(ids[0]));
  EXPECT_EQ(r.outcome, scim_outcome::ok) << r.detail;
  EXPECT_EQ(r.attempts, 2u);
}

TEST_F(faults, TruncatedAnswerIsAProtocolErrorNotACrash) {
  start();
  const auto ids = seed_many(3);
  add_fault({{"kind", "truncate"}, {"method", "GET"}});
  auto& c = client();
  const auto r = run(c.get(ids[0]));
  EXPECT_EQ(r.outcome, scim_outcome::protocol) << r.detail;
  EXPECT_EQ(r.attempts, 3u) << "a GET is retried after a truncated answer";
  const auto listing = run(c.list_all());
  EXPECT_FALSE(listing.complete);
  EXPECT_EQ(listing.end, core::scim_listing_end::failed);
  EXPECT_EQ(listing.last.outcome, scim_outcome::protocol);
  ASSERT_EQ(admin().del("/_emulator/faults").status, 204u);
  EXPECT_EQ(run(c.get(ids[0])).outcome, scim_outcome::ok) << "the client goes on working";
}

TEST_F(faults, InvalidJsonIsAProtocolErrorNotACrash) {
  start();
  const auto ids = seed_many(3);
  add_fault({{"kind", "invalid_json"}, {"method", "GET"}, {"next", 2}});
  auto& c = client();
  const auto r = run(c.get(ids[0]));
  EXPECT_EQ(r.outcome, scim_outcome::protocol) << r.detail;
  EXPECT_EQ(r.attempts, 1u) << "a well-formed HTTP answer with a bad body is not retried";
  EXPECT_FALSE(r.resource);
  const auto listing = run(c.list_all());
  EXPECT_FALSE(listing.complete);
  EXPECT_EQ(listing.last.outcome, scim_outcome::protocol);
  EXPECT_TRUE(listing.users.empty());
  EXPECT_EQ(run(c.get(ids[0])).outcome, scim_outcome::ok);
}

TEST_F(faults, InvalidJsonOnPostIsAProtocolError) {
  start();
  add_fault({{"kind", "invalid_json"}, {"method", "POST"}, {"next", 1}});
  const auto r = run(client().create(user("garbled@example.com")));
  EXPECT_EQ(r.outcome, scim_outcome::protocol) << "201 without a readable id: resolve by lookup";
  EXPECT_EQ(r.status, 201u);
  EXPECT_EQ(count(log(), "POST"), 1u);
}

}  // namespace
}  // namespace eightsync::client_test
