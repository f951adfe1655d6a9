#pragma once
#include <string>

#include <boost/assert/source_location.hpp>
#include <boost/json/value.hpp>

namespace eightsync::emulator {

/// A SCIM error (RFC 7644 §3.12) as a value: the HTTP status, the optional `scimType` and a
/// human-readable `detail`.
struct scim_error {
  unsigned status = 400;  ///< HTTP status code
  std::string scim_type;  ///< `scimType` (invalidValue, uniqueness…), empty when none
  std::string detail;     ///< what went wrong, for humans

  /// The error as a SCIM Error resource; `status` is a string, as RFC 7644 requires. Never throws
  /// except std::bad_alloc.
  boost::json::value to_json() const;

  /// to_json(), serialised.
  std::string body() const;
};

/// Builds an error value; shorthand used by every handler.
scim_error make_error(unsigned status, std::string scim_type, std::string detail);

/// Lets boost::system::result<T, scim_error>::value() throw; throws std::runtime_error(detail).
[[noreturn]] void throw_exception_from_error(const scim_error& e, const boost::source_location& loc);

}  // namespace eightsync::emulator
