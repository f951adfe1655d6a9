#pragma once
#include <cstddef>
#include <cstdint>
#include <deque>

#include <boost/json/value.hpp>

#include "emulator/log_entry.hpp"

namespace eightsync::emulator {

/// The in-memory log of SCIM requests read by tests through `GET /_emulator/log`. Holds at
/// most `capacity` entries; the oldest go first.
class request_log {
 public:
  /// An empty log keeping at most `capacity` (> 0) entries. Never throws.
  explicit request_log(std::size_t capacity = 1'000'000) noexcept;

  /// Appends `e`, giving it the next sequence number, which is returned.
  std::uint64_t append(log_entry e);

  /// Entries with seq > `since`, oldest first, as a JSON array of
  /// `{seq, time, method, target, status, applied, fault}` (fault null when none).
  boost::json::value to_json(std::uint64_t since = 0) const;

  /// Forgets every entry; sequence numbers keep counting up. Never throws.
  void clear() noexcept;

  /// Number of entries held.
  std::size_t size() const noexcept { return entries_.size(); }

 private:
  std::size_t capacity_;
  std::uint64_t next_seq_ = 1;
  std::deque<log_entry> entries_;
};

}  // namespace eightsync::emulator
