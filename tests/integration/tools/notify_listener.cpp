// A stand-in for systemd's notify socket, for the daemon's integration test: binds an AF_UNIX
// datagram socket at argv[1] and prints each message it receives as one line (newlines inside
// a message become " | "), flushing after each, until killed.
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <string>

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: notify_listener SOCKET_PATH\n");
    return 2;
  }
  const int fd = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  if (std::strlen(argv[1]) >= sizeof addr.sun_path) {
    std::fprintf(stderr, "notify_listener: path too long\n");
    return 2;
  }
  std::strcpy(addr.sun_path, argv[1]);
  ::unlink(argv[1]);
  if (fd < 0 || ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    std::perror("notify_listener: bind");
    return 1;
  }
  std::printf("listening\n");
  std::fflush(stdout);
  char buf[4096];
  for (;;) {
    const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n < 0) continue;
    std::string m(buf, static_cast<std::size_t>(n));
    for (std::size_t i = 0; (i = m.find('\n', i)) != std::string::npos;)
      m.replace(i, 1, " | ");
    std::printf("%s\n", m.c_str());
    std::fflush(stdout);
  }
}
