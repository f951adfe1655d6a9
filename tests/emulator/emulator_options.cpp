#include "emulator/emulator_options.hpp"

#include <charconv>
#include <fstream>
#include <stdexcept>

#include <boost/asio/ip/address.hpp>

namespace eightsync::emulator {

bool parse_listen(std::string_view text, std::string& host, std::uint16_t& port, std::string& error) {
  std::string_view h;
  std::string_view p;
  if (text.starts_with("[")) {
    const auto close = text.find("]:");
    if (close == std::string_view::npos) {
      error = "--listen: expected HOST:PORT, e.g. 127.0.0.1:0 or [::1]:8443";
      return false;
    }
    h = text.substr(1, close - 1);
    p = text.substr(close + 2);
  } else {
    const auto colon = text.rfind(':');
    if (colon == std::string_view::npos) {
      error = "--listen: expected HOST:PORT, e.g. 127.0.0.1:0";
      return false;
    }
    h = text.substr(0, colon);
    p = text.substr(colon + 1);
  }
  unsigned value = 0;
  auto [ptr, ec] = std::from_chars(p.data(), p.data() + p.size(), value);
  if (p.empty() || ec != std::errc{} || ptr != p.data() + p.size() || value > 65535) {
    error = "--listen: port must be a number from 0 to 65535, got `" + std::string(p) + "`";
    return false;
  }
  boost::system::error_code aec;
  const auto addr = boost::asio::ip::make_address(std::string(h), aec);
  if (aec) {
    error = "--listen: `" + std::string(h) + "` is not an IP address";
    return false;
  }
  if (!addr.is_loopback()) {
    error = "--listen: the emulator listens on loopback addresses only (127.0.0.0/8 or ::1), got " +
            std::string(h);
    return false;
  }
  host = std::string(h);
  port = static_cast<std::uint16_t>(value);
  return true;
}

std::string read_token_file(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("--token-file: cannot read " + path);
  std::string line;
  std::getline(in, line);
  while (!line.empty() && (line.back() == '\r' || line.back() == ' ' || line.back() == '\t'))
    line.pop_back();
  std::size_t start = 0;
  while (start < line.size() && (line[start] == ' ' || line[start] == '\t'))
    ++start;
  line.erase(0, start);
  if (line.empty()) throw std::runtime_error("--token-file: " + path + " has an empty first line");
  return line;
}

}  // namespace eightsync::emulator
