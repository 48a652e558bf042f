/* User-mode networking for the sandbox through pasta (passt package), as
 * Podman does rootless: outbound TCP/UDP to the caller's network, nothing
 * inbound, the host's loopback unreachable (broker). */
#pragma once

#include <sys/types.h>

#include "error.h"

/* Starts pasta attached to the network (and user) namespace of pid and
 * waits until it has configured the namespace's interface. Returns pasta's
 * pid (> 0) or -errno with err set. */
pid_t pasta_start(pid_t pid, struct sbx_error *err);

/* Stops a pasta started by pasta_start. */
void pasta_stop(pid_t pasta);
