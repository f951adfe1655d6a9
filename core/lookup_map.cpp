#include "core/lookup_map.hpp"

#include <algorithm>

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

std::vector<std::pair<std::string, std::string>> lookup_map::entries() const {
  std::vector<std::pair<std::string, std::string>> out;
  out.reserve(entries_.size() + 1);
  for (const auto& [folded, value] : entries_)
    out.emplace_back(originals_.at(folded), value);
  std::sort(out.begin(), out.end());
  if (default_) out.emplace_back(std::string(default_key), *default_);
  return out;
}

}  // namespace eightsync::core
