#include "daemon/check_connection_command.hpp"

#include <filesystem>
#include <memory>
#include <optional>
#include <ostream>
#include <stdexcept>
#include <string>
#include <system_error>
#include <unordered_set>
#include <vector>

#include <spdlog/sinks/null_sink.h>
#include <spdlog/spdlog.h>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>

#include "connectors/scim_client.hpp"
#include "core/clock.hpp"
#include "core/remote_user.hpp"
#include "core/site_schema.hpp"
#include "core/state_error.hpp"
#include "core/state_store.hpp"
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

// The users of `page` (a GET /Users answer), read as eightsync reads them; a user that cannot be
// read (no id) is left out.
std::vector<core::remote_user> users_on(const core::scim_result& page) {
  std::vector<core::remote_user> users;
  const auto* list = page.resource ? page.resource->if_contains("Resources") : nullptr;
  if (!list || !list->is_array()) return users;
  for (const auto& u : list->as_array()) {
    if (!u.is_object()) continue;
    if (auto r = core::remote_user::from_object(u.as_object(), {})) users.push_back(std::move(*r));
  }
  return users;
}

// Which of 8x8's two site extension URNs the users on the first page carry their site under, and
// which one eightsync writes new sites under with this config: an account uses one, and the
// admin should know which eightsync saw.
std::string site_schema_line(const std::vector<core::remote_user>& users, const std::string& configured) {
  core::site_census census;
  for (const auto& r : users)
    census.add(r);
  const auto seen = census.urn();
  const core::site_schema_choice c = core::choose_site_schema(configured, seen, std::nullopt);
  const std::size_t with_site = census.users_with_site();
  std::string text =
      seen ? std::to_string(with_site) + " of " + std::to_string(users.size()) +
                 " users on the first page carry a site, under " + std::string(*seen)
           : "none of the " + std::to_string(users.size()) + " users on the first page carries a site";
  switch (c.source) {
    case core::site_schema_source::configured:
      text += "; new sites go under " + std::string(c.urn) + " (target.site_schema)";
      if (seen && *seen != c.urn)
        text += ", which is NOT the one this account's users carry: check target.site_schema";
      return text;
    case core::site_schema_source::seen:
    case core::site_schema_source::remembered:
      return text + "; new sites go under it";
    case core::site_schema_source::assumed:
      break;
  }
  return text + "; until one does, new sites go under " + std::string(c.urn) +
         " (assumed: set target.site_schema if this account uses the other URN)";
}

// The 8x8 ids of the users eightsync created, from the state database when there is one (none
// yet: eightsync has created nobody); the reason when it cannot be read.
core::expected<std::unordered_set<std::string>, std::string> created_ids(
    const config::eightsync_config& cfg) {
  std::unordered_set<std::string> ids;
  std::error_code ec;
  if (!std::filesystem::exists(cfg.state.path, ec)) return ids;
  try {
    core::state_store::options o;
    o.read_only = true;
    const core::state_store store(cfg.state.path, cfg.target.url, o);
    for (const auto& l : store.load_links(core::state_store::remote_json_loading::skip))
      if (l.how == core::managed_by::created) ids.insert(l.scim_id);
  } catch (const core::state_error& e) {
    return core::unexpected<std::string>{e.what()};
  }
  return ids;
}

// Whether 8x8 shows users eightsync did not create (its "All users" setting), as far as the first
// page tells, against target.visibility: with idp_only visibility a user eightsync cannot see is
// not gone, and every create is looked up first.
std::string visibility_line(const std::vector<core::remote_user>& users,
                            const config::eightsync_config& cfg) {
  const bool configured_all = cfg.target.visibility == config::visibility_mode::all;
  const auto created = created_ids(cfg);
  if (!created) return "cannot tell (" + created.error() + ")";
  std::size_t others = 0;
  for (const auto& r : users)
    others += created->contains(std::string(r.id())) ? 0 : 1;
  if (others > 0) {
    return std::to_string(others) + " of " + std::to_string(users.size()) +
           " users on the first page were not created by eightsync: 8x8 most likely shows every user "
           "(\"All users\"; else another identity provider made them)" +
           (configured_all
                ? ", as target.visibility all says"
                : "; target.visibility is idp_only, which is safe, but with all eightsync can adopt "
                  "them and skips the lookup before each create");
  }
  return "cannot tell: every user on the first page (" + std::to_string(users.size()) +
         ") is one eightsync created" +
         (configured_all ? "; target.visibility is all: if 8x8 shows only users an identity provider "
                           "created, set idp_only"
                         : "; target.visibility is idp_only, which is safe either way");
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
    const std::vector<core::remote_user> users = users_on(page);
    step(out, true, "site",
         page.ok() ? site_schema_line(users, cfg.target.site_schema)
                   : "reading a page of users gave " + std::string(core::enum_name(page.outcome)) +
                         ", so which site extension this account uses is not known yet");
    if (page.ok()) step(out, true, "visibility", visibility_line(users, cfg));
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
