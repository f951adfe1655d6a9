#pragma once
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/lookup_map.hpp"

namespace eightsync::core {

/// What rendering a template or evaluating a condition reads (one row's column values, by
/// slot, and the lookup tables) plus reusable buffers, so that a warm render allocates only
/// for its output. One per thread; the mapper keeps one and refills `columns` per row.
struct render_context {
  std::vector<std::string_view> columns;  ///< the row's value for each column slot
  std::span<const lookup_map> maps;       ///< indexed like expr_symbols::map_names
  std::string error;                      ///< why the last failed render failed (a map miss)

  // Scratch space for filters and conditions; their contents mean nothing between calls.
  std::string filter_buffers[2];
  std::string map_key;
  std::string condition_value;
  std::string condition_folded;
};

}  // namespace eightsync::core
