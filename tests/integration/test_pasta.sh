#!/bin/bash
# network { mode: USER } through pasta (issue 6): the sandbox reaches a TCP
# server the test runs on the host's non-loopback address, and the server
# sees the connection and the token sent (a transparent proxy on some
# machines accepts any outbound connect, so connect() alone proves
# nothing); with --net none or loopback the server sees nothing.
# Rootless pasta needs /dev/net/tun readable and writable by the caller.
. "$(dirname "$0")/lib.sh"
itest_init
[ -x /usr/bin/pasta ] || skip_or_fail "pasta (Debian package passt) is not installed"
command -v python3 >/dev/null || skip_or_fail "python3 is needed for the test server"
addr=$(ip -4 -o addr show scope global | awk '{ split($4, a, "/"); print a[1]; exit }')
[ -n "$addr" ] || skip_or_fail "no non-loopback IPv4 address on this host"

log=$WORK/server.log
port_file=$WORK/server.port
python3 - "$addr" "$log" "$port_file" <<'PY' &
import socket, sys
addr, log, port_file = sys.argv[1:]
s = socket.socket()
s.bind((addr, 0))
s.listen(16)
open(port_file, "w").write(str(s.getsockname()[1]))
while True:
    c, peer = s.accept()
    c.settimeout(5)
    data = b""
    try:
        while not data.endswith(b"\n"):
            d = c.recv(100)
            if not d:
                break
            data += d
    except OSError:
        pass
    with open(log, "a") as f:
        f.write("%s %s\n" % (peer[0], data.decode(errors="replace").strip()))
    c.close()
PY
CLEANUP_PIDS+=($!)
wait_for_line "$port_file" . 5 || { fail "test server starts"; itest_done; }
port=$(cat "$port_file")
note "server on $addr:$port"

pol=$(new_policy net 'extends: "build"
seccomp { enabled: false }')
send() { # MODE NET TOKEN
	run_sbx "$1" --policy "$pol" --net "$2" --time 10s --wall-time 20s -- /bin/bash -c \
		"exec 3<>/dev/tcp/$addr/$port && echo $3 >&3 && sleep 0.2"
}

for mode in $MODES; do
	if [ "$mode" = user ] && ! as_user test -r /dev/net/tun -a -w /dev/net/tun; then
		note "SKIP [user] network USER: /dev/net/tun is $(stat -c %a /dev/net/tun), not usable by $ITEST_USER (rootless pasta needs it 0666)"
	else
		tok=user-$mode-$RANDOM
		send "$mode" user "$tok"
		if wait_for_line "$log" " $tok\$" 5; then
			ok "[$mode] --net user: the host's server on $addr received the sandbox's data"
		else
			fail "[$mode] --net user: the host's server on $addr received the sandbox's data" \
				"exit $RC" "stderr: $ERR" "log: $(cat "$log" 2>/dev/null)"
		fi
		no_leftover=$(pgrep -u "$(id -u $([ "$mode" = user ] && echo "$ITEST_USER" || echo root))" -x pasta || true)
		check "[$mode] pasta is gone after the run" test -z "$no_leftover"
	fi
	for net in none loopback; do
		tok=$net-$mode-$RANDOM
		send "$mode" "$net" "$tok"
		sleep 0.5
		if [ "$RC" != 0 ] && [ "$RC" != 125 ] && ! grep -q " $tok\$" "$log" 2>/dev/null; then
			ok "[$mode] --net $net: no connection to the host (exit $RC)"
		else
			fail "[$mode] --net $net: no connection to the host" \
				"exit $RC" "log: $(cat "$log" 2>/dev/null)"
		fi
	done
done

itest_done
