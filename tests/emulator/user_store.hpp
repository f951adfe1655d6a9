#pragma once
#include <cstddef>
#include <cstdint>
#include <functional>
#include <random>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "emulator/emulator_settings.hpp"
#include "emulator/user_record.hpp"

namespace eightsync::emulator {

/// The emulated account's users, in creation order, in memory. Lookups by id and by userName
/// (case-insensitive) are O(1); a list page costs O(page size).
class user_store {
 public:
  /// An empty store whose generated ids follow `seed`. Never throws.
  explicit user_store(std::uint64_t seed) noexcept;

  /// A fresh UUID-like id (8-4-4-4-12 lower-case hex) used by no stored user.
  std::string new_id();

  /// The user with this id, or nullptr. Never throws.
  const user_record* find(std::string_view id) const noexcept;

  /// The user whose userName equals `user_name` ignoring ASCII case, or nullptr.
  const user_record* find_by_user_name(std::string_view user_name) const;

  /// Whether `r` is listable under `v`. Never throws.
  static bool visible(const user_record& r, visibility_mode v) noexcept {
    return v == visibility_mode::all || !r.admin_console();
  }

  /// How many users are stored, hidden ones included.
  std::size_t size() const noexcept { return users_.size(); }

  /// How many users are listable under `v`.
  std::size_t visible_count(visibility_mode v) const noexcept;

  /// Appends the listable users from 0-based `offset`, at most `count` of them, to `out`.
  void page(visibility_mode v, std::size_t offset, std::size_t count,
            std::vector<const user_record*>& out) const;

  /// Makes room for `additional` more users without rehashing the indexes.
  void reserve(std::size_t additional);

  /// Adds `r` at the end. The caller has checked that its id and userName are free.
  void append(user_record r);

  /// Adds users at the front of the listing order (page drift). Ids and userNames must be free.
  void insert_front(std::vector<user_record> rs);

  /// Deletes up to `n` users listable under `v` from the front of the listing order (page
  /// drift); returns how many went.
  std::size_t erase_front(std::size_t n, visibility_mode v);

  /// Replaces the representation of user `id` (which must exist). userName must not change.
  void set_resource(std::string_view id, const boost::json::object& resource);

  /// Removes every user. Never throws.
  void clear() noexcept;

  /// Calls `f` on every user in listing order, hidden ones included.
  void for_each(const std::function<void(const user_record&)>& f) const;

  /// ASCII lower-case copy of `s`: the key of the userName index.
  static std::string fold_case(std::string_view s);

 private:
  struct string_hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const noexcept { return std::hash<std::string_view>{}(s); }
  };
  using index = std::unordered_map<std::string, std::size_t, string_hash, std::equal_to<>>;

  void reindex();
  static std::string user_name_of(const user_record& r);

  std::vector<user_record> users_;
  index by_id_;
  index by_name_;
  std::vector<std::size_t> visible_;  // positions of users listable under idp_only
  std::mt19937_64 rng_;
};

}  // namespace eightsync::emulator
