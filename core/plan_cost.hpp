#pragma once
#include <chrono>
#include <cstddef>
#include <string>

namespace eightsync::core {

/// What a cycle costs in requests to 8x8, by kind. Requests are the budget (8x8's published
/// limit is 10 a minute), so every plan states its cost.
struct plan_cost {
  std::size_t listing_pages = 0;  ///< GET /Users pages
  std::size_t gets_by_id = 0;     ///< GET /Users/{id}
  std::size_t lookups = 0;        ///< GET /Users?filter=userName eq "…" before a POST
  std::size_t writes = 0;         ///< POST, PUT and PATCH

  /// Every request counted. Never throws.
  constexpr std::size_t total() const noexcept { return listing_pages + gets_by_id + lookups + writes; }
  /// Reads only (pages, GETs and lookups). Never throws.
  constexpr std::size_t reads() const noexcept { return listing_pages + gets_by_id + lookups; }

  /// Field-wise sum. Never throws.
  constexpr plan_cost& operator+=(const plan_cost& o) noexcept {
    listing_pages += o.listing_pages;
    gets_by_id += o.gets_by_id;
    lookups += o.lookups;
    writes += o.writes;
    return *this;
  }
  friend constexpr bool operator==(const plan_cost&, const plan_cost&) = default;
};

/// How long `requests` take at `per_window` requests per sliding `window`: whole windows,
/// rounded up (10 requests at 10 a minute take one minute; 1,000 pages take 100 minutes).
/// Zero requests take zero; a zero `per_window` is treated as 1. Never throws.
std::chrono::milliseconds plan_cost_duration(std::size_t requests, std::size_t per_window,
                                             std::chrono::milliseconds window) noexcept;

/// `d` for a person: "0 s", "45 s", "12 min", "1 h 40 min", "2 d 3 h". Throws only std::bad_alloc.
std::string plan_duration_text(std::chrono::milliseconds d);

}  // namespace eightsync::core
