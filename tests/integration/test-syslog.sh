# shellcheck shell=bash
# --syslog: a tool's log goes to syslog, tagged with the tool's name, and standard error keeps only
# the errors. A stand-in syslog daemon (a unix datagram socket, as /dev/log is) records what the
# tools send: where the machine has a /dev/log, the tool runs in a mount namespace of its own with
# the stand-in bound over it; where it has none, the stand-in is bound at /dev/log itself and
# removed afterwards.
# shellcheck source=tests/integration/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

TOOLS=(dind-setup dind-register dind-prune dind-gc-report dind-recreate)

# Writes each datagram as a line until it receives "dindtest-stop".
_syslog_py='
import socket, sys
path, out = sys.argv[1:3]
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(path)
with open(out, "wb", buffering=0) as f:
    open(out + ".ready", "w").close()
    while True:
        data = s.recv(65536)
        if data == b"dindtest-stop":
            break
        f.write(data.rstrip(b"\n") + b"\n")
'
SYSLOG_PID='' SYSLOG_SOCK='' SYSLOG_NS='' SYSLOG_INODE=''

syslog_start() {
	if [[ -e /dev/log || -L /dev/log ]]; then
		SYSLOG_SOCK=$TEST_TMP/log.sock SYSLOG_NS=1
	else
		SYSLOG_SOCK=/dev/log SYSLOG_NS=''
	fi
	_dt_python -c "$_syslog_py" "$SYSLOG_SOCK" "$TEST_TMP/syslog" &
	SYSLOG_PID=$!
	trap 'syslog_stop; cleanup_prefix' EXIT
	local i
	for ((i = 0; i < 100; i++)); do
		[[ -e $TEST_TMP/syslog.ready ]] && break
		kill -0 "$SYSLOG_PID" 2>/dev/null || fail "the syslog stand-in did not start"
		sleep 0.05
	done
	[[ -e $TEST_TMP/syslog.ready ]] || fail "the syslog stand-in did not start within 5s"
	SYSLOG_INODE=$(stat -c %i "$SYSLOG_SOCK")
}

# Stops the stand-in once it has recorded everything sent before; removes a /dev/log of its own.
syslog_stop() {
	if [[ -n $SYSLOG_PID ]]; then
		_dt_python -c 'import socket, sys
socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM).sendto(b"dindtest-stop", sys.argv[1])' "$SYSLOG_SOCK" 2>/dev/null ||
			kill "$SYSLOG_PID" 2>/dev/null || true
		wait "$SYSLOG_PID" || true
		SYSLOG_PID=''
	fi
	if [[ $SYSLOG_SOCK == /dev/log && -S /dev/log && $(stat -c %i /dev/log) == "$SYSLOG_INODE" ]]; then
		rm -f /dev/log
	fi
	return 0
}

# What the stand-in received (after syslog_stop, in this shell), one message a line, as
# "<PRIORITY> TAG: MESSAGE": the timestamp is dropped and the pid checked.
syslog_lines() {
	local line
	while IFS= read -r line; do
		if [[ $line =~ ^\<([0-9]+)\>[A-Z][a-z]{2}\ [\ 0-9][0-9]\ [0-9]{2}:[0-9]{2}:[0-9]{2}\ ([^[]+)\[[0-9]+\]:\ (.*)$ ]]; then
			printf '<%s> %s: %s\n' "${BASH_REMATCH[1]}" "${BASH_REMATCH[2]}" "${BASH_REMATCH[3]}"
		else
			printf 'unexpected: %s\n' "$line"
		fi
	done <"$TEST_TMP/syslog"
}

# logged STATUS CMD...: assert_exit, with the tool's /dev/log being the stand-in.
logged() {
	local status=$1
	shift
	if [[ -n $SYSLOG_NS ]]; then
		# shellcheck disable=SC2016 # expanded by sh
		assert_exit "$status" unshare --mount sh -c 'mount --bind "$0" /dev/log && exec "$@"' "$SYSLOG_SOCK" "$@"
	else
		assert_exit "$status" "$@"
	fi
}

test_syslog_gets_the_log_and_stderr_only_the_errors() {
	syslog_start
	local nowhere=unix://$TEST_TMP/no-engine.sock
	# -q still quiets the table; syslog gets what --log-level says.
	logged 0 "$BIN/dind-prune" --syslog -q --log-level info -n --only containers --filter "label=$LABEL"
	assert_eq "" "$OUT" "-q: no table"
	assert_eq "" "$ERR" "info goes to syslog only"
	logged 0 "$BIN/dind-gc-report" --syslog --format prometheus --output "$TEST_TMP/dind.prom"
	assert_eq "" "$OUT$ERR" "a report into a file prints nothing"
	logged 69 "$BIN/dind-gc-report" --syslog -H "$nowhere"
	assert_eq "" "$OUT"
	assert_eq "dind-gc-report: error: cannot connect to the Docker engine at $nowhere (is it running?)" "$ERR" \
		"an error goes to stderr too, for cron to mail"
	syslog_stop
	# Facility user (1): info is <14>, an error <11>.
	assert_eq "<14> dind-prune: would remove 0 objects, 0 skipped, 0 failed
<11> dind-gc-report: cannot connect to the Docker engine at $nowhere (is it running?)" "$(syslog_lines)"
}

test_without_syslog_nothing_reaches_syslog() {
	syslog_start
	logged 0 "$BIN/dind-prune" --log-level info -n --only containers --filter "label=$LABEL"
	assert_eq "dind-prune: info: would remove 0 objects, 0 skipped, 0 failed" "$ERR"
	logged 69 "$BIN/dind-prune" -q -H "unix://$TEST_TMP/no-engine.sock"
	assert_contains "$ERR" "dind-prune: error: cannot connect"
	syslog_stop
	assert_eq "" "$(syslog_lines)"
}

test_every_tool_takes_syslog() {
	local tool
	for tool in "${TOOLS[@]}"; do
		assert_exit 0 "$BIN/$tool" --syslog --help
		assert_contains "$OUT" "  --syslog  " "$tool --help lists --syslog"
	done
}
