#pragma once
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/attribute.hpp"
#include "core/attribute_table.hpp"
#include "core/condition_expr.hpp"
#include "core/expr_error.hpp"
#include "core/expr_symbols.hpp"
#include "core/lookup_map.hpp"
#include "core/template_expr.hpp"

namespace eightsync::core {

/// The templates of the config's `lifecycle:` block, rendered from each row like the mapping's.
enum class lifecycle_template : std::uint8_t {
  start_date,  ///< lifecycle.start_date: the day access starts
  end_date,    ///< lifecycle.end_date: the last day of access
  time_zone,   ///< lifecycle.time_zone: the person's IANA zone
};
/// How many lifecycle templates there are.
inline constexpr std::size_t lifecycle_template_count = 3;

/// The compiled mapping from HR columns to 8x8 attributes: one template per mapped attribute,
/// the `active` condition, the `scope` conditions, the `maps` tables and the create-only set.
/// Everything is parsed once, when it is added; user_mapper then only renders.
///
/// Build order matters: add the maps first, since templates resolve `map:NAME` as they parse.
/// The config loader builds one from YAML; tests build one directly.
class mapping_rules {
 public:
  /// The attributes 8x8 requires on create, which a valid mapping must map (the table's
  /// create-required rows, in its order).
  static constexpr auto required = create_required_attributes;

  /// Adds `maps.NAME` with its entries, in order. Returns "expected …, found …" text for the first
  /// duplicate key (the table is then not added), or for a NAME already present. Throws only
  /// std::bad_alloc.
  std::optional<std::string> add_map(std::string name,
                                     const std::vector<std::pair<std::string, std::string>>& entries);

  /// Maps attribute `a` (not `active`: see set_active) to `template_text`, replacing any earlier
  /// template for it. Returns the parse error, if any (nothing changes then). Throws only
  /// std::bad_alloc.
  std::optional<expr_error> map_attribute(attribute a, std::string_view template_text);

  /// Sets the `active` condition (unset: every in-scope row is active). Returns the parse error,
  /// if any. Throws only std::bad_alloc.
  std::optional<expr_error> set_active(std::string_view condition_text);

  /// Adds one `scope` condition; a row is in scope when every one holds. Returns the parse
  /// error, if any. Throws only std::bad_alloc.
  std::optional<expr_error> add_scope(std::string_view condition_text);

  /// Sets the lifecycle template `which`, its columns numbered with the mapping's (so the export's
  /// header must have them). Returns the parse error, if any (nothing changes then). Throws only
  /// std::bad_alloc.
  std::optional<expr_error> set_lifecycle_template(lifecycle_template which, std::string_view template_text);

  /// Sets lifecycle.pre_hire, the condition under which a row is a future hire. Returns the
  /// parse error, if any. Throws only std::bad_alloc.
  std::optional<expr_error> set_pre_hire(std::string_view condition_text);

  /// Marks `a` create-only: set when eightsync creates the user, never updated afterwards.
  /// `userName` is always create-only (8x8 makes it read-only after create). Never throws.
  void add_create_only(attribute a) noexcept { create_only_ |= bit(a); }

  /// The template for `a`, or nullptr when `a` is not mapped (always nullptr for `active`).
  /// Never throws.
  const template_expr* template_for(attribute a) const noexcept;
  /// The `active` condition, or nullptr when every in-scope row is active. Never throws.
  const condition_expr* active() const noexcept { return active_ ? &*active_ : nullptr; }
  /// The lifecycle template `which`, or nullptr when it is not set. Never throws.
  const template_expr* lifecycle_template_for(lifecycle_template which) const noexcept {
    const auto& t = lifecycle_[static_cast<std::size_t>(which)];
    return t ? &*t : nullptr;
  }
  /// lifecycle.pre_hire, or nullptr when not set. Never throws.
  const condition_expr* pre_hire() const noexcept { return pre_hire_ ? &*pre_hire_ : nullptr; }
  /// The scope conditions, in config order. Never throws.
  const std::vector<condition_expr>& scope() const noexcept { return scope_; }
  /// The lookup tables, indexed as the templates refer to them. Never throws.
  const std::vector<lookup_map>& maps() const noexcept { return maps_; }
  /// Every HR column the templates and conditions use, by slot. Never throws.
  const std::vector<std::string>& columns() const noexcept { return symbols_.columns(); }

  /// Bit i set when attribute i has a template (`active` is never in it). Never throws.
  std::uint32_t owned_mask() const noexcept { return owned_; }
  /// Whether `a` has a template. Never throws.
  bool owns(attribute a) const noexcept { return (owned_ & bit(a)) != 0; }
  /// Whether `a` is set on create only (always true for an attribute read-only after create:
  /// userName). Never throws.
  bool is_create_only(attribute a) const noexcept { return (create_only_mask() & bit(a)) != 0; }
  /// Bit i set for each create-only attribute, userName included. Never throws.
  std::uint32_t create_only_mask() const noexcept { return create_only_ | read_only_after_create_mask; }
  /// The required attributes that have no template, in canonical order. Throws only std::bad_alloc.
  std::vector<attribute> missing_required() const;

 private:
  static constexpr std::uint32_t bit(attribute a) noexcept { return 1U << static_cast<unsigned>(a); }

  expr_symbols symbols_;
  std::vector<lookup_map> maps_;
  std::array<std::optional<template_expr>, attribute_count> templates_{};
  std::optional<condition_expr> active_;
  std::vector<condition_expr> scope_;
  std::array<std::optional<template_expr>, lifecycle_template_count> lifecycle_{};
  std::optional<condition_expr> pre_hire_;
  std::uint32_t owned_ = 0;
  std::uint32_t create_only_ = 0;
};

}  // namespace eightsync::core
