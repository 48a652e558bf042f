/* Directory listing without malloc (sandbox): see dirents.h. */
#include "dirents.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

int dents_open(struct dents *d, int dirfd, const char *path)
{
	d->pos = d->len = 0;
	d->fd = openat(dirfd, path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	return d->fd < 0 ? -errno : 0;
}

const char *dents_next(struct dents *d, unsigned char *type)
{
	for (;;) {
		if (d->pos >= d->len) {
			ssize_t n = getdents64(d->fd, d->buf, sizeof(d->buf));
			if (n <= 0) {
				errno = n < 0 ? errno : 0;
				return NULL;
			}
			d->len = (size_t)n;
			d->pos = 0;
		}
		const struct dirent64 *e = (const void *)(d->buf + d->pos);
		d->pos += e->d_reclen;
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) {
			*type = e->d_type;
			return e->d_name;
		}
	}
}

void dents_close(struct dents *d)
{
	if (d->fd >= 0)
		close(d->fd);
	d->fd = -1;
}
