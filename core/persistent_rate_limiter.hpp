#pragma once
#include <atomic>
#include <chrono>
#include <cstddef>
#include <filesystem>
#include <memory>
#include <mutex>

#include "core/clock.hpp"
#include "core/rate_limiter.hpp"
#include "core/sliding_window_rate_limiter.hpp"

namespace SQLite {
class Database;
}
namespace spdlog {
class logger;
}

namespace eightsync::core {

class state_store;

/// A sliding_window_rate_limiter whose send slots and Retry-After pause live in the state
/// database (table rate_limit_slots, meta key rate_limit.paused_until), so every eightsync
/// process sharing that file (the daemon, each `eightsync sync`, one after the other or at
/// once) shares one budget across restarts (invariant 8).
///
/// Each acquire() is one BEGIN IMMEDIATE transaction on the limiter's own connection: load the
/// stored slots and pause, compute the next slot from them, store the slots still inside the
/// window, commit. Times are stored rounded up to the millisecond, and the slot returned is
/// rounded the same way, so a reloaded budget is never looser than the one handed out. Do not
/// call acquire() while this process holds a write transaction on the same file (it would wait
/// for itself until the busy timeout, then fall back).
///
/// acquire() never throws: when the database cannot be used (cannot be opened, is not migrated,
/// is locked past the busy timeout, is read-only, the disk is full), it logs
/// `pacing.persist_failed` once, stops using the database and paces in memory from then on —
/// still correct within this process — and persist_failed() turns true so the executor can end
/// the cycle. Thread-safe.
class persistent_rate_limiter final : public rate_limiter {
 public:
  /// How to reach the database and how to report; the defaults are what the daemon uses.
  struct options {
    clock::duration guard = sliding_window_rate_limiter::default_guard;  ///< see sliding_window_rate_limiter
    std::chrono::milliseconds busy_timeout{5000};  ///< how long to wait for another process's write
    std::shared_ptr<spdlog::logger> logger;        ///< for pacing.persist_failed; nullptr: spdlog's default
  };

  /// A limiter of at most `requests` per `window`, reading time from `clk` (which must outlive
  /// it), persisted in the state database at `database` (opened and migrated by a state_store
  /// first: this never creates or migrates it) through a connection of its own. Throws
  /// std::invalid_argument as sliding_window_rate_limiter does; a database that cannot be
  /// opened is not an exception but a persist failure (see above).
  persistent_rate_limiter(const std::filesystem::path& database, std::size_t requests, clock::duration window,
                          const clock& clk, options opts);

  /// As above with default options.
  persistent_rate_limiter(const std::filesystem::path& database, std::size_t requests, clock::duration window,
                          const clock& clk);

  /// A limiter persisted through `store`'s own connection (for an in-memory store in tests;
  /// transactions join the store's). `store` must outlive it. Throws std::invalid_argument as
  /// sliding_window_rate_limiter does.
  persistent_rate_limiter(state_store& store, std::size_t requests, clock::duration window, const clock& clk,
                          options opts);

  /// As above with default options.
  persistent_rate_limiter(state_store& store, std::size_t requests, clock::duration window, const clock& clk);

  ~persistent_rate_limiter() override;
  persistent_rate_limiter(const persistent_rate_limiter&) = delete;
  persistent_rate_limiter& operator=(const persistent_rate_limiter&) = delete;

  /// The earliest slot that keeps every window of every process sharing the file within the
  /// limit and is not before the stored pause; recorded in the database before it is returned.
  /// Never throws except std::bad_alloc.
  clock::time_point acquire() override;

  /// Pauses every slot of every process sharing the file until `deadline` (the later of the
  /// stored and the given deadline is kept). Never throws.
  void on_retry_after(clock::time_point deadline) noexcept override;

  /// The slots and pause as last loaded or handed out. Never throws except std::bad_alloc.
  rate_limiter_state export_state() const override;

  /// Merges `state` into the stored one (a slot counted in both is counted once; the later pause
  /// wins). Never throws except std::bad_alloc.
  void import_state(const rate_limiter_state& state) override;

  /// Whether the database could not be used at some point, so this process now paces alone.
  /// Never throws.
  bool persist_failed() const noexcept { return failed_.load(); }

 private:
  persistent_rate_limiter(std::size_t requests, clock::duration window, const clock& clk, options opts);

  rate_limiter_state load();
  void save(const rate_limiter_state& state, const rate_limiter_state& stored);
  template <class F>
  void transact(F&& f);
  void fail(const char* doing, const std::exception& e) noexcept;

  std::size_t requests_;
  clock::duration window_;
  const clock& clock_;
  options opts_;
  std::filesystem::path path_;
  state_store* store_ = nullptr;
  std::unique_ptr<SQLite::Database> own_;
  mutable std::mutex mutex_;
  std::unique_ptr<sliding_window_rate_limiter> memory_;  // the state as last loaded or handed out
  std::atomic<bool> failed_{false};
};

}  // namespace eightsync::core
