#include "emulator_test.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

namespace eightsync::emulator::test {

namespace json = boost::json;

void emulator_test::start(std::vector<std::string> flags) {
  std::vector<std::string> args{"--token", std::string(test_token)};
  args.insert(args.end(), flags.begin(), flags.end());
  process_ = std::make_unique<emulator_process>(args);
  scim_ = std::make_unique<http_client>(process_->port(), std::string(test_token));
  admin_ = std::make_unique<http_client>(process_->port(), "");
}

void emulator_test::TearDown() {
  scim_.reset();
  admin_.reset();
  if (process_) {
    EXPECT_EQ(process_->stop(), 0) << "the emulator must exit 0 on SIGTERM";
    process_.reset();
  }
}

json::object emulator_test::user(std::string_view user_name, std::string_view given,
                                 std::string_view family) {
  return json::object{
      {"schemas", json::array{"urn:ietf:params:scim:schemas:core:2.0:User"}},
      {"userName", user_name},
      {"name", json::object{{"givenName", given}, {"familyName", family}}},
      {"emails", json::array{json::object{{"value", user_name}, {"type", "work"}, {"primary", true}}}},
  };
}

std::string emulator_test::create(std::string_view user_name) {
  const auto r = scim().post("/scim/v2/Users", user(user_name));
  EXPECT_EQ(r.status, 201u) << r.body;
  if (r.status != 201) return {};
  return std::string(r.json().at("id").as_string());
}

std::vector<std::string> emulator_test::seed(const json::array& users) {
  const auto r = admin().post("/_emulator/users", users);
  EXPECT_EQ(r.status, 201u) << r.body.substr(0, 500);
  std::vector<std::string> ids;
  if (r.status != 201) return ids;
  const auto answer = r.json();
  for (const auto& id : answer.at("ids").as_array())
    ids.emplace_back(id.as_string());
  return ids;
}

json::array emulator_test::dump() {
  const auto r = admin().get("/_emulator/users");
  EXPECT_EQ(r.status, 200u);
  return r.status == 200 ? r.json().as_array() : json::array{};
}

json::array emulator_test::log() {
  const auto r = admin().get("/_emulator/log");
  EXPECT_EQ(r.status, 200u);
  return r.status == 200 ? r.json().as_array() : json::array{};
}

json::object emulator_test::stored(std::string_view id) {
  for (const auto& u : dump()) {
    if (u.at("id").as_string() == id) return u.as_object();
  }
  return {};
}

void emulator_test::add_fault(const json::value& spec) {
  const auto r = admin().post("/_emulator/faults", spec);
  ASSERT_EQ(r.status, 200u) << r.body;
}

json::object emulator_test::list(std::string_view query) {
  const auto r = scim().get("/scim/v2/Users" + std::string(query));
  EXPECT_EQ(r.status, 200u) << r.body;
  return r.status == 200 ? r.json().as_object() : json::object{};
}

std::string emulator_test::url_encode(std::string_view s) {
  static constexpr char hex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
        c == '_' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

}  // namespace eightsync::emulator::test
