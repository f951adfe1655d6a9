#include "emulator/scim_route.hpp"

#include <vector>

#include <boost/url/encoding_opts.hpp>
#include <boost/url/parse.hpp>
#include <boost/url/url_view.hpp>

namespace eightsync::emulator {

namespace urls = boost::urls;

std::optional<scim_route> parse_scim_route(std::string_view target) {
  auto parsed = urls::parse_origin_form(target);
  if (!parsed) return std::nullopt;
  const urls::url_view& u = *parsed;
  scim_route r;
  r.full_path = u.encoded_path();

  std::vector<std::string> segs;
  for (auto s : u.segments())
    segs.push_back(s);
  // "/scim/v2/Users/" has an empty last segment; treat it as "/scim/v2/Users".
  if (!segs.empty() && segs.back().empty()) segs.pop_back();

  std::size_t base = std::string::npos;
  if (segs.size() >= 2 && segs[0] == "scim" && segs[1] == "v2") base = 2;
  if (segs.size() >= 5 && segs[0] == "udi" && segs[1] == "customers" && !segs[2].empty() &&
      segs[3] == "scim" && segs[4] == "v2") {
    base = 5;
  }
  r.path = r.full_path;
  if (base != std::string::npos) {
    r.path.clear();
    for (std::size_t i = base; i < segs.size(); ++i)
      r.path += "/" + segs[i];
    const std::size_t rest = segs.size() - base;
    if (rest == 1 && segs[base] == "Users") r.kind = scim_route::resource::users;
    if (rest == 2 && segs[base] == "Users" && !segs[base + 1].empty()) {
      r.kind = scim_route::resource::user;
      r.id = segs[base + 1];
    }
    if (rest == 1 && segs[base] == "ServiceProviderConfig")
      r.kind = scim_route::resource::service_provider_config;
  }

  urls::encoding_opts opt;
  opt.space_as_plus = true;
  for (auto p : u.params(opt)) {
    if (p.key == "filter") r.filter = p.value;
    if (p.key == "startIndex") r.start_index = p.value;
    if (p.key == "count") r.count = p.value;
  }
  return r;
}

}  // namespace eightsync::emulator
