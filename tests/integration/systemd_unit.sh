#!/usr/bin/env bash
# The shipped systemd files, checked as systemd checks them: `systemd-analyze verify` finds
# nothing to say about eightsync.service (also with the export drop-in its header documents),
# `systemd-analyze security --offline=yes` scores it 2.0 or lower ("OK"), and systemd-sysusers
# and systemd-tmpfiles accept the sysusers.d and tmpfiles.d files. Exits 77 (CTest: skipped)
# without systemd-analyze.
source "$(dirname "$0")/lib.bash"

if ! command -v systemd-analyze >/dev/null; then
  echo "skipped: no systemd-analyze"
  exit 77
fi
SRC="$EIGHTSYNC_SOURCE_DIR/systemd"
MAX_EXPOSURE=2.0

# The unit as shipped, but starting the binary under test (verify checks that it is executable).
UNIT="$WORK/units/eightsync.service"
mkdir -p "$WORK/units"
sed "s#^ExecStart=/usr/bin/eightsync #ExecStart=$EIGHTSYNC #" "$SRC/eightsync.service" >"$UNIT"
expect_in "$UNIT" "ExecStart=$EIGHTSYNC run -c /etc/eightsync/eightsync.yaml"

# What the daemon and the README rely on.
for line in Type=notify NotifyAccess=main WatchdogSec= Restart=on-failure TimeoutStopSec= \
  User=eightsync Group=eightsync StateDirectory=eightsync StateDirectoryMode=0750 \
  ConfigurationDirectory=eightsync UMask=0027 LoadCredential=eightsync-token:/etc/eightsync/token \
  ProtectSystem=strict "RestrictAddressFamilies=AF_UNIX AF_INET AF_INET6" CapabilityBoundingSet=; do
  grep -q "^$line" "$UNIT" || fail "eightsync.service has no line starting with $line"
  checks=$((checks + 1))
done

# verify_unit: `systemd-analyze verify` exits 0 and prints nothing about the unit. Units it
# pulls in from this machine (network-online.target, …) are not judged (--recursive-errors=no),
# and lines about them are ignored: only lines naming eightsync.service count.
verify_unit() {
  local rc=0
  systemd-analyze verify --man=no --recursive-errors=no "$UNIT" >"$WORK/verify.out" 2>&1 || rc=$?
  if [ "$rc" -ne 0 ] || grep -q "eightsync\.service" "$WORK/verify.out"; then
    echo "--- systemd-analyze verify"; cat "$WORK/verify.out"
    fail "systemd-analyze verify $1: exit $rc or a message about eightsync.service"
  fi
  checks=$((checks + 1))
}

# check_exposure: the overall exposure of `systemd-analyze security --offline=yes` is at most
# MAX_EXPOSURE.
check_exposure() {
  local rc=0 score
  systemd-analyze security --offline=yes "$UNIT" >"$WORK/security.out" 2>&1 || rc=$?
  score=$(sed -n 's/.*Overall exposure level for eightsync\.service: \([0-9][0-9.]*\).*/\1/p' "$WORK/security.out")
  if [ "$rc" -ne 0 ] || [ -z "$score" ]; then
    echo "--- systemd-analyze security"; cat "$WORK/security.out"
    fail "systemd-analyze security --offline=yes $1: exit $rc, no overall exposure level"
  fi
  if ! awk -v s="$score" -v max="$MAX_EXPOSURE" 'BEGIN { exit !(s + 0 <= max + 0) }'; then
    echo "--- systemd-analyze security"; grep -v "✓" "$WORK/security.out"
    fail "eightsync.service $1 has exposure $score, above $MAX_EXPOSURE"
  fi
  echo "exposure $1: $score"
  checks=$((checks + 1))
}

verify_unit "as shipped"
check_exposure "as shipped"

# The drop-in the unit's header shows for an export under /home.
mkdir -p "$WORK/units/eightsync.service.d"
printf '[Service]\nReadOnlyPaths=/srv/hr-exports\nProtectHome=tmpfs\nBindReadOnlyPaths=/home/hr/exports\n' \
  >"$WORK/units/eightsync.service.d/hr-export.conf"
verify_unit "with the export drop-in"
check_exposure "with the export drop-in"

# sysusers.d: creates the user and group eightsync, with /var/lib/eightsync as home, in an
# image root of its own (nothing on this machine changes).
if command -v systemd-sysusers >/dev/null; then
  run_cmd 0 systemd-sysusers --dry-run "$SRC/eightsync.sysusers.conf"
  mkdir -p "$WORK/root/etc"
  run_cmd 0 systemd-sysusers --root="$WORK/root" "$SRC/eightsync.sysusers.conf"
  expect_in "$WORK/root/etc/group" "eightsync:x:"
  grep -q '^eightsync:x:[0-9]*:[0-9]*:[^:]*:/var/lib/eightsync:/usr/sbin/nologin$' "$WORK/root/etc/passwd" ||
    { cat "$WORK/root/etc/passwd"; fail "sysusers made no user eightsync with home /var/lib/eightsync"; }
  checks=$((checks + 1))

  # tmpfiles.d: the same directories and modes as the unit's, in that image root.
  if command -v systemd-tmpfiles >/dev/null; then
    if [ "$(id -u)" -eq 0 ]; then
      run_cmd 0 systemd-tmpfiles --root="$WORK/root" --create "$SRC/eightsync.tmpfiles.conf"
      uid=$(awk -F: '$1 == "eightsync" { print $3 }' "$WORK/root/etc/passwd")
      expect_eq "/var/lib/eightsync" "$(stat -c '%a %u %g' "$WORK/root/var/lib/eightsync")" "750 $uid $uid"
      expect_eq "/etc/eightsync" "$(stat -c '%a %u %g' "$WORK/root/etc/eightsync")" "755 0 0"
    else
      echo "skipped: the tmpfiles.d file (giving a directory to eightsync needs root)"
    fi
  fi
else
  echo "skipped: no systemd-sysusers (the sysusers.d and tmpfiles.d files were not checked)"
fi

done_ok
