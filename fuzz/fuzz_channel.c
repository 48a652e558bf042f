/* Fuzz harness for the broker-sandbox channel: chan_decode over one packet
 * as the broker receives it from the (untrusted once the payload runs)
 * sandbox side. The decoded message must be well formed: a positive type
 * or a negative errno, a terminated detail, no descriptor. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "channel.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct chan_msg m;

	if (size > CHAN_MAX_PACKET)
		return 0;
	memset(&m, 0xa5, sizeof(m));
	int t = chan_decode(data, size, &m);
	if (t == 0 || t != m.type || m.fd != -1)
		abort();
	if (t == CHAN_SETUP_ERROR &&
	    strnlen(m.error.detail, sizeof(m.error.detail)) == sizeof(m.error.detail))
		abort();
	return 0;
}

#define FUZZ_MAX_INPUT 2048
#include "fuzz_main.inc"
