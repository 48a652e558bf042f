/* sbx_list: the caller's running sandboxes with their usage so far
 * (broker). */
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "cgroup-file.h"
#include "cleanup.h"
#include "registry.h"
#include "sbx.h"
#include "tree-usage.h"

struct scan {
	void (*fn)(const struct sbx_running *r, void *data);
	void *data;
};

/* CPU and memory from whichever of the run's groups account them: v1
 * cpuacct and memory, or v2 cpu.stat (present even without the cpu
 * controller) and memory.current. */
static void cgroup_usage(const Sbx__RunRecord *rec, struct sbx_running *r)
{
	for (size_t i = 0; i < rec->n_cgroup_dirs; i++) {
		_cleanup_close_ int fd = open(rec->cgroup_dirs[i],
					      O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		uint64_t v;

		if (fd < 0)
			continue;
		if (!r->has_cpu && cgf_read_cpu_usec(fd, 0, &v) == 0) {
			r->cpu_usec = v;
			r->has_cpu = true;
		}
		if (!r->has_memory &&
		    (cgf_read_u64(fd, "memory.usage_in_bytes", &v) == 0 ||
		     cgf_read_u64(fd, "memory.current", &v) == 0)) {
			r->memory_bytes = v;
			r->has_memory = true;
		}
	}
}

static void each(const Sbx__RunRecord *rec, void *data)
{
	const struct scan *s = data;
	struct sbx_running r = {
		.id = rec->id,
		.pid = rec->pid,
		.policy = rec->policy && rec->policy->name ? rec->policy->name : "",
		.started_unix = rec->started_unix,
		.argv = rec->argv,
		.argc = rec->n_argv,
	};

	cgroup_usage(rec, &r);
	/* Without a memory group: what the sandbox's processes hold now. */
	if (!r.has_memory && tree_rss_bytes(rec->pid, &r.memory_bytes) >= 0)
		r.has_memory = true;
	s->fn(&r, s->data);
}

int sbx_list(void (*fn)(const struct sbx_running *r, void *data), void *data,
	     struct sbx_error *err)
{
	struct scan s = {fn, data};

	return registry_scan(each, &s, err);
}
