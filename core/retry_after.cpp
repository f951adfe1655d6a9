#include "core/retry_after.hpp"

#include <array>
#include <chrono>
#include <cstdint>

namespace eightsync::core {

namespace {

using namespace std::chrono;

constexpr std::array<std::string_view, 12> month_names{"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                       "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
constexpr std::array<std::string_view, 7> day_names{"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};
constexpr std::array<std::string_view, 7> long_day_names{"Monday", "Tuesday",  "Wednesday", "Thursday",
                                                         "Friday", "Saturday", "Sunday"};

bool is_digit(char c) noexcept {
  return c >= '0' && c <= '9';
}

// A small cursor over the header value; every reader returns false without moving on a mismatch.
struct cursor {
  std::string_view s;

  bool literal(std::string_view lit) noexcept {
    if (!s.starts_with(lit)) return false;
    s.remove_prefix(lit.size());
    return true;
  }
  bool spaces() noexcept {
    if (s.empty() || s.front() != ' ') return false;
    while (!s.empty() && s.front() == ' ')
      s.remove_prefix(1);
    return true;
  }
  // Exactly `n` digits (n <= 4).
  bool digits(std::size_t n, int& out) noexcept {
    if (s.size() < n) return false;
    int v = 0;
    for (std::size_t i = 0; i < n; ++i) {
      if (!is_digit(s[i])) return false;
      v = v * 10 + (s[i] - '0');
    }
    s.remove_prefix(n);
    out = v;
    return true;
  }
  template <std::size_t N>
  bool one_of(const std::array<std::string_view, N>& names, int& index) noexcept {
    for (std::size_t i = 0; i < N; ++i) {
      if (literal(names[i])) {
        index = static_cast<int>(i);
        return true;
      }
    }
    return false;
  }
  // HH:MM:SS
  bool time_of_day(int& h, int& m, int& sec) noexcept {
    return digits(2, h) && literal(":") && digits(2, m) && literal(":") && digits(2, sec);
  }
};

std::optional<clock::time_point> to_time_point(int year, int month, int day, int h, int m, int sec) noexcept {
  const year_month_day ymd{std::chrono::year{year}, std::chrono::month{static_cast<unsigned>(month)},
                           std::chrono::day{static_cast<unsigned>(day)}};
  if (!ymd.ok() || h > 23 || m > 59 || sec > 60) return std::nullopt;
  const auto t = sys_days{ymd} + hours{h} + minutes{m} + seconds{sec};
  return time_point_cast<clock::duration>(t);
}

std::optional<clock::time_point> parse_http_date(std::string_view text) noexcept {
  cursor c{text};
  int ignored = 0;
  int month = 0;
  int day = 0;
  int year = 0;
  int h = 0;
  int m = 0;
  int sec = 0;
  cursor probe = c;
  // IMF-fixdate: "Sun, 06 Nov 1994 08:49:37 GMT"
  if (probe.one_of(day_names, ignored) && probe.literal(", ")) {
    if (probe.digits(2, day) && probe.literal(" ") && probe.one_of(month_names, month) &&
        probe.literal(" ") && probe.digits(4, year) && probe.literal(" ") && probe.time_of_day(h, m, sec) &&
        probe.literal(" GMT") && probe.s.empty()) {
      return to_time_point(year, month + 1, day, h, m, sec);
    }
    return std::nullopt;
  }
  // RFC 850: "Sunday, 06-Nov-94 08:49:37 GMT"
  probe = c;
  if (probe.one_of(long_day_names, ignored) && probe.literal(", ")) {
    if (probe.digits(2, day) && probe.literal("-") && probe.one_of(month_names, month) &&
        probe.literal("-") && probe.digits(2, year) && probe.literal(" ") && probe.time_of_day(h, m, sec) &&
        probe.literal(" GMT") && probe.s.empty()) {
      return to_time_point(year < 70 ? 2000 + year : 1900 + year, month + 1, day, h, m, sec);
    }
    return std::nullopt;
  }
  // asctime: "Sun Nov  6 08:49:37 1994"
  probe = c;
  if (probe.one_of(day_names, ignored) && probe.literal(" ") && probe.one_of(month_names, month) &&
      probe.spaces()) {
    if (!probe.digits(2, day) && !probe.digits(1, day)) return std::nullopt;
    if (probe.literal(" ") && probe.time_of_day(h, m, sec) && probe.literal(" ") && probe.digits(4, year) &&
        probe.s.empty()) {
      return to_time_point(year, month + 1, day, h, m, sec);
    }
  }
  return std::nullopt;
}

}  // namespace

std::optional<clock::time_point> parse_retry_after(std::string_view value, clock::time_point now) noexcept {
  while (!value.empty() && (value.front() == ' ' || value.front() == '\t'))
    value.remove_prefix(1);
  while (!value.empty() && (value.back() == ' ' || value.back() == '\t'))
    value.remove_suffix(1);
  if (value.empty()) return std::nullopt;
  constexpr std::int64_t year_in_seconds = 366LL * 24 * 3600;
  if (is_digit(value.front())) {
    std::int64_t secs = 0;
    for (const char ch : value) {
      if (!is_digit(ch)) return std::nullopt;
      if (secs < year_in_seconds) secs = secs * 10 + (ch - '0');
    }
    if (secs > year_in_seconds) secs = year_in_seconds;
    return now + duration_cast<clock::duration>(seconds{secs});
  }
  const auto at = parse_http_date(value);
  if (!at) return std::nullopt;
  if (*at <= now) return now;
  const auto limit = now + duration_cast<clock::duration>(seconds{year_in_seconds});
  return *at > limit ? limit : *at;
}

}  // namespace eightsync::core
