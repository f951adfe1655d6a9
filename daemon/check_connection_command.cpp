#include "daemon/check_connection_command.hpp"

#include <array>
#include <filesystem>
#include <memory>
#include <optional>
#include <ostream>
#include <stdexcept>
#include <string>
#include <system_error>

#include <spdlog/sinks/null_sink.h>
#include <spdlog/spdlog.h>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>

#include "connectors/scim_client.hpp"
#include "core/attribute_table.hpp"
#include "core/clock.hpp"
#include "core/scim_user_codec.hpp"
#include "core/target_account.hpp"
#include "daemon/cycle_options.hpp"
#include "daemon/exit_code.hpp"
#include "daemon/token_source.hpp"

namespace eightsync::daemon {
namespace {

namespace net = boost::asio;
using core::scim_outcome;

void step(std::ostream& out, bool ok, const std::string& name, const std::string& text) {
  out << (ok ? "  ok    " : "  FAIL  ") << name << std::string(name.size() < 12 ? 12 - name.size() : 1, ' ')
      << text << '\n';
}

// Which of 8x8's two site extension URNs the users of `page` (a GET /Users answer) carry their
// site under: an account uses one, and the admin should know which eightsync saw.
std::string site_schema_seen(const core::scim_result& page) {
  std::size_t users = 0;
  std::array<std::size_t, core::max_read_locations> under{};
  if (const auto* list = page.resource ? page.resource->if_contains("Resources") : nullptr;
      list && list->is_array()) {
    for (const auto& u : list->as_array()) {
      if (!u.is_object()) continue;
      ++users;
      const auto values = core::scim_user_codec::read_each(u.as_object(), core::attribute::site);
      for (std::size_t i = 0; i < values.size(); ++i)
        under[i] += values[i].empty() ? 0 : 1;
    }
  }
  static_assert(core::attribute_row_of(core::attribute::site).read.size() == 2, "two URNs below");
  if (under[0] == 0 && under[1] == 0) {
    return "none of the " + std::to_string(users) +
           " users on the first page carries a site; new sites go under " + std::string(core::x8_schema_urn);
  }
  std::string text;
  const std::array<std::string_view, 2> urns{core::x8_schema_urn, core::x8_user_schema_urn};
  for (std::size_t i = 0; i < urns.size(); ++i) {
    if (under[i] == 0) continue;
    if (!text.empty()) text += "; ";
    text += std::to_string(under[i]) + " of " + std::to_string(users) + " users carry it under " +
            std::string(urns[i]);
  }
  if (under[1] > 0) text += " (eightsync reads both; it still writes new sites under the 1.1 URN)";
  return text;
}

bool starts_with(const std::string& s, std::string_view p) {
  return s.rfind(p, 0) == 0;
}

}  // namespace

int run_check_connection(const config::eightsync_config& cfg, std::ostream& out, std::ostream& err) {
  out << "eightsync check-connection: " << cfg.target.url << '\n';
  step(out, true, "config", cfg.file.string() + " is valid");
  step(out, true, "account", core::account_of(cfg.target.url).binding_note());
  auto token = read_token(cfg.target);
  if (!token) {
    step(out, false, "token", token.error());
    return exit_auth_failed;
  }
  step(out, true, "token", "read (it is never printed or logged)");

  const auto& clk = core::wall_clock::instance();
  auto quiet = std::make_shared<spdlog::logger>("eightsync", std::make_shared<spdlog::sinks::null_sink_mt>());
  auto limiter = make_rate_limiter(cfg, clk, quiet);
  std::shared_ptr<const core::clock> clk_ptr(&clk, [](const core::clock*) {});
  net::io_context ioc;
  std::optional<connectors::scim_client> client;
  auto opts = client_options(cfg, std::move(*token), limiter, clk_ptr, quiet);
  opts.retry.attempts = 1;  // a check reports what happens, it does not wait out retries
  try {
    client.emplace(ioc.get_executor(), std::move(opts));
  } catch (const std::invalid_argument& e) {
    step(out, false, "URL", e.what());
    return exit_config_invalid;
  }
  step(out, true, "URL",
       std::string(cfg.target.url.rfind("https://", 0) == 0 ? "TLS" : "plain HTTP (loopback only)") +
           (cfg.target.proxy ? ", through proxy " + *cfg.target.proxy : ", direct (no proxy)"));

  core::scim_result r;
  core::scim_result page;
  net::co_spawn(
      ioc,
      [&]() -> net::awaitable<void> {
        r = co_await client->find_by_user_name("eightsync-check-connection@invalid");
        // One page of users too, to see which site extension the account uses.
        if (r.ok() || r.outcome == scim_outcome::not_found)
          page = co_await client->list_page(1, cfg.target.page_size);
        co_await client->shutdown();
      },
      net::detached);
  ioc.run();

  const bool answered = r.status != 0;
  if (r.ok() || r.outcome == scim_outcome::not_found) {
    step(out, true, "network",
         "resolved, connected" + std::string(cfg.target.proxy ? " through the proxy" : ""));
    if (cfg.target.url.rfind("https://", 0) == 0)
      step(out, true, "TLS", "8x8's certificate verified for its host name");
    step(out, true, "token", "accepted by 8x8");
    step(out, true, "read",
         "GET /Users answered " + std::to_string(r.status) + " in " + std::to_string(r.latency.count()) +
             " ms");
    step(out, true, "site",
         page.ok() ? site_schema_seen(page)
                   : "reading a page of users gave " + std::string(core::enum_name(page.outcome)) +
                         ", so which site extension this account uses is not known yet");
    out << "Everything eightsync needs from 8x8 works.\n";
    return exit_ok;
  }
  const std::string& d = r.detail;
  if (!answered) {
    if (starts_with(d, "resolving")) {
      step(out, false, "resolve",
           d + ". Check target.url's host name and this machine's DNS; behind a proxy, set target.proxy.");
    } else if (starts_with(d, "connecting")) {
      step(out, false, "connect",
           d + ". A firewall may block outbound HTTPS (port 443), or a proxy is required (target.proxy).");
    } else if (d.find("proxy") != std::string::npos) {
      step(out, false, "proxy", d + ". Check target.proxy (host, port, user and password).");
    } else if (d.find("TLS") != std::string::npos) {
      step(out, false, "TLS",
           d + ". A TLS-inspecting proxy needs its CA certificate in target.ca_file; otherwise check the "
               "system's CA store and clock.");
    } else {
      step(out, false, "network", d.empty() ? std::string(core::enum_name(r.outcome)) : d);
    }
    return exit_target_unreachable;
  }
  step(out, true, "network", "resolved, connected, and 8x8 answered");
  if (r.outcome == scim_outcome::auth_failed) {
    step(out, false, "token",
         "8x8 answered 401: the token is wrong or was revoked (switching SCIM off and on in Admin Console "
         "issues a new one). Put the new token in place; under systemd, then run `systemctl restart "
         "eightsync`.");
    return exit_auth_failed;
  }
  if (r.outcome == scim_outcome::write_forbidden) {
    step(out, false, "read",
         "8x8 answered 403 to reading users: check the SCIM integration's permissions in Admin Console.");
    return exit_auth_failed;
  }
  if (r.outcome == scim_outcome::rate_limited) {
    step(out, false, "read",
         "8x8 answered 429 (too many requests): wait, and lower target.rate_limit if it keeps happening.");
    return exit_target_unreachable;
  }
  step(out, false, "read",
       "GET /Users answered " + std::to_string(r.status) + ": " + std::string(core::enum_name(r.outcome)) +
           (d.empty() ? "" : ": " + d) + ". Check that target.url is the SCIM base URL Admin Console shows.");
  (void)err;
  return exit_target_unreachable;
}

}  // namespace eightsync::daemon
