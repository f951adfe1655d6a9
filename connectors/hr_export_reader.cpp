#include "connectors/hr_export_reader.hpp"

#include "connectors/csv_source_reader.hpp"
#include "connectors/json_source_reader.hpp"

namespace eightsync::connectors {

core::expected<source_summary, source_error> read_hr_export(const core::source_options& options,
                                                            core::row_sink& sink) {
  switch (options.type) {
    case core::source_type::json:
      return json_source_reader(options, sink).read();
    case core::source_type::csv:
      break;
  }
  return csv_source_reader(options, sink).read();
}

}  // namespace eightsync::connectors
