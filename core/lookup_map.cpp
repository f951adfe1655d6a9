#include "core/lookup_map.hpp"

#include "core/text.hpp"

namespace eightsync::core {

lookup_map::lookup_map(std::string name) : name_(std::move(name)) {}

std::optional<std::string> lookup_map::add(std::string_view key, std::string value) {
  if (key == default_key) {
    if (default_) return "expected one _default entry, found a second one";
    default_ = std::move(value);
    return std::nullopt;
  }
  std::string folded = to_lower(trim(key));
  if (auto it = originals_.find(folded); it != originals_.end()) {
    return "expected each key once (compared case-insensitively after trimming), found \"" +
           std::string(key) + "\", which repeats \"" + it->second + "\"";
  }
  originals_.emplace(folded, std::string(key));
  if (entries_.size() < scan_limit) {
    scanned_.emplace_back(folded, value);
  } else {
    scanned_.clear();
  }
  entries_.emplace(std::move(folded), std::move(value));
  return std::nullopt;
}

const std::string* lookup_map::find(std::string_view value, std::string& scratch) const {
  scratch.clear();
  append_lower(scratch, trim(value));
  if (entries_.size() <= scan_limit) {
    for (const auto& [key, mapped] : scanned_) {
      if (same_bytes(key, scratch)) return &mapped;
    }
    return default_ ? &*default_ : nullptr;
  }
  if (auto it = entries_.find(std::string_view(scratch)); it != entries_.end()) return &it->second;
  return default_ ? &*default_ : nullptr;
}

}  // namespace eightsync::core
