#pragma once
#include <cstdint>
#include <optional>
#include <random>
#include <vector>

#include <boost/json/value.hpp>

#include "emulator/fault_context.hpp"
#include "emulator/fault_spec.hpp"

namespace eightsync::emulator {

/// Holds the active faults and decides, reproducibly from a seed, which one fires on a request.
class fault_engine {
 public:
  /// An engine with no faults whose random draws follow `seed`. Never throws.
  explicit fault_engine(std::uint64_t seed) noexcept;

  /// Adds faults after those already set.
  void append(std::vector<fault_spec> specs);

  /// Replaces every fault.
  void replace(std::vector<fault_spec> specs);

  /// Removes every fault. Never throws.
  void clear() noexcept;

  /// The first fault, in order, that aims at this request and whose rate draw succeeds. A fault
  /// with `next` counts down and expires when it reaches 0. Random draws happen only for faults
  /// that aim at the request, so a run is reproducible for a given seed and request sequence.
  std::optional<fault_spec> pick(const fault_context& ctx);

  /// The active faults as a JSON array.
  boost::json::value to_json() const;

 private:
  double draw();

  std::vector<fault_spec> faults_;
  std::mt19937_64 rng_;
};

}  // namespace eightsync::emulator
