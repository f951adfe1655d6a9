#include "emulator/fault_engine.hpp"

#include <boost/json/array.hpp>

namespace eightsync::emulator {

namespace json = boost::json;

fault_engine::fault_engine(std::uint64_t seed) noexcept : rng_(seed) {}

void fault_engine::append(std::vector<fault_spec> specs) {
  for (auto& s : specs)
    faults_.push_back(std::move(s));
}

void fault_engine::replace(std::vector<fault_spec> specs) {
  faults_ = std::move(specs);
}

void fault_engine::clear() noexcept {
  faults_.clear();
}

double fault_engine::draw() {
  // 53 random bits scaled to [0, 1): identical across standard libraries, unlike
  // uniform_real_distribution.
  return static_cast<double>(rng_() >> 11) * 0x1.0p-53;
}

std::optional<fault_spec> fault_engine::pick(const fault_context& ctx) {
  for (auto it = faults_.begin(); it != faults_.end(); ++it) {
    if (!it->method.empty() && it->method != ctx.method) continue;
    if (!it->path.empty() && !ctx.path.starts_with(it->path) && !ctx.full_path.starts_with(it->path))
      continue;
    if (it->kind == fault_kind::drift && !ctx.list_continuation) continue;
    if ((it->kind == fault_kind::empty_listing || it->kind == fault_kind::listing) && !ctx.listing) continue;
    if (it->rate && draw() >= *it->rate) continue;
    fault_spec fired = *it;
    if (it->next && --*it->next == 0) faults_.erase(it);
    return fired;
  }
  return std::nullopt;
}

json::value fault_engine::to_json() const {
  json::array out;
  for (const auto& f : faults_)
    out.push_back(f.to_json());
  return out;
}

}  // namespace eightsync::emulator
