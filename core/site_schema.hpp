#pragma once
#include <array>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <set>
#include <string_view>

#include "core/attribute_table.hpp"
#include "core/enum_names.hpp"

// Which of 8x8's two site extension URNs eightsync writes new sites under (it reads both).
// An account uses one: eightsync takes it from `target.site_schema`, else from the users it
// lists (remembered in state.db, so a cycle that lists nobody with a site still knows), else
// it falls back to the 1.1 URN and says so.

namespace eightsync::core {

class remote_user;

/// Where the URN of a site_schema_choice came from.
/// - configured: target.site_schema names it
/// - seen: users this cycle read carry their site under it
/// - remembered: an earlier cycle saw it (state.db's meta.site_schema)
/// - assumed: nobody carries a site yet: the 1.1 URN, Entra's spelling
BOOST_DEFINE_FIXED_ENUM_CLASS(site_schema_source, std::uint8_t, configured, seen, remembered, assumed)

/// The URN new sites are written under, and why that one.
struct site_schema_choice {
  std::string_view urn = x8_schema_urn;  ///< x8_schema_urn or x8_user_schema_urn (static storage)
  site_schema_source source = site_schema_source::assumed;

  /// Member-wise equality.
  friend bool operator==(const site_schema_choice&, const site_schema_choice&) = default;
};

/// `target.site_schema`'s value that lets eightsync detect the URN.
inline constexpr std::string_view site_schema_auto = "auto";

/// The site URN `text` names, as a view of static storage; nullopt when it is neither of 8x8's
/// two (compared exactly: URNs in `schemas` are). Never throws.
std::optional<std::string_view> site_schema_urn(std::string_view text) noexcept;

/// What the users a cycle read say about the account's sites, gathered in the one pass the
/// planner already makes over them: how many carry a site under each URN, and the distinct site
/// values (sites 8x8 accepts). The users added must outlive it.
class site_census {
 public:
  /// Counts `r`'s site, if it has one. Throws only std::bad_alloc.
  void add(const remote_user& r);
  /// The URN most of the users added carry a site under (the 1.1 one on a tie); nullopt when none
  /// carries a site. Never throws.
  std::optional<std::string_view> urn() const noexcept;
  /// How many of the users added carry a site. Never throws.
  std::size_t users_with_site() const noexcept { return under_[0] + under_[1]; }
  /// The distinct site values, trimmed, as views into the users added. Never throws.
  const std::set<std::string_view, std::less<>>& sites() const noexcept { return sites_; }

 private:
  std::array<std::size_t, 2> under_{};  // users with a site under each URN, in read order
  std::set<std::string_view, std::less<>> sites_;
  std::string_view last_;  // the previous user's site: neighbours usually share one
};

/// The URN to write under: `configured` (a URN, or "auto"), else `seen`, else `remembered`,
/// else the 1.1 URN, assumed. A `remembered` that is not one of the two URNs is ignored. Never
/// throws.
site_schema_choice choose_site_schema(std::string_view configured, std::optional<std::string_view> seen,
                                      std::optional<std::string_view> remembered) noexcept;

}  // namespace eightsync::core
