#!/bin/bash
# Where start-up sleeps in the kernel. Each command runs RUNS times under
# tracefs; every uninterruptible sleep of its processes is timed (from the
# switch out to the wake-up) and grouped by the kernel stack it slept in:
# RCU grace periods (by who waited: the end of a mount namespace, an
# overlay's teardown, a cgroup move) and the rest by their top frames.
# Prints sleeps and milliseconds per run. Root only (tracefs).
#
#   tests/bench/waits.sh [RUNS] [-- CMD [ARGS...]]
#
# Without a command: sbx's strict policy, bubblewrap and `unshare`, the
# commands of bench.sh (SBX=path/to/sbx, default build/broker/sbx).
set -euo pipefail

NAME=waits
# shellcheck source=tests/bench/tracefs-common.sh
. "$(dirname "$0")/tracefs-common.sh"
ev=$T/events/sched/sched_switch
filter='prev_state & 2' # TASK_UNINTERRUPTIBLE

untrace() {
	echo 0 >$T/tracing_on
	echo 0 >$T/events/enable
	echo "!stacktrace if $filter" >$ev/trigger 2>/dev/null || true
	echo 0 >$ev/filter
}
trap untrace EXIT

# trace CMD...: the raw trace of RUNS runs of CMD.
trace() {
	untrace
	echo >$T/trace
	echo "$filter" >$ev/filter
	echo "stacktrace if $filter" >$ev/trigger
	echo 1 >$ev/enable
	echo 1 >$T/events/sched/sched_wakeup/enable
	traced_runs "$@"
}

# summarize COMMS: the table, for sleeps of processes named in COMMS.
summarize() {
	python3 -c '
import collections, re, sys
runs, comms = int(sys.argv[1]), set(sys.argv[2].split(","))
skip = ("trace_", "__traceiter", "__schedule", "schedule")
waiters = ("namespace_unlock", "kern_unmount_array", "cgroup_procs_write",
           "percpu_down_write")
asleep, count, ms = {}, collections.Counter(), collections.Counter()
last = None
for line in sys.stdin:
    if line.startswith(" =>"):
        if last is not None:
            last[1].append(line.split()[1])
        continue
    m = re.search(r"(\d+\.\d+): (sched_\w+): (.*)", line)
    if not m:
        continue
    t, event, rest = float(m.group(1)), m.group(2), m.group(3)
    if event == "sched_switch":
        p = re.search(r"prev_comm=(.*?) prev_pid=(\d+)", rest)
        last = [t, []] if p and p.group(1) in comms else None
        if last:
            asleep[int(p.group(2))] = last
        continue
    s = asleep.pop(int(re.search(r" pid=(\d+)", rest).group(1)), None)
    if not s:
        continue
    frames = [f for f in s[1] if not f.startswith(skip)]
    if any(f.startswith("synchronize_rcu") for f in frames):
        who = [f for f in frames if f in waiters]
        key = "RCU grace period: " + (who[0] if who else frames[0])
    else:
        key = "other: " + " <- ".join(frames[:3])
    count[key] += 1
    ms[key] += (t - s[0]) * 1000
print("%9s %8s  %s" % ("sleeps", "ms", "waiting in"))
for key in sorted(count, key=lambda k: -ms[k]):
    print("%9.2f %8.3f  %s" % (count[key] / runs, ms[key] / runs, key))
print("%9.2f %8.3f  all, per run" % (sum(count.values()) / runs,
                                      sum(ms.values()) / runs))
' "$runs" "$1"
}

report() {
	echo "== $*"
	trace "$@" | summarize sbx,true,unshare,bwrap,"$(basename "$1")"
	echo
}

if [ $# -gt 0 ]; then
	report "$@"
else
	each_default report
fi
