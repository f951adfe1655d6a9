#pragma once
#include <chrono>
#include <map>
#include <string>

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>
#include <boost/system/error_code.hpp>

namespace eightsync::emulator::test {

/// One exchange as the test sees it: a transport error, or a status, headers and body.
struct http_result {
  boost::system::error_code error;             ///< set when no complete answer arrived
  unsigned status = 0;                         ///< HTTP status; 0 with an error
  std::map<std::string, std::string> headers;  ///< lower-case names
  std::string body;                            ///< response body
  std::chrono::milliseconds elapsed{};         ///< time from send to answer (or error)

  /// The body parsed as JSON. Throws boost::system::system_error when it is not JSON.
  boost::json::value json() const { return boost::json::parse(body); }

  /// A header value, empty when absent.
  std::string header(const std::string& lower_name) const {
    const auto it = headers.find(lower_name);
    return it == headers.end() ? std::string{} : it->second;
  }
};

}  // namespace eightsync::emulator::test
