#!/usr/bin/env bash
# `eightsync plan` against the emulator, seeded with the hand-made users of
# config/examples/emulator-users.json, for the shipped example: the right adopts, possible
# duplicates, conflicts and creates, with reasons and cost; nothing written to 8x8 or to disk;
# and a clear exit code for a missing token, a revoked token and an unreachable 8x8.
source "$(dirname "$0")/lib.bash"

start_emulator
emu_curl POST /_emulator/users "$(cat "$EIGHTSYNC_SOURCE_DIR/config/examples/emulator-users.json")" >/dev/null
example_config "$WORK/cfg.yaml"
export EIGHTSYNC_TOKEN=it-token

# The dry run: every kind of decision, each with its reason.
run_cmd 0 "$EIGHTSYNC" plan -c "$WORK/cfg.yaml"
out="$WORK/out"
expect_in "$out" "8x8 read: full listing, 8 users in 1 page (complete); 1 request sent."
expect_in "$out" "Plan: 28 operations (25 writes), 0 held, 3 conflicts, 4 manual actions."
expect_in "$out" "Create (22)"
expect_in "$out" "  00104  jose.garcia@example.com"
expect_in "$out" "  00129  tomas.obriain@example.com"
expect_in "$out" "Adopt (3)"
expect_in "$out" "Adopting is for good: once SCIM manages a user, its names and email are read-only in Admin"
expect_in "$out" "  00101  margaret.whitfield@example.com (id $(id_of margaret.whitfield@example.com))"
expect_in "$out" "Matched by externalId, userName, email: active, linked to no other HR key, and its externalId is equal."
expect_in "$out" "  00102  robert.chen@example.com (id $(id_of robert.chen@example.com))"
expect_in "$out" "Matched by userName, email: active, linked to no other HR key, and its externalId is empty."
expect_in "$out" "  00103  zashworth@example.com (id $(id_of zashworth@example.com))"
expect_in "$out" "Matched by email: active"
expect_in "$out" "Update (3)"
expect_in "$out" 'title: "CEO" -> "Chief Executive Officer"'
expect_in "$out" "Conflicts (3)"
expect_in "$out" "00110  juergen.mueller@example.com  [possible_duplicate]"
expect_in "$out" "an unlinked 8x8 user is also named Jürgen Müller"
expect_in "$out" "8x8 ids: $(id_of jmueller@example.com)"
expect_in "$out" "00113  priya.raman@example.com  [other_external_id]"
expect_in "$out" "00130  sarah.jenkins@example.com  [match_deactivated]"
expect_in "$out" "[change_user_name] 00103"
expect_in "$out" "Then run \`eightsync link 00110 ID\` or \`eightsync link 00110 --create-new\`."
expect_in "$out" "Cost: 1 listing page, 0 GETs by id, 0 lookups, 25 writes = 26 requests; about 1 s at 1000 requests per 1 s."
expect_in "$out" "Nothing was changed: this was a dry run."
# The upcoming hire (start 2030-01-07, 08:00 in Chicago): left alone until seven days before.
expect_in "$out" "  00131  noor.haddad@example.com"
expect_in "$out" "Starts at 2030-01-07T14:00:00Z: created from 2029-12-31T14:00:00Z (lifecycle.provision_before_start)."
# --as-of moves only the lifecycle evaluation: inside the window a create, inactive; at the
# start, a create, active.
run_cmd 0 "$EIGHTSYNC" plan -c "$WORK/cfg.yaml" --as-of 2030-01-02T00:00:00Z
expect_in "$out" "Create (23)"
expect_in "$out" "Starts at 2030-01-07T14:00:00Z: created inactive ahead of the start (lifecycle.provision_before_start), activated then."
expect_in "$WORK/err" "start and end dates are evaluated as of 2030-01-02T00:00:00Z (--as-of)"
run_cmd 0 "$EIGHTSYNC" plan -c "$WORK/cfg.yaml" --as-of 2030-01-07T14:00:00Z --json
expect_in "$out" '"hr_key":"00131"'
INVOCATION_ID=x run_cmd 64 "$EIGHTSYNC" plan -c "$WORK/cfg.yaml" --as-of 2030-01-02
expect_in "$WORK/err" "refused under systemd (INVOCATION_ID is set)"
run_cmd 64 "$EIGHTSYNC" plan -c "$WORK/cfg.yaml" --as-of yesterday
expect_in "$WORK/err" "--as-of: expected an instant such as 2025-03-01T09:00:00Z or a date such as 2025-03-01"
run_cmd 64 "$EIGHTSYNC" approve -c "$WORK/cfg.yaml" --upcoming --horizon soon
expect_in "$WORK/err" "--horizon: expected a duration such as 30s, 15m, 2h or 7d"
run_cmd 64 "$EIGHTSYNC" approve -c "$WORK/cfg.yaml"
expect_in "$WORK/err" "give the CYCLE whose held operations you approve, or --upcoming"
run_cmd 64 "$EIGHTSYNC" run -c "$WORK/cfg.yaml" --as-of 2030-01-02
expect_in "$WORK/err" "refused in \`run\`"
# Out of scope (a contractor), a leaver never in 8x8, a protected admin and a hand-made user
# nobody in HR matches: none of them gets an operation.
expect_not_in "$out" "00121"
expect_not_in "$out" "00115  william.hart"
expect_not_in "$out" "admin@example.com"
expect_not_in "$out" "reception@example.com"
expect_not_in "$WORK/err" "warning"

# Nothing was written: the emulator saw only GETs, still holds the 8 seeded users unchanged,
# and no state database was created.
log=$(emu_curl GET /_emulator/log)
grep -q '"method":"GET"' <<<"$log" || fail "the emulator logged no GET"
if grep -qE '"method":"(POST|PUT|PATCH|DELETE)"' <<<"$log"; then fail "plan sent a write: $log"; fi
checks=$((checks + 1))
expect_in <(emu_curl GET /_emulator/health) '"users":8'
[ ! -e "$WORK/state.db" ] || fail "plan created the state database"
checks=$((checks + 1))

# --json: the same plan for scripts, with the read and the source described.
run_cmd 0 "$EIGHTSYNC" plan -c "$WORK/cfg.yaml" --json
expect_in "$WORK/out" '"summary":{"operations":28,"held":0,"conflicts":3,"manual_actions":4'
expect_in "$WORK/out" '"kind":"possible_duplicate"'
expect_in "$WORK/out" '"read":{"full_listing":true'
expect_in "$WORK/out" '"complete":true'
expect_in "$WORK/out" '"source":{"path":"'"$EIGHTSYNC_SOURCE_DIR/config/examples/hr.csv"
[ "$(wc -l <"$WORK/out")" -eq 1 ] || fail "--json printed more than one line"
checks=$((checks + 1))

# --horizon: after the plan, the lifecycle events due from the plan's moment (--as-of moves it)
# to the horizon's end, in the person's zone and in UTC. Noor Haddad (00131, Austin) starts on
# 2030-01-07 at 08:00 America/Chicago; her account is made inactive 7 days before.
run_cmd 0 "$EIGHTSYNC" plan -c "$WORK/cfg.yaml" --as-of 2029-12-28T00:00:00Z --horizon 14d
expect_in "$WORK/out" "Lifecycle events in the next 14d (after 2029-12-28T00:00:00Z, until 2030-01-11T00:00:00Z): 2"
expect_in "$WORK/out" "  2029-12-31 08:00 CST  2029-12-31T14:00:00Z  HR key 00131  noor.haddad@example.com  account created inactive"
expect_in "$WORK/out" "  2030-01-07 08:00 CST  2030-01-07T14:00:00Z  HR key 00131  noor.haddad@example.com  activated"
expect_in "$WORK/out" "Create (22)"  # not her yet: before her window
# An event exactly at the moment has come (this plan creates her account inactive); one exactly
# at the horizon's end is inside it.
run_cmd 0 "$EIGHTSYNC" plan -c "$WORK/cfg.yaml" --as-of 2029-12-31T14:00:00Z --horizon 7d
expect_in "$WORK/out" "Create (23)"
expect_in "$WORK/out" "(after 2029-12-31T14:00:00Z, until 2030-01-07T14:00:00Z): 1"
expect_in "$WORK/out" "  2030-01-07 08:00 CST  2030-01-07T14:00:00Z  HR key 00131  noor.haddad@example.com  activated"
expect_not_in "$WORK/out" "account created inactive"
run_cmd 0 "$EIGHTSYNC" plan -c "$WORK/cfg.yaml" --as-of 2030-01-07T14:00:00Z --horizon 14d
expect_in "$WORK/out" "until 2030-01-21T14:00:00Z): 0"
expect_in "$WORK/out" "  none: no provisioning window opens, nobody starts and nobody's end comes"
run_cmd 0 "$EIGHTSYNC" plan -c "$WORK/cfg.yaml" --as-of 2029-12-28T00:00:00Z --horizon 14d --json
expect_in "$WORK/out" '"lifecycle_events":{"enabled":true,"horizon_seconds":1209600,"from":"2029-12-28T00:00:00Z","until":"2030-01-11T00:00:00Z","events":[{"at":"2029-12-31T14:00:00Z","local":"2029-12-31 08:00 CST","zone":"America/Chicago","hr_key":"00131","user_name":"noor.haddad@example.com","becomes":"provisioning","what":"account created inactive"},{"at":"2030-01-07T14:00:00Z"'
# Without --horizon, no such section; without a lifecycle: block, one line says why there is none.
run_cmd 0 "$EIGHTSYNC" plan -c "$WORK/cfg.yaml"
expect_not_in "$WORK/out" "Lifecycle events"
sed '/^lifecycle:/,/^safety:/{/^safety:/!d}' "$WORK/cfg.yaml" >"$WORK/no-lifecycle.yaml"
run_cmd 0 "$EIGHTSYNC" plan -c "$WORK/no-lifecycle.yaml" --horizon 14d
expect_in "$WORK/out" "Lifecycle events in the next 14d: none, the config has no \`lifecycle:\` block (HR's status alone decides)"
run_cmd 0 "$EIGHTSYNC" plan -c "$WORK/no-lifecycle.yaml" --horizon 14d --json
expect_in "$WORK/out" '"lifecycle_events":{"enabled":false,"horizon_seconds":1209600}'
run_cmd 64 "$EIGHTSYNC" plan -c "$WORK/cfg.yaml" --horizon soon
expect_in "$WORK/err" "expected a duration such as 14d or 36h"

# An operator's link settles the possible duplicate: the next plan updates that user instead.
run_cmd 0 "$EIGHTSYNC" link -c "$WORK/cfg.yaml" 00110 "$(id_of jmueller@example.com)"
# From here a state database exists: the plan's reads are paced by the budget stored there,
# shared with the service (invariant 8).
run_cmd 0 "$EIGHTSYNC" plan -c "$WORK/cfg.yaml" --full
[ "$(sqlite3 -batch "$WORK/state.db" "SELECT count(*) FROM rate_limit_slots")" -ge 1 ] ||
  fail "plan's request was not counted in the shared rate-limit budget"
checks=$((checks + 1))
expect_in "$WORK/out" "Conflicts (2)"
expect_in "$WORK/out" "  00110  jmueller@example.com (id $(id_of jmueller@example.com))"
expect_in "$WORK/out" "[change_user_name] 00110"
expect_not_in "$WORK/out" "[possible_duplicate]"

# No token: says where it looked, exits 6, reads nothing.
run_cmd 6 env -u EIGHTSYNC_TOKEN "$EIGHTSYNC" plan -c "$WORK/cfg.yaml"
expect_in "$WORK/err" "environment variable EIGHTSYNC_TOKEN is not set"
expect_not_in "$WORK/err" "it-token"

# A revoked token (SCIM switched off and on in Admin Console): 401, exit 6, no plan printed.
emu_curl DELETE /_emulator/token >/dev/null
run_cmd 6 "$EIGHTSYNC" plan -c "$WORK/cfg.yaml"
expect_in "$WORK/err" "8x8 refused the token (401)"
expect_not_in "$WORK/out" "Create ("
expect_not_in "$WORK/err" "it-token"

# 8x8 unreachable: the emulator is gone and its port is closed. Exit 7, marked PARTIAL, and the
# plan holds no write at all.
kill "$EMU_PID"
wait "$EMU_PID" 2>/dev/null || true
run_cmd 7 "$EIGHTSYNC" plan -c "$WORK/cfg.yaml"
expect_in "$WORK/err" "8x8 could not be reached at http://$EMU/scim/v2"
expect_in "$WORK/err" "the plan above is PARTIAL"
expect_in "$WORK/out" "0 writes"
done_ok
