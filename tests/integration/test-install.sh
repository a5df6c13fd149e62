# shellcheck shell=bash
# The toolkit as an admin installs it: `make install` into a DESTDIR (the exact tree, man pages that
# render, `make uninstall` leaving nothing of its own), `make install-cron`, the cron file's syntax
# and its jobs run as cron would run them against an engine of this file's own that demands mutual
# TLS, as gitlab-dind does, and the systemd units under `systemd-analyze verify`.
# shellcheck source=tests/integration/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

TOOLS=(dind-setup dind-register dind-prune dind-gc-report dind-recreate)

# make in the repository, whatever make (if any) runs the tests.
mk() { env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make --no-print-directory -C "$ROOT" "$@"; }

# The options a binary's --help lists, one a line.
help_options() {
	"$BIN/$1" --help | grep -oE -- '(^|[ ,])--?[a-zA-Z][a-z-]*' | sed 's/^[ ,]*//' | sort -u
}

# A tool not written yet says so, and exits 1, whatever it is asked. Run bare, a real tool cannot
# reach an engine (-H names no socket), GitLab (no environment) or a real home directory.
is_stub() {
	local err
	err=$(cd "$TEST_TMP" && env -i PATH="$PATH" HOME="$TEST_TMP" "$BIN/$1" -H "unix://$TEST_TMP/no-engine.sock" \
		</dev/null 2>&1 >/dev/null) || true
	[[ $err == *"$1 is not built yet"* ]]
}

# The man command: man-db's, else mandoc's.
man_cmd() {
	command -v man || command -v mman || fail "neither man (man-db) nor mman (mandoc) is installed (scripts/install-deps)"
}

# What `make install DESTDIR=ROOT PREFIX=/usr/local` must place, dirs with a / at the end, files
# with their mode: "PATH MODE".
expected_tree() {
	local p=usr/local f m
	{
		printf '%s/ 755\n' usr $p $p/bin $p/share $p/share/man $p/share/dind-tools $p/share/dind-tools/cron.d \
			$p/share/dind-tools/systemd
		for f in "${TOOLS[@]}"; do printf '%s 755\n' "$p/bin/$f"; done
		for m in "$ROOT"/man/*.[1-8]; do
			printf '%s/ 755\n%s 644\n' "$p/share/man/man${m##*.}" "$p/share/man/man${m##*.}/${m##*/}"
		done
		printf '%s 644\n' "$p/share/dind-tools/cron.d/dind-tools"
		for f in "$ROOT"/cron/systemd/*; do printf '%s 644\n' "$p/share/dind-tools/systemd/${f##*/}"; done
	} | sort -u
}

actual_tree() {
	(cd "$1" && find . -mindepth 1 \( -type d -printf '%P/ %m\n' \) -o \( -printf '%P %m\n' \)) | sort
}

test_install_places_exactly_the_tree() {
	local root=$TEST_TMP/root p=$TEST_TMP/root/usr/local f m
	assert_exit 0 mk install DESTDIR="$root" PREFIX=/usr/local
	assert_eq "$(expected_tree)" "$(actual_tree "$root")" "the installed tree"
	# With the default PREFIX every file is the repository's, byte for byte.
	for f in "${TOOLS[@]}"; do cmp -s "$BIN/$f" "$p/bin/$f" || fail "bin/$f differs from the installed one"; done
	for m in "$ROOT"/man/*.[1-8]; do
		cmp -s "$m" "$p/share/man/man${m##*.}/${m##*/}" || fail "man/${m##*/} differs from the installed page"
	done
	cmp -s "$ROOT/cron/dind-tools" "$p/share/dind-tools/cron.d/dind-tools" || fail "the installed cron file differs"
	for f in "$ROOT"/cron/systemd/*; do
		cmp -s "$f" "$p/share/dind-tools/systemd/${f##*/}" || fail "the installed ${f##*/} differs"
	done
	# Installed binaries run.
	assert_exit 0 "$p/bin/dind-prune" --version
	assert_starts_with "$OUT" "dind-prune (dind-tools) "
}

test_installed_man_pages_render() {
	local root=$TEST_TMP/root mandir=$TEST_TMP/root/usr/local/share/man m name section man
	man=$(man_cmd)
	export MANPAGER=cat PAGER=cat MANWIDTH=80 LC_ALL=C.UTF-8 MANPATH=''
	assert_exit 0 mk install DESTDIR="$root" PREFIX=/usr/local
	for m in "$ROOT"/man/*.[1-8]; do
		name=${m##*/} section=${name##*.} name=${name%.*}
		assert_exit 0 "$man" -M "$mandir" "$section" "$name"
		assert_eq "" "$ERR" "man $section $name: nothing on stderr"
		assert_starts_with "$(sed -n '/[^[:space:]]/{p;q}' "$OUT_FILE")" "${name^^}($section)" "man $section $name: the header"
		assert_contains "$OUT" "NAME" "man $section $name"
	done
	# `man dind-prune`: found by its name alone.
	assert_exit 0 "$man" -M "$mandir" dind-prune
	assert_contains "$OUT" "DIND-PRUNE(1)"
	assert_contains "$OUT" "--syslog"
}

test_uninstall_removes_what_install_placed() {
	local root=$TEST_TMP/root p=$TEST_TMP/root/usr/local
	# Someone else's files in the same directories stay.
	mkdir -p "$p/bin" "$p/share/man/man1" "$root/etc/cron.d"
	echo other >"$p/bin/other-tool"
	echo other >"$p/share/man/man1/other-tool.1"
	echo other >"$root/etc/cron.d/other-job"
	assert_exit 0 mk install DESTDIR="$root" PREFIX=/usr/local
	assert_exit 0 mk install-cron DESTDIR="$root" PREFIX=/usr/local
	[[ -f $root/etc/cron.d/dind-tools ]] || fail "install-cron placed no /etc/cron.d/dind-tools"
	assert_exit 0 mk uninstall DESTDIR="$root" PREFIX=/usr/local
	assert_eq "etc/cron.d/other-job
usr/local/bin/other-tool
usr/local/share/man/man1/other-tool.1" "$(cd "$root" && find . ! -type d -printf '%P\n' | sort)" "files left"
	[[ ! -e $p/share/dind-tools ]] || fail "make uninstall left $p/share/dind-tools"
	# Uninstalling twice is fine.
	assert_exit 0 mk uninstall DESTDIR="$root" PREFIX=/usr/local
}

test_install_cron_places_the_file_and_keeps_an_edited_one() {
	local root=$TEST_TMP/root cron=$TEST_TMP/root/etc/cron.d/dind-tools
	assert_exit 0 mk install-cron DESTDIR="$root" PREFIX=/usr/local
	assert_eq "644" "$(stat -c %a "$cron")" "mode of /etc/cron.d/dind-tools"
	cmp -s "$ROOT/cron/dind-tools" "$cron" || fail "/etc/cron.d/dind-tools is not cron/dind-tools"
	# Installing again over an unchanged file is quiet; over an edited one, it keeps the edit.
	assert_exit 0 mk install-cron DESTDIR="$root" PREFIX=/usr/local
	sed -i 's|^DIND_HOST=.*|DIND_HOST=tcp://172.18.0.2:2376|' "$cron"
	local edited
	edited=$(<"$cron")
	assert_exit 0 mk install-cron DESTDIR="$root" PREFIX=/usr/local
	assert_contains "$OUT" "install-cron: kept the existing $root/etc/cron.d/dind-tools"
	assert_eq "$edited" "$(<"$cron")" "the edited file is kept"
	assert_eq "dind-tools" "$(ls -A "$root/etc/cron.d")" "nothing else in /etc/cron.d"
}

test_install_elsewhere_rewrites_the_paths() {
	local root=$TEST_TMP/root
	assert_exit 0 mk install DESTDIR="$root" PREFIX=/opt/dind-tools
	local share=$root/opt/dind-tools/share/dind-tools
	[[ -x $root/opt/dind-tools/bin/dind-prune ]] || fail "no /opt/dind-tools/bin/dind-prune"
	assert_eq "ExecStart=/opt/dind-tools/bin/dind-prune" "$(grep -o '^ExecStart=[^ ]*' "$share/systemd/dind-prune.service")"
	assert_eq "PATH=/opt/dind-tools/bin:$(sed -n 's/^PATH=//p' "$ROOT/cron/dind-tools")" \
		"$(grep '^PATH=' "$share/cron.d/dind-tools")"
	assert_contains "$(<"$root/opt/dind-tools/share/man/man7/dind-tools.7")" "/opt/dind-tools/share/dind-tools"
	assert_eq "" "$(grep -E '/usr/local/(bin|share)/' "$share"/systemd/* "$share/cron.d/dind-tools" || true)" \
		"paths left pointing at /usr/local"
	# PREFIX=/usr: the cron file's PATH already has /usr/bin.
	assert_exit 0 mk install DESTDIR="$TEST_TMP/usr-root" PREFIX=/usr
	share=$TEST_TMP/usr-root/usr/share/dind-tools
	assert_eq "ExecStart=/usr/bin/dind-gc-report" "$(grep -o '^ExecStart=[^ ]*' "$share/systemd/dind-gc-report.service")"
	assert_eq "$(grep '^PATH=' "$ROOT/cron/dind-tools")" "$(grep '^PATH=' "$share/cron.d/dind-tools")"
}

# Reads a cron.d file as Debian's cron does. Prints "var NAME VALUE" for each variable, and for each
# job, active or commented out ("#" right before the time fields): "job|off USER COMMAND" (the
# command as sh gets it: "\%" is "%"), then for each simple command in it that runs a dind-* tool
# (after any NAME=VALUE words) "opts TOOL OPTION..." (its words that start with "-", cut at "=").
# "error LINE: WHY" for anything cron would reject or read otherwise than meant. Tab-separated.
_cron_py='
import re, shlex, sys
MONTHS = "jan feb mar apr may jun jul aug sep oct nov dec".split()
DAYS = "sun mon tue wed thu fri sat".split()
RANGES = [(0, 59, []), (0, 23, []), (1, 31, []), (1, 12, MONTHS), (0, 7, DAYS)]
SPECIAL = "@reboot @yearly @annually @monthly @weekly @daily @midnight @hourly".split()
def field_ok(f, lo, hi, names):
    for part in f.split(","):
        base, slash, step = part.partition("/")
        if slash and not step.isdigit():
            return False
        if base == "*":
            continue
        ends = base.split("-")
        if len(ends) > 2:
            return False
        for v in ends:
            if v.lower() in names and len(ends) == 1 and not slash:
                continue
            if not v.isdigit() or not lo <= int(v) <= hi:
                return False
    return True
def job(n, kind, rest):
    special = rest.split(None, 1)[0] in SPECIAL
    want = 3 if special else 7
    parts = rest.split(None, want - 1)
    if len(parts) < want:
        print("error\t%d: a job needs %s, a user and a command" % (n, "a schedule" if special else "5 time fields"))
        return
    if not special:
        for f, (lo, hi, names) in zip(parts[:5], RANGES):
            if not field_ok(f, lo, hi, names):
                print("error\t%d: bad time field %r" % (n, f))
                return
    user, command = parts[-2], parts[-1]
    if re.search(r"(?<!\\)%", command):
        print("error\t%d: an unescaped %% (cron makes it a newline)" % n)
        return
    command = command.replace("\\%", "%")
    print("%s\t%s\t%s" % (kind, user, command))
    lex = shlex.shlex(command, posix=True, punctuation_chars=True)
    lex.whitespace_split = True
    segments = [[]]
    for w in lex:
        if w in ("&&", "||", ";", "|", "&"):
            segments.append([])
        else:
            segments[-1].append(w)
    tools = 0
    for words in segments:
        while words and re.match(r"^[A-Za-z_][A-Za-z0-9_]*=", words[0]):
            words.pop(0)
        if words and words[0].rsplit("/", 1)[-1].startswith("dind-"):
            opts = sorted({w.split("=", 1)[0] for w in words[1:] if w.startswith("-") and w != "-"})
            print("opts\t%s\t%s" % (words[0].rsplit("/", 1)[-1], " ".join(opts)))
            tools += 1
    if not tools:
        print("error\t%d: the command runs none of the tools" % n)
for n, line in enumerate(open(sys.argv[1]), 1):
    line = line.rstrip("\n")
    s = line.strip()
    if not s:
        continue
    if s.startswith("#"):
        rest = s[1:]
        if re.match(r"^[0-9*@]", rest):
            job(n, "off", rest)
        continue
    if re.match(r"^[0-9*@]", s):
        job(n, "job", s)
        continue
    m = re.match(r"^([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*)$", s)
    if not m:
        print("error\t%d: neither a job nor a variable: %r" % (n, s))
        continue
    value = m.group(2)
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "\x27\x22":
        value = value[1:-1]
    print("var\t%s\t%s" % (m.group(1), value))
'

cron_read() { _dt_python -c "$_cron_py" "$1"; }

# check_options TOOL OPTION...: each option is one the binary's --help lists.
check_options() {
	local tool=$1 known opt
	shift
	known=$(help_options "$tool")
	for opt in "$@"; do
		grep -qxF -- "$opt" <<<"$known" || fail "$tool has no option $opt" "its options: $(tr '\n' ' ' <<<"$known")"
	done
}

test_cron_file_syntax_and_options() {
	local parsed kind a b jobs=0 off=0 kind_of_last=
	parsed=$(cron_read "$ROOT/cron/dind-tools")
	assert_not_contains "$parsed" $'error\t' "cron/dind-tools: what cron would reject"
	assert_contains "$parsed" $'var\tMAILTO\t' "a MAILTO line"
	assert_contains "$parsed" $'var\tPATH\t' "a PATH line"
	grep -qE $'^var\tPATH\t(.*:)?/usr/local/bin(:|$)' <<<"$parsed" || fail "PATH has no /usr/local/bin"
	grep -qE $'^var\tSHELL\t/bin/sh$' <<<"$parsed" || fail "SHELL is not /bin/sh"
	while IFS=$'\t' read -r kind a b; do
		case $kind in
		job | off)
			kind_of_last=$kind
			assert_eq root "$a" "the user field"
			/bin/sh -n -c "$b" || fail "sh cannot parse the command" "$b"
			if [[ $kind == job ]]; then jobs=$((jobs + 1)); else off=$((off + 1)); fi
			;;
		opts)
			[[ " ${TOOLS[*]} " == *" $a "* ]] || fail "a cron job runs $a, not one of the tools"
			# A commented-out job of a tool not built yet is checked once the tool is.
			if [[ $kind_of_last == off ]] && is_stub "$a"; then continue; fi
			# shellcheck disable=SC2086 # one option a word
			check_options "$a" $b
			;;
		esac
	done <<<"$parsed"
	assert_eq 2 "$jobs" "active jobs: the weekly prune and the hourly report"
	assert_eq 1 "$off" "commented-out jobs: the monthly recreate"
	# The schedules.
	grep -qE $'^0[ \t]+3[ \t]+\\*[ \t]+\\*[ \t]+0[ \t]+root[ \t]+dind-prune ' "$ROOT/cron/dind-tools" ||
		fail "no weekly prune on Sunday at 03:00"
	grep -qE $'^[0-9]+[ \t]+\\*[ \t]+\\*[ \t]+\\*[ \t]+\\*[ \t]+root[ \t]+dind-gc-report ' "$ROOT/cron/dind-tools" ||
		fail "no hourly report"
	grep -qE $'^#[0-9]+[ \t]+[0-9]+[ \t]+1-7[ \t]+\\*[ \t]+\\*[ \t]+root[ \t]+\\[ "\\$\\(date \\+\\\\%u\\)" = 7 \\] && dind-recreate ' \
		"$ROOT/cron/dind-tools" || fail "no commented-out recreate on the first Sunday of the month"
}

# run_cron_job STATUS ROOT COMMAND VAR=VALUE...: assert_exit STATUS for COMMAND run as cron runs
# it: by sh in HOME, with the cron file's variables (the PATH's directories inside ROOT), then the
# VAR=VALUEs given, and nothing else in the environment.
run_cron_job() {
	local status=$1 root=$2 command=$3 kind name value dir path=''
	shift 3
	local env=(HOME="$TEST_TMP" LOGNAME=root)
	while IFS=$'\t' read -r kind name value; do
		[[ $kind == var ]] || continue
		if [[ $name == PATH ]]; then
			IFS=: read -ra dirs <<<"$value"
			for dir in "${dirs[@]}"; do path+=${path:+:}$root$dir; done
			value=$path
		fi
		env+=("$name=$value")
	done < <(cron_read "$root/etc/cron.d/dind-tools")
	# shellcheck disable=SC2016 # for sh
	assert_exit "$status" env -i "${env[@]}" "$@" /bin/sh -c 'cd "$HOME" && exec /bin/sh -c "$1"' _ "$command"
}

test_cron_jobs_run_quietly_against_a_tls_engine() {
	local root=$TEST_TMP/root certs=$TEST_TMP/certs port prom=$TEST_TMP/node-exporter/dind.prom
	assert_exit 0 mk install DESTDIR="$root" PREFIX=/usr/local
	assert_exit 0 mk install-cron DESTDIR="$root" PREFIX=/usr/local
	make_certs "$certs"
	port=$(free_port)
	# Global: the EXIT trap stops it. A unix socket path must stay short.
	engine=$(mktemp -d /tmp/dcron.XXXXXX)
	trap 'DIND_TEST_ROOT=$engine "$ROOT/scripts/test-engine" stop >/dev/null 2>&1; rm -rf "$engine"; cleanup_prefix' EXIT
	DIND_TEST_ROOT=$engine "$ROOT/scripts/test-engine" start --tcp "$port" --tls "$certs" --bare >/dev/null
	# An old unused image, and old dind and runner images that the keep globs protect.
	dk save dindtest/busybox:latest | DOCKER_HOST=unix://$engine/docker.sock dk load -q >/dev/null
	(
		DOCKER_HOST=unix://$engine/docker.sock
		make_old_image "$T-old:1" 2020-01-01T00:00:00Z >/dev/null
		make_old_image docker:20.10.0-dind 2020-01-01T00:00:00Z >/dev/null
		make_old_image gitlab/gitlab-runner:alpine 2020-01-01T00:00:00Z >/dev/null
	)
	# A file in the jobs' working directory that the keep globs would match, were they unquoted.
	touch "$TEST_TMP/docker:x-dind"

	local parsed prune report
	parsed=$(cron_read "$root/etc/cron.d/dind-tools")
	prune=$(awk -F'\t' '$1 == "job" && $3 ~ /^dind-prune / { print $3 }' <<<"$parsed")
	report=$(awk -F'\t' '$1 == "job" && $3 ~ /^dind-gc-report / { print $3 }' <<<"$parsed")
	[[ -n $prune && -n $report ]] || fail "no prune or no report job" "$parsed"
	[[ $report == *" --output /var/lib/prometheus/node-exporter/dind.prom "* ]] ||
		fail "the report job does not write node_exporter's textfile directory" "$report"
	report=${report/\/var\/lib\/prometheus\/node-exporter\/dind.prom/$prom}
	mkdir -p "${prom%/*}"

	# As shipped, DIND_HOST names no engine: the jobs fail, loudly, and prune nothing anywhere.
	run_cron_job 69 "$root" "$prune"
	assert_eq "" "$OUT"
	assert_starts_with "$ERR" "dind-prune: error: cannot connect to the Docker engine at tcp://gitlab-dind:2376 " \
		"the prune job as shipped says why"
	assert_eq 1 "$(wc -l <"$ERR_FILE")" "in one line"

	# Pointed at the engine, a run prints nothing.
	local env=(DIND_HOST="tcp://127.0.0.1:$port" DOCKER_CERT_PATH="$certs")
	run_cron_job 0 "$root" "$report" "${env[@]}"
	assert_eq "" "$OUT$ERR" "the report job prints nothing"
	assert_contains "$(<"$prom")" $'\ndind_engine_up 1\n'
	# The base image too, when the test engine is older than a week (KEEP_ENGINE=1).
	local created old_base=0
	created=$(DOCKER_HOST=unix://$engine/docker.sock dk image inspect -f '{{.Created}}' dindtest/busybox:latest)
	if (($(date +%s) - $(date -d "$created" +%s) > 7 * 86400)); then old_base=1; fi
	assert_contains "$(<"$prom")" $'\ndind_reclaimable_objects{kind="image"} '$((1 + old_base))$'\n'
	run_cron_job 0 "$root" "$prune" "${env[@]}"
	assert_eq "" "$OUT$ERR" "the prune job prints nothing"
	local images
	images=$(DOCKER_HOST=unix://$engine/docker.sock dk images --format '{{.Repository}}:{{.Tag}}' | sort)
	local want="docker:20.10.0-dind
gitlab/gitlab-runner:alpine"
	if ((old_base == 0)); then want=$'dindtest/busybox:latest\n'$want; fi
	assert_eq "$want" "$images" "what the prune left"
}

test_systemd_units_verify() {
	command -v systemd-analyze >/dev/null || fail "systemd-analyze is missing (scripts/install-deps installs systemd)"
	local root=$TEST_TMP/root units=$TEST_TMP/units f name tool
	assert_exit 0 mk install DESTDIR="$root" PREFIX=/usr/local
	mkdir -p "$units"
	local installed=$root/usr/local/share/dind-tools/systemd
	for f in "$installed"/*; do
		name=${f##*/}
		# The installed binaries, where the units name /usr/local/bin.
		sed "s|/usr/local/bin/|$root/usr/local/bin/|g" "$f" >"$units/$name"
	done
	for f in "$units"/*.timer; do
		name=${f##*/}
		[[ -f ${f%.timer}.service ]] || fail "$name starts no ${name%.timer}.service"
		grep -qx 'Persistent=true' "$f" || fail "$name: no Persistent=true"
		grep -qE '^RandomizedDelaySec=[0-9]+' "$f" || fail "$name: no RandomizedDelaySec="
		grep -qE '^OnCalendar=' "$f" || fail "$name: no OnCalendar="
	done
	local timers=''
	for f in "$units"/*.timer; do name=${f##*/} timers+=" ${name%.timer}"; done
	assert_eq " dind-gc-report dind-prune dind-recreate" "$timers" "a timer for each job of the cron file"
	for f in "$units"/*.service; do
		name=${f##*/} tool=${name%.service}
		# The ExecStart options are the binary's.
		local exec
		exec=$(sed -n 's/^ExecStart=//p' "$f")
		assert_starts_with "$exec" "$root/usr/local/bin/$tool" "$name runs $tool"
		# A unit whose tool is not built yet has no man page to point at yet.
		local man=()
		if [[ ! -f $ROOT/man/$tool.1 ]] && is_stub "$tool"; then man=(--man=no); else
			# shellcheck disable=SC2046 # one option a word
			check_options "$tool" $(tr ' ' '\n' <<<"$exec" | grep -E '^-' | cut -d= -f1 | sort -u)
		fi
		# verify checks the binaries exist and runs `man` for each Documentation= page.
		assert_exit 0 env MANPATH="$root/usr/local/share/man:" SYSTEMD_LOG_LEVEL=notice \
			systemd-analyze verify "${man[@]}" "$f" "${f%.service}.timer"
		assert_eq "" "$OUT$ERR" "systemd-analyze verify $name ${name%.service}.timer says nothing"
	done
}
