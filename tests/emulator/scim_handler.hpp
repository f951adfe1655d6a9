#pragma once
#include <cstdint>
#include <string_view>

#include "emulator/emulator_state.hpp"
#include "emulator/fault_spec.hpp"
#include "emulator/scim_answer.hpp"
#include "emulator/scim_request.hpp"
#include "emulator/scim_route.hpp"

namespace eightsync::emulator {

/// The SCIM side of the emulator: /Users, /Users/{id} and /ServiceProviderConfig with 8x8's
/// documented behaviour and quirks. Rate limiting and faults are the server's business.
class scim_handler {
 public:
  /// A handler working on `state`, which must outlive it. Never throws.
  explicit scim_handler(emulator_state& state) noexcept;

  /// Answers one request: 401 for a bad or revoked token, 403 for writes in read-only mode,
  /// 404/405 for unknown paths and methods, else the endpoint's answer. Never throws except
  /// std::bad_alloc.
  scim_answer handle(const scim_request& req, const scim_route& route);

  /// Page drift: deletes `spec.remove` listable users from the front of the listing order and
  /// inserts `spec.insert` new users there.
  void drift(const fault_spec& spec);

  /// A listing page that is not the store's: for `empty_listing`, `{"totalResults":0,
  /// "Resources":[]}`; for `listing`, `spec.total` as totalResults and `count` users whose ids
  /// and userNames no page ever repeats (an endless listing). Nothing is stored.
  scim_answer fake_listing(const fault_spec& spec, const scim_route& route);

 private:
  bool authorized(std::string_view authorization) const noexcept;
  scim_answer list(const scim_route& route);
  scim_answer get(const scim_route& route);
  scim_answer create(const scim_request& req);
  scim_answer replace(const scim_request& req, const scim_route& route);
  scim_answer patch(const scim_request& req, const scim_route& route);
  scim_answer remove(const scim_route& route);
  scim_answer service_provider_config() const;
  const user_record* visible_user(std::string_view id) const;
  boost::json::object new_meta(std::string_view id, const std::string& now) const;

  emulator_state& state_;
  std::uint64_t endless_served_ = 0;  // users the `listing` fault made up so far
};

}  // namespace eightsync::emulator
