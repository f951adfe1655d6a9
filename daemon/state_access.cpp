#include "daemon/state_access.hpp"

#include <filesystem>
#include <ostream>
#include <system_error>
#include <utility>

#include "core/state_error.hpp"
#include "daemon/exit_code.hpp"

namespace eightsync::daemon {

core::expected<core::state_store, int> open_existing_state(const config::eightsync_config& cfg,
                                                           std::string_view command, std::ostream& err,
                                                           bool read_only) {
  std::error_code ec;
  if (!std::filesystem::exists(cfg.state.path, ec)) {
    err << "eightsync " << command << ": no state database at " << cfg.state.path.string()
        << " yet: `eightsync sync` (or the service) creates it with its first cycle\n";
    return core::unexpected<int>{exit_state_unusable};
  }
  try {
    core::state_store::options o;
    o.read_only = read_only;
    return core::state_store(cfg.state.path, cfg.target.url, o);
  } catch (const core::state_error& e) {
    err << "eightsync " << command << ": " << e.what() << '\n';
    return core::unexpected<int>{exit_state_unusable};
  }
}

core::expected<core::db_lock, int> take_writer_lock(const config::eightsync_config& cfg,
                                                    std::string_view command, std::ostream& err) {
  try {
    auto lock = core::db_lock::try_acquire(cfg.state.path);
    if (!lock) {
      err << "eightsync " << command << ": " << lock.error().message() << '\n';
      return core::unexpected<int>{exit_state_locked};
    }
    return std::move(*lock);
  } catch (const core::state_error& e) {
    err << "eightsync " << command << ": " << e.what() << '\n';
    return core::unexpected<int>{exit_state_unusable};
  }
}

}  // namespace eightsync::daemon
