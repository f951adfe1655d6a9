#pragma once
#include <cstdint>
#include <string_view>

#include "core/enum_names.hpp"

namespace eightsync::core {

/// Why one HR row was set aside. Stable names: they are stored in the audit database.
/// - field_count: the row has more or fewer fields than the header
/// - invalid_utf8: a field is not valid UTF-8 (after the declared encoding was converted)
/// - invalid_record: a malformed record: a stray quote in CSV, a JSON line that is not a flat object
/// - empty_key: the key column is empty
/// - duplicate_key: several rows share one key: all of them are quarantined
/// - map_missing: a `map:NAME` lookup found no entry and the map has no `_default`
/// - missing_required: an 8x8 create rule: userName, given name, family name or email is empty
/// - invalid_email: the work email is not a valid address
/// - unsafe_user_name: the userName holds `"`, `\` or a control character
/// - record_too_long: the line or record is longer than source.max_record_bytes
/// - unsafe_key: the HR key holds a control, bidi or invisible character (core/unsafe_text.hpp)
/// - invalid_date: a lifecycle date no format of lifecycle.date_formats reads
/// - invalid_time_zone: the person's zone (lifecycle.time_zone) is not in the tz database
/// - invalid_date_range: access would end before it starts (and not within lifecycle.rehire_gap)
BOOST_DEFINE_FIXED_ENUM_CLASS(quarantine_reason, std::uint8_t, field_count, invalid_utf8, invalid_record,
                              empty_key, duplicate_key, map_missing, missing_required, invalid_email,
                              unsafe_user_name, record_too_long, unsafe_key, invalid_date, invalid_time_zone,
                              invalid_date_range)

}  // namespace eightsync::core
