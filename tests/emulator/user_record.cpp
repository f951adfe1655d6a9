#include "emulator/user_record.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

namespace eightsync::emulator {

namespace {

std::string string_member(const boost::json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  return v && v->is_string() ? std::string(v->as_string()) : std::string{};
}

}  // namespace

user_record::user_record(std::string id, const boost::json::object& resource, bool admin_console)
    : id_(std::move(id)), admin_console_(admin_console) {
  set_resource(resource);
}

boost::json::object user_record::resource() const {
  return boost::json::parse(json_).as_object();
}

void user_record::set_resource(const boost::json::object& resource) {
  user_name_ = string_member(resource, "userName");
  external_id_ = string_member(resource, "externalId");
  json_ = boost::json::serialize(resource);
  json_.shrink_to_fit();
}

}  // namespace eightsync::emulator
