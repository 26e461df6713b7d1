#!/bin/sh
# check_audit.sh [SOURCE_DIR] — keeps docs/syscall-audit.md honest: every syscall in
# src/syscalls/table.def whose strace format has a pointer letter (p, s, b) or an fd letter
# (f, a) must have a row there (the row's first cell names it in backquotes), and every name in
# a first cell must be a syscall goemu implements. Prints what is missing or stale; exit 1 then.
set -eu
root=${1:-$(dirname "$0")/..}
def=$root/src/syscalls/table.def
doc=$root/docs/syscall-audit.md

# "name format" for every row; the format's ":x" result suffix is not an argument.
rows=$(sed -nE 's/^SYSCALL\([0-9]+, *([a-z0-9_]+), *[a-z0-9_]+, *"([^"]*)"\).*/\1 \2/p' "$def")
all=$(printf '%s\n' "$rows" | awk '{print $1}' | sort -u)
want=$(printf '%s\n' "$rows" | awk '{f = $2; sub(/:.*/, "", f); if (f ~ /[psbfa]/) print $1}' | sort -u)
# Names in the first cell of the table rows: | `a`, `b` | ...
have=$(grep -E '^\| *`' "$doc" | awk -F'|' '{print $2}' | grep -oE '`[a-z0-9_]+`' | tr -d '`' | sort -u)

if [ -z "$want" ]; then
    echo "check_audit: no syscalls read from $def" >&2
    exit 1
fi
# Lines of $1 that are not lines of $2.
minus() {
    printf '%s\n' "$1" | B=$2 awk 'BEGIN { n = split(ENVIRON["B"], l, "\n"); for (i = 1; i <= n; i++) in_b[l[i]] = 1 }
                                    $0 != "" && !($0 in in_b)'
}
missing=$(minus "$want" "$have")
stale=$(minus "$have" "$all")

status=0
if [ -n "$missing" ]; then
    echo "docs/syscall-audit.md has no row for these syscalls with pointer or fd arguments" >&2
    echo "(table.def letters p s b f a); add one per syscall, from its handler:" >&2
    printf '  %s\n' $missing >&2
    status=1
fi
if [ -n "$stale" ]; then
    echo "docs/syscall-audit.md has rows for syscalls table.def does not have:" >&2
    printf '  %s\n' $stale >&2
    status=1
fi
[ $status -eq 0 ] && echo "docs/syscall-audit.md: $(printf '%s\n' "$want" | wc -l) syscalls with pointers or fds, all with a row ($(printf '%s\n' "$have" | wc -l) named)"
exit $status
