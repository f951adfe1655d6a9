#!/usr/bin/env bash
# Issue 13, finding 13: messages say what happened.
# - `status` shows a cycle whose CLI process was killed as "interrupted", not "running"; the next
#   sync records it so.
# - `plan` opens the state database read-only: an existing empty file stays empty (no schema,
#   no URL binding, no -wal), and a database is never upgraded.
# - a read-only state directory is "read-only: DIR is not writable by USER", not SQLite's
#   "attempt to write a readonly database" (as another user when this runs as root; skipped
#   there when setpriv or the group nogroup is missing).
source "$(dirname "$0")/lib.bash"

start_emulator
emu_curl POST /_emulator/users "$(cat "$EIGHTSYNC_SOURCE_DIR/config/examples/emulator-users.json")" >/dev/null
example_config "$WORK/cfg.yaml"
export EIGHTSYNC_TOKEN=it-token
DB="$WORK/state.db"

# ---- plan and an existing empty file.
: >"$DB"
run_cmd 0 "$EIGHTSYNC" plan -c "$WORK/cfg.yaml"
expect_in "$WORK/out" "Plan: 28 operations"
expect_eq "size of the empty state file after plan" "$(stat -c %s "$DB")" 0
expect_eq "files next to it" "$(cd "$WORK" && ls state.db* | tr '\n' ' ')" "state.db "
rm -f "$DB"

# ---- a killed CLI cycle: status says interrupted, the next sync records it.
emu_curl POST /_emulator/faults '{"kind":"slow","delay_ms":20000,"method":"GET","next":1}' >/dev/null
"$EIGHTSYNC" sync -c "$WORK/cfg.yaml" >"$WORK/killed.out" 2>&1 &
pid=$!
wait_for 15 "SELECT count(*) FROM cycles WHERE outcome IS NULL" 1
kill -9 "$pid"
wait "$pid" 2>/dev/null || true
emu_curl DELETE /_emulator/faults >/dev/null
run_cmd 0 "$EIGHTSYNC" status -c "$WORK/cfg.yaml"
expect_in "$WORK/out" "last cycle   cycle 1  interrupted  "
expect_not_in "$WORK/out" "running"
expect_in "$WORK/out" "its process ended during the cycle (killed or crashed); the next \`eightsync sync\` or the service records it as interrupted"
expect_in "$WORK/out" "no eightsync process holds the writer lock"
run_cmd 0 "$EIGHTSYNC" status -c "$WORK/cfg.yaml" --json
expect_in "$WORK/out" '"outcome":"interrupted"'
expect_eq "outcome stored before the next writer" "$(sqlite3 -batch "$DB" "SELECT outcome IS NULL FROM cycles WHERE id = 1")" 1
run_cmd 0 "$EIGHTSYNC" sync -c "$WORK/cfg.yaml"
expect_eq "outcome recorded by the next sync" "$(sqlite3 -batch "$DB" "SELECT outcome FROM cycles WHERE id = 1")" interrupted

# ---- plan never upgrades a database made by an older eightsync: it refuses to read it, and
# leaves it as it was.
cp "$DB" "$WORK/old.db"
version=$(sqlite3 -batch "$DB" "PRAGMA user_version")
sqlite3 -batch "$WORK/old.db" "PRAGMA user_version = $((version - 1))"
sed "s#$DB#$WORK/old.db#" "$WORK/cfg.yaml" >"$WORK/old.yaml"
before=$(sha256sum <"$WORK/old.db")
run_cmd 3 "$EIGHTSYNC" plan -c "$WORK/old.yaml"
expect_in "$WORK/err" "has schema version $((version - 1))"
expect_eq "the older database after plan" "$(sha256sum <"$WORK/old.db")" "$before"
expect_eq "its version after plan" "$(sqlite3 -batch "$WORK/old.db" "PRAGMA user_version")" "$((version - 1))"

# ---- a read-only state directory.
STATE="$WORK/ro"
mkdir "$STATE"
sed "s#$DB#$STATE/state.db#" "$WORK/cfg.yaml" >"$WORK/ro.yaml"
run_cmd 0 "$EIGHTSYNC" sync -c "$WORK/ro.yaml"
as_runner=()
if [ "$(id -u)" = 0 ]; then
  if ! command -v setpriv >/dev/null || ! getent group nogroup >/dev/null; then
    echo "note: skipped the read-only directory (as root it needs setpriv and the group nogroup)"
    done_ok
    exit 0
  fi
  as_runner=(setpriv --reuid=65534 --regid="$(getent group nogroup | cut -d: -f3)" --clear-groups --)
  user=nobody
  # The files are writable by anyone, the directory by root only.
  chmod 0755 "$WORK" "$STATE"
  chmod 0644 "$WORK/ro.yaml"
  chmod 0666 "$STATE/state.db" "$STATE/state.db.lock"
else
  user=$(id -un)
  chmod 0555 "$STATE"
  trap 'chmod 0755 "$STATE" 2>/dev/null; kill "$EMU_PID" 2>/dev/null || true; wait "$EMU_PID" 2>/dev/null || true; cleanup_work' EXIT
fi
expect_eq "files of a stopped writer" "$(cd "$STATE" && ls | tr '\n' ' ')" "state.db state.db.lock "
run_cmd 3 "${as_runner[@]}" "$EIGHTSYNC" sync -c "$WORK/ro.yaml"
expect_in "$WORK/err" "read-only: $STATE is not writable by $user"
expect_not_in "$WORK/err" "attempt to write a readonly database"

done_ok
