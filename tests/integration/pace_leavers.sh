#!/usr/bin/env bash
# Leavers first, at 8x8's pace compressed 60-fold: 10 requests a second for eightsync
# (target.rate_limit) and a little more for the emulator (--rate-limit), source.settle 1 s, and a
# full reconcile of 200 listing pages (page_size 1), 20 s at this pace (20 minutes at 8x8's).
#  1. A leaver written into the export while the reconcile lists is deactivated within
#     source.settle plus three requests (one request's gap is 0.101 s) of the moment the export
#     was written, between two listing pages; the reconcile then goes on. The PATCH's audit row
#     names the newer export.
#  2. A truncated export written while a reconcile lists deactivates no one, and the running
#     reconcile goes on unchanged.
# It prints the measured time to revoke.
source "$(dirname "$0")/lib.bash"

users=200
rate=10    # requests a second (8x8: 10 a minute)
settle=1   # seconds
start_emulator
example_config_own_hr "$WORK/cfg.yaml"
export EIGHTSYNC_TOKEN=it-token
hr_export "$WORK/hr.csv" "$users"
# The first load at full speed, one listing page: what is measured is the reconcile after it.
sed -i -e "s#max_creates: 100#max_creates: 1000#" "$WORK/cfg.yaml"
run_cmd 0 "$EIGHTSYNC" sync -c "$WORK/cfg.yaml"
expect_sql "SELECT count(*) FROM user_links" "$users"

# From here on, 8x8's pace compressed: pages of one user, 10 requests a second.
sed -i -e "s#requests: 1000#requests: $rate#" -e "s#per: 60s#per: 1s#" -e "s#page_size: 100#page_size: 1#" \
  -e "s#settle: 1s#settle: ${settle}s#" -e "s#attempts: 2#attempts: 5#" "$WORK/cfg.yaml"
emu_curl PATCH /_emulator/settings "{\"rate_limit\":\"12/1s\"}" >/dev/null

now() { date +%s.%N; }
# list_pages: how many listing pages the emulator has answered so far.
list_pages() { emu_curl GET /_emulator/log | grep -o '"target":"/scim/v2/Users?[^"]*startIndex' | wc -l; }
# wait_pages N: until the emulator answered at least N listing pages.
wait_pages() {
  local deadline=$((SECONDS + 60))
  until [ "$(list_pages)" -ge "$1" ]; do
    [ $SECONDS -lt $deadline ] || fail "the reconcile listed fewer than $1 pages in 60 s"
    sleep 0.05
  done
}
# publish FILE: replaces the export as HR systems do, by renaming a finished file into place.
publish() { mv "$1" "$WORK/hr.csv"; }

# ---- 1. a leaver written in the middle of a 200-page reconcile -------------------------------
seq0=$(emu_curl GET /_emulator/log | grep -o '"seq":[0-9]*' | tail -1 | cut -d: -f2)
seq0=${seq0:-0}
"$EIGHTSYNC" sync --full -c "$WORK/cfg.yaml" >"$WORK/sync1.out" 2>"$WORK/sync1.err" &
sync_pid=$!
trap 'kill "$sync_pid" "$EMU_PID" 2>/dev/null || true; wait 2>/dev/null || true; cleanup_work' EXIT
wait_pages 50
leaver=E00150
sed "s/^$leaver,\(.*\),Active,/$leaver,\1,Terminated,/" "$WORK/hr.csv" >"$WORK/hr.next"
grep -q "^$leaver,.*,Terminated," "$WORK/hr.next" || fail "the leaver's row was not changed"
written=$(now)
publish "$WORK/hr.next"
wait "$sync_pid" || { cat "$WORK/sync1.err"; fail "the reconcile exited non-zero"; }
leaver_id=$(id_of user150@example.com)

emu_save /_emulator/log "$WORK/log1.json"
patch_at=$(emu_json_sql "$WORK/log1.json" "SELECT value->>'time' FROM j WHERE value->>'seq' > $seq0
  AND value->>'method' = 'PATCH' AND value->>'target' LIKE '%/Users/$leaver_id'")
[ -n "$patch_at" ] || { cat "$WORK/sync1.err"; fail "the leaver was not deactivated by the running reconcile"; }
expect_eq "PATCHes sent" "$(emu_json_sql "$WORK/log1.json" "SELECT count(*) FROM j WHERE value->>'seq' > $seq0
  AND value->>'method' = 'PATCH'")" 1
patch_s=$(date -d "$patch_at" +%s.%N)
revoke_s=$(awk -v a="$written" -v b="$patch_s" 'BEGIN { printf "%.2f", b - a }')
# A request's gap at this rate: (1 s + the pacing guard, 1% of the window) / rate.
gap_s=$(awk -v r="$rate" 'BEGIN { printf "%.4f", 1.01 / r }')
limit_s=$(awk -v s="$settle" -v g="$gap_s" 'BEGIN { printf "%.3f", s + 3 * g }')
goal_s=$(awk -v s="$settle" -v g="$gap_s" 'BEGIN { printf "%.3f", s + 2 * g }')
echo "time to revoke during a 200-page reconcile: ${revoke_s} s (source.settle ${settle} s + 2 requests = ${goal_s} s; the limit, + 3 requests: ${limit_s} s)"
awk -v a="$revoke_s" -v l="$limit_s" 'BEGIN { exit !(a <= l) }' ||
  fail "the leaver was deactivated ${revoke_s} s after the export was written, more than ${limit_s} s"
checks=$((checks + 1))
# Between two listing pages: the reconcile went on after it.
expect_eq "listing pages after the PATCH" "$(emu_json_sql "$WORK/log1.json" "SELECT count(*) > 50 FROM j
  WHERE value->>'seq' > (SELECT value->>'seq' FROM j WHERE value->>'method' = 'PATCH' AND value->>'seq' > $seq0)
  AND value->>'target' LIKE '%startIndex%'")" 1
expect_eq "the user in 8x8" "$(emu_user user150@example.com | grep -o '"active":[a-z]*')" '"active":false'
# The audit row names the export the PATCH came from; the cycle names the one it read.
newer_sha=$(sha256sum "$WORK/hr.csv" | cut -d' ' -f1)
expect_sql "SELECT source_sha256 FROM operations WHERE kind = 'deactivate' AND hr_key = '$leaver'" "$newer_sha"
expect_sql "SELECT source_sha256 <> '$newer_sha' FROM cycles WHERE id = (SELECT max(id) FROM cycles)" 1
expect_in "$WORK/sync1.out" "newer HR exports read while it ran"
expect_sql "SELECT kind FROM manual_actions WHERE hr_key = '$leaver' AND raised_in_cycle > 1 ORDER BY id" "reclaim_license_and_number"
run_cmd 0 "$EIGHTSYNC" audit -c "$WORK/cfg.yaml" show "$(sql "SELECT max(id) FROM cycles")"
expect_in "$WORK/out" "from a newer HR export, sha256 ${newer_sha:0:16}"

# ---- 2. a truncated export written in the middle of a reconcile ------------------------------
run_cmd 0 "$EIGHTSYNC" sync -c "$WORK/cfg.yaml"  # the leaver's export is now the good cycle's
seq1=$(emu_curl GET /_emulator/log | grep -o '"seq":[0-9]*' | tail -1 | cut -d: -f2)
"$EIGHTSYNC" sync --full -c "$WORK/cfg.yaml" >"$WORK/sync2.out" 2>"$WORK/sync2.err" &
sync_pid=$!
wait_pages $(( $(list_pages) + 40 ))
head -n 51 "$WORK/hr.csv" >"$WORK/hr.next"  # 50 of 200 rows: the HR system stopped half way
publish "$WORK/hr.next"
wait "$sync_pid" || { cat "$WORK/sync2.err"; fail "the reconcile exited non-zero"; }
emu_save /_emulator/log "$WORK/log2.json"
expect_eq "PATCHes during the reconcile" "$(emu_json_sql "$WORK/log2.json" "SELECT count(*) FROM j
  WHERE value->>'seq' > $seq1 AND value->>'method' = 'PATCH'")" 0
expect_in "$WORK/sync2.err" "source.newer_held"
expect_eq "active users in 8x8" "$(emu_curl GET /_emulator/users | grep -o '"active":true' | wc -l)" "$((users - 1))"

done_ok
