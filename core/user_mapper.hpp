#pragma once
#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/mapping_result.hpp"
#include "core/mapping_rules.hpp"
#include "core/render_context.hpp"
#include "core/row_sink.hpp"

namespace eightsync::core {

/// Maps an HR export, row by row as a reader streams it, into one desired_user per HR key.
///
/// For each well-formed row, in this order:
///  1. `scope`: a row some condition does not hold for is out of scope: neither a user nor
///     quarantined (it is only counted).
///  2. `active` (when mapped) decides desired_user::active; unmapped, every row is active.
///  3. each mapped attribute's template is rendered; a `map:` miss quarantines the row as
///     `map_missing` (a miss in a scope or active condition too).
///  4. 8x8's create rules: an empty (or blank) userName, given name, family name or email is
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
    std::uint64_t key_hash;
    std::size_t line;
    std::size_t record;
    std::uint32_t index;  ///< into pending_, quarantined_ or out_of_scope_keys_, by kind
    outcome_kind kind;
    bool from_reader;
    bool duplicate;
  };
  // A mapped user whose strings wait, back to back, in a block of blocks_ until finish knows how
  // many users there are and builds each desired_user once, in a vector of the exact size.
  struct pending_user {
    std::size_t line;
    std::size_t record;
    std::uint64_t hash;
    const char* data;  ///< the key, then each mapped value in canonical order
    std::array<std::uint32_t, attribute_count + 1> lengths;  ///< key, then each attribute's value
    bool active;
  };

  void quarantine(const source_row& row, const std::string& key, quarantine_reason reason,
                  std::string detail);
  void note_key(outcome_kind kind, std::size_t index, std::size_t line, std::size_t record, bool from_reader);
  std::string_view key_of(const outcome& o) const;
  std::string_view pending_key(const pending_user& p) const { return {p.data, p.lengths[0]}; }
  const char* store(std::string_view bytes);
  void grow_index();

  const mapping_rules& rules_;
  std::string key_column_;
  std::size_t key_index_ = 0;
  bool have_header_ = false;
  std::optional<std::string> header_error_;
  std::vector<std::size_t> slot_fields_;  ///< column slot → field index
  std::vector<attribute> mapped_;         ///< the attributes with a template, in canonical order
  render_context ctx_;
  std::string hash_scratch_;

  std::string row_buf_;                          ///< the row being mapped: key, then values
  std::vector<std::unique_ptr<char[]>> blocks_;  ///< fixed blocks: growing never moves old rows
  char* block_pos_ = nullptr;
  std::size_t block_left_ = 0;
  std::vector<pending_user> pending_;
  std::vector<quarantined_row> quarantined_;
  std::vector<std::string> out_of_scope_keys_;
  std::vector<outcome> outcomes_;
  /// Open-addressing index of first occurrences: outcome position + 1, 0 = empty slot.
  std::vector<std::uint32_t> key_table_;
  std::size_t duplicates_ = 0;
  std::size_t rows_read_ = 0;
  std::size_t in_scope_ = 0;
  std::size_t out_of_scope_ = 0;
};

}  // namespace eightsync::core
