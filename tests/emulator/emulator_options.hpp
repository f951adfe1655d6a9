#pragma once
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "emulator/emulator_settings.hpp"
#include "emulator/fault_spec.hpp"

namespace eightsync::emulator {

/// Everything the emulator needs to start, as the command line gives it.
struct emulator_options {
  std::string host = "127.0.0.1";           ///< loopback address to listen on
  std::uint16_t port = 0;                   ///< 0: any free port (printed on stdout's first line)
  std::string cert_file;                    ///< PEM certificate chain; with key_file, serve HTTPS
  std::string key_file;                     ///< PEM private key
  std::optional<std::string> token;         ///< accepted bearer token (never printed)
  std::uint64_t seed = 1;                   ///< makes ids and fault draws reproducible
  emulator_settings settings;               ///< the behaviour switches
  std::vector<fault_spec> faults;           ///< faults active from the start
  std::size_t max_body_bytes = 256u << 20;  ///< larger request bodies answer 413
  std::chrono::seconds idle_timeout{60};    ///< keep-alive connections idle longer are closed
  bool verbose = false;                     ///< one line per SCIM request on stderr
};

/// Splits `HOST:PORT` (or `[V6]:PORT`) and checks HOST is a loopback address. Returns false with
/// `error` set otherwise. Never throws except std::bad_alloc.
bool parse_listen(std::string_view text, std::string& host, std::uint16_t& port, std::string& error);

/// Reads the token from the first line of `path`, trimmed. Throws std::runtime_error when the
/// file cannot be read or the line is empty (the message names the file, never the contents).
std::string read_token_file(const std::string& path);

}  // namespace eightsync::emulator
