/* Seccomp filters: compiled in the broker, loaded by the payload. See
 * seccomp_filter.h. */
#include "seccomp_filter.h"

#include <errno.h>
#include <linux/seccomp.h>
#include <seccomp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "channel.h"
#include "cleanup.h"
#include "syscalls.h"
#include "syscall_groups.h"

/* Stand for values only the payload knows, in the compiled program, until
 * it patches them in: the channel's fd number, and the halves of its exec
 * pointers (BPF compares 64-bit arguments 32 bits at a time). So a program
 * depends on the policy alone, and built-in policies' programs can be
 * compiled with sbx itself (broker/filter-prebuilt.h). */
#define CHAN_FD_MAGIC 0x7b5bc0deU
enum { EXEC_PATH, EXEC_ARGV, EXEC_ENVP, N_EXEC };
static const uint32_t exec_magic[N_EXEC][2] = { /* {high, low} */
	{0x7b5bc0e1U, 0x7b5bc0e2U},
	{0x7b5bc0e3U, 0x7b5bc0e4U},
	{0x7b5bc0e5U, 0x7b5bc0e6U},
};

static uint64_t magic64(int which)
{
	return (uint64_t)exec_magic[which][0] << 32 | exec_magic[which][1];
}

static bool is_magic(uint32_t k)
{
	if (k == CHAN_FD_MAGIC)
		return true;
	for (int i = 0; i < N_EXEC; i++)
		if (k == exec_magic[i][0] || k == exec_magic[i][1])
			return true;
	return false;
}

/* A rule's own constant that equals a placeholder would be patched too. */
static bool uses_magic(uint64_t v)
{
	return is_magic((uint32_t)(v >> 32)) || is_magic((uint32_t)v);
}

static uint64_t mono_usec(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000;
}

bool scf_user_notif(void)
{
	uint32_t action = SECCOMP_RET_USER_NOTIF;

	return sys_seccomp(SECCOMP_GET_ACTION_AVAIL, 0, &action) == 0;
}

static uint32_t to_scmp(Sbx__Seccomp__Action a, int errnum, bool notify)
{
	switch (a) {
	case SBX__SECCOMP__ACTION__ALLOW:
		return SCMP_ACT_ALLOW;
	case SBX__SECCOMP__ACTION__LOG:
		return SCMP_ACT_LOG;
	case SBX__SECCOMP__ACTION__ERRNO:
		return SCMP_ACT_ERRNO((uint16_t)errnum);
	case SBX__SECCOMP__ACTION__NOTIFY:
		return notify ? SCMP_ACT_NOTIFY : SCMP_ACT_KILL_PROCESS;
	case SBX__SECCOMP__ACTION__KILL:
	default:
		return SCMP_ACT_KILL_PROCESS;
	}
}

/* Severity as the kernel ranks stacked filters' answers. */
static int severity(uint32_t act)
{
	switch (act & SECCOMP_RET_ACTION_FULL) {
	case SECCOMP_RET_ALLOW:
		return 0;
	case SECCOMP_RET_LOG:
		return 1;
	case SECCOMP_RET_USER_NOTIF:
		return 2;
	case SECCOMP_RET_ERRNO:
		return 3;
	default:
		return 4;
	}
}

static enum scmp_compare to_cmp(Sbx__Seccomp__Op op)
{
	switch (op) {
	case SBX__SECCOMP__OP__NE:
		return SCMP_CMP_NE;
	case SBX__SECCOMP__OP__LT:
		return SCMP_CMP_LT;
	case SBX__SECCOMP__OP__LE:
		return SCMP_CMP_LE;
	case SBX__SECCOMP__OP__GT:
		return SCMP_CMP_GT;
	case SBX__SECCOMP__OP__GE:
		return SCMP_CMP_GE;
	case SBX__SECCOMP__OP__MASKED_EQ:
		return SCMP_CMP_MASKED_EQ;
	case SBX__SECCOMP__OP__EQ:
	default:
		return SCMP_CMP_EQ;
	}
}

static void ctx_releasep(scmp_filter_ctx *c)
{
	if (*c)
		seccomp_release(*c);
}

struct build {
	const Sbx__Seccomp *sc;
	const struct sc_ruleset *rs;
	bool notify;
	uint32_t def;
	scmp_filter_ctx main, extra;
	unsigned n_extra;   /* rules in the exceptions filter */
	struct sbx_error *err;
};

static int add(scmp_filter_ctx ctx, uint32_t act, const struct sc_entry *e,
	       struct sbx_error *err)
{
	struct scmp_arg_cmp cmp[SC_MAX_ARGS];
	int r;

	for (unsigned i = 0; i < e->n_args; i++) {
		const struct sc_arg *a = &e->args[i];
		if (uses_magic(a->value) || uses_magic(a->mask))
			return sbx_err(err, -EINVAL, "seccomp.rules[%u]: %s: "
				       "argument %u: the value 0x%llx is "
				       "reserved by sbx (0x7b5bc0de to "
				       "0x7b5bc0e6 in either half)", e->rule,
				       e->name, a->index, (unsigned long long)
				       (uses_magic(a->value) ? a->value : a->mask));
		cmp[i] = (struct scmp_arg_cmp){
			.arg = a->index, .op = to_cmp(a->op),
			.datum_a = a->op == SBX__SECCOMP__OP__MASKED_EQ ? a->mask
									 : a->value,
			.datum_b = a->op == SBX__SECCOMP__OP__MASKED_EQ ? a->value
									 : 0};
	}
	r = seccomp_rule_add_array(ctx, act, e->nr, e->n_args, cmp);
	if (r < 0)
		return sbx_err(err, r, "seccomp.rules[%u]: %s%s%s: libseccomp "
			       "refused the rule: %s", e->rule, e->name,
			       e->group ? " in group " : "",
			       e->group ? e->group : "", strerror(-r));
	return 0;
}

/* The unconditional entry for nr, if any (at most one survives expansion). */
static const struct sc_entry *uncond(const struct sc_ruleset *rs, int nr)
{
	for (size_t i = 0; i < rs->n; i++)
		if (rs->v[i].nr == nr && rs->v[i].n_args == 0)
			return &rs->v[i];
	return NULL;
}

static uint32_t entry_act(const struct build *b, const struct sc_entry *e)
{
	return to_scmp(e->action, e->errnum, b->notify);
}

/* Places one entry in the main or the exceptions filter. */
static int place(struct build *b, const struct sc_entry *e)
{
	const struct sc_entry *u = uncond(b->rs, e->nr);
	uint32_t act = entry_act(b, e);
	char x[32], y[32];

	if (e->nr < 0)
		return 0; /* not a call of this architecture */
	if (e->n_args == 0)
		return act == b->def ? 0 : add(b->main, act, e, b->err);
	/* conditional */
	if (!u || entry_act(b, u) == b->def)
		return act == b->def ? 0 : add(b->main, act, e, b->err);
	if (act == entry_act(b, u))
		return 0;
	if (severity(act) > severity(entry_act(b, u)) &&
	    (act & SECCOMP_RET_ACTION_FULL) != SECCOMP_RET_USER_NOTIF) {
		b->n_extra++;
		return add(b->extra, act, e, b->err);
	}
	return sbx_err(b->err, -EINVAL, "seccomp.rules[%u]: %s: a condition "
		       "with action %s cannot refine the unconditional %s of "
		       "rules[%u] (conditions may only make a call stricter "
		       "than an unconditional rule for it, and never notify)",
		       e->rule, e->name,
		       sc_action_str(e->action, e->errnum, x, sizeof(x)),
		       sc_action_str(u->action, u->errnum, y, sizeof(y)), u->rule);
}

/* The payload's own last calls (see seccomp_filter.h), with placeholders
 * for its values. */
static int add_exec_path(struct build *b)
{
	struct {
		const char *name;
		unsigned n;
		struct scmp_arg_cmp cmp[3];
	} calls[] = {
		{"execve", 3, {SCMP_A0(SCMP_CMP_EQ, magic64(EXEC_PATH)),
			       SCMP_A1(SCMP_CMP_EQ, magic64(EXEC_ARGV)),
			       SCMP_A2(SCMP_CMP_EQ, magic64(EXEC_ENVP))}},
		{"sendmsg", 1, {SCMP_A0(SCMP_CMP_EQ, CHAN_FD_MAGIC)}},
		{"sendto", 1, {SCMP_A0(SCMP_CMP_EQ, CHAN_FD_MAGIC)}},
		{"exit_group", 0, {{0}}},
	};

	if (b->def == SCMP_ACT_ALLOW)
		return 0;
	for (size_t i = 0; i < sizeof(calls) / sizeof(calls[0]); i++) {
		int nr = seccomp_syscall_resolve_name(calls[i].name);
		int r;
		if (nr < 0 || uncond(b->rs, nr))
			continue;
		r = seccomp_rule_add_array(b->main, SCMP_ACT_ALLOW, nr,
					   calls[i].n, calls[i].cmp);
		if (r < 0)
			return sbx_err(b->err, r, "seccomp: allowing the "
				       "payload's own %s: %s", calls[i].name,
				       strerror(-r));
	}
	return 0;
}

static int export(scmp_filter_ctx ctx, struct sock_filter **ret,
		  unsigned short *ret_n, struct sbx_error *err)
{
	_cleanup_close_ int fd = memfd_create("sbx-seccomp", MFD_CLOEXEC);
	off_t size;
	int r;

	if (fd < 0)
		return sbx_err_errno(err, -errno, "memfd_create");
	if ((r = seccomp_export_bpf(ctx, fd)) < 0)
		return sbx_err_errno(err, r, "seccomp_export_bpf");
	size = lseek(fd, 0, SEEK_END);
	if (size <= 0 || size % sizeof(struct sock_filter) ||
	    size / sizeof(struct sock_filter) > BPF_MAXINSNS)
		return sbx_err(err, -E2BIG, "seccomp filter of %lld bytes: "
			       "more than %d instructions", (long long)size,
			       BPF_MAXINSNS);
	*ret = malloc((size_t)size);
	if (!*ret)
		return sbx_err(err, -ENOMEM, "seccomp filter");
	if (pread(fd, *ret, (size_t)size, 0) != size)
		return sbx_err_errno(err, -EIO, "reading the seccomp filter");
	*ret_n = (unsigned short)(size / sizeof(struct sock_filter));
	return 0;
}

static scmp_filter_ctx new_ctx(uint32_t def, uint32_t badarch, bool foreign)
{
	scmp_filter_ctx c = seccomp_init(def);

	if (!c)
		return NULL;
	if (seccomp_attr_set(c, SCMP_FLTATR_ACT_BADARCH, badarch) < 0 ||
	    seccomp_attr_set(c, SCMP_FLTATR_CTL_NNP, 0) < 0)
		goto fail;
	/* a binary search tree over the syscall numbers (libseccomp 2.5) */
	seccomp_attr_set(c, SCMP_FLTATR_CTL_OPTIMIZE, 2);
	if (foreign && seccomp_arch_native() == SCMP_ARCH_X86_64) {
		int r = seccomp_arch_add(c, SCMP_ARCH_X86);
		if (r < 0 && r != -EEXIST)
			goto fail;
		r = seccomp_arch_add(c, SCMP_ARCH_X32);
		if (r < 0 && r != -EEXIST)
			goto fail;
	}
	return c;
fail:
	seccomp_release(c);
	return NULL;
}

static bool uses_notify(const struct sock_filter *f, unsigned short n)
{
	for (unsigned short i = 0; i < n; i++)
		if (f[i].code == (BPF_RET | BPF_K) &&
		    (f[i].k & SECCOMP_RET_ACTION_FULL) == SECCOMP_RET_USER_NOTIF)
			return true;
	return false;
}

static int build_filters(struct build *b, struct scf_prog *ret)
{
	const Sbx__Seccomp *sc = b->sc;
	int r;

	b->main = new_ctx(b->def, SCMP_ACT_KILL_PROCESS, sc->allow_foreign_abis);
	b->extra = new_ctx(SCMP_ACT_ALLOW, SCMP_ACT_ALLOW, sc->allow_foreign_abis);
	if (!b->main || !b->extra)
		return sbx_err(b->err, -ENOMEM, "seccomp_init");
	for (size_t i = 0; i < b->rs->n; i++)
		if ((r = place(b, &b->rs->v[i])) < 0)
			return r;
	if ((r = add_exec_path(b)) < 0)
		return r;
	if ((r = export(b->main, &ret->main, &ret->n_main, b->err)) < 0)
		return r;
	/* without rules the exceptions filter would only cost time */
	if (b->n_extra == 0)
		return 0;
	return export(b->extra, &ret->extra, &ret->n_extra, b->err);
}

int scf_compile(const Sbx__Seccomp *sc, bool notify, struct scf_prog *ret,
		struct sbx_error *err)
{
	struct sc_ruleset rs = SC_RULESET_INIT;
	_cleanup_(ctx_releasep) scmp_filter_ctx main_ctx = NULL;
	_cleanup_(ctx_releasep) scmp_filter_ctx extra_ctx = NULL;
	uint64_t t0 = mono_usec();
	struct build b = {.sc = sc, .rs = &rs, .notify = notify, .err = err};
	int r;

	memset(ret, 0, sizeof(*ret));
	b.def = to_scmp(sc->default_action, sc->default_errnum, b.notify);
	if ((r = sc_expand(sc, &rs, err)) < 0)
		goto out;
	r = build_filters(&b, ret);
	main_ctx = b.main;
	extra_ctx = b.extra;
	if (r < 0)
		goto out;
	ret->listener = b.notify && uses_notify(ret->main, ret->n_main);
	ret->notify_fallback = !b.notify;
	ret->compile_usec = mono_usec() - t0;
out:
	sc_ruleset_free(&rs);
	if (r < 0)
		scf_prog_free(ret);
	return r;
}

/* Why the merged program answers as the stacked pair would: the kernel
 * keeps the most severe answer of the two, and place() puts a rule in the
 * exceptions filter only when it is more severe than the unconditional
 * rule the main filter has for that call, the only answer the main filter
 * can give it. So an exception that matches decides alone, and where none
 * matches (the exceptions filter's ALLOW, including for foreign
 * architectures) the main filter decides. */
int scf_merge(struct scf_prog *p)
{
	unsigned n = p->n_extra, total = (unsigned)p->n_extra + p->n_main;
	struct sock_filter *m;

	if (!n)
		return 0;
	if (total > BPF_MAXINSNS)
		return -E2BIG;
	for (unsigned i = 0; i < n; i++)
		if (BPF_CLASS(p->extra[i].code) == BPF_RET &&
		    p->extra[i].code != (BPF_RET | BPF_K))
			return -EINVAL;
	if (!(m = malloc(total * sizeof(*m))))
		return -ENOMEM;
	memcpy(m, p->extra, n * sizeof(*m));
	memcpy(m + n, p->main, p->n_main * sizeof(*m));
	/* every ALLOW of the exceptions jumps to the main program's start */
	for (unsigned i = 0; i < n; i++)
		if (m[i].code == (BPF_RET | BPF_K) && m[i].k == SECCOMP_RET_ALLOW)
			m[i] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JA,
							    n - 1 - i, 0, 0);
	free(p->main);
	free(p->extra);
	p->main = m;
	p->n_main = (unsigned short)total;
	p->extra = NULL;
	p->n_extra = 0;
	return 0;
}

struct scf_shared *scf_shared_new(void)
{
	void *m = mmap(NULL, sizeof(struct scf_shared), PROT_READ | PROT_WRITE,
		       MAP_SHARED | MAP_ANONYMOUS, -1, 0);

	return m == MAP_FAILED ? NULL : m;
}

int scf_shared_publish(struct scf_shared *s, const struct scf_prog *compiled)
{
	if (compiled->n_main > BPF_MAXINSNS || compiled->n_extra > BPF_MAXINSNS)
		return -E2BIG;
	s->prog = *compiled;
	s->prog.main = s->insns;
	memcpy(s->prog.main, compiled->main,
	       compiled->n_main * sizeof(struct sock_filter));
	s->prog.extra = NULL;
	if (compiled->n_extra) {
		s->prog.extra = s->insns + compiled->n_main;
		memcpy(s->prog.extra, compiled->extra,
		       compiled->n_extra * sizeof(struct sock_filter));
	}
	return 0;
}

void scf_shared_free(struct scf_shared *s)
{
	if (s)
		munmap(s, sizeof(*s));
}

void scf_prog_free(struct scf_prog *p)
{
	free(p->main);
	free(p->extra);
	memset(p, 0, sizeof(*p));
}

const char *scf_ret_name(uint32_t ret)
{
	switch (ret & SECCOMP_RET_ACTION_FULL) {
	case SECCOMP_RET_KILL_PROCESS:
		return "KILL_PROCESS";
	case SECCOMP_RET_KILL_THREAD:
		return "KILL_THREAD";
	case SECCOMP_RET_TRAP:
		return "TRAP";
	case SECCOMP_RET_ERRNO:
		return "ERRNO";
	case SECCOMP_RET_USER_NOTIF:
		return "USER_NOTIF";
	case SECCOMP_RET_TRACE:
		return "TRACE";
	case SECCOMP_RET_LOG:
		return "LOG";
	case SECCOMP_RET_ALLOW:
		return "ALLOW";
	default:
		return "?";
	}
}

/* Payload from here on: no allocation, no libseccomp. */

/* The value a placeholder k stands for (k itself if it is none). */
static uint32_t unmagic(uint32_t k, int chan_fd, const struct scf_exec *x)
{
	const void *ptrs[N_EXEC] = {x->path, x->argv, x->envp};

	if (k == CHAN_FD_MAGIC)
		return (uint32_t)chan_fd;
	for (int w = 0; w < N_EXEC; w++) {
		uint64_t v = (uintptr_t)ptrs[w];
		if (k == exec_magic[w][0])
			return (uint32_t)(v >> 32);
		if (k == exec_magic[w][1])
			return (uint32_t)v;
	}
	return k;
}

/* Rewrites one program in place: each placeholder becomes its value; with
 * no_notify, every USER_NOTIF answer becomes KILL_PROCESS. */
static void patch_one(struct sock_filter *f, unsigned short n, int chan_fd,
		      const struct scf_exec *x, bool no_notify)
{
	for (unsigned short i = 0; i < n; i++) {
		if (BPF_CLASS(f[i].code) == BPF_JMP &&
		    BPF_SRC(f[i].code) == BPF_K)
			f[i].k = unmagic(f[i].k, chan_fd, x);
		if (no_notify && f[i].code == (BPF_RET | BPF_K) &&
		    (f[i].k & SECCOMP_RET_ACTION_FULL) == SECCOMP_RET_USER_NOTIF)
			f[i].k = SECCOMP_RET_KILL_PROCESS;
	}
}

void scf_patch(struct scf_prog *p, int chan_fd, const struct scf_exec *x)
{
	patch_one(p->main, p->n_main, chan_fd, x, false);
	patch_one(p->extra, p->n_extra, chan_fd, x, false);
}

int scf_load(struct scf_prog *p, int chan_fd, const struct scf_exec *x,
	     struct setup_error *e)
{
	struct sock_fprog main_prog = {.len = p->n_main, .filter = p->main};
	struct sock_fprog extra_prog = {.len = p->n_extra, .filter = p->extra};
	int fd;

	scf_patch(p, chan_fd, x);
	/* The exceptions filter first: the main one may notify on seccomp()
	 * itself, and nobody would answer yet. Ties between filters go to the
	 * one loaded last, the main one. */
	if (p->n_extra &&
	    sys_seccomp(SECCOMP_SET_MODE_FILTER, 0, &extra_prog) < 0)
		return setup_fail(e, STEP_SECCOMP, errno, "seccomp("
				  "SECCOMP_SET_MODE_FILTER) exceptions filter");
	fd = sys_seccomp(SECCOMP_SET_MODE_FILTER,
			 p->listener ? SECCOMP_FILTER_FLAG_NEW_LISTENER : 0,
			 &main_prog);
	if (fd < 0 && p->listener && errno == EBUSY) {
		/* another listener above us: fall back to kill */
		patch_one(p->main, p->n_main, chan_fd, x, true);
		fd = sys_seccomp(SECCOMP_SET_MODE_FILTER, 0, &main_prog);
		p->listener = false;
	}
	if (fd < 0)
		return setup_fail(e, STEP_SECCOMP, errno,
				  "seccomp(SECCOMP_SET_MODE_FILTER) of %u "
				  "instructions", p->n_main);
	if (p->listener) {
		/* the listener is close-on-exec: it goes with the exec */
		int r = chan_send_fd(chan_fd, CHAN_SECCOMP_LISTENER, fd);
		if (r < 0)
			return setup_fail(e, STEP_SECCOMP, -r,
					  "sending the seccomp listener");
	}
	return 0;
}
