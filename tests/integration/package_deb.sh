#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# The Debian packages, built by CPack from this build tree (nothing is compiled again):
#  - eightsync_VERSION_ARCH.deb and eightsync-emulator_VERSION_ARCH.deb, their files, modes,
#    owners, conffiles, maintainer scripts and control data, read back with dpkg-deb;
#  - lintian finds no error and no warning (an override would go in debian/PACKAGE.lintian-overrides,
#    with its reason);
#  - the package extracted into a scratch root: systemd-sysusers --root and systemd-tmpfiles
#    --root make the user, the group and the directories with their modes; systemd-analyze
#    verify and security judge the installed unit (exposure at most 1.5).
# With EIGHTSYNC_TEST_SYSTEM_INSTALL=1 (as root, on a machine without eightsync installed) it
# also installs the package on this machine with dpkg, upgrades it, removes and purges it, and
# removes the user, group and directories it made. Exits 77 (CTest: skipped) without dpkg-deb
# or cpack.
source "$(dirname "$0")/lib.bash"
: "${EIGHTSYNC_BUILD_DIR:?}"

for tool in dpkg-deb dpkg-shlibdeps cpack; do
  command -v "$tool" >/dev/null || { echo "skipped: no $tool"; exit 77; }
done
MAX_EXPOSURE=1.5
started=$SECONDS

# The packages, from the installed files of this build; CPack's staging goes to $WORK too.
run_cmd 0 cpack --config "$EIGHTSYNC_BUILD_DIR/CPackConfig.cmake" -B "$WORK/pkg"
version=$("$EIGHTSYNC" --version)
arch=$(dpkg --print-architecture)
DEB="$WORK/pkg/eightsync_${version}_${arch}.deb"
EMU_DEB="$WORK/pkg/eightsync-emulator_${version}_${arch}.deb"
[ -f "$DEB" ] || fail "cpack wrote no $(basename "$DEB"): $(ls "$WORK/pkg")"
[ -f "$EMU_DEB" ] || fail "cpack wrote no $(basename "$EMU_DEB"): $(ls "$WORK/pkg")"
checks=$((checks + 2))
echo "built in $((SECONDS - started)) s: $(cd "$WORK/pkg" && ls ./*.deb | tr '\n' ' ')"

# expect_files DEB LIST: DEB's regular files are exactly LIST ("MODE PATH" lines), all owned by
# root:root; so are its directories (0755).
expect_files() {
  local deb=$1 want=$2
  dpkg-deb -c "$deb" >"$WORK/contents"
  awk '$1 ~ /^-/ { sub(/^\./, "", $6); print $1, $6 }' "$WORK/contents" | sort >"$WORK/files"
  if ! diff -u <(sort <<<"$want") "$WORK/files"; then
    fail "$(basename "$deb"): the files above differ (- expected, + in the package)"
  fi
  checks=$((checks + 1))
  if awk '$2 != "root/root" { bad = 1; print } END { exit !bad }' "$WORK/contents"; then
    fail "$(basename "$deb"): entries above are not owned by root/root"
  fi
  if awk '$1 ~ /^d/ && $1 != "drwxr-xr-x" { bad = 1; print } END { exit !bad }' "$WORK/contents"; then
    fail "$(basename "$deb"): directories above are not 0755"
  fi
  checks=$((checks + 2))
}

expect_files "$DEB" "-rw-r--r-- /etc/eightsync/eightsync.yaml
-rwxr-xr-x /usr/bin/eightsync
-rw-r--r-- /usr/lib/systemd/system/eightsync.service
-rw-r--r-- /usr/lib/sysusers.d/eightsync.conf
-rw-r--r-- /usr/lib/tmpfiles.d/eightsync.conf
-rw-r--r-- /usr/share/doc/eightsync/README.md
-rw-r--r-- /usr/share/doc/eightsync/changelog.gz
-rw-r--r-- /usr/share/doc/eightsync/copyright
-rw-r--r-- /usr/share/doc/eightsync/eightsync.example.yaml
-rw-r--r-- /usr/share/doc/eightsync/examples/hr.csv
-rw-r--r-- /usr/share/man/man1/eightsync.1.gz
-rw-r--r-- /usr/share/man/man5/eightsync.yaml.5.gz"
expect_files "$EMU_DEB" "-rwxr-xr-x /usr/bin/eightsync-emulator
-rw-r--r-- /usr/share/doc/eightsync-emulator/changelog.gz
-rw-r--r-- /usr/share/doc/eightsync-emulator/copyright
-rw-r--r-- /usr/share/man/man1/eightsync-emulator.1.gz"

# Control data: name, version, architecture, the dependencies dpkg-shlibdeps found plus tzdata.
field() { dpkg-deb -f "$1" "$2"; }
expect_eq "Package" "$(field "$DEB" Package)" "eightsync"
expect_eq "Version" "$(field "$DEB" Version)" "$version"
expect_eq "Architecture" "$(field "$DEB" Architecture)" "$arch"
expect_eq "emulator Package" "$(field "$EMU_DEB" Package)" "eightsync-emulator"
depends=$(field "$DEB" Depends)
echo "Depends: $depends"
depends_names=$(tr ',|' '\n\n' <<<"$depends" | awk '{ print $1 }')
# Every shared library the binary links (its NEEDED entries, found where ldd finds them) comes
# from a package Depends names (itself, or a name it provides, as libspdlog1.10 provides
# libspdlog1.10-fmt9).
needed=$(readelf -d "$EIGHTSYNC" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p')
[ -n "$needed" ] || fail "readelf found no NEEDED entries in $EIGHTSYNC"
for lib in $(ldd "$EIGHTSYNC" | awk -v needed="$needed" '
    BEGIN { split(needed, n, "\n"); for (i in n) want[n[i]] = 1 }
    ($1 in want) && $3 ~ /^\// { print $3 }'); do
  owner=$(dpkg -S "$(readlink -f "$lib")" 2>/dev/null | head -1 | cut -d: -f1) ||
    owner=$(dpkg -S "$lib" 2>/dev/null | head -1 | cut -d: -f1) || true
  [ -n "$owner" ] || continue
  found=0
  for name in "$owner" $(dpkg-query -W -f='${Provides}' "$owner" | tr ',' '\n' | awk '{ print $1 }'); do
    grep -qxF -- "$name" <<<"$depends_names" && found=1
  done
  [ "$found" = 1 ] || fail "Depends lacks $owner (for $lib): $depends"
  checks=$((checks + 1))
done
for dep in tzdata "libc6 (>=" "systemd | systemd-standalone-sysusers"; do
  grep -qF -- "$dep" <<<"$depends" || fail "Depends lacks $dep: $depends"
  checks=$((checks + 1))
done

# conffiles and the maintainer scripts (0755), in the control archive.
expect_eq "conffiles" "$(dpkg-deb -I "$DEB" conffiles)" "/etc/eightsync/eightsync.yaml"
dpkg-deb --ctrl-tarfile "$DEB" | tar -tvf - >"$WORK/control"
for script in postinst prerm postrm; do
  grep -qE "^-rwxr-xr-x root/root .* \./$script$" "$WORK/control" ||
    { cat "$WORK/control"; fail "the control archive has no $script with mode 0755"; }
  checks=$((checks + 1))
done
# The postinst never enables or starts the service; on an upgrade it restarts a running one.
dpkg-deb -I "$DEB" postinst | grep -v '^ *#' >"$WORK/postinst"
expect_not_in "$WORK/postinst" "enable"
for verb in start restart reload-or-restart; do
  expect_not_in "$WORK/postinst" "invoke $verb"
  expect_not_in "$WORK/postinst" "systemctl $verb"
done
expect_in "$WORK/postinst" "deb-systemd-invoke try-restart eightsync.service"
dpkg-deb -I "$DEB" prerm >"$WORK/prerm"
expect_in "$WORK/prerm" "deb-systemd-invoke stop eightsync.service"

# lintian: no error and no warning (none is overridden today).
if command -v lintian >/dev/null; then
  lintian_rc=0
  lintian --fail-on error,warning --display-info --show-overrides "$DEB" "$EMU_DEB" >"$WORK/lintian" 2>&1 ||
    lintian_rc=$?
  cat "$WORK/lintian"
  [ "$lintian_rc" -eq 0 ] || fail "lintian exited $lintian_rc: an error or a warning without an override"
  checks=$((checks + 1))
else
  echo "skipped: lintian (not installed)"
fi

# The package in a scratch root.
ROOT="$WORK/root"
mkdir -p "$ROOT"
dpkg-deb -x "$DEB" "$ROOT"
CONF="$ROOT/etc/eightsync/eightsync.yaml"
if grep -vqE '^( *#.*)?$' "$CONF"; then
  grep -nvE '^( *#.*)?$' "$CONF"
  fail "the default /etc/eightsync/eightsync.yaml has lines above that are not comments"
fi
checks=$((checks + 1))
# Uncommented, it is the example's settings: the example's own lines from its rules on.
sed -n '/^# Rules for every key:/,$p' "$EIGHTSYNC_SOURCE_DIR/config/eightsync.example.yaml" >"$WORK/example.tail"
sed -n '/^# Rules for every key:/,$p' "$CONF" | sed -E 's/^( *)#([^ #])/\1\2/' >"$WORK/conf.tail"
diff -u "$WORK/example.tail" "$WORK/conf.tail" ||
  fail "the default config, uncommented, is not the example's settings"
checks=$((checks + 1))
run_cmd 0 "$ROOT/usr/bin/eightsync" --version
expect_in "$WORK/out" "$version"

if command -v systemd-sysusers >/dev/null; then
  run_cmd 0 systemd-sysusers --root="$ROOT"
  expect_eightsync_user "$ROOT"
  if [ "$(id -u)" -eq 0 ]; then
    run_cmd 0 systemd-tmpfiles --root="$ROOT" --create
    expect_eightsync_dirs "$ROOT"
  else
    echo "skipped: systemd-tmpfiles --root (giving a directory to eightsync needs root)"
  fi
else
  echo "skipped: systemd-sysusers, systemd-tmpfiles (not installed)"
fi
if command -v systemd-analyze >/dev/null; then
  # The packaged unit, starting the packaged binary where it was extracted (verify checks that
  # ExecStart= is executable; the rest of the unit, /bin/kill included, is judged as it stands).
  mkdir -p "$WORK/units"
  sed "s#^ExecStart=/usr/bin/eightsync #ExecStart=$ROOT/usr/bin/eightsync #" \
    "$ROOT/usr/lib/systemd/system/eightsync.service" >"$WORK/units/eightsync.service"
  expect_in "$WORK/units/eightsync.service" "ExecStart=$ROOT/usr/bin/eightsync run -c /etc/eightsync/eightsync.yaml"
  unit_verify "$WORK/units/eightsync.service" "as packaged"
  unit_exposure "$WORK/units/eightsync.service" "as packaged" "$MAX_EXPOSURE"
else
  echo "skipped: systemd-analyze (not installed)"
fi

# man finds the pages as installed.
if command -v man >/dev/null; then
  run_cmd 0 man -l "$ROOT/usr/share/man/man1/eightsync.1.gz"
  expect_in "$WORK/out" "eightsync.yaml(5)"
  run_cmd 0 man -l "$ROOT/usr/share/man/man5/eightsync.yaml.5.gz"
  expect_in "$WORK/out" "target.rate_limit.per"
fi

echo "package checks took $((SECONDS - started)) s"
if [ "${EIGHTSYNC_TEST_SYSTEM_INSTALL:-0}" != 1 ]; then
  echo "skipped: dpkg -i, upgrade, remove and purge on this machine (EIGHTSYNC_TEST_SYSTEM_INSTALL=1 runs them)"
  done_ok
  exit 0
fi

# ---- EIGHTSYNC_TEST_SYSTEM_INSTALL=1: the package on this machine ----
[ "$(id -u)" -eq 0 ] || fail "EIGHTSYNC_TEST_SYSTEM_INSTALL=1 needs root"
if dpkg-query -W -f='${Status}' eightsync 2>/dev/null | grep -q installed; then
  fail "eightsync is installed on this machine: the system install test would change it"
fi
for path in /etc/eightsync /var/lib/eightsync; do
  [ ! -e "$path" ] || fail "$path exists: the system install test would change it"
done
had_user=0
getent passwd eightsync >/dev/null && had_user=1
# What the test made is undone whatever happens: the package, the directories, the user.
system_cleanup() {
  dpkg --purge eightsync >/dev/null 2>&1 || true
  dpkg-statoverride --remove /etc/eightsync/eightsync.yaml >/dev/null 2>&1 || true
  rm -rf /var/lib/eightsync /etc/eightsync
  if [ "$had_user" = 0 ]; then
    userdel eightsync 2>/dev/null || true
    groupdel eightsync 2>/dev/null || true
  fi
  cleanup_work
}
trap system_cleanup EXIT
systemd_running=0
[ -d /run/systemd/system ] && systemd_running=1

echo "--- dpkg -i $(basename "$DEB")"
run_cmd 0 dpkg -i "$DEB"
cat "$WORK/out"
expect_eq "dpkg status" "$(dpkg-query -W -f='${Status}' eightsync)" "install ok installed"
getent passwd eightsync >/dev/null || fail "the postinst made no user eightsync"
expect_eightsync_dirs ""
expect_eq "the conffile's owner and mode" "$(stat -c '%a %U %G' /etc/eightsync/eightsync.yaml)" "640 root eightsync"
expect_eq "the conffile's statoverride" "$(dpkg-statoverride --list /etc/eightsync/eightsync.yaml)" \
  "root eightsync 640 /etc/eightsync/eightsync.yaml"
run_cmd 0 man -w eightsync
expect_in "$WORK/out" "/usr/share/man/man1/eightsync.1.gz"
run_cmd 0 man -w 5 eightsync.yaml
if [ "$systemd_running" = 1 ]; then
  expect_eq "after install, systemctl is-enabled" "$(systemctl is-enabled eightsync.service || true)" "disabled"
  expect_eq "after install, systemctl is-active" "$(systemctl is-active eightsync.service || true)" "inactive"
else
  echo "note: systemd is not running here; the daemon-reload and service state were not checked"
  [ ! -e /etc/systemd/system/multi-user.target.wants/eightsync.service ] ||
    fail "the install enabled eightsync.service"
  checks=$((checks + 1))
fi

# An upgrade to a newer version keeps an edited config (a conffile the package did not change).
echo "# edited by the admin" >>/etc/eightsync/eightsync.yaml
dpkg-deb -R "$DEB" "$WORK/next"
sed -i "s/^Version: .*/Version: ${version}+next1/" "$WORK/next/DEBIAN/control"
dpkg-deb --root-owner-group -b "$WORK/next" "$WORK/next.deb" >/dev/null
echo "--- dpkg -i (upgrade to ${version}+next1)"
run_cmd 0 dpkg -i "$WORK/next.deb"
cat "$WORK/out"
expect_eq "version after upgrade" "$(dpkg-query -W -f='${Version}' eightsync)" "${version}+next1"
expect_in /etc/eightsync/eightsync.yaml "# edited by the admin"
expect_eq "the conffile's mode after upgrade" "$(stat -c '%a %U %G' /etc/eightsync/eightsync.yaml)" "640 root eightsync"

echo "state database stand-in" >/var/lib/eightsync/state.db
echo "--- dpkg -r eightsync"
run_cmd 0 dpkg -r eightsync
cat "$WORK/out"
[ ! -e /usr/bin/eightsync ] || fail "dpkg -r left /usr/bin/eightsync"
[ -f /etc/eightsync/eightsync.yaml ] || fail "dpkg -r removed the conffile (only a purge does)"
[ -f /var/lib/eightsync/state.db ] || fail "dpkg -r removed /var/lib/eightsync/state.db"
checks=$((checks + 3))

echo "--- dpkg -P eightsync"
run_cmd 0 dpkg -P eightsync
cat "$WORK/out" "$WORK/err"
[ ! -e /etc/eightsync/eightsync.yaml ] || fail "the purge left the conffile"
expect_eq "the statoverride after the purge" "$(dpkg-statoverride --list /etc/eightsync/eightsync.yaml || true)" ""
[ -f /var/lib/eightsync/state.db ] || fail "the purge removed /var/lib/eightsync/state.db (audit evidence)"
checks=$((checks + 2))
expect_eq "the purge's note" "$(cat "$WORK/out" "$WORK/err" | grep -c 'kept /var/lib/eightsync.*rm -rf /var/lib/eightsync')" "1"
done_ok
