#pragma once
#include <array>
#include <cstddef>
#include <optional>
#include <string_view>

#include <boost/describe/enum.hpp>
#include <boost/describe/enumerators.hpp>
#include <boost/mp11/algorithm.hpp>

// Stable names for enums, in one place. An enum whose values are stored (the audit and state
// databases), printed for scripts (`plan --json`) or spelled in eightsync.yaml is defined with
//   BOOST_DEFINE_FIXED_ENUM_CLASS(cycle_kind, std::uint8_t, full, incremental)
// so each enumerator's identifier is its name, written once: the enum and its names cannot
// drift apart. enum_name, enum_from_name and enum_values then work for it. Renaming such an
// enumerator renames what is stored: tests/unit/core/enum_names_test.cpp pins every stored name.

namespace eightsync {

/// An enum described by Boost.Describe (BOOST_DEFINE_FIXED_ENUM_CLASS or BOOST_DESCRIBE_ENUM).
template <typename E>
concept named_enum = boost::describe::has_describe_enumerators<E>::value;

/// How many values `E` has.
template <named_enum E>
inline constexpr std::size_t enum_count =
    boost::mp11::mp_size<boost::describe::describe_enumerators<E>>::value;

/// The stable name of `v` (its enumerator's identifier), or "unknown" for a value outside the
/// enum (a corrupt byte). Never throws.
template <named_enum E>
constexpr std::string_view enum_name(E v) noexcept {
  std::string_view name = "unknown";
  boost::mp11::mp_for_each<boost::describe::describe_enumerators<E>>([&](auto d) {
    if (d.value == v) name = d.name;
  });
  return name;
}

/// The value whose stable name is `name` (exact, case-sensitive), or nullopt. Never throws.
template <named_enum E>
constexpr std::optional<E> enum_from_name(std::string_view name) noexcept {
  std::optional<E> value;
  boost::mp11::mp_for_each<boost::describe::describe_enumerators<E>>([&](auto d) {
    if (!value && name == d.name) value = d.value;
  });
  return value;
}

/// Every value of `E`, in declaration order. Never throws.
template <named_enum E>
constexpr std::array<E, enum_count<E>> enum_values() noexcept {
  std::array<E, enum_count<E>> values{};
  std::size_t i = 0;
  boost::mp11::mp_for_each<boost::describe::describe_enumerators<E>>([&](auto d) { values[i++] = d.value; });
  return values;
}

/// Every stable name of `E`, in declaration order (e.g. for "expected a, b or c"). Never throws.
template <named_enum E>
constexpr std::array<std::string_view, enum_count<E>> enum_names() noexcept {
  std::array<std::string_view, enum_count<E>> names{};
  std::size_t i = 0;
  boost::mp11::mp_for_each<boost::describe::describe_enumerators<E>>([&](auto d) { names[i++] = d.name; });
  return names;
}

namespace core {
using eightsync::enum_count;
using eightsync::enum_from_name;
using eightsync::enum_name;
using eightsync::enum_names;
using eightsync::enum_values;
}  // namespace core

}  // namespace eightsync
