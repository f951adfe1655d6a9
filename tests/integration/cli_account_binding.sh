#!/usr/bin/env bash
# The state database belongs to an 8x8 customer, not to the URL text (invariant 10): the same
# customer id under another host is accepted and recorded; another customer id is refused and
# nothing is written; check-config and check-connection print the customer id they parsed.
source "$(dirname "$0")/lib.bash"

start_emulator
example_config "$WORK/plain.yaml"
DB="$WORK/state.db"
export EIGHTSYNC_TOKEN=it-token
port=${EMU##*:}
sed "s#url: http://$EMU/scim/v2#url: http://127.0.0.1:$port/udi/customers/C0FFEE/scim/v2#" "$WORK/plain.yaml" >"$WORK/cfg.yaml"
sed "s#url: http://$EMU/scim/v2#url: http://localhost:$port/udi/customers/C0FFEE/scim/v2#" "$WORK/plain.yaml" >"$WORK/moved.yaml"
sed "s#url: http://$EMU/scim/v2#url: http://127.0.0.1:$port/udi/customers/BEEF/scim/v2#" "$WORK/plain.yaml" >"$WORK/other.yaml"

run_cmd 0 "$EIGHTSYNC" check-config -c "$WORK/cfg.yaml"
expect_in "$WORK/out" "  account 8x8 customer C0FFEE (the state database belongs to this customer id"
run_cmd 0 "$EIGHTSYNC" check-config -c "$WORK/plain.yaml"
expect_in "$WORK/out" "  account no 8x8 customer id (target.url is not of 8x8's https://HOST/udi/customers/{ID}/scim/v2 shape)"
run_cmd 0 "$EIGHTSYNC" check-connection -c "$WORK/cfg.yaml"
expect_in "$WORK/out" "  ok    account     8x8 customer C0FFEE"

run_cmd 0 "$EIGHTSYNC" sync -c "$WORK/cfg.yaml"
expect_sql "SELECT value FROM meta WHERE key = 'target_account'" "8x8-customer:C0FFEE"
links=$(state_sql "SELECT count(*) FROM user_links")
[ "$links" -gt 0 ] || fail "the first sync linked nobody"

# The same customer under another host: accepted, recorded, and the links are still there.
run_cmd 0 "$EIGHTSYNC" sync -c "$WORK/moved.yaml"
expect_in "$WORK/err" "state.target_moved customer=C0FFEE from=http://127.0.0.1:$port/udi/customers/C0FFEE/scim/v2 to=http://localhost:$port/udi/customers/C0FFEE/scim/v2"
expect_sql "SELECT customer_id || ' ' || old_url || ' -> ' || new_url FROM target_changes" \
  "C0FFEE http://127.0.0.1:$port/udi/customers/C0FFEE/scim/v2 -> http://localhost:$port/udi/customers/C0FFEE/scim/v2"
expect_sql "SELECT value FROM meta WHERE key = 'target_url'" "http://localhost:$port/udi/customers/C0FFEE/scim/v2"
expect_sql "SELECT count(*) FROM user_links" "$links"
expect_sql "SELECT count(*) FROM operations WHERE kind = 'create' AND cycle_id = (SELECT max(id) FROM cycles)" "0"

# Another customer id: refused, naming both, and nothing changes.
run_cmd 3 "$EIGHTSYNC" sync -c "$WORK/other.yaml"
expect_in "$WORK/err" "$DB is bound to 8x8 customer C0FFEE (last opened as http://localhost:$port/udi/customers/C0FFEE/scim/v2), but the config's target.url names 8x8 customer BEEF"
expect_sql "SELECT count(*) FROM target_changes" "1"
expect_sql "SELECT value FROM meta WHERE key = 'target_account'" "8x8-customer:C0FFEE"
done_ok
