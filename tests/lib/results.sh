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

# suite_complete SUITE: the last command of every suite. tests/vm/judge
# fails a suite that never got here, whatever else it reported.
suite_complete() {
	echo "COMPLETE $1"
	[ -z "${VB2HEAP_RESULTS:-}" ] || echo "COMPLETE $1" >>"$VB2HEAP_RESULTS"
}

# each_node NAME MIN COMMAND...: runs COMMAND once per line of standard
# input ("node id" pairs, as streaming_nodes prints them) with the pair
# appended as two arguments, and fails NAME when there were fewer than MIN
# lines, so that a driver that yields no nodes cannot pass by testing
# nothing.
each_node() {
	local name=$1 min=$2 dev id n=0
	shift 2
	# The nodes come in on fd 3, so COMMAND cannot eat them.
	while read -r -u 3 dev id; do
		n=$((n + 1))
		"$@" "$dev" "$id" </dev/null
	done 3<&0
	if [ $n -lt "$min" ]; then
		result FAIL "$name" "$n nodes, want at least $min"
	else
		result PASS "$name" "$n nodes"
	fi
}
