#!/bin/bash
# Where a run's time goes, process by process, including what `sbx
# --timings` cannot see: sbx's own start until it clones PID 1, the
# payload between its fork and its exec, the program itself, and the
# teardown after it exits. Each command runs RUNS times under tracefs
# (exec, fork and exit_group of its processes); prints, for the runs whose
# processes did the same things in the same order (the usual case), the
# median time of each event since the command's exec, and the gap since
# the event before. Root only (tracefs).
#
#   tests/bench/timeline.sh [RUNS] [-- CMD [ARGS...]]   (RUNS: 30)
#
# Processes are named by descent: "main" is the command, "main.1" its
# first child, "main.1.2" that child's second. Without a command: sbx's
# strict policy, bubblewrap and `unshare`, the commands of bench.sh
# (SBX=path/to/sbx, default build/broker/sbx).
set -euo pipefail

NAME=timeline
# shellcheck source=tests/bench/tracefs-common.sh
. "$(dirname "$0")/tracefs-common.sh"
events="sched/sched_process_exec sched/sched_process_fork
	syscalls/sys_enter_exit_group"

untrace() {
	echo 0 >$T/tracing_on
	echo 0 >$T/events/enable
}
trap untrace EXIT

# trace CMD...: the raw trace of RUNS runs of CMD (told apart afterwards
# by the exec of CMD's program).
trace() {
	untrace
	echo >$T/trace
	for e in $events; do echo 1 >"$T/events/$e/enable"; done
	traced_runs "$@"
}

# summarize EXE: the table, for runs of the program EXE.
summarize() {
	python3 -c '
import collections, re, statistics, sys
exe = sys.argv[1]
runs, run, names = [], None, {}
for line in sys.stdin:
    m = re.search(r"-(\d+)\s+\[\d+\].*?(\d+\.\d+): (\w+)[:(] ?(.*)", line)
    if not m:
        continue
    pid, t, event, rest = int(m.group(1)), float(m.group(2)) * 1000, \
        m.group(3), m.group(4)
    if event == "sched_process_exec" and rest.startswith("filename=" + exe) \
            and pid not in names:
        run = {"t0": t, "marks": []}
        runs.append(run)
        names = {pid: "main"}
        kids = collections.Counter()
        continue
    if run is None or pid not in names:
        continue
    who = names[pid]
    if event == "sched_process_fork":
        child = int(re.search(r"child_pid=(\d+)", rest).group(1))
        kids[who] += 1
        names[child] = "%s.%d" % (who, kids[who])
        what = "%s forks %s" % (who, names[child])
    elif event == "sched_process_exec":
        what = "%s execs %s" % (who, rest.split()[0][9:])
    else:
        what = "%s exits" % who
    run["marks"].append((what, t - run["t0"]))
shapes = collections.Counter(tuple(w for w, _ in r["marks"]) for r in runs)
if not shapes:
    sys.exit("timeline: no run of %s traced" % exe)
shape, n = shapes.most_common(1)[0]
same = [r for r in runs if tuple(w for w, _ in r["marks"]) == shape]
print("%d of %d runs in this order; medians in ms since the exec" %
      (n, len(runs)))
print("%8s %8s  %s" % ("at", "gap", "event"))
last = 0.0
for i, what in enumerate(shape):
    at = statistics.median(r["marks"][i][1] for r in same)
    print("%8.3f %8.3f  %s" % (at, at - last, what))
    last = at
' "$1"
}

report() {
	local exe
	exe=$(command -v "$1")
	echo "== $*"
	trace "$@" | summarize "$exe"
	echo
}

if [ $# -gt 0 ]; then
	report "$@"
else
	each_default report
fi
