#include "emulator/emulator_settings.hpp"

#include <charconv>
#include <fstream>
#include <stdexcept>

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include "emulator/user_schema.hpp"

namespace eightsync::emulator {

namespace json = boost::json;

namespace {

bool parse_size(std::string_view s, std::size_t& out) {
  if (s.empty()) return false;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc{} && p == s.data() + s.size();
}

// Reads a JSON array of non-empty strings into `out`; false (and `out` untouched) otherwise.
bool read_names(const json::value& v, std::vector<std::string>& out) {
  const auto* names = v.if_array();
  if (!names) return false;
  std::vector<std::string> read;
  read.reserve(names->size());
  for (const auto& n : *names) {
    if (!n.is_string() || n.as_string().empty()) return false;
    read.emplace_back(n.as_string());
  }
  out = std::move(read);
  return true;
}

json::array names_json(const std::vector<std::string>& names) {
  json::array out;
  for (const auto& name : names)
    out.emplace_back(name);
  return out;
}

}  // namespace

std::optional<rate_limit_spec> parse_rate_limit(std::string_view text, std::string& error) {
  error.clear();
  if (text == "off") return std::nullopt;
  const auto slash = text.find('/');
  std::size_t requests = 0;
  std::size_t amount = 0;
  std::string_view window = slash == std::string_view::npos ? std::string_view{} : text.substr(slash + 1);
  std::string_view unit;
  std::size_t digits = 0;
  while (digits < window.size() && window[digits] >= '0' && window[digits] <= '9')
    ++digits;
  unit = window.substr(digits);
  window = window.substr(0, digits);
  if (slash == std::string_view::npos || !parse_size(text.substr(0, slash), requests) || requests == 0 ||
      !parse_size(window, amount) || amount == 0 || (unit != "s" && unit != "m" && unit != "ms")) {
    error = "expected `off` or REQUESTS/WINDOW with a unit s, m or ms (e.g. 10/60s), got `" +
            std::string(text) + "`";
    return std::nullopt;
  }
  std::chrono::milliseconds w{};
  if (unit == "ms") w = std::chrono::milliseconds(amount);
  if (unit == "s") w = std::chrono::seconds(amount);
  if (unit == "m") w = std::chrono::minutes(amount);
  return rate_limit_spec{requests, w};
}

std::string rate_limit_text(const std::optional<rate_limit_spec>& spec) {
  if (!spec) return "off";
  const auto ms = spec->window.count();
  if (ms % 1000 == 0) return std::to_string(spec->requests) + "/" + std::to_string(ms / 1000) + "s";
  return std::to_string(spec->requests) + "/" + std::to_string(ms) + "ms";
}

std::vector<std::string> read_name_file(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot read " + path);
  std::vector<std::string> names;
  std::string line;
  while (std::getline(in, line)) {
    const auto first = line.find_first_not_of(" \t\r");
    if (first == std::string::npos || line[first] == '#') continue;
    const auto last = line.find_last_not_of(" \t\r");
    names.push_back(line.substr(first, last - first + 1));
  }
  if (in.bad()) throw std::runtime_error("cannot read " + path);
  return names;
}

bool emulator_settings::taken_elsewhere(std::string_view user_name) const noexcept {
  for (const auto& name : foreign_user_names) {
    if (ascii_iequals(name, user_name)) return true;
  }
  return false;
}

bool emulator_settings::site_known(std::string_view site) const noexcept {
  if (sites.empty()) return true;
  for (const auto& name : sites) {
    if (name == site) return true;
  }
  return false;
}

std::optional<site_change_mode> parse_site_change(std::string_view text) {
  if (text == "ignore") return site_change_mode::ignore;
  if (text == "reject") return site_change_mode::reject;
  return std::nullopt;
}

std::optional<patch_other_mode> parse_patch_other(std::string_view text) {
  if (text == "ignore") return patch_other_mode::ignore;
  if (text == "reject") return patch_other_mode::reject;
  return std::nullopt;
}

std::optional<visibility_mode> parse_visibility(std::string_view text) {
  if (text == "all") return visibility_mode::all;
  if (text == "idp_only") return visibility_mode::idp_only;
  return std::nullopt;
}

bool is_site_schema(std::string_view urn) noexcept {
  return urn == x8_user_schema || urn == x8_user_schema_2;
}

std::optional<put_omitted_mode> parse_put_omitted(std::string_view text) {
  if (text == "keep") return put_omitted_mode::keep;
  if (text == "clear") return put_omitted_mode::clear;
  return std::nullopt;
}

std::optional<past_end_mode> parse_past_end(std::string_view text) {
  if (text == "empty") return past_end_mode::empty;
  if (text == "first-page") return past_end_mode::first_page;
  return std::nullopt;
}

std::optional<external_id_mode> parse_external_id(std::string_view text) {
  if (text == "any") return external_id_mode::any;
  if (text == "numeric") return external_id_mode::numeric;
  return std::nullopt;
}

json::value emulator_settings::to_json() const {
  json::object o;
  o["max_page_size"] = max_page_size;
  o["filter_externalid"] = filter_external_id;
  o["site_change"] = site_change == site_change_mode::ignore ? "ignore" : "reject";
  o["patch_other"] = patch_other == patch_other_mode::ignore ? "ignore" : "reject";
  o["read_only"] = read_only;
  o["visibility"] = visibility == visibility_mode::all ? "all" : "idp_only";
  o["past_end"] = past_end == past_end_mode::empty ? "empty" : "first-page";
  o["put_omitted"] = put_omitted == put_omitted_mode::keep ? "keep" : "clear";
  o["site_schema"] = site_schema;
  o["rate_limit"] = rate_limit_text(rate_limit);
  o["foreign_user_names"] = names_json(foreign_user_names);
  o["sites"] = names_json(sites);
  o["external_id"] = external_id == external_id_mode::any ? "any" : "numeric";
  o["post_ignores_active"] = post_ignores_active;
  return o;
}

std::optional<std::string> emulator_settings::apply_json(const json::value& patch) {
  const auto* o = patch.if_object();
  if (!o) return "settings must be a JSON object";
  emulator_settings next = *this;
  for (const auto& entry : *o) {
    // Plain variables, not a structured binding: clang 14 cannot capture a binding in a lambda.
    const std::string_view key = entry.key();
    const json::value& v = entry.value();
    const auto bad = [key](std::string_view expected) {
      return "settings." + std::string(key) + ": expected " + std::string(expected);
    };
    if (key == "max_page_size") {
      if (!v.is_int64() || v.as_int64() < 1) return bad("an integer >= 1");
      next.max_page_size = static_cast<std::size_t>(v.as_int64());
    } else if (key == "filter_externalid") {
      if (!v.is_bool()) return bad("true or false");
      next.filter_external_id = v.as_bool();
    } else if (key == "read_only") {
      if (!v.is_bool()) return bad("true or false");
      next.read_only = v.as_bool();
    } else if (key == "site_change") {
      auto m = v.is_string() ? parse_site_change(v.as_string()) : std::nullopt;
      if (!m) return bad("\"ignore\" or \"reject\"");
      next.site_change = *m;
    } else if (key == "patch_other") {
      auto m = v.is_string() ? parse_patch_other(v.as_string()) : std::nullopt;
      if (!m) return bad("\"ignore\" or \"reject\"");
      next.patch_other = *m;
    } else if (key == "visibility") {
      auto m = v.is_string() ? parse_visibility(v.as_string()) : std::nullopt;
      if (!m) return bad("\"all\" or \"idp_only\"");
      next.visibility = *m;
    } else if (key == "site_schema") {
      if (!v.is_string() || !is_site_schema(v.as_string()))
        return bad("\"" + std::string(x8_user_schema) + "\" or \"" + std::string(x8_user_schema_2) + "\"");
      next.site_schema = v.as_string();
    } else if (key == "put_omitted") {
      auto m = v.is_string() ? parse_put_omitted(v.as_string()) : std::nullopt;
      if (!m) return bad("\"keep\" or \"clear\"");
      next.put_omitted = *m;
    } else if (key == "past_end") {
      auto m = v.is_string() ? parse_past_end(v.as_string()) : std::nullopt;
      if (!m) return bad("\"empty\" or \"first-page\"");
      next.past_end = *m;
    } else if (key == "rate_limit") {
      if (!v.is_string()) return bad("\"off\" or a string like \"10/60s\"");
      std::string error;
      next.rate_limit = parse_rate_limit(v.as_string(), error);
      if (!error.empty()) return "settings.rate_limit: " + error;
    } else if (key == "foreign_user_names") {
      if (!read_names(v, next.foreign_user_names)) return bad("an array of non-empty userNames");
    } else if (key == "sites") {
      if (!read_names(v, next.sites)) return bad("an array of non-empty site names");
    } else if (key == "external_id") {
      auto m = v.is_string() ? parse_external_id(v.as_string()) : std::nullopt;
      if (!m) return bad("\"any\" or \"numeric\"");
      next.external_id = *m;
    } else if (key == "post_ignores_active") {
      if (!v.is_bool()) return bad("true or false");
      next.post_ignores_active = v.as_bool();
    } else {
      return "settings: unknown key `" + std::string(key) + "`";
    }
  }
  *this = next;
  return std::nullopt;
}

}  // namespace eightsync::emulator
