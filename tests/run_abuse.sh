#!/usr/bin/env bash
# Runs the guest-abuse scenarios (testdata/abuse, docs/isolation.md "Guest-abuse suite") under
# goemu and natively, each under `timeout -s KILL` and, under goemu, a watchdog on goemu's
# resident memory, so a regression fails instead of hanging CI or eating the machine.
#
# usage: run_abuse.sh GOEMU ABUSE EXPECTED_DIR [SCENARIO...]
#
# For each scenario (all of them when none is named):
#   - both runs exit 0 within GOEMU_ABUSE_TIMEOUT seconds (default 20);
#   - goemu's VmRSS, polled every 20 ms from /proc/<pid>/status, stays below
#     GOEMU_ABUSE_RSS_MB (default 200) times GOEMU_ABUSE_RSS_SCALE (default 1; the sanitized
#     build sets it, ASan's shadow and quarantine cost memory of their own), and its peak RSS
#     is reported (from /usr/bin/time when installed, else the largest VmHWM seen);
#   - stdout equals EXPECTED_DIR/<scenario>.stdout when that file exists (a refusal of goemu's
#     own, documented in docs/isolation.md), else the native run's stdout;
#   - stderr equals the native run's, leaving out lines starting "info: " (printed to the log)
#     and goemu's own diagnostics, lines starting "goemu: ". Those must match, in order, the
#     extended regular expressions of EXPECTED_DIR/<scenario>.diag, one per line; without that
#     file goemu must print none;
#   - mem-huge (1 TiB and 32 TiB mappings, huge mremap and brk requests) may raise goemu's
#     peak RSS by less than GOEMU_ABUSE_GROWTH_MB (default 10, times the scale) over noop's.
# Outputs are kept in $GOEMU_TEST_OUTDIR when set; GOEMU_OPTS adds goemu options.
set -u

if (($# < 3)); then
	echo "usage: $0 GOEMU ABUSE EXPECTED_DIR [SCENARIO...]" >&2
	exit 2
fi
goemu=$(realpath "$1") abuse=$(realpath "$2") expdir=$3
shift 3
for f in "$goemu" "$abuse"; do
	[[ -x $f ]] || { echo "run_abuse: not an executable file: $f" >&2; exit 1; }
done
[[ -d $expdir ]] || { echo "run_abuse: missing directory $expdir" >&2; exit 1; }
scenarios=("$@")
((${#scenarios[@]})) || scenarios=(noop proc-mem proc-mem-child proc-self mem-huge fd-exhaust
	fd-clobber bad-pointers pipe-wrong-end)

limit=${GOEMU_ABUSE_TIMEOUT:-20}
scale=${GOEMU_ABUSE_RSS_SCALE:-1}
cap_kb=$((${GOEMU_ABUSE_RSS_MB:-200} * 1024 * scale))
growth_kb=$((${GOEMU_ABUSE_GROWTH_MB:-10} * 1024 * scale))
read -r -a opts <<<"${GOEMU_OPTS-}"
unset GOEMU_OPTS

scratch=$(mktemp -d) || exit 1
trap 'rm -rf "$scratch"' EXIT
out=${GOEMU_TEST_OUTDIR:-$scratch/out}
mkdir -p "$out" || exit 1

# status_kb PID FIELD: a VmRSS/VmHWM value in kB, or nothing once the process is gone.
status_kb() {
	local k v rest
	while read -r k v rest; do
		[[ $k == "$2:" ]] && { echo "$v"; return; }
	done 2>/dev/null <"/proc/$1/status"
}

# nap: sleeps 20 ms without starting a process (read times out on a pipe nobody writes).
exec {nap_fd}<> <(:)
nap() { read -r -t 0.02 -u "$nap_fd" _; }

# /usr/bin/time, when installed, reports goemu's exact peak RSS (ru_maxrss) after it exits;
# the watchdog's samples of VmHWM every 20 ms are the fallback.
timer=()
[[ -x /usr/bin/time ]] && timer=(/usr/bin/time -f %M -o)

# run_goemu SCENARIO DIR: runs goemu under timeout with the RSS watchdog; sets status,
# peak_kb (goemu's peak RSS) and killed_rss (the RSS seen when the watchdog killed it).
run_goemu() {
	local s=$1 dir=$2 pidfile=$2/pid gpid="" rss hwm i
	rm -f "$pidfile" "$dir/maxrss"
	# bash -c writes its own pid and execs goemu, so the pid is goemu's.
	TMPDIR=$dir timeout -s KILL "$limit" ${timer[@]+"${timer[@]}" "$dir/maxrss"} \
		bash -c 'echo $$ >"$0"; exec "$@"' "$pidfile" "$goemu" ${opts[@]+"${opts[@]}"} "$abuse" "$s" \
		</dev/null >"$dir/goemu.out" 2>"$dir/goemu.err" &
	local tpid=$!
	for ((i = 0; i < 1000; i++)); do
		[[ -s $pidfile ]] && break
		read -r -t 0.002 -u "$nap_fd" _
	done
	gpid=$(<"$pidfile")
	peak_kb=0 killed_rss=""
	while [[ -n $gpid && -e /proc/$gpid ]]; do
		rss=$(status_kb "$gpid" VmRSS)
		hwm=$(status_kb "$gpid" VmHWM)
		[[ -n $hwm ]] && ((hwm > peak_kb)) && peak_kb=$hwm
		[[ -n $rss ]] && ((rss > peak_kb)) && peak_kb=$rss
		if [[ -n $rss ]] && ((rss > cap_kb)); then
			killed_rss=$rss
			kill -KILL "$gpid" 2>/dev/null
			break
		fi
		nap
	done
	wait "$tpid" 2>/dev/null
	status=$?
	if [[ -s $dir/maxrss ]]; then
		rss=$(tail -n 1 "$dir/maxrss")
		[[ $rss =~ ^[0-9]+$ ]] && ((rss > peak_kb)) && peak_kb=$rss
	fi
	return 0
}

# Lines of a file without the "info: " and (with a second argument) "goemu: " ones.
strip() { grep -v -e '^info: ' ${2:+-e '^goemu: '} "$1"; }

failed=0 noop_kb=""
fail() {
	echo "FAIL: $s: $*"
	failed=1
	bad=1
}
for s in "${scenarios[@]}"; do
	d=$out/$s
	rm -rf "$d"
	mkdir -p "$d/native" "$d/goemu" || exit 1
	bad=0
	start=$(date +%s%N)
	(cd "$d/native" && TMPDIR=$d/native timeout -s KILL "$limit" "$abuse" "$s" </dev/null \
		>"$d/native.out" 2>"$d/native.err")
	nstatus=$?
	t1=$(date +%s%N)
	(cd "$d/goemu" && run_goemu "$s" "$d/goemu"; echo "$status $peak_kb ${killed_rss:-}" >"$d/goemu.status")
	status=1 peak_kb=0 killed_rss=""
	[[ -f $d/goemu.status ]] && read -r status peak_kb killed_rss <"$d/goemu.status"
	t2=$(date +%s%N)
	mv "$d/goemu/goemu.out" "$d/goemu/goemu.err" "$d/" 2>/dev/null

	if ((nstatus != 0)); then
		fail "exits $nstatus natively"
		tail -n 5 "$d/native.err"
	fi
	if [[ -n $killed_rss ]]; then
		fail "goemu killed at VmRSS ${killed_rss} kB (cap ${cap_kb} kB)"
	elif ((status == 137)); then
		fail "goemu killed after ${limit} s (timeout)"
	elif ((status != 0)); then
		fail "exits $status under goemu"
	elif ((peak_kb > cap_kb)); then
		fail "goemu's peak RSS ${peak_kb} kB is above the cap (${cap_kb} kB)"
	fi
	if ((status != 0)); then
		tail -n 5 "$d/goemu.out"
		tail -n 20 "$d/goemu.err"
	fi
	if [[ -f $expdir/$s.stdout ]]; then
		diff -u --label "expected ($expdir/$s.stdout)" --label goemu "$expdir/$s.stdout" \
			"$d/goemu.out" || fail "stdout differs from $expdir/$s.stdout"
	else
		diff -u --label native --label goemu "$d/native.out" "$d/goemu.out" ||
			fail "stdout differs from the native run's"
	fi
	diff -u --label native --label goemu <(strip "$d/native.err") <(strip "$d/goemu.err" 1) ||
		fail "stderr differs from the native run's"
	grep '^goemu: ' "$d/goemu.err" >"$d/goemu.diag"
	if [[ -f $expdir/$s.diag ]]; then
		if ! awk 'FNR == NR { re[++n] = $0; next }
			{ if (++i > n || $0 !~ re[i]) { printf "unexpected: %s\n", $0; bad = 1 } }
			END { if (i < n) { printf "missing: %s\n", re[i + 1]; bad = 1 } exit bad }' \
			"$expdir/$s.diag" "$d/goemu.diag"; then
			fail "goemu's diagnostics do not match $expdir/$s.diag"
		fi
	elif [[ -s $d/goemu.diag ]]; then
		cat "$d/goemu.diag"
		fail "goemu printed diagnostics"
	fi
	grep -h '^info: ' "$d/goemu.err" | sed 's/^/  /'
	[[ $s == noop ]] && noop_kb=$peak_kb
	extra=""
	if [[ $s == mem-huge && -n $noop_kb ]]; then
		extra=", $(((peak_kb - noop_kb) / 1024)) MB over noop"
		((peak_kb - noop_kb < growth_kb)) ||
			fail "peak RSS ${peak_kb} kB is not within $((growth_kb / 1024)) MB of noop's ${noop_kb} kB"
	fi
	printf '%s %s: native %d ms, goemu %d ms, goemu peak RSS %d MB%s\n' \
		"$( ((bad)) && echo FAIL || echo ok)" "$s" $(((t1 - start) / 1000000)) \
		$(((t2 - t1) / 1000000)) $((peak_kb / 1024)) "$extra"
done

if ((failed)); then
	[[ -n ${GOEMU_TEST_OUTDIR-} ]] && echo "outputs kept in $out"
	exit 1
fi
echo "PASS: every scenario behaves under goemu as natively or as documented, within time and memory"
