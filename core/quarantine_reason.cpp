#include "core/quarantine_reason.hpp"

namespace eightsync::core {

std::string_view quarantine_reason_name(quarantine_reason r) noexcept {
  switch (r) {
    case quarantine_reason::field_count:
      return "field_count";
    case quarantine_reason::invalid_utf8:
      return "invalid_utf8";
    case quarantine_reason::invalid_record:
      return "invalid_record";
    case quarantine_reason::empty_key:
      return "empty_key";
    case quarantine_reason::duplicate_key:
      return "duplicate_key";
    case quarantine_reason::map_missing:
      return "map_missing";
    case quarantine_reason::missing_required:
      return "missing_required";
    case quarantine_reason::invalid_email:
      return "invalid_email";
    case quarantine_reason::unsafe_user_name:
      return "unsafe_user_name";
    case quarantine_reason::record_too_long:
      return "record_too_long";
    case quarantine_reason::unsafe_key:
      return "unsafe_key";
  }
  return "unknown";
}

}  // namespace eightsync::core
