#include "connectors/scim_base_url.hpp"

#include <stdexcept>

#include <boost/asio/ip/address.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/string.hpp>
#include <boost/url/encode.hpp>
#include <boost/url/parse.hpp>
#include <boost/url/rfc/pchars.hpp>
#include <boost/url/rfc/unreserved_chars.hpp>
#include <boost/url/url_view.hpp>

namespace eightsync::connectors {

namespace urls = boost::urls;

namespace {

bool is_loopback(const std::string& host) {
  if (host == "localhost") return true;
  boost::system::error_code ec;
  const auto a = boost::asio::ip::make_address(host, ec);
  return !ec && a.is_loopback();
}

}  // namespace

scim_base_url scim_base_url::parse(std::string_view url) {
  const auto parsed = urls::parse_uri(url);
  if (!parsed) throw std::invalid_argument("target url: not an absolute URL: " + std::string(url));
  const auto& u = *parsed;
  scim_base_url out;
  const auto scheme = u.scheme_id();
  if (scheme == urls::scheme::https) {
    out.tls = true;
  } else if (scheme == urls::scheme::http) {
    out.tls = false;
  } else {
    throw std::invalid_argument("target url: the scheme must be https, got " + std::string(u.scheme()));
  }
  if (u.has_userinfo())
    throw std::invalid_argument("target url: must not carry user info (the token goes in token_file)");
  if (u.has_query() || u.has_fragment())
    throw std::invalid_argument("target url: must not have a query or fragment");
  if (u.host_type() == urls::host_type::ipv6) {
    out.host = u.host_ipv6_address().to_string();
  } else if (u.host_type() == urls::host_type::ipv4 || u.host_type() == urls::host_type::name) {
    out.host = u.host();
    for (auto& c : out.host) {
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    }
  }
  if (out.host.empty()) throw std::invalid_argument("target url: has no host");
  if (!out.tls && !is_loopback(out.host)) {
    throw std::invalid_argument("target url: http is allowed for loopback hosts only; use https for " +
                                out.host);
  }
  if (u.has_port()) {
    if (u.port().empty() || u.port_number() == 0) throw std::invalid_argument("target url: bad port");
    out.port = u.port_number();
  } else {
    out.port = out.tls ? 443 : 80;
  }
  out.path = u.encoded_path();
  while (!out.path.empty() && out.path.back() == '/')
    out.path.pop_back();
  return out;
}

std::string scim_base_url::list_target(std::size_t start_index, std::size_t count) const {
  return path + "/Users?startIndex=" + std::to_string(start_index) + "&count=" + std::to_string(count);
}

std::string scim_base_url::filter_target(std::string_view filter) const {
  // Everything but unreserved is encoded: '+' must not become a space, '&' must not split.
  return path + "/Users?filter=" + urls::encode(filter, urls::unreserved_chars);
}

std::string scim_base_url::users_target() const {
  return path + "/Users";
}

std::string scim_base_url::user_target(std::string_view id) const {
  return path + "/Users/" + urls::encode(id, urls::unreserved_chars);
}

std::string scim_eq_filter(std::string_view attribute, std::string_view value) {
  return std::string(attribute) + " eq " + boost::json::serialize(boost::json::string(value));
}

}  // namespace eightsync::connectors
