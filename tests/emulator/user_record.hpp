#pragma once
#include <string>

#include <boost/json/object.hpp>

namespace eightsync::emulator {

/// One stored 8x8 user, kept compact: its SCIM representation serialised once (listing is then
/// mostly copying), the indexed attributes, and whether an admin created it in Admin Console.
/// About 1 KB a user, so 100,000 users stay cheap to seed and list.
class user_record {
 public:
  /// A record for `resource`, which must carry `id` == `id`.
  user_record(std::string id, const boost::json::object& resource, bool admin_console);

  /// The server-generated id.
  const std::string& id() const noexcept { return id_; }

  /// userName as stored (case preserved).
  const std::string& user_name() const noexcept { return user_name_; }

  /// externalId, empty when unset.
  const std::string& external_id() const noexcept { return external_id_; }

  /// Created in Admin Console (hidden from listing with `visibility idp_only`).
  bool admin_console() const noexcept { return admin_console_; }

  /// The representation answered to clients, serialised.
  const std::string& json() const noexcept { return json_; }

  /// The representation parsed into a fresh object (for PUT and PATCH).
  boost::json::object resource() const;

  /// Replaces the representation. Its userName must not change (the store indexes it).
  void set_resource(const boost::json::object& resource);

 private:
  std::string id_;
  std::string user_name_;
  std::string external_id_;
  std::string json_;
  bool admin_console_;
};

}  // namespace eightsync::emulator
