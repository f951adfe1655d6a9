#!/usr/bin/env bash
# Hostile inputs through the real binary (issue 13, findings 7, 8, 11, 12 and 13): special files
# as the HR export or the token file, a 200 MB line, control characters from HR and from 8x8 on
# the terminal, and configs that check-config must refuse because a run would.
source "$(dirname "$0")/lib.bash"

ESC=$'\e'
CR=$'\r'
# no_raw FILE: FILE holds no ESC, CR, BEL or U+202E (a terminal would act on them).
no_raw() {
  if LC_ALL=C grep -q "[$ESC$CR"$'\a'"]" "$1" || grep -qF $'\u202e' "$1"; then
    echo "--- $1"; cat -v "$1"; fail "a control character reached the terminal raw ($1)"
  fi
  checks=$((checks + 1))
}

start_emulator
# 8x8 holds a user whose userName carries ESC and CR (an admin pasted it, or an attacker).
sed -e 's/"zashworth@example.com"/"zash\\u001b[2J\\rworth@example.com"/' \
  "$EIGHTSYNC_SOURCE_DIR/config/examples/emulator-users.json" >"$WORK/users.json"
emu_curl POST /_emulator/users "$(cat "$WORK/users.json")" >/dev/null
example_config "$WORK/cfg.yaml"
export EIGHTSYNC_TOKEN=it-token

# with_source FILE OUT: the config, reading the HR export from FILE.
with_source() { sed -e "s#path: $EIGHTSYNC_SOURCE_DIR/config/examples/hr.csv#path: $1#" "$WORK/cfg.yaml" >"$2"; }
# Guards against the old behaviour eating the machine: 3 GB of address space at most.
limited() { bash -c 'ulimit -v 3000000; exec "$@"' limited "$@"; }

# ---- special files (finding 8) ----------------------------------------------------------------
# A FIFO as the export: refused at once, not a wait for a writer that never comes.
mkfifo "$WORK/hr.fifo"
with_source "$WORK/hr.fifo" "$WORK/cfg-fifo.yaml"
run_cmd 2 limited timeout 20 "$EIGHTSYNC" preview -c "$WORK/cfg-fifo.yaml"
expect_in "$WORK/err" "$WORK/hr.fifo: is a FIFO (named pipe), not a regular file"
# /dev/zero as the export: refused, not read until memory runs out.
with_source /dev/zero "$WORK/cfg-zero.yaml"
run_cmd 2 limited timeout 20 "$EIGHTSYNC" preview -c "$WORK/cfg-zero.yaml"
expect_in "$WORK/err" "/dev/zero: is a character device, not a regular file"
# A FIFO as token_file: plan says so (exit 6) instead of blocking.
mkfifo "$WORK/token.fifo"
sed -e "s#token_env: EIGHTSYNC_TOKEN#token_file: $WORK/token.fifo#" "$WORK/cfg.yaml" >"$WORK/cfg-token.yaml"
run_cmd 6 limited timeout 20 "$EIGHTSYNC" plan -c "$WORK/cfg-token.yaml"
expect_in "$WORK/err" "the token file $WORK/token.fifo is a FIFO (named pipe), not a regular file"

# ---- a 200 MB line (finding 7) -----------------------------------------------------------------
# The record is quarantined as record_too_long, and memory stays bounded (it took 1 GB).
{
  cat "$EIGHTSYNC_SOURCE_DIR/config/examples/hr.csv"
  printf '00999,Long,Line,,long.line@example.com,'
  head -c 200000000 /dev/zero | tr '\0' x
  printf ',Sales,London,Employee,Active,,,2024-01-01\n'
} >"$WORK/long.csv"
with_source "$WORK/long.csv" "$WORK/cfg-long.yaml"
run_cmd 0 limited /usr/bin/time -f 'maxrss_kb=%M' -o "$WORK/time.txt" timeout 120 "$EIGHTSYNC" preview -c "$WORK/cfg-long.yaml"
expect_in "$WORK/out" "key 00999       record_too_long   the record is longer than source.max_record_bytes (1048576 bytes)"
maxrss=$(grep -o 'maxrss_kb=[0-9]*' "$WORK/time.txt" | cut -d= -f2)
echo "preview of a 200 MB line: peak RSS ${maxrss} kB"
[ "$maxrss" -lt 100000 ] || fail "preview of a 200 MB line took ${maxrss} kB (expected under 100 MB)"
checks=$((checks + 1))
rm -f "$WORK/long.csv"

# ---- control characters (findings 12 and 13) ---------------------------------------------------
# An HR key with ESC is quarantined as unsafe_key, shown escaped, and never sent to 8x8.
{
  cat "$EIGHTSYNC_SOURCE_DIR/config/examples/hr.csv"
  printf '00998%s[2J,Eve,Escape,,eve.escape@example.com,Engineer,Engineering,London,Employee,Active,,,2024-01-01\n' "$ESC"
} >"$WORK/hr-esc.csv"
with_source "$WORK/hr-esc.csv" "$WORK/cfg-esc.yaml"
run_cmd 0 "$EIGHTSYNC" preview -c "$WORK/cfg-esc.yaml"
no_raw "$WORK/out"
expect_in "$WORK/out" 'key 00998\u001B[2J unsafe_key'
run_cmd 0 "$EIGHTSYNC" preview -c "$WORK/cfg-esc.yaml" --json
expect_in "$WORK/out" '"key":"00998\u001b[2J","reason":"unsafe_key"'
# A userName from 8x8 with ESC and CR: plan shows it escaped.
run_cmd 0 "$EIGHTSYNC" plan -c "$WORK/cfg-esc.yaml"
no_raw "$WORK/out"
expect_in "$WORK/out" 'zash\u001B[2J\rworth@example.com'
run_cmd 0 "$EIGHTSYNC" sync -c "$WORK/cfg-esc.yaml"
no_raw "$WORK/out"
expect_not_in <(emu_curl GET /_emulator/users) '"externalId":"00998'
run_cmd 0 "$EIGHTSYNC" manual-actions -c "$WORK/cfg-esc.yaml"
no_raw "$WORK/out"
expect_in "$WORK/out" 'zash\u001B[2J\rworth@example.com'
run_cmd 0 "$EIGHTSYNC" manual-actions -c "$WORK/cfg-esc.yaml" --json
expect_in "$WORK/out" 'zash\u001b[2J\rworth@example.com'
run_cmd 0 "$EIGHTSYNC" audit -c "$WORK/cfg-esc.yaml" show 1
no_raw "$WORK/out"
expect_in "$WORK/out" 'key 00998\u001B[2J  [unsafe_key]'
run_cmd 0 "$EIGHTSYNC" audit -c "$WORK/cfg-esc.yaml" user 00103
no_raw "$WORK/out"
run_cmd 0 "$EIGHTSYNC" status -c "$WORK/cfg-esc.yaml"
no_raw "$WORK/out"
# Every message goes through the escaping too, even one that quotes the operator's own input.
run_cmd 0 "$EIGHTSYNC" link -c "$WORK/cfg-esc.yaml" "K${ESC}]0;pw${CR}ned" --create-new
no_raw "$WORK/err"
expect_in "$WORK/err" 'HR key K\u001B]0;pw\rned is not among the in-scope users'

# A header whose key column hides a second byte order mark: the error shows it.
printf '\xef\xbb\xbf\xef\xbb\xbfemployee_id,first_name\n1,Ann\n' >"$WORK/bom.csv"
with_source "$WORK/bom.csv" "$WORK/cfg-bom.yaml"
run_cmd 2 "$EIGHTSYNC" preview -c "$WORK/cfg-bom.yaml"
expect_in "$WORK/err" 'its columns are: \uFEFFemployee_id, first_name'

# ---- check-config refuses what a run would refuse (finding 11) ---------------------------------
sed -e 's/active: "{status} in \[Active, On Leave\]"/active: "{status} === Active"/' "$WORK/cfg.yaml" >"$WORK/bad.yaml"
run_cmd 1 "$EIGHTSYNC" check-config -c "$WORK/bad.yaml"
expect_in "$WORK/err" 'mapping.active: expected a value after ==, found "= Active", which starts with an operator character'
sed -e 's/delimiter: ","/delimiter: "\\0"/' "$WORK/cfg.yaml" >"$WORK/bad.yaml"
run_cmd 1 "$EIGHTSYNC" check-config -c "$WORK/bad.yaml"
expect_in "$WORK/err" 'source.delimiter: expected one character'
sed -e "s#url: http://$EMU/scim/v2#url: \"http://$EMU/scim v2\"#" "$WORK/cfg.yaml" >"$WORK/bad.yaml"
run_cmd 1 "$EIGHTSYNC" check-config -c "$WORK/bad.yaml"
expect_in "$WORK/err" 'target.url: expected an https:// URL'
expect_in "$WORK/err" 'a space at character'
sed -e 's/London: London HQ/London: "London\xffHQ"/' "$WORK/cfg.yaml" >"$WORK/bad.yaml"
run_cmd 1 "$EIGHTSYNC" check-config -c "$WORK/bad.yaml"
expect_in "$WORK/err" 'expected UTF-8 text, found byte 0xFF'

done_ok
