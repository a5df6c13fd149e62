# shellcheck shell=bash
# dind-prune against the real throwaway engine. Every test scopes its runs with
# --filter label=$LABEL, so it sees only the objects it made.
# shellcheck source=tests/integration/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

prune() { "$BIN/dind-prune" --filter "label=$LABEL" "$@"; }

# Objects made before CUTOFF are older than it; those made after are newer. Unix seconds.
mark_cutoff() {
	sleep 1.1
	CUTOFF=$(date +%s.%N)
	sleep 1.1
}

sorted() { printf '%s\n' "$@" | sort; }

id_of() { dk "$1" inspect --format '{{.Id}}' "$2"; }

test_prune_removes_exactly_the_old_unused_objects() {
	dk network create "${LABEL_ARGS[@]}" "$T-old-net-used" >/dev/null
	dk network create "${LABEL_ARGS[@]}" "$T-old-net" >/dev/null
	dk volume create "${LABEL_ARGS[@]}" "$T-old-named" >/dev/null
	local anon_old anon_kept
	anon_old=$(dk volume create "${LABEL_ARGS[@]}")
	anon_kept=$(dk volume create "${LABEL_ARGS[@]}")
	dk run -d --name "$T-running" "${LABEL_ARGS[@]}" --network "$T-old-net-used" dindtest/busybox sleep 600 >/dev/null
	dk run --name "$T-old-exited" "${LABEL_ARGS[@]}" dindtest/busybox true
	dk create --name "$T-old-created" "${LABEL_ARGS[@]}" dindtest/busybox true >/dev/null
	dk run --name "$T-keep" "${LABEL_ARGS[@]}" --label keep=yes dindtest/busybox true
	local dangling
	dangling=$(dk commit -c "LABEL $LABEL" "$T-old-exited")
	dk commit -c "LABEL $LABEL" "$T-old-exited" "$T-old-tagged:1" >/dev/null
	dk commit -c "LABEL $LABEL" "$T-old-exited" "$T-used:1" >/dev/null
	dk commit -c "LABEL $LABEL" "$T-old-exited" "$T-keepglob:1" >/dev/null
	mark_cutoff
	# A stopped container that stays (too new) holds an old image and an old volume.
	dk run --name "$T-new-exited" "${LABEL_ARGS[@]}" -v "$anon_kept:/data" "$T-used:1" true
	dk network create "${LABEL_ARGS[@]}" "$T-new-net" >/dev/null
	dk commit -c "LABEL $LABEL" "$T-new-exited" "$T-new-tagged:1" >/dev/null
	local expected
	expected=$(sorted "$(id_of container "$T-old-exited")" "$(id_of container "$T-old-created")" \
		"$(id_of network "$T-old-net")" "$T-old-named" "$anon_old" "$dangling" "$(id_of image "$T-old-tagged:1")")

	assert_exit 0 prune --until "$CUTOFF" -a --volumes --grace 0s --keep-label keep \
		--keep-image "$T-keepglob:*" --format ids
	assert_eq "$expected" "$(sort "$OUT_FILE")" "removed ids"
	assert_gone container "$T-old-exited"
	assert_gone container "$T-old-created"
	assert_gone network "$T-old-net"
	assert_gone volume "$T-old-named"
	assert_gone volume "$anon_old"
	assert_gone image "$dangling"
	assert_gone image "$T-old-tagged:1"
	assert_exists container "$T-running"
	assert_exists container "$T-keep"
	assert_exists container "$T-new-exited"
	assert_exists network "$T-old-net-used"
	assert_exists network "$T-new-net"
	assert_exists volume "$anon_kept"
	assert_exists image "$T-used:1"
	assert_exists image "$T-keepglob:1"
	assert_exists image "$T-new-tagged:1"
	assert_exists image dindtest/busybox:latest
}

test_without_all_only_dangling_images_and_anonymous_volumes_go() {
	dk run --name "$T-src" "${LABEL_ARGS[@]}" dindtest/busybox true
	local dangling anon
	dangling=$(dk commit -c "LABEL $LABEL" "$T-src")
	dk commit -c "LABEL $LABEL" "$T-src" "$T-tagged:1" >/dev/null
	anon=$(dk volume create "${LABEL_ARGS[@]}")
	dk volume create "${LABEL_ARGS[@]}" "$T-named" >/dev/null
	local expected
	expected=$(sorted "$(id_of container "$T-src")" "$anon" "$dangling")
	assert_exit 0 prune --volumes --format ids
	assert_eq "$expected" "$(sort "$OUT_FILE")"
	assert_exists image "$T-tagged:1"
	assert_exists volume "$T-named"
}

test_image_whose_only_user_goes_is_removed_in_the_same_run() {
	dk run --name "$T-src" "${LABEL_ARGS[@]}" dindtest/busybox true
	dk commit -c "LABEL $LABEL" "$T-src" "$T-app:1" >/dev/null
	dk run --name "$T-user" "${LABEL_ARGS[@]}" "$T-app:1" true
	local vol
	vol=$(dk volume create "${LABEL_ARGS[@]}")
	dk network create "${LABEL_ARGS[@]}" "$T-net" >/dev/null
	dk create --name "$T-holder" "${LABEL_ARGS[@]}" -v "$vol:/v" --network "$T-net" dindtest/busybox true >/dev/null
	assert_exit 0 prune -a --volumes --grace 0s --format ids
	assert_gone container "$T-user"
	assert_gone container "$T-holder"
	assert_gone image "$T-app:1"
	assert_gone volume "$vol"
	assert_gone network "$T-net"
}

test_dry_run_then_real_run_remove_the_same_set() {
	dk run --name "$T-a" "${LABEL_ARGS[@]}" dindtest/busybox true
	dk network create "${LABEL_ARGS[@]}" "$T-net" >/dev/null
	local vol img
	vol=$(dk volume create "${LABEL_ARGS[@]}")
	img=$(dk commit -c "LABEL $LABEL" "$T-a")
	mark_cutoff
	dk run --name "$T-b" "${LABEL_ARGS[@]}" dindtest/busybox true
	assert_exit 0 prune -n --until "$CUTOFF" -a --volumes --format ids
	local plan=$OUT
	assert_eq 4 "$(wc -l <"$OUT_FILE")" "planned objects"
	assert_exists container "$T-a"
	assert_exists network "$T-net"
	assert_exists volume "$vol"
	assert_exists image "$img"
	assert_exit 0 prune --until "$CUTOFF" -a --volumes --format ids
	assert_eq "$plan" "$OUT" "a real run removes what the dry run planned"
	assert_gone container "$T-a"
	assert_gone image "$img"
	assert_exists container "$T-b"
}

test_dry_run_table_and_real_run_results() {
	dk run --name "$T-a" "${LABEL_ARGS[@]}" dindtest/busybox true
	assert_exit 0 prune -n --only containers
	assert_contains "$OUT" "container   $T-a"
	assert_contains "$OUT" "would-remove"
	assert_contains "$OUT" "Total reclaimable space: 0B (dry run: nothing was removed)"
	assert_exit 0 prune --only containers
	assert_contains "$OUT" "removed"
	assert_eq "Total reclaimed space: 0B" "$(tail -n 1 <<<"$OUT")"
	assert_exit 0 prune --only containers
	assert_eq "Total reclaimed space: 0B" "$OUT" "nothing left to do is success"
}

test_only_restricts_the_kinds() {
	dk run --name "$T-c" "${LABEL_ARGS[@]}" dindtest/busybox true
	dk network create "${LABEL_ARGS[@]}" "$T-net" >/dev/null
	local vol img
	vol=$(dk volume create "${LABEL_ARGS[@]}")
	img=$(dk commit -c "LABEL $LABEL" "$T-c")
	assert_exit 0 prune --only networks
	assert_gone network "$T-net"
	assert_exists container "$T-c"
	assert_exists image "$img"
	assert_exit 0 prune --only volumes,images
	assert_gone volume "$vol"
	assert_gone image "$img"
	assert_exists container "$T-c"
	assert_exit 0 prune --only containers
	assert_gone container "$T-c"
}

test_ndjson_records_carry_the_shared_fields() {
	dk run --name "$T-a" "${LABEL_ARGS[@]}" --label team=ci dindtest/busybox true
	assert_exit 0 prune -n --only containers --format ndjson
	assert_eq 1 "$(wc -l <"$OUT_FILE")"
	assert_eq "container $(id_of container "$T-a") $T-a would-remove exited ci" \
		"$(jq -r '[.kind, .id, .name, .result, .reason, .labels.team] | join(" ")' "$OUT_FILE")"
	assert_eq true "$(jq -r '(.created | test("^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}Z$")) and has("size")' "$OUT_FILE")"
	assert_exit 0 prune --only containers --format json
	assert_eq "1 0 0 false removed" \
		"$(jq -r '[.totals.removed, .totals.skipped, .totals.failed, .dry_run, .records[0].result] | join(" ")' "$OUT_FILE")"
}

test_from_removes_only_the_listed_objects() {
	local a
	for n in a b c; do dk run --name "$T-$n" "${LABEL_ARGS[@]}" dindtest/busybox true; done
	a=$(id_of container "$T-a")
	assert_exit 0 prune --from - --format ids <<<"$a"
	assert_eq "$a" "$OUT"
	assert_gone container "$T-a"
	assert_exists container "$T-b"
	assert_exists container "$T-c"
	# Records from a dry run, by name and with kind; unreclaimable records are ignored.
	prune -n --format ndjson --only containers | grep "\"$T-b\"" >"$TEST_TMP/b.ndjson"
	printf '{"kind":"container","id":"%s","reclaimable":false}\n' "$(id_of container "$T-c")" >>"$TEST_TMP/b.ndjson"
	assert_exit 0 prune --from "$TEST_TMP/b.ndjson"
	assert_gone container "$T-b"
	assert_exists container "$T-c"
}

test_from_still_applies_every_protection() {
	dk run -d --name "$T-running" "${LABEL_ARGS[@]}" dindtest/busybox sleep 600 >/dev/null
	dk create --name "$T-fresh" "${LABEL_ARGS[@]}" dindtest/busybox true >/dev/null
	dk run --name "$T-kept" "${LABEL_ARGS[@]}" --label keep=1 dindtest/busybox true
	printf '%s\n' "$T-running" "$T-fresh" "$T-kept" >"$TEST_TMP/list"
	assert_exit 0 prune --from "$TEST_TMP/list" --keep-label keep --format ids
	assert_eq "" "$OUT"
	assert_exists container "$T-running"
	assert_exists container "$T-fresh"
	assert_exists container "$T-kept"
}

test_bad_input_exits_2_and_removes_nothing() {
	dk run --name "$T-a" "${LABEL_ARGS[@]}" dindtest/busybox true
	assert_exit 2 prune --filter bogus=1
	assert_eq "dind-prune: error: invalid filter 'bogus': dind-prune knows until, label and label!" "$ERR"
	assert_exit 2 prune --filter until=yesterday
	assert_contains "$ERR" "dind-prune: error: invalid until value 'yesterday'"
	assert_exit 2 prune --until 7x
	assert_contains "$ERR" "invalid until value '7x'"
	assert_exit 2 prune --only pods
	assert_eq "dind-prune: error: invalid --only kind 'pods': want containers, images, networks, volumes or build-cache" "$ERR"
	assert_exit 2 prune --format yaml
	assert_eq "dind-prune: error: invalid --format 'yaml': want table, json, ndjson or ids" "$ERR"
	printf '%s\n' "$T-a" '{"kind":"container"' >"$TEST_TMP/bad"
	assert_exit 2 prune --from "$TEST_TMP/bad"
	assert_eq "dind-prune: error: $TEST_TMP/bad:2: malformed JSON record" "$ERR"
	assert_exit 2 prune --from "$TEST_TMP/missing"
	assert_eq "dind-prune: error: cannot open --from file $TEST_TMP/missing" "$ERR"
	assert_exit 2 prune --parallel 0
	assert_exists container "$T-a"
}

test_created_containers_are_kept_within_the_grace_period() {
	dk create --name "$T-fresh" "${LABEL_ARGS[@]}" dindtest/busybox true >/dev/null
	assert_exit 0 prune --only containers --format ndjson
	assert_eq "" "$OUT"
	assert_exists container "$T-fresh"
	sleep 1.1
	assert_exit 0 prune --only containers --grace 1s --format ids
	assert_gone container "$T-fresh"
}

test_infrastructure_is_never_removed() {
	dk run --name "$T-dind" "${LABEL_ARGS[@]}" --label io.dind-tools.role=dind dindtest/busybox true
	dk network create "${LABEL_ARGS[@]}" --label io.dind-tools.role=network "$T-net" >/dev/null
	dk volume create "${LABEL_ARGS[@]}" --label io.dind-tools.role=storage "$T-storage" >/dev/null
	assert_exit 0 prune -a --volumes --format ids
	assert_eq "" "$OUT"
	assert_exists container "$T-dind"
	assert_exists network "$T-net"
	assert_exists volume "$T-storage"
}

test_image_age_is_its_build_time() {
	local ancient
	ancient=$(make_old_image "$T-ancient:1" 2019-03-01T00:00:00Z)
	dk run --name "$T-src" "${LABEL_ARGS[@]}" dindtest/busybox true
	dk commit -c "LABEL $LABEL" "$T-src" "$T-fresh:1" >/dev/null
	assert_exit 0 prune --only images -a --until 24h --format ids
	assert_eq "$ancient" "$OUT"
	assert_gone image "$T-ancient:1"
	assert_exists image "$T-fresh:1"
	# A date as the cutoff, and unix seconds.
	make_old_image "$T-ancient:2" 2019-03-01T00:00:00Z >/dev/null
	assert_exit 0 prune --only images -a --until 2019-02-01 --format ids
	assert_eq "" "$OUT"
	assert_exit 0 prune --only images -a --filter until=1552000000 --format ids
	assert_gone image "$T-ancient:2"
}

test_images_with_several_tags_are_removed_without_force() {
	dk run --name "$T-src" "${LABEL_ARGS[@]}" dindtest/busybox true
	local img
	img=$(dk commit -c "LABEL $LABEL" "$T-src" "$T-x:1")
	dk tag "$T-x:1" "$T-y:2"
	dk tag "$T-x:1" "$T-x:3"
	assert_exit 0 prune --only images -a --format ids
	assert_eq "$img" "$OUT"
	assert_gone image "$img"
}

test_build_cache_is_removed_by_last_use() {
	local ctx=$TEST_TMP/ctx
	mkdir -p "$ctx"
	printf 'FROM dindtest/busybox:latest\nRUN echo %s-first > /f\n' "$T" >"$ctx/Dockerfile"
	dkb build -q -t "$T-first:1" "$ctx" >/dev/null
	mark_cutoff
	printf 'FROM dindtest/busybox:latest\nRUN echo %s-second > /f\n' "$T" >"$ctx/Dockerfile"
	dkb build -q -t "$T-second:1" "$ctx" >/dev/null
	local df first second
	df=$(curl -s --unix-socket "${DOCKER_HOST#unix://}" http://localhost/v1.41/system/df)
	first=$(jq -r --arg d "$T-first" '.BuildCache[] | select(.Description | contains($d)) | .ID' <<<"$df")
	second=$(jq -r --arg d "$T-second" '.BuildCache[] | select(.Description | contains($d)) | .ID' <<<"$df")
	[[ -n $first && -n $second ]]
	# Build cache has no labels: a label-scoped run keeps all of it (docker's own wipes it).
	assert_exit 0 prune --only build-cache -a --format ids
	assert_eq "" "$OUT"
	assert_exit 0 "$BIN/dind-prune" --only build-cache -a --until "$CUTOFF" --format ids
	assert_contains "$OUT" "$first"
	assert_not_contains "$OUT" "$second"
	df=$(curl -s --unix-socket "${DOCKER_HOST#unix://}" http://localhost/v1.41/system/df)
	assert_eq "" "$(jq -r --arg id "$first" '.BuildCache[] | select(.ID == $id) | .ID' <<<"$df")"
	assert_eq "$second" "$(jq -r --arg id "$second" '.BuildCache[] | select(.ID == $id) | .ID' <<<"$df")"
}

test_many_objects_in_parallel() {
	local i
	for i in $(seq 1 30); do echo "$T-c$i"; done | xargs -P 8 -I{} docker create --name {} --label "$LABEL" dindtest/busybox true >/dev/null
	assert_exit 0 prune --only containers --grace 0s --parallel 8 --format ids
	assert_eq 30 "$(wc -l <"$OUT_FILE")"
	assert_eq "" "$(dk ps -aq --filter "label=$LABEL")"
}

test_a_held_lock_exits_75_or_waits() {
	local lock=$TEST_TMP/lock
	flock "$lock" sleep 3 &
	local holder=$!
	for _ in $(seq 50); do
		if ! flock -n "$lock" true; then break; fi
		sleep 0.05
	done
	assert_exit 75 prune --lock-file "$lock"
	assert_eq "dind-prune: error: another run holds the lock $lock" "$ERR"
	# A dry run takes no lock.
	assert_exit 0 prune -n --lock-file "$lock"
	assert_exit 0 prune --lock-file "$lock" --wait 20
	wait "$holder"
}

test_write_errors_on_stdout_are_failures() {
	dk run --name "$T-a" "${LABEL_ARGS[@]}" dindtest/busybox true
	assert_exit 1 bash -c "'$BIN/dind-prune' --filter label=$LABEL -n >/dev/full"
	assert_contains "$ERR" "dind-prune: error: cannot write to standard output"
	assert_exit 1 bash -c "'$BIN/dind-prune' --help >/dev/full"
}

test_plain_tcp_engine_address() {
	dk run --name "$T-a" "${LABEL_ARGS[@]}" dindtest/busybox true
	local id
	id=$(id_of container "$T-a")
	assert_exit 0 env -u DOCKER_HOST "$BIN/dind-prune" -H "$DIND_TEST_TCP" --filter "label=$LABEL" --format ids
	assert_eq "$id" "$OUT"
	assert_gone container "$T-a"
}
