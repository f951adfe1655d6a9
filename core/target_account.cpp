#include "core/target_account.hpp"

#include "core/text.hpp"

namespace eightsync::core {
namespace {

constexpr std::string_view customer_prefix = "8x8-customer:";
constexpr std::string_view url_prefix = "url:";

std::string lower_ascii(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

// The path of a normalized URL (from the first '/' after the host), or empty when it has none
// or carries a query or fragment, which 8x8's base URLs never do.
std::string_view path_of(std::string_view url) {
  const auto sep = url.find("://");
  if (sep == std::string_view::npos) return {};
  const auto path_start = url.find('/', sep + 3);
  if (path_start == std::string_view::npos) return {};
  const auto path = url.substr(path_start);
  if (path.find_first_of("?#") != std::string_view::npos) return {};
  return path;
}

// {ID} when `path` is exactly /udi/customers/{ID}/scim/v2 (the fixed parts in any case).
std::optional<std::string> customer_id_in(std::string_view path) {
  constexpr std::string_view head = "/udi/customers/";
  constexpr std::string_view tail = "/scim/v2";
  if (path.size() <= head.size() + tail.size()) return std::nullopt;  // no room for an id
  if (!iequals(path.substr(0, head.size()), head) || !iequals(path.substr(path.size() - tail.size()), tail))
    return std::nullopt;
  const auto id = path.substr(head.size(), path.size() - head.size() - tail.size());
  if (id.find('/') != std::string_view::npos) return std::nullopt;
  return std::string(id);
}

}  // namespace

std::string target_account::binding() const {
  return customer_id ? std::string(customer_prefix) + *customer_id : std::string(url_prefix) + url;
}

std::string target_account::describe() const {
  return customer_id ? "8x8 customer " + *customer_id : "target " + url;
}

std::string target_account::binding_note() const {
  if (customer_id) {
    return "8x8 customer " + *customer_id +
           " (the state database belongs to this customer id, under any host that serves it)";
  }
  return "no 8x8 customer id (target.url is not of 8x8's https://HOST/udi/customers/{ID}/scim/v2 shape), so "
         "the state database belongs to this exact URL";
}

std::string normalize_target_url(std::string_view url) {
  while (!url.empty() && url.back() == '/')
    url.remove_suffix(1);
  const auto sep = url.find("://");
  if (sep == std::string_view::npos) return std::string(url);
  const auto host_start = sep + 3;
  auto host_end = url.find_first_of("/?#", host_start);
  if (host_end == std::string_view::npos) host_end = url.size();
  // Keep any userinfo as written; only the scheme and the host[:port] are case-insensitive.
  auto at = url.substr(host_start, host_end - host_start).rfind('@');
  const auto lower_from = at == std::string_view::npos ? host_start : host_start + at + 1;
  return lower_ascii(url.substr(0, sep)) + std::string(url.substr(sep, lower_from - sep)) +
         lower_ascii(url.substr(lower_from, host_end - lower_from)) + std::string(url.substr(host_end));
}

target_account account_of(std::string_view url) {
  target_account account;
  account.url = normalize_target_url(url);
  account.customer_id = customer_id_in(path_of(account.url));
  return account;
}

std::optional<target_account> account_from_binding(std::string_view binding, std::string_view url) {
  target_account account;
  account.url = std::string(url);
  if (binding.starts_with(customer_prefix) && binding.size() > customer_prefix.size()) {
    account.customer_id = std::string(binding.substr(customer_prefix.size()));
    return account;
  }
  if (binding.starts_with(url_prefix) && binding.size() > url_prefix.size()) {
    account.url = std::string(binding.substr(url_prefix.size()));
    return account;
  }
  return std::nullopt;
}

}  // namespace eightsync::core
