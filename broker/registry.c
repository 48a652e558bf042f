/* The caller's running sandboxes (broker): see registry.h. */
#include "registry.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <linux/magic.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <time.h>
#include <unistd.h>

#include "cleanup.h"
#include "pb-util.h"
#include "proc-stat.h"
#include "syscalls.h"

#define RECORD_MAX (1 << 20)
#define MAX_RUNNING 4096

int registry_start_ticks(pid_t pid, uint64_t *ret)
{
	return proc_stat_fields(pid, 22, ret, 1);
}

int registry_parent(pid_t pid)
{
	uint64_t ppid;
	int r = proc_stat_fields(pid, 4, &ppid, 1);

	return r < 0 ? r : (int)ppid;
}

int registry_new_id(char id[REGISTRY_ID_LEN + 1])
{
	unsigned char b[REGISTRY_ID_LEN / 2];

	if (getrandom(b, sizeof(b), 0) != (ssize_t)sizeof(b))
		return -errno;
	for (size_t i = 0; i < sizeof(b); i++)
		snprintf(id + 2 * i, 3, "%02x", b[i]);
	return 0;
}

static bool owned_dir(const char *path, uid_t uid)
{
	struct stat st;

	return lstat(path, &st) == 0 && S_ISDIR(st.st_mode) && st.st_uid == uid;
}

static bool on_tmpfs(const char *path)
{
	struct statfs sf;

	return statfs(path, &sf) == 0 && sf.f_type == TMPFS_MAGIC;
}

/* Where the caller's records live (see registry.h). Records are runtime
 * state: in memory, where each run's write and unlink cost no journal and
 * a reboot leaves none behind. */
static void registry_path(char *buf, size_t size)
{
	const char *xdg = getenv("XDG_RUNTIME_DIR");
	uid_t uid = geteuid();
	char run_user[64];

	snprintf(run_user, sizeof(run_user), "/run/user/%u", (unsigned)uid);
	if (xdg && xdg[0] == '/' && owned_dir(xdg, uid))
		snprintf(buf, size, "%s/sbx", xdg);
	else if (owned_dir(run_user, uid))
		snprintf(buf, size, "%s/sbx", run_user);
	else if (uid == 0 && on_tmpfs("/run"))
		snprintf(buf, size, "/run/sbx");
	else
		snprintf(buf, size, "/dev/shm/sbx-%u", (unsigned)uid);
}

/* Opens the directory, refusing one that is not private to the caller
 * (another user may have made /tmp/sbx-UID first). -ENOENT when it does
 * not exist and create is false. */
static int open_dir(bool create, struct sbx_error *err)
{
	char path[4096];
	struct stat st;
	int fd;

	registry_path(path, sizeof(path));
	if (create && mkdir(path, 0700) < 0 && errno != EEXIST)
		return sbx_err_errno(err, -errno, "registry: mkdir %s", path);
	fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return sbx_err_errno(err, -errno, "registry: open %s", path);
	if (fstat(fd, &st) < 0 || st.st_uid != geteuid() ||
	    (st.st_mode & 077) != 0) {
		close(fd);
		sbx_err(err, -EPERM, "registry: %s is not private to uid %u",
			path, (unsigned)geteuid());
		sbx_err_hint(err, "remove it, or set XDG_RUNTIME_DIR to a "
			     "directory of your own");
		return -EPERM;
	}
	return fd;
}

int registry_add(const Sbx__RunRecord *rec, struct sbx_error *err)
{
	_cleanup_close_ int dir = open_dir(true, err);
	_cleanup_close_ int fd = -1;
	_cleanup_free_ uint8_t *buf = NULL;
	size_t len;
	char tmp[REGISTRY_ID_LEN + 8];

	if (dir < 0)
		return dir;
	if (!(buf = pb_pack(&rec->base, &len)))
		return sbx_err(err, -ENOMEM, "registry: out of memory");
	snprintf(tmp, sizeof(tmp), ".%s.tmp", rec->id);
	fd = openat(dir, tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0)
		return sbx_err_errno(err, -errno, "registry: create %s", tmp);
	if (write(fd, buf, len) != (ssize_t)len ||
	    renameat(dir, tmp, dir, rec->id) < 0) {
		int r = errno ? -errno : -EIO;
		unlinkat(dir, tmp, 0);
		return sbx_err_errno(err, r, "registry: write %s", rec->id);
	}
	return 0;
}

void registry_remove(const char *id)
{
	_cleanup_close_ int dir = open_dir(false, NULL);

	if (dir >= 0)
		unlinkat(dir, id, 0);
}

void registry_record_free(Sbx__RunRecord *rec)
{
	if (rec)
		sbx__run_record__free_unpacked(rec, NULL);
}

static Sbx__RunRecord *read_record(int dir, const char *name)
{
	_cleanup_close_ int fd = openat(dir, name, O_RDONLY | O_NOFOLLOW |
						     O_CLOEXEC);
	_cleanup_free_ uint8_t *buf = NULL;
	struct stat st;
	ssize_t n;

	if (fd < 0 || fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) ||
	    st.st_size <= 0 || st.st_size > RECORD_MAX ||
	    !(buf = malloc((size_t)st.st_size)))
		return NULL;
	n = read(fd, buf, (size_t)st.st_size);
	if (n != st.st_size)
		return NULL;
	return sbx__run_record__unpack(NULL, (size_t)n, buf);
}

static bool running(const Sbx__RunRecord *r)
{
	uint64_t ticks = 0;

	return r->has_pid && r->pid > 0 &&
	       registry_start_ticks(r->pid, &ticks) == 0 &&
	       ticks == r->start_ticks;
}

static bool is_id(const char *s, size_t max)
{
	size_t n = strspn(s, "0123456789abcdef");

	return n > 0 && n <= max && s[n] == '\0';
}

/* A temporary file whose writer died between create and rename. */
static void remove_if_old(int dir, const char *name)
{
	struct stat st;

	if (fstatat(dir, name, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
	    st.st_mtime + 60 < time(NULL))
		unlinkat(dir, name, 0);
}

/* Every running sandbox's record, the others removed. */
static int load_all(int dir, Sbx__RunRecord ***ret, size_t *n,
		    struct sbx_error *err)
{
	_cleanup_closedir_ DIR *d = NULL;
	int fd = dup(dir);
	struct dirent *de;

	*n = 0;
	if (fd < 0 || !(d = fdopendir(fd))) {
		if (fd >= 0)
			close(fd);
		return sbx_err_errno(err, -errno, "registry: read directory");
	}
	if (!(*ret = calloc(MAX_RUNNING, sizeof(**ret))))
		return sbx_err(err, -ENOMEM, "registry: out of memory");
	while ((de = readdir(d)) && *n < MAX_RUNNING) {
		Sbx__RunRecord *r;
		if (de->d_name[0] == '.') {
			if (strstr(de->d_name, ".tmp"))
				remove_if_old(dir, de->d_name);
			continue;
		}
		if (!is_id(de->d_name, REGISTRY_ID_LEN))
			continue;
		r = read_record(dir, de->d_name);
		if (r && r->id && strcmp(r->id, de->d_name) == 0 && running(r)) {
			(*ret)[(*n)++] = r;
			continue;
		}
		registry_record_free(r);
		unlinkat(dir, de->d_name, 0);
	}
	return 0;
}

static int by_start(const void *a, const void *b)
{
	const Sbx__RunRecord *x = *(Sbx__RunRecord *const *)a;
	const Sbx__RunRecord *y = *(Sbx__RunRecord *const *)b;

	return (x->start_ticks > y->start_ticks) - (x->start_ticks < y->start_ticks);
}

static void free_all(Sbx__RunRecord **all, size_t n)
{
	for (size_t i = 0; i < n; i++)
		registry_record_free(all[i]);
	free(all);
}

int registry_scan(void (*fn)(const Sbx__RunRecord *rec, void *data),
		  void *data, struct sbx_error *err)
{
	_cleanup_close_ int dir = open_dir(false, err);
	Sbx__RunRecord **all = NULL;
	size_t n = 0;
	int r;

	if (dir == -ENOENT)
		return 0;
	if (dir < 0)
		return dir;
	r = load_all(dir, &all, &n, err);
	if (r == 0) {
		qsort(all, n, sizeof(*all), by_start);
		for (size_t i = 0; i < n; i++)
			fn(all[i], data);
	}
	free_all(all, n);
	return r < 0 ? r : (int)n;
}

static int no_such(const char *id, struct sbx_error *err)
{
	sbx_err(err, -ENOENT, "no running sandbox %s", id);
	sbx_err_hint(err, "`sbx list` shows your running sandboxes");
	return -ENOENT;
}

/* The one running sandbox whose id starts with prefix. */
static int find(int dir, const char *prefix, Sbx__RunRecord **ret,
		struct sbx_error *err)
{
	Sbx__RunRecord **all = NULL;
	size_t n = 0, hits = 0;
	int r = load_all(dir, &all, &n, err);

	for (size_t i = 0; r == 0 && i < n; i++) {
		if (strncmp(all[i]->id, prefix, strlen(prefix)) != 0)
			continue;
		if (hits++ == 0)
			*ret = TAKE_PTR(all[i]);
	}
	free_all(all, n);
	if (r < 0)
		return r;
	if (hits == 1)
		return 0;
	registry_record_free(TAKE_PTR(*ret));
	if (hits == 0)
		return no_such(prefix, err);
	sbx_err(err, -EINVAL, "%zu running sandboxes start with %s", hits,
		prefix);
	sbx_err_hint(err, "give more digits of the id (`sbx list`)");
	return -EINVAL;
}

int registry_open(const char *id, Sbx__RunRecord **ret, int *ret_pidfd,
		  struct sbx_error *err)
{
	_cleanup_close_ int dir = -1;
	int pidfd, r;

	*ret = NULL;
	*ret_pidfd = -1;
	if (!is_id(id, REGISTRY_ID_LEN)) {
		sbx_err(err, -EINVAL, "'%s' is not a sandbox id", id);
		sbx_err_hint(err, "ids are hex digits, as `sbx list` shows "
			     "them; a unique prefix will do");
		return -EINVAL;
	}
	dir = open_dir(false, err);
	if (dir == -ENOENT)
		return no_such(id, err);
	if (dir < 0)
		return dir;
	if ((r = find(dir, id, ret, err)) < 0)
		return r;
	/* The pidfd first, then the check: a pid reused after the check
	 * would otherwise give us a stranger's process. */
	pidfd = sys_pidfd_open((*ret)->pid, 0);
	if (pidfd < 0 || !running(*ret)) {
		if (pidfd >= 0)
			close(pidfd);
		unlinkat(dir, (*ret)->id, 0);
		sbx_err(err, -ENOENT, "sandbox %s has just ended", (*ret)->id);
		registry_record_free(TAKE_PTR(*ret));
		return -ENOENT;
	}
	*ret_pidfd = pidfd;
	return 0;
}
