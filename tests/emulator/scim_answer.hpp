#pragma once
#include <string>
#include <utility>
#include <vector>

#include "emulator/scim_error.hpp"

namespace eightsync::emulator {

/// What a handler answers, before the server applies response faults and writes it.
struct scim_answer {
  unsigned status = 200;                                     ///< HTTP status
  std::string body;                                          ///< empty for 204
  std::string content_type = "application/scim+json";        ///< Content-Type when body is set
  std::vector<std::pair<std::string, std::string>> headers;  ///< extra headers (Location, Allow…)
  bool applied = false;                                      ///< the request changed the store

  /// An error answer with a SCIM Error body.
  static scim_answer from_error(const scim_error& e) {
    scim_answer a;
    a.status = e.status;
    a.body = e.body();
    return a;
  }
};

}  // namespace eightsync::emulator
