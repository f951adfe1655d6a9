// eightsync-emulator: a local 8x8 X Series SCIM 2.0 service with fault injection, for tests.
#include <csignal>
#include <exception>
#include <iostream>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/json/parse.hpp>

#include "emulator/emulator_options.hpp"
#include "emulator/emulator_server.hpp"
#include "emulator/user_schema.hpp"

namespace net = boost::asio;
namespace emu = eightsync::emulator;

namespace {

constexpr const char* footer = R"footer(Example:
  eightsync-emulator --listen 127.0.0.1:0 --token-file token.txt --max-page-size 1000 \
      --rate-limit 10/60s --fault '{"kind":"status","status":503,"rate":0.3,"method":"POST"}'
prints the bound address, e.g. 127.0.0.1:40123, on its first line. Then:
  curl -s -X POST localhost:40123/_emulator/users -d '[{"userName":"jdoe@example.com",
      "name":{"givenName":"J","familyName":"Doe"},"_adminConsole":true}]'
  curl -s -H "Authorization: Bearer $(cat token.txt)" 'localhost:40123/scim/v2/Users?count=10'
  curl -s localhost:40123/_emulator/log

SCIM is served under /scim/v2/ (also /udi/customers/ANY/scim/v2/). Admin endpoints, no auth,
loopback only: /_emulator/users (GET dump, POST seed, DELETE reset), /_emulator/token (POST set,
DELETE revoke), /_emulator/faults (GET, POST append, PUT replace, DELETE clear),
/_emulator/settings (GET, PATCH), /_emulator/log (GET [?since=SEQ], DELETE).
Fault kinds: status (status 500..599), reset, slow (delay_ms), truncate, invalid_json,
lost_response, drift (insert, delete), empty_listing, listing (total: an endless listing),
echo_token (status 400..599, detail_bytes), retry_after (value, status 429 or 503). Aim them with
method, path (prefix), next (count), rate (0..1, drawn from --seed). SIGTERM or SIGINT stops the
emulator with exit status 0.)footer";

}  // namespace

int main(int argc, char** argv) {
  try {
    CLI::App app{"eightsync-emulator: an 8x8 X Series SCIM 2.0 emulator with fault injection, for tests"};
    app.footer(footer);
    std::string listen = "127.0.0.1:0";
    std::string token;
    std::string token_file;
    std::string site_change = "ignore";
    std::string patch_other = "ignore";
    std::string visibility = "all";
    std::string past_end = "empty";
    std::string put_omitted = "keep";
    std::string rate_limit = "off";
    std::vector<std::string> faults;
    std::string foreign_user_names_file;
    std::string sites_file;
    std::string external_id = "any";
    emu::emulator_options opts;

    app.add_option("--listen", listen, "Loopback HOST:PORT to listen on; port 0 picks a free one")
        ->capture_default_str();
    auto* token_opt = app.add_option("--token", token, "Bearer token clients must send (never printed)");
    auto* file_opt = app.add_option("--token-file", token_file, "File whose first line is the token")
                         ->check(CLI::ExistingFile);
    token_opt->excludes(file_opt);
    app.add_option("--cert", opts.cert_file, "PEM certificate chain: serve HTTPS (needs --key)")
        ->check(CLI::ExistingFile);
    app.add_option("--key", opts.key_file, "PEM private key for --cert")->check(CLI::ExistingFile);
    app.add_option("--max-page-size", opts.settings.max_page_size, "Cap on count in GET /Users")
        ->capture_default_str()
        ->check(CLI::Range(std::size_t{1}, std::size_t{1'000'000}));
    app.add_flag("--filter-externalid", opts.settings.filter_external_id,
                 "Also accept externalId eq \"...\" filters (8x8 documents only userName)");
    app.add_option("--site-change", site_change, "PUT changing a set site: ignore or reject (400)")
        ->capture_default_str()
        ->check(CLI::IsMember({"ignore", "reject"}));
    app.add_option("--patch-other", patch_other, "PATCH of anything but active: ignore (200) or reject (400)")
        ->capture_default_str()
        ->check(CLI::IsMember({"ignore", "reject"}));
    app.add_flag("--read-only", opts.settings.read_only,
                 "Answer 403 to every write, as when another IdP is the primary client");
    app.add_option("--visibility", visibility, "all, or idp_only: hide users created in Admin Console")
        ->capture_default_str()
        ->check(CLI::IsMember({"all", "idp_only"}));
    app.add_option("--site-schema", opts.settings.site_schema,
                   "The extension URN this account keeps site under: " + std::string(emu::x8_user_schema) +
                       " or " + std::string(emu::x8_user_schema_2) +
                       "; a site under the other one is dropped")
        ->capture_default_str()
        ->check(CLI::IsMember({std::string(emu::x8_user_schema), std::string(emu::x8_user_schema_2)}));
    app.add_option("--put-omitted", put_omitted,
                   "A PUT that leaves out site or active: keep the stored values, or clear them (no site, "
                   "active false); 8x8 does not say which it does")
        ->capture_default_str()
        ->check(CLI::IsMember({"keep", "clear"}));
    app.add_option("--past-end", past_end,
                   "A startIndex past the last user: empty (an empty page, as RFC 7644 says) or first-page "
                   "(page 1 again, as some servers answer)")
        ->capture_default_str()
        ->check(CLI::IsMember({"empty", "first-page"}));
    app.add_option("--rate-limit", rate_limit, "Sliding-window limit REQUESTS/WINDOW (e.g. 10/60s) or off")
        ->capture_default_str();
    app.add_option("--foreign-user-names", foreign_user_names_file,
                   "File of userNames taken in another 8x8 account, one a line: a POST with one answers "
                   "409, and no lookup or listing here shows it (default: none)")
        ->check(CLI::ExistingFile);
    app.add_option("--sites", sites_file,
                   "File of the site names defined in Admin Console, one a line: a POST or PUT that would "
                   "set any other site (exact, case-sensitive) answers 400 (default: any site accepted)")
        ->check(CLI::ExistingFile);
    app.add_option("--external-id", external_id,
                   "externalId values accepted: any string, or numeric (digits only, as an older 8x8 "
                   "article types it as an integer; others answer 400)")
        ->capture_default_str()
        ->check(CLI::IsMember({"any", "numeric"}));
    app.add_flag("--post-ignores-active", opts.settings.post_ignores_active,
                 "POST /Users creates every user active (the 201 shows active true) even when the body "
                 "says \"active\": false; by default a POST honours it");
    app.add_option("--seed", opts.seed, "Seed for generated ids and fault draws (reproducible runs)")
        ->capture_default_str();
    app.add_option("--fault", faults,
                   "Fault spec as JSON (repeatable), e.g. '{\"kind\":\"reset\",\"next\":1}'");
    app.add_option("--max-body", opts.max_body_bytes, "Largest request body in bytes (larger: 413)")
        ->capture_default_str();
    app.add_flag("-v,--verbose", opts.verbose, "Print one line per SCIM request on stderr");

    try {
      app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
      return app.exit(e);
    }

    std::string error;
    if (!emu::parse_listen(listen, opts.host, opts.port, error)) {
      std::cerr << "eightsync-emulator: " << error << "\n";
      return 2;
    }
    if (token_opt->count() > 0) {
      if (token.empty()) {
        std::cerr << "eightsync-emulator: --token must not be empty\n";
        return 2;
      }
      opts.token = token;
    } else if (file_opt->count() > 0) {
      opts.token = emu::read_token_file(token_file);
    } else {
      std::cerr << "eightsync-emulator: give --token TOKEN or --token-file FILE (see --help)\n";
      return 2;
    }
    if (!foreign_user_names_file.empty())
      opts.settings.foreign_user_names = emu::read_name_file(foreign_user_names_file);
    if (!sites_file.empty()) opts.settings.sites = emu::read_name_file(sites_file);
    opts.settings.external_id = *emu::parse_external_id(external_id);
    opts.settings.site_change = *emu::parse_site_change(site_change);
    opts.settings.patch_other = *emu::parse_patch_other(patch_other);
    opts.settings.visibility = *emu::parse_visibility(visibility);
    opts.settings.past_end = *emu::parse_past_end(past_end);
    opts.settings.put_omitted = *emu::parse_put_omitted(put_omitted);
    opts.settings.rate_limit = emu::parse_rate_limit(rate_limit, error);
    if (!error.empty()) {
      std::cerr << "eightsync-emulator: --rate-limit: " << error << "\n";
      return 2;
    }
    for (const auto& text : faults) {
      boost::system::error_code ec;
      const auto v = boost::json::parse(text, ec);
      if (ec) {
        std::cerr << "eightsync-emulator: --fault: not JSON: " << text << "\n";
        return 2;
      }
      auto specs = emu::parse_fault_specs(v, error);
      if (!specs) {
        std::cerr << "eightsync-emulator: --fault: " << error << "\n";
        return 2;
      }
      for (auto& s : *specs)
        opts.faults.push_back(std::move(s));
    }

    net::io_context ioc{1};
    emu::emulator_server server(ioc, std::move(opts));
    net::signal_set signals(ioc, SIGTERM, SIGINT);
    signals.async_wait([&](const boost::system::error_code&, int) {
      server.stop();
      ioc.stop();
    });
    // A test harness may close our stdout early; a write to it must not kill us.
    std::signal(SIGPIPE, SIG_IGN);
    server.start();
    std::cout << server.local_address_text() << std::endl;
    ioc.run();
    return 0;
  } catch (const std::exception& e) {
    std::cerr << "eightsync-emulator: " << e.what() << "\n";
    return 1;
  } catch (...) {
    std::cerr << "eightsync-emulator: unknown error\n";
    return 1;
  }
}
