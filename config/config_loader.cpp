#include "config/config_loader.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <yaml-cpp/yaml.h>

#include <boost/url/parse.hpp>

#include <algorithm>
#include <array>
#include <cctype>
#include <cerrno>
#include <charconv>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <limits>
#include <map>
#include <span>
#include <sstream>
#include <utility>

#include "config/duration.hpp"
#include "config/env_expansion.hpp"
#include "core/attribute.hpp"
#include "core/effective_date.hpp"
#include "core/lookup_map.hpp"
#include "core/site_schema.hpp"
#include "core/text.hpp"
#include "core/unsafe_text.hpp"
#include "core/utf8.hpp"
#include "core/zone_database.hpp"

namespace eightsync::config {
namespace {

using std::chrono::milliseconds;
using sv = std::string_view;

// The schema: which keys each section accepts, in documentation order.
constexpr std::array<sv, 17> top_keys{"source",  "target", "schedule", "match",   "mapping",   "create_only",
                                      "maps",    "scope",  "protect",  "leavers", "lifecycle", "safety",
                                      "failing", "state",  "audit",    "log",     "metrics"};
constexpr std::array<sv, 12> source_keys{"type",          "path",       "key",
                                         "delimiter",     "encoding",   "min_rows",
                                         "key_normalize", "key_width",  "max_record_bytes",
                                         "settle",        "ready_file", "max_age"};
constexpr std::array<sv, 13> target_keys{
    "url",        "token_file",  "token_env",           "ca_file", "proxy",
    "visibility", "site_schema", "page_size",           "timeout", "max_snapshot_age",
    "rate_limit", "retry",       "listing_max_duration"};
constexpr std::array<sv, 2> rate_limit_keys{"requests", "per"};
constexpr std::array<sv, 4> retry_keys{"attempts", "base_delay", "max_delay", "max_pause"};
constexpr std::array<sv, 3> schedule_keys{"interval", "full_reconcile", "on_source_change"};
constexpr std::array<sv, 1> leavers_keys{"missing_from_source"};
constexpr std::array<sv, 12> lifecycle_keys{
    "start_date", "end_date", "date_formats",           "null_dates",      "time_zone", "default_time_zone",
    "start_time", "end_time", "provision_before_start", "provision_state", "pre_hire",  "rehire_gap"};
constexpr std::array<sv, 8> safety_keys{"max_deactivations",
                                        "max_deactivation_percent",
                                        "max_creates",
                                        "max_updates",
                                        "max_adoptions",
                                        "max_reactivations",
                                        "max_source_shrink_percent",
                                        "min_listed_linked_percent"};
constexpr std::array<sv, 1> failing_keys{"manual_action_after"};
constexpr std::array<sv, 1> state_keys{"path"};
constexpr std::array<sv, 1> audit_keys{"retention"};
constexpr std::array<sv, 2> log_keys{"level", "format"};
constexpr std::array<sv, 1> metrics_keys{"listen"};

constexpr sv duration_example = "a duration such as 30s, 15m or 24h";
// A variable's value at least this long is never shown in a message (see error_at).
constexpr std::size_t min_hidden_value_bytes = 4;
constexpr sv real_url_example = "https://platform-cloud.8x8.com/udi/customers/CUSTOMER_ID/scim/v2";

template <class E>
using choices = std::initializer_list<std::pair<sv, E>>;

std::string in_quotes(sv s) {
  return "\"" + std::string(s) + "\"";
}

// "a, b or c" (conj = "or") / "a, b and c".
template <class Range>
std::string join_words(const Range& words, sv conj) {
  std::vector<std::string> w(std::begin(words), std::end(words));
  std::string out;
  for (std::size_t i = 0; i < w.size(); ++i) {
    if (i > 0) out += (i + 1 == w.size()) ? " " + std::string(conj) + " " : ", ";
    out += w[i];
  }
  return out;
}

// A YAML value found under a key (or a list index), with where to report problems with it.
struct field {
  std::string path;
  YAML::Node node;  // the value; undefined when the key is absent
  YAML::Mark mark;  // the value's position, or the key's when the value is empty/absent
  bool present = false;

  bool empty() const { return !present || node.IsNull(); }
};

// A YAML mapping whose keys were checked against the schema.
struct section {
  std::string path;
  YAML::Mark mark;
  std::vector<std::pair<std::string, field>> entries;

  field get(sv key) const {
    for (const auto& [k, f] : entries) {
      if (k == key) return f;
    }
    field f;
    f.path = path.empty() ? std::string(key) : path + "." + std::string(key);
    f.mark = mark;
    return f;
  }
};

class loader {
 public:
  loader(sv text, std::filesystem::path file, const getenv_function& getenv_fn)
      : text_(text), file_(std::move(file)), getenv_(getenv_fn) {
    line_starts_.push_back(0);
    for (std::size_t i = 0; i < text_.size(); ++i) {
      if (text_[i] == '\n') line_starts_.push_back(i + 1);
    }
  }

  eightsync_config load() {
    eightsync_config cfg;
    cfg.file = file_;
    // yaml-cpp passes bytes that are not UTF-8 through into values, from where they would reach
    // JSON output and request bodies; one error per line that holds such a byte.
    for (std::size_t at = 0; at < text_.size();) {
      const std::size_t bad = core::find_invalid_utf8(text_.substr(at));
      if (bad == sv::npos) break;
      char byte[8];
      std::snprintf(byte, sizeof byte, "0x%02X",
                    static_cast<unsigned>(static_cast<unsigned char>(text_[at + bad])));
      error_at(at_byte(at + bad), "",
               std::string("expected UTF-8 text, found byte ") + byte + " (save the file as UTF-8)");
      const std::size_t eol = text_.find('\n', at + bad);
      at = eol == sv::npos ? text_.size() : eol + 1;
    }
    throw_if_errors();
    YAML::Node root;
    try {
      root = YAML::Load(std::string(text_));
    } catch (const YAML::Exception& e) {
      error(e.mark, "", "expected valid YAML, found a syntax error: " + e.msg + unquoted_brace_hint(e.mark));
      throw_if_errors();
    }
    YAML::Mark top;
    top.line = 0;
    top.column = 0;
    top.pos = 0;
    if (!root.IsDefined() || root.IsNull()) {
      error(top, "",
            "expected a mapping with the sections source, target and mapping, found an empty document");
      throw_if_errors();
    }
    if (!root.IsMap()) {
      error(root.Mark(), "",
            "expected a mapping with the sections source, target and mapping, found " + describe(root));
      throw_if_errors();
    }
    field root_field;
    root_field.node = root;
    root_field.mark = root.Mark();
    root_field.present = true;
    const section s = open(root_field, top_keys, "a top-level section");

    read_source(s.get("source"), cfg.source);
    read_target(s.get("target"), cfg.target);
    read_schedule(s.get("schedule"), cfg.schedule);
    read_match(s.get("match"), cfg.match);
    read_mapping(s, cfg.mapping);
    read_protect(s.get("protect"), cfg.protect);
    read_leavers(s.get("leavers"), cfg.leavers);
    read_lifecycle(s.get("lifecycle"), cfg.lifecycle, cfg.mapping);  // after the mapping: map:NAME
    read_safety(s.get("safety"), cfg.safety);
    const section failing = open(s.get("failing"), failing_keys, "a key of failing");
    std::size_t after = cfg.failing.manual_action_after;
    count(failing.get("manual_action_after"), after, 1, 1000);
    cfg.failing.manual_action_after = static_cast<std::uint32_t>(after);
    const section state = open(s.get("state"), state_keys, "a key of state");
    if (auto p = path_value(state.get("path"))) cfg.state.path = *p;
    const section audit = open(s.get("audit"), audit_keys, "a key of audit");
    duration(audit.get("retention"), cfg.audit.retention);
    read_log(s.get("log"), cfg.log);
    const section metrics = open(s.get("metrics"), metrics_keys, "a key of metrics");
    read_listen(metrics.get("listen"), cfg.metrics.listen);

    throw_if_errors();
    return cfg;
  }

 private:
  struct located_error {
    std::size_t line;
    std::size_t column;
    std::string text;
  };

  // ---- positions and errors ------------------------------------------------------------

  // 1-based line and column (in UTF-8 characters) of byte offset `pos`.
  std::pair<std::size_t, std::size_t> at_byte(std::size_t pos) const {
    pos = std::min(pos, text_.size());
    const auto it = std::upper_bound(line_starts_.begin(), line_starts_.end(), pos);
    const std::size_t line = static_cast<std::size_t>(it - line_starts_.begin());
    const std::size_t start = line_starts_[line - 1];
    std::size_t column = 1;
    for (std::size_t i = start; i < pos; ++i) {
      if ((static_cast<unsigned char>(text_[i]) & 0xC0U) != 0x80U) ++column;
    }
    return {line, column};
  }

  std::pair<std::size_t, std::size_t> at_mark(const YAML::Mark& m) const {
    if (m.pos >= 0 && static_cast<std::size_t>(m.pos) <= text_.size())
      return at_byte(static_cast<std::size_t>(m.pos));
    if (m.line >= 0)
      return {static_cast<std::size_t>(m.line) + 1, static_cast<std::size_t>(std::max(m.column, 0)) + 1};
    return {1, 1};
  }

  void error_at(std::pair<std::size_t, std::size_t> where, sv path, const std::string& message) {
    std::string text =
        file_.string() + ":" + std::to_string(where.first) + ":" + std::to_string(where.second) + ": ";
    if (!path.empty()) text += std::string(path) + ": ";
    text += without_expanded_values(path, message);
    errors_.push_back({where.first, where.second, std::move(text)});
  }

  // `message` about the value at `path` with what ${VAR} put there shown as written: the whole
  // expanded value becomes the text of the config, and any remaining occurrence of a
  // variable's value (a part the message quotes) becomes ${NAME}. A rejected value may be a
  // secret the wrong variable held (finding: a mistyped ${VAR} was echoed).
  std::string without_expanded_values(sv path, std::string message) const {
    const auto it = expansions_.find(path);
    if (it == expansions_.end()) return message;
    const expansion& e = it->second;
    const auto replace_all = [&message](sv from, sv to) {
      if (from.empty()) return;
      for (auto at = message.find(from); at != std::string::npos; at = message.find(from, at + to.size()))
        message.replace(at, from.size(), to);
    };
    // Quoted, as "found …" quotes it, whatever its length; unquoted only when long enough that
    // the message's own words cannot hold it by chance.
    replace_all(in_quotes(e.expanded), in_quotes(e.raw));
    if (e.expanded.size() >= min_hidden_value_bytes) replace_all(e.expanded, e.raw);
    for (const auto& u : e.used) {
      // Shorter values are no secret, and replacing them would garble the message's own words.
      if (u.value.size() >= min_hidden_value_bytes) replace_all(u.value, "${" + u.name + "}");
    }
    return message;
  }

  void error(const YAML::Mark& m, sv path, const std::string& message) {
    error_at(at_mark(m), path, message);
  }
  void error(const field& f, const std::string& message) { error(f.mark, f.path, message); }

  void throw_if_errors() {
    if (errors_.empty()) return;
    std::stable_sort(errors_.begin(), errors_.end(), [](const located_error& a, const located_error& b) {
      return a.line != b.line ? a.line < b.line : a.column < b.column;
    });
    std::vector<std::string> out;
    out.reserve(errors_.size());
    for (auto& e : errors_)
      out.push_back(std::move(e.text));
    throw config_error(std::move(out));
  }

  // Where byte `offset` of scalar `n`'s value is in the file, when that can be told (a
  // single-line plain or quoted scalar); else where the scalar starts.
  std::pair<std::size_t, std::size_t> at_scalar_offset(const YAML::Node& n, std::size_t offset) const {
    const YAML::Mark m = n.Mark();
    if (m.pos < 0 || static_cast<std::size_t>(m.pos) >= text_.size()) return at_mark(m);
    std::size_t p = static_cast<std::size_t>(m.pos);
    const char open = text_[p];
    if (open == '|' || open == '>') return at_mark(m);
    if (open == '"' || open == '\'') ++p;
    for (std::size_t k = 0; k < offset; ++k) {
      if (p >= text_.size() || text_[p] == '\n') return at_mark(m);
      if (open == '"' && text_[p] == '\\') {
        p += 2;
      } else if (open == '\'' && text_[p] == '\'' && p + 1 < text_.size() && text_[p + 1] == '\'') {
        p += 2;
      } else {
        ++p;
      }
    }
    return at_byte(p);
  }

  // YAML reads `key: {column}…` as a flow mapping; when a syntax error is on such a line, say
  // that templates need quotes.
  std::string unquoted_brace_hint(const YAML::Mark& m) const {
    if (m.line < 0 || static_cast<std::size_t>(m.line) >= line_starts_.size()) return "";
    const std::size_t start = line_starts_[static_cast<std::size_t>(m.line)];
    const std::size_t end = std::min(text_.find('\n', start), text_.size());
    const sv line = text_.substr(start, end - start);
    if (line.find(": {") == sv::npos && line.find("- {") == sv::npos) return "";
    return "; put templates and conditions in quotes";
  }

  static std::string describe(const YAML::Node& n) {
    if (!n.IsDefined() || n.IsNull()) return "nothing";
    if (n.IsSequence()) return "a list";
    if (n.IsMap()) return "a mapping";
    return in_quotes(n.Scalar());
  }

  // ---- generic readers -------------------------------------------------------------------

  // Checks that `f` is a mapping whose keys are all in `known` (each once), and returns it.
  template <class Keys>
  section open(const field& f, const Keys& known, sv what) {
    section s;
    s.path = f.path;
    s.mark = f.mark;
    if (f.empty()) return s;
    if (!f.node.IsMap()) {
      error(f, "expected a mapping of " + join_words(known, "or") + ", found " + describe(f.node));
      return s;
    }
    std::map<std::string, YAML::Mark, std::less<>> seen;
    for (auto it = f.node.begin(); it != f.node.end(); ++it) {
      const YAML::Node key = it->first;
      if (!key.IsScalar()) {
        error(key.Mark(), f.path, "expected a key name, found " + describe(key));
        continue;
      }
      const std::string name = key.Scalar();
      const std::string path = f.path.empty() ? name : f.path + "." + name;
      if (std::find(std::begin(known), std::end(known), name) == std::end(known)) {
        std::string msg = "expected " + std::string(what) + " (" + join_words(known, "or") +
                          "), found unknown key " + in_quotes(name);
        if (name == "token" || name == "api_token" || name == "bearer_token") {
          msg += "; the token never goes in the config: use token_file or token_env";
        } else if (auto hint = core::closest_name_in(name, known)) {
          msg += "; did you mean " + in_quotes(*hint) + "?";
        }
        error(key.Mark(), path, msg);
        continue;
      }
      if (auto prev = seen.find(name); prev != seen.end()) {
        error(key.Mark(), path,
              "expected each key once, found " + in_quotes(name) + " again (first on line " +
                  std::to_string(at_mark(prev->second).first) + ")");
        continue;
      }
      seen.emplace(name, key.Mark());
      s.entries.emplace_back(name, value_field(path, key, it->second));
    }
    return s;
  }

  static field value_field(std::string path, const YAML::Node& key, const YAML::Node& value) {
    field f;
    f.path = std::move(path);
    f.node = value;
    f.mark = value.IsNull() || !value.IsDefined() ? key.Mark() : value.Mark();
    f.present = true;
    return f;
  }

  // The items of a list, as fields named PATH[i]; empty when absent or null.
  std::vector<field> list_items(const field& f, sv what) {
    std::vector<field> out;
    if (f.empty()) return out;
    if (!f.node.IsSequence()) {
      error(f, "expected " + std::string(what) + ", found " + describe(f.node));
      return out;
    }
    std::size_t i = 0;
    for (auto it = f.node.begin(); it != f.node.end(); ++it) {
      const YAML::Node item = *it;
      field e;
      e.path = f.path + "[" + std::to_string(i++) + "]";
      e.node = item;
      e.mark = item.IsNull() ? f.mark : item.Mark();
      e.present = true;
      out.push_back(std::move(e));
    }
    return out;
  }

  // The scalar text of `f` with ${VAR} expanded; nullopt when absent, null or in error.
  std::optional<std::string> text(const field& f, sv expected) {
    if (f.empty()) return std::nullopt;
    if (!f.node.IsScalar()) {
      error(f, "expected " + std::string(expected) + ", found " + describe(f.node));
      return std::nullopt;
    }
    return expand(f, f.node.Scalar());
  }

  std::optional<std::string> expand(const field& f, const std::string& raw) {
    if (raw.find('$') == std::string::npos) return raw;
    std::vector<env_substitution> used;
    auto r = expand_env(raw, getenv_, &used);
    if (!r) {
      error_at(f.node.IsDefined() ? at_scalar_offset(f.node, r.error().offset) : at_mark(f.mark), f.path,
               r.error().message);
      return std::nullopt;
    }
    // The file was checked to be UTF-8, the environment was not (and its value is not echoed).
    if (core::find_invalid_utf8(*r) != sv::npos) {
      error(f, "expected UTF-8 text, found a ${VAR} value that is not valid UTF-8");
      return std::nullopt;
    }
    if (!used.empty()) expansions_[f.path] = expansion{raw, *r, std::move(used)};
    return std::move(r).value();
  }

  std::optional<std::string> required_text(const field& f, sv expected) {
    if (f.empty()) {
      error(f, "expected " + std::string(expected) + ", found nothing (this key is required)");
      return std::nullopt;
    }
    auto t = text(f, expected);
    if (t && core::trim(*t).empty()) {
      error(f, "expected " + std::string(expected) + ", found \"" + *t + "\"");
      return std::nullopt;
    }
    return t;
  }

  template <class E>
  void enum_value(const field& f, E& out, choices<E> options) {
    enum_value(f, out, std::span<const std::pair<sv, E>>(options.begin(), options.size()));
  }

  // The value of `f` among the stable names of `E` (enum_names.hpp), in declaration order.
  template <named_enum E>
  void enum_value(const field& f, E& out) {
    constexpr auto values = enum_values<E>();
    std::vector<std::pair<sv, E>> options;
    for (const E v : values)
      options.emplace_back(enum_name(v), v);
    enum_value(f, out, std::span<const std::pair<sv, E>>(options));
  }

  // The value of `f` among `options` (each config spelling with its value), in the order listed.
  template <class E>
  void enum_value(const field& f, E& out, std::span<const std::pair<sv, E>> options) {
    std::vector<sv> names;
    for (const auto& [name, value] : options)
      names.push_back(name);
    const std::string expected = join_words(names, "or");
    auto t = text(f, expected);
    if (!t) return;
    for (const auto& [name, value] : options) {
      if (*t == name) {
        out = value;
        return;
      }
    }
    std::string msg = "expected " + expected + ", found " + in_quotes(*t);
    if (auto hint = core::closest_name_in(*t, names)) msg += "; did you mean " + in_quotes(*hint) + "?";
    error(f, msg);
  }

  void count(const field& f, std::size_t& out, std::size_t min, std::size_t max) {
    const std::string expected =
        max == std::numeric_limits<std::size_t>::max()
            ? "a whole number of at least " + std::to_string(min)
            : "a whole number from " + std::to_string(min) + " to " + std::to_string(max);
    auto t = text(f, expected);
    if (!t) return;
    std::size_t v = 0;
    const char* end = t->data() + t->size();
    auto [p, ec] = std::from_chars(t->data(), end, v);
    if (t->empty() || ec != std::errc() || p != end || v < min || v > max) {
      error(f, "expected " + expected + ", found " + in_quotes(*t));
      return;
    }
    out = v;
  }

  void percent(const field& f, double& out) {
    constexpr sv expected = "a number from 0 to 100";
    auto t = text(f, expected);
    if (!t) return;
    // Digits with at most one decimal point: no exponents, signs or "%".
    bool ok = !t->empty() && t->front() != '.' && t->back() != '.' &&
              std::count(t->begin(), t->end(), '.') <= 1 &&
              std::all_of(t->begin(), t->end(), [](char c) { return (c >= '0' && c <= '9') || c == '.'; });
    double v = ok ? std::strtod(t->c_str(), nullptr) : -1;
    if (!ok || v < 0 || v > 100) {
      error(f, "expected " + std::string(expected) + ", found " + in_quotes(*t));
      return;
    }
    out = v;
  }

  // A duration greater than zero.
  bool duration(const field& f, milliseconds& out) {
    auto t = text(f, duration_example);
    if (!t) return false;
    auto d = parse_duration(*t);
    if (!d) {
      std::string msg = "expected " + std::string(duration_example) + ", found " + in_quotes(*t);
      if (!t->empty() && std::all_of(t->begin(), t->end(), [](char c) { return c >= '0' && c <= '9'; })) {
        msg += "; add a unit, e.g. " + in_quotes(*t + "s");
      }
      error(f, msg);
      return false;
    }
    if (d->count() <= 0) {
      error(f, "expected a duration greater than 0s, found " + in_quotes(*t));
      return false;
    }
    out = *d;
    return true;
  }

  // A duration of 0s or more.
  void duration_or_zero(const field& f, milliseconds& out) {
    auto t = text(f, duration_example);
    if (!t) return;
    auto d = parse_duration(*t);
    if (!d) {
      error(f, "expected " + std::string(duration_example) + " (0s for none), found " + in_quotes(*t));
      return;
    }
    out = *d;
  }

  // A local time of day, HH:MM from 00:00 to 23:59.
  std::optional<std::chrono::minutes> time_of_day(const field& f) {
    constexpr sv expected = "a local time of day such as 09:00 or 17:30";
    auto t = text(f, expected);
    if (!t) return std::nullopt;
    const sv s = *t;
    const auto digit = [](char c) { return c >= '0' && c <= '9'; };
    const bool shaped =
        s.size() == 5 && digit(s[0]) && digit(s[1]) && s[2] == ':' && digit(s[3]) && digit(s[4]);
    const int h = shaped ? (s[0] - '0') * 10 + (s[1] - '0') : -1;
    const int m = shaped ? (s[3] - '0') * 10 + (s[4] - '0') : -1;
    if (!shaped || h > 23 || m > 59) {
      error(f, "expected " + std::string(expected) + ", found " + in_quotes(*t));
      return std::nullopt;
    }
    return std::chrono::hours{h} + std::chrono::minutes{m};
  }

  void boolean(const field& f, bool& out) {
    auto t = text(f, "true or false");
    if (!t) return;
    if (*t == "true" || *t == "True" || *t == "TRUE") {
      out = true;
    } else if (*t == "false" || *t == "False" || *t == "FALSE") {
      out = false;
    } else {
      error(f, "expected true or false, found " + in_quotes(*t));
    }
  }

  std::filesystem::path resolve(const std::string& p) const {
    std::filesystem::path path(p);
    if (path.is_relative() && !file_.parent_path().empty()) path = file_.parent_path() / path;
    return path.lexically_normal();
  }

  std::optional<std::filesystem::path> path_value(const field& f) {
    auto t = text(f, "a file path");
    if (!t) return std::nullopt;
    if (core::trim(*t).empty()) {
      error(f, "expected a file path, found \"" + *t + "\"");
      return std::nullopt;
    }
    return resolve(*t);
  }

  // ---- URLs and addresses ----------------------------------------------------------------

  struct url_parts {
    std::string scheme;  // lower-case
    std::string host;    // lower-case, brackets kept for IPv6
    std::string rest;    // path, without trailing '/'
  };

  // Splits an http(s) URL; on failure returns the "found …" part of the message.
  static core::expected<url_parts, std::string> split_url(const std::string& url) {
    const auto sep = url.find("://");
    if (sep == std::string::npos) return core::unexpected<std::string>{in_quotes(url)};
    url_parts u;
    u.scheme = core::to_lower(sv(url).substr(0, sep));
    if (u.scheme != "https" && u.scheme != "http") return core::unexpected<std::string>{in_quotes(url)};
    const sv after = sv(url).substr(sep + 3);
    const auto auth_end = after.find_first_of("/?#");
    const sv authority = after.substr(0, auth_end);
    // Never echo what may be a password.
    if (authority.find('@') != sv::npos)
      return core::unexpected<std::string>{std::string("a user name or password in the URL")};
    sv host = authority;
    sv port;
    if (!authority.empty() && authority.front() == '[') {
      const auto close = authority.find(']');
      if (close == sv::npos) return core::unexpected<std::string>{in_quotes(url)};
      host = authority.substr(0, close + 1);
      if (close + 1 < authority.size()) {
        if (authority[close + 1] != ':') return core::unexpected<std::string>{in_quotes(url)};
        port = authority.substr(close + 2);
      }
    } else if (const auto colon = authority.find(':'); colon != sv::npos) {
      host = authority.substr(0, colon);
      port = authority.substr(colon + 1);
    }
    if (host.empty()) return core::unexpected<std::string>{in_quotes(url)};
    if (authority.find(':') != sv::npos && !valid_port(port))
      return core::unexpected<std::string>{in_quotes(url)};
    u.host = core::to_lower(host);
    if (auth_end != sv::npos) {
      sv rest = after.substr(auth_end);
      if (rest.find_first_of("?#") != sv::npos) return core::unexpected<std::string>{in_quotes(url)};
      while (!rest.empty() && rest.back() == '/')
        rest.remove_suffix(1);
      u.rest = std::string(rest);
    }
    return u;
  }

  static bool valid_port(sv port) {
    unsigned v = 0;
    auto [p, ec] = std::from_chars(port.data(), port.data() + port.size(), v);
    return !port.empty() && ec == std::errc() && p == port.data() + port.size() && v >= 1 && v <= 65535;
  }

  // The "found …" part of the message when the HTTP layer (Boost.URL, RFC 3986) would refuse
  // `url`, naming the first character it cannot carry; nullopt when it parses. Never echoes the
  // URL, which may carry a password.
  static std::optional<std::string> url_refusal(sv url) {
    std::size_t character = 0;
    for (std::size_t i = 0; i < url.size(); ++i) {
      const auto c = static_cast<unsigned char>(url[i]);
      if ((c & 0xC0U) != 0x80U) ++character;
      const std::string at = " at character " + std::to_string(character) + " of the URL";
      if (c == ' ') return "a space" + at + " (write it as %20)";
      if (c < 0x20 || c == 0x7F) return "a control character (" + core::code_point_label(c) + ")" + at;
      if (c >= 0x80)
        return "a non-ASCII character" + at +
               " (percent-encode it in a path; write a host name in its xn-- form)";
      if (c == '%') {
        const auto hex = [&](std::size_t k) {
          return k < url.size() && std::isxdigit(static_cast<unsigned char>(url[k]));
        };
        if (!hex(i + 1) || !hex(i + 2)) return "a \"%\"" + at + " that does not start a %XX escape";
        continue;
      }
      static constexpr sv allowed = "-._~:/?#[]@!$&'()*+,;=";
      if (!std::isalnum(c) && allowed.find(static_cast<char>(c)) == sv::npos)
        return in_quotes(sv(&url[i], 1)) + at + ", which a URL holds only percent-encoded";
    }
    if (auto parsed = boost::urls::parse_uri(url); !parsed)
      return "a URL that RFC 3986 does not allow (" + parsed.error().message() + ")";
    return std::nullopt;
  }

  void read_url(const field& f, std::string& out) {
    const std::string expected = "an https:// URL such as " + std::string(real_url_example);
    auto t = required_text(f, expected);
    if (!t) return;
    if (auto refusal = url_refusal(*t)) {
      error(f, "expected " + expected + ", found " + *refusal);
      return;
    }
    auto u = split_url(*t);
    if (!u) {
      error(f, "expected " + expected + ", found " + u.error());
      return;
    }
    const bool loopback = u->host == "127.0.0.1" || u->host == "localhost" || u->host == "[::1]";
    if (u->scheme == "http" && !loopback) {
      error(f,
            "expected an https:// URL (http:// is allowed only for 127.0.0.1, localhost and [::1]), found " +
                in_quotes(*t));
      return;
    }
    // Keep the URL as written, less trailing slashes: the state database binds to it.
    std::string url = *t;
    while (!url.empty() && url.back() == '/')
      url.pop_back();
    out = url;
  }

  void read_listen(const field& f, std::optional<std::string>& out) {
    constexpr sv expected = "HOST:PORT such as 127.0.0.1:9464";
    auto t = text(f, expected);
    if (!t) return;
    const auto colon = t->rfind(':');
    const sv port = colon == std::string::npos ? sv{} : sv(*t).substr(colon + 1);
    const bool ok = colon != std::string::npos && colon > 0 && (port == "0" || valid_port(port)) &&
                    (t->front() != '[' || (*t)[colon - 1] == ']');
    if (!ok) {
      error(f, "expected " + std::string(expected) + ", found " + in_quotes(*t));
      return;
    }
    if (!loopback_host(sv(*t).substr(0, colon))) {
      error(f, in_quotes(*t) +
                   " is not a loopback address: the metrics endpoint has no authentication, so eightsync "
                   "serves it on 127.0.0.1, [::1] or localhost only (scrape it from this machine, or "
                   "through a proxy that adds authentication)");
      return;
    }
    out = *t;
  }

  // 127.0.0.0/8 as a dotted quad, [::1], or localhost.
  static bool loopback_host(sv host) {
    if (host == "localhost" || host == "[::1]") return true;
    in_addr a{};
    return inet_pton(AF_INET, std::string(host).c_str(), &a) == 1 && (ntohl(a.s_addr) >> 24) == 127;
  }

  static bool env_name(sv s) {
    if (s.empty() || (s[0] >= '0' && s[0] <= '9')) return false;
    return std::all_of(s.begin(), s.end(), [](char c) {
      return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
    });
  }

  // ---- sections --------------------------------------------------------------------------

  void read_source(const field& f, core::source_options& out) {
    const section s = open(f, source_keys, "a key of source");
    out.type = defaults::source_type;
    out.delimiter = defaults::source_delimiter;
    out.encoding = defaults::source_encoding;
    out.min_rows = defaults::source_min_rows;
    out.key_normalize = defaults::source_key_normalize;
    out.key_width = 0;
    out.max_record_bytes = defaults::source_max_record_bytes;
    out.settle = defaults::source_settle;
    out.ready_file.reset();
    out.max_age.reset();

    enum_value<core::source_type>(s.get("type"), out.type,
                                  {{"csv", core::source_type::csv}, {"json", core::source_type::json}});
    const field path = s.get("path");
    if (path.empty()) {
      error(path, "expected the HR export's file path, found nothing (this key is required)");
    } else if (auto p = path_value(path)) {
      out.path = *p;
    }
    if (auto key = required_text(s.get("key"), "the HR column that holds each person's unique key")) {
      out.key = std::string(core::trim(*key));
    }
    const field delimiter = s.get("delimiter");
    if (auto d = text(delimiter, "one character such as \",\" or \";\"")) {
      // The reader refuses NUL (libcsv's C strings) as it refuses quotes and line ends.
      if (d->size() != 1 || (*d)[0] == '"' || (*d)[0] == '\n' || (*d)[0] == '\r' || (*d)[0] == '\0') {
        error(delimiter, "expected one character such as \",\" or \";\" (\"\\t\" for a tab), found " +
                             in_quotes(core::escaped(*d)));
      } else {
        out.delimiter = (*d)[0];
      }
    }
    enum_value<core::source_encoding>(s.get("encoding"), out.encoding,
                                      {{"utf-8", core::source_encoding::utf8},
                                       {"cp1252", core::source_encoding::cp1252},
                                       {"latin1", core::source_encoding::latin1}});
    count(s.get("min_rows"), out.min_rows, 0, std::numeric_limits<std::size_t>::max());
    const field normalize = s.get("key_normalize");
    enum_value<core::key_normalization>(
        normalize, out.key_normalize,
        {{"none", core::key_normalization::none},
         {"strip_leading_zeros", core::key_normalization::strip_leading_zeros},
         {"zero_pad", core::key_normalization::zero_pad}});
    const field width = s.get("key_width");
    if (out.key_normalize == core::key_normalization::zero_pad) {
      if (width.empty()) {
        error(width, "expected a width from 1 to 64 (key_normalize: zero_pad pads to it), found nothing");
      } else {
        count(width, out.key_width, 1, 64);
      }
    } else if (!width.empty()) {
      error(width,
            "expected key_width only with key_normalize: zero_pad, found key_normalize: " +
                std::string(out.key_normalize == core::key_normalization::none ? "none"
                                                                               : "strip_leading_zeros"));
    }
    // At least a real header's size; at most what one record may cost in memory.
    count(s.get("max_record_bytes"), out.max_record_bytes, 1024, std::size_t{1} << 30);
    read_settle(s.get("settle"), out.settle);
    if (auto ready = s.get("ready_file"); !ready.empty()) out.ready_file = path_value(ready);
    if (milliseconds age{}; duration(s.get("max_age"), age)) out.max_age = age;
  }

  // source.settle: 0s (read at once) to 1h (a longer wait would hold every cycle back).
  void read_settle(const field& f, milliseconds& out) {
    auto t = text(f, duration_example);
    if (!t) return;
    const auto d = parse_duration(*t);
    if (!d || *d > std::chrono::hours{1}) {
      error(f, "expected a duration from 0s to 1h, such as 3s, found " + in_quotes(*t));
      return;
    }
    out = *d;
  }

  void read_target(const field& f, target_config& out) {
    const section s = open(f, target_keys, "a key of target");
    read_url(s.get("url"), out.url);

    const field token_file = s.get("token_file");
    const field token_env = s.get("token_env");
    if (!token_file.empty() && !token_env.empty()) {
      error(token_env, "expected either token_file or token_env, found both");
    } else if (!token_file.empty()) {
      out.token_file = path_value(token_file);
    } else if (!token_env.empty()) {
      read_token_env(token_env, out.token_env);
    } else if (auto dir = getenv_("CREDENTIALS_DIRECTORY"); dir && !dir->empty()) {
      out.token_file = std::filesystem::path(*dir) / std::string(defaults::token_credential_name);
    }

    if (auto ca = s.get("ca_file"); !ca.empty()) out.ca_file = path_value(ca);
    const field proxy = s.get("proxy");
    if (auto p = text(proxy, "a proxy URL such as http://proxy.example.com:3128")) {
      if (auto refusal = url_refusal(*p)) {
        error(proxy, "expected a proxy URL such as http://proxy.example.com:3128, found " + *refusal);
      } else if (auto u = split_url(*p); !u) {
        error(proxy, "expected a proxy URL such as http://proxy.example.com:3128, found " + u.error());
      } else {
        out.proxy = *p;
      }
    }
    enum_value<visibility_mode>(s.get("visibility"), out.visibility);
    read_site_schema(s.get("site_schema"), out.site_schema);
    count(s.get("page_size"), out.page_size, 1, 1000);
    duration(s.get("timeout"), out.timeout);
    duration(s.get("max_snapshot_age"), out.max_snapshot_age);
    if (milliseconds d{}; duration(s.get("listing_max_duration"), d)) out.listing_max_duration = d;
    read_rate_limit(s.get("rate_limit"), out.rate_limit);

    const section retry = open(s.get("retry"), retry_keys, "a key of target.retry");
    count(retry.get("attempts"), out.retry.attempts, 1, 100);
    const bool base_ok = duration(retry.get("base_delay"), out.retry.base_delay);
    const field max_delay = retry.get("max_delay");
    if (duration(max_delay, out.retry.max_delay) || !max_delay.present) {
      if (base_ok && out.retry.max_delay < out.retry.base_delay) {
        error(max_delay, "expected a duration of at least base_delay (" +
                             format_duration(out.retry.base_delay) + "), found " +
                             in_quotes(format_duration(out.retry.max_delay)));
      }
    }
    // A pause of at most a week: shorter than a second would ignore 8x8's Retry-After (invariant 8);
    // longer would let one answer silence eightsync for longer than anyone waits unwarned.
    const field max_pause = retry.get("max_pause");
    if (duration(max_pause, out.retry.max_pause) &&
        (out.retry.max_pause < std::chrono::seconds{1} || out.retry.max_pause > std::chrono::days{7})) {
      error(max_pause,
            "expected a duration from 1s to 7d, found " + in_quotes(format_duration(out.retry.max_pause)));
      out.retry.max_pause = defaults::retry_max_pause;
    }
  }

  // target.token_env: a variable's name, taken as written and never expanded (`${X}` would put
  // the token itself here). A value that is no name is never shown: it may be the token pasted.
  void read_token_env(const field& f, std::optional<std::string>& out) {
    const std::string expected = "an environment variable name such as EIGHTSYNC_TOKEN";
    if (!f.node.IsScalar()) {
      error(f, "expected " + expected + ", found " + describe(f.node));
      return;
    }
    const std::string& name = f.node.Scalar();
    if (env_name(name)) {
      out = name;
      return;
    }
    // `$NAME` or `${NAME}`: a reference to a variable, safe to show as written.
    sv bare = sv(name).substr(name.starts_with('$') ? 1 : 0);
    const bool braced = bare.starts_with('{') && bare.ends_with('}') && bare.size() > 2;
    if (braced) bare = bare.substr(1, bare.size() - 2);
    if (name.starts_with('$') && env_name(bare)) {
      error(f, "expected " + expected + ", found " + in_quotes(name) +
                   (braced ? "; write the name alone, without ${ and }" : ""));
      return;
    }
    error(f, "expected " + expected +
                 ", found a value that is not one (not shown: it may be the token itself, which goes "
                 "in that variable, never in the config)");
  }

  // "auto", or one of 8x8's two site extension URNs, exactly as 8x8 spells it.
  void read_site_schema(const field& f, std::string& out) {
    const std::string expected =
        "auto, " + std::string(core::x8_schema_urn) + " or " + std::string(core::x8_user_schema_urn);
    if (f.empty()) return;
    auto t = text(f, expected);
    if (!t) return;
    if (*t != core::site_schema_auto && !core::site_schema_urn(*t)) {
      error(f, "expected " + expected + ", found " + in_quotes(*t));
      return;
    }
    out = *t;
  }

  void read_rate_limit(const field& f, rate_limit_config& out) {
    const std::string expected = "a rate such as \"10 per 60s\" or {requests: 10, per: 60s}";
    if (f.empty()) return;
    if (f.node.IsScalar()) {
      auto t = text(f, expected);
      if (!t) return;
      // "N per D" or "N/D".
      std::string_view s = *t;
      std::size_t split = s.find(" per ");
      std::size_t skip = 5;
      if (split == sv::npos) {
        split = s.find('/');
        skip = 1;
      }
      std::size_t n = 0;
      std::optional<milliseconds> d;
      bool ok = split != sv::npos;
      if (ok) {
        const sv num = core::trim(s.substr(0, split));
        auto [p, ec] = std::from_chars(num.data(), num.data() + num.size(), n);
        ok = !num.empty() && ec == std::errc() && p == num.data() + num.size() && n >= 1 && n <= 1'000'000;
        d = parse_duration(core::trim(s.substr(split + skip)));
        ok = ok && d && d->count() > 0;
      }
      if (!ok) {
        error(f, "expected " + expected + ", found " + in_quotes(*t));
        return;
      }
      out.requests = n;
      out.per = *d;
      return;
    }
    const section s = open(f, rate_limit_keys, "a key of target.rate_limit");
    count(s.get("requests"), out.requests, 1, 1'000'000);
    duration(s.get("per"), out.per);
  }

  void read_schedule(const field& f, schedule_config& out) {
    const section s = open(f, schedule_keys, "a key of schedule");
    duration(s.get("interval"), out.interval);
    duration(s.get("full_reconcile"), out.full_reconcile);
    boolean(s.get("on_source_change"), out.on_source_change);
  }

  void read_match(const field& f, std::vector<core::match_key>& out) {
    constexpr sv expected = "a list of externalId, userName and email, in the order to try them";
    if (f.empty()) return;
    const auto items = list_items(f, expected);
    if (!f.node.IsSequence()) return;
    if (items.empty()) {
      error(f, "expected " + std::string(expected) + ", found an empty list");
      return;
    }
    std::vector<core::match_key> keys;
    for (const auto& item : items) {
      auto t = text(item, "externalId, userName or email");
      if (!t) {
        if (item.empty()) error(item, "expected externalId, userName or email, found nothing");
        continue;
      }
      auto k = core::match_key_from_name(*t);
      if (!k) {
        std::string msg = "expected externalId, userName or email, found " + in_quotes(*t);
        if (auto hint = core::closest_name(*t, {"externalId", "userName", "email"})) {
          msg += "; did you mean " + in_quotes(*hint) + "?";
        }
        error(item, msg);
        continue;
      }
      if (std::find(keys.begin(), keys.end(), *k) != keys.end()) {
        error(item, "expected each match key once, found " + in_quotes(*t) + " again");
        continue;
      }
      keys.push_back(*k);
    }
    out = keys;
  }

  // Reports a template or condition parse error at its offset within the scalar.
  void report_expr(const field& f, const std::string& raw, const std::string& expanded,
                   const core::expr_error& e) {
    // After ${VAR} expansion the offsets no longer line up with the file: point at the value.
    const auto where = raw == expanded ? at_scalar_offset(f.node, e.offset) : at_mark(f.mark);
    error_at(where, f.path, e.message);
  }

  // `mapping`, `create_only`, `maps` and `scope`, compiled into `rules`.
  void read_mapping(const section& top, core::mapping_rules& rules) {
    // maps first: templates resolve map:NAME against them.
    const field maps = top.get("maps");
    if (!maps.empty() && !maps.node.IsMap()) {
      error(maps, "expected a mapping of map names to tables, found " + describe(maps.node));
    } else if (!maps.empty()) {
      std::map<std::string, YAML::Mark, std::less<>> seen;
      for (auto it = maps.node.begin(); it != maps.node.end(); ++it)
        read_map(maps, it->first, it->second, seen, rules);
    }

    const field mapping = top.get("mapping");
    constexpr sv template_expected = "a template such as \"{first_name}\"";
    std::uint32_t present = 0;
    if (mapping.empty()) {
      // reported below, as missing required attributes
    } else if (!mapping.node.IsMap()) {
      error(mapping, "expected a mapping of 8x8 attributes to templates, found " + describe(mapping.node));
    } else {
      std::map<std::string, YAML::Mark, std::less<>> seen;
      for (auto it = mapping.node.begin(); it != mapping.node.end(); ++it) {
        const YAML::Node key = it->first;
        if (!key.IsScalar()) {
          error(key.Mark(), mapping.path, "expected an 8x8 attribute name, found " + describe(key));
          continue;
        }
        const std::string name = key.Scalar();
        const field f = value_field("mapping." + name, key, it->second);
        if (auto prev = seen.find(name); prev != seen.end()) {
          error(key.Mark(), f.path,
                "expected each attribute once, found " + in_quotes(name) + " again (first on line " +
                    std::to_string(at_mark(prev->second).first) + ")");
          continue;
        }
        seen.emplace(name, key.Mark());
        const auto attr = core::attribute_from_name(name);
        if (!attr) {
          unknown_attribute(key.Mark(), f.path, name);
          continue;
        }
        present |= 1U << static_cast<unsigned>(*attr);
        const bool is_active = *attr == core::attribute::active;
        const sv expected =
            is_active ? sv("a condition such as \"{status} in [Active, On Leave]\"") : template_expected;
        if (f.empty() || !f.node.IsScalar()) {
          error(f,
                "expected " + std::string(expected) + ", found " + describe(f.node) + unquoted_hint(f.node));
          continue;
        }
        auto t = expand(f, f.node.Scalar());
        if (!t) continue;
        auto err = is_active ? rules.set_active(*t) : rules.map_attribute(*attr, *t);
        if (err) report_expr(f, f.node.Scalar(), *t, *err);
      }
    }

    // The message below names the four attributes 8x8 requires on create.
    static_assert(
        core::mapping_rules::required == std::array{core::attribute::user_name, core::attribute::given_name,
                                                    core::attribute::family_name, core::attribute::email},
        "the mapping error names userName, name.givenName, name.familyName and email");
    std::vector<std::string> missing;
    for (auto a : core::mapping_rules::required) {
      if ((present & (1U << static_cast<unsigned>(a))) == 0) missing.emplace_back(core::attribute_name(a));
    }
    if (!missing.empty()) {
      error(mapping,
            "expected templates for userName, name.givenName, name.familyName and email (8x8 needs all four "
            "to create a user), found none for " +
                join_words(missing, "and"));
    }

    for (const auto& item :
         list_items(top.get("create_only"), "a list of mapped attributes such as [site]")) {
      auto t = text(item, "a mapped attribute");
      if (!t) {
        if (item.empty()) error(item, "expected a mapped attribute, found nothing");
        continue;
      }
      const auto attr = core::attribute_from_name(*t);
      if (!attr) {
        unknown_attribute(item.mark, item.path, *t);
      } else if (*attr == core::attribute::active) {
        error(item,
              "expected an attribute other than active (active follows HR on every cycle), found \"active\"");
      } else if (!rules.owns(*attr)) {
        if ((present & (1U << static_cast<unsigned>(*attr))) == 0) {
          error(item, "expected an attribute mapped under mapping, found " + in_quotes(*t) +
                          ", which is not mapped");
        }
      } else {
        rules.add_create_only(*attr);
      }
    }

    for (const auto& item :
         list_items(top.get("scope"), "a list of conditions such as [\"{status} != Contractor\"]")) {
      if (item.empty() || !item.node.IsScalar()) {
        error(item, "expected a condition such as \"{office} in [London, Austin]\", found " +
                        describe(item.node) + unquoted_hint(item.node));
        continue;
      }
      auto t = expand(item, item.node.Scalar());
      if (!t) continue;
      if (auto err = rules.add_scope(*t)) report_expr(item, item.node.Scalar(), *t, *err);
    }
  }

  // YAML reads an unquoted {column} as a mapping: say so.
  static std::string unquoted_hint(const YAML::Node& n) {
    return n.IsDefined() && (n.IsMap() || n.IsSequence()) ? "; put templates and conditions in quotes" : "";
  }

  void unknown_attribute(const YAML::Mark& at, const std::string& path, const std::string& name) {
    if (auto why = core::unwritable_reason(name)) {
      error(at, path,
            "expected an attribute SCIM can write, found " + in_quotes(name) + ": " + std::string(*why));
      return;
    }
    std::vector<sv> names;
    for (auto a : core::all_attributes)
      names.push_back(core::attribute_name(a));
    std::string msg = "expected an 8x8 attribute (" + join_words(names, "or") + "), found " + in_quotes(name);
    if (auto hint = core::closest_name_in(name, names)) msg += "; did you mean " + in_quotes(*hint) + "?";
    error(at, path, msg);
  }

  void read_map(const field& maps, const YAML::Node& key, const YAML::Node& table,
                std::map<std::string, YAML::Mark, std::less<>>& seen, core::mapping_rules& rules) {
    if (!key.IsScalar()) {
      error(key.Mark(), maps.path, "expected a map name, found " + describe(key));
      return;
    }
    const std::string name = key.Scalar();
    const field f = value_field("maps." + name, key, table);
    const bool valid_name = !name.empty() && std::all_of(name.begin(), name.end(), [](char c) {
      return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' ||
             c == '-';
    });
    if (!valid_name) {
      error(key.Mark(), f.path, "expected a map name of letters, digits, _ and -, found " + in_quotes(name));
      return;
    }
    if (auto prev = seen.find(name); prev != seen.end()) {
      error(key.Mark(), f.path,
            "expected each map name once, found " + in_quotes(name) + " again (first on line " +
                std::to_string(at_mark(prev->second).first) + ")");
      return;
    }
    seen.emplace(name, key.Mark());
    if (f.empty() || !f.node.IsMap()) {
      error(f, "expected a table of HR values to 8x8 values, such as {London: Europe/London}, found " +
                   describe(f.node));
      return;
    }
    std::vector<std::pair<std::string, std::string>> entries;
    core::lookup_map probe(name);
    for (auto it = f.node.begin(); it != f.node.end(); ++it) {
      if (!it->first.IsScalar()) {
        error(it->first.Mark(), f.path, "expected an HR value, found " + describe(it->first));
        continue;
      }
      const std::string k = it->first.Scalar();
      const field v = value_field(f.path + "." + k, it->first, it->second);
      if (v.empty() || !v.node.IsScalar()) {
        error(v, "expected a text value (\"\" for empty), found " + describe(v.node));
        continue;
      }
      auto value = expand(v, v.node.Scalar());
      if (!value) continue;
      if (auto dup = probe.add(k, *value)) {
        error(it->first.Mark(), v.path, *dup);
        continue;
      }
      entries.emplace_back(k, std::move(*value));
    }
    if (auto err = rules.add_map(name, entries)) error(key.Mark(), f.path, *err);
  }

  void read_protect(const field& f, std::vector<std::string>& out) {
    constexpr sv expected = "a userName pattern such as \"admin*@example.com\"";
    for (const auto& item : list_items(f, "a list of userName patterns such as [\"breakglass@*\"]")) {
      if (item.empty()) {
        error(item, "expected " + std::string(expected) + ", found nothing");
        continue;
      }
      auto t = text(item, expected);
      if (!t) continue;
      if (core::trim(*t).empty()) {
        error(item, "expected " + std::string(expected) + ", found " + in_quotes(*t));
        continue;
      }
      out.push_back(std::string(core::trim(*t)));
    }
  }

  void read_leavers(const field& f, core::leaver_policy& out) {
    const section s = open(f, leavers_keys, "a key of leavers");
    enum_value<core::leaver_action>(s.get("missing_from_source"), out.missing_from_source);
  }

  void read_lifecycle(const field& f, std::optional<lifecycle_config>& out, core::mapping_rules& rules) {
    if (f.empty()) return;
    const section s = open(f, lifecycle_keys, "a key of lifecycle");
    lifecycle_config lc;
    lifecycle_template(s.get("start_date"), core::lifecycle_template::start_date, "\"{hire_date}\"", rules);
    lifecycle_template(s.get("end_date"), core::lifecycle_template::end_date, "\"{termination_date}\"",
                       rules);
    read_date_formats(s.get("date_formats"), lc.date_formats);
    for (const auto& item :
         list_items(s.get("null_dates"), "a list of values meaning no date, such as [9999-12-31]")) {
      constexpr sv null_expected = "a value meaning no date, such as 9999-12-31";
      if (item.empty()) {
        error(item, "expected " + std::string(null_expected) + ", found nothing");
        continue;
      }
      auto t = text(item, null_expected);
      if (!t) continue;
      if (core::trim(*t).empty()) {
        error(item, "expected " + std::string(null_expected) + ", found " + in_quotes(*t) +
                        " (a blank date is no date anyway)");
        continue;
      }
      lc.null_dates.emplace_back(core::trim(*t));
    }
    lifecycle_template(s.get("time_zone"), core::lifecycle_template::time_zone, "\"{time_zone}\"", rules);
    if (auto t = text(s.get("default_time_zone"), "an IANA time zone such as Europe/London")) {
      core::zone_database zones;
      if (auto z = zones.find(*t); z) {
        lc.default_time_zone = *t;
      } else {
        error(s.get("default_time_zone"), z.error());
      }
    }
    if (auto t = time_of_day(s.get("start_time"))) lc.start_time = *t;
    if (auto t = time_of_day(s.get("end_time"))) lc.end_time = *t;
    duration_or_zero(s.get("provision_before_start"), lc.provision_before_start);
    enum_value<core::provision_state>(s.get("provision_state"), lc.provision_state);
    const field pre_hire = s.get("pre_hire");
    if (!pre_hire.empty()) {
      if (!pre_hire.node.IsScalar()) {
        error(pre_hire, "expected a condition such as \"{status} in [Pending, Pre-hire]\", found " +
                            describe(pre_hire.node) + unquoted_hint(pre_hire.node));
      } else if (auto t = expand(pre_hire, pre_hire.node.Scalar())) {
        if (auto err = rules.set_pre_hire(*t)) report_expr(pre_hire, pre_hire.node.Scalar(), *t, *err);
      }
    }
    duration_or_zero(s.get("rehire_gap"), lc.rehire_gap);
    out = std::move(lc);
  }

  // A lifecycle template, compiled into the mapping; it must name at least one column.
  void lifecycle_template(const field& f, core::lifecycle_template which, sv example,
                          core::mapping_rules& rules) {
    if (f.empty()) return;
    const std::string expected = "a template such as " + std::string(example);
    if (!f.node.IsScalar()) {
      error(f, "expected " + expected + ", found " + describe(f.node) + unquoted_hint(f.node));
      return;
    }
    auto t = expand(f, f.node.Scalar());
    if (!t) return;
    if (auto err = rules.set_lifecycle_template(which, *t)) {
      report_expr(f, f.node.Scalar(), *t, *err);
      return;
    }
    if (!rules.lifecycle_template_for(which)->has_expression()) {
      error(f, "expected " + expected + ", found " + in_quotes(*t) + ", which names no column");
    }
  }

  void read_date_formats(const field& f, std::vector<core::date_format>& out) {
    std::vector<sv> names;
    for (const auto df : core::all_date_formats)
      names.push_back(core::date_format_name(df));
    const std::string expected = "a date format (" + join_words(names, "or") + ")";
    if (f.empty()) return;
    const auto items = list_items(f, "a list of date formats such as [YYYY-MM-DD, DD.MM.YYYY]");
    if (!f.node.IsSequence()) return;
    if (items.empty()) {
      error(f, "expected a list of date formats such as [YYYY-MM-DD, DD.MM.YYYY], found an empty list");
      return;
    }
    std::vector<core::date_format> formats;
    for (const auto& item : items) {
      auto t = text(item, expected);
      if (!t) {
        if (item.empty()) error(item, "expected " + expected + ", found nothing");
        continue;
      }
      const auto df = core::date_format_from_name(*t);
      if (!df) {
        std::string msg = "expected " + expected + ", found " + in_quotes(*t);
        if (auto hint = core::closest_name_in(*t, names)) msg += "; did you mean " + in_quotes(*hint) + "?";
        error(item, msg);
        continue;
      }
      if (std::find(formats.begin(), formats.end(), *df) != formats.end()) {
        error(item, "expected each date format once, found " + in_quotes(*t) + " again");
        continue;
      }
      formats.push_back(*df);
      if (auto problem = core::date_formats_problem(formats)) {
        error(item, "expected date formats that read each date one way, found " + *problem);
        formats.pop_back();
      }
    }
    out = formats;
  }

  void read_safety(const field& f, safety_config& out) {
    const section s = open(f, safety_keys, "a key of safety");
    constexpr std::size_t unlimited = std::numeric_limits<std::size_t>::max();
    count(s.get("max_deactivations"), out.max_deactivations, 0, unlimited);
    percent(s.get("max_deactivation_percent"), out.max_deactivation_percent);
    count(s.get("max_creates"), out.max_creates, 0, unlimited);
    count(s.get("max_updates"), out.max_updates, 0, unlimited);
    count(s.get("max_adoptions"), out.max_adoptions, 0, unlimited);
    count(s.get("max_reactivations"), out.max_reactivations, 0, unlimited);
    percent(s.get("max_source_shrink_percent"), out.max_source_shrink_percent);
    percent(s.get("min_listed_linked_percent"), out.min_listed_linked_percent);
  }

  void read_log(const field& f, log_config& out) {
    const section s = open(f, log_keys, "a key of log");
    enum_value<log_level>(s.get("level"), out.level);
    enum_value<log_format>(s.get("format"), out.format);
  }

  sv text_;
  std::filesystem::path file_;
  const getenv_function& getenv_;
  std::vector<std::size_t> line_starts_;
  std::vector<located_error> errors_;
  // What ${VAR} expanded to, per key path, so no message shows it.
  struct expansion {
    std::string raw;
    std::string expanded;
    std::vector<env_substitution> used;
  };
  std::map<std::string, expansion, std::less<>> expansions_;
};

}  // namespace

eightsync_config load_config_text(
    std::string_view yaml, const std::filesystem::path& file_for_messages,
    const std::function<std::optional<std::string>(std::string_view)>& getenv_fn) {
  return loader(yaml, file_for_messages, getenv_fn).load();
}

eightsync_config load_config_file(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) {
    const int err = errno;
    throw config_error({file.string() + ": expected a readable config file, found " +
                        (err != 0 ? std::string(std::strerror(err)) : std::string("an unreadable file"))});
  }
  std::ostringstream buf;
  buf << in.rdbuf();
  return load_config_text(buf.str(), file, [](std::string_view name) -> std::optional<std::string> {
    const char* v = std::getenv(std::string(name).c_str());
    if (v == nullptr) return std::nullopt;
    return std::string(v);
  });
}

std::vector<std::string> known_config_keys() {
  std::vector<std::string> out;
  auto add = [&](sv prefix, const auto& keys) {
    for (sv k : keys)
      out.push_back(std::string(prefix) + "." + std::string(k));
  };
  add("source", source_keys);
  for (sv k : target_keys) {
    if (k != "rate_limit" && k != "retry") out.push_back("target." + std::string(k));
  }
  add("target.rate_limit", rate_limit_keys);
  add("target.retry", retry_keys);
  add("schedule", schedule_keys);
  out.emplace_back("match");
  out.emplace_back("mapping");
  out.emplace_back("create_only");
  out.emplace_back("maps");
  out.emplace_back("scope");
  out.emplace_back("protect");
  add("leavers", leavers_keys);
  add("lifecycle", lifecycle_keys);
  add("safety", safety_keys);
  add("failing", failing_keys);
  add("state", state_keys);
  add("audit", audit_keys);
  add("log", log_keys);
  add("metrics", metrics_keys);
  return out;
}

}  // namespace eightsync::config
