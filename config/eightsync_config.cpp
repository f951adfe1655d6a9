#include "config/eightsync_config.hpp"

#include "core/protect_list.hpp"

namespace eightsync::config {

bool eightsync_config::matches_protect(std::string_view user_name) const {
  return core::protect_list(protect).matches(user_name);
}

}  // namespace eightsync::config
