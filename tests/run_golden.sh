#!/usr/bin/env bash
# Golden startup traces (goemu --trace-startup, docs/boot.md): runs a testdata binary under
# goemu with a fixed environment and compares its trace byte for byte with
# testdata/golden/<release>/<binary>.trace, printing a unified diff on mismatch.
#
# usage: run_golden.sh check GOEMU BINARY GOLDEN     trace of BINARY must equal GOLDEN
#        run_golden.sh twice GOEMU BINARY            two runs give identical traces (every format)
#        run_golden.sh same-events GOLDEN1 GOLDEN2   traces equal after the header (stripped or not)
#        run_golden.sh --rebase GOEMU                rewrite every golden file from testdata/bin
#
# The run is hermetic so that the trace is the same on every machine: an empty environment
# (env -i), the binary reached through a symlink ./<program> in a scratch directory (the
# path is on the initial stack), stdin /dev/null, stdout and stderr to files, and the soft
# open-file limit raised to the hard one (Go raises it itself when lower: one more syscall).
# --trace-startup implies --deterministic: virtual clocks, fixed pid/tids, AT_RANDOM, CPU count.
set -u

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(dirname "$here")
golden_dir=$root/testdata/golden
expected_stdout=$root/testdata/go/hello/expected.stdout

die() { echo "run_golden: $*" >&2; exit 1; }

# GOEMU_OPTS: extra goemu options (the tier-2 tests pass --tier=2); the guest never sees them
# (every run starts from env -i).
read -r -a goemu_opts <<<"${GOEMU_OPTS-}"

# trace_of GOEMU BINARY OUT [FORMAT] : writes the trace of one run to OUT; the program's
# stdout must still be what it prints natively.
trace_of() {
	local goemu binary=$2 out=$3 format=${4:-text} tmp name status
	[[ -x $1 && -f $1 ]] || die "not an executable goemu: $1"
	goemu=$(realpath "$1")
	[[ -x $binary ]] || die "not an executable file: $binary"
	name=$(basename "$binary")
	name=${name%-stripped}
	tmp=$(mktemp -d) || exit 1
	ln -s "$(realpath "$binary")" "$tmp/$name"
	(
		cd "$tmp" || exit 1
		ulimit -S -n "$(ulimit -H -n)" 2>/dev/null
		exec env -i "$goemu" "${goemu_opts[@]}" --trace-startup --trace-format="$format" --trace-file=trace \
			"./$name" </dev/null >stdout 2>stderr
	)
	status=$?
	if ((status != 0)) || { [[ $name == hello ]] && ! cmp -s "$expected_stdout" "$tmp/stdout"; }; then
		echo "FAIL: $binary exited with status $status; stdout:"
		head -n 20 "$tmp/stdout"
		echo "--- stderr:"
		tail -n 20 "$tmp/stderr"
		rm -rf "$tmp"
		return 1
	fi
	cp "$tmp/trace" "$out"
	rm -rf "$tmp"
}

# show_diff EXPECTED ACTUAL LABEL : at most 150 lines of unified diff.
show_diff() {
	local d lines
	d=$(diff -u --text --label "expected $3" --label "actual $3" "$1" "$2")
	lines=$(printf '%s\n' "$d" | wc -l)
	printf '%s\n' "$d" | head -n 150
	((lines > 150)) && echo "... ($((lines - 150)) more diff lines)"
}

check() {
	local goemu=$1 binary=$2 golden=$3 out
	[[ -f $golden ]] || die "no golden file $golden; create it with: tests/run_golden.sh --rebase $goemu"
	if [[ -n ${GOEMU_TEST_OUTDIR-} ]]; then
		mkdir -p "$GOEMU_TEST_OUTDIR" || exit 1
		out=$GOEMU_TEST_OUTDIR/$(basename "$golden")
	else
		out=$(mktemp) || exit 1
		trap "rm -f '$out'" EXIT
	fi
	trace_of "$goemu" "$binary" "$out" || exit 1
	if ! cmp -s "$golden" "$out"; then
		echo "FAIL: the startup trace of $binary differs from $golden:"
		show_diff "$golden" "$out" "$(basename "$golden")"
		echo "If the change is intended: tests/run_golden.sh --rebase $goemu, and review the diff."
		exit 1
	fi
	echo "PASS: $(wc -l <"$out") trace lines identical to $golden"
}

twice() {
	local goemu=$1 binary=$2 tmp format
	tmp=$(mktemp -d) || exit 1
	trap "rm -rf '$tmp'" EXIT
	for format in text json chrome; do
		trace_of "$goemu" "$binary" "$tmp/a.$format" "$format" || exit 1
		trace_of "$goemu" "$binary" "$tmp/b.$format" "$format" || exit 1
		if ! cmp -s "$tmp/a.$format" "$tmp/b.$format"; then
			echo "FAIL: two runs gave different $format traces:"
			show_diff "$tmp/a.$format" "$tmp/b.$format" "trace.$format"
			exit 1
		fi
		echo "PASS: two $format traces identical ($(wc -c <"$tmp/a.$format") bytes)"
	done
	valid_json "$tmp/a.json" "$tmp/a.chrome"
}

# valid_json JSONL CHROME : every line of the JSON-lines trace and the Chrome file parse, and
# the Chrome spans nest per thread (what Perfetto needs to draw them). Needs python3.
valid_json() {
	command -v python3 >/dev/null || { echo "SKIP: no python3 to validate the JSON"; return; }
	python3 - "$1" "$2" <<'EOF' || exit 1
import json, sys
lines = [json.loads(l) for l in open(sys.argv[1])]
events = json.load(open(sys.argv[2]))
stacks = {}
for e in events:
    if e["ph"] == "B":
        stacks.setdefault(e["tid"], []).append(e["name"])
    elif e["ph"] == "E":
        top = stacks[e["tid"]].pop()
        assert top == e["name"], f"span {e['name']} ends inside {top}"
assert all(not s for s in stacks.values()), stacks
print(f"PASS: {len(lines)} JSON lines parse; {len(events)} Chrome events parse and nest")
EOF
}

# The part after the column titles: the events, summary and register dumps.
events_of() { sed -n '/^    icount /,$p' "$1"; }

same_events() {
	local a=$1 b=$2
	if ! cmp -s <(events_of "$a") <(events_of "$b"); then
		echo "FAIL: $a and $b differ after the header:"
		diff -u --label "$a" --label "$b" <(events_of "$a") <(events_of "$b") | head -n 100
		exit 1
	fi
	echo "PASS: $(events_of "$a" | wc -l) event lines identical in $(basename "$a") and $(basename "$b")"
}

# Every hello and hello-stripped of every release under testdata/bin.
rebase() {
	local goemu=$1 bin rel name
	for bin in "$root"/testdata/bin/go*/hello "$root"/testdata/bin/go*/hello-stripped; do
		[[ -x $bin ]] || continue
		rel=$(basename "$(dirname "$bin")")
		name=$(basename "$bin")
		mkdir -p "$golden_dir/$rel"
		trace_of "$goemu" "$bin" "$golden_dir/$rel/$name.trace" || exit 1
		echo "wrote testdata/golden/$rel/$name.trace ($(wc -l <"$golden_dir/$rel/$name.trace") lines)"
	done
}

case ${1-} in
check) (($# == 4)) || die "usage: $0 check GOEMU BINARY GOLDEN"; check "$2" "$3" "$4" ;;
twice) (($# == 3)) || die "usage: $0 twice GOEMU BINARY"; twice "$2" "$3" ;;
same-events) (($# == 3)) || die "usage: $0 same-events GOLDEN1 GOLDEN2"; same_events "$2" "$3" ;;
--rebase) (($# == 2)) || die "usage: $0 --rebase GOEMU"; rebase "$2" ;;
*) die "usage: $0 check|twice|same-events|--rebase ... (see the header of this script)" ;;
esac
