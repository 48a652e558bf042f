/* The signals a broker relays to the process it watches (broker): SIGINT,
 * SIGTERM, SIGHUP and SIGQUIT, read from a signalfd while the run lasts. */
#pragma once

#include <signal.h>

/* Blocks the relayed signals and SIGPIPE (so a closed reader of relayed
 * output shows up as EPIPE instead of killing us), saving the old mask in
 * *old, and returns a signalfd for the relayed ones, or -errno with the mask
 * unchanged. */
int signals_block(sigset_t *old);

/* Discards a SIGPIPE the relay raised, then restores *old. */
void signals_restore(const sigset_t *old);
