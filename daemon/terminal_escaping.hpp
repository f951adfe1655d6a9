#pragma once
#include <streambuf>

#include "daemon/escaping_streambuf.hpp"

namespace eightsync::daemon {

/// While alive, std::cout and std::cerr write through escaping_streambufs, so whatever any
/// command prints is escaped for the terminal; the destructor restores their buffers. Never
/// throws.
class terminal_escaping {
 public:
  terminal_escaping() noexcept;
  ~terminal_escaping();
  terminal_escaping(const terminal_escaping&) = delete;
  terminal_escaping& operator=(const terminal_escaping&) = delete;

 private:
  escaping_streambuf out_;
  escaping_streambuf err_;
  std::streambuf* old_out_;
  std::streambuf* old_err_;
};

}  // namespace eightsync::daemon
