// HTTP CONNECT proxies, as enterprise networks require: the client tunnels TLS through one.
#include <memory>

#include "client_fixture.hpp"
#include "connect_proxy.hpp"
#include "tls_files.hpp"

namespace eightsync::client_test {
namespace {

using core::scim_outcome;

class proxy : public client_test {
 protected:
  static void SetUpTestSuite() { files_ = std::make_unique<tls_files>(); }
  static void TearDownTestSuite() { files_.reset(); }

  connectors::scim_client_options tls_options() const {
    auto o = options();
    o.base_url = "https://127.0.0.1:" + std::to_string(port()) + "/scim/v2";
    o.ca_file = files_->ca;
    o.retry.attempts = 1;
    return o;
  }

  static std::unique_ptr<tls_files> files_;
};

std::unique_ptr<tls_files> proxy::files_;

TEST_F(proxy, TunnelsTlsThroughAConnectProxyWithCredentials) {
  start({"--cert", files_->good_cert, "--key", files_->good_key}, files_->ca);
  seed_many(3);
  connect_proxy p(ioc_, "Basic YWxpY2U6czNjcjN0");  // alice:s3cr3t
  auto o = tls_options();
  o.proxy = "http://alice:s3cr3t@127.0.0.1:" + std::to_string(p.port());
  auto& c = client(o);
  const auto l = run(c.list_all());
  EXPECT_TRUE(l.complete) << l.last.detail;
  EXPECT_EQ(l.users.size(), 3u);
  EXPECT_EQ(p.tunnels(), 1);
  EXPECT_EQ(p.last_target(), "127.0.0.1:" + std::to_string(port()));
}

TEST_F(proxy, ProxyRefusalIsATransportErrorNamingTheProxy) {
  start({"--cert", files_->good_cert, "--key", files_->good_key}, files_->ca);
  connect_proxy p(ioc_, "Basic c29tZW9uZTplbHNl");
  auto o = tls_options();
  o.proxy = "http://127.0.0.1:" + std::to_string(p.port());
  const auto r = run(client(o).get("x"));
  EXPECT_EQ(r.outcome, scim_outcome::transport);
  EXPECT_NE(r.detail.find("407"), std::string::npos) << r.detail;
  EXPECT_EQ(p.tunnels(), 0);
}

}  // namespace
}  // namespace eightsync::client_test
