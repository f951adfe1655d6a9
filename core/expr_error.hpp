#pragma once
#include <cstddef>
#include <string>

namespace eightsync::core {

/// Why a template or condition does not parse, and where. The config loader turns `offset`
/// into a file line and column.
struct expr_error {
  std::size_t offset = 0;  ///< 0-based byte offset of the offending text in the expression
  std::string message;     ///< "expected …, found …", without position or key path
};

}  // namespace eightsync::core
