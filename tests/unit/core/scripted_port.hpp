#pragma once
// scripted_port: the engine's core::scim_port for unit tests. It holds a small 8x8 account in
// memory and answers every call from it as 8x8 does (201 with an id, 409 for a taken userName,
// 404 for an unknown id, PATCH changes `active` only), unless the test scripted the next answer
// for that call, e.g. "the next POST is applied but its answer is lost". It records every
// request in order, so a test can assert exactly what the engine sent, and it can run a hook
// before each request (to look at the audit database while the request is "in flight").
#include <cstddef>
#include <deque>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/json.hpp>

#include "core/scim_port.hpp"

namespace eightsync::core::engine_test {

/// The port's calls, for scripting and the request log.
enum class port_call { list_page, get, find, create, replace, set_active };

/// One scripted answer, used once by the next call of its kind.
struct scripted_answer {
  scim_outcome outcome = scim_outcome::ok;
  unsigned status = 0;       ///< 0: a status typical of `outcome` (200, 404, 409, 503 …)
  std::string detail{};      ///< a SCIM error's detail
  bool apply = false;        ///< a write is applied to the account before this answer (a lost answer)
  std::size_t attempts = 1;  ///< requests the call took (retries), counted in the tally; 0: not sent
  std::vector<std::string> not_applied{};         ///< a PUT's answer: paths it did not apply
  std::optional<boost::json::object> resource{};  ///< the answer's object, instead of the account's
};

/// A fake 8x8 account behind core::scim_port.
class scripted_port final : public scim_port {
 public:
  /// Adds `user` (which must carry an id) to the account. Returns its id.
  std::string add(boost::json::object user);

  /// The stored user with `id`, or nullptr.
  const boost::json::object* user(const std::string& id) const;

  /// The stored user with `id`, to change as an admin would in Admin Console, or nullptr.
  boost::json::object* edit(const std::string& id);

  /// The number of users stored.
  std::size_t size() const { return users_.size(); }

  /// Queues `a` for the next call of kind `c` (each queue is first in, first out).
  void script(port_call c, scripted_answer a);

  /// Whether a POST creates the user active (and its 201 says so) whatever the body asks, as a
  /// service ignoring `"active": false` on create does. Off: the body's `active` is kept.
  void post_ignores_active(bool on) { post_ignores_active_ = on; }

  /// Runs `f` before each request, with the request's log line.
  void before_each(std::function<void(const std::string&)> f) { before_ = std::move(f); }

  /// Every request, in order: "LIST 1", "GET u1", "FIND ada@example.com", "POST ada@example.com",
  /// "PUT u1", "PATCH u1 active=false". A call that took several attempts is logged once.
  const std::vector<std::string>& requests() const { return requests_; }

  /// Forgets the request log (the tally keeps counting).
  void clear_requests() { requests_.clear(); }

  boost::asio::awaitable<scim_result> list_page(std::size_t start_index, std::size_t count) override;
  boost::asio::awaitable<scim_result> get(std::string id) override;
  boost::asio::awaitable<scim_result> find_by_user_name(std::string user_name) override;
  boost::asio::awaitable<scim_result> create(boost::json::object user) override;
  boost::asio::awaitable<scim_replace_result> replace(std::string id, boost::json::object user) override;
  boost::asio::awaitable<scim_result> set_active(std::string id, bool active) override;
  const request_tally& tally() const noexcept override { return tally_; }

 private:
  std::optional<scripted_answer> next(port_call c);
  scim_result answer(const std::string& method, const std::optional<scripted_answer>& a, scim_outcome outcome,
                     unsigned status, std::optional<boost::json::object> resource);
  void log(std::string line);
  std::string find_id(const std::string& user_name) const;

  std::map<std::string, boost::json::object> users_;  // by id
  std::vector<std::string> order_;                    // ids in listing order
  std::map<port_call, std::deque<scripted_answer>> scripts_;
  std::vector<std::string> requests_;
  std::function<void(const std::string&)> before_;
  request_tally tally_;
  std::size_t next_id_ = 1;
  bool post_ignores_active_ = false;
};

/// Runs `aw` to completion on a fresh io_context; rethrows what it throws.
template <class T>
T run_awaitable(boost::asio::awaitable<T> aw) {
  boost::asio::io_context ioc;
  std::optional<T> out;
  std::exception_ptr error;
  boost::asio::co_spawn(ioc, std::move(aw), [&](std::exception_ptr e, T v) {
    error = e;
    if (!e) out = std::move(v);
  });
  ioc.run();
  if (error) std::rethrow_exception(error);
  return std::move(*out);
}

/// run_awaitable for an awaitable<void>.
void run_awaitable(boost::asio::awaitable<void> aw);

}  // namespace eightsync::core::engine_test
