#include "core/content_hash.hpp"

#include <bit>
#include <charconv>
#include <cstdio>
#include <cstring>

namespace eightsync::core {
namespace {

constexpr std::uint64_t p1 = 0x9E3779B185EBCA87ULL;
constexpr std::uint64_t p2 = 0xC2B2AE3D27D4EB4FULL;
constexpr std::uint64_t p3 = 0x165667B19E3779F9ULL;
constexpr std::uint64_t p4 = 0x85EBCA77C2B2AE63ULL;
constexpr std::uint64_t p5 = 0x27D4EB2F165667C5ULL;

constexpr std::uint64_t rotl(std::uint64_t x, int r) noexcept {
  return (x << r) | (x >> (64 - r));
}

// Little-endian loads, whatever the host's byte order, so the hash is the same everywhere.
std::uint64_t read64(const unsigned char* p) noexcept {
  if constexpr (std::endian::native == std::endian::little) {
    std::uint64_t v;
    std::memcpy(&v, p, sizeof v);
    return v;
  } else {
    std::uint64_t v = 0;
    for (int i = 7; i >= 0; --i)
      v = (v << 8) | p[i];
    return v;
  }
}
std::uint64_t read32(const unsigned char* p) noexcept {
  if constexpr (std::endian::native == std::endian::little) {
    std::uint32_t v;
    std::memcpy(&v, p, sizeof v);
    return v;
  } else {
    return static_cast<std::uint64_t>(p[0]) | (static_cast<std::uint64_t>(p[1]) << 8) |
           (static_cast<std::uint64_t>(p[2]) << 16) | (static_cast<std::uint64_t>(p[3]) << 24);
  }
}

constexpr std::uint64_t round(std::uint64_t acc, std::uint64_t input) noexcept {
  acc += input * p2;
  acc = rotl(acc, 31);
  return acc * p1;
}

constexpr std::uint64_t merge_round(std::uint64_t acc, std::uint64_t val) noexcept {
  acc ^= round(0, val);
  return acc * p1 + p4;
}

}  // namespace

std::uint64_t xxh64(std::string_view bytes, std::uint64_t seed) noexcept {
  const auto* p = reinterpret_cast<const unsigned char*>(bytes.data());
  const std::size_t len = bytes.size();
  const unsigned char* const end = p + len;
  std::uint64_t h = 0;
  if (len >= 32) {
    std::uint64_t v1 = seed + p1 + p2;
    std::uint64_t v2 = seed + p2;
    std::uint64_t v3 = seed;
    std::uint64_t v4 = seed - p1;
    const unsigned char* const limit = end - 32;
    do {
      v1 = round(v1, read64(p));
      v2 = round(v2, read64(p + 8));
      v3 = round(v3, read64(p + 16));
      v4 = round(v4, read64(p + 24));
      p += 32;
    } while (p <= limit);
    h = rotl(v1, 1) + rotl(v2, 7) + rotl(v3, 12) + rotl(v4, 18);
    h = merge_round(h, v1);
    h = merge_round(h, v2);
    h = merge_round(h, v3);
    h = merge_round(h, v4);
  } else {
    h = seed + p5;
  }
  h += static_cast<std::uint64_t>(len);
  while (p + 8 <= end) {
    h ^= round(0, read64(p));
    h = rotl(h, 27) * p1 + p4;
    p += 8;
  }
  if (p + 4 <= end) {
    h ^= read32(p) * p1;
    h = rotl(h, 23) * p2 + p3;
    p += 4;
  }
  while (p < end) {
    h ^= *p * p5;
    h = rotl(h, 11) * p1;
    ++p;
  }
  h ^= h >> 33;
  h *= p2;
  h ^= h >> 29;
  h *= p3;
  h ^= h >> 32;
  return h;
}

namespace {

void append_canonical(std::string& out, const std::array<std::string_view, attribute_count>& values,
                      std::uint32_t owned) {
  for (auto a : all_attributes) {
    const auto i = static_cast<unsigned>(a);
    if (a == attribute::active || ((owned >> i) & 1U) == 0) continue;
    out += attribute_name(a);
    out += '=';
    out += values[i];
    out += '\0';
  }
}

std::array<std::string_view, attribute_count> views(const desired_user& u) {
  std::array<std::string_view, attribute_count> v;
  for (std::size_t i = 0; i < attribute_count; ++i)
    v[i] = u.get(static_cast<attribute>(i));
  return v;
}

}  // namespace

void append_canonical(std::string& out, const desired_user& u) {
  append_canonical(out, views(u), u.owned);
}

std::uint64_t content_hash(const std::array<std::string_view, attribute_count>& values, std::uint32_t owned,
                           std::string& scratch) {
  scratch.clear();
  append_canonical(scratch, values, owned);
  return xxh64(scratch);
}

std::uint64_t content_hash(const desired_user& u, std::string& scratch) {
  return content_hash(views(u), u.owned, scratch);
}

std::uint64_t content_hash(const desired_user& u) {
  std::string scratch;
  return content_hash(u, scratch);
}

std::string content_hash_text(std::uint64_t hash) {
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(hash));
  return buf;
}

std::optional<std::uint64_t> parse_content_hash_text(std::string_view text) noexcept {
  std::uint64_t v = 0;
  if (text.size() != 16) return std::nullopt;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v, 16);
  if (ec != std::errc{} || end != text.data() + text.size()) return std::nullopt;
  return v;
}

}  // namespace eightsync::core
