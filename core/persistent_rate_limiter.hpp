#pragma once
#include <atomic>
#include <chrono>
#include <cstddef>
#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>

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
/// database (table rate_limit_slots, meta keys rate_limit.paused_until and rate_limit.written_at,
/// the time of the last write by the writer's clock), so every eightsync
/// process sharing that file (the daemon, each `eightsync sync`, one after the other or at
/// once) shares one budget across restarts (invariant 8).
///
/// Each acquire() is one BEGIN IMMEDIATE transaction on the limiter's own connection: load the
/// stored slots and pause, compute the next slot from them, store the slots still inside the
/// window, commit. Slots are spaced one gap apart (sliding_window_rate_limiter), across every
/// process sharing the file: the next slot is a gap after the latest one stored. Times are
/// stored rounded up to the millisecond, and the slot returned is rounded the same way, so a
/// reloaded budget is never looser than the one handed out (so a gap that is not a whole number
/// of milliseconds grows to the next whole one: less than 1 ms a request, none at 8x8's 6.06 s).
/// Do not call acquire() while this process holds a write transaction on the same file (it
/// would wait for itself until the busy timeout, then fall back).
///
/// Times in the file that no running eightsync can have set at this clock (a wall clock stepped
/// back since they were stored, a pause beyond `max_pause`, slots far beyond the window: see
/// clamp_to_clock) are clamped as they are loaded and stored clamped, with one `pacing.clamped`
/// warning.
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
    /// see sliding_window_rate_limiter; nullopt: pacing_guard(window)
    std::optional<clock::duration> guard;
    clock::duration max_pause = default_max_pause;  ///< the longest pause kept (target.retry.max_pause)
    std::chrono::milliseconds busy_timeout{5000};   ///< how long to wait for another process's write
    std::shared_ptr<spdlog::logger>
        logger;  ///< for pacing.persist_failed and pacing.clamped; nullptr: spdlog's default
  };

  /// What clear_pause() removed.
  struct cleared {
    std::optional<clock::time_point> pause;  ///< the pause that was stored, if any
    std::size_t slots = 0;                   ///< send slots in the future moved back to now
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

  /// What acquire() would hand out now, from the stored slots and pause, without recording it.
  /// Never throws except std::bad_alloc.
  clock::time_point next_slot() override;

  /// Pauses every slot of every process sharing the file until `deadline`, cut to now +
  /// max_pause (the later of the stored and the given deadline is kept). Never throws.
  void on_retry_after(clock::time_point deadline) noexcept override;

  /// The slots and pause as last loaded or handed out. Never throws except std::bad_alloc.
  rate_limiter_state export_state() const override;

  /// Merges `state` into the stored one (a slot counted in both is counted once; the later pause
  /// wins). Never throws except std::bad_alloc.
  void import_state(const rate_limiter_state& state) override;

  /// Whether the database could not be used at some point, so this process now paces alone.
  /// Never throws.
  bool persist_failed() const noexcept { return failed_.load(); }

  /// The slots, pause and witness stored in `store` as they are, for a reader such as `eightsync status`
  /// (works on a read-only store). Throws state_error when the file cannot be read or holds a
  /// malformed time.
  static rate_limiter_state stored_state(state_store& store);

  /// Removes the stored pause, and moves send slots stored in the future back to `now` (each
  /// may record a send, so none is dropped), in one transaction: `eightsync status
  /// --clear-pause`. Throws state_error.
  static cleared clear_pause(state_store& store, clock::time_point now);

 private:
  persistent_rate_limiter(std::size_t requests, clock::duration window, const clock& clk, options opts);

  rate_limiter_state load();
  rate_limiter_state clamped(const rate_limiter_state& stored);
  std::unique_ptr<sliding_window_rate_limiter> window_from(const rate_limiter_state& state) const;
  void save(const rate_limiter_state& state, const rate_limiter_state& stored);
  template <class F>
  void transact(F&& f);
  void fail(const char* doing, const std::exception& e) noexcept;

  std::size_t requests_;
  clock::duration window_;
  clock::duration guard_;  // opts_.guard, or the default for window_
  const clock& clock_;
  options opts_;
  std::filesystem::path path_;
  state_store* store_ = nullptr;
  std::unique_ptr<SQLite::Database> own_;
  mutable std::mutex mutex_;
  std::unique_ptr<sliding_window_rate_limiter> memory_;  // the state as last loaded or handed out
  std::atomic<bool> failed_{false};
  std::optional<rate_limiter_state> warned_;  // the stored state last reported as clamped
};

}  // namespace eightsync::core
