#include "core/planner_index.hpp"

#include <algorithm>

#include "core/content_hash.hpp"
#include "core/text.hpp"

namespace eightsync::core {

namespace {

constexpr std::uint64_t fnv_offset = 0xCBF29CE484222325ULL;
constexpr std::uint64_t fnv_prime = 0x100000001B3ULL;

std::uint64_t mix(std::uint64_t h) noexcept {
  h ^= h >> 33;
  h *= 0xFF51AFD7ED558CCDULL;
  h ^= h >> 33;
  h *= 0xC4CEB9FE1A85EC53ULL;
  h ^= h >> 33;
  return h;
}

std::uint64_t slot_of(std::uint64_t hash, std::size_t entry) noexcept {
  return (hash & ~std::uint64_t{0xFFFFFFFF}) | static_cast<std::uint64_t>(entry + 1);
}

// Hashes what core::iequals cannot change: ASCII bytes, lower-cased, except the letter i
// (U+0130 İ lower-cases to a plain i). Every other byte is skipped, so two strings iequals
// calls equal always hash alike, without folding them into a buffer first.
std::uint64_t hash_folded(std::uint64_t h, std::string_view s) noexcept {
  for (const char c : s) {
    auto b = static_cast<unsigned char>(c);
    if (b >= 0x80) continue;
    if (b >= 'A' && b <= 'Z') b = static_cast<unsigned char>(b - 'A' + 'a');
    if (b == 'i') continue;
    h ^= b;
    h *= fnv_prime;
  }
  return h;
}

}  // namespace

void planner_index::reserve(std::size_t n) {
  entries_.reserve(n);
  std::size_t want = 16;
  while (want < n * 2)
    want *= 2;
  if (want > slots_.size()) rehash(want);
}

std::uint64_t planner_index::hash(std::string_view a, std::string_view b) const noexcept {
  if (!folded_) return b.empty() ? xxh64(a) : xxh64(b, xxh64(a) ^ 0xFF);
  std::uint64_t h = hash_folded(fnv_offset, a);
  h ^= 0xFF;  // separates the pair's halves
  h *= fnv_prime;
  return mix(hash_folded(h, b));
}

bool planner_index::equal(const entry& e, std::string_view a, std::string_view b) const noexcept {
  if (folded_) return iequals(e.a, a) && iequals(e.b, b);
  return e.a == a && e.b == b;
}

std::size_t planner_index::locate(std::uint64_t h, std::string_view a, std::string_view b) const noexcept {
  const std::size_t mask = slots_.size() - 1;
  const std::uint64_t tag = h & ~std::uint64_t{0xFFFFFFFF};
  std::size_t i = static_cast<std::size_t>(h) & mask;
  // A slot holds the entry index + 1 in its low half and the hash's high half above it, so a
  // probe touches an entry (and its key) only when the hash matches.
  while (slots_[i] != 0) {
    if ((slots_[i] & ~std::uint64_t{0xFFFFFFFF}) == tag) {
      const entry& e = entries_[(slots_[i] & 0xFFFFFFFF) - 1];
      if (e.hash == h && equal(e, a, b)) return i;
    }
    i = (i + 1) & mask;
  }
  return i;
}

void planner_index::rehash(std::size_t slots) {
  slots_.assign(slots, 0);
  const std::size_t mask = slots - 1;
  for (std::size_t n = 0; n < entries_.size(); ++n) {
    std::size_t i = static_cast<std::size_t>(entries_[n].hash) & mask;
    while (slots_[i] != 0)
      i = (i + 1) & mask;
    slots_[i] = slot_of(entries_[n].hash, n);
  }
}

planner_index::hit planner_index::add(std::string_view a, std::string_view b, std::uint32_t position) {
  a = planner_trim(a);
  b = planner_trim(b);
  if (a.empty() && b.empty()) return {};
  if ((entries_.size() + 1) * 2 > slots_.size()) rehash(std::max<std::size_t>(16, slots_.size() * 2));
  const std::uint64_t h = hash(a, b);
  const std::size_t i = locate(h, a, b);
  if (slots_[i] == 0) {
    entries_.push_back({h, a, b, {1, position, npos}});
    slots_[i] = slot_of(h, entries_.size() - 1);
    return entries_.back().h;
  }
  hit& found = entries_[(slots_[i] & 0xFFFFFFFF) - 1].h;
  if (found.count == 1) found.second = position;
  ++found.count;
  return found;
}

planner_index::hit planner_index::find(std::string_view a, std::string_view b) const noexcept {
  a = planner_trim(a);
  b = planner_trim(b);
  if ((a.empty() && b.empty()) || slots_.empty()) return {};
  const std::uint64_t h = hash(a, b);
  const std::size_t i = locate(h, a, b);
  return slots_[i] == 0 ? hit{} : entries_[(slots_[i] & 0xFFFFFFFF) - 1].h;
}

void planner_index::set_first(std::string_view a, std::string_view b, std::uint32_t position) noexcept {
  a = planner_trim(a);
  b = planner_trim(b);
  if ((a.empty() && b.empty()) || slots_.empty()) return;
  const std::size_t i = locate(hash(a, b), a, b);
  if (slots_[i] != 0) entries_[(slots_[i] & 0xFFFFFFFF) - 1].h.first = position;
}

}  // namespace eightsync::core
