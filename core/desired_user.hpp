#pragma once
#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <limits>
#include <optional>
#include <string>
#include <string_view>

#include "core/attribute.hpp"

namespace eightsync::core {

/// What HR says one 8x8 user should look like: the output of mapping one HR row.
/// Only attributes the mapping owns are meaningful (see `owned`); an owned attribute with an
/// empty value means "clear it in 8x8".
///
/// The values live back to back in one buffer, not in twelve strings: a cycle holds one of
/// these per HR person (100,000 or more), and the compact form is a third of the memory and one
/// allocation per user instead of up to twelve.
class desired_user {
 public:
  /// Where one value sits in the packed buffer.
  struct value_slot {
    std::uint32_t offset = 0;
    std::uint32_t length = 0;
  };

  std::string key;          ///< the HR key (trimmed, normalized)
  std::size_t line = 0;     ///< where the row was in the export (0 when not line-based)
  std::size_t record = 0;   ///< 1-based ordinal of the row in the export
  std::uint64_t hash = 0;   ///< stable content hash of the owned attributes, `active` excluded
  std::uint32_t owned = 0;  ///< bit i set when the mapping owns attribute i
  bool active = true;       ///< what the mapping's `active` condition says
  bool pre_hire = false;    ///< lifecycle.pre_hire holds: a future hire, whatever `active` says
  /// The person's time zone, as 1 + its index in mapping_result::zones; 0: none (no dates, or
  /// no `lifecycle:` block). An index, not a name or a pointer: it fills padding, so it costs
  /// no memory per user.
  std::uint16_t zone = 0;

  /// When access starts, from lifecycle.start_date in the person's zone; nullopt: no start date
  /// (or no `lifecycle:` block). Never throws.
  std::optional<std::chrono::sys_seconds> starts_at() const noexcept { return instant(starts_at_); }
  /// When access ends, from lifecycle.end_date; nullopt: no end date. Never throws.
  std::optional<std::chrono::sys_seconds> ends_at() const noexcept { return instant(ends_at_); }
  /// Sets the instants access starts and ends (nullopt: no date). Never throws.
  void set_window(std::optional<std::chrono::sys_seconds> start,
                  std::optional<std::chrono::sys_seconds> end) noexcept {
    starts_at_ = start ? start->time_since_epoch().count() : no_instant;
    ends_at_ = end ? end->time_since_epoch().count() : no_instant;
  }

  /// The value of `a` (empty when not owned); valid until the user is changed. Never throws.
  std::string_view get(attribute a) const noexcept {
    const value_slot s = slots_[static_cast<std::size_t>(a)];
    return std::string_view(packed_).substr(s.offset, s.length);
  }

  /// Whether the mapping owns `a`. Never throws.
  bool owns(attribute a) const noexcept { return (owned >> static_cast<unsigned>(a)) & 1U; }

  /// Sets the value of `a` (it does not change `owned` or `hash`). Throws only std::bad_alloc.
  void set(attribute a, std::string_view value) {
    slots_[static_cast<std::size_t>(a)] = {static_cast<std::uint32_t>(packed_.size()),
                                           static_cast<std::uint32_t>(value.size())};
    packed_.append(value);
  }

  /// Replaces every value at once, copying `values[i]` as attribute i's value, back to back in
  /// one allocation. Throws only std::bad_alloc.
  void assign_values(const std::array<std::string_view, attribute_count>& values) {
    std::size_t total = 0;
    for (const auto& v : values)
      total += v.size();
    packed_.resize(total);
    std::uint32_t at = 0;
    for (std::size_t i = 0; i < attribute_count; ++i) {
      const auto size = static_cast<std::uint32_t>(values[i].size());
      if (size != 0) std::memcpy(packed_.data() + at, values[i].data(), size);
      slots_[i] = {at, size};
      at += size;
    }
  }

  /// Replaces every value at once: `packed` holds them back to back, attribute i at `slots[i]`.
  /// Throws only std::bad_alloc.
  void assign_packed(std::string_view packed, const std::array<value_slot, attribute_count>& slots) {
    packed_.assign(packed);
    slots_ = slots;
  }

 private:
  // The dates as seconds since the epoch, no_instant for none: two words, not two optionals.
  static constexpr std::int64_t no_instant = std::numeric_limits<std::int64_t>::min();
  static std::optional<std::chrono::sys_seconds> instant(std::int64_t s) noexcept {
    if (s == no_instant) return std::nullopt;
    return std::chrono::sys_seconds{std::chrono::seconds{s}};
  }

  std::int64_t starts_at_ = no_instant;
  std::int64_t ends_at_ = no_instant;
  std::string packed_;
  std::array<value_slot, attribute_count> slots_{};
};

}  // namespace eightsync::core
