#pragma once
#include <string>
#include <vector>

#include <boost/json/object.hpp>

namespace eightsync::connectors {

/// The SCIM paths of the attributes `sent` in a PUT whose value in the server's `answer` is not
/// the one sent. Checked, when sent: userName, name.* (each member sent), the work email's
/// value, externalId, title, locale, timezone, the enterprise `department`, the 8x8 `site`,
/// active and the mobile phone's value. Attribute names match case-insensitively; userName and
/// the email compare case-insensitively; an empty string sent matches an absent attribute.
/// Never throws except std::bad_alloc.
std::vector<std::string> attributes_not_applied(const boost::json::object& sent,
                                                const boost::json::object& answer);

}  // namespace eightsync::connectors
