#pragma once
#include <string>

#include <boost/json/object.hpp>

namespace eightsync::emulator {

/// One stored 8x8 user: its SCIM representation (with `id` and `meta`) and whether an admin
/// created it in Admin Console. Caches its serialised JSON, so listing is mostly copying.
class user_record {
 public:
  /// A record for `resource`, which must already carry `id` == `id`.
  user_record(std::string id, boost::json::object resource, bool admin_console);

  /// The server-generated id.
  const std::string& id() const noexcept { return id_; }

  /// The SCIM representation answered to clients.
  const boost::json::object& resource() const noexcept { return resource_; }

  /// Created in Admin Console (hidden from listing with `visibility idp_only`).
  bool admin_console() const noexcept { return admin_console_; }

  /// Replaces the representation and drops the cached JSON.
  void set_resource(boost::json::object resource);

  /// The representation serialised, computed once per change.
  const std::string& json() const;

 private:
  std::string id_;
  boost::json::object resource_;
  bool admin_console_;
  mutable std::string json_;
};

}  // namespace eightsync::emulator
