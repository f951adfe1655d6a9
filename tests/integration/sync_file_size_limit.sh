#!/usr/bin/env bash
# `sync` under a file size limit (`ulimit -f`, issue 13 finding 10): the state database cannot
# grow. eightsync ignores SIGXFSZ, so the write fails instead of killing the process: the cycle
# ends as any disk error does, with a message naming the state database and the limit, exit 3,
# and nothing is lost. Without the limit, the next sync settles what was left open and finishes:
# every HR user once in 8x8, every applied write audited, the database intact.
source "$(dirname "$0")/lib.bash"

start_emulator
export EIGHTSYNC_TOKEN=it-token
example_config "$WORK/cfg.yaml"
sed -i "s#path: $EIGHTSYNC_SOURCE_DIR/config/examples/hr.csv#path: $WORK/hr.csv#" "$WORK/cfg.yaml"
sed -i -e "s#max_creates: 100#max_creates: 1000#" "$WORK/cfg.yaml"
DB="$WORK/state.db"
sql() { sqlite3 -batch "$DB" "$1"; }

# A first, small sync creates the state database.
hr_export "$WORK/hr.csv" 5
run_cmd 0 "$EIGHTSYNC" sync -c "$WORK/cfg.yaml"
sql "PRAGMA wal_checkpoint(TRUNCATE)" >/dev/null

# 400 more people: recording them needs far more room than the limit leaves (bash counts
# `ulimit -f` in 1024-byte blocks).
hr_export "$WORK/hr.csv" 405
size_kb=$(( ($(stat -c %s "$DB") + 1023) / 1024 ))
got=0
( ulimit -f "$((size_kb + 16))"; exec "$EIGHTSYNC" sync -c "$WORK/cfg.yaml" ) >"$WORK/out" 2>"$WORK/err" || got=$?
[ "$got" -ne $((128 + 25)) ] || fail "sync was killed by SIGXFSZ (exit $got)"
expect_eq "exit code at the file size limit" "$got" "3"
expect_in "$WORK/err" "eightsync sync: state database $DB"
expect_in "$WORK/err" "file too large"

# Without the limit, the next sync settles and finishes the work; nothing is lost or doubled.
run_cmd 0 "$EIGHTSYNC" sync -c "$WORK/cfg.yaml"
expect_eq "duplicate userNames" "$(emu_duplicate_user_names)" ""
expect_eq "users in 8x8" "$(emu_curl GET /_emulator/health | grep -o '"users":[0-9]*')" '"users":405'
expect_eq "applied writes without an audit row" "$(emu_applied_writes_without_audit "$DB")" ""
expect_eq "writes without an outcome" "$(sql "SELECT count(*) FROM operations WHERE outcome IS NULL")" "0"
expect_eq "cycles without an outcome" "$(sql "SELECT count(*) FROM cycles WHERE outcome IS NULL")" "0"
expect_eq "integrity" "$(sql "PRAGMA integrity_check")" "ok"
expect_eq "links" "$(sql "SELECT count(*) FROM user_links")" "405"

done_ok
