# shellcheck shell=bash
# Every man page lists exactly the options its binary accepts.
# shellcheck source=tests/integration/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

help_options() {
	"$BIN/$1" --help | grep -oE -- '(^|[ ,])--?[a-zA-Z][a-z-]*' | sed 's/^[ ,]*//' | sort -u
}

# The word after each Fl macro: .Fl -until → --until, .Fl n → -n.
man_options() {
	awk '/^\./ { for (i = 1; i < NF; i++) if ($i == "Fl" || $i == ".Fl") print "-" $(i + 1) }' "$ROOT/man/$1.1" |
		grep -E '^--?[a-zA-Z]' | sort -u
}

check_page() {
	local tool=$1
	[[ -f $ROOT/man/$tool.1 ]] || _dt_fail "man/$tool.1 is missing"
	assert_eq "$(help_options "$tool")" "$(man_options "$tool")" "options in --help (expected) and man/$tool.1"
}

test_dind_prune_man_page_matches_its_help() { check_page dind-prune; }
test_dind_gc_report_man_page_matches_its_help() { check_page dind-gc-report; }
test_dind_register_man_page_matches_its_help() { check_page dind-register; }
