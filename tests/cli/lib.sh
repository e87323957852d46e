# Shared by the CLI test scripts (tests/cli/test_*.sh): `. "$(dirname "$0")/lib.sh"`, then
# `cli_setup BUILD_DIR`. Gives $bin (the swirl program, absolute), $tmp (a directory removed on
# exit), ok / bad (counted results), run (exit code and output substrings) and cli_summary.

cli_setup() {
    bin="$(cd "$1" 2>/dev/null && pwd)/swirl"
    [ -x "$bin" ] || { echo "SKIP: $bin not built"; exit 77; }
    tmp=$(mktemp -d)
    trap 'rm -rf "$tmp"' EXIT
    pass=0 fail=0
}

ok() { echo "ok   $1"; pass=$((pass + 1)); }
bad() { echo "FAIL: $1"; fail=$((fail + 1)); }

# run CODE STDOUT_SUBSTRING STDERR_SUBSTRING ARGS...: exit code and output substrings ("" = any)
run() {
    local code=$1 out_want=$2 err_want=$3; shift 3
    local rc
    "$bin" "$@" >"$tmp/out" 2>"$tmp/err"; rc=$?
    local out err
    out=$(cat "$tmp/out"); err=$(cat "$tmp/err")
    if [ "$rc" -ne "$code" ] || [[ "$out" != *"$out_want"* ]] || [[ "$err" != *"$err_want"* ]]; then
        bad "swirl $* -> exit $rc (want $code); stdout '${out:0:300}'; stderr '$(tail -c 400 "$tmp/err")'"
    else
        ok "swirl $*"
    fi
}
