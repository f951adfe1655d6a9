#include "core/unmanaged_user.hpp"

#include "core/attribute_table.hpp"
#include "core/remote_user.hpp"
#include "core/text.hpp"

namespace eightsync::core {

std::string_view matchable_email(std::string_view email) noexcept {
  return iequals(trim(email), attribute_row_of(attribute::email).placeholder) ? std::string_view{} : email;
}

unmanaged_user::unmanaged_user(std::string_view scim_id, std::string_view user_name,
                               std::string_view external_id, std::string_view email,
                               std::string_view given_name, std::string_view family_name, bool active)
    : active_(active) {
  const std::array<std::string_view, 6> values{scim_id, user_name,  external_id,
                                               email,   given_name, family_name};
  std::size_t size = 0;
  for (const auto v : values)
    size += v.size();
  buffer_.reserve(size);
  for (std::size_t i = 0; i < values.size(); ++i) {
    buffer_.append(values[i]);
    ends_[i] = static_cast<std::uint32_t>(buffer_.size());
  }
}

unmanaged_user unmanaged_user::from_remote(const remote_user& r) {
  return unmanaged_user(r.id(), r.get(attribute::user_name), r.get(attribute::external_id),
                        matchable_email(r.get(attribute::email)), r.get(attribute::given_name),
                        r.get(attribute::family_name), r.active());
}

}  // namespace eightsync::core
