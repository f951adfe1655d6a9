#!/usr/bin/env bash
# `cmake --install` of this build into a prefix of the test's own: the binary, the unit (naming
# the installed binary), the sysusers.d and tmpfiles.d files, the man pages, README.md and the example config
# with its export, laid out so that the installed example checks and previews as it stands.
source "$(dirname "$0")/lib.bash"
: "${EIGHTSYNC_BUILD_DIR:?}"

P="$WORK/usr"
run_cmd 0 cmake --install "$EIGHTSYNC_BUILD_DIR" --prefix "$P"
for f in bin/eightsync lib/systemd/system/eightsync.service lib/sysusers.d/eightsync.conf \
  lib/tmpfiles.d/eightsync.conf share/doc/eightsync/README.md share/doc/eightsync/eightsync.example.yaml \
  share/doc/eightsync/examples/hr.csv share/man/man1/eightsync.1.gz share/man/man5/eightsync.yaml.5.gz; do
  [ -f "$P/$f" ] || fail "cmake --install put no $f under the prefix: $(cd "$P" && find . -type f | sort)"
  checks=$((checks + 1))
done
# The packaged /etc/eightsync/eightsync.yaml is for the package only: an install writes no config.
[ ! -e "$WORK/etc/eightsync" ] && [ ! -e "$P/etc/eightsync" ] || fail "cmake --install wrote a config into an etc/"
checks=$((checks + 1))
expect_in "$P/lib/systemd/system/eightsync.service" "ExecStart=$P/bin/eightsync run -c /etc/eightsync/eightsync.yaml"
expect_in "$P/lib/systemd/system/eightsync.service" "Documentation=file://$P/share/doc/eightsync/README.md"

# The installed example, as README.md tells a new admin to try it.
run_cmd 0 "$P/bin/eightsync" check-config -c "$P/share/doc/eightsync/eightsync.example.yaml"
run_cmd 0 "$P/bin/eightsync" preview -c "$P/share/doc/eightsync/eightsync.example.yaml" --limit 3
expect_in "$WORK/out" "margaret.whitfield@example.com"
done_ok
