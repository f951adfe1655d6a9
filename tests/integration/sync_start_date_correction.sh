#!/usr/bin/env bash
# `eightsync sync` creating a future hire before their start date against an emulator that
# ignores `"active": false` on POST (--post-ignores-active): the 201 shows the account active,
# and the same cycle PATCHes it to false at once, a correction audited apart from the leavers
# (no reclaim action) with the link recording the account inactive. The next cycle sends
# nothing for her, and at the start the account is activated. With the emulator honouring
# `active` again, a new future hire is created inactive and nothing more is sent.
source "$(dirname "$0")/lib.bash"

start_emulator --post-ignores-active
example_config_own_hr "$WORK/cfg.yaml"
export EIGHTSYNC_TOKEN=it-token
last_seq() { emu_curl GET /_emulator/log | grep -o '"seq":[0-9]*' | tail -1 | cut -d: -f2; }
writes_since() { emu_curl GET "/_emulator/log?since=$1" | grep -oE '"method":"(POST|PUT|PATCH|DELETE)"' | wc -l; }
sync_at() { run_cmd 0 "$EIGHTSYNC" sync -c "$WORK/cfg.yaml" --as-of "$1"; }
correction="Correction, not a leaver:%"

# ---- inside the provisioning window of the example's upcoming hire, Noor Haddad (00131): she
# starts 2030-01-07, 08:00 in Austin.
sync_at 2030-01-02T00:00:00Z
expect_in "$WORK/out" "cycle 1: ok"
expect_in "$WORK/out" "1 account 8x8 created active before the start date made inactive at once (a correction, not a leaver)"
expect_in <(emu_user noor.haddad@example.com) '"active":false'
expect_sql "SELECT kind || ':' || outcome || ':' || coalesce(method, '') FROM operations WHERE hr_key = '00131' ORDER BY id" \
  "$(printf 'create:ok:POST\ndeactivate:ok:PATCH')"
expect_sql "SELECT count(*) FROM operations WHERE hr_key = '00131' AND kind = 'deactivate' AND reason LIKE '$correction'" "1"
expect_sql "SELECT count(*) FROM operations WHERE kind = 'deactivate' AND reason NOT LIKE '$correction'" "0"
expect_sql "SELECT applied_active FROM user_links WHERE hr_key = '00131'" "0"
expect_sql "SELECT count(*) FROM open_manual_actions WHERE kind = 'reclaim_license_and_number'" "0"
expect_sql "SELECT count(*) FROM open_manual_actions WHERE kind = 'assign_license' AND hr_key = '00131'" "1"
# Everyone else was created active, as asked: corrected only where 8x8 ignored a false.
expect_in <(emu_user margaret.whitfield@example.com) '"active":true'
expect_sql "SELECT count(*) FROM operations WHERE kind = 'deactivate'" "1"

# ---- a quiet cycle before the start: nothing is sent for her.
seq=$(last_seq)
sync_at 2030-01-03T00:00:00Z
expect_in "$WORK/out" "cycle 2: ok"
expect_eq "writes before the start" "$(writes_since "$((seq + 1))")" "0"
expect_in <(emu_user noor.haddad@example.com) '"active":false'

# ---- the start: the account eightsync made inactive is activated.
sync_at 2030-01-07T14:00:00Z
expect_in <(emu_user noor.haddad@example.com) '"active":true'
expect_sql "SELECT kind || ':' || outcome FROM operations WHERE cycle_id = 3 AND hr_key = '00131'" "reactivate:ok"
expect_sql "SELECT applied_active FROM user_links WHERE hr_key = '00131'" "1"

# ---- 8x8 honouring `active` on create: a new future hire is created inactive, no PATCH.
emu_curl PATCH /_emulator/settings '{"post_ignores_active":false}' >/dev/null
echo "00151,Tomas,Silva,,tomas.silva@example.com,Analyst,Sales,Austin,Employee,Active,+1 512-555-0132,00102,2030-02-04" >>"$WORK/hr.csv"
sync_at 2030-02-01T00:00:00Z
expect_in <(emu_user tomas.silva@example.com) '"active":false'
expect_sql "SELECT kind || ':' || outcome FROM operations WHERE hr_key = '00151'" "create:ok"
expect_sql "SELECT applied_active FROM user_links WHERE hr_key = '00151'" "0"

expect_sql "SELECT count(*) FROM operations WHERE outcome IS NULL" "0"
expect_sql "PRAGMA integrity_check" "ok"
done_ok
