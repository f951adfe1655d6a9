#include "connectors/proxy_endpoint.hpp"

#include <cstdlib>
#include <stdexcept>

#include <openssl/evp.h>
#include <boost/asio/ip/address.hpp>
#include <boost/url/parse.hpp>
#include <boost/url/url_view.hpp>

#include "core/secret_registry.hpp"

namespace eightsync::connectors {

namespace urls = boost::urls;

namespace {

std::string base64(std::string_view in) {
  std::string out(4 * ((in.size() + 2) / 3) + 1, '\0');
  const int n =
      EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                      reinterpret_cast<const unsigned char*>(in.data()), static_cast<int>(in.size()));
  out.resize(n > 0 ? static_cast<std::size_t>(n) : 0);
  return out;
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

bool is_loopback_host(std::string_view host) {
  if (lower(host) == "localhost") return true;
  boost::system::error_code ec;
  const auto a = boost::asio::ip::make_address(std::string(host), ec);
  return !ec && a.is_loopback();
}

const char* env(const char* upper, const char* lower_name) {
  const char* v = std::getenv(upper);
  if (!v || !*v) v = std::getenv(lower_name);
  return v && *v ? v : nullptr;
}

bool no_proxy_matches(std::string_view list, std::string_view host) {
  const std::string h = lower(host);
  while (!list.empty()) {
    const auto comma = list.find(',');
    std::string_view item = list.substr(0, comma);
    list = comma == std::string_view::npos ? std::string_view{} : list.substr(comma + 1);
    while (!item.empty() && item.front() == ' ')
      item.remove_prefix(1);
    while (!item.empty() && item.back() == ' ')
      item.remove_suffix(1);
    if (item.empty()) continue;
    if (item == "*") return true;
    std::string entry = lower(item);
    if (entry.front() == '.') entry.erase(0, 1);
    if (h == entry || (h.size() > entry.size() && h.ends_with("." + entry))) return true;
  }
  return false;
}

}  // namespace

std::string proxy_endpoint::display() const {
  const bool v6 = host.find(':') != std::string::npos;
  return (v6 ? "[" + host + "]" : host) + ":" + std::to_string(port);
}

proxy_endpoint proxy_endpoint::parse(std::string_view url) {
  std::string text(url);
  if (text.find("://") == std::string::npos) text = "http://" + text;
  const auto parsed = urls::parse_uri(text);
  if (!parsed) throw std::invalid_argument("proxy: not a URL (expected http://HOST:PORT)");
  const auto& u = *parsed;
  if (u.scheme() != "http") {
    throw std::invalid_argument("proxy: only http:// proxies (HTTP CONNECT) are supported, got " +
                                std::string(u.scheme()) + "://");
  }
  proxy_endpoint p;
  if (u.host_type() == urls::host_type::ipv6) {
    p.host = u.host_ipv6_address().to_string();
  } else {
    p.host = u.host();
  }
  if (p.host.empty()) throw std::invalid_argument("proxy: the URL has no host");
  if (u.has_port()) {
    if (u.port().empty() || u.port_number() == 0) throw std::invalid_argument("proxy: bad port");
    p.port = u.port_number();
  } else {
    p.port = 80;
  }
  if (!u.encoded_path().empty() && u.encoded_path() != "/") {
    throw std::invalid_argument("proxy: the URL must not have a path");
  }
  if (u.has_userinfo()) {
    // Decoded user:password, as Basic wants it.
    const std::string credentials = base64(std::string(u.user()) + ":" + std::string(u.password()));
    p.authorization = core::secret_token("Basic " + credentials);
    // Every form the password may take in a message from now on: as written in the URL
    // (percent-encoded), decoded, and inside the Basic credentials.
    auto& secrets = core::secret_registry::global();
    secrets.add(u.encoded_password());
    secrets.add(u.password());
    secrets.add(credentials);
  }
  return p;
}

std::optional<proxy_endpoint> proxy_endpoint::select(std::string_view target_host,
                                                     const std::optional<std::string>& explicit_url,
                                                     bool use_environment) {
  if (explicit_url) return parse(*explicit_url);
  if (!use_environment || is_loopback_host(target_host)) return std::nullopt;
  const char* url = env("HTTPS_PROXY", "https_proxy");
  if (!url) return std::nullopt;
  if (const char* no = env("NO_PROXY", "no_proxy"); no && no_proxy_matches(no, target_host))
    return std::nullopt;
  return parse(url);
}

}  // namespace eightsync::connectors
