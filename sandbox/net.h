/* The sandbox's network namespace from the inside (PID 1), and lo, which
 * the broker's helper brings up too (broker/netns.c). */
#pragma once

#include "setup.h"

/* Brings the loopback interface up. Returns 0 or -errno. */
int net_loopback_up(void);

/* Joins the network namespace the broker's helper sends over sock
 * (CHAN_NETNS), or fails with the helper's own error (CHAN_SETUP_ERROR).
 * Closes sock. Returns 0 or -errno with e set. */
int net_join(int sock, struct setup_error *e);
