#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# man/eightsync.1 against the binary's own help (CLI11): every command `eightsync --help` lists
# (and each subcommand of those) has a section (.SS COMMAND) naming each of its options and
# positionals, with the default --help shows; the page names no command or option the binary
# lacks; EXIT STATUS lists every exit code of `eightsync --help`. man/eightsync-emulator.1
# against `eightsync-emulator --help` the same way. The pages render without a warning from man. The keys and defaults of eightsync.yaml(5) are checked by unit_config
# (tests/unit/config/man_page_test.cpp).
source "$(dirname "$0")/lib.bash"

PAGE="$EIGHTSYNC_SOURCE_DIR/man/eightsync.1"
# The page's source with roff's \- as -, and .SS headings unquoted.
sed -e 's/\\-/-/g' -e '/^\.SS /s/"//g' "$PAGE" >"$WORK/page"

# help_section CMD... SECTION: the entries of SECTION (Options, Positionals, Subcommands) of
# `eightsync CMD... --help`, one per line, as CLI11 prints them (first column only).
help_section() {
  local section=${*: -1}
  "$EIGHTSYNC" "${@:1:$#-1}" --help | awk -v s="$section:" '
    $0 == s { on = 1; next }
    on && /^$/ { exit }
    on && /^  [^ ]/ { print $1 (NF > 1 && $2 !~ /^[A-Z]+$/ ? "" : " " $2) }'
}

# man_section NAME: the page's lines from `.SS NAME` to the next .SS or .SH.
man_section() {
  awk -v name="$1" '
    /^\.S[SH] / { on = ($0 == ".SS " name); next }
    on { print }' "$WORK/page"
}

# check_options NAME SECTION HELP: SECTION (man page source) names each option of HELP (a
# --help output) with the default shown there, and each positional; its .TP entries name no
# option HELP lacks. NAME says where, in a failure.
check_options() {
  local name=$1 section=$2 help=$3 opt line default entry
  local -a help_opts=() split=()
  while IFS= read -r line; do
    default=""
    case "$line" in *=*) default=${line##*=} ;; esac
    IFS=, read -r -a split <<<"${line%% *}"
    for opt in "${split[@]}"; do
      help_opts+=("$opt")
      [ "$opt" = -h ] || [ "$opt" = --help ] && continue
      grep -qE -- "(^|[^a-z-])$opt([^a-z-]|$)" <<<"$section" || fail "$name: no $opt (--help has it)"
      checks=$((checks + 1))
    done
    if [ -n "$default" ]; then
      # The option's .TP entry: from the line naming it to the next request that ends it.
      entry=$(awk -v opt="${split[-1]}" '
        /^\.TP/ { getline l; on = (index(l, opt) > 0); next }
        /^\.(PP|SS|SH)/ { on = 0 }
        on { print }' <<<"$section")
      grep -qF -- "Default: $default" <<<"$(tr '\n' ' ' <<<"$entry")" ||
        fail "$name: ${split[-1]} does not say Default: $default (as --help does)"
      checks=$((checks + 1))
    fi
  # Each option line of Options:, up to its description (two spaces on), e.g.
  # "--max-page-size UINT:UINT in [1 - 1000000]=100".
  done < <(awk '/^Options:$/ { on = 1; next } on && /^$/ { exit }
                on && /^  -/ { sub(/^  /, ""); i = index($0, "  "); if (i) $0 = substr($0, 1, i - 1); print }' "$help")
  [ ${#help_opts[@]} -gt 1 ] || fail "$name: --help lists no options"
  while IFS= read -r line; do
    grep -qw -- "$line" <<<"$section" || fail "$name: no $line (a positional of --help)"
    checks=$((checks + 1))
  done < <(awk '/^Positionals:$/ { on = 1; next } on && /^$/ { exit } on && /^  [A-Z]/ { print $1 }' "$help")
  # Each option the section's .TP entries name is one --help has.
  while IFS= read -r opt; do
    grep -qxF -- "$opt" <<<"$(printf '%s\n' "${help_opts[@]}")" ||
      fail "$name: documents $opt, which --help does not have"
    checks=$((checks + 1))
  done < <(awk '/^\.TP/ { getline l; print l }' <<<"$section" | grep -oE -- '(^|[ "])--?[a-z][a-z-]*' | tr -d ' "')
}

# check_command CMD...: the section .SS CMD of eightsync.1 against `eightsync CMD --help`.
check_command() {
  local section
  section=$(man_section "$*")
  [ -n "$section" ] || fail "eightsync.1 has no section .SS $*"
  checks=$((checks + 1))
  "$EIGHTSYNC" "$@" --help >"$WORK/help" || fail "eightsync $* --help exited $?"
  check_options "eightsync.1, .SS $*" "$section" "$WORK/help"
}

# Every command and subcommand of --help, and no section for one it lacks.
commands=$(help_section Subcommands | awk '{ print $1 }')
[ -n "$commands" ] || fail "eightsync --help lists no commands"
all=()
for c in $commands; do
  all+=("$c")
  for sub in $(help_section "$c" Subcommands | awk '{ print $1 }'); do
    all+=("$c $sub")
  done
done
for c in "${all[@]}"; do
  # shellcheck disable=SC2086 # "audit cycles" is two words
  check_command $c
done
while IFS= read -r heading; do
  grep -qxF -- "$heading" <<<"$(printf '%s\n' "${all[@]}")" ||
    fail "eightsync.1 has a section .SS $heading, which is no command of eightsync --help"
  checks=$((checks + 1))
done < <(sed -n 's/^\.SS //p' "$WORK/page")
echo "eightsync.1 documents the ${#all[@]} commands of --help"

# The global options.
global=$(awk '/^\.SH OPTIONS/ { on = 1; next } /^\.S[HS] / { on = 0 } on { print }' "$WORK/page")
for opt in $(help_section Options | awk '{ print $1 }' | tr , ' '); do
  grep -qE -- "(^|[^a-z-])$opt([^a-z-]|$)" <<<"$global" || fail "eightsync.1, OPTIONS: no $opt"
  checks=$((checks + 1))
done

# EXIT STATUS: every code `eightsync --help` lists (0 ok, 1 config invalid, …).
"$EIGHTSYNC" --help | sed -n '/^Exit codes:/,/^Run /p' | grep -oE '(^|[ :,])[0-9]+ [a-z]' | grep -oE '[0-9]+' >"$WORK/codes"
[ "$(wc -l <"$WORK/codes")" -ge 5 ] || fail "eightsync --help lists too few exit codes: $(cat "$WORK/codes")"
status=$(awk '/^\.SH EXIT STATUS/ { on = 1; next } /^\.SH / { on = 0 } on { print }' "$WORK/page")
while read -r code; do
  grep -qx -- ".B $code" <<<"$status" || fail "eightsync.1, EXIT STATUS: no exit code $code"
  checks=$((checks + 1))
done <"$WORK/codes"

# eightsync-emulator.1's OPTIONS against `eightsync-emulator --help`.
if [ -n "${EIGHTSYNC_EMULATOR:-}" ]; then
  sed -e 's/\\-/-/g' "$EIGHTSYNC_SOURCE_DIR/man/eightsync-emulator.1" >"$WORK/emu-page"
  "$EIGHTSYNC_EMULATOR" --help >"$WORK/emu-help" || fail "eightsync-emulator --help exited $?"
  check_options "eightsync-emulator.1, OPTIONS" \
    "$(awk '/^\.SH OPTIONS/ { on = 1; next } /^\.SH / { on = 0 } on { print }' "$WORK/emu-page")" "$WORK/emu-help"
fi

# The pages render without a warning (what lintian checks too).
if command -v man >/dev/null; then
  for p in eightsync.1 eightsync.yaml.5 eightsync-emulator.1; do
    LC_ALL=C.UTF-8 MANROFFSEQ='' MANWIDTH=80 man --warnings -E UTF-8 -l -Tutf8 -Z \
      "$EIGHTSYNC_SOURCE_DIR/man/$p" >/dev/null 2>"$WORK/man.err" || fail "man could not render $p"
    [ ! -s "$WORK/man.err" ] || { cat "$WORK/man.err"; fail "man warns about $p"; }
    checks=$((checks + 1))
  done
else
  echo "skipped: rendering the pages (no man)"
fi
done_ok
