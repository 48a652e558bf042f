/* Looking up the built-in policies' compiled seccomp programs. See
 * filter-prebuilt.h. */
#include "filter-prebuilt.h"

#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "pb-util.h"

const struct scf_prebuilt *scf_prebuilt_find(const Sbx__Seccomp *sc)
{
	size_t len;
	_cleanup_free_ uint8_t *buf = pb_pack(&sc->base, &len);

	for (size_t i = 0; buf && i < scf_prebuilt_count; i++) {
		const struct scf_prebuilt *pb = &scf_prebuilt_table[i];
		if (pb->key_len == len && memcmp(buf, pb->key, len) == 0)
			return pb;
	}
	return NULL;
}

struct scf_prog scf_prebuilt_prog(const struct scf_prebuilt *pb)
{
	return (struct scf_prog){
		.main = (struct sock_filter *)pb->main,
		.n_main = pb->n_main,
		.extra = (struct sock_filter *)pb->extra,
		.n_extra = pb->n_extra,
		.listener = pb->listener,
	};
}
