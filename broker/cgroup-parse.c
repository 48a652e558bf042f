/* /proc/self/mountinfo and /proc/self/cgroup parsing (broker). */
#include "cgroup-parse.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

bool cgp_has_controller(const char *list, const char *name)
{
	size_t n = strlen(name);

	for (const char *p = list; p && *p;) {
		size_t len = strcspn(p, ",");
		if (len == n && strncmp(p, name, n) == 0)
			return true;
		p += len + (p[len] == ',');
	}
	return false;
}

/* Copies the space-separated field starting at *p into out, unescaping
 * mountinfo's octal escapes (\040 for a space). */
static bool next_field(const char **p, char *out, size_t size)
{
	const char *s = *p;
	size_t n = 0;

	while (*s == ' ')
		s++;
	if (!*s || *s == '\n')
		return false;
	while (*s && *s != ' ' && *s != '\n') {
		char c = *s++;
		if (c == '\\' && s[0] >= '0' && s[0] <= '3' && s[1] >= '0' &&
		    s[1] <= '7' && s[2] >= '0' && s[2] <= '7') {
			c = (char)((s[0] - '0') * 64 + (s[1] - '0') * 8 + (s[2] - '0'));
			s += 3;
		}
		if (n + 1 >= size)
			return false;
		out[n++] = c;
	}
	out[n] = '\0';
	*p = s;
	return true;
}

/* v1 super options carry the controllers among rw and name=...; keep only
 * controller names. */
static void controllers_from_options(const char *opts, char *out, size_t size)
{
	size_t used = 0;

	out[0] = '\0';
	for (const char *p = opts; *p;) {
		size_t len = strcspn(p, ",");
		bool skip = (len == 2 && !strncmp(p, "rw", 2)) ||
			    (len == 2 && !strncmp(p, "ro", 2)) ||
			    memchr(p, '=', len) != NULL;
		if (!skip && used + len + 2 < size) {
			if (used)
				out[used++] = ',';
			memcpy(out + used, p, len);
			used += len;
			out[used] = '\0';
		}
		p += len + (p[len] == ',');
	}
}

/* A copy of s[0..len) in the pool, or NULL when it is full. */
static const char *pool_add(struct cgp_mounts *out, const char *s, size_t len)
{
	char *p = out->pool + out->used;

	if (len >= sizeof(out->pool) - out->used)
		return NULL;
	memcpy(p, s, len);
	p[len] = '\0';
	out->used += len + 1;
	return p;
}

static bool same_hierarchy(const struct cgp_mounts *out, int version,
			   const char *ctrls)
{
	for (size_t i = 0; i < out->n; i++)
		if (out->m[i].version == version &&
		    strcmp(out->m[i].controllers, ctrls) == 0)
			return true;
	return false;
}

static int parse_mount_line(const char *line, struct cgp_mounts *out)
{
	char f[10][PATH_MAX > 1024 ? 1024 : PATH_MAX];
	char fstype[32], source[256], opts[1024];
	const char *p = line;
	int i;

	/* id parent major:minor root mountpoint options [optional...] - */
	for (i = 0; i < 6; i++)
		if (!next_field(&p, f[i], sizeof(f[i])))
			return -EINVAL;
	for (;;) {
		char tag[256];
		if (!next_field(&p, tag, sizeof(tag)))
			return -EINVAL;
		if (strcmp(tag, "-") == 0)
			break;
	}
	if (!next_field(&p, fstype, sizeof(fstype)) ||
	    !next_field(&p, source, sizeof(source)) ||
	    !next_field(&p, opts, sizeof(opts)))
		return -EINVAL;
	int version = !strcmp(fstype, "cgroup2") ? 2 : !strcmp(fstype, "cgroup") ? 1 : 0;
	if (!version || out->n >= CGP_MAX_MOUNTS)
		return 0;
	struct cgp_mount *m = &out->m[out->n];
	m->version = version;
	m->controllers[0] = '\0';
	if (version == 1)
		controllers_from_options(opts, m->controllers,
					 sizeof(m->controllers));
	if (same_hierarchy(out, version, m->controllers))
		return 0;
	m->root = pool_add(out, f[3], strlen(f[3]));
	m->mountpoint = pool_add(out, f[4], strlen(f[4]));
	m->caller = "";
	if (!m->root || !m->mountpoint)
		return -E2BIG;
	out->n++;
	return 0;
}

int cgp_parse_mountinfo(const char *text, struct cgp_mounts *out)
{
	out->n = 0;
	out->used = 0;
	for (const char *line = text; line && *line;) {
		const char *nl = strchr(line, '\n');
		size_t len = nl ? (size_t)(nl - line) : strlen(line);
		char buf[4096];

		if (len >= sizeof(buf))
			return -EINVAL;
		memcpy(buf, line, len);
		buf[len] = '\0';
		int r = len ? parse_mount_line(buf, out) : 0;
		if (r < 0)
			return r;
		line = nl ? nl + 1 : NULL;
	}
	return 0;
}

/* "ID:CONTROLLERS:PATH"; v2 is "0::PATH". */
static int parse_cgroup_line(const char *line, size_t len,
			     struct cgp_mounts *out)
{
	const char *c1 = memchr(line, ':', len);
	const char *c2 = c1 ? memchr(c1 + 1, ':', len - (size_t)(c1 + 1 - line)) : NULL;
	char ctrls[256];

	if (!c1 || !c2)
		return -EINVAL;
	size_t clen = (size_t)(c2 - c1 - 1), plen = len - (size_t)(c2 + 1 - line);
	if (clen >= sizeof(ctrls) || plen >= PATH_MAX || plen == 0 ||
	    c2[1] != '/')
		return -EINVAL;
	memcpy(ctrls, c1 + 1, clen);
	ctrls[clen] = '\0';
	for (size_t i = 0; i < out->n; i++) {
		struct cgp_mount *m = &out->m[i];
		bool match = clen == 0 ? m->version == 2 :
			     m->version == 1 && !strcmp(m->controllers, ctrls);
		const char *caller;
		if (!match)
			continue;
		if (!(caller = pool_add(out, c2 + 1, plen)))
			return -E2BIG;
		m->caller = caller;
	}
	return 0;
}

int cgp_parse_proc_cgroup(const char *text, struct cgp_mounts *out)
{
	for (const char *line = text; line && *line;) {
		const char *nl = strchr(line, '\n');
		size_t len = nl ? (size_t)(nl - line) : strlen(line);

		int r = len ? parse_cgroup_line(line, len, out) : 0;
		if (r < 0)
			return r;
		line = nl ? nl + 1 : NULL;
	}
	return 0;
}

/* One /proc/self/cgroup line as a mount at the conventional place. */
static int guess_line(const char *line, size_t len, bool v2_only,
		      struct cgp_mounts *out)
{
	const char *c1 = memchr(line, ':', len);
	const char *c2 = c1 ? memchr(c1 + 1, ':', len - (size_t)(c1 + 1 - line)) : NULL;
	char point[300];

	if (!c1 || !c2 || c2[1] != '/')
		return -EINVAL;
	size_t clen = (size_t)(c2 - c1 - 1), plen = len - (size_t)(c2 + 1 - line);
	if (clen >= sizeof(out->m[0].controllers) || plen >= PATH_MAX)
		return -EINVAL;
	if (clen && memchr(c1 + 1, '=', clen))
		/* a named hierarchy: none of ours; mixed with controllers,
		 * not the convention */
		return memchr(c1 + 1, ',', clen) ? -ENOENT : 0;
	if (clen && v2_only)
		return -ENOENT;
	if (out->n >= CGP_MAX_MOUNTS)
		return -E2BIG;
	struct cgp_mount *m = &out->m[out->n];
	m->version = clen ? 1 : 2;
	snprintf(m->controllers, sizeof(m->controllers), "%.*s", (int)clen,
		 c1 + 1);
	if (clen)
		snprintf(point, sizeof(point), "/sys/fs/cgroup/%s", m->controllers);
	else
		snprintf(point, sizeof(point), "/sys/fs/cgroup%s",
			 v2_only ? "" : "/unified");
	m->mountpoint = pool_add(out, point, strlen(point));
	m->root = pool_add(out, "/", 1);
	m->caller = pool_add(out, c2 + 1, plen);
	if (!m->mountpoint || !m->root || !m->caller)
		return -E2BIG;
	out->n++;
	return 0;
}

int cgp_guess_mounts(const char *text, bool v2_only, struct cgp_mounts *out)
{
	out->n = 0;
	out->used = 0;
	for (const char *line = text; line && *line;) {
		const char *nl = strchr(line, '\n');
		size_t len = nl ? (size_t)(nl - line) : strlen(line);

		int r = len ? guess_line(line, len, v2_only, out) : 0;
		if (r < 0)
			return r;
		line = nl ? nl + 1 : NULL;
	}
	return out->n ? 0 : -ENOENT;
}
