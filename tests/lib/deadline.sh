# shellcheck shell=bash
# A limit on how long an in-VM program may run, for programs with no
# timeout of their own (lc-compliance waits forever for a frame that never
# comes). A hung program must not take the rest of its boot with it, and
# CI keeps only the report: when the limit passes, what the program waits
# on goes to its log and into its result.

# bounded SECONDS LOG COMMAND...: runs COMMAND with its output in LOG.
# When it has not ended after SECONDS, appends to LOG where each of its
# threads, and each task in uninterruptible sleep, is in the kernel, kills
# it and returns 124, as timeout(1) does; prints "comm:wchan" of each of
# its threads on standard output then. Otherwise returns its status.
bounded() {
	local limit=$1 log=$2 pid end status=0 stuck task waits=()
	shift 2
	"$@" >"$log" 2>&1 &
	pid=$!
	end=$((SECONDS + limit))
	while [ $SECONDS -lt $end ] && kill -0 "$pid" 2>/dev/null; do
		sleep 1
	done
	if ! kill -0 "$pid" 2>/dev/null; then
		wait "$pid" || status=$?
		return $status
	fi
	{
		echo "=== $1 still running after $limit s; kernel stacks:"
		kernel_stacks "/proc/$pid/task/"*
		echo "=== tasks in uninterruptible sleep:"
		mapfile -t stuck < <(grep -l '^State:[[:space:]]*D' /proc/[0-9]*/task/[0-9]*/status 2>/dev/null)
		kernel_stacks "${stuck[@]%/status}"
	} >>"$log" 2>&1
	for task in "/proc/$pid/task/"*; do
		waits+=("$(cat "$task/comm" 2>/dev/null):$(cat "$task/wchan" 2>/dev/null)")
	done
	kill -KILL "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	echo "${waits[*]}"
	return 124
}

# kernel_stacks TASKDIR...: each task's name, state and kernel stack.
kernel_stacks() {
	local task
	for task in "$@"; do
		echo "--- ${task#/proc/} $(cat "$task/comm" 2>/dev/null)," \
			"$(grep '^State:' "$task/status" 2>/dev/null)"
		cat "$task/stack" 2>/dev/null
	done
}
