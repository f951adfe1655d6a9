#include "core/attribute_table.hpp"

namespace eightsync::core {

std::string scim_path(const scim_location& at) {
  std::string out(at.container);
  switch (at.kind) {
    case scim_location_kind::member:
      break;
    case scim_location_kind::sub_member:
      out += '.';
      break;
    case scim_location_kind::typed_entry:
      out += "[type eq \"";
      out += at.type;
      out += "\"].";
      break;
    case scim_location_kind::extension_member:
      out += ':';
      break;
  }
  out += at.name;
  return out;
}

}  // namespace eightsync::core
