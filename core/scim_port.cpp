#include "core/scim_port.hpp"

namespace eightsync::core {

std::string scim_failure_text(const scim_result& r) {
  return std::string(enum_name(r.outcome)) +
         (r.status != 0 ? " (HTTP " + std::to_string(r.status) + ")" : std::string()) +
         (r.detail.empty() ? std::string() : ": " + r.detail);
}

}  // namespace eightsync::core
