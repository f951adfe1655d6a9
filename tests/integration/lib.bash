# Shared helpers for eightsync's shell integration tests (sourced, not a test itself).
# Each test gets its own temp dir, removed on exit, and the binaries from CTest's environment.
set -euo pipefail
: "${EIGHTSYNC:?EIGHTSYNC (path to the eightsync binary) must be set by CTest}"
: "${EIGHTSYNC_SOURCE_DIR:?}"
: "${EIGHTSYNC_FIXTURES_DIR:?}"
WORK=$(mktemp -d "${TMPDIR:-/tmp}/eightsync-it.XXXXXX")
# EIGHTSYNC_KEEP_WORK=1 keeps the temp dir (state.db, logs) for a look after a failure.
cleanup_work() { if [ "${EIGHTSYNC_KEEP_WORK:-0}" = 1 ]; then echo "kept $WORK" >&2; else rm -rf "$WORK"; fi; }
trap cleanup_work EXIT
checks=0

fail() { echo "FAIL: $*" >&2; exit 1; }

# run_cmd EXPECTED_EXIT CMD...: runs CMD, keeps stdout/stderr in $WORK/out and $WORK/err.
run_cmd() {
  local want=$1; shift
  local got=0
  "$@" >"$WORK/out" 2>"$WORK/err" || got=$?
  if [ "$got" -ne "$want" ]; then
    echo "--- stdout"; cat "$WORK/out"; echo "--- stderr"; cat "$WORK/err"
    fail "$* exited $got, expected $want"
  fi
  checks=$((checks + 1))
}

# expect_in FILE TEXT: FILE ($WORK/out or $WORK/err) contains TEXT literally.
expect_in() {
  grep -qF -- "$2" "$1" || { echo "--- $1"; cat "$1"; fail "expected to find: $2"; }
  checks=$((checks + 1))
}

expect_not_in() {
  if grep -qF -- "$2" "$1"; then echo "--- $1"; cat "$1"; fail "did not expect: $2"; fi
  checks=$((checks + 1))
}

done_ok() { echo "$checks passed, 0 failed"; }

# start_emulator [FLAGS...]: starts eightsync-emulator on 127.0.0.1 port 0 with token
# "it-token" (override with --token), sets EMU (host:port) and EMU_PID, and stops it on exit.
start_emulator() {
  : "${EIGHTSYNC_EMULATOR:?EIGHTSYNC_EMULATOR (path to eightsync-emulator) must be set by CTest}"
  local fifo="$WORK/emu.addr.$$.$RANDOM"
  mkfifo "$fifo"
  "$EIGHTSYNC_EMULATOR" --listen 127.0.0.1:0 --token it-token "$@" >"$fifo" 2>>"$WORK/emulator.log" &
  EMU_PID=$!
  read -r EMU <"$fifo" || fail "the emulator printed no address (see $WORK/emulator.log)"
  rm -f "$fifo"
  EMU=${EMU##* }
  trap 'kill "$EMU_PID" 2>/dev/null || true; wait "$EMU_PID" 2>/dev/null || true; cleanup_work' EXIT
}

# emu_curl METHOD PATH [BODY]: an admin or SCIM request to the emulator over bash's /dev/tcp
# (no HTTP client is needed on the machine); prints the answer's body. With EMU_AUTH set, sends
# it as the bearer token (a SCIM call made "by an admin").
emu_curl() {
  local method=$1 path=$2 body=${3-} len answer auth=""
  [ -n "${EMU_AUTH:-}" ] && auth="Authorization: Bearer $EMU_AUTH"$'\r\n'

  len=$(LC_ALL=C; printf '%s' "$body" | wc -c)
  exec 9<>"/dev/tcp/${EMU%:*}/${EMU##*:}" || fail "cannot connect to the emulator at $EMU"
  printf '%s %s HTTP/1.1\r\nHost: %s\r\n%sContent-Type: application/json\r\nContent-Length: %d\r\nConnection: close\r\n\r\n%s' \
    "$method" "$path" "$EMU" "$auth" "$len" "$body" >&9
  answer=$(cat <&9; printf x)
  exec 9>&-
  answer=${answer%x}
  local status=${answer%%$'\r\n'*}
  case "$status" in
    "HTTP/1.1 2"*) ;;
    *) fail "emulator: $method $path answered ${status:-nothing}: ${answer#*$'\r\n\r\n'}" ;;
  esac
  printf '%s\n' "${answer#*$'\r\n\r\n'}"
}

# example_config FILE: the shipped example config, pointed at the emulator, the shipped HR
# export, a state database in $WORK, a fast rate (1000 requests per 1s: eightsync spaces them
# evenly, one every 1.01 ms, so a test is never held up by pacing), one try per request,
# source.settle 1s and a token from $EIGHTSYNC_TOKEN.
example_config() {
  sed -e "s#url: http://127.0.0.1:8443/scim/v2#url: http://$EMU/scim/v2#" \
      -e "s#path: examples/hr.csv#path: $EIGHTSYNC_SOURCE_DIR/config/examples/hr.csv#" \
      -e "s#/var/lib/eightsync/state.db#$WORK/state.db#" \
      -e "s#requests: 10#requests: 1000#" \
      -e "s#per: 60s#per: 1s#" \
      -e "s#attempts: 5#attempts: 2#" \
      -e "s#base_delay: 1s#base_delay: 10ms#" \
      -e "s#settle: 3s#settle: 1s#" \
      "$EIGHTSYNC_SOURCE_DIR/config/eightsync.example.yaml" >"$1"
}

# example_config_own_hr FILE: example_config, reading a copy of the example export at
# $WORK/hr.csv that the test may edit; the state database is $DB ($WORK/state.db).
example_config_own_hr() {
  example_config "$1"
  sed -i "s#path: $EIGHTSYNC_SOURCE_DIR/config/examples/hr.csv#path: $WORK/hr.csv#" "$1"
  cp "$EIGHTSYNC_SOURCE_DIR/config/examples/hr.csv" "$WORK/hr.csv"
  DB="$WORK/state.db"
}

# emu_posts: how many POSTs the emulator's log holds.
emu_posts() { emu_curl GET /_emulator/log | grep -o '"method":"POST"' | wc -l; }

# The 8x8 id of the emulator's user with this userName (each user's top-level fields sit
# before its first '{' in the dump).
id_of() {
  local id
  id=$(emu_curl GET /_emulator/users | tr '{' '\n' | grep -F "\"userName\":\"$1\"" | grep -o '"id":"[^"]*"' | cut -d'"' -f4)
  [ -n "$id" ] || fail "the emulator has no user $1"
  printf '%s' "$id"
}

# emu_user USERNAME: that user's top-level JSON fields as the emulator stores them (one line).
emu_user() {
  emu_curl GET /_emulator/users | sed 's/},{"schemas"/}\n{"schemas"/g' | grep -F "\"userName\":\"$1\""
}

# expect_eq WHAT GOT WANT
expect_eq() {
  [ "$2" = "$3" ] || fail "$1: got '$2', expected '$3'"
  checks=$((checks + 1))
}

# sql SQL: runs SQL on the state database $DB (no daemon writing it); fails the test on an error.
sql() { sqlite3 -batch "$DB" "$1"; }

# expect_sql SQL WANT: SQL on $DB prints exactly WANT.
expect_sql() { expect_eq "sqlite3: $1" "$(sql "$1")" "$2"; }

# ---- helpers for the daemon tests ----

# state_sql SQL: runs SQL on the state database $DB while a daemon may be writing it; prints
# nothing when it cannot (the file does not exist yet, or is busy for a moment).
state_sql() { sqlite3 -batch "$DB" "$1" 2>/dev/null || true; }

# wait_for SECONDS SQL WANT: polls $DB until SQL prints WANT; otherwise prints
# $WORK/daemon.log and fails.
wait_for() {
  local deadline=$((SECONDS + $1)) got
  while [ $SECONDS -lt $deadline ]; do
    got=$(state_sql "$2")
    [ "$got" = "$3" ] && { checks=$((checks + 1)); return 0; }
    sleep 0.2
  done
  echo "--- daemon log"; cat "$WORK/daemon.log" 2>/dev/null
  fail "waited $1 s for '$2' to be '$3' (last: '$got')"
}

# wait_for_log SECONDS TEXT: waits until $WORK/daemon.log holds TEXT; otherwise prints the log
# and fails.
wait_for_log() {
  local deadline=$((SECONDS + $1))
  until grep -qF -- "$2" "$WORK/daemon.log" 2>/dev/null; do
    [ $SECONDS -lt $deadline ] || { echo "--- daemon log"; cat "$WORK/daemon.log" 2>/dev/null; fail "waited $1 s for '$2' in the daemon log"; }
    sleep 0.1
  done
  checks=$((checks + 1))
}

# ---- helpers for the fault and crash tests ----

# hr_export FILE N [FIRST] [KEY_PREFIX] [DOMAIN]: an HR CSV in the shipped example's columns
# with N in-scope employees, numbered from FIRST (default 1): key KEY_PREFIX + five digits
# (default prefix "E"), userName/email user<i>@DOMAIN (default example.com), office alternating
# London/Austin.
hr_export() {
  local file=$1 n=$2 first=${3:-1} prefix=${4:-E} domain=${5:-example.com}
  {
    echo "employee_id,first_name,last_name,preferred_name,email,title,department,office,employment_type,status,mobile,manager_id,start_date"
    awk -v n="$n" -v first="$first" -v p="$prefix" -v d="$domain" 'BEGIN {
      for (i = first; i < first + n; i++)
        printf "%s%05d,Given%d,Family%d,,user%d@%s,Engineer,Engineering,%s,Employee,Active,,,2024-01-01\n",
          p, i, i, i, i, d, (i % 2 ? "London" : "Austin")
    }'
  } >"$file"
}

# emu_save PATH FILE: an emulator admin answer (e.g. /_emulator/log) saved to FILE.
emu_save() { emu_curl GET "$1" >"$2"; }

# emu_json_sql FILE SQL: runs SQL in sqlite3 with the JSON array in FILE as the table-valued
# `j` (one row per element, the element in `value`), so tests read the emulator's answers
# without jq. Example: emu_json_sql log.json "SELECT count(*) FROM j WHERE value->>'status' = 429"
emu_json_sql() {
  sqlite3 -batch :memory: "CREATE TEMP VIEW j AS SELECT value FROM json_each(readfile('$1')); $2"
}

# emu_duplicate_user_names: prints each userName the emulator holds more than once
# (case-insensitive, as 8x8 compares them); nothing when there is none.
emu_duplicate_user_names() {
  emu_save /_emulator/users "$WORK/dup-users.json"
  emu_json_sql "$WORK/dup-users.json" \
    "SELECT lower(value->>'userName') FROM j GROUP BY 1 HAVING count(*) > 1"
}

# emu_applied_writes_without_audit DB: checks invariant 10 against the emulator's log. Prints
# one line per applied write (POST/PUT/PATCH/DELETE with applied:true) that DB's operations
# table cannot account for; nothing when every one is accounted for:
#  - PUT/PATCH/DELETE on /Users/ID: the applied requests to that method and path are at most the
#    attempts the operations rows with that method and path recorded (a retried PUT can apply
#    twice, once per attempt); DELETE is never sent, so any applied DELETE is reported.
#  - POST: each user the emulator holds has a create row with its id and an applied outcome
#    (ok, resolved_applied), and the applied POSTs in the log are exactly as many as those rows.
#    So call it on an emulator that was not seeded (users a drift fault inserted, userName
#    drift-…, are left out).
emu_applied_writes_without_audit() {
  local db=$1 log="$WORK/audit-log.json" users="$WORK/audit-users.json"
  emu_save /_emulator/log "$log"
  emu_save /_emulator/users "$users"
  sqlite3 -batch "$db" "
    CREATE TEMP TABLE w AS
      SELECT value->>'method' AS method,
             substr(value->>'target', instr(value->>'target', '/Users')) AS path
      FROM json_each(readfile('$log'))
      WHERE value->>'applied' AND value->>'method' IN ('POST', 'PUT', 'PATCH', 'DELETE');
    CREATE TEMP TABLE u AS
      SELECT value->>'id' AS id, value->>'userName' AS user_name FROM json_each(readfile('$users'))
      WHERE value->>'userName' NOT LIKE 'drift-%';
    SELECT 'applied ' || w.method || ' ' || w.path || ' x' || count(*) || ', audited attempts ' ||
           (SELECT coalesce(sum(o.attempts), 0) FROM operations o WHERE o.method = w.method AND o.path = w.path)
      FROM w WHERE w.method <> 'POST' GROUP BY w.method, w.path
      HAVING count(*) > (SELECT coalesce(sum(o.attempts), 0) FROM operations o
                         WHERE o.method = w.method AND o.path = w.path);
    SELECT 'user ' || u.user_name || ' (' || u.id || ') has no applied create row'
      FROM u WHERE NOT EXISTS (
        SELECT 1 FROM operations o WHERE o.kind = 'create' AND o.scim_id = u.id
          AND o.outcome IN ('ok', 'resolved_applied'));
    SELECT 'applied POSTs ' || (SELECT count(*) FROM w WHERE method = 'POST') || ' <> audited creates ' ||
           (SELECT count(DISTINCT scim_id) FROM operations WHERE kind = 'create' AND outcome IN ('ok', 'resolved_applied'))
      WHERE (SELECT count(*) FROM w WHERE method = 'POST') <>
            (SELECT count(DISTINCT scim_id) FROM operations WHERE kind = 'create' AND outcome IN ('ok', 'resolved_applied'));
  "
}

# stop_emulator: stops the emulator start_emulator started (so a test can start a fresh one).
stop_emulator() {
  kill "$EMU_PID" 2>/dev/null || true
  wait "$EMU_PID" 2>/dev/null || true
}

# ---- helpers for the systemd and package tests ----

# unit_verify UNIT WHAT: `systemd-analyze verify` exits 0 and prints nothing about UNIT
# (eightsync.service). Units it pulls in from this machine (network-online.target, …) are not
# judged (--recursive-errors=no), and lines about them are ignored: only lines naming
# eightsync.service count. WHAT names the case in a failure. Extra arguments go to
# systemd-analyze (e.g. --root=DIR).
unit_verify() {
  local unit=$1 what=$2 rc=0
  shift 2
  systemd-analyze verify --man=no --recursive-errors=no "$@" "$unit" >"$WORK/verify.out" 2>&1 || rc=$?
  if [ "$rc" -ne 0 ] || grep -q "eightsync\.service" "$WORK/verify.out"; then
    echo "--- systemd-analyze verify"; cat "$WORK/verify.out"
    fail "systemd-analyze verify $what: exit $rc or a message about eightsync.service"
  fi
  checks=$((checks + 1))
}

# unit_exposure UNIT WHAT MAX: the overall exposure `systemd-analyze security --offline=yes`
# gives UNIT is at most MAX; prints it.
unit_exposure() {
  local unit=$1 what=$2 max=$3 rc=0 score
  systemd-analyze security --offline=yes "$unit" >"$WORK/security.out" 2>&1 || rc=$?
  score=$(sed -n 's/.*Overall exposure level for eightsync\.service: \([0-9][0-9.]*\).*/\1/p' "$WORK/security.out")
  if [ "$rc" -ne 0 ] || [ -z "$score" ]; then
    echo "--- systemd-analyze security"; cat "$WORK/security.out"
    fail "systemd-analyze security --offline=yes $what: exit $rc, no overall exposure level"
  fi
  if ! awk -v s="$score" -v max="$max" 'BEGIN { exit !(s + 0 <= max + 0) }'; then
    echo "--- systemd-analyze security"; grep -v "✓" "$WORK/security.out"
    fail "eightsync.service $what has exposure $score, above $max"
  fi
  echo "exposure $what: $score"
  checks=$((checks + 1))
}

# expect_eightsync_user ROOT: ROOT/etc/passwd and group (after systemd-sysusers) hold the
# system user and group eightsync, home /var/lib/eightsync, shell nologin.
expect_eightsync_user() {
  expect_in "$1/etc/group" "eightsync:x:"
  grep -q '^eightsync:x:[0-9]*:[0-9]*:[^:]*:/var/lib/eightsync:/usr/sbin/nologin$' "$1/etc/passwd" ||
    { cat "$1/etc/passwd"; fail "sysusers made no user eightsync with home /var/lib/eightsync"; }
  checks=$((checks + 1))
}

# expect_eightsync_dirs ROOT: after systemd-tmpfiles --create, ROOT/var/lib/eightsync is 0750
# eightsync:eightsync and ROOT/etc/eightsync 0755 root:root (the modes of eightsync.service).
expect_eightsync_dirs() {
  local uid gid
  uid=$(awk -F: '$1 == "eightsync" { print $3 }' "$1/etc/passwd")
  gid=$(awk -F: '$1 == "eightsync" { print $3 }' "$1/etc/group")
  [ -n "$uid" ] && [ -n "$gid" ] || fail "no user or group eightsync under $1"
  expect_eq "/var/lib/eightsync" "$(stat -c '%a %u %g' "$1/var/lib/eightsync")" "750 $uid $gid"
  expect_eq "/etc/eightsync" "$(stat -c '%a %u %g' "$1/etc/eightsync")" "755 0 0"
}
