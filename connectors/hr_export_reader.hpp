#pragma once
#include "connectors/source_summary.hpp"
#include "core/expected.hpp"
#include "core/row_sink.hpp"
#include "core/source_options.hpp"

namespace eightsync::connectors {

/// Reads the HR export `options` describes (CSV via libcsv, or a JSON array / NDJSON),
/// converting it to UTF-8, and streams its header and rows into `sink`. Per-row problems go
/// to sink.on_quarantine and the read goes on; a file-level problem (unreadable, empty, no
/// header, no key column, an unterminated quote, fewer than min_rows rows) returns a
/// source_error, and the caller must then use nothing the sink received. Throws only on bugs
/// and out-of-memory.
core::expected<source_summary, source_error> read_hr_export(const core::source_options& options,
                                                            core::row_sink& sink);

}  // namespace eightsync::connectors
