#pragma once
#include <cstddef>
#include <optional>
#include <vector>

#include "core/audit_operation_kind.hpp"
#include "core/audit_operation_outcome.hpp"

namespace eightsync::core {

/// How many operations of each kind ended each way in one cycle (the cycle_counts view).
struct audit_cycle_counts {
  /// One group; `outcome` unset for intents not resolved yet.
  struct entry {
    audit_operation_kind kind = audit_operation_kind::update;
    std::optional<audit_operation_outcome> outcome;
    std::size_t count = 0;
  };
  std::vector<entry> entries;  ///< ordered by kind, then outcome (unresolved first)

  /// Operations of `kind` that ended as `outcome` (unset: unresolved). Never throws.
  std::size_t of(audit_operation_kind kind, std::optional<audit_operation_outcome> outcome) const noexcept {
    std::size_t n = 0;
    for (const auto& e : entries)
      if (e.kind == kind && e.outcome == outcome) n += e.count;
    return n;
  }

  /// Operations of any kind that ended as `outcome` (unset: unresolved). Never throws.
  std::size_t with_outcome(std::optional<audit_operation_outcome> outcome) const noexcept {
    std::size_t n = 0;
    for (const auto& e : entries)
      if (e.outcome == outcome) n += e.count;
    return n;
  }

  /// Every operation of the cycle. Never throws.
  std::size_t total() const noexcept {
    std::size_t n = 0;
    for (const auto& e : entries)
      n += e.count;
    return n;
  }
};

}  // namespace eightsync::core
