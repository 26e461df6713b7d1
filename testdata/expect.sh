#!/usr/bin/env bash
# Checks (or, with --rebase, regenerates) the expected output of the test programs.
#
# usage: testdata/expect.sh [--rebase] [--no-qemu]
#
# Each program directory testdata/go/<name>/ may hold, besides main.go:
#   args             the program's arguments, one per line
#   stdin            its standard input (otherwise /dev/null)
#   env              extra environment, NAME=value per line
#   expected.stdout  exact standard output
#   expected.stderr  exact standard error (absent: must be empty)
#   expected.status  exit status (absent: 0)
#   stderr_lines     N: only the first N lines of stderr are compared (a fatal Go crash
#                    prints heap addresses after them)
#   expected.stderr.<release>  replaces expected.stderr for that release (a crash's pc=)
# Binaries testdata/bin/<release>/<name> and <name>-stripped share the directory <name>.
#
# --rebase writes the expected.* files from a native run of the newest release's binaries
# (stderr cut to stderr_lines lines), plus expected.stderr.<release> for each older release
# whose first stderr_lines lines differ from the newest's.
# Then, always, every binary of every release is run natively twice, natively with
# GODEBUG=cpu.all=off (no optional CPU features, so output must not depend on CPUID), and
# under qemu-x86_64 if installed, and each run must match the expected files exactly.
set -uo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
rebase=0 qemu=qemu-x86_64
for a in "$@"; do
	case $a in
	--rebase) rebase=1 ;;
	--no-qemu) qemu= ;;
	*) echo "usage: $0 [--rebase] [--no-qemu]" >&2; exit 2 ;;
	esac
done
[[ -n $qemu ]] && ! command -v "$qemu" >/dev/null && { echo "expect.sh: $qemu not installed, skipping qemu runs"; qemu=; }

scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT

# run_program OUTDIR PROGDIR CMD... : runs CMD plus the program's args with its stdin and
# env, leaving stdout, stderr and status in OUTDIR.
run_program() {
	local out=$1 dir=$2
	shift 2
	local -a args=() envs=()
	[[ -f $dir/args ]] && mapfile -t args <"$dir/args"
	[[ -f $dir/env ]] && mapfile -t envs <"$dir/env"
	local in=/dev/null
	[[ -f $dir/stdin ]] && in=$dir/stdin
	mkdir -p "$out"
	# The group's 2>/dev/null only hides bash's own "Killed"/"Terminated" reports for the
	# programs that die by a signal on purpose.
	{ env "${envs[@]}" "$@" "${args[@]}" <"$in" >"$out/stdout" 2>"$out/stderr"; } 2>/dev/null
	echo $? >"$out/status"
}

# stderr_head PROGDIR FILE : FILE, or its first stderr_lines lines when PROGDIR has that option.
stderr_head() {
	if [[ -f $1/stderr_lines ]]; then head -n "$(<"$1/stderr_lines")" "$2"; else cat "$2"; fi
}

# matches OUTDIR PROGDIR RELEASE : compares one run with the expected files, printing any
# difference.
matches() {
	local out=$1 dir=$2 rel=$3 ok=0 want wanterr=$2/expected.stderr
	[[ -f $dir/expected.stderr.$rel ]] && wanterr=$dir/expected.stderr.$rel
	diff -u --label expected.stdout --label actual "$dir/expected.stdout" "$out/stdout" || ok=1
	if [[ -f $wanterr ]]; then
		diff -u --label "$(basename "$wanterr")" --label actual <(stderr_head "$dir" "$wanterr") \
			<(stderr_head "$dir" "$out/stderr") || ok=1
	elif [[ -s $out/stderr ]]; then
		echo "unexpected stderr:"; cat "$out/stderr"; ok=1
	fi
	want=0
	[[ -f $dir/expected.status ]] && want=$(<"$dir/expected.status")
	[[ $(<"$out/status") == "$want" ]] || { echo "exit status $(<"$out/status"), expected $want"; ok=1; }
	return $ok
}

newest=$(ls -d "$here"/bin/go*/ 2>/dev/null | xargs -n1 basename | sort -V | tail -1)
[[ -n $newest ]] || { echo "expect.sh: no binaries; run testdata/build.sh" >&2; exit 1; }

if ((rebase)); then
	for dir in "$here"/go/*/; do
		dir=${dir%/}
		name=$(basename "$dir")
		run_program "$scratch/rebase/$name" "$dir" "$here/bin/$newest/$name"
		cp "$scratch/rebase/$name/stdout" "$dir/expected.stdout"
		rm -f "$dir/expected.stderr" "$dir"/expected.stderr.* "$dir/expected.status"
		[[ -s $scratch/rebase/$name/stderr ]] &&
			stderr_head "$dir" "$scratch/rebase/$name/stderr" >"$dir/expected.stderr"
		[[ $(<"$scratch/rebase/$name/status") != 0 ]] && cp "$scratch/rebase/$name/status" "$dir/expected.status"
		echo "rebased $name from $newest"
		[[ -f $dir/stderr_lines && -f $dir/expected.stderr ]] || continue
		for relbin in "$here"/bin/go*/"$name"; do
			rel=$(basename "$(dirname "$relbin")")
			[[ $rel == "$newest" ]] && continue
			run_program "$scratch/rebase/$rel/$name" "$dir" "$relbin"
			stderr_head "$dir" "$scratch/rebase/$rel/$name/stderr" >"$scratch/rebase/$rel/$name/head"
			if ! cmp -s "$scratch/rebase/$rel/$name/head" "$dir/expected.stderr"; then
				cp "$scratch/rebase/$rel/$name/head" "$dir/expected.stderr.$rel"
				echo "rebased $name stderr for $rel"
			fi
		done
	done
fi

pass=0 fail=0
for bin in "$here"/bin/go*/*; do
	name=$(basename "$bin")
	rel=$(basename "$(dirname "$bin")")
	dir=$here/go/${name%-stripped}
	[[ -f $dir/expected.stdout ]] || { echo "expect.sh: no expected output for $rel/$name"; fail=$((fail + 1)); continue; }
	modes=(native native2 nofeatures)
	[[ -n $qemu ]] && modes+=(qemu)
	for mode in "${modes[@]}"; do
		out=$scratch/$rel/$name/$mode
		case $mode in
		native | native2) run_program "$out" "$dir" "$bin" ;;
		nofeatures) run_program "$out" "$dir" env GODEBUG=cpu.all=off "$bin" ;;
		qemu) run_program "$out" "$dir" "$qemu" "$bin" ;;
		esac
		if report=$(matches "$out" "$dir" "$rel" 2>&1); then
			pass=$((pass + 1))
		else
			fail=$((fail + 1))
			echo "MISMATCH $rel/$name ($mode):"
			echo "$report" | head -40
		fi
	done
done
echo "$pass passed, $fail failed"
((fail == 0))
