#!/bin/bash
# Interactive use (issue 6): from a terminal (a tmux pane), `sbx --policy
# build -- bash` gets a pseudo-terminal of its own: commands run, the window
# size arrives and follows a resize, Ctrl-C stops a `sleep 100` inside and
# not the shell, Ctrl-Z stops a job, the exit code comes back, and the
# caller's terminal modes are restored afterwards. Root and user.
. "$(dirname "$0")/lib.sh"
itest_init
command -v tmux >/dev/null || skip_or_fail "tmux is not installed"

for mode in $MODES; do
	dir=$WORK/tty-$mode
	mkdir -p "$dir"
	[ "$mode" = user ] && chown "$ITEST_UID:$ITEST_GID" "$dir"
	sock=$dir/tmux.sock
	# tmux starts the pane's command with "$SHELL -c", or with the
	# user's login shell when SHELL is unset (as under CI): nologin for
	# the test user
	T() { in_mode "$mode" env SHELL=/bin/sh tmux -S "$sock" "$@"; }
	pane() { T capture-pane -p -J | grep -v '^$'; }
	# wait_pane PATTERN: until the pane shows it (10 s: CI machines are
	# loaded)
	wait_pane() {
		local i
		for i in $(seq 100); do
			pane | grep -q -- "$1" && return 0
			sleep 0.1
		done
		return 1
	}
	T -f /dev/null new-session -d -x 100 -y 30 \
		"env -i PATH=/usr/bin:/bin TERM=xterm PS1='outer\$ ' bash --norc -i"
	wait_pane 'outer\$' || { fail "[$mode] tmux starts" "$(pane)"; continue; }
	T send-keys 'stty -g > '"$dir"'/before' Enter
	T send-keys "$SBXBIN --policy build --env PS1='in\$ ' -- /bin/bash --norc -i" Enter
	if wait_pane 'in\$ '; then
		ok "[$mode] an interactive shell starts in the sandbox"
	else
		fail "[$mode] an interactive shell starts in the sandbox" "$(pane)"
		T kill-server
		continue
	fi
	T send-keys 'echo answer=$((6*7)); stty size; test -t 0 && echo stdin-is-tty' Enter
	wait_pane 'stdin-is-tty'
	check "[$mode] a typed command runs, its output shows" wait_pane 'answer=42'
	check "[$mode] the window size arrives (30 100)" wait_pane '^30 100'
	T resize-window -x 90 -y 25
	sleep 0.3
	T send-keys 'stty size' Enter
	check "[$mode] a resize reaches the sandbox (25 90)" wait_pane '^25 90'
	T send-keys 'sleep 100' Enter
	sleep 0.5
	T send-keys C-c
	sleep 0.3
	T send-keys 'echo status=$?' Enter
	check "[$mode] Ctrl-C stops sleep inside, the shell stays (status 130)" \
		wait_pane 'status=130'
	T send-keys 'sleep 50' Enter
	sleep 0.5
	T send-keys C-z
	sleep 0.3
	# disown: bash learns of the kill from its SIGCHLD, which may come
	# after `wait` has looked; the stopped job still in its table would
	# make the `exit 3` below only warn "There are stopped jobs."
	T send-keys 'jobs; kill -9 %1; disown -a' Enter
	check "[$mode] Ctrl-Z stops a job (job control)" wait_pane 'Stopped.*sleep 50'
	# Keys typed before sbx has exited would go to the sandbox's shell:
	# wait for the outer prompt to come back first.
	prompts=$(pane | grep -c '^outer\$')
	T send-keys 'exit 3' Enter
	# (30 s: a sanitized sbx on a loaded machine tears down slowly)
	for i in $(seq 300); do
		[ "$(pane | grep -c '^outer\$')" -gt "$prompts" ] && break
		sleep 0.1
	done
	T send-keys 'echo sbx-exit=$?; stty -g > '"$dir"'/after' Enter
	check "[$mode] the shell's exit code comes back (3)" wait_pane 'sbx-exit=3'
	sleep 0.3
	check "[$mode] the caller's terminal modes are restored" \
		cmp -s "$dir/before" "$dir/after"
	T kill-server 2>/dev/null

	# Without a terminal: plain descriptors, no pty
	run_sbx "$mode" --policy build -- /bin/sh -c 'test -t 0 || echo no-tty'
	check "[$mode] without a terminal stdin is not a tty" test "$OUT" = no-tty
done

itest_done
