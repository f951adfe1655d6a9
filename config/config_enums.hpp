#pragma once
#include <array>
#include <cstdint>
#include <string_view>

#include "core/enum_names.hpp"

// The config values that are one of a fixed set of spellings: log_level, log_format and
// visibility_mode, each with its names as written in eightsync.yaml.

namespace eightsync::config {

using eightsync::enum_from_name;
using eightsync::enum_name;
using eightsync::enum_names;
using eightsync::enum_values;

/// The least severe log event written (spdlog's levels).
BOOST_DEFINE_FIXED_ENUM_CLASS(log_level, std::uint8_t, trace, debug, info, warn, error, critical, off)

/// How log lines are written.
/// - text: one human-readable line per event
/// - json: one JSON object per line
BOOST_DEFINE_FIXED_ENUM_CLASS(log_format, std::uint8_t, text, json)

/// 8x8's "Users that can be retrieved by your identity provider" setting, as the admin chose it.
/// - all: GET /Users lists every user
/// - idp_only: GET /Users lists only users an identity provider created: "not listed" ≠ "gone"
BOOST_DEFINE_FIXED_ENUM_CLASS(visibility_mode, std::uint8_t, all, idp_only)

}  // namespace eightsync::config
