#pragma once
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/object.hpp>

#include "core/audit_rows.hpp"
#include "core/request_cost.hpp"

// How the audit rows read for a person (`eightsync audit`, `eightsync status`) and for scripts
// (`--json`), in one place so both commands say the same thing the same way.
namespace eightsync::daemon {

/// "cycle 12  ok  full  cli  2026-11-24T02:39:44Z  1.2 s  28 ops  26/26 requests": one line.
/// Throws only std::bad_alloc.
std::string cycle_line(const core::audit_cycle_row& c, const core::audit_cycle_counts& counts);

/// "2 retries, 1 answered 429, 3.0 s waiting on the rate limit": what requests cost beyond the
/// plan, naming only what happened ("" when nothing did). Throws only std::bad_alloc.
std::string cost_phrase(const core::request_cost& c);

/// "create ok 22, adopt ok 3, update failed 1": the counts in one phrase ("no operations").
/// Throws only std::bad_alloc.
std::string counts_phrase(const core::audit_cycle_counts& counts);

/// An operation on a few lines: kind, outcome, HR key, userName, 8x8 id, method, status,
/// attempts, latency; the reason; each attribute before -> after; the error; and the HR export
/// it came from when that is not `cycle_sha256` (a newer export read while the cycle ran; an
/// empty `cycle_sha256` always shows it). Throws only std::bad_alloc.
std::string operation_text(const core::audit_operation_row& op, std::string_view cycle_sha256 = {});

/// A held operation in two lines: kind, HR key, userName, and the hold. Throws only std::bad_alloc.
std::string held_text(const core::audit_held_row& h);

/// The JSON forms of the same rows (stable snake_case keys). Throw only std::bad_alloc.
boost::json::object cycle_json(const core::audit_cycle_row& c, const core::audit_cycle_counts& counts);
boost::json::object operation_json(const core::audit_operation_row& op);
boost::json::object held_json(const core::audit_held_row& h);

}  // namespace eightsync::daemon
