/* When the next /proc walk is due. See sample-pace.h. */
#include "sample-pace.h"

void pace_walked(struct sample_pace *p, uint64_t end_usec, uint64_t cost_usec,
		 unsigned reads)
{
	uint64_t most = (uint64_t)reads * PACE_READ_COST_USEC;

	p->next_usec = end_usec + (cost_usec < most ? cost_usec : most) *
					  PACE_COST_SHARE;
}

uint64_t pace_rss_delay(const struct sample_pace *p, uint64_t now_usec,
			uint64_t rss, uint64_t limit)
{
	uint64_t headroom = rss < limit ? limit - rss : 0;
	uint64_t d = headroom / PACE_RSS_RATE_BOUND;

	if (d > PACE_RSS_MAX_USEC)
		d = PACE_RSS_MAX_USEC;
	if (d < PACE_RSS_MIN_USEC)
		d = PACE_RSS_MIN_USEC;
	if (p->next_usec > now_usec + d)
		d = p->next_usec - now_usec;
	return d;
}
