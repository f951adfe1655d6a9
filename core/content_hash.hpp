#pragma once
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/desired_user.hpp"

namespace eightsync::core {

/// XXH64 (xxHash, 64-bit) of `bytes` with `seed`, exactly as the reference implementation
/// (XXH64("", 0) = 0xEF46DB3751D8E999). Never throws.
std::uint64_t xxh64(std::string_view bytes, std::uint64_t seed = 0) noexcept;

/// Appends the canonical serialization of `u` that content_hash hashes: for each attribute the
/// mapping owns, in the canonical order of `all_attributes` (`active` excluded), the bytes
/// `NAME=VALUE\0`, where NAME is the mapping name (`userName`, `name.givenName`, …) and VALUE
/// the UTF-8 value. An owned but empty value still counts (`title=\0`). Throws only std::bad_alloc.
void append_canonical(std::string& out, const desired_user& u);

/// The content hash of a user given as its values (indexed by attribute) and its owned-bit
/// mask, serializing into `scratch`; content_hash(desired_user) is this. Throws only std::bad_alloc.
std::uint64_t content_hash(const std::array<std::string_view, attribute_count>& values, std::uint32_t owned,
                           std::string& scratch);

/// The stable content hash of `u`, which planning compares to detect change: XXH64 with seed 0
/// over append_canonical's bytes. Owning a new attribute changes it; unowned attributes, the
/// key, the position and `active` never do. Byte-oriented and specified, so it is the same on
/// every platform and in every run: it may be stored. Throws only std::bad_alloc.
std::uint64_t content_hash(const desired_user& u);

/// As above, serializing into `scratch` (reused, so a warm call allocates nothing). Throws only
/// std::bad_alloc.
std::uint64_t content_hash(const desired_user& u, std::string& scratch);

/// `hash` as the state database stores it: 16 lowercase hex digits. Throws only std::bad_alloc.
std::string content_hash_text(std::uint64_t hash);

/// The hash content_hash_text wrote, or nullopt when `text` is not 16 hex digits. Never throws.
std::optional<std::uint64_t> parse_content_hash_text(std::string_view text) noexcept;

}  // namespace eightsync::core
