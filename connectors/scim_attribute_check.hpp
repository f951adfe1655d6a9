#pragma once
#include "core/scim_attribute_check.hpp"

namespace eightsync::connectors {

/// The SCIM paths of the attributes a PUT sent that its answer shows not applied: see
/// core::attributes_not_applied, which reads the attribute table. Throws only std::bad_alloc.
using core::attributes_not_applied;

}  // namespace eightsync::connectors
