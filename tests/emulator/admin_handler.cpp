#include "emulator/admin_handler.hpp"

#include <charconv>
#include <chrono>
#include <unordered_set>

#include <boost/json/array.hpp>
#include <boost/json/monotonic_resource.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/url/parse.hpp>

#include "emulator/iso_time.hpp"
#include "emulator/user_schema.hpp"

namespace eightsync::emulator {

namespace json = boost::json;
namespace urls = boost::urls;

namespace {

scim_answer answer(unsigned status, std::string body = {}) {
  scim_answer a;
  a.status = status;
  a.body = std::move(body);
  a.content_type = "application/json";
  return a;
}

scim_answer error(unsigned status, std::string detail) {
  auto a = scim_answer::from_error(make_error(status, "", std::move(detail)));
  a.content_type = "application/json";
  return a;
}

scim_answer not_allowed(std::string_view allow) {
  auto a = error(405, "allowed: " + std::string(allow));
  a.headers.emplace_back("Allow", std::string(allow));
  return a;
}

std::optional<json::value> parse(const std::string& body, scim_answer& err) {
  boost::system::error_code ec;
  json::value v = json::parse(body, ec);
  if (ec) {
    err = error(400, "the body is not valid JSON: " + ec.message());
    return std::nullopt;
  }
  return v;
}

}  // namespace

admin_handler::admin_handler(emulator_state& state) noexcept : state_(state) {}

bool admin_handler::is_admin_target(std::string_view target) noexcept {
  constexpr std::string_view prefix = "/_emulator";
  if (!target.starts_with(prefix)) return false;
  return target.size() == prefix.size() || target[prefix.size()] == '/' || target[prefix.size()] == '?';
}

scim_answer admin_handler::handle(const scim_request& req) {
  if (!req.peer_is_loopback) return error(403, "admin endpoints answer loopback clients only");
  auto parsed = urls::parse_origin_form(req.target);
  if (!parsed) return error(400, "bad request target");
  std::string path = parsed->path();
  if (path.size() > 1 && path.back() == '/') path.pop_back();
  const auto& m = req.method;
  scim_answer err;

  if (path == "/_emulator/users") {
    if (m == "POST") return seed_users(req);
    if (m == "GET") return dump_users();
    if (m == "DELETE") {
      state_.store.clear();
      return answer(204);
    }
    return not_allowed("GET, POST, DELETE");
  }
  if (path == "/_emulator/token") {
    if (m == "DELETE") {
      state_.token.reset();
      return answer(204);
    }
    if (m == "POST" || m == "PUT") {
      const auto v = parse(req.body, err);
      if (!v) return err;
      const auto* o = v->if_object();
      const auto* t = o ? o->if_contains("token") : nullptr;
      if (!t || !t->is_string() || t->as_string().empty())
        return error(400, "expected {\"token\":\"NEW TOKEN\"}");
      state_.token = std::string(t->as_string());
      return answer(204);
    }
    return not_allowed("POST, PUT, DELETE");
  }
  if (path == "/_emulator/faults") {
    if (m == "GET") return answer(200, json::serialize(state_.faults.to_json()));
    if (m == "DELETE") {
      state_.faults.clear();
      return answer(204);
    }
    if (m == "POST" || m == "PUT") {
      const auto v = parse(req.body, err);
      if (!v) return err;
      std::string why;
      auto specs = parse_fault_specs(*v, why);
      if (!specs) return error(400, why);
      if (m == "POST") {
        state_.faults.append(std::move(*specs));
      } else {
        state_.faults.replace(std::move(*specs));
      }
      return answer(200, json::serialize(state_.faults.to_json()));
    }
    return not_allowed("GET, POST, PUT, DELETE");
  }
  if (path == "/_emulator/log") {
    if (m == "DELETE") {
      state_.log.clear();
      return answer(204);
    }
    if (m != "GET") return not_allowed("GET, DELETE");
    std::uint64_t since = 0;
    for (auto p : parsed->params()) {
      if (p.key != "since") continue;
      auto [ptr, ec] = std::from_chars(p.value.data(), p.value.data() + p.value.size(), since);
      if (ec != std::errc{} || ptr != p.value.data() + p.value.size())
        return error(400, "since must be a number");
    }
    return answer(200, json::serialize(state_.log.to_json(since)));
  }
  if (path == "/_emulator/settings") {
    if (m == "GET") return answer(200, json::serialize(state_.settings.to_json()));
    if (m == "PATCH" || m == "POST") {
      const auto v = parse(req.body, err);
      if (!v) return err;
      const auto old_limit = rate_limit_text(state_.settings.rate_limit);
      if (auto why = state_.settings.apply_json(*v)) return error(400, *why);
      if (rate_limit_text(state_.settings.rate_limit) != old_limit) state_.reset_rate_limiter();
      return answer(200, json::serialize(state_.settings.to_json()));
    }
    return not_allowed("GET, PATCH");
  }
  if (path == "/_emulator/health" || path == "/_emulator") {
    if (m != "GET") return not_allowed("GET");
    json::object o{{"ok", true}, {"users", state_.store.size()}};
    return answer(200, json::serialize(o));
  }
  return error(404, "no such admin endpoint: " + path);
}

scim_answer admin_handler::seed_users(const scim_request& req) {
  // A seed batch can be 100,000 users: parse into one arena freed at once. Nothing parsed is
  // kept, normalise_user() copies into default storage.
  json::monotonic_resource arena;
  boost::system::error_code ec;
  std::optional<json::value> v = json::parse(req.body, ec, json::storage_ptr(&arena));
  if (ec) return error(400, "the body is not valid JSON: " + ec.message());
  json::array single;
  const json::array* items = v->if_array();
  if (!items) {
    if (!v->is_object()) return error(400, "expected a JSON array of SCIM users (or one user object)");
    single.push_back(std::move(*v));
    items = &single;
  }

  // All or nothing: check the whole batch before storing any of it. Checked users are kept
  // serialised: one small arena per user keeps 100,000 users off the heap.
  struct pending {
    std::string attrs;
    std::string id;
    bool admin_console;
  };
  alignas(std::max_align_t) static unsigned char scratch[32 * 1024];
  std::vector<pending> batch;
  batch.reserve(items->size());
  std::unordered_set<std::string> names;
  std::unordered_set<std::string> ids;
  names.reserve(items->size());
  for (std::size_t i = 0; i < items->size(); ++i) {
    const auto where = "users[" + std::to_string(i) + "]: ";
    const auto& item = (*items)[i];
    const auto* o = item.if_object();
    if (!o) return error(400, where + "not an object");
    bool admin = false;
    if (const auto* f = o->if_contains("_adminConsole")) {
      if (!f->is_bool()) return error(400, where + "_adminConsole must be true or false");
      admin = f->as_bool();
    }
    std::string id;
    if (const auto* given = o->if_contains("id")) {
      if (!given->is_string() || given->as_string().empty() ||
          given->as_string().find('/') != json::string::npos) {
        return error(400, where + "id must be a non-empty string without /");
      }
      id = given->as_string();
      if (state_.store.find(id) || !ids.insert(id).second)
        return error(409, where + "id " + id + " is taken");
    }
    json::monotonic_resource user_arena(scratch, sizeof scratch);
    auto attrs = normalise_user(item, user_write::seed, state_.settings, json::storage_ptr(&user_arena));
    if (!attrs) return error(attrs.error().status, where + attrs.error().detail);
    const auto& name = attrs->at("userName").as_string();
    if (state_.store.find_by_user_name(name) || !names.insert(user_store::fold_case(name)).second) {
      return error(409, where + "userName " + std::string(name) + " is taken");
    }
    if (!attrs->contains("active")) (*attrs)["active"] = true;
    batch.push_back({json::serialize(*attrs), std::move(id), admin});
  }

  const std::string now = iso8601_utc_ms(std::chrono::system_clock::now());
  state_.store.reserve(batch.size());
  json::array created;
  created.reserve(batch.size());
  for (auto& p : batch) {
    if (p.id.empty()) {
      p.id = state_.store.new_id();
      while (ids.contains(p.id))
        p.id = state_.store.new_id();
    }
    json::monotonic_resource user_arena(scratch, sizeof scratch);
    const json::storage_ptr sp(&user_arena);
    json::object meta({{"resourceType", "User"},
                       {"created", now},
                       {"lastModified", now},
                       {"location", state_.base_url + "/Users/" + p.id}},
                      0, sp);
    auto attrs = json::parse(p.attrs, sp).as_object();
    created.push_back(json::string(p.id));
    state_.store.append(
        user_record(p.id, finish_user(std::move(attrs), p.id, std::move(meta), state_.settings.site_schema),
                    p.admin_console));
    std::string().swap(p.attrs);
  }
  json::object out{{"ids", std::move(created)}};
  return answer(201, json::serialize(out));
}

scim_answer admin_handler::dump_users() const {
  std::string out = "[";
  bool first = true;
  state_.store.for_each([&](const user_record& r) {
    if (!first) out += ',';
    first = false;
    const std::string& j = r.json();
    // Every representation is a non-empty object: splice the flag in before its closing brace.
    out.append(j, 0, j.size() - 1);
    out += r.admin_console() ? R"(,"_adminConsole":true})" : R"(,"_adminConsole":false})";
  });
  out += ']';
  return answer(200, std::move(out));
}

}  // namespace eightsync::emulator
