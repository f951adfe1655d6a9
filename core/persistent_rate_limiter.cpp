#include "core/persistent_rate_limiter.hpp"

#include <SQLiteCpp/SQLiteCpp.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <map>
#include <string>
#include <utility>

#include "core/state_error.hpp"
#include "core/state_store.hpp"
#include "core/state_time.hpp"

namespace eightsync::core {
namespace {

constexpr const char* pause_key = "rate_limit.paused_until";

// Stored times are rounded up to the millisecond (the precision of the text), so a slot read
// back is never earlier than the one handed out.
clock::time_point ceil_ms(clock::time_point t) {
  return std::chrono::ceil<std::chrono::milliseconds>(t);
}

// The slots of `a` and `b` as multisets merged by the larger count of each time: a slot both
// hold (the same send seen twice) counts once, two slots at one time in either count twice.
std::vector<clock::time_point> merge_slots(std::vector<clock::time_point> a,
                                           std::vector<clock::time_point> b) {
  std::map<clock::time_point, std::pair<std::size_t, std::size_t>> counts;
  for (const auto t : a)
    ++counts[t].first;
  for (const auto t : b)
    ++counts[t].second;
  std::vector<clock::time_point> out;
  for (const auto& [t, n] : counts)
    out.insert(out.end(), std::max(n.first, n.second), t);
  return out;
}

}  // namespace

persistent_rate_limiter::persistent_rate_limiter(std::size_t requests, clock::duration window,
                                                 const clock& clk, options opts)
    : requests_(requests),
      window_(window),
      clock_(clk),
      opts_(std::move(opts)),
      memory_(std::make_unique<sliding_window_rate_limiter>(requests, window, clk, opts_.guard)) {
  if (!opts_.logger) opts_.logger = spdlog::default_logger();
}

persistent_rate_limiter::persistent_rate_limiter(const std::filesystem::path& database, std::size_t requests,
                                                 clock::duration window, const clock& clk, options opts)
    : persistent_rate_limiter(requests, window, clk, std::move(opts)) {
  path_ = database;
  try {
    // Never create: the state store creates the file (with its mode) and migrates it.
    own_ = std::make_unique<SQLite::Database>(database, SQLite::OPEN_READWRITE,
                                              static_cast<int>(opts_.busy_timeout.count()));
    own_->exec("PRAGMA synchronous = FULL");
    // Fails now, rather than at the first request, when the file is not migrated.
    own_->execAndGet("SELECT count(*) FROM rate_limit_slots");
  } catch (const std::exception& e) {
    own_.reset();
    fail("opening", e);
  }
}

persistent_rate_limiter::persistent_rate_limiter(const std::filesystem::path& database, std::size_t requests,
                                                 clock::duration window, const clock& clk)
    : persistent_rate_limiter(database, requests, window, clk, options{}) {}

persistent_rate_limiter::persistent_rate_limiter(state_store& store, std::size_t requests,
                                                 clock::duration window, const clock& clk, options opts)
    : persistent_rate_limiter(requests, window, clk, std::move(opts)) {
  path_ = store.path();
  store_ = &store;
}

persistent_rate_limiter::persistent_rate_limiter(state_store& store, std::size_t requests,
                                                 clock::duration window, const clock& clk)
    : persistent_rate_limiter(store, requests, window, clk, options{}) {}

persistent_rate_limiter::~persistent_rate_limiter() = default;

template <class F>
void persistent_rate_limiter::transact(F&& f) {
  if (store_ != nullptr) {
    store_->in_transaction(std::forward<F>(f));
    return;
  }
  SQLite::Transaction tx(*own_, SQLite::TransactionBehavior::IMMEDIATE);
  std::forward<F>(f)();
  tx.commit();
}

rate_limiter_state persistent_rate_limiter::load() {
  SQLite::Database& db = store_ != nullptr ? store_->database() : *own_;
  rate_limiter_state st;
  SQLite::Statement slots(db, "SELECT sent_at FROM rate_limit_slots ORDER BY sent_at");
  while (slots.executeStep()) {
    const std::string text = slots.getColumn(0).getString();
    auto t = parse_utc_time(text);
    if (!t) throw state_error("rate_limit_slots holds a malformed time \"" + text + "\"");
    st.sent.push_back(*t);
  }
  SQLite::Statement pause(db, "SELECT value FROM meta WHERE key = ?1");
  pause.bind(1, pause_key);
  if (pause.executeStep()) {
    const std::string text = pause.getColumn(0).getString();
    st.paused_until = parse_utc_time(text);
    if (!st.paused_until)
      throw state_error("meta " + std::string(pause_key) + " is a malformed time \"" + text + "\"");
  }
  return st;
}

void persistent_rate_limiter::save(const rate_limiter_state& state, const rate_limiter_state& stored) {
  SQLite::Database& db = store_ != nullptr ? store_->database() : *own_;
  // Slots older than a window (and its guard) constrain nothing any more.
  const auto horizon = clock_.now() - window_ - opts_.guard;
  db.exec("DELETE FROM rate_limit_slots");
  SQLite::Statement add(db, "INSERT INTO rate_limit_slots (sent_at) VALUES (?1)");
  for (const auto t : state.sent) {
    if (t <= horizon) continue;
    add.reset();
    add.bind(1, format_utc_time(ceil_ms(t)));
    add.exec();
  }
  if (state.paused_until && (!stored.paused_until || *state.paused_until > *stored.paused_until)) {
    SQLite::Statement put(db,
                          "INSERT INTO meta (key, value) VALUES (?1, ?2) "
                          "ON CONFLICT (key) DO UPDATE SET value = excluded.value");
    put.bind(1, pause_key);
    put.bind(2, format_utc_time(ceil_ms(*state.paused_until)));
    put.exec();
  }
}

void persistent_rate_limiter::fail(const char* doing, const std::exception& e) noexcept {
  if (failed_.exchange(true)) return;
  try {
    opts_.logger->error(
        "pacing.persist_failed path={} doing={} error={} (pacing continues in memory for this process only)",
        path_.string(), doing, e.what());
  } catch (...) {
    // Logging must not turn a pacing problem into a crash.
  }
}

clock::time_point persistent_rate_limiter::acquire() {
  const std::lock_guard lock(mutex_);
  if (!failed_.load()) {
    std::unique_ptr<sliding_window_rate_limiter> fresh;
    std::optional<clock::time_point> slot;
    try {
      transact([&] {
        const auto stored = load();
        // The database is the truth: start from it alone, so that a slot already stored is
        // never counted twice.
        fresh = std::make_unique<sliding_window_rate_limiter>(requests_, window_, clock_, opts_.guard);
        fresh->import_state(stored);
        slot = ceil_ms(fresh->acquire());
        auto next = fresh->export_state();
        for (auto& t : next.sent)
          t = ceil_ms(t);
        if (next.paused_until) next.paused_until = ceil_ms(*next.paused_until);
        fresh = std::make_unique<sliding_window_rate_limiter>(requests_, window_, clock_, opts_.guard);
        fresh->import_state(next);
        save(next, stored);
      });
      memory_ = std::move(fresh);
      return *slot;
    } catch (const std::exception& e) {
      fail("acquiring a send slot", e);
      if (slot) {
        // Handed out but not stored: keep counting it here.
        memory_ = std::move(fresh);
        return *slot;
      }
    }
  }
  return memory_->acquire();
}

void persistent_rate_limiter::on_retry_after(clock::time_point deadline) noexcept {
  const std::lock_guard lock(mutex_);
  memory_->on_retry_after(deadline);
  if (failed_.load()) return;
  try {
    transact([&] {
      const auto stored = load();
      rate_limiter_state next = stored;
      next.paused_until = deadline;
      save(next, stored);
    });
  } catch (const std::exception& e) {
    fail("recording a Retry-After pause", e);
  }
}

rate_limiter_state persistent_rate_limiter::export_state() const {
  const std::lock_guard lock(mutex_);
  return memory_->export_state();
}

void persistent_rate_limiter::import_state(const rate_limiter_state& state) {
  const std::lock_guard lock(mutex_);
  memory_->import_state(state);
  if (failed_.load()) return;
  try {
    transact([&] {
      const auto stored = load();
      rate_limiter_state next;
      std::vector<clock::time_point> given;
      given.reserve(state.sent.size());
      for (const auto t : state.sent)
        given.push_back(ceil_ms(t));
      next.sent = merge_slots(stored.sent, std::move(given));
      next.paused_until = state.paused_until;
      save(next, stored);
    });
  } catch (const std::exception& e) {
    fail("importing a pacing state", e);
  }
}

}  // namespace eightsync::core
