# shellcheck shell=bash
# dind-setup against the real test engine. Privileged containers cannot start here and no
# registry is reachable, so the dind and runner containers run stand-in images built from the
# base image (an entrypoint that takes the dind arguments and keeps running), with
# --no-privileged and --pull never. Every object is named after the test.
# shellcheck source=tests/integration/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

# A host tree on which every check passes.
good_host() {
	HOST=$TEST_TMP/host
	mkdir -p "$HOST/proc" "$HOST/etc"
	printf 'nodev\tsysfs\nnodev\toverlay\n' >"$HOST/proc/filesystems"
	printf 'overlay 151552 0 - Live 0x0\n' >"$HOST/proc/modules"
	printf 'overlay\n' >"$HOST/etc/modules"
}

stand_in_images() {
	dk run --name "$T-src" "${LABEL_ARGS[@]}" dindtest/busybox true
	dk commit -c 'ENTRYPOINT ["/bin/sh", "-c", "trap \"exit 0\" TERM QUIT; while :; do sleep 1; done", "stand-in"]' \
		"$T-src" "$T-dind-image:1" >/dev/null
	dk tag "$T-dind-image:1" "$T-runner-image:1"
	dk rm "$T-src" >/dev/null
}

setup_args() {
	ARGS=(--host-root "$HOST" --no-privileged --pull never --network "$T-net" --dind-name "$T-dind"
		--dind-image "$T-dind-image:1" --storage-volume "$T-storage" --certs-volume "$T-certs"
		--runner-name "$T-runner" --runner-image "$T-runner-image:1" --runner-config-dir "$TEST_TMP/srv")
}

prepare() {
	good_host
	stand_in_images
	setup_args
}

setup() { "$BIN/dind-setup" "${ARGS[@]}" "$@"; }

field() { dk inspect --format "$2" "$1"; }

test_setup_creates_the_seed_setup_with_tls() {
	prepare
	assert_exit 0 setup
	assert_eq "network $T-net: created
volume $T-storage: created
volume $T-certs: created
image $T-dind-image:1: present
image $T-runner-image:1: present
runner config $TEST_TMP/srv/config.toml: created (empty, mode 0600)
container $T-dind: created
container $T-runner: created" "$(head -n 8 <<<"$OUT")"
	assert_contains "$OUT" "dind-register --url https://gitlab.example.com --token-file RUNNER_TOKEN_FILE"
	assert_contains "$OUT" "--config $TEST_TMP/srv/config.toml --docker-host tcp://$T-dind:2376 --docker-tls-cert-path /certs/client"
	assert_eq "bridge network" "$(dk network inspect --format '{{.Driver}} {{index .Labels "io.dind-tools.role"}}' "$T-net")"
	assert_eq storage "$(dk volume inspect --format '{{index .Labels "io.dind-tools.role"}}' "$T-storage")"
	assert_eq certs "$(dk volume inspect --format '{{index .Labels "io.dind-tools.role"}}' "$T-certs")"

	assert_eq "running $T-dind-image:1 [--storage-driver=overlay2] always false $T-dind dind" \
		"$(field "$T-dind" '{{.State.Status}} {{.Config.Image}} {{.Config.Cmd}} {{.HostConfig.RestartPolicy.Name}} {{.HostConfig.Privileged}} {{.Config.Hostname}} {{index .Config.Labels "io.dind-tools.role"}}')"
	assert_contains "$(field "$T-dind" '{{json .Config.Env}}')" '"DOCKER_TLS_CERTDIR=/certs"'
	assert_eq "/certs/client=$T-certs:true
/var/lib/docker=$T-storage:true" \
		"$(field "$T-dind" '{{range .Mounts}}{{.Destination}}={{.Name}}:{{.RW}}{{println}}{{end}}' | grep . | sort)"
	# shellcheck disable=SC2016 # a Go template for docker inspect, not shell
	assert_eq "$T-net:[$T-dind]" \
		"$(field "$T-dind" '{{range $k, $v := .NetworkSettings.Networks}}{{$k}}:{{$v.Aliases}}{{end}}' | sed 's/ [0-9a-f]\{12\}\]/]/')"
	assert_eq "map[]" "$(field "$T-dind" '{{.HostConfig.PortBindings}}')" "no port published"

	assert_eq "running always false runner" \
		"$(field "$T-runner" '{{.State.Status}} {{.HostConfig.RestartPolicy.Name}} {{.HostConfig.Privileged}} {{index .Config.Labels "io.dind-tools.role"}}')"
	local env
	env=$(field "$T-runner" '{{json .Config.Env}}')
	assert_contains "$env" "\"DOCKER_HOST=tcp://$T-dind:2376\""
	assert_contains "$env" '"DOCKER_TLS_VERIFY=1"'
	assert_contains "$env" '"DOCKER_CERT_PATH=/certs/client"'
	assert_eq "/certs/client=volume:$T-certs:false
/etc/gitlab-runner=bind:$TEST_TMP/srv:true" \
		"$(field "$T-runner" '{{range .Mounts}}{{.Destination}}={{.Type}}:{{if eq .Type "volume"}}{{.Name}}{{else}}{{.Source}}{{end}}:{{.RW}}{{println}}{{end}}' | grep . | sort)"
	assert_eq "600 0" "$(stat -c '%a %s' "$TEST_TMP/srv/config.toml")"
	assert_eq 700 "$(stat -c '%a' "$TEST_TMP/srv")"
}

test_a_second_run_changes_nothing() {
	prepare
	assert_exit 0 setup
	local dind runner
	dind=$(field "$T-dind" '{{.Id}}')
	runner=$(field "$T-runner" '{{.Id}}')
	echo 'concurrent = 4' >"$TEST_TMP/srv/config.toml"
	assert_exit 0 setup -q
	assert_eq "" "$OUT"
	assert_exit 0 setup
	assert_eq "network $T-net: unchanged
volume $T-storage: unchanged
volume $T-certs: unchanged
image $T-dind-image:1: present
image $T-runner-image:1: present
runner config $TEST_TMP/srv/config.toml: unchanged
container $T-dind: unchanged
container $T-runner: unchanged" "$(head -n 8 <<<"$OUT")"
	assert_eq "$dind" "$(field "$T-dind" '{{.Id}}')"
	assert_eq "$runner" "$(field "$T-runner" '{{.Id}}')"
	assert_eq "concurrent = 4" "$(cat "$TEST_TMP/srv/config.toml")" "config.toml is never rewritten"
	# A stopped container that matches is started again, not recreated.
	dk stop -t 1 "$T-runner" >/dev/null
	assert_exit 0 setup
	assert_contains "$OUT" "container $T-runner: started"
	assert_eq "$runner running" "$(field "$T-runner" '{{.Id}} {{.State.Status}}')"
}

test_no_tls_gives_plain_2375_with_a_warning() {
	prepare
	assert_exit 0 setup --no-tls --mtu 1360
	assert_eq "dind-setup: warning: --no-tls: the dind engine listens on port 2375 without TLS; anything that can reach network $T-net gets root on this host" "$ERR"
	assert_gone volume "$T-certs"
	assert_eq "[--storage-driver=overlay2 --mtu=1360]" "$(field "$T-dind" '{{.Config.Cmd}}')"
	assert_contains "$(field "$T-dind" '{{json .Config.Env}}')" '"DOCKER_TLS_CERTDIR="'
	local env
	env=$(field "$T-runner" '{{json .Config.Env}}')
	assert_contains "$env" "\"DOCKER_HOST=tcp://$T-dind:2375\""
	assert_not_contains "$env" DOCKER_TLS_VERIFY
	assert_not_contains "$env" DOCKER_CERT_PATH
	assert_eq "/var/lib/docker " "$(field "$T-dind" '{{range .Mounts}}{{.Destination}} {{end}}')"
	assert_contains "$OUT" "--docker-host tcp://$T-dind:2375 --no-docker-tls"
}

test_dry_run_creates_nothing() {
	prepare
	assert_exit 0 setup --dry-run
	assert_eq "network $T-net: would create
volume $T-storage: would create
volume $T-certs: would create
image $T-dind-image:1: present
image $T-runner-image:1: present
runner config $TEST_TMP/srv/config.toml: would create (empty, mode 0600)
container $T-dind: would create
container $T-runner: would create" "$OUT"
	assert_gone network "$T-net"
	assert_gone volume "$T-storage"
	assert_gone container "$T-dind"
	[[ ! -e $TEST_TMP/srv ]]
	# The default image is the engine's own version.
	assert_exit 0 "$BIN/dind-setup" --host-root "$HOST" -n --network "$T-net" --dind-name "$T-dind" \
		--runner-name "$T-runner" --runner-config-dir "$TEST_TMP/srv"
	assert_contains "$OUT" "image docker:20.10.24-dind: would pull"
	assert_contains "$OUT" "image gitlab/gitlab-runner:alpine: would pull"
}

test_drift_is_reported_and_update_recreates_keeping_the_storage() {
	prepare
	assert_exit 0 setup
	dk run --rm -v "$T-storage:/s" dindtest/busybox sh -c 'echo kept > /s/marker'
	local dind
	dind=$(field "$T-dind" '{{.Id}}')
	assert_exit 1 setup --mtu 1400
	assert_contains "$OUT" "container $T-dind: differs (left alone; --update recreates it):
  command: have '[--storage-driver=overlay2]', want '[--storage-driver=overlay2 --mtu=1400]'
container $T-runner: unchanged"
	assert_eq "$dind" "$(field "$T-dind" '{{.Id}}')" "left alone"
	assert_exit 0 setup --mtu 1400 --update --dry-run
	assert_contains "$OUT" "container $T-dind: would recreate:"
	assert_eq "$dind" "$(field "$T-dind" '{{.Id}}')"
	assert_exit 0 setup --mtu 1400 --update
	assert_contains "$OUT" "container $T-dind: recreated:
  command: have '[--storage-driver=overlay2]', want '[--storage-driver=overlay2 --mtu=1400]'"
	[[ $(field "$T-dind" '{{.Id}}') != "$dind" ]]
	assert_eq "running [--storage-driver=overlay2 --mtu=1400]" "$(field "$T-dind" '{{.State.Status}} {{.Config.Cmd}}')"
	assert_eq kept "$(dk run --rm -v "$T-storage:/s" dindtest/busybox cat /s/marker)"
	assert_exit 0 setup --mtu 1400
	assert_contains "$OUT" "container $T-dind: unchanged"
}

test_a_failure_part_way_keeps_what_is_right_and_a_rerun_finishes() {
	prepare
	dk create --name "$T-dind" "${LABEL_ARGS[@]}" dindtest/busybox true >/dev/null
	assert_exit 1 setup
	assert_eq "dind-setup: error: a container named $T-dind exists that dind-setup did not create; remove or rename it, or choose another name" "$ERR"
	assert_exists network "$T-net"
	assert_exists volume "$T-storage"
	assert_eq "" "$(field "$T-dind" '{{index .Config.Labels "io.dind-tools.role"}}')" "the foreign container is untouched"
	dk rm "$T-dind" >/dev/null
	assert_exit 1 setup --dind-image "$T-missing:1"
	assert_eq "dind-setup: error: image $T-missing:1 is not present and --pull never forbids pulling it" "$ERR"
	assert_gone container "$T-dind"
	assert_exit 0 setup
	assert_contains "$OUT" "network $T-net: unchanged"
	assert_contains "$OUT" "container $T-dind: created"
	assert_contains "$OUT" "container $T-runner: created"
}

test_pull_failures_stop_with_the_engine_message() {
	prepare
	assert_exit 1 setup --pull missing --dind-image "127.0.0.1:1/$T-nowhere:1"
	assert_contains "$ERR" "dind-setup: error: cannot pull 127.0.0.1:1/$T-nowhere:1: "
	assert_eq 1 "$(wc -l <"$ERR_FILE")"
	assert_gone container "$T-dind"
}

test_check_and_fix_host_on_a_tree() {
	good_host
	assert_exit 0 "$BIN/dind-setup" --check --host-root "$HOST"
	assert_eq "ok       overlay filesystem: the overlay module is loaded
ok       overlay at boot: /etc/modules loads overlay
ok       storage driver: the engine uses overlay2
ok       engine version: 20.10.24+dfsg1: the dind image defaults to docker:20.10.24-dind" "$OUT"
	printf 'nodev\tsysfs\n' >"$HOST/proc/filesystems"
	: >"$HOST/proc/modules"
	printf '# /etc/modules\nloop\n' >"$HOST/etc/modules"
	assert_exit 1 "$BIN/dind-setup" --check --host-root "$HOST"
	assert_contains "$OUT" "problem  overlay filesystem: the kernel has no overlay filesystem loaded
         fix: modprobe overlay
problem  overlay at boot: /etc/modules does not load overlay
         fix: echo overlay >> /etc/modules"
	# Setup refuses to go on with a host that is not ready, and creates nothing.
	stand_in_images
	setup_args
	assert_exit 1 setup
	assert_contains "$ERR" "dind-setup: error: the host is not ready: dind-setup --check shows the fixes, --fix-host applies the safe ones"
	assert_gone network "$T-net"
	assert_exit 0 "$BIN/dind-setup" --fix-host --host-root "$HOST"
	assert_contains "$OUT" "fixed    skipped modprobe overlay: --host-root is not /"
	assert_contains "$OUT" "fixed    added overlay to $HOST/etc/modules"
	assert_eq "# /etc/modules
loop
overlay" "$(cat "$HOST/etc/modules")"
	[[ ! -e $HOST/etc/docker/daemon.json ]] # the engine already uses overlay2
}

test_bad_options_change_nothing() {
	prepare
	assert_exit 2 setup --pull sometimes
	assert_eq "dind-setup: error: invalid --pull 'sometimes': want missing, always or never" "$ERR"
	assert_exit 2 setup --mtu 10
	assert_eq "dind-setup: error: invalid --mtu 10: want 576 to 65535" "$ERR"
	assert_exit 2 setup --runner-config-dir relative/dir
	assert_exit 2 setup --check --fix-host
	assert_gone network "$T-net"
	assert_exit 69 setup -H unix:///nonexistent.sock
	assert_eq "dind-setup: error: cannot connect to the Docker engine at unix:///nonexistent.sock (is it running?)" "$ERR"
}
