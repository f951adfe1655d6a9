#pragma once
#include <string>

#include "core/attribute.hpp"

namespace eightsync::core {

/// One attribute an operation changes: its value in 8x8 before and the value HR asks for.
/// An empty string means absent (a create's `before`, or an attribute HR clears).
struct plan_diff {
  attribute attr = attribute::title;
  std::string before;
  std::string after;
};

}  // namespace eightsync::core
