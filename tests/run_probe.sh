#!/usr/bin/env bash
# Runs the syscall probe (testdata/probe) natively and under goemu on this machine, each in a
# temporary directory of its own, and compares the two outputs line by line. Every line is
# "<case> <syscall> <result>"; a case whose results differ must be listed in the allowlist
# (one "<case> <reason>" per line), or the test fails. Allowlisted cases that agree again are
# reported, not failed, so the list can shrink.
#
# usage: run_probe.sh GOEMU PROBE ALLOWLIST
# Outputs are kept in $GOEMU_TEST_OUTDIR when set; GOEMU_OPTS adds goemu options.
set -u

if (($# != 3)); then
	echo "usage: $0 GOEMU PROBE ALLOWLIST" >&2
	exit 2
fi
goemu=$1 probe=$2 allow=$3
for f in "$goemu" "$probe"; do
	[[ -x $f ]] || { echo "run_probe: not an executable file: $f" >&2; exit 1; }
done
[[ -f $allow ]] || { echo "run_probe: missing allowlist $allow" >&2; exit 1; }

scratch=$(mktemp -d) || exit 1
trap 'rm -rf "$scratch"' EXIT
out=${GOEMU_TEST_OUTDIR:-$scratch/out}
mkdir -p "$out" "$scratch/native" "$scratch/goemu" || exit 1

read -r -a opts <<<"${GOEMU_OPTS-}"
unset GOEMU_OPTS
# Same environment for both runs: the probe's temporary directory goes under TMPDIR.
TMPDIR=$scratch/native "$probe" </dev/null >"$out/native.out" 2>"$out/native.err"
native=$?
TMPDIR=$scratch/goemu "$goemu" "${opts[@]}" "$probe" </dev/null >"$out/goemu.out" 2>"$out/goemu.err"
emulated=$?

failed=0
if ((native != 0)); then
	echo "FAIL: the probe exits $native natively:"
	tail -n 20 "$out/native.err"
	exit 1
fi
if ((emulated != 0)); then
	echo "FAIL: the probe exits $emulated under goemu (natively 0); last lines:"
	tail -n 5 "$out/goemu.out"
	tail -n 20 "$out/goemu.err"
	failed=1
fi

# Compare line by line: case names must match in order, results must match unless allowlisted.
awk -v allowfile="$allow" '
BEGIN {
	while ((getline line < allowfile) > 0) {
		if (line ~ /^[ \t]*(#|$)/) continue
		split(line, f, " ")
		allowed[f[1]] = 1
	}
}
FNR == NR { nat[FNR] = $0; nn = FNR; next }
{
	emu[FNR] = $0; ne = FNR
}
END {
	bad = 0; known = 0
	n = nn > ne ? nn : ne
	for (i = 1; i <= n; i++) {
		split(nat[i], a, " "); split(emu[i], b, " ")
		if (a[1] != b[1]) {
			printf "FAIL: line %d: case \"%s\" natively, \"%s\" under goemu (outputs out of step)\n", i, a[1], b[1]
			bad++
			break
		}
		if (nat[i] == emu[i]) {
			if (a[1] in allowed) printf "note: allowlisted case agrees now: %s\n", a[1]
			seen[a[1]] = 1
			continue
		}
		seen[a[1]] = 1
		if (a[1] in allowed) {
			printf "known: %s: %s natively, %s under goemu\n", a[1], a[3], b[3]
			known++
		} else {
			printf "FAIL: new difference: %s (%s): %s natively, %s under goemu\n", a[1], a[2], a[3], b[3]
			bad++
		}
	}
	for (c in allowed)
		if (!(c in seen)) printf "note: allowlisted case not in the probe: %s\n", c
	printf "%d lines, %d known differences, %d failures\n", n, known, bad
	exit bad ? 1 : 0
}' "$out/native.out" "$out/goemu.out" || failed=1

if ((failed)); then
	[[ -n ${GOEMU_TEST_OUTDIR-} ]] && echo "outputs kept in $out"
	exit 1
fi
echo "PASS: goemu agrees with the host on every probe case but the allowlisted ones"
