#pragma once
#include <stdexcept>
#include <string>
#include <vector>

namespace eightsync::config {

/// Every problem found in a config file, thrown by load_config_file / load_config_text after
/// the whole file has been checked (never just the first problem).
///
/// Each message has one form, like ISC Kea's and a compiler's, so editors can jump to it:
///
///     FILE:LINE:COLUMN: KEY.PATH: expected WHAT, found WHAT[; hint]
///
/// FILE is the path as given to the loader, LINE and COLUMN are 1-based (COLUMN counts UTF-8
/// characters, and points inside a template or condition at the offending part), KEY.PATH
/// names the key (`target.rate_limit.per`, `scope[1]`, `mapping.name.givenName`,
/// `maps.office_site.London`). Found values are quoted as written. For example:
///
///     eightsync.yaml:4:3: source.delimter: expected a key of source (type, path, key, delimiter,
///       encoding, min_rows, key_normalize or key_width), found unknown key "delimter"; did you mean
///       "delimiter"?
///     eightsync.yaml:11:23: mapping.title: expected a filter (lower, upper, trim, or:COLUMN,
///       default:TEXT or map:NAME), found "lowr"; did you mean "lower"?
///
/// (each on one line). tests/unit/config/config_loader_test.cpp pins every kind.
///
/// A problem with no key (a YAML syntax error) drops KEY.PATH; a file that cannot be read has
/// `FILE: …` only. Messages are sorted by line and column.
class config_error : public std::runtime_error {
 public:
  /// An error carrying `errors` (at least one); what() is them joined by newlines. Throws only
  /// std::bad_alloc.
  explicit config_error(std::vector<std::string> errors);

  /// Every problem, one message each, in file order. Never throws.
  const std::vector<std::string>& errors() const noexcept { return errors_; }

 private:
  std::vector<std::string> errors_;
};

}  // namespace eightsync::config
