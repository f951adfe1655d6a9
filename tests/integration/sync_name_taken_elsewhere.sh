#!/usr/bin/env bash
# A userName taken in another 8x8 account (the emulator's --foreign-user-names): the create
# meets 409 while no user here has the name. One manual action, user_name_taken_elsewhere; no
# POST for that person in the following cycles and no backoff; a new userName, or resolving the
# action, is the next try.
source "$(dirname "$0")/lib.bash"

printf '# taken in another 8x8 account\nzoe.ashworth@example.com\n' >"$WORK/foreign.txt"
start_emulator --foreign-user-names "$WORK/foreign.txt"
example_config_own_hr "$WORK/cfg.yaml"
export EIGHTSYNC_TOKEN=it-token

# The 409 makes the cycle partial (exit 8): one person was not created.
run_cmd 8 "$EIGHTSYNC" sync -c "$WORK/cfg.yaml"
expect_sql "SELECT count(*) FROM manual_actions WHERE status = 'open' AND kind = 'user_name_taken_elsewhere'" "1"
expect_sql "SELECT dedupe_key FROM manual_actions WHERE status = 'open' AND kind = 'user_name_taken_elsewhere'" \
  "user_name_taken_elsewhere:00103:zoe.ashworth@example.com"
expect_sql "SELECT outcome || ' ' || status FROM operations WHERE hr_key = '00103' AND kind = 'create'" "conflict 409"
expect_sql "SELECT count(*) FROM user_backoff WHERE hr_key = '00103'" "0"
expect_sql "SELECT count(*) FROM user_links WHERE hr_key = '00103'" "0"
created=$(sql "SELECT count(*) FROM user_links")
[ "$created" -gt 5 ] || fail "the others were not created ($created links)"

# The next cycles send no POST at all: everyone else is in step, and 00103 waits.
before=$(emu_posts)
run_cmd 0 "$EIGHTSYNC" sync -c "$WORK/cfg.yaml" --full
run_cmd 0 "$EIGHTSYNC" sync -c "$WORK/cfg.yaml"
expect_eq "POSTs after the first cycle" "$(emu_posts)" "$before"
run_cmd 0 "$EIGHTSYNC" plan -c "$WORK/cfg.yaml"
expect_in "$WORK/out" "is taken in another 8x8 account (open action user_name_taken_elsewhere): waits for a new userName"

# Resolving the action is one more try of the same name: 409 again, one new action.
id=$(sql "SELECT id FROM manual_actions WHERE status = 'open' AND kind = 'user_name_taken_elsewhere'")
run_cmd 0 "$EIGHTSYNC" manual-actions -c "$WORK/cfg.yaml" --resolve "$id" --note "asked the other account"
run_cmd 8 "$EIGHTSYNC" sync -c "$WORK/cfg.yaml"
expect_eq "POSTs after resolving" "$(emu_posts)" "$((before + 1))"
expect_sql "SELECT count(*) FROM manual_actions WHERE status = 'open' AND kind = 'user_name_taken_elsewhere'" "1"

# A new userName for this person: created.
sed -i 's/zoe.ashworth@example.com/zoe.ashworth2@example.com/' "$WORK/hr.csv"
run_cmd 0 "$EIGHTSYNC" sync -c "$WORK/cfg.yaml"
expect_sql "SELECT user_name FROM user_links WHERE hr_key = '00103'" "zoe.ashworth2@example.com"
done_ok
