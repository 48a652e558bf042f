/* Network setup inside the sandbox's network namespace (PID 1). */
#pragma once

/* Brings the loopback interface up. Returns 0 or -errno. */
int net_loopback_up(void);
