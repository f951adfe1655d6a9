#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/value.hpp>

namespace eightsync::emulator {

/// The kinds of fault the emulator can inject.
enum class fault_kind {
  status,         ///< answer `status` (500, 502, 503…) with a SCIM error; nothing applied
  reset,          ///< reset the connection (RST) before the request is processed; nothing applied
  slow,           ///< apply the request at once, answer after `delay_ms`
  truncate,       ///< apply, then send the headers and half the body, then close
  invalid_json,   ///< apply, then answer with a body that is not valid JSON
  lost_response,  ///< apply, then close the connection without answering
  drift,          ///< before a list page after the first, insert and/or delete users
  empty_listing,  ///< answer a listing page `{"totalResults":0,"Resources":[]}` (a short answer 8x8 may give)
  listing,        ///< answer a listing page with `total` as totalResults and new, never-seen ids (endless)
  echo_token,     ///< answer `status` (400) with a SCIM error whose detail repeats the bearer token
  retry_after,    ///< answer `status` (429) with `Retry-After: value`; nothing applied
};

/// One fault and the requests it aims at, as given on the command line or to
/// `POST /_emulator/faults`.
struct fault_spec {
  fault_kind kind = fault_kind::status;  ///< what happens
  unsigned status = 503;  ///< HTTP status: `status` 500…599, `echo_token` 400…599, `retry_after` 429 or 503
  std::optional<double> rate;               ///< probability per matching request; nullopt: always
  std::optional<std::uint64_t> next;        ///< fires on this many matching requests, then expires
  std::string method;                       ///< only this method (upper case); empty: any
  std::string path;                         ///< only paths starting with this; empty: any
  std::uint32_t delay_ms = 2000;            ///< for `slow`
  std::uint32_t insert = 0;                 ///< for `drift`: users inserted at the front
  std::uint32_t remove = 0;                 ///< for `drift`: users deleted from the front (`delete`)
  std::uint32_t detail_bytes = 0;           ///< for `echo_token`: pad the detail to this size
  std::uint64_t total = 1'000'000'000'000;  ///< for `listing`: the totalResults claimed
  std::string value;                        ///< for `retry_after`: the Retry-After header value, as sent

  /// The spec as JSON, in the accepted input shape (`next` shows what remains).
  boost::json::value to_json() const;
};

/// The stable name of a kind (`status`, `reset`, `slow`, `truncate`, `invalid_json`,
/// `lost_response`, `drift`, `empty_listing`, `listing`, `echo_token`, `retry_after`), used in specs
/// and in the request log.
std::string_view fault_kind_name(fault_kind k) noexcept;

/// Parses one spec object such as `{"kind":"status","status":503,"rate":0.3,"method":"POST"}`.
/// Unknown keys and bad values are refused: returns nullopt and sets `error`.
std::optional<fault_spec> parse_fault_spec(const boost::json::value& v, std::string& error);

/// Parses a spec object or an array of them; all or nothing.
std::optional<std::vector<fault_spec>> parse_fault_specs(const boost::json::value& v, std::string& error);

}  // namespace eightsync::emulator
