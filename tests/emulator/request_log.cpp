#include "emulator/request_log.hpp"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

namespace eightsync::emulator {

namespace json = boost::json;

request_log::request_log(std::size_t capacity) noexcept : capacity_(capacity == 0 ? 1 : capacity) {}

std::uint64_t request_log::append(log_entry e) {
  e.seq = next_seq_++;
  if (entries_.size() == capacity_) entries_.pop_front();
  entries_.push_back(std::move(e));
  return entries_.back().seq;
}

json::value request_log::to_json(std::uint64_t since) const {
  json::array out;
  for (const auto& e : entries_) {
    if (e.seq <= since) continue;
    json::object o;
    o["seq"] = e.seq;
    o["time"] = e.time;
    o["method"] = e.method;
    o["target"] = e.target;
    o["status"] = e.status;
    o["applied"] = e.applied;
    if (e.fault.empty()) {
      o["fault"] = nullptr;
    } else {
      o["fault"] = e.fault;
    }
    out.push_back(std::move(o));
  }
  return out;
}

void request_log::clear() noexcept {
  entries_.clear();
}

}  // namespace eightsync::emulator
