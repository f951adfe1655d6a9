#pragma once
#include <optional>
#include <string>

namespace eightsync::config {

/// `metrics:`: the Prometheus endpoint.
struct metrics_config {
  std::optional<std::string> listen;  ///< HOST:PORT to serve /metrics on; absent: no endpoint
};

}  // namespace eightsync::config
