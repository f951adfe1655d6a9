# Shared helpers for eightsync's shell integration tests (sourced, not a test itself).
# Each test gets its own temp dir, removed on exit, and the binaries from CTest's environment.
set -euo pipefail
: "${EIGHTSYNC:?EIGHTSYNC (path to the eightsync binary) must be set by CTest}"
: "${EIGHTSYNC_SOURCE_DIR:?}"
: "${EIGHTSYNC_FIXTURES_DIR:?}"
WORK=$(mktemp -d "${TMPDIR:-/tmp}/eightsync-it.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
checks=0

fail() { echo "FAIL: $*" >&2; exit 1; }

# run_cmd EXPECTED_EXIT CMD...: runs CMD, keeps stdout/stderr in $WORK/out and $WORK/err.
run_cmd() {
  local want=$1; shift
  local got=0
  "$@" >"$WORK/out" 2>"$WORK/err" || got=$?
  if [ "$got" -ne "$want" ]; then
    echo "--- stdout"; cat "$WORK/out"; echo "--- stderr"; cat "$WORK/err"
    fail "$* exited $got, expected $want"
  fi
  checks=$((checks + 1))
}

# expect_in FILE TEXT: FILE ($WORK/out or $WORK/err) contains TEXT literally.
expect_in() {
  grep -qF -- "$2" "$1" || { echo "--- $1"; cat "$1"; fail "expected to find: $2"; }
  checks=$((checks + 1))
}

expect_not_in() {
  if grep -qF -- "$2" "$1"; then echo "--- $1"; cat "$1"; fail "did not expect: $2"; fi
  checks=$((checks + 1))
}

done_ok() { echo "$checks passed, 0 failed"; }
