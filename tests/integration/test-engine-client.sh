# shellcheck shell=bash
# The Engine API client against real engines: the shared test engine, and a second one of this
# file's own that demands mutual TLS on its TCP listener.
# shellcheck source=tests/integration/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

test_mutual_tls_with_flags_and_with_the_docker_environment() {
	local certs=$TEST_TMP/certs port
	TLS_ENGINE=$(mktemp -d /tmp/dtls.XXXXXX) # a unix socket path must stay short
	make_certs "$certs"
	port=$(free_port)
	trap 'DIND_TEST_ROOT=$TLS_ENGINE "$ROOT/scripts/test-engine" stop >/dev/null 2>&1; cleanup_prefix' EXIT
	DIND_TEST_ROOT=$TLS_ENGINE "$ROOT/scripts/test-engine" start --tcp "$port" --tls "$certs" --bare >/dev/null
	local host=tcp://127.0.0.1:$port
	assert_exit 0 env -u DOCKER_HOST "$BIN/dind-gc-report" -H "$host" --tlsverify --tlscacert "$certs/ca.pem" \
		--tlscert "$certs/cert.pem" --tlskey "$certs/key.pem" --format json
	assert_eq '"host"' "$(jq -c '.engine.root_dir | if startswith("/tmp/dtls.") then "host" else . end' "$OUT_FILE")"
	# The docker CLI's conventions: DOCKER_TLS_VERIFY (any value, even 0) and DOCKER_CERT_PATH.
	assert_exit 0 env DOCKER_HOST="$host" DOCKER_TLS_VERIFY=0 DOCKER_CERT_PATH="$certs" "$BIN/dind-prune" -n
	assert_eq "Total reclaimable space: 0B (dry run: nothing was removed)" "$OUT"
	# No client certificate: the engine refuses the handshake.
	assert_exit 69 env -u DOCKER_HOST HOME="$TEST_TMP" "$BIN/dind-prune" -n -H "$host" --tlsverify \
		--tlscacert "$certs/ca.pem"
	assert_contains "$ERR" "dind-prune: error: cannot connect to the Docker engine at $host (is it running?): "
	assert_eq 1 "$(wc -l <"$ERR_FILE")" "one line"
	# A CA that did not sign the engine's certificate.
	assert_exit 69 env -u DOCKER_HOST "$BIN/dind-prune" -n -H "$host" --tlsverify --tlscacert "$certs/other-ca.pem" \
		--tlscert "$certs/cert.pem" --tlskey "$certs/key.pem"
	assert_contains "$ERR" "cannot connect to the Docker engine at $host (is it running?): "
	# TLS options make no sense for a socket.
	assert_exit 2 "$BIN/dind-prune" -n -H unix:///var/run/x.sock --tlsverify
	assert_eq "dind-prune: error: TLS options need a tcp:// engine host" "$ERR"
}

test_api_version_is_negotiated_or_taken_from_the_environment() {
	assert_exit 0 "$BIN/dind-prune" -n --only containers --format ids --log-level debug --filter "label=$LABEL"
	assert_contains "$ERR" "using API 1.41"
	assert_contains "$ERR" "GET /v1.41/containers/json?all=1"
	assert_exit 0 env DOCKER_API_VERSION=1.40 "$BIN/dind-prune" -n --only containers --format ids --log-level debug \
		--filter "label=$LABEL"
	assert_contains "$ERR" "GET /v1.40/containers/json?all=1"
	assert_not_contains "$ERR" "GET /version"
}

test_malformed_engine_hosts_are_usage_errors() {
	assert_exit 2 "$BIN/dind-prune" -n -H ssh://host
	assert_eq "dind-prune: error: invalid engine host 'ssh://host': want unix:///path or tcp://host:port" "$ERR"
	assert_exit 2 env DOCKER_HOST=tcp://host:notaport "$BIN/dind-prune" -n
	assert_eq "dind-prune: error: invalid engine host 'tcp://host:notaport': bad port 'notaport'" "$ERR"
}

test_every_kind_is_listed_from_the_real_engine() {
	dk volume create "${LABEL_ARGS[@]}" "$T-vol" >/dev/null
	dk network create "${LABEL_ARGS[@]}" "$T-net" >/dev/null
	dk run --name "$T-c" "${LABEL_ARGS[@]}" -v "$T-vol:/v" --network "$T-net" dindtest/busybox true
	dk commit -c "LABEL $LABEL" "$T-c" "$T-img:1" >/dev/null
	mkdir -p "$TEST_TMP/ctx"
	printf 'FROM dindtest/busybox:latest\nRUN echo %s > /f\n' "$T" >"$TEST_TMP/ctx/Dockerfile"
	dkb build -q -t "$T-built:1" "$TEST_TMP/ctx" >/dev/null
	assert_exit 0 "$BIN/dind-gc-report" --format ndjson
	assert_eq "$T-c" "$(jq -r --arg n "$T-c" 'select(.kind == "container" and .name == $n) | .name' "$OUT_FILE")"
	assert_eq "$T-net" "$(jq -r --arg n "$T-net" 'select(.kind == "network" and .name == $n) | .name' "$OUT_FILE")"
	assert_eq "$T-vol" "$(jq -r --arg n "$T-vol" 'select(.kind == "volume" and .id == $n) | .id' "$OUT_FILE")"
	assert_eq "$T-img:1" "$(jq -r --arg n "$T-img:1" 'select(.kind == "image" and .name == $n) | .name' "$OUT_FILE")"
	assert_contains "$(jq -r 'select(.kind == "build-cache") | .name' "$OUT_FILE")" "echo $T"
}
