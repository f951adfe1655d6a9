#include "emulator/user_store.hpp"

#include <algorithm>
#include <cstdio>

namespace eightsync::emulator {

user_store::user_store(std::uint64_t seed) noexcept : rng_(seed ^ 0x8a8a'5c1e'0000'0001ULL) {}

std::string user_store::fold_case(std::string_view s) {
  std::string out(s);
  for (auto& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

std::string user_store::user_name_of(const user_record& r) {
  return fold_case(r.user_name());
}

std::string user_store::new_id() {
  for (;;) {
    const std::uint64_t hi = rng_();
    const std::uint64_t lo = rng_();
    char buf[64];
    std::snprintf(buf, sizeof buf, "%08x-%04x-4%03x-%04x-%012llx", static_cast<unsigned>(hi >> 32),
                  static_cast<unsigned>((hi >> 16) & 0xffff), static_cast<unsigned>(hi & 0xfff),
                  static_cast<unsigned>(0x8000 | ((lo >> 48) & 0x3fff)),
                  static_cast<unsigned long long>(lo & 0xffff'ffff'ffffULL));
    std::string id(buf);
    if (!by_id_.contains(id)) return id;
  }
}

const user_record* user_store::find(std::string_view id) const noexcept {
  const auto it = by_id_.find(id);
  return it == by_id_.end() ? nullptr : &users_[it->second];
}

const user_record* user_store::find_by_user_name(std::string_view user_name) const {
  const auto it = by_name_.find(fold_case(user_name));
  return it == by_name_.end() ? nullptr : &users_[it->second];
}

std::size_t user_store::visible_count(visibility_mode v) const noexcept {
  return v == visibility_mode::all ? users_.size() : visible_.size();
}

void user_store::page(visibility_mode v, std::size_t offset, std::size_t count,
                      std::vector<const user_record*>& out) const {
  if (v == visibility_mode::all) {
    for (std::size_t i = offset; i < users_.size() && i - offset < count; ++i)
      out.push_back(&users_[i]);
    return;
  }
  for (std::size_t i = offset; i < visible_.size() && i - offset < count; ++i) {
    out.push_back(&users_[visible_[i]]);
  }
}

void user_store::reserve(std::size_t additional) {
  users_.reserve(users_.size() + additional);
  by_id_.reserve(users_.size() + additional);
  by_name_.reserve(users_.size() + additional);
}

void user_store::append(user_record r) {
  const std::size_t pos = users_.size();
  by_id_.emplace(r.id(), pos);
  by_name_.emplace(user_name_of(r), pos);
  if (!r.admin_console()) visible_.push_back(pos);
  users_.push_back(std::move(r));
}

void user_store::insert_front(std::vector<user_record> rs) {
  if (rs.empty()) return;
  users_.insert(users_.begin(), std::make_move_iterator(rs.begin()), std::make_move_iterator(rs.end()));
  reindex();
}

std::size_t user_store::erase_front(std::size_t n, visibility_mode v) {
  std::size_t erased = 0;
  const auto new_end = std::remove_if(users_.begin(), users_.end(), [&](const user_record& r) {
    if (erased < n && visible(r, v)) {
      ++erased;
      return true;
    }
    return false;
  });
  users_.erase(new_end, users_.end());
  if (erased > 0) reindex();
  return erased;
}

void user_store::set_resource(std::string_view id, const boost::json::object& resource) {
  const auto it = by_id_.find(id);
  if (it != by_id_.end()) users_[it->second].set_resource(resource);
}

void user_store::clear() noexcept {
  users_.clear();
  by_id_.clear();
  by_name_.clear();
  visible_.clear();
}

void user_store::for_each(const std::function<void(const user_record&)>& f) const {
  for (const auto& r : users_)
    f(r);
}

void user_store::reindex() {
  by_id_.clear();
  by_name_.clear();
  visible_.clear();
  for (std::size_t i = 0; i < users_.size(); ++i) {
    by_id_.emplace(users_[i].id(), i);
    by_name_.emplace(user_name_of(users_[i]), i);
    if (!users_[i].admin_console()) visible_.push_back(i);
  }
}

}  // namespace eightsync::emulator
