#pragma once
#include <string>

namespace eightsync::emulator {

/// One HTTP request as the handlers see it, independent of Beast.
struct scim_request {
  std::string method;            ///< upper-case method name (GET, POST…)
  std::string target;            ///< the raw request target, path and query
  std::string authorization;     ///< the Authorization header, empty when absent
  std::string body;              ///< the request body
  bool peer_is_loopback = true;  ///< the client connected from a loopback address
};

}  // namespace eightsync::emulator
