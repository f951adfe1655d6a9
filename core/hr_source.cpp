#include "core/hr_source.hpp"

#include <utility>

#include "core/user_mapper.hpp"

namespace eightsync::core {

expected<hr_snapshot, source_error> read_and_map(hr_source& source, const mapping_rules& rules,
                                                 const std::string& key_column,
                                                 const lifecycle_reading* lifecycle) {
  user_mapper mapper(rules, key_column);
  mapper.set_lifecycle(lifecycle);
  // Lets the mapper size its users once instead of growing; an unreadable source is the
  // reader's to report.
  if (const std::uintmax_t bytes = source.expected_bytes(); bytes > 0) mapper.expect_bytes(bytes);
  auto read = source.read(mapper);
  if (!read) return unexpected<source_error>{read.error()};
  if (mapper.header_error())
    return unexpected<source_error>{{source.origin() + ": " + *mapper.header_error()}};
  return hr_snapshot{std::move(read.value()), mapper.finish()};
}

}  // namespace eightsync::core
