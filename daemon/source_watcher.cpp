#include "daemon/source_watcher.hpp"

#include <array>
#include <cerrno>
#include <optional>
#include <string>
#include <system_error>
#include <utility>

#include <sys/inotify.h>
#include <sys/stat.h>
#include <unistd.h>

#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/steady_timer.hpp>

namespace eightsync::daemon {

namespace net = boost::asio;

struct source_watcher::impl : std::enable_shared_from_this<impl> {
  impl(net::any_io_executor ex, std::filesystem::path f, std::chrono::milliseconds s,
       std::function<void()> cb)
      : stream(ex), timer(ex), file(std::move(f)), settle(s), on_change(std::move(cb)) {}

  struct snapshot {
    bool exists = false;
    off_t size = 0;
    timespec mtime{};
    bool operator==(const snapshot& o) const noexcept {
      return exists == o.exists && size == o.size && mtime.tv_sec == o.mtime.tv_sec &&
             mtime.tv_nsec == o.mtime.tv_nsec;
    }
  };

  snapshot look() const {
    struct stat st {};
    if (::stat(file.c_str(), &st) != 0) return {};
    return {true, st.st_size, st.st_mtim};
  }

  void read() {
    auto self = shared_from_this();
    stream.async_read_some(net::buffer(buffer), [self](const boost::system::error_code& ec, std::size_t n) {
      if (ec || self->stopped) return;
      const std::string name = self->file.filename().string();
      bool ours = false;
      for (std::size_t off = 0; off + sizeof(inotify_event) <= n;) {
        const auto* ev = reinterpret_cast<const inotify_event*>(self->buffer.data() + off);
        if (ev->len > 0 && name == ev->name) ours = true;
        if (ev->mask & IN_Q_OVERFLOW) ours = true;  // events were lost: look anyway
        off += sizeof(inotify_event) + ev->len;
      }
      if (ours) self->arm();
      self->read();
    });
  }

  // (Re)starts the settle timer from now, remembering how the file looks.
  void arm() {
    seen = look();
    timer.expires_after(settle);
    auto self = shared_from_this();
    timer.async_wait([self](const boost::system::error_code& ec) {
      if (ec || self->stopped) return;
      const auto now = self->look();
      if (!(now == self->seen)) {
        self->arm();  // still being written
        return;
      }
      if (now.exists) self->on_change();
    });
  }

  net::posix::stream_descriptor stream;
  net::steady_timer timer;
  std::filesystem::path file;
  std::chrono::milliseconds settle;
  std::function<void()> on_change;
  snapshot seen;
  bool stopped = false;
  alignas(inotify_event) std::array<char, 8192> buffer{};
};

source_watcher::source_watcher(net::any_io_executor executor, std::filesystem::path file,
                               std::chrono::milliseconds settle, std::function<void()> on_change) {
  const int fd = ::inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
  if (fd < 0) throw std::system_error(errno, std::generic_category(), "inotify_init1");
  std::filesystem::path dir = file.parent_path();
  if (dir.empty()) dir = ".";
  if (::inotify_add_watch(fd, dir.c_str(), IN_CLOSE_WRITE | IN_MOVED_TO | IN_CREATE | IN_MODIFY | IN_DELETE) <
      0) {
    const int err = errno;
    ::close(fd);
    throw std::system_error(err, std::generic_category(), "cannot watch " + dir.string() + " with inotify");
  }
  impl_ = std::make_shared<impl>(executor, std::move(file), settle, std::move(on_change));
  impl_->stream.assign(fd);
  impl_->read();
}

source_watcher::~source_watcher() {
  stop();
}

void source_watcher::stop() noexcept {
  if (!impl_ || impl_->stopped) return;
  impl_->stopped = true;
  boost::system::error_code ec;
  impl_->timer.cancel();
  impl_->stream.close(ec);
}

}  // namespace eightsync::daemon
