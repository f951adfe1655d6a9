#pragma once
#include <filesystem>
#include <string>

#include "core/expected.hpp"

namespace eightsync::core {

/// Why regular_file::open failed.
struct open_failure {
  /// A phrase to follow the path: "cannot open: No such file or directory", "is a FIFO (named
  /// pipe), not a regular file", "is a character device, not a regular file"…
  std::string what;
  int code = 0;  ///< errno when open or fstat failed; 0 when the file is not a regular file
};

/// A read-only descriptor of a regular file, closed on destruction.
class regular_file {
 public:
  /// Opens `path` read-only, close-on-exec and non-blocking (so a FIFO never waits for a
  /// writer), and keeps it only when it is a regular file. Throws only std::bad_alloc.
  static expected<regular_file, open_failure> open(const std::filesystem::path& path);

  regular_file(regular_file&& other) noexcept : fd_(other.fd_) { other.fd_ = -1; }
  regular_file& operator=(regular_file&& other) noexcept;
  regular_file(const regular_file&) = delete;
  regular_file& operator=(const regular_file&) = delete;
  ~regular_file();

  /// The descriptor, owned by this object. Never throws.
  int fd() const noexcept { return fd_; }

 private:
  explicit regular_file(int fd) noexcept : fd_(fd) {}
  int fd_ = -1;
};

}  // namespace eightsync::core
