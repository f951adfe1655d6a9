#pragma once
#include <filesystem>
#include <string>

namespace eightsync::client_test {

/// Certificates made at test time with the openssl CLI, in a fresh temporary directory that the
/// destructor removes: a CA, a server certificate it signed for 127.0.0.1 and localhost
/// ("good"), one it signed for wrong.example ("wrong"), and a self-signed one for 127.0.0.1 and
/// localhost ("self").
struct tls_files {
  /// Generates everything. Throws std::runtime_error when openssl fails (its output included).
  tls_files();
  ~tls_files();
  tls_files(const tls_files&) = delete;
  tls_files& operator=(const tls_files&) = delete;

  std::filesystem::path dir;
  std::string ca;  ///< CA certificate (PEM)
  std::string good_cert, good_key;
  std::string wrong_cert, wrong_key;
  std::string self_cert, self_key;
};

}  // namespace eightsync::client_test
