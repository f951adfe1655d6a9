#include "emulator/user_record.hpp"

#include <boost/json/serialize.hpp>

namespace eightsync::emulator {

user_record::user_record(std::string id, boost::json::object resource, bool admin_console)
    : id_(std::move(id)), resource_(std::move(resource)), admin_console_(admin_console) {}

void user_record::set_resource(boost::json::object resource) {
  resource_ = std::move(resource);
  json_.clear();
}

const std::string& user_record::json() const {
  if (json_.empty()) json_ = boost::json::serialize(resource_);
  return json_;
}

}  // namespace eightsync::emulator
