# shellcheck shell=bash
# Test results as KTAP (Documentation/dev-tools/ktap.rst), shared by the
# host driver (tests/check) and the in-VM suites.
#
# A suite (or a group of tests/check) writes one KTAP document to
# $VB2HEAP_KTAP: ktap_plan first, with the number of results its
# configuration makes it report (computed before the first one, so that a
# suite that dies or skips a node shows as short of it), then one result
# line per test. A command whose output is itself KTAP (the C programs,
# tests/lib/ktap.h) is nested below its result, indented four spaces.
# tests/lib/ktap-report judges the whole tree. Each result is also echoed
# as "PASS|FAIL|SKIP name (detail)" for whoever watches the console.
#
# Names may hold anything but '#' and newlines. A name that starts with
# "$VB2HEAP_SUITE/" loses that prefix in the KTAP, where the suite is the
# parent: "uapi/system/modprobe" is test "system/modprobe" of suite uapi.

# ktap_plan N: the version line and plan of $VB2HEAP_KTAP.
ktap_plan() {
	[ -n "${VB2HEAP_KTAP:-}" ] || return 0
	printf 'KTAP version 1\n1..%s\n' "$1" >>"$VB2HEAP_KTAP"
}

# ktap_subtest FILE: FILE's KTAP as a subtest, on standard output, for the
# result line that follows it: its version line, then its other lines
# indented. The version line comes whatever FILE holds, so that a suite
# that died before its plan, or never started, fails for the missing plan
# instead of passing with no results.
ktap_subtest() {
	echo "    KTAP version 1"
	[ ! -f "$1" ] || sed '1{/^KTAP version 1$/d}; s/^/    /' "$1"
}

# ktap_number: the number of the next result of $VB2HEAP_KTAP. Kept in a
# file next to it, since results come from subshells too (pipelines); the
# shell's own read and echo, since a process costs tens of milliseconds in
# the VM.
ktap_number() {
	local n=0
	[ ! -f "$VB2HEAP_KTAP.n" ] || read -r n <"$VB2HEAP_KTAP.n"
	echo $((n + 1)) >"$VB2HEAP_KTAP.n"
	echo $((n + 1))
}

# ktap_diag LINE...: diagnostic lines ("# ..."), for the result after them.
ktap_diag() {
	[ -n "${VB2HEAP_KTAP:-}" ] || return 0
	printf '# %s\n' "$@" >>"$VB2HEAP_KTAP"
}

result() {
	local status=$1 name=$2 detail=${3:-} line
	echo "$status $name${detail:+ ($detail)}"
	[ -n "${VB2HEAP_KTAP:-}" ] || return 0
	[ -z "${VB2HEAP_SUITE:-}" ] || name=${name#"$VB2HEAP_SUITE/"}
	name=${name//[#$'\n']/_}
	detail=${detail//$'\n'/ }
	case $status in
	PASS) line="ok $(ktap_number) $name${detail:+ # $detail}" ;;
	FAIL) line="not ok $(ktap_number) $name${detail:+ # $detail}" ;;
	SKIP) line="ok $(ktap_number) $name # SKIP $detail" ;;
	*) line="not ok $(ktap_number) $name # ERROR result status '$status'" ;;
	esac
	echo "$line" >>"$VB2HEAP_KTAP"
}

# check NAME COMMAND...: one result from a command's exit status; its output
# goes to $VB2HEAP_LOGDIR/NAME.log (slashes become dashes). Output that is
# KTAP is nested below the result, so that its plan and results count too;
# other output's last lines go with a failure as diagnostics. Returns 0
# either way: the result says how the command went.
check() {
	local name=$1 log rc=0 first='' tail
	shift
	log=${VB2HEAP_LOGDIR:-/tmp}/${name//\//-}.log
	"$@" >"$log" 2>&1 || rc=$?
	read -r first <"$log"
	if [ "$first" = "KTAP version 1" ] && [ -n "${VB2HEAP_KTAP:-}" ]; then
		sed 's/^/    /' "$log" >>"$VB2HEAP_KTAP"
	elif [ $rc != 0 ]; then
		mapfile -t tail < <(tail -n 15 "$log")
		[ ${#tail[@]} = 0 ] || ktap_diag "${tail[@]}"
	fi
	if [ $rc = 0 ]; then
		result PASS "$name"
	else
		result FAIL "$name" "exit $rc, log: $log"
		sed 's/^/    /' "$log" | tail -n 15
	fi
}

# each_node NAME MIN COMMAND...: runs COMMAND once per line of standard
# input ("node id" pairs, as streaming_nodes prints them) with the pair
# appended as two arguments, and fails NAME when there were fewer than MIN
# lines, so that a driver that yields no nodes cannot pass by testing
# nothing. A suite plans MIN results of COMMAND and this one.
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

# ktap_judge NUMBER NAME OUTPUT [INDENT]: for the host tests that print
# their KTAP on standard output: "ok NUMBER NAME" when OUTPUT, what a
# checker said, is empty; else OUTPUT as diagnostics and "not ok", counted
# in the caller's $failures.
ktap_judge() {
	if [ -z "$3" ]; then
		echo "${4:-}ok $1 $2"
	else
		sed "s/^/${4:-}# /" <<<"$3"
		echo "${4:-}not ok $1 $2"
		failures=$((failures + 1))
	fi
}
