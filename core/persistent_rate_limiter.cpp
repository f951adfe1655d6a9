#include "core/persistent_rate_limiter.hpp"

#include <SQLiteCpp/SQLiteCpp.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <map>
#include <string>
#include <utility>

#include "core/pacing.hpp"
#include "core/state_error.hpp"
#include "core/state_store.hpp"
#include "core/state_time.hpp"

namespace eightsync::core {
namespace {

constexpr const char* pause_key = "rate_limit.paused_until";
constexpr const char* written_key = "rate_limit.written_at";

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

rate_limiter_state load_from(SQLite::Database& db) {
  rate_limiter_state st;
  SQLite::Statement slots(db, "SELECT sent_at FROM rate_limit_slots ORDER BY sent_at");
  while (slots.executeStep()) {
    const std::string text = slots.getColumn(0).getString();
    auto t = parse_utc_time(text);
    if (!t) throw state_error("rate_limit_slots holds a malformed time \"" + text + "\"");
    st.sent.push_back(*t);
  }
  SQLite::Statement meta(db, "SELECT key, value FROM meta WHERE key IN (?1, ?2)");
  meta.bind(1, pause_key);
  meta.bind(2, written_key);
  while (meta.executeStep()) {
    const std::string key = meta.getColumn(0).getString();
    const std::string text = meta.getColumn(1).getString();
    const auto t = parse_utc_time(text);
    if (!t) throw state_error("meta " + key + " is a malformed time \"" + text + "\"");
    (key == pause_key ? st.paused_until : st.written_at) = t;
  }
  return st;
}

void put_meta(SQLite::Database& db, const char* key, clock::time_point t) {
  SQLite::Statement put(db,
                        "INSERT INTO meta (key, value) VALUES (?1, ?2) "
                        "ON CONFLICT (key) DO UPDATE SET value = excluded.value");
  put.bind(1, key);
  put.bind(2, format_utc_time(ceil_ms(t)));
  put.exec();
}

// The later of two optional times.
std::optional<clock::time_point> later(std::optional<clock::time_point> a,
                                       std::optional<clock::time_point> b) {
  if (!a) return b;
  if (!b) return a;
  return std::max(*a, *b);
}

}  // namespace

persistent_rate_limiter::persistent_rate_limiter(std::size_t requests, clock::duration window,
                                                 const clock& clk, options opts)
    : requests_(requests),
      window_(window),
      guard_(opts.guard.value_or(pacing_guard(window))),
      clock_(clk),
      opts_(std::move(opts)) {
  if (!opts_.logger) opts_.logger = spdlog::default_logger();
  memory_ = window_from({});
}

std::unique_ptr<sliding_window_rate_limiter> persistent_rate_limiter::window_from(
    const rate_limiter_state& state) const {
  auto w = std::make_unique<sliding_window_rate_limiter>(
      requests_, window_, clock_, sliding_window_rate_limiter::options{guard_, opts_.max_pause});
  w->import_state(state);
  return w;
}

// The stored state with what no running eightsync can have set at this clock clamped; reported
// once per stored state (a process loads it again for every request until it is stored clamped).
rate_limiter_state persistent_rate_limiter::clamped(const rate_limiter_state& stored) {
  rate_limiter_state st = stored;
  const auto now = clock_.now();
  const auto c = clamp_to_clock(st, now, requests_, window_ + guard_, opts_.max_pause);
  if (!c) return st;
  // Rounded as stored, so what is handed out from it is what a reload gives.
  for (auto& t : st.sent)
    t = ceil_ms(t);
  if (st.paused_until) st.paused_until = ceil_ms(*st.paused_until);
  if (warned_ != stored) {
    warned_ = stored;
    opts_.logger->warn(
        "pacing.clamped path={} now={} {}: the state database held times beyond what a pause "
        "(target.retry.max_pause) or the rate limit allows (was the wall clock stepped back?)",
        path_.string(), format_utc_time(now), c.describe());
  }
  return st;
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
  return load_from(store_ != nullptr ? store_->database() : *own_);
}

void persistent_rate_limiter::save(const rate_limiter_state& state, const rate_limiter_state& stored) {
  SQLite::Database& db = store_ != nullptr ? store_->database() : *own_;
  // Slots older than a window (and its guard) constrain nothing any more.
  const auto horizon = clock_.now() - window_ - guard_;
  db.exec("DELETE FROM rate_limit_slots");
  SQLite::Statement add(db, "INSERT INTO rate_limit_slots (sent_at) VALUES (?1)");
  for (const auto t : state.sent) {
    if (t <= horizon) continue;
    add.reset();
    add.bind(1, format_utc_time(ceil_ms(t)));
    add.exec();
  }
  // Callers keep the later pause themselves, so a pause is rewritten only when it changed: a later
  // Retry-After, or a stored one clamped to max_pause.
  if (state.paused_until && (!stored.paused_until || ceil_ms(*state.paused_until) != *stored.paused_until))
    put_meta(db, pause_key, *state.paused_until);
  // The witness of this clock: a later reader whose clock reads earlier knows it stepped back.
  put_meta(db, written_key, clock_.now());
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
        fresh = window_from(clamped(stored));
        slot = ceil_ms(fresh->acquire());
        auto next = fresh->export_state();
        for (auto& t : next.sent)
          t = ceil_ms(t);
        if (next.paused_until) next.paused_until = ceil_ms(*next.paused_until);
        fresh = window_from(next);
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

clock::time_point persistent_rate_limiter::next_slot() {
  const std::lock_guard lock(mutex_);
  if (!failed_.load()) {
    try {
      const auto stored = load();
      auto now_stored = clamped(stored);
      if (now_stored != stored) {
        // Stored clamped at once: a command that only looks (and then refuses to wait) must not
        // clamp afresh, to a later time, each time it runs.
        transact([&] {
          const auto again = load();
          now_stored = clamped(again);
          save(now_stored, again);
        });
      }
      // What was loaded becomes the state export_state() reports (e.g. the pause behind a wait).
      auto loaded = window_from(now_stored);
      const auto slot = ceil_ms(loaded->next_slot());
      memory_ = std::move(loaded);
      return slot;
    } catch (const std::exception& e) {
      fail("reading the send slots", e);
    }
  }
  return memory_->next_slot();
}

void persistent_rate_limiter::on_retry_after(clock::time_point deadline) noexcept {
  const std::lock_guard lock(mutex_);
  deadline = std::min(deadline, clock_.now() + opts_.max_pause);
  memory_->on_retry_after(deadline);
  if (failed_.load()) return;
  try {
    transact([&] {
      const auto stored = load();
      rate_limiter_state next = clamped(stored);
      next.paused_until = later(next.paused_until, deadline);
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
      const auto now_stored = clamped(stored);
      next.sent = merge_slots(now_stored.sent, std::move(given));
      next.paused_until = later(
          now_stored.paused_until,
          state.paused_until ? std::optional(std::min(*state.paused_until, clock_.now() + opts_.max_pause))
                             : std::nullopt);
      save(next, stored);
    });
  } catch (const std::exception& e) {
    fail("importing a pacing state", e);
  }
}

rate_limiter_state persistent_rate_limiter::stored_state(state_store& store) {
  try {
    return load_from(store.database());
  } catch (const SQLite::Exception& e) {
    throw state_error("state database " + store.path().string() +
                      ": reading the rate limiter's state: " + e.what());
  }
}

persistent_rate_limiter::cleared persistent_rate_limiter::clear_pause(state_store& store,
                                                                      clock::time_point now) {
  try {
    return store.in_transaction([&] {
      SQLite::Database& db = store.database();
      cleared out;
      out.pause = load_from(db).paused_until;
      SQLite::Statement drop(db, "DELETE FROM meta WHERE key = ?1");
      drop.bind(1, pause_key);
      drop.exec();
      // Times are stored in one fixed-width form, so text order is time order.
      SQLite::Statement back(db, "UPDATE rate_limit_slots SET sent_at = ?1 WHERE sent_at > ?1");
      back.bind(1, format_utc_time(ceil_ms(now)));
      out.slots = static_cast<std::size_t>(back.exec());
      put_meta(db, written_key, now);
      return out;
    });
  } catch (const SQLite::Exception& e) {
    throw state_error("state database " + store.path().string() + ": clearing the pause: " + e.what());
  }
}

}  // namespace eightsync::core
