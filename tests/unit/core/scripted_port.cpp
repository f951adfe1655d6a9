#include "unit/core/scripted_port.hpp"

#include <stdexcept>
#include <utility>

#include "core/scim_user_codec.hpp"
#include "core/text.hpp"

namespace eightsync::core::engine_test {

namespace json = boost::json;

// The fake's coroutines finish at once; GCC 12 still warns on their frames (GCC bug 109224).
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"

namespace {

unsigned typical_status(scim_outcome o, const std::string& method) {
  switch (o) {
    case scim_outcome::ok:
      return method == "POST" ? 201 : 200;
    case scim_outcome::not_found:
      return 404;
    case scim_outcome::conflict:
      return 409;
    case scim_outcome::invalid:
      return 400;
    case scim_outcome::auth_failed:
      return 401;
    case scim_outcome::write_forbidden:
      return 403;
    case scim_outcome::rate_limited:
      return 429;
    case scim_outcome::server:
      return 503;
    case scim_outcome::protocol:
      return 200;  // an answer cut short after its header
    case scim_outcome::transport:
    case scim_outcome::outcome_unknown:
      return 0;
  }
  return 0;
}

}  // namespace

void run_awaitable(boost::asio::awaitable<void> aw) {
  boost::asio::io_context ioc;
  std::exception_ptr error;
  boost::asio::co_spawn(ioc, std::move(aw), [&](std::exception_ptr e) { error = e; });
  ioc.run();
  if (error) std::rethrow_exception(error);
}

std::string scripted_port::add(json::object user) {
  const std::string id(scim_user_codec::read_id(user));
  if (id.empty()) throw std::invalid_argument("scripted_port::add: the user has no id");
  if (users_.emplace(id, std::move(user)).second) order_.push_back(id);
  return id;
}

const json::object* scripted_port::user(const std::string& id) const {
  const auto it = users_.find(id);
  return it == users_.end() ? nullptr : &it->second;
}

json::object* scripted_port::edit(const std::string& id) {
  const auto it = users_.find(id);
  return it == users_.end() ? nullptr : &it->second;
}

void scripted_port::script(port_call c, scripted_answer a) {
  scripts_[c].push_back(std::move(a));
}

std::optional<scripted_answer> scripted_port::next(port_call c) {
  auto& q = scripts_[c];
  if (q.empty()) return std::nullopt;
  auto a = std::move(q.front());
  q.pop_front();
  return a;
}

void scripted_port::log(std::string line) {
  if (before_) before_(line);
  requests_.push_back(std::move(line));
}

std::string scripted_port::find_id(const std::string& user_name) const {
  for (const auto& id : order_) {
    const auto& u = users_.at(id);
    if (iequals(trim(scim_user_codec::read(u, attribute::user_name)), trim(user_name))) return id;
  }
  return {};
}

scim_result scripted_port::answer(const std::string& method, const std::optional<scripted_answer>& a,
                                  scim_outcome outcome, unsigned status,
                                  std::optional<json::object> resource) {
  scim_result r;
  r.outcome = a ? a->outcome : outcome;
  r.status = a ? (a->status != 0 ? a->status : typical_status(a->outcome, method)) : status;
  r.attempts = a ? a->attempts : 1;
  if (a && !a->detail.empty()) r.detail = a->detail;
  if (r.ok()) r.resource = a && a->resource ? a->resource : std::move(resource);
  if (r.attempts == 0) {
    // A call the port did not send (a stop, or a wait the command refused): nothing counted.
    r.status = 0;
    return r;
  }
  tally_.sent += r.attempts;
  tally_.cost.retried += r.attempts - 1;
  tally_.by_method_status[{method, r.status}] += r.attempts;
  if (r.status == 429) ++tally_.cost.responses_429;
  return r;
}

boost::asio::awaitable<scim_result> scripted_port::list_page(std::size_t start_index, std::size_t count) {
  log("LIST " + std::to_string(start_index));
  const auto a = next(port_call::list_page);
  json::array resources;
  for (std::size_t i = start_index - 1; i < order_.size() && i < start_index - 1 + count; ++i)
    resources.push_back(users_.at(order_[i]));
  json::object page{{"schemas", json::array{"urn:ietf:params:scim:api:messages:2.0:ListResponse"}},
                    {"totalResults", order_.size()},
                    {"startIndex", start_index},
                    {"itemsPerPage", resources.size()},
                    {"Resources", std::move(resources)}};
  co_return answer("GET", a, scim_outcome::ok, 200, std::move(page));
}

boost::asio::awaitable<scim_result> scripted_port::get(std::string id) {
  log("GET " + id);
  const auto a = next(port_call::get);
  const auto* u = user(id);
  if (!u) co_return answer("GET", a, scim_outcome::not_found, 404, std::nullopt);
  co_return answer("GET", a, scim_outcome::ok, 200, *u);
}

boost::asio::awaitable<scim_result> scripted_port::find_by_user_name(std::string user_name) {
  log("FIND " + user_name);
  const auto a = next(port_call::find);
  const std::string id = find_id(user_name);
  if (id.empty()) co_return answer("GET", a, scim_outcome::not_found, 200, std::nullopt);
  co_return answer("GET", a, scim_outcome::ok, 200, users_.at(id));
}

boost::asio::awaitable<scim_result> scripted_port::create(json::object user) {
  log("POST " + std::string(scim_user_codec::read(user, attribute::user_name)));
  const auto a = next(port_call::create);
  const std::string user_name(scim_user_codec::read(user, attribute::user_name));
  if (!find_id(user_name).empty()) co_return answer("POST", a, scim_outcome::conflict, 409, std::nullopt);
  if (a && a->outcome != scim_outcome::ok && !a->apply)
    co_return answer("POST", a, a->outcome, 0, std::nullopt);
  const std::string id = "u" + std::to_string(next_id_++);
  user["id"] = id;
  if (post_ignores_active_) scim_user_codec::write_active(user, true);
  add(user);
  co_return answer("POST", a, scim_outcome::ok, 201, user);
}

boost::asio::awaitable<scim_replace_result> scripted_port::replace(std::string id, json::object user) {
  log("PUT " + id);
  auto a = next(port_call::replace);
  scim_replace_result out;
  auto it = users_.find(id);
  if (it == users_.end()) {
    out.result = answer("PUT", a, scim_outcome::not_found, 404, std::nullopt);
    co_return out;
  }
  if (!a || a->outcome == scim_outcome::ok || a->apply) {
    user["id"] = id;
    it->second = std::move(user);
  }
  out.result = answer("PUT", a, scim_outcome::ok, 200, it->second);
  if (out.result.ok() && a) out.not_applied = a->not_applied;
  co_return out;
}

boost::asio::awaitable<scim_result> scripted_port::set_active(std::string id, bool active) {
  log("PATCH " + id + " active=" + (active ? "true" : "false"));
  const auto a = next(port_call::set_active);
  auto it = users_.find(id);
  if (it == users_.end()) co_return answer("PATCH", a, scim_outcome::not_found, 404, std::nullopt);
  if (!a || a->outcome == scim_outcome::ok || a->apply) scim_user_codec::write_active(it->second, active);
  co_return answer("PATCH", a, scim_outcome::ok, 200, it->second);
}

#pragma GCC diagnostic pop

}  // namespace eightsync::core::engine_test
