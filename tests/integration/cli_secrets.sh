#!/usr/bin/env bash
# Issue 13, findings 6 and 7, against the emulator's `echo_token` fault (an 8x8 whose error
# `detail` repeats the bearer token, without the word "Bearer"):
# - plan and sync print the token nowhere (stdout, stderr, -v logs) and store it nowhere
#   (cycles.error, operations.error_detail, user_backoff, the -wal);
# - a 20 MB detail is printed and stored as at most 4 KB, with its size;
# - check-config never echoes a token pasted into token_env, nor a rejected value from ${VAR};
# - every command runs with no core file and non-dumpable.
source "$(dirname "$0")/lib.bash"

TOKEN='Tk9-sEcReT.42zQ-it'
start_emulator
emu_curl POST /_emulator/token "{\"token\":\"$TOKEN\"}" >/dev/null
emu_curl POST /_emulator/users "$(cat "$EIGHTSYNC_SOURCE_DIR/config/examples/emulator-users.json")" >/dev/null
# Users that show both of the example's sites exist, so a refused create is that user's failure
# (a 400 to a site no user carries would be blamed on the site).
X8=urn:ietf:params:scim:schemas:extension:8x8:1.1:User
emu_curl POST /_emulator/users "[{\"userName\":\"site.one@example.com\",\"$X8\":{\"site\":\"London HQ\"}},
  {\"userName\":\"site.two@example.com\",\"$X8\":{\"site\":\"Austin\"}}]" >/dev/null
example_config "$WORK/cfg.yaml"
DB="$WORK/state.db"
export EIGHTSYNC_TOKEN="$TOKEN"

# no_token_in FILE...: the token appears in none of them (that exist).
no_token_in() {
  local f
  for f in "$@"; do
    [ -e "$f" ] || continue
    if grep -qaF -- "$TOKEN" "$f"; then
      echo "--- $f"; grep -aF -- "$TOKEN" "$f" | cut -c1-300
      fail "the token appears in $f"
    fi
    checks=$((checks + 1))
  done
}
# run_any CMD...: runs CMD whatever its exit status; keeps it in $rc, stdout/stderr in $WORK/out, err.
run_any() { rc=0; "$@" >"$WORK/out" 2>"$WORK/err" || rc=$?; }

# ---- plan: the listing's answer repeats the token.
emu_curl POST /_emulator/faults '{"kind":"echo_token","method":"GET","next":1}' >/dev/null
run_cmd 7 "$EIGHTSYNC" plan -c "$WORK/cfg.yaml" -v
expect_in "$WORK/err" "reading 8x8 failed: invalid (HTTP 400): the credential [redacted] may not do this"
no_token_in "$WORK/out" "$WORK/err"
run_cmd 0 "$EIGHTSYNC" plan -c "$WORK/cfg.yaml" --json  # the fault expired: a normal plan
[ ! -e "$DB" ] || fail "plan created the state database"

# ---- sync: the listing fails with the token in its detail; cycles.error holds it redacted.
emu_curl POST /_emulator/faults '{"kind":"echo_token","method":"GET","next":1}' >/dev/null
run_any "$EIGHTSYNC" sync -c "$WORK/cfg.yaml" -v
[ "$rc" -ne 0 ] || fail "sync succeeded although 8x8 could not be listed"
expect_in "$WORK/out" "the credential [redacted] may not do this"
no_token_in "$WORK/out" "$WORK/err" "$DB" "$DB-wal"
expect_eq "cycle 1's error" \
  "$(sqlite3 -batch "$DB" "SELECT error LIKE '%the credential [redacted] may not do this%' FROM cycles WHERE id = 1")" 1

# ---- sync: two creates answered with the token; operations and the backoff hold it redacted.
emu_curl POST /_emulator/faults '{"kind":"echo_token","method":"POST","next":2}' >/dev/null
run_any "$EIGHTSYNC" sync -c "$WORK/cfg.yaml" -v
expect_eq "sync with two failed creates" "$rc" 8
no_token_in "$WORK/out" "$WORK/err" "$DB" "$DB-wal"
expect_eq "redacted details" \
  "$(sqlite3 -batch "$DB" "SELECT count(*) FROM operations WHERE error_detail LIKE '%the credential [redacted] may not do this%'")" 2
expect_eq "redacted backoff errors" \
  "$(sqlite3 -batch "$DB" "SELECT count(*) FROM user_backoff WHERE last_error LIKE '%[redacted]%'")" 2
run_cmd 0 "$EIGHTSYNC" audit -c "$WORK/cfg.yaml" show 2
expect_in "$WORK/out" "the credential [redacted] may not do this"
no_token_in "$WORK/out"
run_cmd 0 "$EIGHTSYNC" status -c "$WORK/cfg.yaml" --json
no_token_in "$WORK/out"

# ---- a 20 MB detail: printed and stored as 4 KB plus "… (N bytes)", N its size once the token
# in it became [redacted].
N=$((20000000 - ${#TOKEN} + 10))
emu_curl DELETE /_emulator/faults >/dev/null
emu_curl POST /_emulator/faults '{"kind":"echo_token","method":"GET","detail_bytes":20000000,"next":1}' >/dev/null
run_any "$EIGHTSYNC" sync -c "$WORK/cfg.yaml" --full -v
[ "$rc" -ne 0 ] || fail "sync succeeded although 8x8 could not be listed"
expect_in "$WORK/out" "… ($N bytes)"
no_token_in "$WORK/out" "$WORK/err" "$DB" "$DB-wal"
size=$(($(wc -c <"$WORK/out") + $(wc -c <"$WORK/err")))
[ "$size" -lt 40000 ] || fail "sync printed $size bytes for one 20 MB detail"
expect_eq "stored error of the cycle" \
  "$(sqlite3 -batch "$DB" "SELECT length(error) <= 4200 AND error LIKE '%… ($N bytes)' FROM cycles WHERE id = 3")" 1
emu_curl POST /_emulator/faults '{"kind":"echo_token","method":"GET","detail_bytes":20000000,"next":1}' >/dev/null
run_any "$EIGHTSYNC" plan -c "$WORK/cfg.yaml" --full
expect_eq "plan's exit" "$rc" 7
expect_in "$WORK/err" "… ($N bytes)"
[ "$(wc -c <"$WORK/err")" -lt 10000 ] || fail "plan printed $(wc -c <"$WORK/err") bytes for one 20 MB detail"
checks=$((checks + 1))

# ---- check-config: a token pasted into token_env, as a name-like word or not, and a rejected
# value that came from ${VAR}.
sed "s/^  token_env: EIGHTSYNC_TOKEN/  token_env: $TOKEN/" "$WORK/cfg.yaml" >"$WORK/pasted.yaml"
run_cmd 1 "$EIGHTSYNC" check-config -c "$WORK/pasted.yaml"
expect_in "$WORK/err" "target.token_env: expected an environment variable name such as EIGHTSYNC_TOKEN, found a value that is not one (not shown"
no_token_in "$WORK/out" "$WORK/err"
sed "s/^  token_env: EIGHTSYNC_TOKEN/  token_env: AbCdEf0123456789XyZq/" "$WORK/cfg.yaml" >"$WORK/namelike.yaml"
run_cmd 0 "$EIGHTSYNC" check-config -c "$WORK/namelike.yaml"
expect_in "$WORK/out" "token   read from the environment variable that target.token_env names (not set here"
expect_not_in "$WORK/out" "AbCdEf0123456789XyZq"
run_cmd 0 "$EIGHTSYNC" check-config -c "$WORK/cfg.yaml"
expect_in "$WORK/out" "token   read from the environment variable that target.token_env names (set here)"
sed "s/^  timeout: .*/  timeout: \${EIGHTSYNC_TOKEN}/" "$WORK/cfg.yaml" >"$WORK/wrongvar.yaml"
grep -q 'timeout: ${EIGHTSYNC_TOKEN}' "$WORK/wrongvar.yaml" || fail "the example has no target.timeout to replace"
run_cmd 1 "$EIGHTSYNC" check-config -c "$WORK/wrongvar.yaml"
expect_in "$WORK/err" 'target.timeout: expected a duration such as 30s, 15m or 24h, found "${EIGHTSYNC_TOKEN}"'
no_token_in "$WORK/out" "$WORK/err"

# ---- no core file, not dumpable: a plan waits on a slow answer while its /proc entry is read.
# A non-dumpable process's /proc/PID files belong to root, so the command runs as another user
# (nobody, when this runs as root) for the owner to tell.
as_other=()
if [ "$(id -u)" = 0 ]; then
  if command -v setpriv >/dev/null && getent group nogroup >/dev/null; then
    as_other=(setpriv --reuid=65534 --regid="$(getent group nogroup | cut -d: -f3)" --clear-groups --)
    chmod 0755 "$WORK"
  fi
fi
# Its own config without state (the other user cannot read this test's state database).
sed "s#$DB#$WORK/no-state.db#" "$WORK/cfg.yaml" >"$WORK/slow.yaml"
chmod 0644 "$WORK/slow.yaml"
emu_curl POST /_emulator/faults '{"kind":"slow","delay_ms":3000,"method":"GET","next":1}' >/dev/null
"${as_other[@]}" "$EIGHTSYNC" plan -c "$WORK/slow.yaml" >"$WORK/slow.out" 2>&1 &
pid=$!
core="" owner=""
for _ in $(seq 50); do
  core=$(awk '/^Max core file size/ {print $5 " " $6}' "/proc/$pid/limits" 2>/dev/null || true)
  owner=$(stat -c %U "/proc/$pid/environ" 2>/dev/null || true)
  [ "$core" = "0 0" ] && [ "$owner" = root ] && break
  sleep 0.05
done
wait "$pid" || true
expect_eq "core file size limit of a running command" "$core" "0 0"
if [ "${#as_other[@]}" -gt 0 ] || [ "$(id -u)" != 0 ]; then
  expect_eq "owner of /proc/PID/environ of a running command (root: not dumpable)" "$owner" root
else
  echo "note: not checking dumpable (needs setpriv and the group nogroup when run as root)"
fi

done_ok
