#!/usr/bin/env bash
# Invariant 1 in incremental cycles (issue 16, point 2): a person HR adds after a full sync, whose
# hand-made 8x8 account has another userName but the same email, is adopted by an incremental
# `sync`, not created a second time. The complete listing of the first sync left state.db an
# index of the unmanaged users (no JSON); the incremental cycle GETs the account that index
# names before any POST. While that GET fails, the create waits and `plan` says why.
source "$(dirname "$0")/lib.bash"

start_emulator
# Zoë's account, made by hand in Admin Console before eightsync: not the userName HR will ask for.
hand=$(emu_curl POST /_emulator/users '[{"userName": "zashworth@example.com", "_adminConsole": true,
  "name": {"givenName": "Zoe", "familyName": "Ashworth"},
  "emails": [{"value": "zoe.ashworth@example.com", "type": "work", "primary": true}]}]' |
  grep -o '"ids":\["[^"]*"' | cut -d'"' -f4)
[ -n "$hand" ] || fail "the emulator gave the seeded user no id"

example_config_own_hr "$WORK/cfg.yaml"
# Pages of one user: per-user reads cost less than listing the account, so a `sync` without
# --full after the first one is incremental.
sed -i 's#page_size: 100#page_size: 1#' "$WORK/cfg.yaml"
export EIGHTSYNC_TOKEN=it-token
H=employee_id,first_name,last_name,preferred_name,email,title,department,office,employment_type,status,mobile,manager_id,start_date
cat >"$WORK/hr.csv" <<CSV
$H
00101,Margaret,Whitfield,,margaret.whitfield@example.com,Chief Executive Officer,Executive,London,Employee,Active,,,2014-03-03
00102,Robert,Chen,,robert.chen@example.com,Director of Sales,Sales,Austin,Employee,Active,,00101,2015-07-13
00105,Lukasz,Nowak,,lukasz.nowak@example.com,Senior Software Engineer,Engineering,London,Employee,Active,,00101,2018-09-17
00106,Soren,Madsen,,soren.madsen@example.com,Site Reliability Engineer,Engineering,London,Employee,Active,,00101,2020-02-10
00108,Chloe,Dubois,,chloe.dubois@example.com,People Manager,People,London,Employee,Active,,00101,2017-11-20
CSV

# ---- a first, full sync: five creates; the hand-made account stays unmanaged and is indexed.
run_cmd 0 "$EIGHTSYNC" sync -c "$WORK/cfg.yaml"
expect_sql "SELECT kind || ':' || outcome FROM cycles WHERE id = 1" "full:ok"
expect_sql "SELECT count(*) FROM user_links" "5"
expect_sql "SELECT scim_id || '|' || user_name || '|' || email || '|' || active FROM unmanaged_users" \
  "$hand|zashworth@example.com|zoe.ashworth@example.com|1"
expect_sql "SELECT count(*) FROM pragma_table_info('unmanaged_users') WHERE name LIKE '%json%'" "0"
expect_sql "SELECT value IS NOT NULL FROM meta WHERE key = 'unmanaged_users.listed_at'" "1"
expect_in <(emu_curl GET /_emulator/health) '"users":6'

# ---- Zoë joins HR: userName zoe.ashworth@example.com, the hand-made account's email.
echo "00103,Zoë,Ashworth,,zoe.ashworth@example.com,Account Executive,Sales,London,Employee,Active,,00101,2019-01-14" \
  >>"$WORK/hr.csv"
posts_before=$(emu_posts)

# While 8x8 fails the GET of that account, nothing is created and `plan` names the read and why.
emu_curl POST /_emulator/faults "{\"kind\":\"status\",\"status\":503,\"method\":\"GET\",\"path\":\"/Users/$hand\"}" >/dev/null
run_cmd 0 "$EIGHTSYNC" plan -c "$WORK/cfg.yaml"
expect_in "$WORK/out" "8x8 read: per user"
expect_in "$WORK/out" "  00103  get_by_id $hand"
expect_in "$WORK/out" "Unmanaged 8x8 user \"zashworth@example.com\" matches HR key 00103 by email in the newest complete listing ("
expect_in "$WORK/out" "): confirm with a GET before creating."
expect_not_in "$WORK/out" "Creates ("
expect_in "$WORK/err" "could not read $hand (HR key 00103)"
run_cmd 8 "$EIGHTSYNC" sync -c "$WORK/cfg.yaml"
expect_sql "SELECT kind || ':' || outcome FROM cycles WHERE id = 2" "incremental:partial"
expect_eq "POSTs while the GET fails" "$(emu_posts)" "$posts_before"
expect_sql "SELECT count(*) FROM user_links WHERE hr_key = '00103'" "0"

# ---- 8x8 answers again: the incremental sync reads the account and adopts it; no second account.
emu_curl DELETE /_emulator/faults >/dev/null
seq_before=$(emu_curl GET /_emulator/log | grep -o '"seq":[0-9]*' | tail -1 | cut -d: -f2)
run_cmd 0 "$EIGHTSYNC" sync -c "$WORK/cfg.yaml"
expect_sql "SELECT kind || ':' || outcome FROM cycles WHERE id = 3" "incremental:ok"
expect_eq "POSTs after Zoë joined" "$(emu_posts)" "$posts_before"
expect_in <(emu_curl GET /_emulator/health) '"users":6'
expect_eq "duplicate emails" "$(emu_save /_emulator/users "$WORK/users.json"
  emu_json_sql "$WORK/users.json" "SELECT lower(value->'emails'->0->>'value') FROM j GROUP BY 1 HAVING count(*) > 1")" ""
emu_save "/_emulator/log?since=$seq_before" "$WORK/log3.json"
expect_eq "the cycle read the hand-made account" \
  "$(emu_json_sql "$WORK/log3.json" "SELECT count(*) FROM j WHERE value->>'method' = 'GET' AND value->>'target' = '/scim/v2/Users/$hand'")" "1"
expect_eq "listing pages in the incremental cycle" \
  "$(emu_json_sql "$WORK/log3.json" "SELECT count(*) FROM j WHERE value->>'target' LIKE '/scim/v2/Users?%startIndex%'")" "0"
expect_sql "SELECT scim_id || '|' || managed_by FROM user_links WHERE hr_key = '00103'" "$hand|matched"
expect_sql "SELECT reason FROM operations WHERE cycle_id = 3 AND hr_key = '00103' AND kind = 'adopt'" \
  "Matched by email: active, linked to no other HR key, and its externalId is empty."
expect_sql "SELECT count(*) FROM operations WHERE cycle_id = 3 AND kind = 'create'" "0"
# userName is read-only after create: HR's other userName is a manual action, not a new account.
expect_sql "SELECT count(*) FROM open_manual_actions WHERE kind = 'change_user_name' AND hr_key = '00103'" "1"
expect_in <(emu_user zashworth@example.com) '"externalId":"00103"'
done_ok
