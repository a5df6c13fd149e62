# shellcheck shell=bash
# What every binary shares: --help, --version, usage errors, an unreachable engine; and the test
# engine itself.
# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

TOOLS=(dind-setup dind-register dind-prune dind-gc-report dind-recreate)

check_help() {
	local tool=$1
	assert_exit 0 "$BIN/$tool" --help
	assert_eq "" "$ERR" "--help writes nothing to stderr"
	# CLI11: the description, then the usage line.
	local first second
	first=$(sed -n 1p "$OUT_FILE")
	second=$(sed -n 2p "$OUT_FILE")
	[[ -n $first && $first != Usage:* ]] || fail "--help does not start with a description" "$OUT"
	assert_starts_with "$second" "Usage: $tool [OPTIONS]" "the second line is the usage"
	assert_contains "$OUT" "-h,--help"
	assert_contains "$OUT" "--version"
	assert_contains "$OUT" "-H,--host URL"
	# -h is the same as --help.
	local long=$OUT
	assert_exit 0 "$BIN/$tool" -h
	assert_eq "$long" "$OUT" "-h prints what --help prints"
}

check_version() {
	local tool=$1 version
	version=$(sed -n 's/.*version = "\([^"]*\)".*/\1/p' "$ROOT/lib/common/version.h")
	[[ -n $version ]] || fail "no version in lib/common/version.h"
	assert_exit 0 "$BIN/$tool" --version
	assert_eq "$tool (dind-tools) $version" "$OUT"
	assert_eq 1 "$(wc -l <"$OUT_FILE")" "--version prints one line"
	assert_eq "" "$ERR" "--version writes nothing to stderr"
}

check_unknown_option() {
	local tool=$1
	assert_exit 2 "$BIN/$tool" --no-such-option
	assert_eq "" "$OUT" "a usage error writes nothing to stdout"
	assert_eq 2 "$(wc -l <"$ERR_FILE")" "an error line and a Try line"
	local first second
	first=$(sed -n 1p "$ERR_FILE")
	second=$(sed -n 2p "$ERR_FILE")
	assert_starts_with "$first" "$tool: error: " "the error line names the tool"
	assert_contains "$first" "--no-such-option"
	assert_eq "Try '$tool --help' for more information." "$second"
}

# One test per tool and behaviour, so a report names the tool that failed.
for tool in "${TOOLS[@]}"; do
	fn=${tool//-/_}
	eval "test_${fn}_help() { check_help $tool; }
		test_${fn}_version() { check_version $tool; }
		test_${fn}_unknown_option() { check_unknown_option $tool; }"
done
unset tool fn

check_unreachable() {
	local sock=unix:///nonexistent/docker.sock
	assert_exit 69 "$@"
	assert_eq "" "$OUT" "nothing on stdout"
	assert_eq 1 "$(wc -l <"$ERR_FILE")" "exactly one line on stderr"
	local want="dind-prune: error: cannot connect to the Docker engine at $sock (is it running?)"
	assert_starts_with "$ERR" "$want" "the error line"
}

test_prune_unreachable_engine_from_host_option() {
	check_unreachable "$BIN/dind-prune" -H unix:///nonexistent/docker.sock
}

test_prune_unreachable_engine_from_docker_host() {
	check_unreachable env DOCKER_HOST=unix:///nonexistent/docker.sock "$BIN/dind-prune"
}

test_engine_status() {
	assert_exit 0 "$ROOT/scripts/test-engine" status
	assert_exit 0 "$ROOT/scripts/test-engine" env
	assert_eq "DOCKER_HOST=$DOCKER_HOST" "$OUT"
	assert_exists image dindtest/busybox:latest
}

# The throwaway engine keeps to its own directory and never serves the machine's socket.
test_engine_leaves_machine_socket_alone() {
	local root=${DIND_TEST_ROOT:?}
	assert_eq "unix://$root/docker.sock" "$DOCKER_HOST"
	assert_eq "$root/data" "$(dk info --format '{{.DockerRootDir}}')" "the engine's data root"

	local pid args
	pid=$(cat "$root/dockerd.pid")
	args=$(tr '\0' ' ' <"/proc/$pid/cmdline")
	assert_not_contains "$args" "/var/run/docker.sock"
	assert_not_contains "$args" " /run/docker.sock"
	assert_contains "$args" "--exec-root $root/exec"
	assert_contains "$args" "--pidfile $root/dockerd.pid"

	local sock
	for sock in /var/run/docker.sock /run/docker.sock; do
		[[ -S $sock ]] || continue
		# Some other engine serves it; it must not be ours.
		local ours theirs
		ours=$(dk info --format '{{.ID}}')
		theirs=$(DOCKER_HOST=unix://$sock dk info --format '{{.ID}}' 2>/dev/null || true)
		[[ $ours != "$theirs" ]] || fail "$sock is served by the test engine"
	done
}
