#pragma once
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

namespace eightsync::core {

/// The planner's hash index from a key (one string, or a pair such as given and family name)
/// to the positions that carry it: open addressing over flat vectors, so 100,000 keys cost a
/// few allocations, not 100,000 nodes. Keys are trimmed (core::trim); empty keys are neither
/// added nor found. In case-insensitive mode keys compare with core::iequals. The index keeps
/// string_views: the strings must outlive it.
class planner_index {
 public:
  /// No position.
  static constexpr std::uint32_t npos = 0xFFFFFFFFU;

  /// What a key maps to: how many positions, the first two of them.
  struct hit {
    std::uint32_t count = 0;
    std::uint32_t first = npos;
    std::uint32_t second = npos;
  };

  /// An empty index; `case_insensitive` selects iequals over exact comparison. Never throws.
  explicit planner_index(bool case_insensitive = false) noexcept : folded_(case_insensitive) {}

  /// Makes room for `n` keys without rehashing. Throws only std::bad_alloc.
  void reserve(std::size_t n);

  /// Adds `position` under the key (a, b) and returns the key's hit (count includes it). Empty
  /// keys (after trimming) are ignored and give an empty hit. Throws only std::bad_alloc.
  hit add(std::string_view a, std::uint32_t position) { return add(a, {}, position); }
  /// As above, for a pair key. Throws only std::bad_alloc.
  hit add(std::string_view a, std::string_view b, std::uint32_t position);

  /// What the key (a, b) maps to (count 0 when absent). Never throws.
  hit find(std::string_view a, std::string_view b = {}) const noexcept;

  /// Makes `position` the first one the key (a, b) maps to, when the key is present. Never throws.
  void set_first(std::string_view a, std::string_view b, std::uint32_t position) noexcept;

  /// Distinct keys held. Never throws.
  std::size_t size() const noexcept { return entries_.size(); }

 private:
  struct entry {
    std::uint64_t hash;
    std::string_view a;
    std::string_view b;
    hit h;
  };

  std::uint64_t hash(std::string_view a, std::string_view b) const noexcept;
  bool equal(const entry& e, std::string_view a, std::string_view b) const noexcept;
  std::size_t locate(std::uint64_t h, std::string_view a, std::string_view b) const noexcept;
  void rehash(std::size_t slots);

  std::vector<entry> entries_;
  std::vector<std::uint64_t> slots_;  // hash's high half | entry index + 1; 0 is empty
  bool folded_;
};

}  // namespace eightsync::core
