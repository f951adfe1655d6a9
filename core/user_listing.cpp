#include "core/user_listing.hpp"

#include <algorithm>
#include <cstdint>
#include <iterator>
#include <optional>
#include <string>
#include <unordered_set>
#include <utility>
#include <vector>

#include <boost/json/array.hpp>

#include "core/scim_user_codec.hpp"

namespace eightsync::core {

namespace json = boost::json;

std::size_t listing_user_cap(const listing_limits& limits,
                             std::optional<std::uint64_t> first_total) noexcept {
  constexpr std::size_t claim_floor = 100'000;
  const std::size_t known = std::max(limits.known_users, claim_floor);
  // 10 × what eightsync knows, computed without overflow.
  const std::uint64_t claim_ceiling = known > SIZE_MAX / 10 ? SIZE_MAX : known * 10;
  std::uint64_t claimed = 0;
  if (first_total) {
    const std::uint64_t total = std::min<std::uint64_t>(*first_total, claim_ceiling);
    claimed = total + (total + 9) / 10;  // 1.1 × totalResults, rounded up
  }
  const std::uint64_t from_last = std::uint64_t{2} * limits.last_complete_users;
  const std::uint64_t cap = std::max({from_last, claimed, std::uint64_t{listing_user_floor}});
  return static_cast<std::size_t>(std::min<std::uint64_t>(cap, SIZE_MAX));
}

boost::asio::awaitable<scim_listing> list_all_users(scim_port& port, std::size_t page_size,
                                                    scim_page_sink on_page, spdlog::logger& log,
                                                    const listing_limits& limits) {
  scim_listing out;
  std::unordered_set<std::string> seen;
  std::size_t start = 1;
  const auto started = limits.clk != nullptr ? limits.clk->now() : clock::time_point{};
  std::size_t cap = listing_user_floor;
  for (;;) {
    if (limits.between_pages && start != 1) co_await limits.between_pages();
    auto r = co_await port.list_page(start, page_size);
    out.requests += r.attempts;
    out.body_bytes += r.body_bytes;
    if (!r.ok()) {
      out.last = std::move(r);
      out.end = scim_listing_end::failed;
      break;
    }
    auto& page = *r.resource;
    const auto total = scim_user_codec::total_results(page);
    auto* resources = page.if_contains("Resources");
    if (!total || (resources && !resources->is_array())) {
      r.outcome = scim_outcome::protocol;
      r.detail = "the page is not a SCIM ListResponse (totalResults, Resources)";
      log.warn("scim.protocol op=list start={} detail=\"{}\"", start, r.detail);
      r.resource.reset();
      out.last = std::move(r);
      out.end = scim_listing_end::failed;
      break;
    }
    ++out.pages;
    if (!out.first_total) {
      out.first_total = total;
      cap = listing_user_cap(limits, total);
    } else if (*total != *out.first_total) {
      out.total_changed = true;
    }
    out.last_total = total;

    std::size_t returned = 0;
    std::size_t added = 0;
    std::vector<json::object> fresh;
    if (resources) {
      auto& arr = resources->as_array();
      returned = arr.size();
      fresh.reserve(returned);
      for (auto& item : arr) {
        auto* user = item.if_object();
        const auto* id = user ? user->if_contains("id") : nullptr;
        if (!id || !id->is_string() || id->as_string().empty()) {
          ++out.without_id;
          continue;
        }
        if (!seen.emplace(id->as_string()).second) {
          ++out.duplicates;
          continue;
        }
        fresh.push_back(std::move(*user));
        ++added;
      }
    }
    out.user_count += added;
    // Handed over before the page's DOM goes, so the peak is one page, not the account.
    if (!fresh.empty()) on_page(std::move(fresh));
    log.debug("scim.list.page start={} returned={} new={} total={}", start, returned, added, *total);
    r.resource.reset();
    out.last = std::move(r);
    if (returned == 0) {
      out.end = scim_listing_end::empty_page;
      break;
    }
    if (added == 0) {
      // Some servers answer a past-the-end startIndex with page 1 again: stop, do not loop.
      out.end = scim_listing_end::known_ids;
      break;
    }
    start += returned;
    if (start - 1 >= *total) {
      out.end = scim_listing_end::total_reached;
      break;
    }
    // Limits, checked before asking for another page: the users kept, and the time spent.
    if (out.user_count > cap) {
      out.end = scim_listing_end::too_many_users;
      log.warn(
          "scim.list.stopped reason=too_many_users users={} limit={} total={}: 8x8 keeps listing more users "
          "than it claimed or than this account held; the listing counts as incomplete",
          out.user_count, cap, *out.first_total);
      break;
    }
    if (limits.max_duration && limits.clk != nullptr && limits.clk->now() - started > *limits.max_duration) {
      out.end = scim_listing_end::too_long;
      log.warn(
          "scim.list.stopped reason=too_long users={} pages={}: target.listing_max_duration passed; the "
          "listing counts as incomplete",
          out.user_count, out.pages);
      break;
    }
  }
  out.complete = (out.end == scim_listing_end::total_reached || out.end == scim_listing_end::empty_page ||
                  out.end == scim_listing_end::known_ids) &&
                 !out.total_changed && out.without_id == 0 && out.first_total &&
                 *out.first_total == out.user_count;
  const auto level = out.complete ? spdlog::level::info : spdlog::level::warn;
  log.log(level, "scim.list.done users={} pages={} requests={} total={} complete={} duplicates={} end={}",
          out.user_count, out.pages, out.requests, out.first_total ? *out.first_total : 0, out.complete,
          out.duplicates, enum_name(out.end));
  co_return out;
}

boost::asio::awaitable<scim_listing> list_all_users(scim_port& port, std::size_t page_size,
                                                    spdlog::logger& log) {
  std::vector<json::object> users;
  auto out = co_await list_all_users(
      port, page_size,
      [&users](std::vector<json::object>&& page) {
        if (users.empty()) {
          users = std::move(page);
        } else {
          users.insert(users.end(), std::make_move_iterator(page.begin()),
                       std::make_move_iterator(page.end()));
        }
      },
      log);
  out.users = std::move(users);
  co_return out;
}

}  // namespace eightsync::core
