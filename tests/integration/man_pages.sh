#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# man/eightsync.1 against the binary's own help (CLI11): every command `eightsync --help` lists
# (and each subcommand of those) has a section (.SS COMMAND) naming each of its options and
# positionals, with the default --help shows; the page names no command or option the binary
# lacks; EXIT STATUS lists every exit code of `eightsync --help`. Both pages render without a
# warning from man. The keys and defaults of eightsync.yaml(5) are checked by unit_config
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

# check_command CMD...: the command's section names each option of its --help (with the default
# shown there) and each positional, and its .TP entries name no option --help lacks.
check_command() {
  local name="$*" section opt line default entry
  section=$(man_section "$name")
  [ -n "$section" ] || fail "eightsync.1 has no section .SS $name"
  checks=$((checks + 1))
  "$EIGHTSYNC" "$@" --help >"$WORK/help" || fail "eightsync $name --help exited $?"
  local -a help_opts=()
  while IFS= read -r line; do
    local names=${line%% *} rest=${line#* }
    [ "$rest" = "$line" ] && rest=""
    default=""
    case "$rest" in *=*) default=${rest#*=} ;; esac
    IFS=, read -r -a split <<<"$names"
    for opt in "${split[@]}"; do
      help_opts+=("$opt")
      [ "$opt" = -h ] || [ "$opt" = --help ] && continue
      grep -qE -- "(^|[^a-z-])$opt([^a-z-]|$)" <<<"$section" ||
        fail "eightsync.1, .SS $name: no $opt (eightsync $name --help has it)"
      checks=$((checks + 1))
    done
    if [ -n "$default" ]; then
      # The option's .TP entry: from the line naming it to the next request that ends it.
      entry=$(awk -v opt="${split[-1]}" '
        /^\.TP/ { getline l; on = (index(l, opt) > 0); next }
        /^\.(PP|SS|SH)/ { on = 0 }
        on { print }' <<<"$section")
      grep -qF -- "Default: $default" <<<"$entry" ||
        fail "eightsync.1, .SS $name: ${split[-1]} does not say Default: $default (as --help does)"
      checks=$((checks + 1))
    fi
  done < <(awk '/^Options:$/ { on = 1; next } on && /^$/ { exit }
                on && /^  -/ { sub(/^  /, ""); split($0, f, " "); print f[1] " " f[2] }' "$WORK/help")
  [ ${#help_opts[@]} -gt 1 ] || fail "eightsync $name --help lists no options"
  while IFS= read -r line; do
    grep -qw -- "${line%% *}" <<<"$section" ||
      fail "eightsync.1, .SS $name: no ${line%% *} (a positional of eightsync $name)"
    checks=$((checks + 1))
  done < <(awk '/^Positionals:$/ { on = 1; next } on && /^$/ { exit } on && /^  [A-Z]/ { print $1 }' "$WORK/help")
  # Each option the section's .TP entries name is one --help has.
  while IFS= read -r opt; do
    grep -qxF -- "$opt" <<<"$(printf '%s\n' "${help_opts[@]}")" ||
      fail "eightsync.1, .SS $name: documents $opt, which eightsync $name --help does not have"
    checks=$((checks + 1))
  done < <(awk '/^\.TP/ { getline l; print l }' <<<"$section" | grep -oE -- '(^|[ "])--?[a-z][a-z-]*' | tr -d ' "')
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

# Both pages render without a warning (what lintian checks too).
if command -v man >/dev/null; then
  for p in eightsync.1 eightsync.yaml.5; do
    LC_ALL=C.UTF-8 MANROFFSEQ='' MANWIDTH=80 man --warnings -E UTF-8 -l -Tutf8 -Z \
      "$EIGHTSYNC_SOURCE_DIR/man/$p" >/dev/null 2>"$WORK/man.err" || fail "man could not render $p"
    [ ! -s "$WORK/man.err" ] || { cat "$WORK/man.err"; fail "man warns about $p"; }
    checks=$((checks + 1))
  done
else
  echo "skipped: rendering the pages (no man)"
fi
done_ok
