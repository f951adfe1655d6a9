#include "emulator/fault_spec.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <utility>

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

namespace eightsync::emulator {

namespace json = boost::json;

namespace {

constexpr std::array<std::pair<fault_kind, std::string_view>, 11> kind_names{{
    {fault_kind::status, "status"},
    {fault_kind::reset, "reset"},
    {fault_kind::slow, "slow"},
    {fault_kind::truncate, "truncate"},
    {fault_kind::invalid_json, "invalid_json"},
    {fault_kind::lost_response, "lost_response"},
    {fault_kind::drift, "drift"},
    {fault_kind::empty_listing, "empty_listing"},
    {fault_kind::listing, "listing"},
    {fault_kind::echo_token, "echo_token"},
    {fault_kind::retry_after, "retry_after"},
}};

std::optional<std::uint64_t> as_count(const json::value& v) {
  if (v.is_int64() && v.as_int64() >= 0) return static_cast<std::uint64_t>(v.as_int64());
  if (v.is_uint64()) return v.as_uint64();
  return std::nullopt;
}

}  // namespace

std::string_view fault_kind_name(fault_kind k) noexcept {
  for (const auto& [kind, name] : kind_names) {
    if (kind == k) return name;
  }
  return "unknown";
}

json::value fault_spec::to_json() const {
  json::object o;
  o["kind"] = fault_kind_name(kind);
  if (kind == fault_kind::status || kind == fault_kind::echo_token || kind == fault_kind::retry_after)
    o["status"] = status;
  if (kind == fault_kind::echo_token && detail_bytes > 0) o["detail_bytes"] = detail_bytes;
  if (kind == fault_kind::retry_after) o["value"] = value;
  if (kind == fault_kind::slow) o["delay_ms"] = delay_ms;
  if (kind == fault_kind::listing) o["total"] = total;
  if (kind == fault_kind::drift) {
    o["insert"] = insert;
    o["delete"] = remove;
  }
  if (rate) o["rate"] = *rate;
  if (next) o["next"] = *next;
  if (!method.empty()) o["method"] = method;
  if (!path.empty()) o["path"] = path;
  return o;
}

std::optional<fault_spec> parse_fault_spec(const json::value& v, std::string& error) {
  const auto* o = v.if_object();
  if (!o) {
    error = "a fault must be a JSON object like {\"kind\":\"status\",\"status\":503}";
    return std::nullopt;
  }
  const auto* kind = o->if_contains("kind");
  if (!kind || !kind->is_string()) {
    error =
        "fault.kind: required, one of status, reset, slow, truncate, invalid_json, lost_response, drift, "
        "empty_listing, listing, echo_token, retry_after";
    return std::nullopt;
  }
  fault_spec spec;
  const auto found = std::find_if(kind_names.begin(), kind_names.end(),
                                  [&](const auto& kn) { return kn.second == kind->as_string(); });
  if (found == kind_names.end()) {
    error = "fault.kind: unknown kind `" + std::string(kind->as_string()) +
            "`; expected status, reset, slow, truncate, invalid_json, lost_response, drift, empty_listing, "
            "listing, echo_token or retry_after";
    return std::nullopt;
  }
  spec.kind = found->first;
  if (spec.kind == fault_kind::echo_token) spec.status = 400;
  if (spec.kind == fault_kind::retry_after) spec.status = 429;
  bool has_insert_or_delete = false;
  bool has_value = false;
  for (const auto& [key, value] : *o) {
    const auto bad = [&, k = std::string(key)](std::string_view expected) {
      error = "fault." + k + ": expected " + std::string(expected);
      return std::nullopt;
    };
    if (key == "kind") continue;
    if (key == "status" && spec.kind == fault_kind::status) {
      auto n = as_count(value);
      if (!n || *n < 500 || *n > 599) return bad("an HTTP status from 500 to 599");
      spec.status = static_cast<unsigned>(*n);
    } else if (key == "status" && spec.kind == fault_kind::echo_token) {
      auto n = as_count(value);
      if (!n || *n < 400 || *n > 599) return bad("an HTTP status from 400 to 599");
      spec.status = static_cast<unsigned>(*n);
    } else if (key == "detail_bytes" && spec.kind == fault_kind::echo_token) {
      auto n = as_count(value);
      if (!n || *n > 64U * 1024U * 1024U) return bad("a size in bytes from 0 to 67108864");
      spec.detail_bytes = static_cast<std::uint32_t>(*n);
    } else if (key == "status" && spec.kind == fault_kind::retry_after) {
      auto n = as_count(value);
      if (!n || (*n != 429 && *n != 503)) return bad("429 or 503");
      spec.status = static_cast<unsigned>(*n);
    } else if (key == "value" && spec.kind == fault_kind::retry_after) {
      // Any text a server might send, a number or a date or garbage, but one header line.
      if (const auto n = as_count(value)) {
        spec.value = std::to_string(*n);
      } else if (value.is_string() && !value.as_string().empty() && value.as_string().size() <= 200 &&
                 std::string_view(value.as_string()).find_first_of("\r\n") == std::string_view::npos) {
        spec.value = value.as_string();
      } else {
        return bad("a Retry-After value: seconds such as 120, or one line of text up to 200 bytes");
      }
      has_value = true;
    } else if (key == "rate") {
      if (!value.is_number()) return bad("a number from 0 to 1");
      const double r = value.to_number<double>();
      if (!(r >= 0.0 && r <= 1.0)) return bad("a number from 0 to 1");
      spec.rate = r;
    } else if (key == "next") {
      auto n = as_count(value);
      if (!n || *n == 0) return bad("an integer >= 1");
      spec.next = *n;
    } else if (key == "method") {
      if (!value.is_string() || value.as_string().empty()) return bad("a method name such as \"POST\"");
      spec.method = value.as_string();
      std::transform(spec.method.begin(), spec.method.end(), spec.method.begin(),
                     [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
    } else if (key == "path") {
      if (!value.is_string() || !value.as_string().starts_with("/")) {
        return bad("a path prefix starting with /, such as \"/Users\"");
      }
      spec.path = value.as_string();
    } else if (key == "delay_ms" && spec.kind == fault_kind::slow) {
      auto n = as_count(value);
      if (!n || *n > 600'000) return bad("milliseconds from 0 to 600000");
      spec.delay_ms = static_cast<std::uint32_t>(*n);
    } else if (key == "total" && spec.kind == fault_kind::listing) {
      auto n = as_count(value);
      if (!n) return bad("a count of users (an integer >= 0)");
      spec.total = *n;
    } else if ((key == "insert" || key == "delete") && spec.kind == fault_kind::drift) {
      auto n = as_count(value);
      if (!n || *n > 1'000'000) return bad("a count from 0 to 1000000");
      (key == "insert" ? spec.insert : spec.remove) = static_cast<std::uint32_t>(*n);
      has_insert_or_delete = true;
    } else {
      error =
          "fault." + std::string(key) + ": unknown key for kind " + std::string(fault_kind_name(spec.kind));
      return std::nullopt;
    }
  }
  if (spec.kind == fault_kind::drift && (!has_insert_or_delete || spec.insert + spec.remove == 0)) {
    error = "fault: a drift needs \"insert\" and/or \"delete\" > 0";
    return std::nullopt;
  }
  if (spec.kind == fault_kind::retry_after && !has_value) {
    error = "fault: a retry_after needs \"value\", the Retry-After header to send (e.g. 120)";
    return std::nullopt;
  }
  return spec;
}

std::optional<std::vector<fault_spec>> parse_fault_specs(const json::value& v, std::string& error) {
  std::vector<fault_spec> out;
  if (const auto* a = v.if_array()) {
    for (const auto& item : *a) {
      auto spec = parse_fault_spec(item, error);
      if (!spec) return std::nullopt;
      out.push_back(std::move(*spec));
    }
    return out;
  }
  auto spec = parse_fault_spec(v, error);
  if (!spec) return std::nullopt;
  out.push_back(std::move(*spec));
  return out;
}

}  // namespace eightsync::emulator
