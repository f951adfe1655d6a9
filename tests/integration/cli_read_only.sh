#!/usr/bin/env bash
# An admin in the service's group reads the audit without root and without write access, as
# the systemd unit sets it up (state directory 0750 with the group, files 0640): `status` and
# `audit` work both while the service is stopped (no -wal/-shm files, which a reader could not
# create) and while it runs (it holds them); plain sqlite3 works as README.md says; a command
# that writes (approve) says plainly that it cannot. Runs as root to drop to nobody:nogroup with
# setpriv; skips (77) where that is not possible.
source "$(dirname "$0")/lib.bash"
if [ "$(id -u)" != 0 ] || ! command -v setpriv >/dev/null || ! getent group nogroup >/dev/null; then
  echo "skipped: needs root, setpriv and the group nogroup to act as a reader without write access"
  exit 77
fi
GID=$(getent group nogroup | cut -d: -f3)
# as_reader CMD...: runs CMD as nobody, a member of the state directory's group only.
as_reader() { setpriv --reuid=65534 --regid="$GID" --clear-groups -- "$@"; }
as_reader test -x "$EIGHTSYNC" || { echo "skipped: nobody cannot run $EIGHTSYNC"; exit 77; }

start_emulator
emu_curl POST /_emulator/users "$(cat "$EIGHTSYNC_SOURCE_DIR/config/examples/emulator-users.json")" >/dev/null
example_config "$WORK/cfg.yaml"
STATE="$WORK/state"
DB="$STATE/state.db"
sed -i "s#$WORK/state.db#$DB#" "$WORK/cfg.yaml"
chmod 0755 "$WORK"
chmod 0644 "$WORK/cfg.yaml"
# The unit's StateDirectory=eightsync with mode 0750 and UMask=0027; the setgid bit stands in for
# the files being owned by the service's group.
mkdir -m 2750 "$STATE"
chgrp nogroup "$STATE"
export EIGHTSYNC_TOKEN=it-token
(umask 0027 && "$EIGHTSYNC" sync -c "$WORK/cfg.yaml" >"$WORK/sync.out" 2>&1) || fail "the first sync failed: $(cat "$WORK/sync.out")"
expect_eq "files left by a stopped writer" "$(cd "$STATE" && ls)" "$(printf 'state.db\nstate.db.lock')"
expect_eq "state.db's mode and group" "$(stat -c '%a %G' "$DB")" "640 nogroup"

# The reader cannot write anything there: not the database, not the directory.
as_reader test -w "$DB" && fail "the reader can write $DB"
as_reader test -w "$STATE" && fail "the reader can write $STATE"
checks=$((checks + 1))

# Service stopped: status and audit work all the same.
run_cmd 0 as_reader "$EIGHTSYNC" status -c "$WORK/cfg.yaml"
expect_in "$WORK/out" "last cycle   cycle 1  ok  full  cli  "
expect_in "$WORK/out" "no eightsync process holds the writer lock"
run_cmd 0 as_reader "$EIGHTSYNC" audit -c "$WORK/cfg.yaml" cycles
expect_in "$WORK/out" "cycle 1  ok  full  cli  "
run_cmd 0 as_reader "$EIGHTSYNC" audit -c "$WORK/cfg.yaml" show 1 --json
expect_in "$WORK/out" '"kind":"create"'
run_cmd 0 as_reader "$EIGHTSYNC" audit -c "$WORK/cfg.yaml" user 00104
expect_in "$WORK/out" "jose.garcia@example.com"
run_cmd 0 as_reader "$EIGHTSYNC" manual-actions -c "$WORK/cfg.yaml"
expect_in "$WORK/out" "[assign_license]"
# ... and leave nothing behind.
expect_eq "files after the reads" "$(cd "$STATE" && ls)" "$(printf 'state.db\nstate.db.lock')"
# Plain sqlite3, as README.md shows it for a stopped service.
expect_eq "sqlite3 immutable" \
  "$(as_reader sqlite3 -batch "file:$DB?mode=ro&immutable=1" 'SELECT outcome FROM cycles WHERE id = 1')" ok
# A command that writes says why it cannot.
run_cmd 3 as_reader "$EIGHTSYNC" manual-actions -c "$WORK/cfg.yaml" --resolve 1
expect_in "$WORK/err" "eightsync manual-actions: "
expect_in "$WORK/err" "$DB"

# Service running: it holds the -wal and -shm files; the reader uses them without writing.
(umask 0027 && exec "$EIGHTSYNC" run -c "$WORK/cfg.yaml" >"$WORK/daemon.log" 2>&1) &
daemon=$!
trap 'kill "$daemon" "$EMU_PID" 2>/dev/null || true; wait 2>/dev/null || true; cleanup_work' EXIT
wait_for 60 "SELECT outcome FROM cycles WHERE id = 2" "ok"
[ -e "$DB-wal" ] && [ -e "$DB-shm" ] || fail "the running service holds no -wal/-shm files: $(ls "$STATE")"
# (The start right after `sync` lists nothing: its complete listing is recent, schedule.full_reconcile not due.)
run_cmd 0 as_reader "$EIGHTSYNC" status -c "$WORK/cfg.yaml"
expect_in "$WORK/out" "last cycle   cycle 2  ok  incremental  startup  "
expect_in "$WORK/out" "running: eightsync pid $daemon holds the writer lock"
run_cmd 0 as_reader "$EIGHTSYNC" audit -c "$WORK/cfg.yaml" cycles --json
expect_in "$WORK/out" '"triggered_by":"startup"'
expect_eq "plain sqlite3 while the service runs" \
  "$(as_reader sqlite3 -batch "$DB" 'SELECT count(*) FROM cycles')" 2
kill -TERM "$daemon"
wait "$daemon" || fail "eightsync run exited $? on SIGTERM"
done_ok
