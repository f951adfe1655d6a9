#include "core/secret_registry.hpp"

#include <algorithm>
#include <cstdio>
#include <mutex>
#include <utility>

namespace eightsync::core {
namespace {

// How a JSON serialiser writes the value inside a string (`"` and `\` escaped, control
// characters as \uXXXX): a `--json` output or a stored JSON body would carry this form.
std::string json_escaped(std::string_view v) {
  std::string out;
  for (const char c : v) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (static_cast<unsigned char>(c) < 0x20) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", static_cast<unsigned>(static_cast<unsigned char>(c)));
      out += buf;
    } else {
      out += c;
    }
  }
  return out;
}

}  // namespace

secret_registry& secret_registry::global() noexcept {
  static secret_registry registry;
  return registry;
}

void secret_registry::add(std::string_view value) {
  if (value.size() < min_bytes) return;
  const std::unique_lock lock(mutex_);
  const auto keep = [this](std::string v) {
    if (std::find(values_.begin(), values_.end(), v) != values_.end()) return;
    // Longest first, so a value that contains another is replaced whole.
    const auto at = std::find_if(values_.begin(), values_.end(),
                                 [&](const std::string& known) { return known.size() < v.size(); });
    values_.insert(at, std::move(v));
  };
  keep(std::string(value));
  if (auto escaped = json_escaped(value); escaped != value) keep(std::move(escaped));
}

std::string secret_registry::redact(std::string_view text) const {
  const std::shared_lock lock(mutex_);
  // Every occurrence of every value in the original text, merged where they overlap, so one
  // value inside another, or two that overlap, leave one placeholder and no fragment.
  std::vector<std::pair<std::size_t, std::size_t>> spans;
  for (const auto& v : values_) {
    for (auto at = text.find(v); at != std::string_view::npos; at = text.find(v, at + 1))
      spans.emplace_back(at, at + v.size());
  }
  if (spans.empty()) return std::string(text);
  std::sort(spans.begin(), spans.end());
  std::string out;
  out.reserve(text.size());
  std::size_t done = 0;
  for (std::size_t i = 0; i < spans.size();) {
    const std::size_t start = spans[i].first;
    std::size_t end = spans[i].second;
    for (++i; i < spans.size() && spans[i].first < end; ++i)
      end = std::max(end, spans[i].second);
    out.append(text.substr(done, start - done));
    out.append(placeholder);
    done = end;
  }
  out.append(text.substr(done));
  return out;
}

std::size_t secret_registry::safe_cut(std::string_view text, std::size_t want) const noexcept {
  const std::shared_lock lock(mutex_);
  if (values_.empty()) return std::min(want, text.size());
  const std::size_t tail = values_.front().size() - 1;
  std::size_t cut = std::min(want, text.size() > tail ? text.size() - tail : 0);
  // An occurrence that starts before the cut and ends after it stays whole in the buffer. Moving
  // the cut to its start may put it inside another one, so look again until none straddles.
  for (bool moved = true; moved && cut > 0;) {
    moved = false;
    for (const auto& v : values_) {
      const std::size_t from = cut >= v.size() ? cut - v.size() + 1 : 0;
      for (auto at = text.find(v, from); at != std::string_view::npos && at < cut;
           at = text.find(v, at + 1)) {
        if (at + v.size() > cut) {
          cut = at;
          moved = true;
          break;
        }
      }
    }
  }
  return cut;
}

std::size_t secret_registry::longest() const noexcept {
  const std::shared_lock lock(mutex_);
  return values_.empty() ? 0 : values_.front().size();
}

}  // namespace eightsync::core
