#pragma once
#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

namespace eightsync::core {

/// One `maps.NAME` table for the `map:NAME` filter. Keys are matched case-insensitively after
/// trimming (so " london " finds "London"); the `_default` entry, when present, answers every
/// value the table lacks.
class lookup_map {
 public:
  /// The key that names the fallback entry.
  static constexpr std::string_view default_key = "_default";

  /// An empty table called `name`. Throws only std::bad_alloc.
  explicit lookup_map(std::string name);

  /// Adds `key` → `value` (`_default` sets the fallback). Returns "expected …, found …" text when
  /// the key repeats one already present once trimmed and case-folded. Throws only std::bad_alloc.
  std::optional<std::string> add(std::string_view key, std::string value);

  /// The value for `value` (trimmed, case-folded), else the `_default`, else nullptr. `scratch`
  /// is a reusable buffer, so a lookup allocates nothing once warm. Throws only std::bad_alloc.
  const std::string* find(std::string_view value, std::string& scratch) const;

  /// The table's name (NAME in `maps.NAME`). Never throws.
  const std::string& name() const noexcept { return name_; }
  /// Whether the table has a `_default` entry. Never throws.
  bool has_default() const noexcept { return default_.has_value(); }
  /// Every entry, each key as the config spells it, sorted by key; `_default` last when
  /// present. Throws only std::bad_alloc.
  std::vector<std::pair<std::string, std::string>> entries() const;
  /// How many entries, `_default` excluded. Never throws.
  std::size_t size() const noexcept { return entries_.size(); }

 private:
  struct string_hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const noexcept { return std::hash<std::string_view>{}(s); }
  };

  /// Up to this many entries, find scans a copy of them instead of hashing: mapping tables
  /// (offices, departments) are usually this small, and a lookup runs for every row.
  static constexpr std::size_t scan_limit = 8;

  std::string name_;
  std::unordered_map<std::string, std::string, string_hash, std::equal_to<>> entries_;
  std::vector<std::pair<std::string, std::string>> scanned_;  ///< entries_ while it is this small
  std::unordered_map<std::string, std::string, string_hash, std::equal_to<>>
      originals_;  // folded → as written
  std::optional<std::string> default_;
};

}  // namespace eightsync::core
