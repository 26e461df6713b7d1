#!/usr/bin/env bash
# Ctrl-C from outside: sends SIGINT to goemu's host process while it runs testdata/go/ctrlc
# and checks the guest sees it as the native program does (stdout and exit status, native
# run and goemu run side by side). Cases:
#   wait     signal.Notify(os.Interrupt): the handler gets it, the program prints and exits 0
#   default  no handler: the program dies by SIGINT, status 130
#   ignored  started with SIGINT ignored (as nohup/background jobs are): SIGINT does nothing,
#            the SIGTERM sent afterwards kills it, status 143
#
# usage: ctrlc.sh GOEMU CTRLC_BINARY
set -u
set -m   # job control: background jobs do not start with SIGINT ignored
(($# == 2)) || { echo "usage: $0 GOEMU CTRLC_BINARY" >&2; exit 2; }
goemu=$1 bin=$2
out=$(mktemp -d) || exit 1
trap 'rm -rf "$out"' EXIT

# run_case NAME MODE IGNORE_INT CMD... : starts CMD MODE in the background, waits for its
# "ready", sends SIGINT (and SIGTERM 0.5 s later when IGNORE_INT), and leaves
# "$out/NAME.stdout" and "$out/NAME.status".
run_case() {
	local name=$1 mode=$2 ignore=$3 pid i
	shift 3
	if ((ignore)); then
		bash -c 'trap "" INT; exec "$@"' _ "$@" "$mode" >"$out/$name.stdout" 2>"$out/$name.stderr" &
	else
		"$@" "$mode" >"$out/$name.stdout" 2>"$out/$name.stderr" &
	fi
	pid=$!
	for ((i = 0; i < 600; i++)); do
		grep -qs '^ready$' "$out/$name.stdout" && break
		sleep 0.1
	done
	kill -INT "$pid"
	if ((ignore)); then
		sleep 0.5
		kill -TERM "$pid"
	fi
	wait "$pid" 2>/dev/null  # (bash reports the job's "Interrupt" otherwise)
	echo $? >"$out/$name.status"
}

failed=0
# check NAME MODE IGNORE_INT WANT_STATUS WANT_STDOUT : one case, natively and under goemu.
check() {
	local name=$1 mode=$2 ignore=$3 want_status=$4 want_stdout=$5 ns gs
	run_case "native-$name" "$mode" "$ignore" "$bin"
	run_case "goemu-$name" "$mode" "$ignore" "$goemu" "$bin"
	ns=$(<"$out/native-$name.status") gs=$(<"$out/goemu-$name.status")
	if [[ $ns != "$want_status" || $(<"$out/native-$name.stdout") != "$want_stdout" ]]; then
		echo "warning: the native run of '$name' gave status $ns, stdout: $(<"$out/native-$name.stdout")"
	fi
	if [[ $gs != "$ns" ]] || ! cmp -s "$out/native-$name.stdout" "$out/goemu-$name.stdout"; then
		echo "FAIL $name: goemu status $gs (native $ns)"
		diff -u --label native --label goemu "$out/native-$name.stdout" "$out/goemu-$name.stdout"
		cat "$out/goemu-$name.stderr"
		failed=1
	else
		echo "ok   $name: status $gs, stdout as native"
	fi
}

check wait wait 0 0 $'ready\nctrlc: got interrupt'
check default default 0 130 'ready'
check ignored default 1 143 'ready'
exit $failed
