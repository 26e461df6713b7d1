#!/usr/bin/env bash
# Rebuilds the test binaries testdata/bin/<go version>/<program> for every Go release
# available here, plus the benchmark binaries bench/bin/<program>, the syscall probe
# testdata/probe/bin/probe and the guest-abuse suite testdata/abuse/bin/abuse (newest release
# only), reproducibly: static, GOAMD64=v1, -trimpath, no VCS stamp, empty build ID.
#
# usage: testdata/build.sh [--check-repro] [PROGRAM...]
#   --check-repro  build everything a second time with an empty build cache into a scratch
#                  directory and compare sha256 sums with the committed-to-be binaries.
#   PROGRAM...     build only these programs (for every release), leaving the other binaries,
#                  hello-stripped and the benchmarks as they are; "probe" names the probe,
#                  "abuse" the guest-abuse suite.
#
# Toolchains (override with the environment variables in brackets):
#   [GO_NEW] /usr/local/go/bin/go       whatever release is installed there
#   [GO_OLD] /usr/lib/go-1.19/bin/go    Debian's golang-1.19-go
#   [GO_MID] go1.22.12                  fetched through the module proxy with
#                                       GOTOOLCHAIN=$GO_MID $GO_NEW (set GO_MID= to skip)
# A toolchain that is missing or cannot be fetched is skipped with a warning.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(dirname "$here")
GO_NEW=${GO_NEW-/usr/local/go/bin/go}
GO_OLD=${GO_OLD-/usr/lib/go-1.19/bin/go}
GO_MID=${GO_MID-go1.22.12}

programs=(hello args goroutines alloc floats stdio panics panicexit faultexit preempt signotify sigterm sigkill ctrlc subprocess)
benches=(intbench floatbench gcbench chanbench)
probe=1   # testdata/probe: run natively and under goemu on the same machine (tests/probe.cmake)
abuse=1   # testdata/abuse: likewise (tests/abuse.cmake)

# The environment every build runs in. GOFLAGS is pinned so a user's go env cannot add flags.
build_env=(CGO_ENABLED=0 GOOS=linux GOARCH=amd64 GOAMD64=v1 GOFLAGS=-buildvcs=false)
flags=(-trimpath -buildvcs=false)

# run_go TOOLCHAIN ARGS... : runs `go` for one toolchain spec, "local:/path/go" or "fetch:goX.Y.Z".
run_go() {
	local spec=$1
	shift
	case $spec in
	local:*) env "${build_env[@]}" GOTOOLCHAIN=local "${spec#local:}" "$@" ;;
	fetch:*) env "${build_env[@]}" GOTOOLCHAIN="${spec#fetch:}" "$GO_NEW" "$@" ;;
	esac
}

# toolchain_version SPEC : prints e.g. go1.22.12, or fails if the toolchain is unusable.
toolchain_version() {
	(cd "$here/go/hello" && run_go "$1" env GOVERSION)
}

# build_probe SPEC OUTDIR [NAME] : builds testdata/NAME (default probe) into OUTDIR/NAME.
build_probe() {
	local name=${3:-probe}
	mkdir -p "$2"
	(cd "$here/$name" && run_go "$1" build "${flags[@]}" -ldflags=-buildid= -o "$2/$name" .)
}

# build_all SPEC OUTDIR BENCHDIR : builds every program (and the stripped hello) into OUTDIR,
# and the benchmarks into BENCHDIR unless it is empty.
build_all() {
	local spec=$1 out=$2 benchout=$3 p
	mkdir -p "$out"
	for p in "${programs[@]}"; do
		(cd "$here/go/$p" && run_go "$spec" build "${flags[@]}" -ldflags=-buildid= -o "$out/$p" .)
	done
	[[ -n $only ]] && return
	(cd "$here/go/hello" && run_go "$spec" build "${flags[@]}" '-ldflags=-s -w -buildid=' -o "$out/hello-stripped" .)
	if [[ -n $benchout ]]; then
		mkdir -p "$benchout"
		for p in "${benches[@]}"; do
			(cd "$root/bench/go/$p" && run_go "$spec" build "${flags[@]}" -ldflags=-buildid= -o "$benchout/$p" .)
		done
	fi
}

check_repro=0
[[ ${1-} == --check-repro ]] && check_repro=1 && shift
only=${*:-}
if [[ -n $only ]]; then
	programs=() probe=0 abuse=0
	for p in "$@"; do
		case $p in
		probe) probe=1 ;;
		abuse) abuse=1 ;;
		*) programs+=("$p") ;;
		esac
	done
fi
names='*'                        # what the reproducibility check compares, in bin/<release>
[[ -n $only ]] && names="${programs[*]}"

specs=()
[[ -x $GO_NEW ]] && specs+=("local:$GO_NEW") || echo "build.sh: warning: $GO_NEW not found, skipped" >&2
[[ -n $GO_OLD && -x $GO_OLD ]] && specs+=("local:$GO_OLD") || echo "build.sh: warning: ${GO_OLD:-GO_OLD} not found, skipped" >&2
[[ -n $GO_MID && -x $GO_NEW ]] && specs+=("fetch:$GO_MID")

scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
first=1
for spec in "${specs[@]}"; do
	if ! ver=$(toolchain_version "$spec" 2>"$scratch/err"); then
		echo "build.sh: warning: toolchain $spec unusable, skipped:" >&2
		cat "$scratch/err" >&2
		continue
	fi
	benchdir=""
	((first)) && [[ -z $only ]] && benchdir=$root/bench/bin # benchmarks: newest release only
	echo "build.sh: $spec -> testdata/bin/$ver${benchdir:+ and bench/bin}"
	[[ -z $only ]] && rm -rf "${here:?}/bin/$ver"
	((${#programs[@]})) && build_all "$spec" "$here/bin/$ver" "$benchdir"
	for name in probe abuse; do   # the probe and the abuse suite: newest release only
		((first)) && [[ ${!name} == 1 ]] || continue
		echo "build.sh: $spec -> testdata/$name/bin/$name"
		build_probe "$spec" "$here/$name/bin" "$name"
		(cd "$here/$name/bin" && run_go "$spec" version "$name" >VERSIONS.txt && sha256sum "$name" >SHA256SUMS)
		if ((check_repro)); then
			GOCACHE=$scratch/cache-$name build_probe "$spec" "$scratch/$name" "$name"
			if cmp -s "$here/$name/bin/$name" "$scratch/$name/$name"; then
				echo "build.sh: $name: reproducible"
			else
				echo "build.sh: $name: NOT reproducible" >&2
				exit 1
			fi
		fi
	done
	if ((check_repro && ${#programs[@]})); then
		GOCACHE=$scratch/cache-$ver build_all "$spec" "$scratch/$ver" "${benchdir:+$scratch/bench}"
		(cd "$here/bin/$ver" && sha256sum $names) >"$scratch/a"
		(cd "$scratch/$ver" && sha256sum $names) >"$scratch/b"
		if [[ -n $benchdir ]]; then
			(cd "$benchdir" && sha256sum "${benches[@]}") >>"$scratch/a"
			(cd "$scratch/bench" && sha256sum "${benches[@]}") >>"$scratch/b"
		fi
		if cmp -s "$scratch/a" "$scratch/b"; then
			echo "build.sh: $ver: reproducible (second build with an empty GOCACHE is byte-identical)"
		else
			echo "build.sh: $ver: NOT reproducible:" >&2
			diff "$scratch/a" "$scratch/b" >&2 || true
			exit 1
		fi
	fi
	first=0
done

# Provenance: the Go version each binary was built with, and its checksum.
vtool=${specs[0]}
cd "$here/bin"
newest=$(ls -d go*/ | sed 's:/$::' | sort -V | tail -1)
: >VERSIONS.txt
: >SHA256SUMS
for d in $(ls -d go*/ | sed 's:/$::' | sort -V); do
	for f in "$d"/*; do
		run_go "$vtool" version "$f" >>VERSIONS.txt
		sha256sum "$f" >>SHA256SUMS
	done
done
if [[ -d $root/bench/bin ]]; then
	(cd "$root/bench/bin" && for p in "${benches[@]}"; do run_go "$vtool" version "$p"; done >VERSIONS.txt &&
		sha256sum "${benches[@]}" >SHA256SUMS)
fi
echo "build.sh: done; newest release $newest; see testdata/bin/VERSIONS.txt"
