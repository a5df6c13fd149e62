# shellcheck shell=bash
# dind-recreate against the real test engine, on a setup made by dind-setup with stand-in images:
# a dind stand-in whose `docker info` answers, runners that exit on SIGQUIT or ignore it.
# shellcheck source=tests/integration/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

# stand_in NAME:TAG DOCKER_INFO_STATUS QUIT_TRAP
stand_in() {
	dk run --name "$T-src" "${LABEL_ARGS[@]}" dindtest/busybox \
		sh -c "printf '#!/bin/sh\nexit $2\n' > /bin/docker; chmod +x /bin/docker"
	dk commit -c "ENTRYPOINT [\"/bin/sh\", \"-c\", \"trap 'exit 0' TERM; trap $3 QUIT; while :; do sleep 1; done\", \"stand-in\"]" \
		"$T-src" "$1" >/dev/null
	dk rm "$T-src" >/dev/null
}

# A setup of this test's own: $T-dind on $T-net with storage $T-storage, runner $T-runner.
make_setup() {
	local runner_image=$1
	HOST=$TEST_TMP/host
	mkdir -p "$HOST/proc" "$HOST/etc"
	printf 'nodev\toverlay\n' >"$HOST/proc/filesystems"
	stand_in "$T-dind-image:1" 0 "'exit 0'"
	"$BIN/dind-setup" -q --host-root "$HOST" --no-privileged --pull never --network "$T-net" --dind-name "$T-dind" \
		--dind-image "$T-dind-image:1" --storage-volume "$T-storage" --certs-volume "$T-certs" \
		--runner-name "$T-runner" --runner-image "$runner_image" --runner-config-dir "$TEST_TMP/srv" --mtu 1400
	dk run --rm -v "$T-storage:/s" dindtest/busybox sh -c 'echo cached > /s/marker'
}

recreate() {
	"$BIN/dind-recreate" --dind "$T-dind" --runner "$T-runner" --lock-file "$TEST_TMP/lock" "$@"
}

# What must survive a recreate: everything but the id and the state.
config_of() {
	# shellcheck disable=SC2016 # a Go template for docker inspect, not shell
	dk inspect --format '{{.Config.Image}}|{{.Config.Cmd}}|{{.Config.Hostname}}|{{json .Config.Env}}|{{json .Config.Labels}}|{{.HostConfig.RestartPolicy.Name}}|{{.HostConfig.Privileged}}|{{.HostConfig.Runtime}}|{{json .HostConfig.Mounts}}|{{range $k, $v := .NetworkSettings.Networks}}{{$k}}={{index $v.Aliases 0}}{{end}}' "$1"
}

marker() { dk run --rm -v "$T-storage:/s" dindtest/busybox cat /s/marker 2>/dev/null || true; }

test_recreate_flushes_the_storage_and_keeps_the_configuration() {
	stand_in "$T-runner-image:1" 0 "'exit 0'"
	make_setup "$T-runner-image:1"
	local old config runner
	old=$(dk inspect --format '{{.Id}}' "$T-dind")
	config=$(config_of "$T-dind")
	runner=$(dk inspect --format '{{.Id}}' "$T-runner")
	assert_exit 0 recreate
	assert_contains "$OUT" "draining runner $T-runner"
	assert_contains "$OUT" "removed volume $T-storage"
	assert_contains "$OUT" "started runner $T-runner"
	assert_contains "$(tail -n 1 <<<"$OUT")" "Reclaimed "
	local new
	new=$(dk inspect --format '{{.Id}}' "$T-dind")
	[[ $new != "$old" ]] || _dt_fail "the dind container has the same id"
	assert_eq "$config" "$(config_of "$T-dind")" "the same configuration"
	assert_eq "" "$(marker)" "the old storage is gone"
	assert_eq "running always $runner" "$(dk inspect --format '{{.State.Status}} {{.HostConfig.RestartPolicy.Name}} {{.Id}}' "$T-runner")"
	assert_eq "running" "$(dk inspect --format '{{.State.Status}}' "$T-dind")"
	# dind-setup sees exactly what it made.
	assert_exit 0 "$BIN/dind-setup" --host-root "$HOST" -n --no-privileged --pull never --network "$T-net" \
		--dind-name "$T-dind" --dind-image "$T-dind-image:1" --storage-volume "$T-storage" --certs-volume "$T-certs" \
		--runner-name "$T-runner" --runner-image "$T-runner-image:1" --runner-config-dir "$TEST_TMP/srv" --mtu 1400
	assert_contains "$OUT" "container $T-dind: unchanged"
}

test_keep_storage_and_image_upgrade() {
	stand_in "$T-runner-image:1" 0 "'exit 0'"
	make_setup "$T-runner-image:1"
	dk tag "$T-dind-image:1" "$T-dind-image:2"
	assert_exit 0 recreate --keep-storage --image "$T-dind-image:2"
	assert_eq cached "$(marker)"
	assert_eq "$T-dind-image:2 [--storage-driver=overlay2 --mtu=1400]" "$(dk inspect --format '{{.Config.Image}} {{.Config.Cmd}}' "$T-dind")"
	assert_contains "$OUT" "Reclaimed 0B"
}

test_dry_run_changes_nothing() {
	stand_in "$T-runner-image:1" 0 "'exit 0'"
	make_setup "$T-runner-image:1"
	local dind runner
	dind=$(dk inspect --format '{{.Id}} {{.State.StartedAt}}' "$T-dind")
	runner=$(dk inspect --format '{{.Id}} {{.State.StartedAt}}' "$T-runner")
	assert_exit 0 recreate --dry-run
	assert_eq "would drain runner $T-runner (SIGQUIT, restart policy 'always' held off, up to 3600s)
would stop and remove container $T-dind (${dind:0:12})
would remove volume $T-storage (7B) and create it empty
would create container $T-dind from $T-dind-image:1 with the same configuration, and start it
would start runner $T-runner again" "$OUT"
	assert_eq "$dind" "$(dk inspect --format '{{.Id}} {{.State.StartedAt}}' "$T-dind")"
	assert_eq "$runner" "$(dk inspect --format '{{.Id}} {{.State.StartedAt}}' "$T-runner")"
	assert_eq cached "$(marker)"
}

test_a_drain_timeout_exits_75_and_leaves_everything_as_it_was() {
	stand_in "$T-stubborn:1" 0 "''"
	make_setup "$T-stubborn:1"
	local dind runner
	dind=$(dk inspect --format '{{.Id}}' "$T-dind")
	runner=$(dk inspect --format '{{.Id}} {{.State.StartedAt}}' "$T-runner")
	assert_exit 75 recreate --drain-timeout 2s
	assert_contains "$OUT" "runner $T-runner did not finish its jobs within 2s: nothing was recreated"
	assert_eq "$dind running" "$(dk inspect --format '{{.Id}} {{.State.Status}}' "$T-dind")"
	assert_eq "$runner running always" "$(dk inspect --format '{{.Id}} {{.State.StartedAt}} {{.State.Status}} {{.HostConfig.RestartPolicy.Name}}' "$T-runner")"
	assert_eq cached "$(marker)"
	# --force kills the jobs and goes on.
	assert_exit 0 recreate --drain-timeout 1s --force
	assert_contains "$OUT" "drain timeout: killing runner $T-runner and its jobs (--force)"
	assert_eq "" "$(marker)"
	assert_eq "running always" "$(dk inspect --format '{{.State.Status}} {{.HostConfig.RestartPolicy.Name}}' "$T-runner")"
}

test_an_engine_that_does_not_come_up_leaves_the_runner_stopped() {
	stand_in "$T-runner-image:1" 0 "'exit 0'"
	make_setup "$T-runner-image:1"
	stand_in "$T-broken:1" 1 "'exit 0'"
	assert_exit 1 recreate --image "$T-broken:1" --start-timeout 3s
	assert_contains "$ERR" "dind-recreate: error: state of the new container $T-dind: {\"Status\":\"running\""
	assert_contains "$ERR" "dind-recreate: error: the new engine in $T-dind did not come up within 3s; runner $T-runner is left stopped"
	assert_eq "exited always" "$(dk inspect --format '{{.State.Status}} {{.HostConfig.RestartPolicy.Name}}' "$T-runner")"
	assert_eq "$T-broken:1" "$(dk inspect --format '{{.Config.Image}}' "$T-dind")" "the failed container stays for a look"
}

test_the_lock_is_the_one_dind_prune_takes() {
	stand_in "$T-runner-image:1" 0 "'exit 0'"
	make_setup "$T-runner-image:1"
	flock "$TEST_TMP/lock" sleep 3 &
	local holder=$!
	for _ in $(seq 50); do
		if ! flock -n "$TEST_TMP/lock" true; then break; fi
		sleep 0.05
	done
	assert_exit 75 recreate
	assert_eq "dind-recreate: error: another run holds the lock $TEST_TMP/lock" "$ERR"
	assert_exit 75 "$BIN/dind-prune" --lock-file "$TEST_TMP/lock" --filter "label=$LABEL"
	wait "$holder"
	assert_eq cached "$(marker)"
}

test_inner_host_counts_the_running_jobs_and_is_pinged() {
	stand_in "$T-runner-image:1" 0 "'exit 0'"
	make_setup "$T-runner-image:1"
	# The test engine's TCP listener stands in for the inner engine the runner's jobs run on.
	dk run -d --name "$T-job" "${LABEL_ARGS[@]}" --label com.gitlab.gitlab-runner.type=build \
		dindtest/busybox sleep 600 >/dev/null
	local jobs
	jobs=$(dk ps -q --filter label=com.gitlab.gitlab-runner.type=build | wc -l)
	assert_exit 0 recreate --inner-host "$DIND_TEST_TCP"
	assert_contains "$OUT" "jobs running on the inner engine: $jobs"
	assert_contains "$(tail -n 1 <<<"$OUT")" "waited for $jobs jobs"
	assert_exit 2 recreate --inner-tlsverify
	assert_eq "dind-recreate: error: the --inner-* TLS options need --inner-host" "$ERR"
}

test_bad_input() {
	assert_exit 2 "$BIN/dind-recreate" --drain-timeout soon
	assert_eq "dind-recreate: error: invalid --drain-timeout 'soon': want a duration such as 1h or 90s" "$ERR"
	assert_exit 1 "$BIN/dind-recreate" --dind "$T-none" --runner "$T-none" --lock-file "$TEST_TMP/lock"
	assert_eq "dind-recreate: error: no dind container: none is named $T-none or labelled io.dind-tools.role=dind" "$ERR"
}
