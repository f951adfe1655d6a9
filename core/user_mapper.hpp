#pragma once
#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/effective_date.hpp"
#include "core/mapping_result.hpp"
#include "core/mapping_rules.hpp"
#include "core/render_context.hpp"
#include "core/row_sink.hpp"
#include "core/zone_database.hpp"

namespace eightsync::core {

/// How the mapper reads a row's effective dates (the `lifecycle:` block; its templates and
/// pre_hire condition are in mapping_rules): the date formats and null dates, the local times
/// of day, the zone of a row that names none, the rehire gap, and the tz database.
struct lifecycle_reading {
  date_read_options dates;
  day_times times;
  std::string default_time_zone{"UTC"};
  std::chrono::seconds rehire_gap{0};
  zone_database* zones = nullptr;  ///< not owned; outlives the mapper
  /// The moment dates are judged from for far_date_warning_after's warnings (preview sets it);
  /// nullopt: no warnings (a cycle only needs the instants).
  std::optional<std::chrono::sys_seconds> warn_at;
};

/// Maps an HR export, row by row as a reader streams it, into one desired_user per HR key.
///
/// For each well-formed row, in this order:
///  1. `scope`: a row some condition does not hold for is out of scope: neither a user nor
///     quarantined (it is only counted).
///  2. `active` (when mapped) decides desired_user::active; unmapped, every row is active.
///  3. each mapped attribute's template is rendered; a `map:` miss quarantines the row as
///     `map_missing` (a miss in a scope or active condition too).
///  4. with a `lifecycle:` block (set_lifecycle), the dates and the zone: a value no format
///     reads is `invalid_date`, an unknown zone `invalid_time_zone`, an end before the start
///     `invalid_date_range`; each names the template, the value and the line. pre_hire is
///     evaluated too. Such a row is quarantined like any other: it never becomes a leaver.
///  5. 8x8's create rules: an empty (or blank) userName, given name, family name or email is
///     `missing_required`; a userName holding `"`, `\` or a control character is
///     `unsafe_user_name`; an email that is not a valid address is `invalid_email`.
///     These apply even when `active` says the person is inactive: the row is broken either
///     way, the admin should see it, and a quarantined row with a key makes planning hold that
///     user rather than act on half a record.
/// At finish, every row whose key appears more than once (among well-formed rows, in scope or
/// not, and rows the reader quarantined with a key) is quarantined as `duplicate_key`: HR has
/// two records for one person and eightsync cannot tell which is right. Rows the reader
/// quarantined keep the reader's reason; the others' reasons become `duplicate_key`.
///
/// The mapper keeps a reference to `rules`, which must outlive it. Rendering binds columns to
/// field indices once per header and reuses buffers, so a row costs its output strings.
class user_mapper : public row_sink {
 public:
  /// A mapper for `rules`, reading the HR key from column `key_column`. Throws only std::bad_alloc.
  user_mapper(const mapping_rules& rules, std::string key_column);

  /// Binds every column the rules use (and the key column) to its index in `header`. A column
  /// missing from the header sets header_error(). Throws only std::bad_alloc.
  void on_header(const std::vector<std::string>& header) override;
  /// Maps one row (see the class comment). Throws only std::bad_alloc.
  void on_row(source_row&& row) override;
  /// Keeps a row the reader set aside, so it is reported and its key counts for duplicates.
  /// Throws only std::bad_alloc.
  void on_quarantine(quarantined_row&& row) override;
  /// The key column and the columns the rules read (compared ignoring case, so a near miss still
  /// reaches the header and its "did you mean" hint). Never throws.
  bool uses_column(std::string_view name) const noexcept override;

  /// A hint that the export holds about `bytes` bytes of delimited text (CSV). Once a few rows
  /// have shown how long a row is, the mapper reserves room for the users that size implies,
  /// so building them never moves them. Without it the mapper grows as it goes. Never throws.
  void expect_bytes(std::uintmax_t bytes) noexcept { expected_bytes_ = bytes; }

  /// Reads each row's effective dates as `reading` says (it must outlive the mapper; nullptr:
  /// no dates). Call before the first row. Never throws.
  void set_lifecycle(const lifecycle_reading* reading) noexcept { lifecycle_ = reading; }

  /// The file-level error when the header lacks a column the config uses (names every missing
  /// one, with a hint when a close name exists); rows after such a header are ignored. Never throws.
  const std::optional<std::string>& header_error() const noexcept { return header_error_; }

  /// Ends the read: quarantines every row of a duplicated key and returns the users sorted by
  /// key and the quarantined rows sorted by record. Call once. Throws only std::bad_alloc.
  mapping_result finish();

 private:
  enum class outcome_kind : std::uint8_t { user, quarantined, out_of_scope };
  // What became of one row that had a key, for duplicate detection at finish.
  struct outcome {
    std::size_t line;
    std::size_t record;
    std::uint32_t index;  ///< into users_, quarantined_ or out_of_scope_keys_, by kind
    outcome_kind kind;
    bool from_reader;
    bool duplicate;
  };
  // One slot of the duplicate-key index. It keeps the low bits of the key's hash, so a probe
  // reads a key (a cache miss) only on a likely match, and growing never rereads a key.
  struct key_slot {
    std::uint32_t hash;     ///< the low 32 bits of xxh64(key)
    std::uint32_t outcome;  ///< outcome position + 1; 0 = empty slot
  };
  // One mapped attribute, in canonical order, as the row is rendered.
  struct mapped_attribute {
    attribute a;
    const template_expr* expr;
    std::string prefix;          ///< `NAME=`: the value is rendered in content_hash's canonical form
    std::size_t same_as = npos;  ///< an earlier mapped_ entry with the same template text
  };
  static constexpr std::size_t npos = static_cast<std::size_t>(-1);

  void quarantine(const source_row& row, const std::string& key, quarantine_reason reason,
                  std::string detail);
  void note_key(outcome_kind kind, std::size_t index, std::size_t line, std::size_t record, bool from_reader);
  std::string_view key_of(const outcome& o) const;
  void grow_index();
  void index_outcome(std::size_t position);
  void reserve_users(const source_row& row);
  // The row's access window and pre_hire, or false after quarantining it.
  bool read_lifecycle(const source_row& row, const std::string& key, desired_user& u);
  std::optional<std::string> render_lifecycle(lifecycle_template which, std::string& out);
  // 1 + the index of `zone` in zones_, added when new; 0 when the table is full.
  std::uint16_t zone_index(const date::time_zone* zone);

  const mapping_rules& rules_;
  std::string key_column_;
  std::size_t key_index_ = 0;
  bool have_header_ = false;
  std::optional<std::string> header_error_;
  std::vector<std::size_t> slot_fields_;  ///< column slot → field index
  std::vector<mapped_attribute> mapped_;  ///< the attributes with a template, in canonical order
  render_context ctx_;

  /// The row being mapped, in content_hash's canonical form (`NAME=VALUE\0` for each mapped
  /// attribute), so the hash is taken over it in place rather than over a second copy.
  std::string canonical_;
  /// Users in file order, built once each, in place; finish only sorts (when the export is not
  /// sorted already) and drops duplicates.
  std::vector<desired_user> users_;
  std::vector<quarantined_row> quarantined_;
  std::vector<std::string> out_of_scope_keys_;
  std::vector<outcome> outcomes_;
  /// Whether every key so far came in strictly ascending byte order. HR exports are usually
  /// sorted by key, and then no key can repeat: the index below is built only when a key
  /// first comes out of order, so a sorted export costs one comparison per row, not a hash
  /// and a random memory access.
  bool keys_ascending_ = true;
  /// Open-addressing index of first occurrences (power-of-two size, at most half full).
  std::vector<key_slot> key_table_;
  std::uintmax_t expected_bytes_ = 0;             ///< expect_bytes()
  const lifecycle_reading* lifecycle_ = nullptr;  ///< set_lifecycle()
  std::string lifecycle_value_;                   ///< a rendered lifecycle template
  std::vector<const date::time_zone*> zones_;     ///< mapping_result::zones, as they are found
  std::vector<date_warning> date_warnings_;       ///< mapping_result::date_warnings
  std::uintmax_t sample_bytes_ = 0;               ///< the text of the first rows, delimiters included
  std::size_t sampled_rows_ = 0;
  std::size_t duplicates_ = 0;
  std::size_t rows_read_ = 0;
  std::size_t in_scope_ = 0;
  std::size_t out_of_scope_ = 0;
};

}  // namespace eightsync::core
