#pragma once
#include <string_view>
#include <vector>

namespace eightsync::migrations {

/// One schema step: `version` is the NNNN of `migrations/NNNN_name.sql`, `sql` its text.
struct migration {
  int version;
  std::string_view file_name;
  std::string_view sql;
};

/// Every embedded migration, ordered by version. Never throws.
const std::vector<migration>& all();

}  // namespace eightsync::migrations
