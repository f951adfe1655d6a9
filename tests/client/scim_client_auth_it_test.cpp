// 401 and 403 come back at once, as their own outcomes, without a retry storm (invariant 7).
#include "client_fixture.hpp"

namespace eightsync::client_test {
namespace {

using core::scim_outcome;

class auth : public client_test {};

TEST_F(auth, RevokedTokenIsAuthFailedAtOnce) {
  start();
  const auto ids = seed_many(2);
  ASSERT_EQ(admin().del("/_emulator/token").status, 204u);
  auto& c = client();
  const auto g = run(c.get(ids[0]));
  EXPECT_EQ(g.outcome, scim_outcome::auth_failed);
  EXPECT_EQ(g.status, 401u);
  EXPECT_EQ(g.attempts, 1u);
  const auto l = run(c.list_all());
  EXPECT_EQ(l.last.outcome, scim_outcome::auth_failed);
  EXPECT_EQ(l.requests, 1u);
  const auto p = run(c.create(user("x@example.com")));
  EXPECT_EQ(p.outcome, scim_outcome::auth_failed);
  EXPECT_EQ(p.attempts, 1u);
  const auto entries = log();
  EXPECT_EQ(entries.size(), 3u) << "one request per call, no retries";
  for (const auto& e : entries)
    EXPECT_EQ(e.status, 401u);
}

TEST_F(auth, WrongTokenIsAuthFailed) {
  start();
  auto o = options();
  o.token = core::secret_token(std::string("not-the-token"));
  const auto r = run(client(o).find_by_user_name("a@example.com"));
  EXPECT_EQ(r.outcome, scim_outcome::auth_failed);
  EXPECT_EQ(r.attempts, 1u);
}

TEST_F(auth, ReadOnlyWritesAreWriteForbiddenAtOnce) {
  start();
  const auto ids = seed_many(1);
  set({{"read_only", true}});
  auto& c = client();
  const auto u = run(c.get(ids[0]));
  ASSERT_EQ(u.outcome, scim_outcome::ok) << "reads still work";
  const auto post = run(c.create(user("new@example.com")));
  EXPECT_EQ(post.outcome, scim_outcome::write_forbidden);
  EXPECT_EQ(post.status, 403u);
  EXPECT_EQ(post.attempts, 1u);
  EXPECT_FALSE(post.detail.empty());
  const auto put = run(c.replace(ids[0], *u.resource));
  EXPECT_EQ(put.result.outcome, scim_outcome::write_forbidden);
  EXPECT_EQ(put.result.attempts, 1u);
  const auto patch = run(c.set_active(ids[0], false));
  EXPECT_EQ(patch.outcome, scim_outcome::write_forbidden);
  EXPECT_EQ(patch.attempts, 1u);
  EXPECT_EQ(log().size(), 4u) << "one request per call, no retries";
}

}  // namespace
}  // namespace eightsync::client_test
