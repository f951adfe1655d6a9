#pragma once
#include <utility>
#include <variant>

namespace eightsync::core {

/// Wraps an error value so that `expected<T, E>` can be built from it unambiguously.
template <class E>
struct unexpected {
  /// Wraps `e`. A constructor rather than an aggregate: clang 14 has no `unexpected<E>(e)`
  /// aggregate initialisation.
  explicit unexpected(E e) : error(std::move(e)) {}
  E error;  ///< the failure
};

/// An expected failure as a value (C++20 has no std::expected): either a T or an E.
/// Accessing the wrong side is a bug and throws std::bad_variant_access.
template <class T, class E>
class expected {
 public:
  expected(T value) : v_(std::in_place_index<0>, std::move(value)) {}
  expected(unexpected<E> e) : v_(std::in_place_index<1>, std::move(e.error)) {}

  /// True when a value is held.
  bool has_value() const noexcept { return v_.index() == 0; }
  explicit operator bool() const noexcept { return has_value(); }

  T& value() & { return std::get<0>(v_); }
  const T& value() const& { return std::get<0>(v_); }
  T&& value() && { return std::get<0>(std::move(v_)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

  const E& error() const& { return std::get<1>(v_); }
  E&& error() && { return std::get<1>(std::move(v_)); }

 private:
  std::variant<T, E> v_;
};

}  // namespace eightsync::core
