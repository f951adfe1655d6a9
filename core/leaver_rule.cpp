#include "core/leaver_rule.hpp"

namespace eightsync::core {

bool leaver_rule::row_has_left(const desired_user& d) const noexcept {
  return is_leaver(intent(d));
}

bool leaver_rule::missing_is_leaver() const noexcept {
  return policy_.missing_from_source == leaver_action::deactivate;
}

std::string_view leaver_rule::deactivation_reason(leaver_reason why) noexcept {
  switch (why) {
    case leaver_reason::status:
      return "HR's active condition says this person has left";
    case leaver_reason::missing_from_source:
      return "The HR key is no longer in the export (leavers.missing_from_source: deactivate); 8x8 shows the "
             "user active.";
    case leaver_reason::end_date:
      return "The end date HR set for this person has come (lifecycle.end_date)";
  }
  return "";
}

}  // namespace eightsync::core
