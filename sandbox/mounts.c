/* The sandbox's filesystem (PID 1 of the sandbox, before the payload).
 *
 * A tmpfs of the policy's write-layer size is mounted over the host's /tmp
 * in our private mount namespace and becomes the root by a first
 * pivot_root; while building, it holds:
 *   /oldroot      the host's root as the caller sees it
 *   /newroot      the sandbox's root under construction
 *   /upper/N, /work/N   overlay upper and work directories (the writes)
 *   /empty/N      empty directories and files put over hidden and masked
 *                 paths
 * A second pivot_root enters /newroot and the staging tree is detached;
 * what the overlays and binds still use of it stays alive with them. */
#include "mounts.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cleanup.h"
#include "dirents.h"
#include "mount-list.h"
#include "mount-util.h"
#include "net.h"
#include "opaque.h"
#include "syscalls.h"

#define STAGE "/tmp"
#define OLD "/oldroot"
#define NEW "/newroot"
#define SAFE (MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV)
#define MIN_STAGE_BYTES (1u << 20)

struct build {
	const struct sandbox_config *cfg;
	const Sbx__Filesystem *fs;
	struct setup_error *e;
	unsigned n; /* names for /upper/N, /work/N, /empty/N */
	bool have_mask[2]; /* /empty/mask-file, /empty/mask-dir made */
	struct opaque_set opq; /* hidden paths the overlays hide themselves */
};

/* mkdir with an exact mode: the umask is 0 while we build, and only the
 * set-id bits need a chmod (mkdir drops them). */
static int mkdir_mode(const char *path, mode_t mode)
{
	if (mkdir(path, mode) < 0)
		return -errno;
	if ((mode & (S_ISUID | S_ISGID)) && chmod(path, mode) < 0)
		return -errno;
	return 0;
}

/* Mounts the write layer over /tmp and pivots into it, keeping the host's
 * root reachable at /oldroot. */
static int stage(struct build *b)
{
	char opts[64];
	unsigned long long size = b->fs->read_only_root ?
		MIN_STAGE_BYTES : b->fs->write_layer_bytes;
	static const char *const dirs[] = {OLD, NEW, "/upper", "/work",
					   "/empty"};

	snprintf(opts, sizeof(opts), "size=%llu,mode=0755", size);
	if (mount("sbx", STAGE, "tmpfs", MS_NOSUID | MS_NODEV, opts) < 0)
		return setup_fail(b->e, STEP_STAGING, errno,
				  "mount tmpfs (%s) on " STAGE, opts);
	if (chdir(STAGE) < 0)
		return setup_fail(b->e, STEP_STAGING, errno, "chdir " STAGE);
	for (size_t i = 0; i < ARRAY_SIZE(dirs); i++)
		if (mkdir(dirs[i] + 1, 0755) < 0)
			return setup_fail(b->e, STEP_STAGING, errno, "mkdir %s",
					  dirs[i]);
	if (sys_pivot_root(".", OLD + 1) < 0)
		return setup_fail(b->e, STEP_STAGING, errno,
				  "pivot_root into the staging tmpfs");
	if (chdir("/") < 0)
		return setup_fail(b->e, STEP_STAGING, errno, "chdir /");
	return 0;
}

static size_t n_layers(const struct build *b)
{
	return b->fs->n_layers ? b->fs->n_layers : 1;
}

static const char *layer(const struct build *b, size_t i)
{
	return b->fs->n_layers ? b->fs->layers[i] : "/";
}

/* Overlay's option syntax gives these characters meaning. */
static bool overlay_safe(const char *s)
{
	return !strpbrk(s, ",:\\");
}

/* lowerdir=OLD<layer><sub>:... over the layers where that path is a
 * directory. Returns the number of lower dirs, or -errno. */
static int lowerdirs(struct build *b, const char *sub, char *out, size_t size)
{
	size_t used = 0;
	int count = 0;

	for (size_t i = 0; i < n_layers(b); i++) {
		char path[PATH_MAX];
		struct stat st;
		const char *l = strcmp(layer(b, i), "/") ? layer(b, i) : "";

		if (mu_pathf(path, OLD "%s%s", l, sub) < 0)
			return -ENAMETOOLONG;
		if (stat(path, &st) < 0 || !S_ISDIR(st.st_mode))
			continue;
		if (!overlay_safe(path))
			return -EINVAL;
		int n = snprintf(out + used, size - used, "%s%s",
				 count ? ":" : "", path);
		if (n < 0 || (size_t)n >= size - used)
			return -ENAMETOOLONG;
		used += (size_t)n;
		count++;
	}
	return count;
}

struct overlay_dirs {
	char upper[PATH_MAX], work[PATH_MAX];
};

/* The upper and work directories of the next overlay, for NEW<sub>: in
 * /upper/N and /work/N, or in filesystem.keep_changes on the host. The
 * upper directory takes the lower's mode: an overlay's root shows the
 * upper's attributes. */
static int overlay_dirs(struct build *b, const char *sub, mode_t mode,
			struct overlay_dirs *d)
{
	unsigned n = b->n++;
	const char *keep = b->fs->keep_changes;

	if (keep) {
		/* filesystem.keep_changes: <keep>/upper/<entry> on the host
		 * (the whole root for an image: <keep>/upper) */
		if (!overlay_safe(keep))
			return -EINVAL;
		if (mu_pathf(d->upper, OLD "%s/upper", keep) < 0 ||
		    mu_pathf(d->work, OLD "%s/work", keep) < 0)
			return -ENAMETOOLONG;
		if (*sub && ((mkdir(d->upper, 0755) < 0 && errno != EEXIST) ||
			     (mkdir(d->work, 0700) < 0 && errno != EEXIST)))
			return -errno;
		if (mu_pathf(d->upper, OLD "%s/upper%s", keep, sub) < 0 ||
		    mu_pathf(d->work, OLD "%s/work%s", keep, sub) < 0)
			return -ENAMETOOLONG;
	} else {
		snprintf(d->upper, sizeof(d->upper), "/upper/%u", n);
		snprintf(d->work, sizeof(d->work), "/work/%u", n);
	}
	int r = mkdir_mode(d->upper, mode & 07777);
	return r < 0 ? r : mkdir_mode(d->work, 0700);
}

static int overlay_mount(const char *sub, const char *lowers,
			 const struct overlay_dirs *d)
{
	char target[PATH_MAX], opts[PATH_MAX * 4];

	if (mu_join(target, NEW, sub) < 0)
		return -ENAMETOOLONG;
	int n = snprintf(opts, sizeof(opts),
			 "lowerdir=%s,upperdir=%s,workdir=%s,userxattr",
			 lowers, d->upper, d->work);
	if (n < 0 || (size_t)n >= sizeof(opts))
		return -ENAMETOOLONG;
	return mount("overlay", target, "overlay", MS_NOSUID | MS_NODEV,
		     opts) < 0 ? -errno : 0;
}

/* A directory of the write layer for each top-level directory of the
 * lower: the overlay shows it with its owner, the sandbox's root, and the
 * lower's mode, as the root of a per-directory overlay would be shown. So
 * the payload may write in a top-level directory that its mode lets it
 * write in; the copy-up of one owned by a host id the namespace does not
 * map would fail (EOVERFLOW). Hidden and replaced ones are left out. */
static int upper_tops(struct build *b, const char *lower, const char *upper)
{
	_cleanup_(dents_close) struct dents d = {.fd = -1};
	_cleanup_close_ int up = open(upper, O_DIRECTORY | O_PATH | O_CLOEXEC);
	unsigned char type;
	const char *name;
	int r = dents_open(&d, AT_FDCWD, lower);

	if (r < 0 || up < 0)
		return r < 0 ? r : -errno;
	while ((name = dents_next(&d, &type))) {
		char sub[NAME_MAX + 2];
		struct stat st;

		if (type != DT_DIR && type != DT_UNKNOWN)
			continue;
		snprintf(sub, sizeof(sub), "/%s", name);
		if (mu_replaced_or_hidden(b->fs, sub))
			continue;
		if (fstatat(d.fd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
			return -errno;
		if (!S_ISDIR(st.st_mode))
			continue;
		if (mkdirat(up, name, st.st_mode & 07777) < 0 ||
		    ((st.st_mode & (S_ISUID | S_ISGID)) &&
		     fchmodat(up, name, st.st_mode & 07777, 0) < 0))
			return -errno;
	}
	return -errno;
}

/* An overlay of the n_lowers lower directories `lowers` at NEW<sub>, its
 * writes in the write layer, with own_tops an upper directory for each
 * top-level directory of the lower (upper_tops()). Over a single lower,
 * the hidden paths below sub are opaque directories of the upper
 * (sandbox/opaque.h), unless the writes are kept on the host, where those
 * marks would outlive the run. */
static int overlay_at(struct build *b, const char *sub, int n_lowers,
		      const char *lowers, mode_t mode, bool own_tops)
{
	struct overlay_dirs d;
	uint64_t hidden = 0;
	int r = overlay_dirs(b, sub, mode, &d);

	if (r >= 0 && own_tops)
		r = upper_tops(b, lowers, d.upper);
	if (r >= 0 && n_lowers == 1 && !b->fs->keep_changes)
		r = opaque_make(&b->opq, b->fs, sub, lowers, d.upper, &hidden);
	if (r >= 0 && (r = overlay_mount(sub, lowers, &d)) >= 0)
		opaque_add(&b->opq, hidden);
	return r;
}

/* A read-only view of the first layer's sub: for read-only roots, and where
 * overlayfs refuses a lower with mounts the namespace may not reveal. */
static int readonly_at(struct build *b, const char *sub)
{
	char src[PATH_MAX], dst[PATH_MAX];
	const char *l = strcmp(layer(b, 0), "/") ? layer(b, 0) : "";

	if (mu_pathf(src, OLD "%s%s", l, sub) < 0 || mu_join(dst, NEW, sub) < 0)
		return -ENAMETOOLONG;
	return mu_bind(src, dst, true, SAFE | MOUNT_ATTR_RDONLY);
}

static bool is_hidden(const struct build *b, const char *sub)
{
	for (size_t i = 0; i < b->fs->n_hidden_paths; i++)
		if (strcmp(b->fs->hidden_paths[i], sub) == 0)
			return true;
	return false;
}

/* Whether the directory at path has no entries. */
static bool empty_dir_at(const char *path)
{
	_cleanup_(dents_close) struct dents d = {.fd = -1};
	unsigned char type;

	if (dents_open(&d, AT_FDCWD, path) < 0)
		return false;
	return !dents_next(&d, &type) && errno == 0;
}

/* An overlay over one empty directory shows what the directory we made for
 * it in the write layer shows: nothing, with the upper's owner and the
 * lower's mode, and writes that land in the write layer. So that directory
 * serves, without a mount to make and an RCU grace period when the
 * sandbox ends (about 60 µs each here). Not when the writes are kept on
 * the host (filesystem.keep_changes). */
static bool overlay_needless(const struct build *b, int n_lowers,
			     const char *lowers, const struct stat *st)
{
	return n_lowers == 1 && !b->fs->keep_changes && st->st_nlink <= 2 &&
	       empty_dir_at(lowers);
}

/* An overlay at NEW<sub> of its n_lowers lowers (what lowerdirs() said), or
 * a read-only view where that answer or overlayfs says EINVAL: the lower
 * has mounts below it that a user namespace may not clone, or a name
 * overlayfs cannot take. */
static int overlay_or_readonly(struct build *b, const char *sub, int n_lowers,
			       const char *lowers, mode_t mode)
{
	opaque_forget(&b->opq, b->fs, sub);
	int r = n_lowers > 0 ?
		overlay_at(b, sub, n_lowers, lowers, mode, false) : n_lowers;

	return r == -EINVAL ? readonly_at(b, sub) : r;
}

/* One top-level entry of the first layer that has it: recreate symlinks,
 * bind files, overlay directories (or leave them empty where a fresh mount
 * or a hidden path will go). */
static int root_entry(struct build *b, const char *name, const char *lpath,
		      const struct stat *st)
{
	char sub[NAME_MAX + 2], target[PATH_MAX], lowers[PATH_MAX * 2];
	int r;

	snprintf(sub, sizeof(sub), "/%s", name);
	snprintf(target, sizeof(target), NEW "%s", sub);
	if (S_ISLNK(st->st_mode)) {
		char dest[PATH_MAX];
		ssize_t n = readlink(lpath, dest, sizeof(dest) - 1);
		if (n < 0)
			return -errno;
		dest[n] = '\0';
		return symlink(dest, target) < 0 ? -errno : 0;
	}
	if (!S_ISDIR(st->st_mode)) {
		r = mu_make_mountpoint(target, true);
		return r < 0 ? r : mu_bind(lpath, target, false,
					   SAFE | MOUNT_ATTR_RDONLY);
	}
	if (mkdir(target, st->st_mode & 07777) < 0)
		return -errno;
	if (!strcmp(name, "proc") || !strcmp(name, "sys") ||
	    !strcmp(name, "dev") || is_hidden(b, sub))
		return 0;
	if (b->fs->read_only_root)
		return readonly_at(b, sub);
	r = lowerdirs(b, sub, lowers, sizeof(lowers));
	if (overlay_needless(b, r, lowers, st))
		return 0;
	return overlay_or_readonly(b, sub, r, lowers, st->st_mode);
}

/* The root entry by entry: each top-level directory its own overlay. Needed
 * for the host's root, whose mounts below (/proc, /sys, ...) are locked to
 * our user namespace so overlayfs may not take it as a whole. */
static int root_by_entry(struct build *b)
{
	if (mount(NEW, NEW, NULL, MS_BIND, NULL) < 0)
		return setup_fail(b->e, STEP_ROOT, errno, "bind " NEW);
	for (size_t i = 0; i < n_layers(b); i++) {
		char dir[PATH_MAX];
		const char *l = strcmp(layer(b, i), "/") ? layer(b, i) : "";
		_cleanup_(dents_close) struct dents d = {.fd = -1};
		unsigned char type;
		const char *name;
		int r = mu_join(dir, OLD, l) < 0 ? -ENAMETOOLONG :
			dents_open(&d, AT_FDCWD, dir);

		if (r < 0)
			return setup_fail(b->e, STEP_ROOT, -r,
					  "open layer %s", layer(b, i));
		while ((name = dents_next(&d, &type))) {
			char lpath[PATH_MAX], target[PATH_MAX];
			struct stat st;
			if (mu_pathf(target, NEW "/%s", name) < 0 ||
			    (i > 0 && lstat(target, &st) == 0))
				continue; /* a higher layer has it */
			if (mu_pathf(lpath, "%s/%s", dir, name) < 0 ||
			    lstat(lpath, &st) < 0)
				continue;
			r = root_entry(b, name, lpath, &st);
			if (r < 0)
				return setup_fail(b->e, STEP_ROOT, -r,
						  "mount layer %s entry /%s",
						  layer(b, i), name);
		}
		if (errno)
			return setup_fail(b->e, STEP_ROOT, errno,
					  "list layer %s", layer(b, i));
	}
	return 0;
}

/* The top-level entry top of the host's root, which holds or is one of
 * its other mounts, on top of the root overlay, as root_entry() makes it
 * when building entry by entry: an overlay of its own, or a read-only bind
 * (with the mounts below it) where overlayfs refuses it, so the view and
 * what may be written are the same either way. One the sandbox's root
 * could not reach is left out (a mount point deleted, or closed to it). */
static int host_entry(struct build *b, const char *top)
{
	char lpath[PATH_MAX], target[PATH_MAX], lowers[PATH_MAX * 2];
	struct stat st;
	int r;

	if (mu_join(lpath, OLD, top) < 0 || mu_join(target, NEW, top) < 0)
		return -ENAMETOOLONG;
	if (stat(lpath, &st) < 0)
		return errno == ENOENT || errno == EACCES ? 0 : -errno;
	if ((r = mu_make_mountpoint(target, !S_ISDIR(st.st_mode))) < 0)
		return r;
	if (!S_ISDIR(st.st_mode))
		return mu_bind(lpath, target, false, SAFE | MOUNT_ATTR_RDONLY);
	r = lowerdirs(b, top, lowers, sizeof(lowers));
	return overlay_or_readonly(b, top, r, lowers, st.st_mode);
}

#define MAX_MOUNTED_TOPS 64

struct mounted_tops {
	struct build *b;
	char names[MAX_MOUNTED_TOPS][NAME_MAX + 2];
	size_t n;
	const char *failed; /* the entry whose put-back failed */
};

/* One host mount at point (below OLD): its top-level entry, made once. */
static int put_back_one(const char *point, void *arg)
{
	struct mounted_tops *t = arg;

	if (strncmp(point, OLD "/", sizeof(OLD)))
		return 0;
	const char *sub = point + sizeof(OLD) - 1;
	size_t len = strcspn(sub + 1, "/") + 1;
	if (mu_replaced_or_hidden(t->b->fs, sub))
		return 0;
	for (size_t i = 0; i < t->n; i++)
		if (!strncmp(t->names[i], sub, len) && !t->names[i][len])
			return 0;
	if (t->n == MAX_MOUNTED_TOPS || len > NAME_MAX + 1)
		return -E2BIG;
	const char *top = t->names[t->n++];
	snprintf(t->names[t->n - 1], sizeof(t->names[0]), "%.*s", (int)len, sub);
	int r = host_entry(t->b, top);
	if (r < 0)
		t->failed = top;
	return r < 0 ? r : 0;
}

/* The host's other mounts, which the overlay of its root mount alone does
 * not show (it shows what they cover instead): each top-level entry that
 * holds one, unless that one is replaced or hidden anyway, is made as
 * when building entry by entry (host_entry()). Listed from our own mount
 * table, a copy of the host's as the broker saw it. */
static int put_back_submounts(struct build *b)
{
	struct mounted_tops t = {.b = b};
	int r = ml_each_below(OLD, OLD "/proc/self/mountinfo", put_back_one, &t);

	if (r == -E2BIG)
		return setup_fail(b->e, STEP_ROOT, E2BIG, "more than %d top-level "
				  "directories hold mounts", MAX_MOUNTED_TOPS);
	if (r < 0 && t.failed)
		return setup_fail(b->e, STEP_ROOT, -r, "mount the host's %s",
				  t.failed);
	/* a mount missed would leave what it covers in view */
	return r < 0 ? setup_fail(b->e, STEP_ROOT, -r, "list the host's mounts") : 0;
}

/* The whole root one overlay over the host's root mount alone, which the
 * broker cloned (broker/hostroot.h), then the host's other mounts. */
static int root_whole(struct build *b)
{
	struct stat st;
	int r;

	if (mkdir("/lower", 0700) < 0 ||
	    sys_move_mount(b->cfg->root_fd, "", AT_FDCWD, "/lower",
			   MOVE_MOUNT_F_EMPTY_PATH) < 0 ||
	    stat("/lower", &st) < 0)
		return setup_fail(b->e, STEP_ROOT, errno,
				  "move the host's root mount in");
	if ((r = overlay_at(b, "", 1, "/lower", st.st_mode, true)) < 0)
		return setup_fail(b->e, STEP_ROOT, -r,
				  "mount the overlay over the host's root");
	return put_back_submounts(b);
}

static bool layers_include_host_root(const struct build *b)
{
	for (size_t i = 0; i < n_layers(b); i++)
		if (!strcmp(layer(b, i), "/"))
			return true;
	return false;
}

/* One overlay over all the layers when overlayfs takes them whole (image
 * roots), otherwise entry by entry. */
static int build_root(struct build *b)
{
	char lowers[PATH_MAX * 4], opts[PATH_MAX * 4 + 16];
	int r;

	if (layers_include_host_root(b))
		return b->cfg->root_fd >= 0 ? root_whole(b) : root_by_entry(b);
	r = lowerdirs(b, "", lowers, sizeof(lowers));
	if (r == 0)
		return setup_fail(b->e, STEP_ROOT, ENOENT, "layer %s%s",
				  layer(b, 0), n_layers(b) > 1 ?
				  " (and every other layer) is not a directory" :
				  " is not a directory");
	if (r > 0 && !b->fs->read_only_root) {
		r = overlay_at(b, "", r, lowers, 0755, false);
	} else if (r >= 2) {
		/* overlayfs needs two lowers to mount without an upper */
		snprintf(opts, sizeof(opts), "lowerdir=%s", lowers);
		r = mount("overlay", NEW, "overlay",
			  MS_NOSUID | MS_NODEV | MS_RDONLY, opts) < 0 ? -errno : 0;
	} else {
		r = -EINVAL;
	}
	if (r == -EINVAL)
		return root_by_entry(b);
	return r < 0 ? setup_fail(b->e, STEP_ROOT, -r, "mount overlay root") : 0;
}

/* An empty directory of its own in the write layer, to bind over a hidden
 * path: each is writable, so they must not share one. */
static int empty_dir(struct build *b, mode_t mode, char *out, size_t size)
{
	snprintf(out, size, "/empty/%u", b->n++);
	return mkdir_mode(out, mode);
}

/* The hidden path p inside the new root, when it is a directory there. */
static bool hidden_dir(const char *p, char target[PATH_MAX], struct stat *st)
{
	return mu_join(target, NEW, p) == 0 && stat(target, st) == 0 &&
	       S_ISDIR(st->st_mode);
}

/* Binds an empty directory of the host directory's mode (so /tmp stays
 * sticky and world-writable) over each hidden path that exists. With a
 * read-only root they become read-only in seal_hidden_paths(), after the
 * binds below them have their mount points. Not noexec: a build runs what
 * it compiled in /tmp, and the write layer elsewhere allows it anyway. */
static int hide_paths(struct build *b)
{
	struct stat own;

	/* the staging tmpfs, the write layer */
	if (stat("/", &own) < 0)
		return setup_fail(b->e, STEP_HIDE, errno, "stat the staging tmpfs");
	for (size_t i = 0; i < b->fs->n_hidden_paths; i++) {
		const char *p = b->fs->hidden_paths[i];
		char target[PATH_MAX], src[64];
		struct stat st;
		int r;

		/* A directory of our own tmpfs already (a top-level entry of
		 * a root built entry by entry, which root_entry() leaves
		 * empty; /dev/shm) is empty, and writes to it stay in the
		 * write layer: a bind over it would only cost time. */
		if (opaque_hides(&b->opq, i) || !hidden_dir(p, target, &st) ||
		    st.st_dev == own.st_dev)
			continue;
		r = empty_dir(b, st.st_mode & 07777, src, sizeof(src));
		/* nosuid and nodev come with the bind: the staging tmpfs,
		 * where src lives, is mounted with both (stage()). */
		if (r >= 0)
			r = mu_bind(src, target, false, 0);
		if (r < 0)
			return setup_fail(b->e, STEP_HIDE, -r, "hide %s", p);
	}
	return 0;
}

/* Whether path is the root of a mount (statx, Linux 5.8+; earlier
 * kernels cannot run sbx's overlay root anyway: assume it is). */
static bool is_mount_root(const char *path)
{
	struct statx sx;

	if (statx(AT_FDCWD, path, 0, STATX_TYPE, &sx) < 0 ||
	    !(sx.stx_attributes_mask & STATX_ATTR_MOUNT_ROOT))
		return true;
	return sx.stx_attributes & STATX_ATTR_MOUNT_ROOT;
}

/* The covers (and whatever else is mounted right on a hidden path) become
 * read-only; the uncovered directories do with the root, in
 * enter_root(). */
static int seal_hidden_paths(struct build *b)
{
	for (size_t i = 0; b->fs->read_only_root && i < b->fs->n_hidden_paths; i++) {
		const char *p = b->fs->hidden_paths[i];
		char target[PATH_MAX];
		struct stat st;

		if (!hidden_dir(p, target, &st) || !is_mount_root(target))
			continue;
		int r = mu_restrict(target, MOUNT_ATTR_RDONLY, false);
		if (r < 0)
			return setup_fail(b->e, STEP_HIDE, -r, "make %s read-only", p);
	}
	return 0;
}

/* The empty file or directory every mask of that kind is a bind of: a
 * read-only, noexec mount of its own, whose flags each bind of it
 * inherits, so a mask costs one mount call. */
static int mask_source(struct build *b, bool dir, const char **ret)
{
	static const char *const src[2] = {"/empty/mask-file", "/empty/mask-dir"};
	int r = 0;

	*ret = src[dir];
	if (b->have_mask[dir])
		return 0;
	if (dir)
		r = mkdir_mode(src[dir], 0);
	else {
		int fd = open(src[dir], O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0);
		if (fd < 0)
			return -errno;
		close(fd);
	}
	if (r < 0 || (r = mu_bind(src[dir], src[dir], false,
				  SAFE | MOUNT_ATTR_NOEXEC | MOUNT_ATTR_RDONLY)) < 0)
		return r;
	b->have_mask[dir] = true;
	return 0;
}

/* A kernel file of /proc that only its owner may open (0400, 0200:
 * kcore, kpage*, vmallocinfo, timer_list on recent kernels) is the host
 * root's, and no user namespace of sbx maps the host's root (as root the
 * ids start at 1879048192, rootless only the caller's): the kernel
 * refuses it to every process of the sandbox, whatever capabilities a
 * policy keeps, so it needs no mask. A kernel that opens one up to others
 * gets the mask, as the mode is read here, not assumed. */
static bool owner_only_kernel_file(const struct stat *st)
{
	return S_ISREG(st->st_mode) && !(st->st_mode & 077);
}

/* Makes each of paths inaccessible (an empty read-only node over it);
 * paths that do not exist are skipped, and with kernel_files, those only
 * the host's root may open. */
static int mask_list(struct build *b, unsigned step, const char *root,
		     const char *const *paths, size_t n, bool kernel_files)
{
	for (size_t i = 0; i < n; i++) {
		char target[PATH_MAX];
		const char *src;
		struct stat st;
		int r;

		if (mu_join(target, root, paths[i]) < 0 ||
		    lstat(target, &st) < 0 || S_ISLNK(st.st_mode) ||
		    (kernel_files && owner_only_kernel_file(&st)))
			continue;
		r = mask_source(b, S_ISDIR(st.st_mode), &src);
		if (r >= 0)
			r = mu_bind(src, target, false, 0);
		if (r < 0)
			return setup_fail(b->e, step, -r, "mask %s", paths[i]);
	}
	return 0;
}

/* Paths that stay visible but become read-only; skipped when missing. */
static int readonly_list(struct build *b, unsigned step, const char *root,
			 const char *const *paths, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		char target[PATH_MAX];
		struct stat st;

		if (mu_join(target, root, paths[i]) < 0 || lstat(target, &st) < 0)
			continue;
		int r = mu_bind(target, target, true,
				SAFE | MOUNT_ATTR_NOEXEC | MOUNT_ATTR_RDONLY);
		if (r < 0)
			return setup_fail(b->e, step, -r, "make %s read-only",
					  paths[i]);
	}
	return 0;
}

/* What the kernel exposes in /proc that a sandbox has no business reading
 * or writing (the list Docker and runc mask). */
static const char *const proc_masked[] = {
	"/kcore", "/keys", "/latency_stats", "/timer_list", "/timer_stats",
	"/sched_debug", "/sysrq-trigger", "/acpi", "/asound", "/scsi",
	"/kallsyms", "/kpagecount", "/kpageflags", "/kpagecgroup", "/config.gz",
	"/pagetypeinfo", "/vmallocinfo",
};
static const char *const proc_readonly[] = {"/sys", "/bus", "/fs", "/irq"};

static int mount_proc(struct build *b)
{
	const char *target = NEW "/proc";
	int r;

	if (mu_mkdir_p(target, 0555) < 0)
		return setup_fail(b->e, STEP_PROC, errno, "mkdir /proc");
	if (!(b->cfg->ns_flags & CLONE_NEWPID)) {
		r = mu_bind(OLD "/proc", target, true, SAFE | MOUNT_ATTR_NOEXEC);
		if (r < 0)
			return setup_fail(b->e, STEP_PROC, -r, "bind host /proc");
	} else if (mount("proc", target, "proc",
			 MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0) {
		return setup_fail(b->e, STEP_PROC, errno, "mount proc on /proc");
	}
	r = mask_list(b, STEP_PROC, target, proc_masked, ARRAY_SIZE(proc_masked),
		      true);
	return r < 0 ? r : readonly_list(b, STEP_PROC, target, proc_readonly,
					 ARRAY_SIZE(proc_readonly));
}

static const char *const sys_masked[] = {
	"/firmware", "/devices/virtual/powercap",
};
/* Where the host mounts securityfs, debugfs and bpffs. In a sysfs of our
 * own they are the kernel's permanently empty mount points (no entry can
 * be made in them, and no process of the sandbox may mount), so only the
 * host's /sys, bound with its mounts, needs them masked. */
static const char *const sys_mount_points[] = {
	"/kernel/security", "/kernel/debug", "/fs/bpf",
};

/* A fresh sysfs shows our own network namespace; mounting one needs that
 * namespace to be ours, so with the host's network bind the host's. */
static int mount_sys(struct build *b)
{
	const char *target = NEW "/sys";
	const uint64_t attrs = SAFE | MOUNT_ATTR_NOEXEC | MOUNT_ATTR_RDONLY;
	int r = 0;

	/* a fresh sysfs shows the mounter's network namespace */
	if (b->cfg->netns_fd >= 0 && (r = net_join(b->cfg->netns_fd, b->e)) < 0)
		return r;
	if (mu_mkdir_p(target, 0555) < 0)
		return setup_fail(b->e, STEP_SYS, errno, "mkdir /sys");
	bool fresh = (b->cfg->ns_flags & CLONE_NEWNET) &&
		     mount("sysfs", target, "sysfs",
			   MS_NOSUID | MS_NODEV | MS_NOEXEC | MS_RDONLY, NULL) == 0;
	if (!fresh)
		r = mu_bind(OLD "/sys", target, true, attrs);
	if (r < 0)
		return setup_fail(b->e, STEP_SYS, -r, "mount sysfs on /sys");
	r = mask_list(b, STEP_SYS, target, sys_masked, ARRAY_SIZE(sys_masked),
		      false);
	if (r < 0 || fresh)
		return r;
	return mask_list(b, STEP_SYS, target, sys_mount_points,
			 ARRAY_SIZE(sys_mount_points), false);
}

static const char *const dev_nodes[] = {"null", "zero", "full", "random",
					"urandom", "tty"};
static const char *const dev_links[][2] = {
	{"pts/ptmx", "ptmx"}, {"/proc/self/fd", "fd"},
	{"/proc/self/fd/0", "stdin"}, {"/proc/self/fd/1", "stdout"},
	{"/proc/self/fd/2", "stderr"}, {"/proc/kcore", "core"},
};

static int bind_device(struct build *b, const char *host, const char *inside)
{
	char src[PATH_MAX], dst[PATH_MAX];

	if (mu_join(src, OLD, host) < 0 || mu_join(dst, NEW, inside) < 0)
		return -ENAMETOOLONG;
	/* /dev is our own fresh tmpfs: the node's mount point is made
	 * outright, with no look first (ENOENT: a directory to make). */
	int fd = open(dst, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC | O_NOFOLLOW,
		      0444);
	int r = fd >= 0 || errno == EEXIST ? 0 :
		errno == ENOENT ? mu_make_mountpoint(dst, true) : -errno;
	if (fd >= 0)
		close(fd);
	/* Device nodes keep dev access: their host mount allows it, and our
	 * own tmpfs could not hold working nodes in a user namespace. */
	return r < 0 ? r : mu_bind(src, dst, false,
				   MOUNT_ATTR_NOSUID | MOUNT_ATTR_NOEXEC);
}

/* The staging directory bound at /dev. */
#define DEVDIR "/devfs"

/* A minimal /dev: the harmless character devices bound from the host, a
 * private devpts instance, /dev/shm in the write layer, the usual links. */
static int mount_dev(struct build *b)
{
	const char *dev = NEW "/dev";
	char path[PATH_MAX], shm[64];
	int r;

	/* A directory of the write layer, not a tmpfs of its own: one
	 * superblock fewer to make and to tear down. Device nodes are binds,
	 * mounts of their own, so /dev itself can be nodev. */
	if (mu_mkdir_p(dev, 0755) < 0 || mkdir_mode(DEVDIR, 0755) < 0)
		return setup_fail(b->e, STEP_DEV, errno, "mkdir /dev");
	if ((r = mu_bind(DEVDIR, dev, false, SAFE | MOUNT_ATTR_NOEXEC)) < 0)
		return setup_fail(b->e, STEP_DEV, -r, "mount /dev");
	for (size_t i = 0; i < ARRAY_SIZE(dev_nodes); i++) {
		snprintf(path, sizeof(path), "/dev/%s", dev_nodes[i]);
		if ((r = bind_device(b, path, path)) < 0)
			return setup_fail(b->e, STEP_DEV, -r, "bind %s", path);
	}
	for (size_t i = 0; i < b->cfg->policy->n_devices; i++) {
		const char *p = b->cfg->policy->devices[i]->path;
		if ((r = bind_device(b, p, p)) < 0)
			return setup_fail(b->e, STEP_DEV, -r, "bind device %s", p);
	}
	if (mkdir(NEW "/dev/pts", 0755) < 0 ||
	    mount("devpts", NEW "/dev/pts", "devpts", MS_NOSUID | MS_NOEXEC,
		  "newinstance,ptmxmode=0666,mode=0620") < 0)
		return setup_fail(b->e, STEP_DEV, errno, "mount devpts on /dev/pts");
	for (size_t i = 0; i < ARRAY_SIZE(dev_links); i++) {
		snprintf(path, sizeof(path), NEW "/dev/%s", dev_links[i][1]);
		if (symlink(dev_links[i][0], path) < 0)
			return setup_fail(b->e, STEP_DEV, errno, "symlink %s", path);
	}
	/* In the write layer, nosuid, nodev and noexec, as /dev is: a mount
	 * of its own only for a read-only root, which seals it read-only
	 * with the hidden paths (seal_hidden_paths()). */
	if (mkdir(NEW "/dev/shm", 01777) < 0)
		return setup_fail(b->e, STEP_DEV, errno, "mkdir /dev/shm");
	if (!b->fs->read_only_root)
		return 0;
	if ((r = empty_dir(b, 01777, shm, sizeof(shm))) < 0 ||
	    (r = mu_bind(shm, NEW "/dev/shm", false,
			 SAFE | MOUNT_ATTR_NOEXEC)) < 0)
		return setup_fail(b->e, STEP_DEV, -r, "mount /dev/shm");
	return 0;
}

/* One bind or tmpfs mount of the policy or the broker. */
static int one_mount(struct build *b, Sbx__Mount__Type type, const char *src,
		     const char *dst, const Sbx__Mount *m, bool is_file)
{
	char target[PATH_MAX], host[PATH_MAX], opts[64];
	bool exec = m && m->has_exec ? m->exec : type != SBX__MOUNT__TYPE__TMPFS;
	bool rec = m && m->has_recursive ? m->recursive : true;
	uint64_t attrs = SAFE | (exec ? 0 : MOUNT_ATTR_NOEXEC);
	struct stat st;
	int r;

	if (mu_join(target, NEW, dst) < 0)
		return -ENAMETOOLONG;
	if (type == SBX__MOUNT__TYPE__TMPFS) {
		snprintf(opts, sizeof(opts), "size=%llu,mode=%o",
			 (unsigned long long)(m && m->has_size_bytes ?
					      m->size_bytes : 64ull << 20),
			 m && m->has_mode ? m->mode : 01777);
		if ((r = mu_make_mountpoint(target, false)) < 0)
			return r;
		if (mount("tmpfs", target, "tmpfs", MS_NOSUID | MS_NODEV, opts) < 0)
			return -errno;
		return mu_restrict(target, attrs, false);
	}
	if (mu_join(host, OLD, src) < 0)
		return -ENAMETOOLONG;
	if (stat(host, &st) < 0)
		return m && m->has_optional && m->optional ? 0 : -errno;
	if ((r = mu_make_mountpoint(target, is_file || !S_ISDIR(st.st_mode))) < 0)
		return r;
	if (type == SBX__MOUNT__TYPE__RO_BIND)
		attrs |= MOUNT_ATTR_RDONLY;
	return mu_bind(host, target, rec, attrs);
}

/* filesystem.bind_workdir: the source tree read-write at its own path,
 * before the policy's mounts (a cache bound inside it stays on top). As
 * root the broker made it an idmapped mount (broker/workdir.c). */
static int workdir_mount(struct build *b)
{
	char target[PATH_MAX];
	int r;

	if (b->cfg->workdir_fd < 0)
		return one_mount(b, SBX__MOUNT__TYPE__BIND, b->fs->workdir,
				 b->fs->workdir, NULL, false);
	if (mu_join(target, NEW, b->fs->workdir) < 0)
		return -ENAMETOOLONG;
	if ((r = mu_make_mountpoint(target, false)) < 0)
		return r;
	return sys_move_mount(b->cfg->workdir_fd, "", AT_FDCWD, target,
			      MOVE_MOUNT_F_EMPTY_PATH) < 0 ? -errno : 0;
}

static int policy_mounts(struct build *b)
{
	if (b->fs->bind_workdir) {
		int r = workdir_mount(b);
		if (r < 0)
			return setup_fail(b->e, STEP_BIND, -r,
					  "bind workdir %s", b->fs->workdir);
	}
	for (size_t i = 0; i < b->fs->n_mounts; i++) {
		const Sbx__Mount *m = b->fs->mounts[i];
		const char *dst = m->destination ? m->destination : m->source;
		int r = one_mount(b, m->type, m->source, dst, m, false);
		if (r < 0)
			return setup_fail(b->e, STEP_BIND, -r, "mount %s%s%s",
					  m->source ? m->source : "tmpfs",
					  " on ", dst);
	}
	for (size_t i = 0; i < b->cfg->n_extra_mounts; i++) {
		const struct sandbox_mount *m = &b->cfg->extra_mounts[i];
		int r = one_mount(b, m->type, m->source, m->destination, NULL,
				  m->is_file);
		if (r < 0)
			return setup_fail(b->e, STEP_BIND, -r, "bind %s on %s",
					  m->source, m->destination);
	}
	return 0;
}

static int mask_policy_paths(struct build *b)
{
	return mask_list(b, STEP_MASK, NEW,
			 (const char *const *)b->fs->masked_paths,
			 b->fs->n_masked_paths, false);
}

/* Enters /newroot with the pivot_root(".", ".") idiom, then detaches the
 * staging tree and the host's root below it in one lazy unmount (each
 * unmount waits for an RCU grace period), so that no directory of either
 * remains reachable. */
static int enter_root(struct build *b)
{
	if (b->fs->read_only_root &&
	    mu_restrict(NEW, MOUNT_ATTR_RDONLY | SAFE, false) < 0)
		return setup_fail(b->e, STEP_PIVOT, errno, "make / read-only");
	_cleanup_close_ int old = open("/", O_DIRECTORY | O_PATH | O_CLOEXEC);
	if (old < 0 || chdir(NEW) < 0 || sys_pivot_root(".", ".") < 0)
		return setup_fail(b->e, STEP_PIVOT, errno, "pivot_root " NEW);
	if (fchdir(old) < 0 || umount2(".", MNT_DETACH) < 0 || chdir("/") < 0)
		return setup_fail(b->e, STEP_PIVOT, errno,
				  "detach the staging root and " OLD);
	return 0;
}

/* Whether anything the policy or the broker mounts or hides lies in /sys,
 * which must then be there first. */
static bool touches_sys(const struct build *b)
{
	for (size_t i = 0; i < b->fs->n_hidden_paths; i++)
		if (mu_path_within(b->fs->hidden_paths[i], "/sys"))
			return true;
	for (size_t i = 0; i < b->fs->n_mounts; i++) {
		const Sbx__Mount *m = b->fs->mounts[i];
		const char *dst = m->destination ? m->destination : m->source;
		if (dst && mu_path_within(dst, "/sys"))
			return true;
	}
	for (size_t i = 0; i < b->cfg->n_extra_mounts; i++)
		if (mu_path_within(b->cfg->extra_mounts[i].destination, "/sys"))
			return true;
	return b->fs->bind_workdir && mu_path_within(b->fs->workdir, "/sys");
}

/* /sys as late as it may be: the network namespace a fresh sysfs shows
 * may still be in the making (broker/netns.h), and PID 1 has other mounts
 * to make meanwhile. */
static int mount_sys_early(struct build *b)
{
	return touches_sys(b) ? mount_sys(b) : 0;
}

static int mount_sys_late(struct build *b)
{
	return touches_sys(b) ? 0 : mount_sys(b);
}

static bool masks_sys(const struct build *b)
{
	for (size_t i = 0; i < b->fs->n_masked_paths; i++)
		if (mu_path_within(b->fs->masked_paths[i], "/sys"))
			return true;
	return false;
}

/* The policy's masks before a late /sys too, unless one lies in it: more
 * work for PID 1 while the network namespace is made. */
static int mask_policy_paths_early(struct build *b)
{
	return masks_sys(b) ? 0 : mask_policy_paths(b);
}

static int mask_policy_paths_late(struct build *b)
{
	return masks_sys(b) ? mask_policy_paths(b) : 0;
}

int mnt_make_private(const struct sandbox_config *cfg, struct setup_error *e)
{
	if (!(cfg->ns_flags & CLONE_NEWNS))
		return 0;
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
		return setup_fail(e, STEP_STAGING, errno, "make / rprivate");
	return 0;
}

int mnt_setup_root(const struct sandbox_config *cfg, struct setup_error *e,
		   uint32_t usec[TIME_MAX_])
{
	struct build b = {.cfg = cfg, .fs = cfg->policy->filesystem, .e = e};
	static const struct {
		int (*run)(struct build *);
		unsigned slot;
	} steps[] = {
		{stage, TIME_STAGING},
		{build_root, TIME_ROOT},
		{mount_dev, TIME_DEV},
		{mount_proc, TIME_PROC},
		{mount_sys_early, TIME_SYS},
		{hide_paths, TIME_HIDE},
		{policy_mounts, TIME_BINDS},
		{seal_hidden_paths, TIME_SEAL},
		{mask_policy_paths_early, TIME_MASKS},
		{mount_sys_late, TIME_SYS},
		{mask_policy_paths_late, TIME_MASKS},
		{enter_root, TIME_PIVOT},
	};

	if (!(cfg->ns_flags & CLONE_NEWNS))
		return 0;
	umask(0);
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	for (size_t i = 0; i < ARRAY_SIZE(steps); i++) {
		int r = steps[i].run(&b);
		usec[steps[i].slot] += sandbox_elapsed(&t);
		if (r < 0)
			return r;
	}
	umask(022);
	return 0;
}
