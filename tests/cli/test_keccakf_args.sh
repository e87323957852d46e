#!/usr/bin/env bash
# The keccakf example refuses bad arguments with exit code 2 and a message on stderr, before any
# proving: unknown option, --perms out of range or not a number, missing value, unknown backend.
# Usage: test_keccakf_args.sh BUILD_DIR
set -u
bin="$1/keccakf"
[ -x "$bin" ] || { echo "SKIP: $bin not built"; exit 77; }
fail=0
expect() { # expect CODE MESSAGE_SUBSTRING ARGS...
    local code=$1 msg=$2; shift 2
    local err rc
    err=$("$bin" "$@" 2>&1 >/dev/null); rc=$?
    if [ "$rc" -ne "$code" ] || [[ "$err" != *"$msg"* ]]; then
        echo "FAIL: keccakf $* -> exit $rc, stderr '$err' (want $code, '$msg')"; fail=1
    else
        echo "ok   keccakf $*"
    fi
}
expect 2 "usage:" --bogus
expect 2 "from 1 to 1024" --perms 0
expect 2 "from 1 to 1024" --perms 1025
expect 2 "from 1 to 1024" --perms 12x
expect 2 "usage:" --perms
expect 2 "cpu, cuda or auto" --backend metal
exit $fail
