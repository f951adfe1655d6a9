#include "daemon/os_user.hpp"

#include <cstdlib>
#include <vector>

#include <pwd.h>
#include <unistd.h>

namespace eightsync::daemon {

std::string os_user() {
  std::string name;
  std::vector<char> buf(16384);
  passwd pw{};
  passwd* found = nullptr;
  if (::getpwuid_r(::geteuid(), &pw, buf.data(), buf.size(), &found) == 0 && found != nullptr) {
    name = found->pw_name;
  } else {
    name = "uid " + std::to_string(::geteuid());
  }
  const char* sudo_user = std::getenv("SUDO_USER");
  if (sudo_user != nullptr && *sudo_user != '\0' && name != sudo_user)
    name += " (sudo by " + std::string(sudo_user) + ")";
  return name;
}

}  // namespace eightsync::daemon
