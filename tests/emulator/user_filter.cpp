#include "emulator/user_filter.hpp"

#include <boost/json/parse.hpp>

#include "emulator/user_store.hpp"

namespace eightsync::emulator {

namespace json = boost::json;

namespace {

bool is_space(char c) {
  return c == ' ' || c == '\t';
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && is_space(s.front()))
    s.remove_prefix(1);
  while (!s.empty() && is_space(s.back()))
    s.remove_suffix(1);
  return s;
}

}  // namespace

std::optional<user_filter> parse_user_filter(std::string_view text, std::string& error) {
  const std::string_view supported = "only `userName eq \"VALUE\"` is supported";
  text = trim(text);
  const auto sp1 = text.find_first_of(" \t");
  if (sp1 == std::string_view::npos) {
    error = "filter `" + std::string(text) + "`: " + std::string(supported);
    return std::nullopt;
  }
  std::string attr = user_store::fold_case(text.substr(0, sp1));
  std::string_view rest = trim(text.substr(sp1));
  const auto sp2 = rest.find_first_of(" \t");
  const std::string op = user_store::fold_case(rest.substr(0, sp2));
  const std::string_view value = sp2 == std::string_view::npos ? std::string_view{} : trim(rest.substr(sp2));

  constexpr std::string_view urn = "urn:ietf:params:scim:schemas:core:2.0:user:";
  if (attr.starts_with(urn)) attr.erase(0, urn.size());
  user_filter f;
  if (attr == "username") {
    f.attr = user_filter::attribute::user_name;
  } else if (attr == "externalid") {
    f.attr = user_filter::attribute::external_id;
  } else {
    error = "filter on `" + std::string(text.substr(0, sp1)) + "`: " + std::string(supported);
    return std::nullopt;
  }
  if (op != "eq") {
    error = "filter operator `" + std::string(rest.substr(0, sp2)) + "`: " + std::string(supported);
    return std::nullopt;
  }
  if (value.size() < 2 || value.front() != '"' || value.back() != '"') {
    error = "filter value must be a double-quoted JSON string";
    return std::nullopt;
  }
  // The value is a JSON string literal: let the JSON parser decode its escapes, and refuse
  // anything after it (`… and …`).
  boost::system::error_code ec;
  const json::value v = json::parse(value, ec);
  if (ec || !v.is_string()) {
    error = "filter value is not a valid JSON string: " + std::string(value);
    return std::nullopt;
  }
  f.value = v.as_string();
  return f;
}

}  // namespace eightsync::emulator
