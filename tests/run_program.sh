#!/usr/bin/env bash
# Runs one Go test program under goemu and compares its stdout, stderr and exit status
# byte for byte with the expected files, printing a unified diff on mismatch.
#
# usage: run_program.sh GOEMU BINARY EXPECTED_DIR [ARGS...]
#
# EXPECTED_DIR is testdata/go/<name>/: expected.stdout, optional expected.stderr (absent
# means stderr must be empty), optional expected.status (absent means 0), optional stdin.
# Two options for output that is only partly reproducible (a fatal Go crash prints heap
# addresses): a file stderr_lines holding N compares only the first N lines of stderr, and
# expected.stderr.<release> (release = the binary's directory name, e.g. go1.19.8) replaces
# expected.stderr for that release's binary (the pc= of a crash differs between releases).
# The program's arguments are ARGS (ctest passes the lines of EXPECTED_DIR/args); extra
# environment comes from the caller (ctest's ENVIRONMENT property).
# Actual output is written to $GOEMU_TEST_OUTDIR if set (kept for inspection), otherwise to
# a temporary directory removed on exit.
set -u

if (($# < 3)); then
	echo "usage: $0 GOEMU BINARY EXPECTED_DIR [ARGS...]" >&2
	exit 2
fi
goemu=$1 binary=$2 expected=$3
shift 3

for f in "$goemu" "$binary"; do
	[[ -x $f ]] || { echo "run_program: not an executable file: $f" >&2; exit 1; }
done
[[ -f $expected/expected.stdout ]] || { echo "run_program: missing $expected/expected.stdout" >&2; exit 1; }

if [[ -n ${GOEMU_TEST_OUTDIR-} ]]; then
	out=$GOEMU_TEST_OUTDIR
	mkdir -p "$out" || exit 1
else
	out=$(mktemp -d) || exit 1
	trap 'rm -rf "$out"' EXIT
fi

stdin=/dev/null
[[ -f $expected/stdin ]] && stdin=$expected/stdin
want_status=0
[[ -f $expected/expected.status ]] && want_status=$(<"$expected/expected.status")
want_stderr=/dev/null
release=$(basename "$(dirname "$binary")")
[[ -f $expected/expected.stderr ]] && want_stderr=$expected/expected.stderr
[[ -f $expected/expected.stderr.$release ]] && want_stderr=$expected/expected.stderr.$release
stderr_lines=
[[ -f $expected/stderr_lines ]] && stderr_lines=$(<"$expected/stderr_lines")

# GOEMU_OPTS: goemu options for this run (the tier-2 tests pass --tier=2); taken out of the
# environment so the guest never sees it.
read -r -a opts <<<"${GOEMU_OPTS-}"
unset GOEMU_OPTS
echo "run: $goemu ${opts[*]}${opts[*]:+ }$binary${*:+ $(printf '%q ' "$@")} <$stdin"
"$goemu" "${opts[@]}" "$binary" "$@" <"$stdin" >"$out/stdout" 2>"$out/stderr"
status=$?
echo "$status" >"$out/status"

# show_diff NAME EXPECTED ACTUAL : prints at most 120 lines of unified diff.
show_diff() {
	local lines
	diff -u --text --label "expected $1" --label "actual $1" "$2" "$3" >"$out/$1.diff"
	lines=$(wc -l <"$out/$1.diff")
	head -n 120 "$out/$1.diff"
	((lines > 120)) && echo "... ($((lines - 120)) more diff lines)"
}

failed=0
if ! cmp -s "$expected/expected.stdout" "$out/stdout"; then
	echo "FAIL: stdout differs ($(wc -c <"$out/stdout") bytes, expected $(wc -c <"$expected/expected.stdout")):"
	show_diff stdout "$expected/expected.stdout" "$out/stdout"
	failed=1
fi
if [[ -n $stderr_lines ]]; then
	# Only the first N lines count: compare truncated copies.
	head -n "$stderr_lines" "$want_stderr" >"$out/stderr.want"
	head -n "$stderr_lines" "$out/stderr" >"$out/stderr.head"
	if ! cmp -s "$out/stderr.want" "$out/stderr.head"; then
		echo "FAIL: first $stderr_lines lines of stderr differ:"
		show_diff stderr "$out/stderr.want" "$out/stderr.head"
		failed=1
	fi
elif ! cmp -s "$want_stderr" "$out/stderr"; then
	echo "FAIL: stderr differs:"
	show_diff stderr "$want_stderr" "$out/stderr"
	failed=1
fi
if [[ $status != "$want_status" ]]; then
	msg="FAIL: exit status $status, expected $want_status"
	if ((status > 128)) && sig=$(kill -l $((status - 128)) 2>/dev/null); then
		msg+=" (goemu killed by SIG$sig)"
	fi
	echo "$msg"
	failed=1
fi

if ((failed)); then
	if [[ -s $out/stderr ]]; then
		echo "--- last 40 lines of stderr:"
		tail -n 40 "$out/stderr"
	fi
	[[ -n ${GOEMU_TEST_OUTDIR-} ]] && echo "actual output kept in $out"
	exit 1
fi
echo "PASS: stdout ($(wc -c <"$out/stdout") bytes), stderr${stderr_lines:+ (first $stderr_lines lines)} and exit status $status match"
exit 0
