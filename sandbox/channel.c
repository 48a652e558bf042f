/* Broker <-> sandbox messages (broker, sandbox init, payload). */
#include "channel.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

/* A stack allocator so packing and unpacking never touch malloc: the cloned
 * child may run after fork in a process whose heap state is not ours to
 * trust, and the broker wants no frees to forget. */
struct arena {
	uint8_t buf[2048];
	size_t used;
};

static void *arena_alloc(void *data, size_t size)
{
	struct arena *a = data;
	size = (size + 15) & ~(size_t)15;
	if (size > sizeof(a->buf) - a->used)
		return NULL;
	void *p = a->buf + a->used;
	a->used += size;
	return p;
}

static void arena_free(void *data, void *p)
{
}

static int send_packet(int fd, uint8_t type, const ProtobufCMessage *m)
{
	uint8_t buf[CHAN_MAX_PACKET];
	size_t len = protobuf_c_message_get_packed_size(m);

	if (len + 1 > sizeof(buf))
		return -EMSGSIZE;
	buf[0] = type;
	protobuf_c_message_pack(m, buf + 1);
	for (;;) {
		ssize_t n = send(fd, buf, len + 1, MSG_NOSIGNAL);
		if (n >= 0)
			return 0;
		if (errno != EINTR)
			return -errno;
	}
}

int chan_send_error(int fd, unsigned step, int errnum, const char *detail)
{
	char d[CHAN_DETAIL_MAX];
	Sbx__SetupError m = SBX__SETUP_ERROR__INIT;

	snprintf(d, sizeof(d), "%s", detail ? detail : "");
	m.has_step = 1;
	m.step = step;
	m.has_errnum = 1;
	m.errnum = errnum;
	m.detail = d;
	return send_packet(fd, CHAN_SETUP_ERROR, &m.base);
}

int chan_send_exit(int fd, const Sbx__ExitReport *report)
{
	return send_packet(fd, CHAN_EXIT_REPORT, &report->base);
}

int chan_send_started(int fd, uint64_t init_cpu_usec, const uint32_t *step_usec,
		      size_t n_steps)
{
	Sbx__Started m = SBX__STARTED__INIT;

	m.has_init_cpu_usec = 1;
	m.init_cpu_usec = init_cpu_usec;
	m.n_step_usec = n_steps < CHAN_MAX_STEPS ? n_steps : CHAN_MAX_STEPS;
	m.step_usec = (uint32_t *)step_usec;
	return send_packet(fd, CHAN_STARTED, &m.base);
}

/* One packet of type with message m and n descriptors (SCM_RIGHTS). */
static int send_with_fds(int fd, int type, const ProtobufCMessage *m,
			 const int *fds, size_t n)
{
	uint8_t buf[16];
	union {
		struct cmsghdr h;
		char b[CMSG_SPACE(CHAN_MAX_FDS * sizeof(int))];
	} ctl;
	struct iovec iov = {.iov_base = buf};
	struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1,
			     .msg_control = ctl.b,
			     .msg_controllen = CMSG_SPACE(n * sizeof(int))};
	struct cmsghdr *c;

	if (n == 0 || n > CHAN_MAX_FDS ||
	    protobuf_c_message_get_packed_size(m) + 1 > sizeof(buf))
		return -EMSGSIZE;
	buf[0] = (uint8_t)type;
	iov.iov_len = 1 + protobuf_c_message_pack(m, buf + 1);
	memset(&ctl, 0, sizeof(ctl));
	c = CMSG_FIRSTHDR(&msg);
	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(n * sizeof(int));
	memcpy(CMSG_DATA(c), fds, n * sizeof(int));
	for (;;) {
		if (sendmsg(fd, &msg, MSG_NOSIGNAL) >= 0)
			return 0;
		if (errno != EINTR)
			return -errno;
	}
}

int chan_send_fd(int fd, int type, int passfd)
{
	Sbx__SeccompListener m = SBX__SECCOMP_LISTENER__INIT;

	return send_with_fds(fd, type, &m.base, &passfd, 1);
}

int chan_send_cgroup_join(int fd, const int *fds, size_t n)
{
	Sbx__CgroupJoin m = SBX__CGROUP_JOIN__INIT;

	m.has_groups = 1;
	m.groups = (uint32_t)n;
	return send_with_fds(fd, CHAN_CGROUP_JOIN, &m.base, fds, n);
}

static int decode_started(const uint8_t *buf, size_t len, struct chan_msg *ret)
{
	struct arena a = {.used = 0};
	ProtobufCAllocator alloc = {arena_alloc, arena_free, &a};
	Sbx__Started *m = sbx__started__unpack(&alloc, len, buf);

	if (!m || !m->has_init_cpu_usec)
		return -EBADMSG;
	ret->init_cpu_usec = m->init_cpu_usec;
	ret->n_step_usec = m->n_step_usec < CHAN_MAX_STEPS ? (unsigned)m->n_step_usec
							   : CHAN_MAX_STEPS;
	if (ret->n_step_usec) /* step_usec is NULL without */
		memcpy(ret->step_usec, m->step_usec,
		       ret->n_step_usec * sizeof(ret->step_usec[0]));
	return CHAN_STARTED;
}

static int decode_error(const uint8_t *buf, size_t len,
			struct chan_setup_error *ret)
{
	struct arena a = {.used = 0};
	ProtobufCAllocator alloc = {arena_alloc, arena_free, &a};
	Sbx__SetupError *m = sbx__setup_error__unpack(&alloc, len, buf);

	if (!m || !m->has_step || !m->has_errnum)
		return -EBADMSG;
	ret->step = m->step;
	ret->errnum = m->errnum;
	snprintf(ret->detail, sizeof(ret->detail), "%s",
		 m->detail ? m->detail : "");
	return CHAN_SETUP_ERROR;
}

static int decode_exit(const uint8_t *buf, size_t len, Sbx__ExitReport *ret)
{
	struct arena a = {.used = 0};
	ProtobufCAllocator alloc = {arena_alloc, arena_free, &a};
	Sbx__ExitReport *m = sbx__exit_report__unpack(&alloc, len, buf);

	if (!m || !m->has_wait_status)
		return -EBADMSG;
	*ret = *m;
	/* unknown fields live in the arena: drop them with it */
	ret->base.n_unknown_fields = 0;
	ret->base.unknown_fields = NULL;
	return CHAN_EXIT_REPORT;
}

static int decode(const uint8_t *buf, size_t len, struct chan_msg *ret)
{
	if (len < 1 || len > CHAN_MAX_PACKET)
		return -EBADMSG;
	switch (buf[0]) {
	case CHAN_SETUP_ERROR:
		return decode_error(buf + 1, len - 1, &ret->error);
	case CHAN_EXIT_REPORT:
		return decode_exit(buf + 1, len - 1, &ret->report);
	case CHAN_STARTED:
		return decode_started(buf + 1, len - 1, ret);
	case CHAN_SECCOMP_LISTENER:
	case CHAN_NETNS:
		return buf[0];
	default:
		return -EBADMSG;
	}
}

int chan_decode(const uint8_t *buf, size_t len, struct chan_msg *ret)
{
	ret->fd = -1;
	ret->type = decode(buf, len, ret);
	return ret->type;
}

/* Every descriptor passed with the packet, up to max into fds (the rest
 * closed). Returns how many were kept. */
static size_t take_fds(struct msghdr *msg, int *fds, size_t max)
{
	size_t kept = 0;

	for (struct cmsghdr *c = CMSG_FIRSTHDR(msg); c;
	     c = CMSG_NXTHDR(msg, c)) {
		if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS)
			continue;
		size_t n = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
		for (size_t i = 0; i < n; i++) {
			int f;
			memcpy(&f, CMSG_DATA(c) + i * sizeof(int), sizeof(int));
			if (kept < max)
				fds[kept++] = f;
			else
				close(f);
		}
	}
	return kept;
}

static void close_all(const int *fds, size_t n)
{
	for (size_t i = 0; i < n; i++)
		close(fds[i]);
}

/* One packet into buf (CHAN_MAX_PACKET bytes) and up to max_fds of the
 * descriptors that came with it (close-on-exec; the rest closed), with
 * *ctrunc telling whether the kernel dropped some. Returns the packet's
 * whole length, which exceeds the buffer when it was truncated, or
 * -errno. */
static ssize_t recv_packet(int fd, uint8_t *buf, int *fds, size_t max_fds,
			   size_t *n_fds, bool *ctrunc)
{
	union {
		struct cmsghdr h;
		char b[CMSG_SPACE(CHAN_MAX_FDS * sizeof(int))];
	} ctl;
	struct iovec iov = {.iov_base = buf, .iov_len = CHAN_MAX_PACKET};
	struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1,
			     .msg_control = ctl.b,
			     .msg_controllen = sizeof(ctl.b)};
	ssize_t n;

	do
		n = recvmsg(fd, &msg, MSG_TRUNC | MSG_CMSG_CLOEXEC);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	*n_fds = take_fds(&msg, fds, max_fds);
	*ctrunc = msg.msg_flags & MSG_CTRUNC;
	return n;
}

int chan_recv_cgroup_join(int fd, int fds[CHAN_MAX_FDS])
{
	uint8_t buf[CHAN_MAX_PACKET];
	struct arena a = {.used = 0};
	ProtobufCAllocator alloc = {arena_alloc, arena_free, &a};
	size_t kept;
	bool ctrunc;
	ssize_t n = recv_packet(fd, buf, fds, CHAN_MAX_FDS, &kept, &ctrunc);

	if (n < 0)
		return (int)n;
	Sbx__CgroupJoin *m = n > 1 && n <= CHAN_MAX_PACKET && !ctrunc &&
		buf[0] == CHAN_CGROUP_JOIN ?
		sbx__cgroup_join__unpack(&alloc, (size_t)n - 1, buf + 1) : NULL;
	if (!m || !m->has_groups || m->groups != kept) {
		close_all(fds, kept);
		return -EBADMSG;
	}
	return (int)kept;
}

int chan_recv(int fd, struct chan_msg *ret)
{
	uint8_t buf[CHAN_MAX_PACKET];
	int passed = -1;
	size_t got;
	bool ctrunc;
	ssize_t n = recv_packet(fd, buf, &passed, 1, &got, &ctrunc);
	int t;

	if (n < 0)
		return (int)n;
	if (n == 0 || n > CHAN_MAX_PACKET) {
		if (passed >= 0)
			close(passed);
		return n == 0 ? 0 : -EBADMSG;
	}
	t = chan_decode(buf, (size_t)n, ret);
	bool carries = t == CHAN_SECCOMP_LISTENER || t == CHAN_NETNS;
	if (carries && passed >= 0)
		ret->fd = passed;
	else if (passed >= 0)
		close(passed);
	else if (carries)
		t = ret->type = -EBADMSG;
	return t;
}
