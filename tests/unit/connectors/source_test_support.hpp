#pragma once
// Helpers for the HR source tests: a sink that records everything, scratch files, and a
// fixture that writes bytes to a file and reads them back through make_hr_source.
#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>
#include <vector>

#include "connectors/hr_sources.hpp"
#include "core/row_sink.hpp"
#include "core/source_options.hpp"

namespace eightsync::connectors::test {

using core::source_error;
using core::source_summary;

/// Records every call a reader makes.
class recording_sink : public core::row_sink {
 public:
  void on_header(const std::vector<std::string>& names) override {
    ++header_calls;
    header = names;
  }
  void on_row(core::source_row&& row) override { rows.push_back(std::move(row)); }
  void on_quarantine(core::quarantined_row&& row) override { quarantined.push_back(std::move(row)); }

  int header_calls = 0;
  std::vector<std::string> header;
  std::vector<core::source_row> rows;
  std::vector<core::quarantined_row> quarantined;
};

/// A fresh directory under the system temp dir, removed with everything in it on destruction.
class scratch_dir {
 public:
  scratch_dir() {
    static std::atomic<int> counter{0};
    path_ = std::filesystem::temp_directory_path() /
            ("eightsync-src-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
    std::filesystem::create_directories(path_);
  }
  ~scratch_dir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  scratch_dir(const scratch_dir&) = delete;
  scratch_dir& operator=(const scratch_dir&) = delete;

  /// Writes `bytes` exactly (binary) to `name` in the directory and returns its path.
  std::filesystem::path write(const std::string& name, std::string_view bytes) const {
    const auto p = path_ / name;
    std::ofstream out(p, std::ios::binary);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    return p;
  }
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

/// Fixture: `options` starts as a CSV keyed on employee_id accepting any number of rows;
/// read() writes the bytes to a scratch file and reads it into `sink`.
class source_test : public ::testing::Test {
 protected:
  source_test() { options.min_rows = 0; }

  core::expected<source_summary, source_error> read(std::string_view bytes,
                                                    const std::string& name = "export.csv") {
    options.path = dir.write(name, bytes);
    return make_hr_source(options)->read(sink);
  }

  /// Reads `bytes` and fails the test on a file-level error.
  source_summary read_ok(std::string_view bytes, const std::string& name = "export.csv") {
    auto r = read(bytes, name);
    EXPECT_TRUE(r.has_value()) << (r ? std::string() : r.error().message);
    return r ? *r : source_summary{};
  }

  /// Reads `bytes` and returns the file-level error message ("" when there was none), with
  /// the file's path at its start replaced by "PATH".
  std::string read_error(std::string_view bytes, const std::string& name = "export.csv") {
    auto r = read(bytes, name);
    EXPECT_FALSE(r.has_value());
    return r ? std::string() : without_path(r.error().message);
  }

  /// `message` with options.path at its start replaced by "PATH".
  std::string without_path(const std::string& message) const {
    const std::string p = options.path.string();
    return message.starts_with(p) ? "PATH" + message.substr(p.size()) : message;
  }

  scratch_dir dir;
  core::source_options options;
  recording_sink sink;
};

using strings = std::vector<std::string>;

}  // namespace eightsync::connectors::test
