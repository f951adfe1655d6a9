#pragma once
#include <array>
#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

#include <boost/json/object.hpp>

#include "core/attribute.hpp"
#include "core/expected.hpp"

namespace eightsync::core {

/// One 8x8 user as GET returned it, with the time it was fetched: every member is kept, so a
/// PUT can start from the complete object (to_object()).
///
/// Stored compactly, because a full listing holds one per 8x8 user (100,000 or more) and a
/// boost::json::object costs about 3 KB each: the attribute values live back to back in one
/// buffer, members in 8x8's usual shape (`userName` a string, `name` with only the two names,
/// one work primary email, one mobile phone, the extensions with only their one attribute, the
/// usual `schemas`) are rebuilt from those values, and only the rest (`meta`, anything
/// unusual) is kept as JSON text. About 400 bytes per user, and reading a value is O(1).
class remote_user {
 public:
  using time_point = std::chrono::system_clock::time_point;

  /// Reads `user`, fetched at `fetched_at`. Fails, with a sentence, when it has no string `id`.
  /// Throws only std::bad_alloc.
  static expected<remote_user, std::string> from_object(const boost::json::object& user,
                                                        time_point fetched_at);

  /// Parses `json_text` (a user object, as stored in user_link::remote_json) and reads it as
  /// from_object does. Fails when the text is not a JSON object or has no id. Throws only
  /// std::bad_alloc.
  static expected<remote_user, std::string> from_json(std::string_view json_text, time_point fetched_at);

  /// 8x8's id. Never throws.
  std::string_view id() const noexcept { return slot(0); }
  /// The value of `a`, untrimmed, as scim_user_codec::read gives it ("" when absent; always ""
  /// for `active`). Never throws.
  std::string_view get(attribute a) const noexcept {
    return a == attribute::active ? std::string_view() : slot(static_cast<std::size_t>(a) + 1);
  }
  /// Whether the user is active (8x8's default, true, when `active` is absent). Never throws.
  bool active() const noexcept { return active_; }
  /// Whether the object holds different values of `a` at two of its read locations
  /// (scim_user_codec::conflicting): get(a) is then only the first of them. Never throws.
  bool conflicting(attribute a) const noexcept { return (conflicting_ >> static_cast<unsigned>(a)) & 1U; }
  /// Whether the member `a` is read from holds other entries too (scim_user_codec::
  /// other_entries: a second email), which a PUT writing `a` drops. Never throws.
  bool other_entries(attribute a) const noexcept { return (other_entries_ >> static_cast<unsigned>(a)) & 1U; }
  /// Which of `a`'s read locations get(a) came from (0 for the first; the site's 2.0 URN is 1).
  /// Never throws.
  std::size_t read_location(attribute a) const noexcept {
    return (second_location_ >> static_cast<unsigned>(a)) & 1U;
  }
  /// When the object was fetched. Never throws.
  time_point fetched_at() const noexcept { return fetched_at_; }

  /// The complete object, equal (as JSON) to the one it was read from. Throws only std::bad_alloc.
  boost::json::object to_object() const;
  /// to_object() as JSON text (byte for byte what boost::json::serialize(to_object()) gives),
  /// written straight from the compact form. Throws only std::bad_alloc.
  std::string to_json() const;
  /// to_json(), appended to `out` (reusing its capacity). Throws only std::bad_alloc.
  void append_json(std::string& out) const;

 private:
  // Every attribute but active, slot i + 1 for attribute i: attribute_table.hpp asserts that
  // active is the last attribute and the only one without a text value.
  static constexpr std::size_t value_count = attribute_count - 1;
  static constexpr std::size_t slot_count = value_count + 2;  // id, values, the rest as JSON

  std::string_view slot(std::size_t i) const noexcept {
    const std::uint32_t begin = i == 0 ? 0 : ends_[i - 1];
    return std::string_view(buffer_).substr(begin, ends_[i] - begin);
  }

  std::string buffer_;                            // id, each value, then the rest as JSON text
  std::array<std::uint32_t, slot_count> ends_{};  // where each slot ends in buffer_
  std::uint32_t rebuilt_ = 0;                     // which members to_object() rebuilds from values
  std::uint16_t schemas_ = 0;                     // the rebuilt `schemas`: a code per URN, in order
  std::uint32_t conflicting_ = 0;      // bit i: attribute i has different values at two read locations
  std::uint32_t other_entries_ = 0;    // bit i: attribute i's multi-valued member has other entries
  std::uint32_t second_location_ = 0;  // bit i: attribute i was read from its second location
  bool active_ = true;
  time_point fetched_at_{};
};

}  // namespace eightsync::core
