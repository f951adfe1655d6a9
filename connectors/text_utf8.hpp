#pragma once
#include "core/utf8.hpp"

namespace eightsync::connectors {

/// The UTF-8 check lives in core (the config loader and the display escaping use it too).
using core::find_invalid_utf8;

}  // namespace eightsync::connectors
