#!/usr/bin/env bash
# Builds and runs one Go standard-library package's own tests under goemu; driven by
# tests/stdlib.cmake (a build fixture, then a run test per package).
#
# usage: stdlib.sh build GO PKG OUTDIR          -> OUTDIR/<pkg with / as _>.test
#        stdlib.sh run   GO GOEMU PKG OUTDIR    -> runs it with -test.short in $GOROOT/src/PKG
# Exits 77 (ctest's SKIP_RETURN_CODE) when GO is not installed. A run passes when goemu
# exits 0 and the output's last line is PASS.
set -u

skip() { echo "SKIP: $*"; exit 77; }
fail() { echo "FAIL: $*"; exit 1; }

mode=${1-}
case $mode in
build) (($# == 4)) || fail "usage: $0 build GO PKG OUTDIR"; go=$2 pkg=$3 outdir=$4 ;;
run) (($# == 5)) || fail "usage: $0 run GO GOEMU PKG OUTDIR"; go=$2 goemu=$3 pkg=$4 outdir=$5 ;;
*) fail "usage: $0 build|run ..." ;;
esac
[[ -x $go ]] || skip "Go toolchain $go not installed"
testbin=$outdir/${pkg//\//_}.test

if [[ $mode == build ]]; then
	mkdir -p "$outdir" || exit 1
	echo "build: go test -c -o $testbin $pkg ($("$go" version))"
	# Same target as the program tests: static, baseline x86-64.
	exec env CGO_ENABLED=0 GOOS=linux GOARCH=amd64 GOAMD64=v1 GOTOOLCHAIN=local GOFLAGS=-buildvcs=false \
		"$go" test -c -o "$testbin" "$pkg"
fi

[[ -x $goemu ]] || fail "goemu not found: $goemu"
[[ -x $testbin ]] || fail "$testbin missing: did the fixture stdlib.build.$pkg fail?"
goroot=$("$go" env GOROOT) || fail "$go env GOROOT failed"
cd "$goroot/src/$pkg" || fail "no source directory $goroot/src/$pkg"
log=$outdir/${pkg//\//_}.log
echo "run: (cd $PWD && $goemu $testbin -test.short) > $log"
GOROOT=$goroot "$goemu" "$testbin" -test.short >"$log" 2>&1
status=$?
tail -n 200 "$log"
last=$(grep -v '^[[:space:]]*$' "$log" | tail -n 1)
((status == 0)) || fail "exit status $status (full output in $log)"
[[ $last == PASS ]] || fail "exit status 0 but last line is '$last', not PASS"
echo "OK: $pkg passed under goemu"
