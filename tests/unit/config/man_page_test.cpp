// man/eightsync.yaml.5 against the code: it has an entry for every key the config accepts (and
// for no other), and each default it states ("Default: \fBVALUE\fR.") is VALUE loaded as that key
// and compared with config/config_defaults.hpp. Keys without a default say so in words; a key
// with a default in the table must state it.
#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <fstream>
#include <functional>
#include <map>
#include <regex>
#include <set>
#include <sstream>

#include "config/config_defaults.hpp"
#include "config/config_loader.hpp"
#include "config_test_support.hpp"

namespace eightsync::config {
namespace {

using testing::load;
using testing::minimal;

const std::filesystem::path man_page =
    std::filesystem::path(EIGHTSYNC_SOURCE_DIR) / "man" / "eightsync.yaml.5";

// One entry of the man page: `.TP`, `.B KEY`, then its text up to the next .TP, .SS or .SH.
struct man_entry {
  std::string text;                     ///< the entry's source lines, joined by spaces
  std::optional<std::string> default_;  ///< VALUE of its "Default: \fBVALUE\fR", roff escapes undone
};

// `\-` is a minus in roff, `\e` a backslash.
std::string man_unescape(std::string s) {
  s = std::regex_replace(s, std::regex(R"(\\-)"), "-");
  return std::regex_replace(s, std::regex(R"(\\e)"), "\\");
}

std::map<std::string, man_entry> man_entries() {
  std::ifstream in(man_page);
  EXPECT_TRUE(in) << "cannot read " << man_page;
  std::map<std::string, man_entry> out;
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);)
    lines.push_back(line);
  const std::regex default_re(R"(Default: \\fB(.*?)\\fR)");
  for (std::size_t i = 0; i + 1 < lines.size(); ++i) {
    if (lines[i] != ".TP" || lines[i + 1].rfind(".B ", 0) != 0) continue;
    const std::string key = man_unescape(lines[i + 1].substr(3));
    if (key.empty() || key.front() == '/' || std::isdigit(static_cast<unsigned char>(key.front()))) continue;
    man_entry e;
    for (std::size_t j = i + 2; j < lines.size(); ++j) {
      const auto& l = lines[j];
      if (l == ".TP" || l.rfind(".SS", 0) == 0 || l.rfind(".SH", 0) == 0) break;
      e.text += l + ' ';
    }
    std::smatch m;
    if (std::regex_search(e.text, m, default_re)) e.default_ = man_unescape(m[1].str());
    EXPECT_FALSE(out.contains(key)) << key << " has two entries in " << man_page;
    out[key] = std::move(e);
  }
  return out;
}

// minimal() with KEY (dotted) set to VALUE (YAML), loaded as the service would load it.
eightsync_config load_with(const std::string& key, const std::string& value) {
  YAML::Node root = YAML::Load(minimal());
  std::vector<std::string> parts;
  std::stringstream path(key);
  for (std::string p; std::getline(path, p, '.');)
    parts.push_back(p);
  std::vector<YAML::Node> chain{root};
  for (std::size_t i = 0; i + 1 < parts.size(); ++i) {
    YAML::Node next = chain.back()[parts[i]];
    if (!next.IsDefined() || next.IsNull()) next = YAML::Node(YAML::NodeType::Map);
    chain.back()[parts[i]] = next;
    chain.push_back(chain.back()[parts[i]]);
  }
  chain.back()[parts.back()] = YAML::Load(value);
  YAML::Emitter out;
  out << root;
  return load(out.c_str());
}

template <class T, std::size_t N>
bool same(const std::vector<T>& v, const std::array<T, N>& a) {
  return std::equal(v.begin(), v.end(), a.begin(), a.end());
}

// Each key with a default, and whether a loaded config holds the table's default for it.
using default_check = std::function<bool(const eightsync_config&)>;
const std::map<std::string, default_check>& default_checks() {
  namespace d = defaults;
  static const std::map<std::string, default_check> checks{
      {"source.type", [](const auto& c) { return c.source.type == d::source_type; }},
      {"source.delimiter", [](const auto& c) { return c.source.delimiter == d::source_delimiter; }},
      {"source.encoding", [](const auto& c) { return c.source.encoding == d::source_encoding; }},
      {"source.min_rows", [](const auto& c) { return c.source.min_rows == d::source_min_rows; }},
      {"source.key_normalize",
       [](const auto& c) { return c.source.key_normalize == d::source_key_normalize; }},
      {"source.max_record_bytes",
       [](const auto& c) { return c.source.max_record_bytes == d::source_max_record_bytes; }},
      {"source.settle", [](const auto& c) { return c.source.settle == d::source_settle; }},
      {"target.visibility", [](const auto& c) { return c.target.visibility == d::target_visibility; }},
      {"target.site_schema", [](const auto& c) { return c.target.site_schema == d::target_site_schema; }},
      {"target.page_size", [](const auto& c) { return c.target.page_size == d::target_page_size; }},
      {"target.timeout", [](const auto& c) { return c.target.timeout == d::target_timeout; }},
      {"target.max_snapshot_age",
       [](const auto& c) { return c.target.max_snapshot_age == d::target_max_snapshot_age; }},
      {"target.rate_limit.requests",
       [](const auto& c) { return c.target.rate_limit.requests == d::rate_limit_requests; }},
      {"target.rate_limit.per", [](const auto& c) { return c.target.rate_limit.per == d::rate_limit_per; }},
      {"target.retry.attempts", [](const auto& c) { return c.target.retry.attempts == d::retry_attempts; }},
      {"target.retry.base_delay",
       [](const auto& c) { return c.target.retry.base_delay == d::retry_base_delay; }},
      {"target.retry.max_delay",
       [](const auto& c) { return c.target.retry.max_delay == d::retry_max_delay; }},
      {"target.retry.max_pause",
       [](const auto& c) { return c.target.retry.max_pause == d::retry_max_pause; }},
      {"schedule.interval", [](const auto& c) { return c.schedule.interval == d::schedule_interval; }},
      {"schedule.full_reconcile",
       [](const auto& c) { return c.schedule.full_reconcile == d::schedule_full_reconcile; }},
      {"schedule.on_source_change",
       [](const auto& c) { return c.schedule.on_source_change == d::schedule_on_source_change; }},
      {"match", [](const auto& c) { return same(c.match, d::match); }},
      {"leavers.missing_from_source",
       [](const auto& c) { return c.leavers.missing_from_source == d::leavers_missing_from_source; }},
      {"lifecycle.date_formats",
       [](const auto& c) {
         return c.lifecycle && same(c.lifecycle->date_formats, d::lifecycle_date_formats);
       }},
      {"lifecycle.default_time_zone",
       [](const auto& c) {
         return c.lifecycle && c.lifecycle->default_time_zone == d::lifecycle_default_time_zone;
       }},
      {"lifecycle.start_time",
       [](const auto& c) { return c.lifecycle && c.lifecycle->start_time == d::lifecycle_start_time; }},
      {"lifecycle.provision_before_start",
       [](const auto& c) {
         return c.lifecycle && c.lifecycle->provision_before_start == d::lifecycle_provision_before_start;
       }},
      {"lifecycle.provision_state",
       [](const auto& c) {
         return c.lifecycle && c.lifecycle->provision_state == d::lifecycle_provision_state;
       }},
      {"lifecycle.rehire_gap",
       [](const auto& c) { return c.lifecycle && c.lifecycle->rehire_gap == d::lifecycle_rehire_gap; }},
      {"safety.max_deactivations",
       [](const auto& c) { return c.safety.max_deactivations == d::safety_max_deactivations; }},
      {"safety.max_deactivation_percent",
       [](const auto& c) { return c.safety.max_deactivation_percent == d::safety_max_deactivation_percent; }},
      {"safety.max_creates", [](const auto& c) { return c.safety.max_creates == d::safety_max_creates; }},
      {"safety.max_updates", [](const auto& c) { return c.safety.max_updates == d::safety_max_updates; }},
      {"safety.max_adoptions",
       [](const auto& c) { return c.safety.max_adoptions == d::safety_max_adoptions; }},
      {"safety.max_reactivations",
       [](const auto& c) { return c.safety.max_reactivations == d::safety_max_reactivations; }},
      {"safety.max_source_shrink_percent",
       [](const auto& c) {
         return c.safety.max_source_shrink_percent == d::safety_max_source_shrink_percent;
       }},
      {"safety.min_listed_linked_percent",
       [](const auto& c) {
         return c.safety.min_listed_linked_percent == d::safety_min_listed_linked_percent;
       }},
      {"failing.manual_action_after",
       [](const auto& c) { return c.failing.manual_action_after == d::failing_manual_action_after; }},
      {"state.path", [](const auto& c) { return c.state.path == std::filesystem::path(d::state_path); }},
      {"audit.retention", [](const auto& c) { return c.audit.retention == d::audit_retention; }},
      {"log.level", [](const auto& c) { return c.log.level == d::log_level_default; }},
      {"log.format", [](const auto& c) { return c.log.format == d::log_format_default; }},
  };
  return checks;
}

TEST(man_page, has_an_entry_for_every_key_and_no_other) {
  const auto entries = man_entries();
  const auto keys = known_config_keys();
  ASSERT_EQ(keys.size(), 65U) << "the schema changed: check man/eightsync.yaml.5 and this test";
  for (const auto& k : keys)
    EXPECT_TRUE(entries.contains(k)) << k << " has no entry in " << man_page;
  const std::set<std::string> known(keys.begin(), keys.end());
  for (const auto& [k, e] : entries)
    EXPECT_TRUE(known.contains(k)) << man_page << " documents " << k << ", which the config does not accept";
}

TEST(man_page, states_each_default_of_the_defaults_table) {
  const auto entries = man_entries();
  for (const auto& [key, check] : default_checks()) {
    const auto it = entries.find(key);
    if (it == entries.end()) continue;  // reported by has_an_entry_for_every_key_and_no_other
    if (!it->second.default_) {
      ADD_FAILURE() << key << ": the man page states no \"Default: \\fB...\\fR\"";
      continue;
    }
    SCOPED_TRACE(key + ": " + *it->second.default_);
    std::optional<eightsync_config> cfg;
    try {
      cfg = load_with(key, *it->second.default_);
    } catch (const std::exception& e) {
      ADD_FAILURE() << "the stated default does not load: " << e.what();
      continue;
    }
    EXPECT_TRUE(check(*cfg)) << "the stated default is not the one in config/config_defaults.hpp";
  }
}

TEST(man_page, states_no_default_the_table_lacks) {
  for (const auto& [key, e] : man_entries()) {
    if (e.default_) {
      EXPECT_TRUE(default_checks().contains(key))
          << key << " states a default (" << *e.default_ << ") that config/config_defaults.hpp does not have";
    }
  }
}

TEST(man_page, names_the_credential_the_token_defaults_to) {
  const auto entries = man_entries();
  ASSERT_TRUE(entries.contains("target.token_file"));
  EXPECT_NE(man_unescape(entries.at("target.token_file").text).find(defaults::token_credential_name),
            std::string::npos);
}

TEST(man_page, a_wrong_default_is_caught) {
  // The check above really loads the value: one that differs from the table fails it.
  EXPECT_FALSE(default_checks().at("source.settle")(load_with("source.settle", "5s")));
  EXPECT_FALSE(
      default_checks().at("lifecycle.provision_state")(load_with("lifecycle.provision_state", "active")));
  EXPECT_TRUE(default_checks().at("source.settle")(load_with("source.settle", "3s")));
}

}  // namespace
}  // namespace eightsync::config
