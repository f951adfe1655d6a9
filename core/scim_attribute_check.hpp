#pragma once
#include <string>
#include <vector>

#include <boost/json/object.hpp>

namespace eightsync::core {

/// The SCIM paths of the attributes `sent` in a PUT whose value in the server's `answer` is not
/// the one sent, read from the attribute table: for each row, each of its read locations that
/// `sent` holds (userName, the work email's value, externalId, title, locale, timezone, the
/// enterprise `department`, the 8x8 `site`, active, the mobile phone's value), and every
/// member of a complex member sent (`name.*`, mapped or not, in the order sent). Paths are
/// scim_path()'s (`name.familyName`, `URN:site`, `phoneNumbers[type eq "mobile"].value`), in
/// the table's order except that `active` comes before the mobile phone. Member names and
/// entry types match ASCII-case-insensitively; values compare by the row's case rule, folding
/// ASCII only and without trimming; an empty string sent matches an absent attribute; a flag
/// compares as a boolean ("true"/"false" strings included). Throws only std::bad_alloc.
std::vector<std::string> attributes_not_applied(const boost::json::object& sent,
                                                const boost::json::object& answer);

}  // namespace eightsync::core
