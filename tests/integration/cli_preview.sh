#!/usr/bin/env bash
# check-config and preview, run as an admin would: on the shipped example, on a fixture with
# bad rows, on a broken config and on a rejected export.
source "$(dirname "$0")/lib.bash"
cd "$EIGHTSYNC_SOURCE_DIR"

# The shipped example is valid and maps to sensible users.
run_cmd 0 "$EIGHTSYNC" check-config -c config/eightsync.example.yaml
expect_in "$WORK/out" "config/eightsync.example.yaml: OK"
run_cmd 0 "$EIGHTSYNC" preview -c config/eightsync.example.yaml --limit 0
expect_in "$WORK/out" "userName         margaret.whitfield@example.com"
expect_in "$WORK/out" "name.givenName   Zoë"
expect_in "$WORK/out" "title            Director, Sales"
expect_in "$WORK/out" "site             London HQ"
expect_in "$WORK/out" "INACTIVE"
expect_in "$WORK/out" "Quarantined rows (0): none"
expect_not_in "$WORK/out" "more (--limit 0 shows all)"
# Each person's dates: local in their zone and UTC, the zone, and a warning for a date more than
# 5 years from now (Margaret started in 2014).
grep -A2 -F "    start            2030-01-07 08:00 CST (2030-01-07T14:00:00Z)" "$WORK/out" >"$WORK/noor" || true
expect_in "$WORK/noor" "    end              none"
expect_in "$WORK/noor" "    time zone        America/Chicago"
expect_in "$WORK/out" "    start            2014-03-03 08:00 GMT (2014-03-03T08:00:00Z)"
expect_in "$WORK/out" "    WARNING          start date 2014-03-03 is more than 5 years from now"
expect_in "$WORK/out" "years from now, each a WARNING under its user: check the year (they are used as they are)"
run_cmd 0 "$EIGHTSYNC" preview -c config/eightsync.example.yaml --limit 0 --json
expect_in "$WORK/out" '"dates":{"start":{"local":"2030-01-07 08:00 CST","utc":"2030-01-07T14:00:00Z"},"end":null,"time_zone":"America/Chicago","warnings":[]}'
expect_in "$WORK/out" '"warnings":["start date 2014-03-03 is more than 5 years from now"]'

# --limit cuts the list and says so.
run_cmd 0 "$EIGHTSYNC" preview -c config/eightsync.example.yaml --limit 2
expect_in "$WORK/out" "8x8 users as eightsync would provision them (2 of"
expect_in "$WORK/out" "more (--limit 0 shows all)"

# A fixture with deliberately bad lines: each is listed with its line and reason.
run_cmd 0 "$EIGHTSYNC" preview -c "$EIGHTSYNC_FIXTURES_DIR/config/bad_rows.yaml"
expect_in "$WORK/out" "line 3     (no key)        empty_key"
expect_in "$WORK/out" "line 4     key 00203       field_count"
expect_in "$WORK/out" "line 6     key 00205       duplicate_key"
expect_in "$WORK/out" "line 7     key 00205       duplicate_key"
expect_in "$WORK/out" "line 8     key 00207       invalid_email"
expect_in "$WORK/out" "line 9     key 00208       map_missing"
expect_in "$WORK/out" "Summary: 9 rows read: 3 users (3 active, 0 inactive), 6 quarantined, 0 out of scope"

# --json carries the same facts for scripts.
run_cmd 0 "$EIGHTSYNC" preview -c "$EIGHTSYNC_FIXTURES_DIR/config/bad_rows.yaml" --json
expect_in "$WORK/out" '"reason":"duplicate_key"'
expect_in "$WORK/out" '"quarantined":6'
expect_in "$WORK/out" '"userName":"alice.martin@example.com"'

# A broken config: exit 1, every problem named with file, line and key.
cat >"$WORK/broken.yaml" <<'YAML'
source:
  path: hr.csv
  key: employee_id
  delimeter: ";"
target:
  url: http://127.0.0.1:1/scim/v2
  timeout: soon
mapping:
  userName: "{email|lowercase}"
YAML
run_cmd 1 "$EIGHTSYNC" check-config -c "$WORK/broken.yaml"
expect_in "$WORK/err" "broken.yaml:4:3: source.delimeter"
expect_in "$WORK/err" "broken.yaml:7:12: target.timeout"
expect_in "$WORK/err" "lowercase"
expect_in "$WORK/err" "nothing was done"
run_cmd 1 "$EIGHTSYNC" preview -c "$WORK/broken.yaml"

# A missing config file is a config error too, naming the file.
run_cmd 1 "$EIGHTSYNC" check-config -c "$WORK/absent.yaml"
expect_in "$WORK/err" "absent.yaml"

# An export rejected as a whole: exit 2, nothing shown as users.
cp "$EIGHTSYNC_FIXTURES_DIR/config/bad_rows.yaml" "$WORK/cfg.yaml"
printf 'employee_id,first_name\n' >"$WORK/hr_with_bad_rows.csv"
run_cmd 2 "$EIGHTSYNC" preview -c "$WORK/cfg.yaml"
expect_in "$WORK/err" "HR export rejected"
expect_in "$WORK/err" "hr_with_bad_rows.csv"

# Usage errors and help.
run_cmd 64 "$EIGHTSYNC" preview --no-such-flag
run_cmd 64 "$EIGHTSYNC"
run_cmd 0 "$EIGHTSYNC" preview --help
expect_in "$WORK/out" "Example"
run_cmd 0 "$EIGHTSYNC" --version

done_ok
