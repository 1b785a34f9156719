# shellcheck shell=bash
# Test result lines shared by the host driver (tests/check) and the in-VM
# groups: "PASS name (detail)" / "FAIL name (detail)", appended to
# $VB2HEAP_RESULTS and echoed.

result() {
	local status=$1 name=$2 detail=${3:-}
	local line="$status $name${detail:+ ($detail)}"
	echo "$line"
	[ -z "${VB2HEAP_RESULTS:-}" ] || echo "$line" >>"$VB2HEAP_RESULTS"
}

# check NAME COMMAND...: one result from a command's exit status; its output
# goes to $VB2HEAP_LOGDIR/NAME.log (slashes become dashes).
check() {
	local name=$1 log
	shift
	log=${VB2HEAP_LOGDIR:-/tmp}/${name//\//-}.log
	if "$@" >"$log" 2>&1; then
		result PASS "$name"
	else
		result FAIL "$name" "exit $?, log: $log"
		sed 's/^/    /' "$log" | tail -n 15
	fi
}
