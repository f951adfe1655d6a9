#!/usr/bin/env bash
# A site 8x8 does not define (the emulator's --sites: other names answer 400). eightsync blames
# the site, never parsing 8x8's error text: one unknown_site manual action per site value, naming
# the HR value it came from and who waits; one POST per site and cycle, not one per person; no
# backoff. Incremental cycles send nothing for them; a full reconcile tries once more; resolving
# the action, once the site exists, creates everyone.
source "$(dirname "$0")/lib.bash"

printf '# sites defined in Admin Console\nLondon HQ\n' >"$WORK/sites.txt"
start_emulator --sites "$WORK/sites.txt"
example_config_own_hr "$WORK/cfg.yaml"
export EIGHTSYNC_TOKEN=it-token

run_cmd 8 "$EIGHTSYNC" sync -c "$WORK/cfg.yaml"
expect_in "$WORK/out" "writes wait for a site 8x8 refused"
expect_sql "SELECT count(*) FROM manual_actions WHERE status = 'open' AND kind = 'unknown_site'" "1"
expect_sql "SELECT dedupe_key FROM manual_actions WHERE status = 'open' AND kind = 'unknown_site'" "unknown_site:Austin"
# The people whose create carries site Austin (the example maps office Austin to it).
austin=$(sql "SELECT count(*) FROM operations WHERE kind = 'create' AND json_extract(body_json, '$.\"urn:ietf:params:scim:schemas:extension:8x8:1.1:User\".site') = 'Austin'")
[ "$austin" -ge 2 ] || fail "fewer than two creates carry site Austin ($austin)"
expect_sql "SELECT instr(text, 'It comes from HR value \"Austin\" (maps.office_site). $austin people wait for it') > 0
            FROM manual_actions WHERE kind = 'unknown_site'" "1"
expect_sql "SELECT count(*) FROM operations WHERE kind = 'create' AND outcome = 'failed'" "1"
expect_sql "SELECT count(*) FROM operations WHERE kind = 'create' AND outcome = 'skipped'
            AND error_detail LIKE 'not sent: 8x8 refused site \"Austin\"%'" "$((austin - 1))"
expect_sql "SELECT count(*) FROM user_backoff" "0"
expect_sql "SELECT group_concat(site, '|') FROM known_sites" "London HQ"
expect_eq "duplicate userNames" "$(emu_duplicate_user_names)" ""

# An incremental cycle: no POST for them, and `plan` says why they wait.
before=$(emu_posts)
run_cmd 0 "$EIGHTSYNC" sync -c "$WORK/cfg.yaml"
expect_eq "POSTs in an incremental cycle" "$(emu_posts)" "$before"
run_cmd 0 "$EIGHTSYNC" plan -c "$WORK/cfg.yaml"
expect_in "$WORK/out" "Waits: 8x8 refused site \"Austin\" (open action unknown_site)"
expect_in "$WORK/out" "[unknown_site]"

# A full reconcile tries the site once more: one POST, refused again; still one action.
run_cmd 8 "$EIGHTSYNC" sync -c "$WORK/cfg.yaml" --full
expect_eq "POSTs in a full reconcile" "$(emu_posts)" "$((before + 1))"
expect_sql "SELECT count(*) FROM manual_actions WHERE status = 'open' AND kind = 'unknown_site'" "1"

# The admin defines the site in Admin Console and resolves the action: everyone is created.
emu_curl PATCH /_emulator/settings '{"sites":["London HQ","Austin"]}' >/dev/null
id=$(sql "SELECT id FROM manual_actions WHERE status = 'open' AND kind = 'unknown_site'")
run_cmd 0 "$EIGHTSYNC" manual-actions -c "$WORK/cfg.yaml" --resolve "$id" --note "defined the site"
run_cmd 0 "$EIGHTSYNC" sync -c "$WORK/cfg.yaml"
expect_eq "POSTs once the site exists" "$(emu_posts)" "$((before + 1 + austin))"
expect_sql "SELECT group_concat(site, '|') FROM known_sites" "Austin|London HQ"
expect_eq "users with site Austin" \
  "$(emu_curl GET /_emulator/users | grep -o '"site":"Austin"' | wc -l)" "$austin"
expect_eq "duplicate userNames" "$(emu_duplicate_user_names)" ""
done_ok
