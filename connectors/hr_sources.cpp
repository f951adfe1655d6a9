#include "connectors/hr_sources.hpp"

#include <system_error>

#include "connectors/csv_source_reader.hpp"
#include "connectors/json_source_reader.hpp"

namespace eightsync::connectors {

core::expected<core::source_summary, core::source_error> csv_file_source::read(core::row_sink& sink) {
  return csv_source_reader(options_, sink).read();
}

std::uintmax_t csv_file_source::expected_bytes() const noexcept {
  std::error_code ec;
  const std::uintmax_t bytes = std::filesystem::file_size(options_.path, ec);
  return ec ? 0 : bytes;
}

core::expected<core::source_summary, core::source_error> json_file_source::read(core::row_sink& sink) {
  return json_source_reader(options_, sink).read();
}

std::unique_ptr<core::hr_source> make_hr_source(const core::source_options& options) {
  switch (options.type) {
    case core::source_type::json:
      return std::make_unique<json_file_source>(options);
    case core::source_type::csv:
      break;
  }
  return std::make_unique<csv_file_source>(options);
}

}  // namespace eightsync::connectors
