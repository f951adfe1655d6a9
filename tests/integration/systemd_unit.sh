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

unit_verify "$UNIT" "as shipped"
unit_exposure "$UNIT" "as shipped" "$MAX_EXPOSURE"

# The drop-in the unit's header shows for an export under /home.
mkdir -p "$WORK/units/eightsync.service.d"
printf '[Service]\nReadOnlyPaths=/srv/hr-exports\nProtectHome=tmpfs\nBindReadOnlyPaths=/home/hr/exports\n' \
  >"$WORK/units/eightsync.service.d/hr-export.conf"
unit_verify "$UNIT" "with the export drop-in"
unit_exposure "$UNIT" "with the export drop-in" "$MAX_EXPOSURE"

# sysusers.d: creates the user and group eightsync, with /var/lib/eightsync as home, in an
# image root of its own (nothing on this machine changes).
if command -v systemd-sysusers >/dev/null; then
  run_cmd 0 systemd-sysusers --dry-run "$SRC/eightsync.sysusers.conf"
  mkdir -p "$WORK/root/etc"
  run_cmd 0 systemd-sysusers --root="$WORK/root" "$SRC/eightsync.sysusers.conf"
  expect_eightsync_user "$WORK/root"

  # tmpfiles.d: the same directories and modes as the unit's, in that image root.
  if command -v systemd-tmpfiles >/dev/null; then
    if [ "$(id -u)" -eq 0 ]; then
      run_cmd 0 systemd-tmpfiles --root="$WORK/root" --create "$SRC/eightsync.tmpfiles.conf"
      expect_eightsync_dirs "$WORK/root"
    else
      echo "skipped: the tmpfiles.d file (giving a directory to eightsync needs root)"
    fi
  fi
else
  echo "skipped: no systemd-sysusers (the sysusers.d and tmpfiles.d files were not checked)"
fi

done_ok
