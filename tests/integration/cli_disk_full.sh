#!/usr/bin/env bash
# Issue 13, finding 13: a full disk is reported as "disk full", not as SQLite's "disk I/O error
# (is it an SQLite file?…)". The state database lives on a small tmpfs, in a private mount
# namespace (unshare -m), that a file fills up. Needs root and unshare; skips (77) otherwise.
source "$(dirname "$0")/lib.bash"
if [ "$(id -u)" != 0 ] || ! command -v unshare >/dev/null || ! unshare -m true 2>/dev/null; then
  echo "skipped: needs root and unshare -m to mount a small file system"
  exit 77
fi

start_emulator
emu_curl POST /_emulator/users "$(cat "$EIGHTSYNC_SOURCE_DIR/config/examples/emulator-users.json")" >/dev/null
example_config "$WORK/cfg.yaml"
DISK="$WORK/disk"
mkdir "$DISK"
sed -i "s#$WORK/state.db#$DISK/state.db#" "$WORK/cfg.yaml"
export EIGHTSYNC_TOKEN=it-token

# Everything that needs the small file system runs in one private mount namespace; it prints
# each command's exit status and output into $WORK.
cat >"$WORK/full.sh" <<SCRIPT
set -u
mount -t tmpfs -o size=8m tmpfs "$DISK" || exit 77
"$EIGHTSYNC" sync -c "$WORK/cfg.yaml" >"$WORK/first.out" 2>&1; echo \$? >"$WORK/first.rc"
# Fill what is left but two pages: the lock file can take the pid, SQLite cannot make its -shm.
dd if=/dev/zero of="$DISK/reserve" bs=4096 count=2 >/dev/null 2>&1
dd if=/dev/zero of="$DISK/fill" bs=4096 >/dev/null 2>&1 || true
rm -f "$DISK/reserve"
# A change in HR, so the next cycle has writes to record.
sed 's/,Chief Executive Officer,/,Chief Executive,/' "$EIGHTSYNC_SOURCE_DIR/config/examples/hr.csv" >"$WORK/hr.csv"
sed -i "s#path: $EIGHTSYNC_SOURCE_DIR/config/examples/hr.csv#path: $WORK/hr.csv#" "$WORK/cfg.yaml"
"$EIGHTSYNC" sync -c "$WORK/cfg.yaml" >"$WORK/second.out" 2>"$WORK/second.err"; echo \$? >"$WORK/second.rc"
"$EIGHTSYNC" status -c "$WORK/cfg.yaml" >"$WORK/status.out" 2>&1; echo \$? >"$WORK/status.rc"
SCRIPT
rc=0
unshare -m --propagation private bash "$WORK/full.sh" || rc=$?
[ "$rc" != 77 ] || { echo "skipped: cannot mount a tmpfs here"; exit 77; }
expect_eq "the first sync, with room" "$(cat "$WORK/first.rc")" 0
# The second cycle cannot record anything: it ends with the state database unusable (3), and
# says so plainly.
expect_eq "the second sync, on a full disk" "$(cat "$WORK/second.rc")" 3
expect_in "$WORK/second.err" "disk full: the file system of $DISK has no space left"
expect_not_in "$WORK/second.err" "is it an SQLite file"
expect_not_in "$WORK/second.err" "disk I/O error"

done_ok
