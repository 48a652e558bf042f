/* Hidden paths as opaque directories of an overlay's write layer (PID 1 of
 * the sandbox). */
#include "opaque.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "mount-util.h"

/* With the userxattr option overlayfs reads its marks from user.overlay.*:
 * "y" makes a directory of the upper layer hide the lowers' one. */
#define OPAQUE_XATTR "user.overlay.opaque"

/* Whether another hidden path of fs already hides p. */
static bool inside_other(const Sbx__Filesystem *fs, size_t i)
{
	for (size_t j = 0; j < fs->n_hidden_paths; j++)
		if (j != i && mu_path_within(fs->hidden_paths[i], fs->hidden_paths[j]))
			return true;
	return false;
}

/* upper<rel> as an opaque directory of the mode of lower<rel>, when that
 * is a directory (not a symbolic link) and upper<rel>'s parent exists.
 * Returns 1 when made, 0 when not, -errno. */
static int make_one(struct opaque_set *s, const char *lower,
		    const char *upper, const char *rel)
{
	char lpath[PATH_MAX], upath[PATH_MAX];
	struct stat st;

	if (mu_join(lpath, lower, rel) < 0 || mu_join(upath, upper, rel) < 0 ||
	    lstat(lpath, &st) < 0 || !S_ISDIR(st.st_mode))
		return 0;
	if (mkdir(upath, st.st_mode & 07777) < 0)
		return errno == ENOENT ? 0 : -errno;
	/* mkdir drops the set-id bits (/var/mail is setgid) */
	if ((st.st_mode & (S_ISUID | S_ISGID)) &&
	    chmod(upath, st.st_mode & 07777) < 0)
		return -errno;
	if (setxattr(upath, OPAQUE_XATTR, "y", 1, 0) == 0)
		return 1;
	int r = -errno;
	rmdir(upath);
	if (r != -EOPNOTSUPP)
		return r;
	s->unsupported = true;
	return 0;
}

int opaque_make(struct opaque_set *s, const Sbx__Filesystem *fs,
		const char *sub, const char *lower, const char *upper,
		uint64_t *made)
{
	size_t len = strlen(sub);

	*made = 0;
	for (size_t i = 0; i < fs->n_hidden_paths && i < 64; i++) {
		const char *p = fs->hidden_paths[i];

		if (s->unsupported)
			break;
		if (strncmp(p, sub, len) || p[len] != '/' || inside_other(fs, i))
			continue;
		int r = make_one(s, lower, upper, p + len);
		if (r < 0)
			return r;
		if (r > 0)
			*made |= UINT64_C(1) << i;
	}
	return 0;
}

void opaque_forget(struct opaque_set *s, const Sbx__Filesystem *fs,
		   const char *sub)
{
	for (size_t i = 0; i < fs->n_hidden_paths && i < 64; i++)
		if (mu_path_within(fs->hidden_paths[i], *sub ? sub : "/"))
			s->made &= ~(UINT64_C(1) << i);
}

bool opaque_hides(const struct opaque_set *s, size_t i)
{
	return i < 64 && (s->made & (UINT64_C(1) << i));
}
