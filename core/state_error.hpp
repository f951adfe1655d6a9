#pragma once
#include <stdexcept>
#include <string>

namespace eightsync::core {

/// The state database cannot be used: it cannot be opened or created, it is newer than this
/// binary, it is bound to another target URL, it is not an eightsync database, or a read or write
/// failed (disk full, I/O error, a constraint a caller should have checked). The message names
/// the database file and says what to do. A startup or environment failure, not a value.
class state_error : public std::runtime_error {
 public:
  /// Builds the error from its complete message. Throws only std::bad_alloc.
  explicit state_error(const std::string& message) : std::runtime_error(message) {}
};

}  // namespace eightsync::core
