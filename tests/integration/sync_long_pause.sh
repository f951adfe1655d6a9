#!/usr/bin/env bash
# A pause can never silence eightsync (issue 13, findings 1 and 2), from the command line:
# - one 429 with `Retry-After: 999999999` is capped at target.retry.max_pause (1h), logged;
# - the next `sync` and `plan` meet a wait longer than --max-wait (60 s): each exits 11 at once,
#   naming the wait and when it ends, and records no cycle; `status` (and --json) shows the pause;
#   `status --clear-pause` clears it (taking the writer lock), and the next `sync` works;
# - a stored pause in 2099 (beyond max_pause) is clamped to max_pause when loaded, with a warning;
# - a rate_limit_slots row in 2099 (a wall clock stepped back) is clamped with a warning and does
#   not hold anything up.
# Each command runs under `timeout`: the code before this fix slept for a year.
source "$(dirname "$0")/lib.bash"

start_emulator
emu_curl POST /_emulator/users "$(cat "$EIGHTSYNC_SOURCE_DIR/config/examples/emulator-users.json")" >/dev/null
example_config "$WORK/cfg.yaml"
export EIGHTSYNC_TOKEN=it-token
DB="$WORK/state.db"
sql() { sqlite3 -batch "$DB" "$1"; }
es() { timeout 30 "$EIGHTSYNC" "$@"; }
now=$(date -u +%s)
# iso_to_unix ISO: seconds since the epoch of an ISO-8601 UTC time such as 2024-01-01T00:00:00.000Z.
iso_to_unix() { date -u -d "$(printf '%s' "$1" | sed 's/T/ /; s/\.[0-9]*Z$//; s/Z$//')" +%s; }

# --- one huge Retry-After ------------------------------------------------------------------------
# The first SCIM request of the first sync answers 429 with a Retry-After of 31 years.
emu_curl POST /_emulator/faults '{"kind":"retry_after","value":"999999999","next":1}' >/dev/null
got=0
es sync -c "$WORK/cfg.yaml" >"$WORK/out" 2>"$WORK/err" || got=$?
[ "$got" -ne 124 ] || fail "sync stalled on a Retry-After of 999999999 s"
expect_in "$WORK/err" "scim.retry_after_capped"
paused=$(sql "SELECT value FROM meta WHERE key = 'rate_limit.paused_until'")
[ -n "$paused" ] || fail "no pause stored after a 429"
until_s=$(iso_to_unix "$paused")
[ $((until_s - now)) -le 3700 ] || fail "the stored pause $paused is beyond max_pause (1h)"
[ $((until_s - now)) -ge 3500 ] || fail "the stored pause $paused is shorter than max_pause (1h)"
checks=$((checks + 1))
cycles=$(sql "SELECT count(*) FROM cycles")

# The next sync meets the pause: it exits 11 at once, naming the wait and its end, and records
# no cycle.
start=$SECONDS
run_cmd 11 es sync -c "$WORK/cfg.yaml"
[ $((SECONDS - start)) -le 10 ] || fail "sync took $((SECONDS - start)) s to refuse the wait"
expect_in "$WORK/err" "eightsync sync: 8x8 asked eightsync to pause"
expect_in "$WORK/err" "until ${paused%.*}"
expect_in "$WORK/err" "longer than --max-wait (1m)"
expect_in "$WORK/err" "nothing was sent"
expect_eq "cycles after a refused wait" "$(sql "SELECT count(*) FROM cycles")" "$cycles"
# plan as well.
run_cmd 11 es plan -c "$WORK/cfg.yaml"
expect_in "$WORK/err" "eightsync plan: 8x8 asked eightsync to pause"
expect_in "$WORK/err" "until ${paused%.*}"
# --max-wait is checked on the command line.
run_cmd 64 "$EIGHTSYNC" sync -c "$WORK/cfg.yaml" --max-wait soon

# status shows the pause, in text and JSON.
run_cmd 0 "$EIGHTSYNC" status -c "$WORK/cfg.yaml"
expect_in "$WORK/out" "pause        8x8 asked eightsync to pause: no request before ${paused%.*}"
expect_in "$WORK/out" "eightsync status --clear-pause"
run_cmd 0 "$EIGHTSYNC" status -c "$WORK/cfg.yaml" --json
expect_in "$WORK/out" "\"pause\":{\"until\":\"$paused\""
expect_in "$WORK/out" '"reason":"retry_after"'

# --clear-pause takes the writer lock and clears it; the next sync runs.
run_cmd 0 "$EIGHTSYNC" status -c "$WORK/cfg.yaml" --clear-pause
expect_in "$WORK/out" "cleared the pause until $paused"
expect_eq "pause after --clear-pause" "$(sql "SELECT count(*) FROM meta WHERE key = 'rate_limit.paused_until'")" "0"
run_cmd 0 "$EIGHTSYNC" status -c "$WORK/cfg.yaml" --json
expect_in "$WORK/out" '"pause":null'
run_cmd 0 "$EIGHTSYNC" status -c "$WORK/cfg.yaml" --clear-pause
expect_in "$WORK/out" "no pause to clear"
run_cmd 0 es sync -c "$WORK/cfg.yaml"
expect_in "$WORK/out" ": ok"

# --- stored times from a clock that has since stepped back ----------------------------------------
# A pause in 2099: clamped to max_pause (1h) when loaded, with a warning; sync refuses to wait.
sql "INSERT INTO meta (key, value) VALUES ('rate_limit.paused_until', '2099-01-01T00:00:00.000Z')"
run_cmd 11 es sync -c "$WORK/cfg.yaml"
expect_in "$WORK/err" "pacing.clamped"
paused=$(sql "SELECT value FROM meta WHERE key = 'rate_limit.paused_until'")
[ $(($(iso_to_unix "$paused") - $(date -u +%s))) -le 3610 ] || fail "the pause in 2099 was not clamped: $paused"
checks=$((checks + 1))
# With a short max_pause, the clamped pause is waited out and the sync (a full one: it sends)
# goes on.
sed 's#    max_pause: 1h#    max_pause: 2s#' "$WORK/cfg.yaml" >"$WORK/cfg-short.yaml"
run_cmd 0 "$EIGHTSYNC" check-config -c "$WORK/cfg-short.yaml"
sql "UPDATE meta SET value = '2099-01-01T00:00:00.000Z' WHERE key = 'rate_limit.paused_until'"
start=$SECONDS
run_cmd 0 es sync -c "$WORK/cfg-short.yaml" --full
expect_in "$WORK/err" "pacing.clamped"
expect_in "$WORK/out" ": ok"
[ $((SECONDS - start)) -le 15 ] || fail "the clamped 2 s pause took $((SECONDS - start)) s"
checks=$((checks + 1))

# A send slot in 2099 (the wall clock was stepped back since it was recorded): a full sync
# sends at once.
sql "INSERT INTO rate_limit_slots (sent_at) VALUES ('2099-01-01T00:00:00.000Z')"
start=$SECONDS
run_cmd 0 es sync -c "$WORK/cfg.yaml" --full
[ $((SECONDS - start)) -le 20 ] || fail "a slot in 2099 held the sync for $((SECONDS - start)) s"
expect_in "$WORK/err" "pacing.clamped"
expect_in "$WORK/out" ": ok"
expect_eq "slots in 2099" "$(sql "SELECT count(*) FROM rate_limit_slots WHERE sent_at >= '2099'")" "0"
run_cmd 0 "$EIGHTSYNC" status -c "$WORK/cfg.yaml" --json
expect_in "$WORK/out" '"pause":null'

done_ok
