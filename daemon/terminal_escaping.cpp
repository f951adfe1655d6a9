#include "daemon/terminal_escaping.hpp"

#include <iostream>

namespace eightsync::daemon {

terminal_escaping::terminal_escaping() noexcept
    : out_(std::cout.rdbuf()),
      err_(std::cerr.rdbuf()),
      old_out_(std::cout.rdbuf(&out_)),
      old_err_(std::cerr.rdbuf(&err_)) {}

terminal_escaping::~terminal_escaping() {
  std::cout.flush();
  std::cerr.flush();
  std::cout.rdbuf(old_out_);
  std::cerr.rdbuf(old_err_);
}

}  // namespace eightsync::daemon
