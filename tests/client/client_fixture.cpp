#include "client_fixture.hpp"

#include <cstdio>
#include <stdexcept>

#include <boost/json/serialize.hpp>

#include "core/clock.hpp"
#include "core/unlimited_rate_limiter.hpp"

namespace eightsync::client_test {

namespace json = boost::json;
using namespace std::chrono_literals;

void client_test::start(std::vector<std::string> flags, std::string admin_ca_file) {
  std::vector<std::string> args{"--token", std::string(test_token)};
  args.insert(args.end(), flags.begin(), flags.end());
  process_ = std::make_unique<emulator::test::emulator_process>(args);
  admin_ = std::make_unique<emulator::test::http_client>(process_->port(), "", std::move(admin_ca_file));
}

void client_test::TearDown() {
  clients_.clear();
  admin_.reset();
  if (process_) {
    EXPECT_EQ(process_->stop(), 0) << "the emulator must exit 0 on SIGTERM";
    process_.reset();
  }
}

connectors::scim_client_options client_test::options() const {
  connectors::scim_client_options o;
  o.base_url = "http://127.0.0.1:" + std::to_string(process_ ? process_->port() : 1) + "/scim/v2";
  o.token = core::secret_token(std::string(test_token));
  o.rate_limiter = std::make_shared<core::unlimited_rate_limiter>(core::wall_clock::instance());
  o.retry.attempts = 3;
  o.retry.base_delay = 10ms;
  o.retry.max_delay = 50ms;
  o.timeout = 10s;
  o.proxy_from_environment = false;
  return o;
}

connectors::scim_client& client_test::client(connectors::scim_client_options o) {
  clients_.push_back(std::make_unique<connectors::scim_client>(ioc_.get_executor(), std::move(o)));
  return *clients_.back();
}

json::object client_test::user(std::string_view user_name, std::string_view given, std::string_view family) {
  return json::object{
      {"schemas", json::array{"urn:ietf:params:scim:schemas:core:2.0:User"}},
      {"userName", user_name},
      {"name", json::object{{"givenName", given}, {"familyName", family}}},
      {"emails", json::array{json::object{{"value", user_name}, {"type", "work"}, {"primary", true}}}},
  };
}

std::vector<std::string> client_test::seed(const json::array& users) {
  const auto r = admin_->post("/_emulator/users", users);
  EXPECT_EQ(r.status, 201u) << r.body.substr(0, 500);
  std::vector<std::string> ids;
  if (r.status != 201) return ids;
  const auto answer = r.json();  // a range-for over r.json().… would dangle
  for (const auto& id : answer.at("ids").as_array())
    ids.emplace_back(id.as_string());
  return ids;
}

std::vector<std::string> client_test::seed_many(std::size_t n) {
  json::array users;
  for (std::size_t i = 1; i <= n; ++i) {
    char name[64];
    std::snprintf(name, sizeof name, "u%04zu@example.com", i);
    users.push_back(user(name, "User", std::to_string(i)));
  }
  return seed(users);
}

void client_test::add_fault(const json::object& spec) {
  const auto r = admin_->post("/_emulator/faults", spec);
  ASSERT_EQ(r.status, 200u) << r.body;
}

void client_test::set(const json::object& settings) {
  const auto r = admin_->patch("/_emulator/settings", settings);
  ASSERT_EQ(r.status, 200u) << r.body;
}

std::vector<logged_request> client_test::log() {
  const auto r = admin_->get("/_emulator/log");
  EXPECT_EQ(r.status, 200u);
  std::vector<logged_request> out;
  if (r.status != 200) return out;
  const auto entries = r.json();
  for (const auto& v : entries.as_array()) {
    const auto& o = v.as_object();
    logged_request e;
    e.seq = o.at("seq").to_number<std::uint64_t>();
    e.time = parse_log_time(o.at("time").as_string());
    e.method = o.at("method").as_string();
    e.target = o.at("target").as_string();
    e.status = o.at("status").to_number<unsigned>();
    e.applied = o.at("applied").as_bool();
    if (o.at("fault").is_string()) e.fault = o.at("fault").as_string();
    out.push_back(std::move(e));
  }
  return out;
}

json::array client_test::dump() {
  const auto r = admin_->get("/_emulator/users");
  EXPECT_EQ(r.status, 200u);
  return r.status == 200 ? r.json().as_array() : json::array{};
}

std::chrono::system_clock::time_point parse_log_time(std::string_view text) {
  int y = 0;
  unsigned mo = 0;
  unsigned d = 0;
  int h = 0;
  int mi = 0;
  int s = 0;
  int ms = 0;
  const std::string t(text);
  if (std::sscanf(t.c_str(), "%d-%u-%uT%d:%d:%d.%dZ", &y, &mo, &d, &h, &mi, &s, &ms) != 7) {
    throw std::invalid_argument("not an emulator log time: " + t);
  }
  using namespace std::chrono;
  return sys_days{year{y} / month{mo} / day{d}} + hours{h} + minutes{mi} + seconds{s} + milliseconds{ms};
}

}  // namespace eightsync::client_test
