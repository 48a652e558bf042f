/* The mounts below a mount (sandbox): see mount-list.h. */
#include "mount-list.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cleanup.h"
#include "mount-util.h"
#include "syscalls.h"

#define BATCH 64

/* A mountinfo path field in place, its octal escapes (\040 for a space)
 * decoded. */
static void unescape(char *s)
{
	char *out = s;

	for (; *s; s++) {
		if (s[0] == '\\' && s[1] >= '0' && s[1] <= '3' &&
		    s[2] >= '0' && s[2] <= '7' && s[3] >= '0' && s[3] <= '7') {
			*out++ = (char)((s[1] - '0') << 6 | (s[2] - '0') << 3 |
					(s[3] - '0'));
			s += 3;
		} else {
			*out++ = *s;
		}
	}
	*out = '\0';
}

/* mountinfo's mount point field (the fifth) of each line below path. A
 * read error ends in -EIO: a mount missed is worse than none listed. */
static int each_from_mountinfo(const char *mountinfo, const char *path,
			       int (*fn)(const char *, void *), void *arg)
{
	_cleanup_fclose_ FILE *f = fopen(mountinfo, "re");
	_cleanup_free_ char *line = NULL;
	size_t size = 0;
	int r = 0;

	if (!f)
		return -errno;
	while (r == 0 && getline(&line, &size, f) > 0) {
		char *point = NULL, *save = NULL, *tok = strtok_r(line, " ", &save);
		for (int i = 0; tok && i < 4; i++)
			point = tok = strtok_r(NULL, " ", &save);
		if (!point)
			continue;
		unescape(point);
		if (mu_path_within(point, path) && strcmp(point, path))
			r = fn(point, arg);
	}
	return r == 0 && ferror(f) ? -EIO : r;
}

#define STATMOUNT_SIZE (sizeof(struct sbx_statmount) + 2 * PATH_MAX)

/* fn for the mount point of each mount in ids. */
static int each_point(const uint64_t *ids, long n, struct sbx_statmount *sm,
		      int (*fn)(const char *, void *), void *arg)
{
	for (long i = 0; i < n; i++) {
		struct sbx_mnt_id_req req = {.size = sizeof(req),
					     .mnt_id = ids[i],
					     .param = SBX_STATMOUNT_MNT_POINT};
		if (sys_statmount(&req, sm, STATMOUNT_SIZE, 0) < 0)
			return -errno;
		if (!(sm->mask & SBX_STATMOUNT_MNT_POINT))
			return -EIO;
		int r = fn(sm->str + sm->mnt_point, arg);
		if (r)
			return r;
	}
	return 0;
}

int ml_each_below(const char *path, const char *mountinfo,
		  int (*fn)(const char *point, void *arg), void *arg)
{
	struct sbx_mnt_id_req req = {.size = sizeof(req)};
	uint64_t ids[BATCH];
	struct statx sx;
	long n = -1;

	if (statx(AT_FDCWD, path, 0, SBX_STATX_MNT_ID_UNIQUE, &sx) == 0 &&
	    (sx.stx_mask & SBX_STATX_MNT_ID_UNIQUE)) {
		req.mnt_id = sx.stx_mnt_id;
		n = sys_listmount(&req, ids, BATCH, 0);
	}
	/* The first batch decides, before fn sees any mount: all of them
	 * from listmount, or all from mountinfo. */
	if (n < 0)
		return each_from_mountinfo(mountinfo, path, fn, arg);
	_cleanup_free_ struct sbx_statmount *sm = malloc(STATMOUNT_SIZE);
	if (!sm)
		return -ENOMEM;
	for (;;) {
		int r = each_point(ids, n, sm, fn, arg);
		if (r || n < BATCH)
			return r;
		req.param = ids[n - 1];
		if ((n = sys_listmount(&req, ids, BATCH, 0)) < 0)
			return -errno;
	}
}
