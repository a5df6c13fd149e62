# shellcheck shell=bash
# dind-register against a fake GitLab (tests/fake-gitlab/fake_gitlab.py) over HTTP and over HTTPS
# with a CA made here: every registration path, the errors, retries, rollback, unregister, verify.
# Every config.toml written is read back by Python's tomllib and checked key by key and type by
# type (tests/fake-gitlab/check_config.py); no token may show in any output.
# shellcheck source=tests/integration/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

REG=$BIN/dind-register
FAKE_PY=$ROOT/tests/fake-gitlab/fake_gitlab.py
CHECK_PY=$ROOT/tests/fake-gitlab/check_config.py
PY=python3
[[ -x /usr/bin/python3 ]] && PY=/usr/bin/python3
# The fake listens on 127.0.0.1; a proxy from the environment must not get in between.
unset http_proxy https_proxy HTTP_PROXY HTTPS_PROXY all_proxy ALL_PROXY no_proxy NO_PROXY
# Token variables of the machine have no say either.
unset RUNNER_TOKEN REGISTRATION_TOKEN GITLAB_PAT CI_SERVER_URL

# Realistic tokens: prefix and 20 characters, as GitLab makes them.
GLRT='glrt-AbCdEfGhIjKlMnOpQr01'
GLRT_DEAD='glrt-DeadDeadDeadDeadDe99'
REGTOK=GR1348941ZyXwVuTsRqPoNmLk02
PAT=glpat-PaTpAtPaTpAtPaTpAt03
SECRETS=("$GLRT" "$GLRT_DEAD" "$REGTOK" "$PAT")

FAKE_DIR='' FAKE_URL='' FAKE_PID=''

# start_fake [--tls] [STATE_JSON]: a fake GitLab of this test's own, on a free port. Sets FAKE_DIR
# (its state, requests.jsonl, state-now.json) and FAKE_URL.
start_fake() {
	local tls=()
	if [[ ${1:-} == --tls ]]; then
		make_pki
		tls=(--tls-cert "$TEST_TMP/pki/server.pem" --tls-key "$TEST_TMP/pki/server.key")
		shift
	fi
	FAKE_DIR=$TEST_TMP/gitlab
	mkdir -p "$FAKE_DIR"
	local state=${1:-}
	[[ -n $state ]] || state="{\"runners\": [{\"id\": 9171, \"token\": \"$GLRT\"}]}"
	printf '%s\n' "$state" >"$FAKE_DIR/state.json"
	# Started straight from this shell, so it exits as soon as the test's shell is gone.
	"$PY" "$FAKE_PY" --dir "$FAKE_DIR" --lifetime 120 "${tls[@]}" 2>"$FAKE_DIR/server.log" &
	FAKE_PID=$!
	trap 'kill "$FAKE_PID" 2>/dev/null || true; cleanup_prefix' EXIT
	local i
	for ((i = 0; i < 100; i++)); do
		[[ -s $FAKE_DIR/port ]] && break
		sleep 0.05
	done
	[[ -s $FAKE_DIR/port ]] || fail "the fake GitLab did not start" "$(cat "$FAKE_DIR/server.log")"
	if [[ ${#tls[@]} -gt 0 ]]; then
		FAKE_URL=https://localhost:$(<"$FAKE_DIR/port")
	else
		FAKE_URL=http://127.0.0.1:$(<"$FAKE_DIR/port")
	fi
}

# A CA and a server certificate for localhost (only: not for 127.0.0.1), signed by it.
make_pki() {
	local d=$TEST_TMP/pki
	mkdir -p "$d"
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 -subj /CN=dindtest-ca \
		-keyout "$d/ca.key" -out "$d/ca.pem" 2>/dev/null
	openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -subj /CN=localhost \
		-keyout "$d/server.key" -out "$d/server.csr" 2>/dev/null
	printf 'subjectAltName=DNS:localhost\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n' >"$d/ext"
	openssl x509 -req -in "$d/server.csr" -CA "$d/ca.pem" -CAkey "$d/ca.key" -CAcreateserial -days 2 \
		-extfile "$d/ext" -out "$d/server.pem" 2>/dev/null
}

# token_file NAME VALUE: a file holding a token, mode 0600; prints its path.
token_file() {
	local f=$TEST_TMP/$1
	(umask 077 && printf '%s\n' "$2" >"$f")
	printf '%s\n' "$f"
}

# The requests the fake received, one "METHOD PATH" per line.
requests() {
	[[ -f $FAKE_DIR/requests.jsonl ]] || return 0
	"$PY" -c 'import json, sys
for line in open(sys.argv[1]):
    r = json.loads(line)
    print(r["method"], r["path"])' "$FAKE_DIR/requests.jsonl"
}

# request_json N EXPR: EXPR (Python, over the parsed body b and the headers h) of request N (from 1).
request_json() {
	"$PY" -c 'import json, sys
r = [json.loads(l) for l in open(sys.argv[1])][int(sys.argv[2]) - 1]
b = json.loads(r["body"]) if r["body"] else None
h = r["headers"]
v = eval(sys.argv[3])
print(json.dumps(v) if not isinstance(v, str) else v)' "$FAKE_DIR/requests.jsonl" "$1" "$2"
}

# The fake's state now: EXPR over s.
fake_state() {
	"$PY" -c 'import json, sys
s = json.load(open(sys.argv[1]))
v = eval(sys.argv[2])
print(json.dumps(v) if not isinstance(v, str) else v)' "$FAKE_DIR/state-now.json" "$1"
}

# check_config FILE: tomllib's reading of FILE, checked against gitlab-runner's types.
check_config() {
	local out rc=0
	out=$("$PY" "$CHECK_PY" "$1" 2>&1) || rc=$?
	[[ $rc -eq 0 ]] || fail "check_config $1 failed ($rc)" "$out"
	printf '%s\n' "$out"
}

# No token in stdout and stderr: neither the test's tokens nor those given (words of the arguments).
assert_no_secrets() {
	local text="$OUT"$'\n'"$ERR" s extra=()
	read -ra extra <<<"$*"
	for s in "${SECRETS[@]}" "${extra[@]}"; do
		[[ -n $s ]] || continue
		assert_not_contains "$text" "$s" "a token shows in the output"
		# Not even most of one.
		assert_not_contains "$text" "${s:5:12}" "part of a token shows in the output"
	done
}

# The tokens the fake handed out, for assert_no_secrets.
issued_tokens() { fake_state '" ".join(r["token"] for r in s["runners"])'; }

# Tokens travel in request bodies (and a PAT in PRIVATE-TOKEN), never in a URL.
assert_tokens_only_in_bodies() {
	local s path
	while read -r _ path; do
		for s in "${SECRETS[@]}" $(issued_tokens); do
			assert_not_contains "$path" "$s" "a token in a request path"
		done
	done < <(requests)
}

mode_of() { stat -c %a "$1"; }

# Runs a command that may write at most 1 KiB per file: RLIMIT_FSIZE binds root too, and with
# SIGXFSZ ignored (as the command inherits it) a write past it fails with EFBIG.
small_write() { (ulimit -f 1 && trap '' XFSZ && exec "$@"); }

in_tmp() { (cd "$TEST_TMP" && exec "$@"); }

# --- registering with a runner authentication token -----------------------------------------

test_register_glrt_token_over_http() {
	start_fake
	local tok cfg=$TEST_TMP/etc/config.toml
	tok=$(token_file glrt "$GLRT")
	assert_exit 0 "$REG" --url "$FAKE_URL/" --name r1 --config "$cfg" --token-file "$tok" --docker-image docker:27.3.1
	assert_eq "registered r1 (runner 9171 at $FAKE_URL): added it to $cfg" "$OUT"
	assert_eq "dind-register: warning: $FAKE_URL is plain HTTP: tokens cross the network unencrypted; use https:// where you can" "$ERR"
	assert_no_secrets

	assert_eq "concurrent int 1
check_interval int 0
runners[0].name str \"r1\"
runners[0].url str \"$FAKE_URL\"
runners[0].id int 9171
runners[0].token str \"$GLRT\"
runners[0].token_obtained_at datetime recent
runners[0].token_expires_at datetime 0001-01-01T00:00:00+00:00
runners[0].executor str \"docker\"
runners[0].environment list[str] [\"COMPOSE_PROJECT_NAME=ci-\${CI_JOB_ID}\"]
runners[0].docker table
runners[0].docker.host str \"tcp://gitlab-dind:2376\"
runners[0].docker.tls_verify bool true
runners[0].docker.tls_cert_path str \"/certs/client\"
runners[0].docker.image str \"docker:27.3.1\"
runners[0].docker.privileged bool false
runners[0].docker.disable_cache bool false
runners[0].docker.volumes list[str] [\"/var/run/docker.sock:/var/run/docker.sock\", \"/cache\"]
runners[0].docker.shm_size int 0" "$(check_config "$cfg")"
	assert_eq 600 "$(mode_of "$cfg")" "config.toml mode"

	# .runner_system_id: made before the request, 0600, no newline, gitlab-runner's derivation.
	local sid
	sid=$(<"$TEST_TMP/etc/.runner_system_id")
	[[ $sid =~ ^[sr]_[0-9a-zA-Z]{12}$ ]] || fail "bad system_id '$sid'"
	assert_eq 14 "$(stat -c %s "$TEST_TMP/etc/.runner_system_id")" "no newline"
	assert_eq 600 "$(mode_of "$TEST_TMP/etc/.runner_system_id")"
	local machine_id=''
	for f in /var/lib/dbus/machine-id /etc/machine-id; do
		[[ -s $f ]] && machine_id=$(tr -d '[:space:]' <"$f") && break
	done
	if [[ -n $machine_id ]]; then
		assert_eq "s_$("$PY" -c 'import hashlib, hmac, sys
print(hmac.new(sys.argv[1].encode(), b"gitlab-runner", hashlib.sha256).hexdigest()[:12])' "$machine_id")" "$sid" \
			"system_id derived from the machine id"
	else
		assert_starts_with "$sid" r_
	fi

	# Exactly one request: verify, JSON, token in the body.
	assert_eq "POST /api/v4/runners/verify" "$(requests)"
	assert_eq "application/json" "$(request_json 1 'h["content-type"]')"
	assert_eq '["info", "system_id", "token"]' "$(request_json 1 'sorted(b)')"
	assert_eq "$GLRT" "$(request_json 1 'b["token"]')"
	assert_eq "$sid" "$(request_json 1 'b["system_id"]')"
	assert_eq "gitlab-runner docker linux bash" \
		"$(request_json 1 '" ".join([b["info"]["name"], b["info"]["executor"], b["info"]["platform"], b["info"]["shell"]])')"
	assert_eq "true true" "$(request_json 1 '" ".join(str(b["info"]["features"][k]).lower() for k in ("cancelable", "cancel_gracefully"))')"
	assert_eq '["'"$sid"'"]' "$(fake_state '[m for r in s["runners"] if r["id"] == 9171 for m in r["managers"]]')"
	assert_tokens_only_in_bodies
}

test_register_over_https_with_the_ca_and_without() {
	start_fake --tls
	local tok cfg=$TEST_TMP/config.toml
	tok=$(token_file glrt "$GLRT")
	# The system's CAs do not know the test's CA: exit 69 with a hint, nothing written.
	assert_exit 69 "$REG" --url "$FAKE_URL" --name r1 --config "$cfg" --token-file "$tok" --docker-image docker:27
	assert_eq "" "$OUT"
	assert_eq 1 "$(wc -l <"$ERR_FILE")" "one error line"
	assert_starts_with "$ERR" "dind-register: error: TLS with GitLab at $FAKE_URL failed: "
	assert_contains "$ERR" "give that CA with --tls-ca-file"
	[[ ! -e $cfg ]] || fail "config.toml was written"
	[[ ! -e $FAKE_DIR/requests.jsonl ]] || fail "a request got through an unverified connection"
	assert_no_secrets

	assert_exit 0 "$REG" --url "$FAKE_URL" --name r1 --config "$cfg" --token-file "$tok" --docker-image docker:27 \
		--tls-ca-file "$TEST_TMP/pki/ca.pem"
	assert_eq "" "$ERR" "no warning over HTTPS"
	assert_eq "registered r1 (runner 9171 at $FAKE_URL): added it to $cfg" "$OUT"
	assert_contains "$(check_config "$cfg")" "runners[0].url str \"$FAKE_URL\""

	# The certificate names localhost, not 127.0.0.1: the host name is checked too.
	assert_exit 69 "$REG" --url "https://127.0.0.1:${FAKE_URL##*:}" --name r2 --config "$cfg" --token-file "$tok" \
		--docker-image docker:27 --tls-ca-file "$TEST_TMP/pki/ca.pem"
	assert_contains "$ERR" "--tls-ca-file"
	assert_no_secrets

	# A CA file that cannot be read is a usage error.
	assert_exit 2 "$REG" --url "$FAKE_URL" --name r1 --config "$cfg" --token-file "$tok" --docker-image docker:27 \
		--tls-ca-file "$TEST_TMP/missing.pem"
	assert_contains "$ERR" "cannot read --tls-ca-file $TEST_TMP/missing.pem"
}

test_register_glrt_with_server_side_settings_is_refused() {
	start_fake
	local tok
	tok=$(token_file glrt "$GLRT")
	assert_exit 2 "$REG" --url "$FAKE_URL" --name r1 --config "$TEST_TMP/c.toml" --token-file "$tok" \
		--tag-list docker,linux --locked=false --maximum-timeout 3600
	assert_eq "dind-register: error: runner settings other than the name and the executor's configuration (--tag-list, --locked, --maximum-timeout) are kept by GitLab and cannot be given with a runner authentication token (glrt-, from --token-file $tok): set them on the runner in GitLab, or create the runner with --pat-file and give them then" "$ERR"
	assert_eq "" "$(requests)" "nothing sent"
	[[ ! -e $TEST_TMP/c.toml && ! -e $TEST_TMP/.runner_system_id ]] || fail "something was written"
}

test_register_403_rejected_token_leaves_config_alone() {
	start_fake
	local tok cfg=$TEST_TMP/config.toml
	tok=$(token_file dead "$GLRT_DEAD")
	printf 'concurrent = 3\n' >"$cfg"
	assert_exit 1 "$REG" --url "$FAKE_URL" --name r1 --config "$cfg" --token-file "$tok" --docker-image docker:27
	assert_contains "$ERR" "dind-register: error: GitLab rejected the token: 403 Forbidden - invalid token supplied"
	assert_eq 1 "$(grep -c error: "$ERR_FILE")" "the error is printed once"
	assert_eq "concurrent = 3" "$(<"$cfg")"
	assert_no_secrets
}

# --- the legacy registration token ----------------------------------------------------------

test_register_legacy_registration_token() {
	start_fake "{\"registration_tokens\": [\"$REGTOK\"], \"token_expires_at\": \"2027-01-31T12:00:00.000Z\"}"
	local tok cfg=$TEST_TMP/config.toml
	tok=$(token_file reg "$REGTOK")
	assert_exit 0 "$REG" --url "$FAKE_URL/ci" --name legacy-1 --config "$cfg" --registration-token-file "$tok" \
		--docker-image docker:27 --tag-list docker,linux --tag-list big --locked=false --run-untagged \
		--access-level ref_protected --maximum-timeout 3600 --paused --maintenance-note 'ops team'
	assert_no_secrets "$(issued_tokens)"
	assert_eq "POST /api/v4/runners" "$(requests)" "the legacy /ci suffix is dropped"
	assert_eq '{"access_level": "ref_protected", "description": "legacy-1", "locked": false, "maintenance_note": "ops team", "maximum_timeout": 3600, "paused": true, "run_untagged": true, "tag_list": "docker,linux,big", "token": "'"$REGTOK"'"}' \
		"$(request_json 1 'json.dumps({k: v for k, v in sorted(b.items()) if k != "info"}, sort_keys=True)')"
	assert_eq "gitlab-runner" "$(request_json 1 'b["info"]["name"]')"

	local issued
	issued=$(fake_state 's["runners"][0]["token"]')
	[[ $issued != glrt-* ]] || fail "the fake gave a legacy registration a glrt- token"
	local dump
	dump=$(check_config "$cfg")
	assert_contains "$dump" "runners[0].url str \"$FAKE_URL\""
	assert_contains "$dump" "runners[0].id int 9171"
	assert_contains "$dump" "runners[0].token str \"$issued\""
	assert_contains "$dump" "runners[0].token_obtained_at datetime recent"
	assert_contains "$dump" "runners[0].token_expires_at datetime 2027-01-31T12:00:00+00:00"
	assert_tokens_only_in_bodies

	# gitlab-runner's defaults for what is not given: locked, untagged jobs only without tags.
	assert_exit 0 "$REG" --url "$FAKE_URL" --name legacy-2 --config "$cfg" --registration-token-file "$tok" \
		--docker-image docker:27
	assert_eq '{"description": "legacy-2", "locked": true, "paused": false, "run_untagged": true}' \
		"$(request_json 2 'json.dumps({k: v for k, v in sorted(b.items()) if k not in ("info", "token")}, sort_keys=True)')"
}

test_register_legacy_token_410_registration_disabled() {
	start_fake "{\"registration_tokens\": [\"$REGTOK\"], \"registration_disabled\": true}"
	local tok cfg=$TEST_TMP/config.toml
	tok=$(token_file reg "$REGTOK")
	assert_exit 1 "$REG" --url "$FAKE_URL" --name r1 --config "$cfg" --registration-token-file "$tok" \
		--docker-image docker:27
	assert_contains "$ERR" "dind-register: error: this GitLab has registration tokens disabled (410 Gone - runner registration disallowed): create the runner in GitLab"
	assert_contains "$ERR" "register with its glrt- token (--token-file)"
	assert_contains "$ERR" "personal access token that has the create_runner scope (--pat-file)"
	[[ ! -e $cfg ]] || fail "config.toml was written"
	assert_no_secrets
}

# --- a personal access token ----------------------------------------------------------------

test_register_with_a_personal_access_token() {
	start_fake "{\"pats\": [\"$PAT\"]}"
	local tok cfg=$TEST_TMP/config.toml
	tok=$(token_file pat "$PAT")
	assert_exit 0 "$REG" --url "$FAKE_URL" --name pat-1 --config "$cfg" --pat-file "$tok" --runner-type group_type \
		--group-id 7 --tag-list docker --paused=false --docker-image docker:27
	local created
	created=$(fake_state 's["runners"][0]["token"]')
	assert_starts_with "$created" glrt-
	assert_no_secrets "$created"
	assert_eq "POST /api/v4/user/runners
POST /api/v4/runners/verify" "$(requests)"
	assert_eq "$PAT" "$(request_json 1 'h["private-token"]')"
	assert_eq '{"description": "pat-1", "group_id": 7, "paused": false, "runner_type": "group_type", "tag_list": "docker"}' \
		"$(request_json 1 'json.dumps(b, sort_keys=True)')"
	assert_eq "$created" "$(request_json 2 'b["token"]')"
	assert_eq "None" "$(request_json 2 'str(h.get("private-token"))')" "the PAT goes to /user/runners only"
	assert_contains "$(check_config "$cfg")" "runners[0].token str \"$created\""
	assert_tokens_only_in_bodies

	# A PAT GitLab does not accept.
	local bad
	bad=$(token_file badpat glpat-WrongWrongWrongWrong9)
	assert_exit 1 "$REG" --url "$FAKE_URL" --name pat-2 --config "$cfg" --pat-file "$bad" \
		--runner-type instance_type --docker-image docker:27
	assert_contains "$ERR" "dind-register: error: GitLab rejected the personal access token (401 Unauthorized): it needs the create_runner scope"
	assert_no_secrets glpat-WrongWrongWrongWrong9

	# Scope options are checked before anything is sent.
	local before
	before=$(requests | wc -l)
	assert_exit 2 "$REG" --url "$FAKE_URL" --config "$cfg" --pat-file "$tok" --runner-type project_type
	assert_eq "dind-register: error: --runner-type project_type needs --project-id" "$ERR"
	assert_exit 2 "$REG" --url "$FAKE_URL" --config "$cfg" --pat-file "$tok"
	assert_contains "$ERR" "needs --runner-type"
	assert_exit 2 "$REG" --url "$FAKE_URL" --config "$cfg" --token-file "$tok" --runner-type instance_type
	assert_contains "$ERR" "--runner-type, --group-id and --project-id are for creating a runner with a personal access token"
	assert_eq "$before" "$(requests | wc -l)" "nothing more was sent"
}

# --- retries --------------------------------------------------------------------------------

test_register_retries_429_honouring_retry_after() {
	start_fake "{\"runners\": [{\"id\": 9171, \"token\": \"$GLRT\"}], \"script\": {\"POST /api/v4/runners/verify\": [{\"status\": 429, \"headers\": {\"Retry-After\": \"1\"}, \"body\": {\"message\": \"429 Too Many Requests\"}}]}}"
	local tok start end
	tok=$(token_file glrt "$GLRT")
	start=$(date +%s%N)
	assert_exit 0 "$REG" --url "$FAKE_URL" --name r1 --config "$TEST_TMP/c.toml" --token-file "$tok" --docker-image docker:27
	end=$(date +%s%N)
	[[ $(((end - start) / 1000000)) -ge 1000 ]] || fail "Retry-After: 1 was not honoured ($(((end - start) / 1000000)) ms)"
	assert_contains "$ERR" "warning: GitLab answered 429 Too Many Requests to POST /api/v4/runners/verify; trying again in 1.0 s (try 2 of 5)"
	assert_eq "POST /api/v4/runners/verify
POST /api/v4/runners/verify" "$(requests)"
	assert_no_secrets
}

test_register_500_then_success() {
	start_fake "{\"runners\": [{\"id\": 9171, \"token\": \"$GLRT\"}], \"script\": {\"POST /api/v4/runners/verify\": [{\"status\": 500}, {\"status\": 502, \"body\": {\"message\": \"502 Bad Gateway\"}}]}}"
	local tok
	tok=$(token_file glrt "$GLRT")
	assert_exit 0 "$REG" --url "$FAKE_URL" --name r1 --config "$TEST_TMP/c.toml" --token-file "$tok" --docker-image docker:27
	assert_eq 3 "$(requests | wc -l)"
	assert_contains "$ERR" "trying again in 0.1 s (try 2 of 5)"
	assert_contains "$ERR" "trying again in 0.2 s (try 3 of 5)"
	assert_contains "$(check_config "$TEST_TMP/c.toml")" "runners[0].id int 9171"
}

test_register_gives_up_after_5_tries() {
	start_fake "{\"runners\": [{\"id\": 9171, \"token\": \"$GLRT\"}], \"script\": {\"POST /api/v4/runners/verify\": [{\"status\": 503}, {\"status\": 503}, {\"status\": 503}, {\"status\": 503}, {\"status\": 503}]}}"
	local tok
	tok=$(token_file glrt "$GLRT")
	assert_exit 69 "$REG" --url "$FAKE_URL" --name r1 --config "$TEST_TMP/c.toml" --token-file "$tok" --docker-image docker:27
	assert_contains "$ERR" "dind-register: error: GitLab at $FAKE_URL is unavailable: POST /api/v4/runners/verify answered 503 Service Unavailable 5 times"
	assert_eq 5 "$(requests | wc -l)"
	[[ ! -e $TEST_TMP/c.toml ]] || fail "config.toml was written"
}

test_register_gitlab_unreachable_is_69() {
	local tok port
	tok=$(token_file glrt "$GLRT")
	# A port nothing listens on: bind one, then let it go.
	port=$("$PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
	assert_exit 69 "$REG" --url "http://127.0.0.1:$port" --name r1 --config "$TEST_TMP/c.toml" --token-file "$tok" \
		--docker-image docker:27
	assert_contains "$ERR" "dind-register: error: cannot connect to GitLab at http://127.0.0.1:$port: "
	assert_no_secrets
}

# --- config.toml ----------------------------------------------------------------------------

test_register_rollback_when_config_cannot_be_written() {
	start_fake "{\"registration_tokens\": [\"$REGTOK\"], \"runners\": [{\"id\": 9171, \"token\": \"$GLRT\"}]}"
	local reg glrt cfg=$TEST_TMP/config.toml before
	reg=$(token_file reg "$REGTOK")
	glrt=$(token_file glrt "$GLRT")
	# An existing file of about 1 KiB: with the new entry it no longer fits under RLIMIT_FSIZE, which
	# binds root too. Writing the temporary file fails with EFBIG (SIGXFSZ ignored, as inherited).
	{
		printf 'concurrent = 2\ncheck_interval = 0\n\n[[runners]]\n  name = "other"\n  url = "https://gitlab.example.com"\n'
		printf '  id = 1\n  token = "glrt-OtherOtherOtherOther"\n  executor = "shell"\n  pre_build_script = "echo %s"\n' \
			"$(printf 'x%.0s' {1..800})"
	} >"$cfg"
	before=$(sha256sum <"$cfg")

	# Legacy: GitLab created a runner; it is deleted again.
	assert_exit 1 small_write "$REG" --url "$FAKE_URL" --name r1 --config "$cfg" --registration-token-file "$reg" \
		--docker-image docker:27
	assert_contains "$ERR" "dind-register: error: cannot write $cfg: File too large; deleted runner 9172 from GitLab again; $cfg is unchanged"
	assert_eq "POST /api/v4/runners
DELETE /api/v4/runners" "$(requests)"
	assert_eq "$(request_json 1 'b["token"]')" "$REGTOK"
	assert_eq "[9171]" "$(fake_state '[r["id"] for r in s["runners"]]')" "the new runner is gone from GitLab"
	assert_eq "$before" "$(sha256sum <"$cfg")" "config.toml is unchanged"
	local left=("$TEST_TMP"/.config.toml.*)
	[[ ! -e ${left[0]} ]] || fail "a temporary file is left: ${left[*]}"

	# glrt-: only this host's manager is removed again; the runner itself stays.
	assert_exit 1 small_write "$REG" --url "$FAKE_URL" --name r1 --config "$cfg" --token-file "$glrt" \
		--docker-image docker:27
	assert_contains "$ERR" "; removed this host from runner 9171 in GitLab again; $cfg is unchanged"
	assert_eq "DELETE /api/v4/runners/managers" "$(requests | tail -n 1)"
	assert_eq "$(<"$TEST_TMP/.runner_system_id")" "$(request_json 4 'b["system_id"]')"
	assert_eq "[]" "$(fake_state '[r["managers"] for r in s["runners"]][0]')"
	assert_eq "$before" "$(sha256sum <"$cfg")"
	assert_no_secrets "$(issued_tokens)"
}

test_register_replaces_its_entry_and_keeps_everything_else() {
	start_fake
	local tok cfg=$TEST_TMP/config.toml
	tok=$(token_file glrt "$GLRT")
	cat >"$cfg" <<-'EOF'
		concurrent = 4
		check_interval = 3
		log_level = "info"
		listen_address = ":9252"
		shutdown_timeout = 30
		connection_max_age = "15m0s"
		unknown_global = [1, 2]

		[session_server]
		  session_timeout = 1800

		[[runners]]
		  name = "r1"
		  limit = 5
		  url = "https://old.example.com/"
		  id = 1
		  token = "glrt-OldOldOldOldOldOldOl"
		  token_obtained_at = 2024-01-01T00:00:00Z
		  token_expires_at = 2024-02-01T00:00:00Z
		  executor = "docker"
		  environment = ["OLD=1"]
		  [runners.cache]
		    MaxUploadedArchiveSize = 0
		  [runners.docker]
		    host = "tcp://old:2376"
		    image = "docker:20"
		    pull_policy = ["if-not-present"]
		    network_mtu = 1360

		[[runners]]
		  name = "shell-runner"
		  url = "https://gitlab.example.com/"
		  id = 2
		  token = "glrt-ShellShellShellShell"
		  token_obtained_at = 2025-01-01T00:00:00Z
		  token_expires_at = 0001-01-01T00:00:00Z
		  executor = "shell"
		  [runners.feature_flags]
		    FF_USE_FASTZIP = true
	EOF
	assert_exit 0 "$REG" --url "$FAKE_URL" --name r1 --config "$cfg" --token-file "$tok" --docker-image docker:27 \
		--env A=1 --env COMPOSE_PROJECT_NAME=mine
	assert_eq "registered r1 (runner 9171 at $FAKE_URL): replaced its entry in $cfg" "$OUT"
	assert_eq "concurrent int 4
check_interval int 3
log_level str \"info\"
listen_address str \":9252\"
shutdown_timeout int 30
connection_max_age str \"15m0s\"
unknown_global list [1, 2]
session_server table
session_server.session_timeout int 1800
runners[0].name str \"r1\"
runners[0].limit int 5
runners[0].url str \"$FAKE_URL\"
runners[0].id int 9171
runners[0].token str \"$GLRT\"
runners[0].token_obtained_at datetime recent
runners[0].token_expires_at datetime 0001-01-01T00:00:00+00:00
runners[0].executor str \"docker\"
runners[0].environment list[str] [\"COMPOSE_PROJECT_NAME=mine\", \"A=1\"]
runners[0].cache table
runners[0].cache.MaxUploadedArchiveSize int 0
runners[0].docker table
runners[0].docker.host str \"tcp://gitlab-dind:2376\"
runners[0].docker.tls_verify bool true
runners[0].docker.tls_cert_path str \"/certs/client\"
runners[0].docker.image str \"docker:27\"
runners[0].docker.privileged bool false
runners[0].docker.disable_cache bool false
runners[0].docker.volumes list[str] [\"/var/run/docker.sock:/var/run/docker.sock\", \"/cache\"]
runners[0].docker.shm_size int 0
runners[0].docker.network_mtu int 1360
runners[0].docker.pull_policy list[str] [\"if-not-present\"]
runners[1].name str \"shell-runner\"
runners[1].url str \"https://gitlab.example.com/\"
runners[1].id int 2
runners[1].token str \"glrt-ShellShellShellShell\"
runners[1].token_obtained_at datetime 2025-01-01T00:00:00+00:00
runners[1].token_expires_at datetime 0001-01-01T00:00:00+00:00
runners[1].executor str \"shell\"
runners[1].feature_flags table
runners[1].feature_flags.FF_USE_FASTZIP bool true" "$(check_config "$cfg")"
	assert_eq 600 "$(mode_of "$cfg")"

	# Again under the same name: still two entries.
	assert_exit 0 "$REG" --url "$FAKE_URL" --name r1 --config "$cfg" --token-file "$tok" --docker-image docker:28
	assert_eq 2 "$(check_config "$cfg" | grep -c '\.name ')" "no duplicate entry"
	assert_contains "$(check_config "$cfg")" 'runners[0].docker.image str "docker:28"'
	assert_no_secrets glrt-OldOldOldOldOldOldOl glrt-ShellShellShellShell
}

test_register_plain_tcp_and_docker_options() {
	start_fake
	local tok cfg=$TEST_TMP/config.toml
	tok=$(token_file glrt "$GLRT")
	assert_exit 0 "$REG" --url "$FAKE_URL" --name r1 --config "$cfg" --token-file "$tok" --no-docker-tls \
		--docker-image alpine:3.20 --docker-privileged --docker-volume /cache --docker-volume /srv/data:/data:ro \
		--docker-disable-cache --docker-shm-size 268435456
	local dump
	dump=$(check_config "$cfg" | grep '\.docker\.')
	assert_eq "runners[0].docker.host str \"tcp://gitlab-dind:2375\"
runners[0].docker.tls_verify bool false
runners[0].docker.image str \"alpine:3.20\"
runners[0].docker.privileged bool true
runners[0].docker.disable_cache bool true
runners[0].docker.volumes list[str] [\"/cache\", \"/srv/data:/data:ro\"]
runners[0].docker.shm_size int 268435456" "$dump"

	assert_exit 0 "$REG" --url "$FAKE_URL" --name r1 --config "$cfg" --token-file "$tok" \
		--docker-host tcp://dind2:2376 --docker-tls-cert-path /certs/other --docker-image docker:27
	assert_contains "$(check_config "$cfg")" 'runners[0].docker.host str "tcp://dind2:2376"'
	assert_contains "$(check_config "$cfg")" 'runners[0].docker.tls_cert_path str "/certs/other"'

	assert_exit 2 "$REG" --url "$FAKE_URL" --name r1 --config "$cfg" --token-file "$tok" --no-docker-tls \
		--docker-tls-cert-path /c
	assert_eq "dind-register: error: --no-docker-tls and --docker-tls-cert-path contradict each other" "$ERR"
	assert_exit 2 "$REG" --url "$FAKE_URL" --name r1 --config "$cfg" --token-file "$tok" --env NOVALUE
	assert_starts_with "$ERR" "dind-register: error: --env takes KEY=VALUE"
}

test_register_default_image_from_the_engine() {
	start_fake
	local tok cfg=$TEST_TMP/config.toml version
	tok=$(token_file glrt "$GLRT")
	# The test engine has no gitlab-dind container: its own version decides.
	version=$(dk version --format '{{.Server.Version}}')
	version=${version%%[^0-9.]*}
	assert_exit 0 "$REG" --url "$FAKE_URL" --name r1 --config "$cfg" --token-file "$tok"
	assert_contains "$(check_config "$cfg")" "runners[0].docker.image str \"docker:$version\""

	# No engine to ask: the documented fallback, with a warning.
	assert_exit 0 "$REG" --url "$FAKE_URL" --name r1 --config "$cfg" --token-file "$tok" -H unix:///nonexistent/docker.sock
	assert_contains "$(check_config "$cfg")" 'runners[0].docker.image str "docker:24"'
	assert_contains "$ERR" "warning: cannot ask the Docker engine which docker image jobs should use"
	assert_contains "$ERR" "using docker:24 (choose one with --docker-image)"
}

test_register_invalid_toml_is_exit_2_and_untouched() {
	start_fake
	local tok cfg=$TEST_TMP/config.toml
	tok=$(token_file glrt "$GLRT")
	printf 'concurrent = 1\n[[runners]\nname = "x"\n' >"$cfg"
	chmod 644 "$cfg"
	local before
	before=$(stat -c '%s %Y %a' "$cfg")$(sha256sum <"$cfg")
	assert_exit 2 "$REG" --url "$FAKE_URL" --name r1 --config "$cfg" --token-file "$tok" --docker-image docker:27
	assert_starts_with "$ERR" "dind-register: error: $cfg:2:"
	assert_contains "$ERR" "not valid TOML"
	assert_eq "$before" "$(stat -c '%s %Y %a' "$cfg")$(sha256sum <"$cfg")" "the file is untouched"
	assert_eq "" "$(requests)" "GitLab never heard of it"

	printf 'runners = "none"\n' >"$cfg"
	assert_exit 2 "$REG" --url "$FAKE_URL" --name r1 --config "$cfg" --token-file "$tok" --docker-image docker:27
	assert_contains "$ERR" "runners must be an array of tables"
	assert_exit 2 "$REG" --verify --config "$cfg"
	assert_exit 2 "$REG" --unregister-all --config "$cfg"
}

test_register_dry_run_changes_nothing_and_shows_no_token() {
	start_fake "{\"pats\": [\"$PAT\"], \"runners\": [{\"id\": 9171, \"token\": \"$GLRT\"}]}"
	local tok pat cfg=$TEST_TMP/etc/config.toml
	tok=$(token_file glrt "$GLRT")
	pat=$(token_file pat "$PAT")
	assert_exit 0 "$REG" -n --url "$FAKE_URL" --name r1 --config "$cfg" --token-file "$tok" --docker-image docker:27
	assert_no_secrets
	[[ ! -e $TEST_TMP/etc ]] || fail "a dry run created $TEST_TMP/etc"
	assert_eq "" "$(requests)" "a dry run sends nothing"
	assert_contains "$OUT" "dry run: nothing is sent to GitLab and nothing is written"
	assert_contains "$OUT" "would send POST $FAKE_URL/api/v4/runners/verify"
	assert_contains "$OUT" "\"token\":\"glrt-…Qr01\""
	assert_contains "$OUT" "would create $cfg (mode 0600), adding an entry"
	assert_contains "$OUT" '      token = "glrt-…Qr01"'
	assert_contains "$OUT" '        image = "docker:27"'

	assert_exit 0 "$REG" --dry-run --url "$FAKE_URL" --name r2 --config "$cfg" --pat-file "$pat" \
		--runner-type instance_type --docker-image docker:27 --log-level debug
	assert_no_secrets
	assert_contains "$OUT" "would send POST $FAKE_URL/api/v4/user/runners with PRIVATE-TOKEN: glpat-…At03"
	assert_contains "$OUT" '{"runner_type":"instance_type","description":"r2"}'
	assert_eq "" "$(requests)"

	# Unregister and verify dry runs: what would be sent, nothing sent, nothing removed.
	assert_exit 0 "$REG" --url "$FAKE_URL" --name r1 --config "$cfg" --token-file "$tok" --docker-image docker:27
	local before
	before=$(sha256sum <"$cfg")
	assert_exit 0 "$REG" -n --unregister r1 --config "$cfg"
	assert_contains "$OUT" "would send DELETE $FAKE_URL/api/v4/runners/managers for r1"
	assert_contains "$OUT" "\"token\":\"glrt-…Qr01\""
	assert_exit 0 "$REG" -n --verify --delete --config "$cfg"
	assert_contains "$OUT" "would send POST $FAKE_URL/api/v4/runners/verify for r1"
	assert_no_secrets
	assert_eq 1 "$(requests | wc -l)" "only the real registration was sent"
	assert_eq "$before" "$(sha256sum <"$cfg")"
}

# --- tokens and input -----------------------------------------------------------------------

test_register_tokens_from_environment_and_stdin() {
	start_fake "{\"registration_tokens\": [\"$REGTOK\"], \"runners\": [{\"id\": 9171, \"token\": \"$GLRT\"}]}"
	local cfg=$TEST_TMP/config.toml
	assert_exit 0 env RUNNER_TOKEN="$GLRT" CI_SERVER_URL="$FAKE_URL" "$REG" --name env-1 --config "$cfg" \
		--docker-image docker:27
	assert_eq "POST /api/v4/runners/verify" "$(requests | tail -n 1)"
	# A glrt- token given as a registration token is verified, as gitlab-runner does.
	assert_exit 0 env REGISTRATION_TOKEN="$GLRT" "$REG" --url "$FAKE_URL" --name env-2 --config "$cfg" \
		--docker-image docker:27
	assert_eq "POST /api/v4/runners/verify" "$(requests | tail -n 1)"
	assert_exit 0 "$REG" --url "$FAKE_URL" --name stdin-1 --config "$cfg" --token-stdin --docker-image docker:27 \
		<<<"$REGTOK"
	assert_eq "POST /api/v4/runners" "$(requests | tail -n 1)"
	assert_no_secrets "$(issued_tokens)"
	assert_exit 2 env RUNNER_TOKEN="$GLRT" GITLAB_PAT="$PAT" "$REG" --url "$FAKE_URL" --config "$cfg"
	assert_eq "dind-register: error: RUNNER_TOKEN and GITLAB_PAT are all set: unset all but one, or give the token with an option" "$ERR"
	assert_exit 2 "$REG" --url "$FAKE_URL" --config "$cfg" --token-stdin </dev/null
	assert_eq "dind-register: error: the token on standard input is empty" "$ERR"
	assert_eq 3 "$(check_config "$cfg" | grep -c '\.name ')"
}

test_register_refuses_tokens_on_the_command_line() {
	local arg
	for arg in "--token=$GLRT" "--registration-token $REGTOK" "--url https://x $PAT"; do
		# shellcheck disable=SC2086 # the words are the arguments
		assert_exit 2 "$REG" $arg --config "$TEST_TMP/c.toml"
		assert_starts_with "$ERR" "dind-register: error: a token was given on the command line, where ps shows it to every user"
		assert_no_secrets
	done
	# One without a known prefix is refused by the option itself, and not repeated either.
	assert_exit 2 "$REG" --token SecretWithoutPrefix123 --config "$TEST_TMP/c.toml"
	assert_contains "$ERR" "tokens are not taken on the command line"
	assert_not_contains "$ERR" SecretWithoutPrefix123
	assert_exit 2 "$REG" --registration-token=SecretWithoutPrefix123
	assert_not_contains "$ERR" SecretWithoutPrefix123
	# A token file named like a token is a file, not a token.
	printf '%s\n' "$GLRT" >"$TEST_TMP/glrt-AaaaaaaaaaaaaaaaaaaaBbbb"
	assert_exit 2 in_tmp "$REG" --token-file glrt-AaaaaaaaaaaaaaaaaaaaBbbb --config c.toml
	assert_contains "$ERR" "missing the GitLab URL"
}

test_register_without_a_terminal_never_waits() {
	local start end
	start=$(date +%s)
	assert_exit 2 "$REG" --config "$TEST_TMP/c.toml" </dev/null
	assert_eq "dind-register: error: missing the GitLab URL (--url, or CI_SERVER_URL) and a token (--token-file, --registration-token-file, --pat-file or --token-stdin, or RUNNER_TOKEN, REGISTRATION_TOKEN or GITLAB_PAT in the environment) (there is no terminal to ask on)" "$ERR"
	# stdin an open pipe nobody writes to: still no wait.
	assert_exit 2 timeout 10 "$REG" --url https://gitlab.example.com --config "$TEST_TMP/c.toml" < <(sleep 5)
	assert_starts_with "$ERR" "dind-register: error: missing a token"
	end=$(date +%s)
	[[ $((end - start)) -lt 5 ]] || fail "dind-register waited for input"
	[[ ! -e $TEST_TMP/c.toml ]] || fail "config.toml was written"
}

# Answers gitlab-runner-style questions on a pseudo-terminal; prints what the terminal showed.
_pty_py='
import os, pty, select, sys, time
argv, answers = sys.argv[1:sys.argv.index("--")], sys.argv[sys.argv.index("--") + 1:]
pid, fd = pty.fork()
if pid == 0:
    os.execv(argv[0], argv)
seen, pending = b"", list(zip(answers[0::2], answers[1::2]))
deadline = time.time() + 20
while time.time() < deadline:
    if pending and pending[0][0].encode() in seen:
        seen += b"<<" + pending[0][1].encode() + b">>"
        os.write(fd, pending[0][1].encode() + b"\r")
        pending.pop(0)
        continue
    r, _, _ = select.select([fd], [], [], 0.2)
    if r:
        try:
            data = os.read(fd, 4096)
        except OSError:
            break
        if not data:
            break
        seen += data
_, status = os.waitpid(pid, 0)
sys.stdout.write(seen.decode("utf-8", "replace"))
sys.exit(os.waitstatus_to_exitcode(status))
'

test_register_asks_on_a_terminal() {
	start_fake
	local cfg=$TEST_TMP/config.toml
	assert_exit 0 "$PY" -c "$_pty_py" "$REG" --config "$cfg" --docker-image docker:27 -- \
		"GitLab instance URL" "$FAKE_URL" "registration token:" "$GLRT" "name for the runner" ""
	assert_contains "$OUT" "Enter the GitLab instance URL (for example, https://gitlab.com/):"
	assert_contains "$OUT" "Enter the runner authentication token (glrt-…) or the registration token:"
	assert_contains "$OUT" "Enter a name for the runner. This is stored only in the local config.toml file:"
	assert_contains "$OUT" "[$(uname -n)]"
	# The terminal never echoed the token: only the answer marker shows it.
	local shown=${OUT//"<<$GLRT>>"/}
	assert_not_contains "$shown" "$GLRT" "the token was echoed"
	assert_contains "$OUT" "registered $(uname -n) (runner 9171 at $FAKE_URL)"
	assert_contains "$(check_config "$cfg")" "runners[0].name str \"$(uname -n)\""
}

# --- unregister -----------------------------------------------------------------------------

test_unregister_by_name_and_all() {
	start_fake "{\"registration_tokens\": [\"$REGTOK\"], \"runners\": [{\"id\": 9171, \"token\": \"$GLRT\"}]}"
	local glrt reg cfg=$TEST_TMP/config.toml sid
	glrt=$(token_file glrt "$GLRT")
	reg=$(token_file reg "$REGTOK")
	printf 'concurrent = 2\nlog_level = "debug"\n' >"$cfg"
	assert_exit 0 "$REG" --url "$FAKE_URL" --name modern --config "$cfg" --token-file "$glrt" --docker-image docker:27
	assert_exit 0 "$REG" --url "$FAKE_URL" --name legacy --config "$cfg" --registration-token-file "$reg" \
		--docker-image docker:27
	assert_exit 0 "$REG" --url "$FAKE_URL" --name legacy2 --config "$cfg" --registration-token-file "$reg" \
		--docker-image docker:27
	local legacy_token
	legacy_token=$(fake_state '[r["token"] for r in s["runners"] if r["id"] == 9172][0]')
	sid=$(<"$TEST_TMP/.runner_system_id")

	assert_exit 0 "$REG" --unregister legacy --config "$cfg"
	assert_eq "unregistered legacy (runner 9172 at $FAKE_URL)" "$OUT"
	assert_eq "DELETE /api/v4/runners" "$(requests | tail -n 1)"
	assert_eq "{\"token\": \"$legacy_token\"}" "$(request_json 4 'json.dumps(b)')"
	assert_eq "[9171, 9173]" "$(fake_state '[r["id"] for r in s["runners"]]')"
	assert_eq "concurrent int 2
log_level str \"debug\"" "$(check_config "$cfg" | grep -v '^runners')" "the global keys stay"
	assert_eq "runners[0].name str \"modern\"
runners[1].name str \"legacy2\"" "$(check_config "$cfg" | grep -E '^runners\[[0-9]\]\.name ')"
	assert_no_secrets "$legacy_token"

	# glrt-: only this host's manager goes, with the system_id.
	assert_exit 0 "$REG" --unregister modern --config "$cfg"
	assert_eq "unregistered modern (runner 9171 at $FAKE_URL; removed this host's manager)" "$OUT"
	assert_eq "DELETE /api/v4/runners/managers" "$(requests | tail -n 1)"
	assert_eq "{\"token\": \"$GLRT\", \"system_id\": \"$sid\"}" "$(request_json 5 'json.dumps(b)')"
	assert_eq "[]" "$(fake_state '[r["managers"] for r in s["runners"] if r["id"] == 9171][0]')"
	assert_eq "[9171, 9173]" "$(fake_state '[r["id"] for r in s["runners"]]')" "the runner itself stays in GitLab"

	assert_exit 2 "$REG" --unregister nosuch --config "$cfg"
	assert_eq "dind-register: error: no runner named nosuch in $cfg" "$ERR"

	assert_exit 0 "$REG" --unregister-all --config "$cfg"
	assert_eq "unregistered legacy2 (runner 9173 at $FAKE_URL)" "$OUT"
	assert_eq "concurrent int 2
log_level str \"debug\"" "$(check_config "$cfg")"
	assert_eq 600 "$(mode_of "$cfg")"
	assert_exit 0 "$REG" --unregister-all --config "$cfg"
	assert_eq "" "$OUT" "nothing left to do is success"
	assert_exit 2 "$REG" --unregister-all --docker-image docker:27 --config "$cfg"
	assert_eq "dind-register: error: --docker-image: only for registering, not with --unregister-all" "$ERR"
	assert_no_secrets "$(issued_tokens)"
}

test_unregister_runner_gitlab_already_forgot() {
	start_fake "{\"runners\": []}"
	local cfg=$TEST_TMP/config.toml
	printf '[[runners]]\nname = "gone"\nurl = "%s"\nid = 5\ntoken = "%s"\n' "$FAKE_URL" "$GLRT_DEAD" >"$cfg"
	assert_exit 0 "$REG" --unregister gone --config "$cfg"
	assert_contains "$ERR" "warning: GitLab no longer knows gone (runner 5): removing its entry only"
	assert_eq "unregistered gone (runner 5; GitLab had already forgotten it)" "$OUT"
	assert_eq "" "$(check_config "$cfg")"
	assert_no_secrets
}

# --- verify ---------------------------------------------------------------------------------

test_verify_and_delete_dead_entries() {
	start_fake
	local cfg=$TEST_TMP/config.toml
	cat >"$cfg" <<-EOF
		concurrent = 2

		[[runners]]
		  name = "alive"
		  url = "$FAKE_URL/"
		  id = 9171
		  token = "$GLRT"
		  executor = "docker"

		[[runners]]
		  name = "dead"
		  url = "$FAKE_URL"
		  id = 12
		  token = "$GLRT_DEAD"
		  executor = "docker"
	EOF
	assert_exit 1 "$REG" --verify --config "$cfg"
	local w=$((${#FAKE_URL} + 1))
	assert_eq "$(printf "%-5s  %-4s  %-${w}s  %s\n" NAME ID URL STATUS alive 9171 "$FAKE_URL/" alive dead 12 "$FAKE_URL" dead)" \
		"$OUT"
	assert_contains "$ERR" "warning: GitLab rejects the token of some entries; --delete removes them"
	assert_eq 2 "$(check_config "$cfg" | grep -c '\.name ')" "nothing removed without --delete"
	assert_eq "POST /api/v4/runners/verify
POST /api/v4/runners/verify" "$(requests)"
	# The system_id the runner will use: made next to config.toml if missing, and sent.
	assert_eq "$(<"$TEST_TMP/.runner_system_id")" "$(request_json 1 'b["system_id"]')"
	assert_eq "$(<"$TEST_TMP/.runner_system_id")" "$(request_json 2 'b["system_id"]')"

	assert_exit 0 "$REG" --verify --delete --config "$cfg"
	assert_contains "$OUT" "$(printf "%-5s  %-4s  %-${w}s  %s" dead 12 "$FAKE_URL" "dead, removed")"
	assert_eq "concurrent int 2
runners[0].name str \"alive\"
runners[0].url str \"$FAKE_URL/\"
runners[0].id int 9171
runners[0].token str \"$GLRT\"
runners[0].executor str \"docker\"" "$(check_config "$cfg")"
	assert_exit 0 "$REG" --verify --config "$cfg"
	assert_no_secrets

	assert_exit 2 "$REG" --delete --config "$cfg"
	assert_eq "dind-register: error: --delete goes with --verify" "$ERR"
	assert_exit 2 "$REG" --verify --unregister-all --config "$cfg"
	assert_exit 2 "$REG" --verify --config "$TEST_TMP/none.toml"
	assert_contains "$ERR" "does not exist"
}

test_verify_gitlab_unreachable_is_69() {
	local cfg=$TEST_TMP/config.toml port
	port=$("$PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
	printf '[[runners]]\nname = "a"\nurl = "http://127.0.0.1:%s"\nid = 1\ntoken = "%s"\n' "$port" "$GLRT" >"$cfg"
	assert_exit 69 "$REG" --verify --config "$cfg"
	assert_contains "$ERR" "error: cannot verify a: cannot connect to GitLab at http://127.0.0.1:$port"
	assert_contains "$OUT" "unknown"
	assert_no_secrets
}
