#pragma once
#include <string>

namespace eightsync::daemon {

/// Who runs this command, as recorded with an operator's decision, approval or resolution: the
/// effective user's name (or "uid N"), plus "(sudo by NAME)" when run through sudo by someone
/// else. Throws only std::bad_alloc.
std::string os_user();

}  // namespace eightsync::daemon
