#include "emulator/scim_handler.hpp"

#include <charconv>
#include <chrono>
#include <optional>
#include <vector>

#include <boost/json/array.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "emulator/iso_time.hpp"
#include "emulator/user_filter.hpp"
#include "emulator/user_schema.hpp"

namespace eightsync::emulator {

namespace json = boost::json;

namespace {

constexpr std::string_view patch_op_schema = "urn:ietf:params:scim:api:messages:2.0:PatchOp";

std::string now_text() {
  return iso8601_utc_ms(std::chrono::system_clock::now());
}

scim_answer json_answer(unsigned status, std::string body) {
  scim_answer a;
  a.status = status;
  a.body = std::move(body);
  return a;
}

scim_answer error(unsigned status, std::string scim_type, std::string detail) {
  return scim_answer::from_error(make_error(status, std::move(scim_type), std::move(detail)));
}

scim_answer method_not_allowed(std::string_view allow) {
  auto a = error(405, "", "method not allowed here; allowed: " + std::string(allow));
  a.headers.emplace_back("Allow", std::string(allow));
  return a;
}

std::optional<long long> parse_integer(const std::optional<std::string>& s) {
  if (!s) return std::nullopt;
  long long v = 0;
  const char* b = s->data();
  const char* e = b + s->size();
  if (b != e && *b == '+') ++b;
  auto [p, ec] = std::from_chars(b, e, v);
  if (ec != std::errc{} || p != e || b == e) return std::nullopt;
  return v;
}

// Constant time for equal lengths: no early exit on the first differing byte.
bool same_secret(std::string_view a, std::string_view b) noexcept {
  unsigned char diff = a.size() == b.size() ? 0 : 1;
  const std::size_t n = a.size() < b.size() ? a.size() : b.size();
  for (std::size_t i = 0; i < n; ++i)
    diff |= static_cast<unsigned char>(a[i] ^ b[i]);
  return diff == 0;
}

// Parses a request body as JSON; an empty or malformed body is a 400 invalidSyntax.
std::optional<json::value> parse_body(const std::string& body, scim_answer& err) {
  boost::system::error_code ec;
  json::value v = json::parse(body, ec);
  if (ec) {
    err = error(400, "invalidSyntax", "the request body is not valid JSON: " + ec.message());
    return std::nullopt;
  }
  return v;
}

// 8x8 refuses a site that is not exactly one defined in Admin Console (--sites).
std::optional<scim_answer> unknown_site(const emulator_settings& settings, const std::string& site) {
  if (site.empty() || settings.site_known(site)) return std::nullopt;
  return error(400, "invalidValue", "site \"" + site + "\" is not a site defined in Admin Console");
}

bool is_write(std::string_view method) {
  return method == "POST" || method == "PUT" || method == "PATCH" || method == "DELETE";
}

std::string list_response(std::size_t total, std::size_t start_index,
                          const std::vector<const user_record*>& page) {
  std::size_t bytes = 200;
  for (const auto* r : page)
    bytes += r->json().size() + 1;
  std::string out;
  out.reserve(bytes);
  out += R"({"schemas":["urn:ietf:params:scim:api:messages:2.0:ListResponse"],"totalResults":)";
  out += std::to_string(total);
  out += R"(,"itemsPerPage":)";
  out += std::to_string(page.size());
  out += R"(,"startIndex":)";
  out += std::to_string(start_index);
  out += R"(,"Resources":[)";
  for (std::size_t i = 0; i < page.size(); ++i) {
    if (i) out += ',';
    out += page[i]->json();
  }
  out += "]}";
  return out;
}

}  // namespace

scim_handler::scim_handler(emulator_state& state) noexcept : state_(state) {}

bool scim_handler::authorized(std::string_view authorization) const noexcept {
  if (!state_.token || state_.token->empty()) return false;
  constexpr std::string_view scheme = "bearer ";
  if (authorization.size() <= scheme.size()) return false;
  for (std::size_t i = 0; i < scheme.size(); ++i) {
    char c = authorization[i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c != scheme[i]) return false;
  }
  std::string_view presented = authorization.substr(scheme.size());
  while (!presented.empty() && presented.front() == ' ')
    presented.remove_prefix(1);
  while (!presented.empty() && presented.back() == ' ')
    presented.remove_suffix(1);
  return same_secret(presented, *state_.token);
}

scim_answer scim_handler::handle(const scim_request& req, const scim_route& route) {
  using res = scim_route::resource;
  if (route.kind == res::unknown) return error(404, "", "no such endpoint: " + route.full_path);
  if (!authorized(req.authorization)) {
    // Never echo what was presented: it may be a real token.
    auto a = error(401, "", "missing, invalid or revoked bearer token");
    a.headers.emplace_back("WWW-Authenticate", "Bearer");
    return a;
  }
  const auto& m = req.method;
  if (state_.settings.read_only && is_write(m) && route.kind != res::service_provider_config) {
    return error(403, "",
                 "this client may only read: another identity provider is the primary provisioning client");
  }
  switch (route.kind) {
    case res::users:
      if (m == "GET") return list(route);
      if (m == "POST") return create(req);
      return method_not_allowed("GET, POST");
    case res::user:
      if (m == "GET") return get(route);
      if (m == "PUT") return replace(req, route);
      if (m == "PATCH") return patch(req, route);
      if (m == "DELETE") return remove(route);
      return method_not_allowed("GET, PUT, PATCH, DELETE");
    case res::service_provider_config:
      if (m == "GET") return service_provider_config();
      return method_not_allowed("GET");
    case res::unknown:
      break;
  }
  return error(404, "", "no such endpoint: " + route.full_path);
}

const user_record* scim_handler::visible_user(std::string_view id) const {
  const auto* r = state_.store.find(id);
  if (!r || !user_store::visible(*r, state_.settings.visibility)) return nullptr;
  return r;
}

json::object scim_handler::new_meta(std::string_view id, const std::string& now) const {
  json::object meta;
  meta["resourceType"] = "User";
  meta["created"] = now;
  meta["lastModified"] = now;
  meta["location"] = state_.base_url + "/Users/" + std::string(id);
  return meta;
}

scim_answer scim_handler::list(const scim_route& route) {
  const auto start = route.start_index ? parse_integer(route.start_index) : std::optional<long long>(1);
  if (!start) return error(400, "invalidValue", "startIndex must be an integer");
  const auto max = static_cast<long long>(state_.settings.max_page_size);
  const auto count = route.count ? parse_integer(route.count) : std::optional<long long>(max);
  if (!count) return error(400, "invalidValue", "count must be an integer");
  // RFC 7644 §3.4.2.4: startIndex < 1 means 1, a negative count means 0.
  const std::size_t start_index = static_cast<std::size_t>(*start < 1 ? 1 : *start);
  const std::size_t page_size = static_cast<std::size_t>(*count < 0 ? 0 : (*count > max ? max : *count));
  const auto vis = state_.settings.visibility;

  std::vector<const user_record*> page;
  if (!route.filter) {
    const std::size_t total = state_.store.visible_count(vis);
    page.reserve(page_size < total ? page_size : total);
    // --past-end first-page: a startIndex past the last user gets page 1 again, as some servers
    // answer; a client that pages on by startIndex alone would loop for ever.
    const bool again =
        state_.settings.past_end == past_end_mode::first_page && total > 0 && start_index > total;
    const std::size_t from = again ? 1 : start_index;
    state_.store.page(vis, from - 1, page_size, page);
    return json_answer(200, list_response(total, from, page));
  }

  std::string why;
  const auto f = parse_user_filter(*route.filter, why);
  if (f && f->attr == user_filter::attribute::external_id && !state_.settings.filter_external_id) {
    return error(400, "invalidFilter",
                 "filtering on externalId is not supported; only userName eq \"VALUE\"");
  }
  if (!f) return error(400, "invalidFilter", why);
  std::vector<const user_record*> matches;
  if (f->attr == user_filter::attribute::user_name) {
    if (const auto* r = state_.store.find_by_user_name(f->value); r && user_store::visible(*r, vis)) {
      matches.push_back(r);
    }
  } else {
    // externalId is case-exact (RFC 7643 §3.1).
    state_.store.for_each([&](const user_record& r) {
      if (!r.external_id().empty() && r.external_id() == f->value && user_store::visible(r, vis)) {
        matches.push_back(&r);
      }
    });
  }
  for (std::size_t i = start_index - 1; i < matches.size() && page.size() < page_size; ++i)
    page.push_back(matches[i]);
  return json_answer(200, list_response(matches.size(), start_index, page));
}

scim_answer scim_handler::get(const scim_route& route) {
  const auto* r = visible_user(route.id);
  if (!r) return error(404, "", "no user with id " + route.id);
  return json_answer(200, r->json());
}

scim_answer scim_handler::create(const scim_request& req) {
  scim_answer err;
  const auto body = parse_body(req.body, err);
  if (!body) return err;
  auto attrs = normalise_user(*body, user_write::create, state_.settings);
  if (!attrs) return scim_answer::from_error(attrs.error());
  if (auto refused = unknown_site(state_.settings, user_site(*attrs, state_.settings.site_schema)))
    return *refused;
  const auto& user_name = attrs->at("userName").as_string();
  // Uniqueness spans every user, hidden ones too: a hidden duplicate still answers 409. It spans
  // all of 8x8, too: a name taken in another account answers 409 and is found nowhere here.
  if (state_.store.find_by_user_name(user_name) || state_.settings.taken_elsewhere(user_name)) {
    return error(409, "uniqueness", "userName " + std::string(user_name) + " is already taken");
  }
  // An omitted active means true (SCIM's default). --post-ignores-active: a service that creates
  // every user active whatever the body asks, as a client must be ready to find in the 201.
  if (state_.settings.post_ignores_active || !attrs->contains("active")) (*attrs)["active"] = true;
  const std::string id = state_.store.new_id();
  user_record rec(
      id, finish_user(std::move(*attrs), id, new_meta(id, now_text()), state_.settings.site_schema), false);
  auto a = json_answer(201, rec.json());
  a.headers.emplace_back("Location", state_.base_url + "/Users/" + id);
  state_.store.append(std::move(rec));
  a.applied = true;
  return a;
}

scim_answer scim_handler::replace(const scim_request& req, const scim_route& route) {
  const auto* r = visible_user(route.id);
  if (!r) return error(404, "", "no user with id " + route.id);
  scim_answer err;
  const auto body = parse_body(req.body, err);
  if (!body) return err;
  auto attrs = normalise_user(*body, user_write::replace, state_.settings);
  if (!attrs) return scim_answer::from_error(attrs.error());
  const json::object old = r->resource();

  // userName is read-only: the stored one stays, whatever was sent.
  if (const auto* un = old.if_contains("userName")) (*attrs)["userName"] = *un;

  // The work number is out of SCIM's reach: keep the stored one, drop what was sent.
  json::array phones;
  if (const auto* op = old.if_contains("phoneNumbers"); op && op->is_array()) {
    for (const auto& p : op->as_array()) {
      const auto* t = p.is_object() ? p.as_object().if_contains("type") : nullptr;
      if (t && t->is_string() && ascii_iequals(t->as_string(), "work")) phones.push_back(p);
    }
  }
  if (const auto* np = attrs->if_contains("phoneNumbers")) {
    for (const auto& p : np->as_array())
      phones.push_back(p);
  }
  if (phones.empty()) {
    attrs->erase("phoneNumbers");
  } else {
    (*attrs)["phoneNumbers"] = std::move(phones);
  }

  // site is write-once: a different value is ignored or refused. Leaving it out keeps it, or
  // (--put-omitted clear) clears it: 8x8 does not say which.
  const bool keep_omitted = state_.settings.put_omitted == put_omitted_mode::keep;
  const std::string old_site = user_site(old, state_.settings.site_schema);
  const std::string new_site = user_site(*attrs, state_.settings.site_schema);
  // Only a site this PUT would set is checked: once set, a site never changes through SCIM.
  if (old_site.empty()) {
    if (auto refused = unknown_site(state_.settings, new_site)) return *refused;
  }
  if (!old_site.empty() && new_site != old_site && (keep_omitted || !new_site.empty())) {
    if (!new_site.empty() && state_.settings.site_change == site_change_mode::reject) {
      return error(
          400, "mutability",
          "site is set (\"" + old_site + "\") and cannot be changed through SCIM; an admin must change it");
    }
    set_user_site(*attrs, old_site, state_.settings.site_schema);
  }

  // An omitted active keeps its value (it changes through PATCH, or an explicit PUT value), or
  // (--put-omitted clear) becomes false: the user loses access.
  if (!attrs->contains("active")) {
    if (!keep_omitted) {
      (*attrs)["active"] = false;
    } else if (const auto* a = old.if_contains("active")) {
      (*attrs)["active"] = *a;
    }
  }

  // An omitted email keeps the stored one (8x8 keeps one), or (--put-omitted clear) is removed.
  if (keep_omitted && !attrs->contains("emails")) {
    if (const auto* e = old.if_contains("emails")) {
      (*attrs)["emails"] = *e;
      keep_one_email(*attrs);
    }
  }

  json::object meta;
  if (const auto* m = old.if_contains("meta"); m && m->is_object()) meta = m->as_object();
  meta["lastModified"] = now_text();
  const std::string id = r->id();
  state_.store.set_resource(id,
                            finish_user(std::move(*attrs), id, std::move(meta), state_.settings.site_schema));
  auto a = json_answer(200, state_.store.find(id)->json());
  a.applied = true;
  return a;
}

scim_answer scim_handler::patch(const scim_request& req, const scim_route& route) {
  const auto* r = visible_user(route.id);
  if (!r) return error(404, "", "no user with id " + route.id);
  scim_answer err;
  const auto body = parse_body(req.body, err);
  if (!body) return err;
  const auto* o = body->if_object();
  const auto* ops = o ? find_ci(*o, "Operations") : nullptr;
  if (!ops || !ops->is_array()) {
    return error(
        400, "invalidSyntax",
        std::string("a PatchOp needs an \"Operations\" array (schema ") + std::string(patch_op_schema) + ")");
  }

  const auto as_active = [](const json::value& v) -> std::optional<bool> {
    if (v.is_bool()) return v.as_bool();
    // Azure AD sends "True"/"False" strings; the service takes them.
    if (v.is_string() && ascii_iequals(v.as_string(), "true")) return true;
    if (v.is_string() && ascii_iequals(v.as_string(), "false")) return false;
    return std::nullopt;
  };

  std::optional<bool> active;
  std::string other;  // the first operation that does not target active
  for (const auto& opv : ops->as_array()) {
    const auto* op = opv.if_object();
    const auto* name = op ? find_ci(*op, "op") : nullptr;
    if (!name || !name->is_string()) return error(400, "invalidSyntax", "each operation needs an \"op\"");
    const std::string kind = user_store::fold_case(name->as_string());
    if (kind != "add" && kind != "replace" && kind != "remove") {
      return error(400, "invalidSyntax", "unknown op \"" + std::string(name->as_string()) + "\"");
    }
    const auto* path = find_ci(*op, "path");
    const auto* value = find_ci(*op, "value");
    if (path && !path->is_string()) return error(400, "invalidPath", "path must be a string");
    if (kind == "remove") {
      if (other.empty())
        other = "remove " + (path ? std::string(path->as_string()) : std::string("(no path)"));
      continue;
    }
    if (path && ascii_iequals(path->as_string(), "active")) {
      const auto b = value ? as_active(*value) : std::nullopt;
      if (!b) return error(400, "invalidValue", "active must be true or false");
      active = *b;
      continue;
    }
    if (!path && value && value->is_object()) {
      for (const auto& [k, v] : value->as_object()) {
        if (ascii_iequals(k, "active")) {
          const auto b = as_active(v);
          if (!b) return error(400, "invalidValue", "active must be true or false");
          active = *b;
        } else if (other.empty()) {
          other = kind + " " + std::string(k);
        }
      }
      continue;
    }
    if (other.empty())
      other = kind + " " + (path ? std::string(path->as_string()) : std::string("(no path)"));
  }
  if (!other.empty() && state_.settings.patch_other == patch_other_mode::reject) {
    return error(400, "mutability", "only active can be patched; refused: " + other);
  }

  scim_answer a;
  json::object res = r->resource();
  const auto* cur = res.if_contains("active");
  const bool was = cur && cur->is_bool() ? cur->as_bool() : true;
  if (active && *active != was) {
    res["active"] = *active;
    if (auto* m = res.if_contains("meta"); m && m->is_object()) m->as_object()["lastModified"] = now_text();
    const std::string id = r->id();
    state_.store.set_resource(id, res);
    r = state_.store.find(id);
    a.applied = true;
  }
  a.status = 200;
  a.body = r->json();
  return a;
}

scim_answer scim_handler::remove(const scim_route& route) {
  const auto* r = visible_user(route.id);
  if (!r) return error(404, "", "no user with id " + route.id);
  scim_answer a;
  a.status = 204;
  json::object res = r->resource();
  const auto* cur = res.if_contains("active");
  if (!cur || !cur->is_bool() || cur->as_bool()) {
    // No hard delete exists at 8x8: DELETE deactivates.
    res["active"] = false;
    if (auto* m = res.if_contains("meta"); m && m->is_object()) m->as_object()["lastModified"] = now_text();
    state_.store.set_resource(r->id(), res);
    a.applied = true;
  }
  return a;
}

scim_answer scim_handler::service_provider_config() const {
  json::object o;
  o["schemas"] = json::array{"urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig"};
  o["documentationUri"] = "https://support.8x8.com/";
  o["patch"] = json::object{{"supported", true}};
  o["bulk"] = json::object{{"supported", false}, {"maxOperations", 0}, {"maxPayloadSize", 0}};
  o["filter"] = json::object{{"supported", true}, {"maxResults", state_.settings.max_page_size}};
  o["changePassword"] = json::object{{"supported", false}};
  o["sort"] = json::object{{"supported", false}};
  o["etag"] = json::object{{"supported", false}};
  o["authenticationSchemes"] =
      json::array{json::object{{"type", "oauthbearertoken"},
                               {"name", "8x8 API Token"},
                               {"description", "Static bearer token from Admin Console"},
                               {"primary", true}}};
  o["meta"] = json::object{{"resourceType", "ServiceProviderConfig"},
                           {"location", state_.base_url + "/ServiceProviderConfig"}};
  return json_answer(200, json::serialize(o));
}

void scim_handler::drift(const fault_spec& spec) {
  state_.store.erase_front(spec.remove, state_.settings.visibility);
  std::vector<user_record> added;
  const std::string now = now_text();
  for (std::uint32_t i = 0; i < spec.insert; ++i) {
    const std::string id = state_.store.new_id();
    const std::string tag = id.substr(0, 8);
    json::object attrs;
    attrs["userName"] = "drift-" + tag + "@drift.example";
    attrs["name"] = json::object{{"givenName", "Drift"}, {"familyName", tag}};
    attrs["active"] = true;
    attrs["emails"] = json::array{
        json::object{{"value", "drift-" + tag + "@drift.example"}, {"type", "work"}, {"primary", true}}};
    added.emplace_back(id, finish_user(attrs, id, new_meta(id, now), state_.settings.site_schema), false);
  }
  state_.store.insert_front(std::move(added));
}

scim_answer scim_handler::fake_listing(const fault_spec& spec, const scim_route& route) {
  const auto start = route.start_index ? parse_integer(route.start_index) : std::optional<long long>(1);
  const auto count = route.count
                         ? parse_integer(route.count)
                         : std::optional<long long>(static_cast<long long>(state_.settings.max_page_size));
  const std::size_t start_index = static_cast<std::size_t>(!start || *start < 1 ? 1 : *start);
  const std::size_t page_size = static_cast<std::size_t>(!count || *count < 0 ? 0 : *count);
  json::array resources;
  if (spec.kind == fault_kind::listing) {
    // Ids that no page repeats (a counter kept across pages), so a client that stops only on a
    // page of known ids never stops.
    const std::string now = now_text();
    for (std::size_t i = 0; i < page_size; ++i) {
      const std::string tag = "endless-" + std::to_string(++endless_served_);
      json::object u;
      u["schemas"] = json::array{"urn:ietf:params:scim:schemas:core:2.0:User"};
      u["id"] = tag;
      u["userName"] = tag + "@endless.example";
      u["name"] = json::object{{"givenName", "Endless"}, {"familyName", tag}};
      u["active"] = true;
      u["emails"] =
          json::array{json::object{{"value", tag + "@endless.example"}, {"type", "work"}, {"primary", true}}};
      u["meta"] = new_meta(tag, now);
      resources.push_back(std::move(u));
    }
  }
  json::object page{{"schemas", json::array{"urn:ietf:params:scim:api:messages:2.0:ListResponse"}},
                    {"totalResults", spec.kind == fault_kind::listing ? spec.total : 0},
                    {"itemsPerPage", resources.size()},
                    {"startIndex", start_index},
                    {"Resources", std::move(resources)}};
  return json_answer(200, json::serialize(page));
}

}  // namespace eightsync::emulator
