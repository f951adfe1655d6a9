#pragma once
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/value.hpp>

#include "emulator/rate_limit_spec.hpp"

namespace eightsync::emulator {

/// What a PUT that changes an already-set `site` does.
enum class site_change_mode { ignore, reject };

/// What a PATCH operation on anything but `active` does.
enum class patch_other_mode { ignore, reject };

/// Which users GET /Users and filters show: all, or only those not created in Admin Console.
enum class visibility_mode { all, idp_only };

/// What a PUT that leaves out `site` or `active` does to them (8x8 does not say): keep the stored
/// values, or clear them (no site; `active` false, the worst case for a client that forgets it).
enum class put_omitted_mode { keep, clear };

/// What GET /Users answers for a startIndex past the last user: an empty page (RFC 7644), or
/// page 1 again, as some SCIM servers do.
enum class past_end_mode { empty, first_page };

/// Which externalId values POST and PUT accept: any string (8x8's current article), or digits
/// only (an older article types externalId as an integer the client generates).
enum class external_id_mode { any, numeric };

/// The switches that shape the emulated service. Set from the command line, changeable at
/// runtime through `/_emulator/settings`.
struct emulator_settings {
  std::size_t max_page_size = 100;                          ///< cap on `count` in GET /Users
  bool filter_external_id = false;                          ///< accept `externalId eq "…"`
  site_change_mode site_change = site_change_mode::ignore;  ///< PUT changing a set site
  patch_other_mode patch_other = patch_other_mode::ignore;  ///< PATCH of anything but active
  bool read_only = false;                                   ///< answer 403 to every write
  visibility_mode visibility = visibility_mode::all;        ///< which users are listable
  past_end_mode past_end = past_end_mode::empty;            ///< a startIndex past the last user
  put_omitted_mode put_omitted = put_omitted_mode::keep;    ///< a PUT without site or active
  /// The extension URN this account keeps `site` under: 8x8 spells it two ways, an account uses
  /// one. A site sent under the other URN is an unknown extension, dropped. Default: the 1.1 URN.
  std::string site_schema = "urn:ietf:params:scim:schemas:extension:8x8:1.1:User";
  std::optional<rate_limit_spec> rate_limit;  ///< nullopt: no limit
  /// userNames taken in another 8x8 account (userName is unique across all of 8x8): a POST
  /// with one answers 409, and no lookup or listing in this account shows it. Compared
  /// case-insensitively. Default: none.
  std::vector<std::string> foreign_user_names;
  /// The site names defined in Admin Console: a POST or PUT that would set any other site
  /// answers 400, as 8x8 refuses a site that is not exactly one of them. Empty (the default):
  /// any site is accepted.
  std::vector<std::string> sites;
  external_id_mode external_id = external_id_mode::any;  ///< which externalId values are accepted
  /// POST /Users creates the user active, and its 201 shows `active: true`, whatever the body
  /// says: a service that ignores `"active": false` on create. Default: honoured.
  bool post_ignores_active = false;

  /// Whether `user_name` is one of foreign_user_names. Never throws.
  bool taken_elsewhere(std::string_view user_name) const noexcept;

  /// Whether a write may set `site`: no list is configured, or it is exactly (case-sensitive)
  /// one of `sites`. Never throws.
  bool site_known(std::string_view site) const noexcept;

  /// The settings as JSON (the shape `/_emulator/settings` reads and writes).
  boost::json::value to_json() const;

  /// Applies the members present in `patch` (same keys as to_json()). Unknown keys and bad values
  /// are refused: the message says which; the settings are unchanged then. Never throws except
  /// std::bad_alloc.
  std::optional<std::string> apply_json(const boost::json::value& patch);
};

/// Parses `off` or `N/Ds` (also `N/Dm`, `N/Dms`), e.g. `10/60s`. Sets `error` and returns nullopt
/// when the text is neither; `off` returns nullopt with `error` empty.
std::optional<rate_limit_spec> parse_rate_limit(std::string_view text, std::string& error);

/// `10/60s` style text for a limit, `off` for none.
std::string rate_limit_text(const std::optional<rate_limit_spec>& spec);

/// The names in `path` (userNames, site names), one a line; blank lines and lines starting with
/// '#' are skipped, and each name is trimmed. Throws std::runtime_error naming the file when it
/// cannot be read.
std::vector<std::string> read_name_file(const std::string& path);

/// Parses `ignore` / `reject`; nullopt otherwise.
std::optional<site_change_mode> parse_site_change(std::string_view text);
/// Parses `ignore` / `reject`; nullopt otherwise.
std::optional<patch_other_mode> parse_patch_other(std::string_view text);
/// Parses `all` / `idp_only`; nullopt otherwise.
std::optional<visibility_mode> parse_visibility(std::string_view text);
/// Whether `urn` is one of the two site extension URNs 8x8 uses. Never throws.
bool is_site_schema(std::string_view urn) noexcept;
/// Parses `keep` / `clear`; nullopt otherwise.
std::optional<put_omitted_mode> parse_put_omitted(std::string_view text);
/// Parses `empty` / `first-page`; nullopt otherwise.
std::optional<past_end_mode> parse_past_end(std::string_view text);
/// Parses `any` / `numeric`; nullopt otherwise.
std::optional<external_id_mode> parse_external_id(std::string_view text);

}  // namespace eightsync::emulator
