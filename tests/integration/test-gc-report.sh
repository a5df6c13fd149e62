# shellcheck shell=bash
# dind-gc-report against the real throwaway engine.
# shellcheck source=tests/integration/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

report() { "$BIN/dind-gc-report" "$@"; }
api() { curl -fsS --unix-socket "${DOCKER_HOST#unix://}" "http://localhost/v1.41$1"; }

seed_some() {
	dk volume create "${LABEL_ARGS[@]}" "$T-vol" >/dev/null
	dk run --name "$T-old" "${LABEL_ARGS[@]}" -v "$T-vol:/data" dindtest/busybox sh -c 'echo hello > /data/f; echo x > /f'
	dk commit -c "LABEL $LABEL" "$T-old" "$T-img:1" >/dev/null
	dk commit -c "LABEL $LABEL" "$T-old" >/dev/null
	dk volume create "${LABEL_ARGS[@]}" >/dev/null
	dk network create "${LABEL_ARGS[@]}" "$T-net" >/dev/null
	make_old_image --size 300000 "$T-big:1" 2020-01-01T00:00:00Z >/dev/null
}

test_counts_and_sizes_match_what_the_engine_reports() {
	seed_some
	local df json
	df=$(api /system/df)
	assert_exit 0 report --format json
	json=$OUT
	assert_eq "$(api '/containers/json?all=1' | jq length)" "$(jq .kinds.container.objects <<<"$json")" containers
	assert_eq "$(api /images/json | jq length)" "$(jq .kinds.image.objects <<<"$json")" images
	assert_eq "$(api /networks | jq length)" "$(jq .kinds.network.objects <<<"$json")" networks
	assert_eq "$(api /volumes | jq '.Volumes | length')" "$(jq .kinds.volume.objects <<<"$json")" volumes
	assert_eq "$(jq '.BuildCache // [] | length' <<<"$df")" "$(jq '.kinds["build-cache"].objects' <<<"$json")" build-cache
	assert_eq "$(jq .LayersSize <<<"$df")" "$(jq .kinds.image.bytes <<<"$json")" "image bytes"
	assert_eq "$(jq '[(.Volumes // [])[].UsageData.Size] | add // 0' <<<"$df")" "$(jq .kinds.volume.bytes <<<"$json")" "volume bytes"
	assert_eq "$(jq '[(.Containers // [])[].SizeRw // 0] | add // 0' <<<"$df")" "$(jq .kinds.container.bytes <<<"$json")" \
		"container bytes"
	assert_eq "$(jq '[(.BuildCache // [])[] | select(.Shared | not) | .Size] | add // 0' <<<"$df")" \
		"$(jq '.kinds["build-cache"].bytes' <<<"$json")" "build cache bytes"
	assert_eq "$(api /info | jq -r .Driver)" "$(jq -r .engine.driver <<<"$json")"
	assert_eq "$(api /info | jq -r .DockerRootDir)" "$(jq -r .engine.root_dir <<<"$json")"
	# The oldest image is the one built in 2020, more than 30 days ago.
	assert_eq true "$(jq '.kinds.image.oldest_age_seconds > 86400 * 365 and .kinds.image.age_bands.gt_30d >= 1' <<<"$json")"
}

test_reclaimable_set_is_the_dry_run_of_the_same_policy() {
	seed_some
	mark=$(date +%s.%N)
	sleep 1.1
	dk run --name "$T-new" "${LABEL_ARGS[@]}" dindtest/busybox true
	local policy=(--filter "label=$LABEL" --until "$mark" -a --volumes --grace 0s)
	assert_exit 0 report --format ndjson "${policy[@]}"
	local reclaimable
	reclaimable=$(jq -r 'select(.reclaimable) | .id' "$OUT_FILE" | sort)
	assert_eq "$(jq -r 'select(.reclaimable | not) | .result' "$OUT_FILE" | sort -u)" kept
	assert_exit 0 "$BIN/dind-prune" -n --format ids "${policy[@]}"
	assert_eq "$(sort "$OUT_FILE")" "$reclaimable" "report and dry run agree"
	[[ $(wc -l <<<"$reclaimable") -ge 6 ]]
	# The table and json figures count the same set.
	assert_exit 0 report --format json "${policy[@]}"
	assert_eq "$(wc -l <<<"$reclaimable")" "$(jq '[.kinds[].reclaimable_objects] | add' "$OUT_FILE")"
}

test_the_pipeline_removes_exactly_the_reported_set() {
	seed_some
	local policy=(--filter "label=$LABEL" -a --volumes --grace 0s)
	report --format ndjson "${policy[@]}" >"$TEST_TMP/report.ndjson"
	local reported
	reported=$(jq -r 'select(.reclaimable) | .id' "$TEST_TMP/report.ndjson" | sort)
	assert_exit 0 "$BIN/dind-prune" --from - --format ids <"$TEST_TMP/report.ndjson"
	assert_eq "$reported" "$(sort "$OUT_FILE")"
	assert_gone container "$T-old"
	assert_gone image "$T-img:1"
	assert_gone image "$T-big:1"
	assert_gone network "$T-net"
	assert_gone volume "$T-vol"
}

test_prometheus_metrics_pass_promtool() {
	"$ROOT/scripts/install-deps" --prometheus
	seed_some
	assert_exit 0 report --format prometheus --until 1h
	promtool check metrics <"$OUT_FILE"
	for metric in dind_objects dind_bytes dind_reclaimable_objects dind_reclaimable_bytes \
		dind_oldest_object_age_seconds; do
		for kind in container image network volume build-cache; do
			grep -q "^$metric{kind=\"$kind\"} [0-9]" "$OUT_FILE" || _dt_fail "no $metric for $kind"
		done
	done
	grep -q '^dind_objects_by_age{kind="image",band="gt_30d"} [1-9]' "$OUT_FILE"
	grep -q '^dind_engine_up 1$' "$OUT_FILE"
	grep -q '^dind_report_timestamp_seconds [0-9]' "$OUT_FILE"
	grep -q '^dind_report_duration_seconds [0-9]' "$OUT_FILE"
	assert_eq "$(api '/containers/json?all=1' | jq length)" \
		"$(sed -n 's/^dind_objects{kind="container"} //p' "$OUT_FILE")"
}

test_engine_down_writes_engine_up_0_and_exits_69() {
	local out=$TEST_TMP/metrics.prom
	assert_exit 69 report -H unix:///nonexistent.sock --format prometheus --output "$out"
	assert_eq "dind-gc-report: error: cannot connect to the Docker engine at unix:///nonexistent.sock (is it running?)" "$ERR"
	grep -q '^dind_engine_up 0$' "$out"
	"$ROOT/scripts/install-deps" --prometheus
	promtool check metrics <"$out"
	# Other formats have nothing to write: the old file stays.
	echo old >"$out"
	assert_exit 69 report -H unix:///nonexistent.sock --format json --output "$out"
	assert_eq old "$(cat "$out")"
}

test_output_is_replaced_whole_never_partly() {
	mkdir "$TEST_TMP/textfile"
	local out=$TEST_TMP/textfile/metrics.prom
	echo old >"$out"
	assert_exit 0 report --format prometheus --output "$out"
	assert_eq "" "$OUT" "nothing on stdout with --output"
	tail -n 1 "$out" | grep -q '^dind_report_duration_seconds '
	# Readers racing a stream of rewrites always see a whole file.
	(for _ in $(seq 15); do report --format prometheus --output "$out"; done) &
	local writer=$! reads=0
	while kill -0 "$writer" 2>/dev/null; do
		local text
		text=$(cat "$out")
		[[ $text == "# HELP dind_engine_up"*"dind_report_duration_seconds "* ]] || _dt_fail "partial read" "$text"
		reads=$((reads + 1))
	done
	wait "$writer"
	[[ $reads -gt 0 ]]
	assert_eq "metrics.prom" "$(find "$TEST_TMP/textfile" -mindepth 1 -printf '%f\n')" "no temporary files left"
	# A directory that cannot be written: an error, the old file untouched.
	assert_exit 1 report --format prometheus --output /proc/dind-report.prom
	assert_contains "$ERR" "dind-gc-report: error: cannot create a temporary file in /proc"
}

test_top_lists_the_largest_images_and_volumes() {
	seed_some
	assert_exit 0 report --format json --top 1
	assert_eq 1 "$(jq '.top_images | length' "$OUT_FILE")"
	assert_eq "$(api /images/json | jq -r 'max_by(.Size) | .Id')" "$(jq -r '.top_images[0].id' "$OUT_FILE")"
	assert_eq 1 "$(jq '.top_volumes | length' "$OUT_FILE")"
	assert_exit 0 report --top 3
	assert_contains "$OUT" "LARGEST IMAGES"
	assert_contains "$OUT" "$T-big:1"
	assert_contains "$OUT" "Engine 20.10"
}

test_bad_input_exits_2() {
	assert_exit 2 report --format yaml
	assert_eq "dind-gc-report: error: invalid --format 'yaml': want table, json, ndjson or prometheus" "$ERR"
	assert_exit 2 report --filter until=later
	assert_contains "$ERR" "invalid until value 'later'"
}
