#pragma once
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "connectors/text_transcoder.hpp"
#include "core/expected.hpp"
#include "core/hr_source.hpp"
#include "core/regular_file.hpp"
#include "core/source_options.hpp"

namespace eightsync::connectors {

/// Reads an HR export in fixed-size chunks and hands them out as UTF-8 text: it counts and
/// hashes (SHA-256) the bytes as stored, drops a UTF-8 byte order mark, refuses a UTF-16 one,
/// and converts a declared cp1252 / latin1 export. The file is never held whole in memory.
class text_chunk_reader {
 public:
  /// How many bytes one read() asks for.
  static constexpr std::size_t chunk_size = 256 * 1024;

  /// Prepares to read `options.path` in `options.encoding`. Never throws beyond bad_alloc.
  explicit text_chunk_reader(const core::source_options& options);
  ~text_chunk_reader();
  text_chunk_reader(const text_chunk_reader&) = delete;
  text_chunk_reader& operator=(const text_chunk_reader&) = delete;

  /// Opens the file (and the encoding's conversion table). Returns the file-level error
  /// ("PATH: cannot open: No such file or directory", "PATH: is a FIFO (named pipe), not a
  /// regular file": see core::regular_file) or nothing. Throws only std::bad_alloc.
  std::optional<core::source_error> open();

  /// The next chunk as UTF-8 text, valid until the next call; an empty view at end of file.
  /// A read error or a bad byte order mark is a core::source_error naming the file. Throws only
  /// std::bad_alloc.
  core::expected<std::string_view, core::source_error> next();

  /// The bytes read so far, as stored (a byte order mark included). Never throws.
  std::uintmax_t bytes() const noexcept { return bytes_; }

  /// The lowercase hex SHA-256 of all bytes read; call once, after next() returned an empty
  /// view. Throws only std::bad_alloc.
  std::string sha256_hex();

  /// "PATH: " followed by `what`: the start of every message about this file. Never throws
  /// beyond bad_alloc.
  std::string message(std::string_view what) const;

 private:
  std::optional<core::source_error> check_byte_order_mark(std::string_view& text);

  const core::source_options& options_;
  std::optional<core::regular_file> file_;
  bool first_ = true;
  std::uintmax_t bytes_ = 0;
  std::vector<char> raw_;
  std::string converted_;
  text_transcoder transcoder_;
  struct digest;
  std::unique_ptr<digest> digest_;
};

}  // namespace eightsync::connectors
