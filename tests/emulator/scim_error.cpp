#include "emulator/scim_error.hpp"

#include <stdexcept>

#include <boost/json/serialize.hpp>

namespace eightsync::emulator {

namespace json = boost::json;

json::value scim_error::to_json() const {
  json::object o;
  o["schemas"] = json::array{"urn:ietf:params:scim:api:messages:2.0:Error"};
  o["status"] = std::to_string(status);
  if (!scim_type.empty()) o["scimType"] = scim_type;
  if (!detail.empty()) o["detail"] = detail;
  return o;
}

std::string scim_error::body() const {
  return json::serialize(to_json());
}

scim_error make_error(unsigned status, std::string scim_type, std::string detail) {
  return scim_error{status, std::move(scim_type), std::move(detail)};
}

void throw_exception_from_error(const scim_error& e, const boost::source_location&) {
  throw std::runtime_error(e.detail);
}

}  // namespace eightsync::emulator
