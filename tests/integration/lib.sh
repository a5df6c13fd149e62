# shellcheck shell=bash
# Sourced by every tests/integration/test-*.sh. scripts/run-tests runs each test_* function in a
# bash process of its own, under `set -eEuo pipefail`, with DOCKER_HOST set to the throwaway engine
# and the test's objects removed afterwards (cleanup_prefix).
#
#   $ROOT $BIN     the repository and its bin/
#   $T $LABEL      a prefix unique to this test ("t1234-5678") and the label dindtest.case=$T;
#                  name every object "$T-…" or give it "${LABEL_ARGS[@]}", so cleanup finds it
#   $TEST_TMP      a scratch directory of this test's own
#   dk ARGS        the docker CLI; dkb ARGS: docker.io's 20.10 CLI with BuildKit (build cache)
#   fail MSG [DETAIL...]                 fails the test, naming the test file's line
#   assert_eq EXPECTED ACTUAL [MSG]      assert_contains TEXT PART [MSG]
#   assert_not_contains TEXT PART [MSG]  assert_starts_with TEXT PREFIX [MSG]
#   assert_exit STATUS CMD...            runs CMD: $OUT and $ERR (and $OUT_FILE, $ERR_FILE) hold its
#                                        stdout and stderr, $RC its exit status, which must be STATUS
#   exists KIND NAME                     KIND: container|image|network|volume; status 0 or 1
#   assert_exists KIND NAME              assert_gone KIND NAME
#   make_old_image [--size BYTES] NAME:TAG CREATED [KEY=VALUE...]
#                                        loads an image built on dindtest/busybox whose config says
#                                        it was created at CREATED (RFC 3339), with one layer of its
#                                        own and the labels given; prints its id
#   make_certs DIR                       a CA, server and client certificates for a TLS engine
#   free_port                            a free TCP port on 127.0.0.1
#   cleanup_prefix                       removes every object with $LABEL or a name starting with $T

if [[ -z ${DOCKER_HOST:-} ]]; then
	echo "lib.sh: DOCKER_HOST is not set; run the tests with scripts/run-tests" >&2
	return 1
fi
case $DOCKER_HOST in
unix:///var/run/docker.sock | unix:///run/docker.sock)
	echo "lib.sh: refusing to test against the machine's own engine ($DOCKER_HOST)" >&2
	return 1
	;;
esac
export DOCKER_HOST

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
BIN=$ROOT/bin
T=t$$-$RANDOM
LABEL_KEY=dindtest.case
LABEL=$LABEL_KEY=$T
# shellcheck disable=SC2034 # for the test files
LABEL_ARGS=(--label "$LABEL")
TEST_TMP=${TEST_TMP:-}
OUT='' ERR='' RC=0 OUT_FILE='' ERR_FILE=''
export ROOT BIN T LABEL LABEL_KEY

dk() { "${DOCKER_CLI:-docker}" "$@"; }

# docker.io's client builds with BuildKit without buildx (the docker 28 client needs buildx for it).
dkb() { DOCKER_BUILDKIT=1 "${DOCKER_BUILDKIT_CLI:-/usr/bin/docker}" "$@"; }

_dt_tmp() {
	if [[ -z $TEST_TMP ]]; then
		TEST_TMP=$(mktemp -d "${TMPDIR:-/tmp}/dindtest-$T.XXXXXX")
		_dt_own_tmp=1
	fi
}

# Prints a failure with the file and line of the test line that led to it; returns 1.
_dt_fail() {
	_dt_failed=1
	printf '%s: %s\n' "$(_dt_where 1)" "$1" >&2
	shift
	local line
	for line in "$@"; do printf '  %s\n' "$line" >&2; done
	return 1
}

fail() { _dt_fail "$@"; }

# "file:line" of the innermost caller outside this file, skipping SKIP more frames first; with
# "text", the text of that line too.
_dt_where() {
	local i=$((1 + $1))
	while [[ ${BASH_SOURCE[i]:-} == "${BASH_SOURCE[0]}" ]]; do i=$((i + 1)); done
	local file=${BASH_SOURCE[i]:-?} line=${BASH_LINENO[i - 1]:-?}
	printf '%s:%s' "${file##*/}" "$line"
	if [[ ${2:-} == text && -f $file ]]; then
		printf ': %s' "$(sed -n "${line}{s/^[[:space:]]*//;p}" "$file")"
	fi
}

# A value for a failure message: quoted on one line, or as an indented block when it has several.
_dt_show() {
	if [[ $1 == *$'\n'* ]]; then
		printf '\n'
		printf '%s\n' "$1" | sed 's/^/    | /'
	else
		printf "'%s'" "$1"
	fi
}

assert_eq() {
	[[ $2 == "$1" ]] && return 0
	_dt_fail "${3:-values differ}" "expected: $(_dt_show "$1")" "actual:   $(_dt_show "$2")"
}

assert_contains() {
	[[ $1 == *"$2"* ]] && return 0
	_dt_fail "${3:-text does not contain $(_dt_show "$2")}" "text: $(_dt_show "$1")"
}

assert_starts_with() {
	[[ $1 == "$2"* ]] && return 0
	_dt_fail "${3:-text does not start with $(_dt_show "$2")}" "text: $(_dt_show "$1")"
}

assert_not_contains() {
	[[ $1 != *"$2"* ]] && return 0
	_dt_fail "${3:-text contains $(_dt_show "$2")}" "text: $(_dt_show "$1")"
}

# assert_exit STATUS CMD...: CMD's stdin is the caller's. A shell function given as CMD runs without
# set -e (it is called where a failure is expected).
assert_exit() {
	local want=$1
	shift
	_dt_tmp
	OUT_FILE=$TEST_TMP/stdout ERR_FILE=$TEST_TMP/stderr RC=0
	"$@" >"$OUT_FILE" 2>"$ERR_FILE" || RC=$?
	OUT=$(<"$OUT_FILE")
	ERR=$(<"$ERR_FILE")
	[[ $RC == "$want" ]] && return 0
	_dt_fail "exit status $RC, expected $want: $*" "stdout: $(_dt_show "$OUT")" "stderr: $(_dt_show "$ERR")"
}

# exists KIND NAME: 0 when the engine has it, 1 when it says there is no such object; anything else
# (the engine unreachable, an unknown KIND) fails the test rather than passing for "gone".
exists() {
	local kind=$1 name=$2 err
	case $kind in
	container | image | network | volume) ;;
	*) _dt_fail "exists: unknown kind '$kind' (container, image, network or volume)"; return 2 ;;
	esac
	if err=$(dk "$kind" inspect "$name" 2>&1 >/dev/null); then
		return 0
	fi
	shopt -s nocasematch
	if [[ $err == *"no such"* || $err == *"not found"* ]]; then
		shopt -u nocasematch
		return 1
	fi
	shopt -u nocasematch
	_dt_fail "cannot inspect $kind $name" "$err"
	return 2
}

assert_exists() {
	local rc=0
	exists "$1" "$2" || rc=$?
	case $rc in
	0) return 0 ;;
	1) _dt_fail "expected $1 $2 to exist; it is gone" ;;
	*) return 1 ;;
	esac
}

assert_gone() {
	local rc=0
	exists "$1" "$2" || rc=$?
	case $rc in
	1) return 0 ;;
	0) _dt_fail "expected $1 $2 to be gone; it exists" ;;
	*) return 1 ;;
	esac
}

_dt_python() {
	if [[ -x /usr/bin/python3 ]]; then /usr/bin/python3 "$@"; else python3 "$@"; fi
}

# Writes a docker-save archive: manifest.json, the config, and one layer on top of the base
# image's (not in the archive: `docker load` skips a layer the engine already has).
_dt_image_archive_py='
import hashlib, io, json, os, sys, tarfile, time
out, ref, created, size, base_diff_id, arch = sys.argv[1:7]
labels = dict(kv.split("=", 1) for kv in sys.argv[7:])
layer = io.BytesIO()
with tarfile.open(fileobj=layer, mode="w", format=tarfile.USTAR_FORMAT) as tar:
    def add(name, data):
        info = tarfile.TarInfo(name)
        info.size, info.mode, info.mtime = len(data), 0o644, 0
        tar.addfile(info, io.BytesIO(data))
    info = tarfile.TarInfo("dindtest")
    info.type, info.mode, info.mtime = tarfile.DIRTYPE, 0o755, 0
    tar.addfile(info)
    unique = "%s %s %s %s\n" % (ref, created, time.time_ns(), os.urandom(8).hex())
    add("dindtest/" + ref.replace("/", "_").replace(":", "_"), unique.encode())
    if int(size) > 0:
        add("dindtest/filler", os.urandom(int(size)))
layer_bytes = layer.getvalue()
diff_id = "sha256:" + hashlib.sha256(layer_bytes).hexdigest()
config = json.dumps({
    "architecture": arch, "os": "linux", "created": created,
    "config": {"Env": ["PATH=/bin"], "Cmd": ["/bin/sh"], "Labels": labels},
    "rootfs": {"type": "layers", "diff_ids": [base_diff_id, diff_id]},
    "history": [{"created": created, "created_by": "base"},
                {"created": created, "created_by": "make_old_image " + ref}],
}, sort_keys=True).encode()
image_id = hashlib.sha256(config).hexdigest()
manifest = json.dumps([{"Config": image_id + ".json", "RepoTags": [ref],
                        "Layers": ["base/layer.tar", diff_id[7:] + "/layer.tar"]}]).encode()
with tarfile.open(out, mode="w", format=tarfile.USTAR_FORMAT) as tar:
    for name, data in (("manifest.json", manifest), (image_id + ".json", config),
                       (diff_id[7:] + "/layer.tar", layer_bytes)):
        info = tarfile.TarInfo(name)
        info.size, info.mode, info.mtime = len(data), 0o644, 0
        tar.addfile(info, io.BytesIO(data))
print("sha256:" + image_id)
'

make_old_image() {
	local size=0
	if [[ ${1:-} == --size ]]; then
		size=$2
		shift 2
	fi
	if [[ $# -lt 2 || $1 != *:* ]]; then
		_dt_fail "usage: make_old_image [--size BYTES] NAME:TAG CREATED [KEY=VALUE...]"
		return 2
	fi
	local ref=$1 created=$2
	shift 2
	_dt_tmp
	local base arch archive id
	base=$(dk image inspect --format '{{index .RootFS.Layers 0}} {{.Architecture}}' dindtest/busybox:latest)
	arch=${base#* }
	base=${base%% *}
	archive=$TEST_TMP/image-$RANDOM.tar
	id=$(_dt_python -c "$_dt_image_archive_py" "$archive" "$ref" "$created" "$size" "$base" "$arch" \
		"$LABEL" "$@")
	dk load -q -i "$archive" >/dev/null
	rm -f "$archive"
	printf '%s\n' "$id"
}

# make_certs DIR: a CA (ca.pem), a server certificate for 127.0.0.1 and localhost
# (server-cert.pem, server-key.pem), a client certificate (cert.pem, key.pem) as dockerd's TLS docs
# make them, and a CA that signed none of them (other-ca.pem).
make_certs() {
	local d=$1
	mkdir -p "$d"
	(
		cd "$d" || exit 1
		openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=dindtest-ca -keyout ca-key.pem -out ca.pem
		openssl req -newkey rsa:2048 -nodes -subj /CN=127.0.0.1 -keyout server-key.pem -out server.csr
		printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n' >server.ext
		openssl x509 -req -in server.csr -CA ca.pem -CAkey ca-key.pem -CAcreateserial -days 2 \
			-extfile server.ext -out server-cert.pem
		openssl req -newkey rsa:2048 -nodes -subj /CN=client -keyout key.pem -out client.csr
		printf 'extendedKeyUsage=clientAuth\n' >client.ext
		openssl x509 -req -in client.csr -CA ca.pem -CAkey ca-key.pem -CAcreateserial -days 2 \
			-extfile client.ext -out cert.pem
		openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=other-ca -keyout other-key.pem -out other-ca.pem
	) >/dev/null 2>&1
}

# free_port: a TCP port on 127.0.0.1 that nothing listens on.
free_port() {
	_dt_python -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# Removes every container, network, volume and image that carries $LABEL or whose name starts
# with $T. Never fails: it runs from an EXIT trap.
cleanup_prefix() {
	local ids
	ids=$({
		dk ps -aq --no-trunc --filter "label=$LABEL"
		dk ps -a --no-trunc --format '{{.ID}} {{.Names}}' | awk -v p="$T" 'index($2, p) == 1 { print $1 }'
	} 2>/dev/null | sort -u) || true
	# shellcheck disable=SC2086 # one id per word
	[[ -z $ids ]] || dk rm -f -v $ids >/dev/null 2>&1 || true

	ids=$({
		dk network ls -q --no-trunc --filter "label=$LABEL"
		dk network ls --no-trunc --format '{{.ID}} {{.Name}}' | awk -v p="$T" 'index($2, p) == 1 { print $1 }'
	} 2>/dev/null | sort -u) || true
	# shellcheck disable=SC2086
	[[ -z $ids ]] || dk network rm $ids >/dev/null 2>&1 || true

	ids=$({
		dk volume ls -q --filter "label=$LABEL"
		dk volume ls -q | awk -v p="$T" 'index($1, p) == 1'
	} 2>/dev/null | sort -u) || true
	# shellcheck disable=SC2086
	[[ -z $ids ]] || dk volume rm -f $ids >/dev/null 2>&1 || true

	# Images by reference first (an untag), then by id: an image tagged both "$T-…" and something
	# else loses only the test's tag.
	ids=$(dk images --format '{{.Repository}}:{{.Tag}}' 2>/dev/null |
		awk -v p="$T" 'index($1, p) == 1 || index($1, "/" p) > 0') || true
	# shellcheck disable=SC2086
	[[ -z $ids ]] || dk rmi -f $ids >/dev/null 2>&1 || true
	ids=$(dk images -aq --no-trunc --filter "label=$LABEL" 2>/dev/null | sort -u) || true
	# shellcheck disable=SC2086
	[[ -z $ids ]] || dk rmi -f $ids >/dev/null 2>&1 || true

	if [[ ${_dt_own_tmp:-} == 1 ]]; then rm -rf "$TEST_TMP"; fi
	return 0
}

# The runner calls this before each test: cleanup on exit, and the line of any command that fails.
_dt_begin() {
	trap cleanup_prefix EXIT
	trap '_dt_on_err $?' ERR
	_dt_tmp
}

_dt_on_err() {
	# An assertion has said what failed, and where; a failing $(…) is told by the line using it.
	[[ ${_dt_failed:-} == 1 || $BASH_SUBSHELL -gt 0 ]] && return 0
	printf '%s (exit status %s)\n' "$(_dt_where 1 text)" "$1" >&2
	_dt_failed=1
}
