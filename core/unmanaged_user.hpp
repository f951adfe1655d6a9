#pragma once
#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace eightsync::core {

class remote_user;

/// `email`, or "" when it is 8x8's placeholder (noreply@8x8.com, which 8x8 fills in for every
/// user created without an email): it says nothing about who a user is, on either side, so
/// matching never compares it. Never throws.
std::string_view matchable_email(std::string_view email) noexcept;

/// One 8x8 user no link holds, as the newest complete listing showed it (state.db's
/// unmanaged_users, migrations/0009): only what matching a new HR person needs, not the object.
/// An incremental cycle matches new HR rows against these and GETs each user they find before
/// it creates, adopts or raises a conflict.
///
/// Compact, because an account may hold 100,000 of them: the six values live back to back in
/// one buffer (about 100 bytes a user).
class unmanaged_user {
 public:
  /// The user with these values (stored as given). Throws only std::bad_alloc.
  unmanaged_user(std::string_view scim_id, std::string_view user_name, std::string_view external_id,
                 std::string_view email, std::string_view given_name, std::string_view family_name,
                 bool active);

  /// What `r` shows: its id, userName, externalId, matchable email (matchable_email), given and
  /// family name, untrimmed, and `active`. Throws only std::bad_alloc.
  static unmanaged_user from_remote(const remote_user& r);

  /// 8x8's id. Never throws.
  std::string_view scim_id() const noexcept { return slot(0); }
  /// userName. Never throws.
  std::string_view user_name() const noexcept { return slot(1); }
  /// externalId ("" when absent). Never throws.
  std::string_view external_id() const noexcept { return slot(2); }
  /// The matchable work email ("" when absent or the placeholder). Never throws.
  std::string_view email() const noexcept { return slot(3); }
  /// name.givenName. Never throws.
  std::string_view given_name() const noexcept { return slot(4); }
  /// name.familyName. Never throws.
  std::string_view family_name() const noexcept { return slot(5); }
  /// Whether the listing showed the user active. Never throws.
  bool active() const noexcept { return active_; }

  /// Value-wise equality. Never throws.
  friend bool operator==(const unmanaged_user& a, const unmanaged_user& b) noexcept {
    return a.buffer_ == b.buffer_ && a.ends_ == b.ends_ && a.active_ == b.active_;
  }

 private:
  std::string_view slot(std::size_t i) const noexcept {
    const std::uint32_t begin = i == 0 ? 0 : ends_[i - 1];
    return std::string_view(buffer_).substr(begin, ends_[i] - begin);
  }

  std::string buffer_;                   // the six values, back to back
  std::array<std::uint32_t, 6> ends_{};  // where each value ends in buffer_
  bool active_ = true;
};

}  // namespace eightsync::core
