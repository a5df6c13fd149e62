# shellcheck shell=bash
# The man pages: each lists exactly the options its binary accepts; each has EXIT STATUS and
# ENVIRONMENT sections and passes `mandoc -Tlint -W warning`; every built tool has its page.
# shellcheck source=tests/integration/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

TOOLS=(dind-setup dind-register dind-prune dind-gc-report dind-recreate)

help_options() {
	"$BIN/$1" --help | grep -oE -- '(^|[ ,])--?[a-zA-Z][a-z-]*' | sed 's/^[ ,]*//' | sort -u
}

# The word after each Fl macro: .Fl -until → --until, .Fl n → -n.
man_options() {
	awk '/^\./ { for (i = 1; i < NF; i++) if ($i == "Fl" || $i == ".Fl") print "-" $(i + 1) }' "$ROOT/man/$1.1" |
		grep -E '^--?[a-zA-Z]' | sort -u
}

# A tool not written yet says so, and exits 1, whatever it is asked. Run bare, a real tool cannot
# reach an engine (-H names no socket), GitLab (no environment) or a real home directory.
is_stub() {
	local err
	err=$(cd "$TEST_TMP" && env -i PATH="$PATH" HOME="$TEST_TMP" "$BIN/$1" -H "unix://$TEST_TMP/no-engine.sock" \
		</dev/null 2>&1 >/dev/null) || true
	[[ $err == *"$1 is not built yet"* ]]
}

# A tool's page comes with the tool: missing, it fails the test once the binary is more than a stub.
check_page() {
	local tool=$1
	if [[ ! -f $ROOT/man/$tool.1 ]]; then
		is_stub "$tool" || fail "man/$tool.1 is missing, and bin/$tool is no longer a stub"
		return 0
	fi
	assert_eq "$(help_options "$tool")" "$(man_options "$tool")" "options in --help (expected) and man/$tool.1"
}

# One test per tool, so a report names the page that is wrong.
for tool in "${TOOLS[@]}"; do
	eval "test_${tool//-/_}_man_page_matches_its_help() { check_page $tool; }"
done
unset tool

test_every_page_has_exit_status_and_environment() {
	local page section
	for page in "$ROOT"/man/*.[1-8]; do
		for section in 'EXIT STATUS' ENVIRONMENT; do
			grep -qx "\.Sh $section" "$page" || fail "man/${page##*/} has no $section section"
		done
	done
}

test_every_page_passes_mandoc_lint() {
	command -v mandoc >/dev/null || fail "mandoc is missing (scripts/install-deps installs it)"
	assert_exit 0 mandoc -Tlint -W warning "$ROOT"/man/*.[1-8]
	assert_eq "" "$OUT$ERR" "mandoc -Tlint -W warning"
	# Each page's title is its file's name.
	local page name
	for page in "$ROOT"/man/*.[1-8]; do
		name=${page##*/}
		assert_eq ".Dt ${name%.*} ${name##*.}" "$(grep -m1 '^\.Dt ' "$page" | tr '[:upper:]' '[:lower:]' | sed 's/^\.dt/.Dt/')" \
			"man/$name: .Dt"
	done
}

# Section 1 has the tools' pages, section 7 the overview, which points at all five.
test_the_pages_are_the_tools_and_the_overview() {
	local page name
	for page in "$ROOT"/man/*.[1-8]; do
		name=${page##*/}
		case $name in
		dind-tools.7) ;;
		*.1) [[ " ${TOOLS[*]} " == *" ${name%.1} "* ]] || fail "man/$name is no tool's page" ;;
		*) fail "man/$name: the pages are the tools' (section 1) and dind-tools.7" ;;
		esac
	done
	[[ -f $ROOT/man/dind-tools.7 ]] || fail "man/dind-tools.7 is missing"
	local tool see_also
	see_also=$(sed -n '/^\.Sh SEE ALSO/,/^\.Sh /p' "$ROOT/man/dind-tools.7")
	for tool in "${TOOLS[@]}"; do
		assert_contains "$see_also" ".Xr $tool 1" "dind-tools(7) SEE ALSO"
	done
}
test_dind_register_man_page_matches_its_help() { check_page dind-register; }
