#include "core/regular_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace eightsync::core {
namespace {

const char* kind_of(mode_t mode) noexcept {
  if (S_ISDIR(mode)) return "a directory";
  if (S_ISFIFO(mode)) return "a FIFO (named pipe)";
  if (S_ISCHR(mode)) return "a character device";
  if (S_ISBLK(mode)) return "a block device";
  if (S_ISSOCK(mode)) return "a socket";
  return "not a file";
}

}  // namespace

expected<regular_file, open_failure> regular_file::open(const std::filesystem::path& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
  if (fd < 0) {
    const int err = errno;
    return unexpected<open_failure>{{std::string("cannot open: ") + std::strerror(err), err}};
  }
  regular_file f(fd);
  struct stat st {};
  if (::fstat(fd, &st) != 0) {
    const int err = errno;
    return unexpected<open_failure>{{std::string("cannot stat: ") + std::strerror(err), err}};
  }
  // /dev/zero never ends, a FIFO may never deliver, a directory cannot be read: all are refused
  // by what they are, before a byte is read.
  if (!S_ISREG(st.st_mode)) {
    return unexpected<open_failure>{{std::string("is ") + kind_of(st.st_mode) + ", not a regular file", 0}};
  }
  return f;
}

regular_file& regular_file::operator=(regular_file&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = other.fd_;
    other.fd_ = -1;
  }
  return *this;
}

regular_file::~regular_file() {
  if (fd_ >= 0) ::close(fd_);
}

}  // namespace eightsync::core
