// TLS like bmcweb after its MITM fix: verify_peer, SNI, host name verification. With
// verification on, only the good certificate connects. Keep WrongHostNameIsRefused: it guards
// against a man in the middle holding any certificate from a trusted CA.
#include <memory>

#include "client_fixture.hpp"
#include "tls_files.hpp"

namespace eightsync::client_test {
namespace {

using core::scim_outcome;

class tls : public client_test {
 protected:
  static void SetUpTestSuite() { files_ = std::make_unique<tls_files>(); }
  static void TearDownTestSuite() { files_.reset(); }

  // `admin_ca`: what the fixture's admin client trusts to read the request log.
  void start_tls(const std::string& cert, const std::string& key, const std::string& admin_ca) {
    start({"--cert", cert, "--key", key}, admin_ca);
  }

  connectors::scim_client_options tls_options(const std::string& host = "127.0.0.1") const {
    auto o = options();
    o.base_url = "https://" + host + ":" + std::to_string(port()) + "/scim/v2";
    o.ca_file = files_->ca;
    o.retry.attempts = 1;
    return o;
  }

  static std::unique_ptr<tls_files> files_;
};

std::unique_ptr<tls_files> tls::files_;

TEST_F(tls, GoodCertificateConnectsByAddress) {
  start_tls(files_->good_cert, files_->good_key, files_->ca);
  const auto r = run(client(tls_options()).list_all());
  EXPECT_TRUE(r.complete) << r.last.detail;
  EXPECT_EQ(r.last.outcome, scim_outcome::ok);
}

TEST_F(tls, GoodCertificateConnectsByNameWithSni) {
  start_tls(files_->good_cert, files_->good_key, files_->ca);
  const auto r = run(client(tls_options("localhost")).list_all());
  EXPECT_TRUE(r.complete) << r.last.detail;
}

TEST_F(tls, WrongHostNameIsRefused) {
  // The admin client checks the name too, so it cannot read this emulator's log: the
  // handshake failure itself shows that no request was sent.
  start_tls(files_->wrong_cert, files_->wrong_key, files_->ca);
  const auto r = run(client(tls_options()).list_all());
  EXPECT_EQ(r.last.outcome, scim_outcome::transport);
  EXPECT_EQ(r.requests, 1u);
  EXPECT_NE(r.last.detail.find("TLS handshake"), std::string::npos) << r.last.detail;
  EXPECT_NE(r.last.detail.find("mismatch"), std::string::npos) << r.last.detail;
  const auto by_name = run(client(tls_options("localhost")).list_all());
  EXPECT_EQ(by_name.last.outcome, scim_outcome::transport) << "refused by name as well as by address";
}

TEST_F(tls, SelfSignedCertificateIsRefused) {
  start_tls(files_->self_cert, files_->self_key, files_->self_cert);
  auto o = tls_options();
  o.retry.attempts = 3;
  const auto r = run(client(o).list_all());
  EXPECT_EQ(r.requests, 1u) << "a refused certificate is not tried again";
  EXPECT_EQ(r.last.outcome, scim_outcome::transport);
  EXPECT_NE(r.last.detail.find("self-signed"), std::string::npos) << r.last.detail;
  EXPECT_TRUE(log().empty());
}

TEST_F(tls, GoodCertificateFromAnUntrustedCaIsRefused) {
  start_tls(files_->good_cert, files_->good_key, files_->ca);
  auto o = tls_options();
  o.ca_file.reset();  // the system store does not know the test CA
  const auto r = run(client(o).list_all());
  EXPECT_EQ(r.last.outcome, scim_outcome::transport);
  EXPECT_TRUE(log().empty());
}

TEST_F(tls, MissingCaFileIsAStartupError) {
  start_tls(files_->good_cert, files_->good_key, files_->ca);
  auto o = tls_options();
  o.ca_file = (files_->dir / "missing.pem").string();
  EXPECT_THROW(client(o), std::invalid_argument);
}

}  // namespace
}  // namespace eightsync::client_test
