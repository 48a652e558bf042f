/* Device allow-lists for cgroup v1 and v2 (broker). */
#include "cgroup-devices.h"

#include <errno.h>
#include <linux/bpf.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "cleanup.h"

static const struct dev_rule base_rules[] = {
	{'c', 1, 3, "rwm"}, /* null */    {'c', 1, 5, "rwm"}, /* zero */
	{'c', 1, 7, "rwm"}, /* full */    {'c', 1, 8, "rwm"}, /* random */
	{'c', 1, 9, "rwm"}, /* urandom */ {'c', 5, 0, "rwm"}, /* tty */
	{'c', 5, 2, "rwm"}, /* ptmx */    {'c', 136, DEV_ANY, "rwm"}, /* pts */
};

int dev_rules(const Sbx__Policy *p, struct dev_rule out[DEV_MAX_RULES],
	      struct sbx_error *err)
{
	size_t n = ARRAY_SIZE(base_rules);

	memcpy(out, base_rules, sizeof(base_rules));
	for (size_t i = 0; i < p->n_devices; i++) {
		const Sbx__Device *d = p->devices[i];
		struct stat st;

		if (n >= DEV_MAX_RULES)
			return sbx_err(err, -E2BIG, "more than %d devices",
				       DEV_MAX_RULES);
		if (stat(d->path, &st) < 0)
			return sbx_err_errno(err, -errno, "device %s", d->path);
		if (!S_ISCHR(st.st_mode) && !S_ISBLK(st.st_mode))
			return sbx_err(err, -ENODEV, "device %s is not a device node",
				       d->path);
		out[n] = (struct dev_rule){
			.type = S_ISCHR(st.st_mode) ? 'c' : 'b',
			.major = (int)major(st.st_rdev),
			.minor = (int)minor(st.st_rdev),
		};
		snprintf(out[n].access, sizeof(out[n].access), "%s",
			 d->access ? d->access : "rw");
		n++;
	}
	return (int)n;
}

static void id_format(int id, char *buf, size_t size)
{
	if (id == DEV_ANY)
		snprintf(buf, size, "*");
	else
		snprintf(buf, size, "%d", id);
}

void dev_rule_format(const struct dev_rule *r, char *buf, size_t size)
{
	char maj[16], min[16];

	id_format(r->major, maj, sizeof(maj));
	id_format(r->minor, min, sizeof(min));
	snprintf(buf, size, "%c %s:%s %s", r->type, maj, min, r->access);
}

/* ---- the BPF program ---------------------------------------------------
 * r1 = struct bpf_cgroup_dev_ctx { u32 access_type, major, minor }, where
 * access_type = (BPF_DEVCG_ACC_* << 16) | BPF_DEVCG_DEV_*. One block per
 * rule: on a mismatch jump to the next block; a full match returns 1
 * (allow). Falling off the last block returns 0 (deny). */

#define INSN(c, d, s, o, i)                                                    \
	((struct bpf_insn){.code = (c), .dst_reg = (d), .src_reg = (s),        \
			   .off = (o), .imm = (i)})

enum { R0, R1, R2, R3, R4, R5, R6, R7 };

struct prog {
	struct bpf_insn insn[DEV_MAX_RULES * 8 + 16];
	size_t n;
};

static void emit(struct prog *p, struct bpf_insn i)
{
	p->insn[p->n++] = i;
}

static unsigned access_bits(const char *a)
{
	return (strchr(a, 'm') ? BPF_DEVCG_ACC_MKNOD : 0) |
	       (strchr(a, 'r') ? BPF_DEVCG_ACC_READ : 0) |
	       (strchr(a, 'w') ? BPF_DEVCG_ACC_WRITE : 0);
}

static void emit_rule(struct prog *p, const struct dev_rule *r)
{
	size_t jumps[4], nj = 0;
	int type = r->type == 'b' ? BPF_DEVCG_DEV_BLOCK : BPF_DEVCG_DEV_CHAR;

	jumps[nj++] = p->n;
	emit(p, INSN(BPF_JMP | BPF_JNE | BPF_K, R3, 0, 0, type));
	/* every access asked for must be among the rule's */
	emit(p, INSN(BPF_ALU64 | BPF_MOV | BPF_X, R7, R4, 0, 0));
	emit(p, INSN(BPF_ALU64 | BPF_AND | BPF_K, R7, 0, 0,
		     (int)~access_bits(r->access)));
	jumps[nj++] = p->n;
	emit(p, INSN(BPF_JMP | BPF_JNE | BPF_K, R7, 0, 0, 0));
	if (r->major != DEV_ANY) {
		jumps[nj++] = p->n;
		emit(p, INSN(BPF_JMP | BPF_JNE | BPF_K, R5, 0, 0, r->major));
	}
	if (r->minor != DEV_ANY) {
		jumps[nj++] = p->n;
		emit(p, INSN(BPF_JMP | BPF_JNE | BPF_K, R6, 0, 0, r->minor));
	}
	emit(p, INSN(BPF_ALU64 | BPF_MOV | BPF_K, R0, 0, 0, 1));
	emit(p, INSN(BPF_JMP | BPF_EXIT, 0, 0, 0, 0));
	for (size_t i = 0; i < nj; i++)
		p->insn[jumps[i]].off = (short)(p->n - jumps[i] - 1);
}

static void build(struct prog *p, const struct dev_rule *rules, size_t n)
{
	p->n = 0;
	emit(p, INSN(BPF_LDX | BPF_MEM | BPF_W, R2, R1, 0, 0));
	emit(p, INSN(BPF_ALU64 | BPF_MOV | BPF_X, R3, R2, 0, 0));
	emit(p, INSN(BPF_ALU64 | BPF_AND | BPF_K, R3, 0, 0, 0xffff));
	emit(p, INSN(BPF_ALU64 | BPF_MOV | BPF_X, R4, R2, 0, 0));
	emit(p, INSN(BPF_ALU64 | BPF_RSH | BPF_K, R4, 0, 0, 16));
	emit(p, INSN(BPF_LDX | BPF_MEM | BPF_W, R5, R1, 4, 0));
	emit(p, INSN(BPF_LDX | BPF_MEM | BPF_W, R6, R1, 8, 0));
	for (size_t i = 0; i < n; i++)
		emit_rule(p, &rules[i]);
	emit(p, INSN(BPF_ALU64 | BPF_MOV | BPF_K, R0, 0, 0, 0));
	emit(p, INSN(BPF_JMP | BPF_EXIT, 0, 0, 0, 0));
}

static int sys_bpf(int cmd, union bpf_attr *attr)
{
	return (int)syscall(SYS_bpf, cmd, attr, sizeof(*attr));
}

int dev_bpf_attach(int cgroup_fd, const struct dev_rule *rules, size_t n,
		   struct sbx_error *err)
{
	struct prog p;
	union bpf_attr load = {0}, attach = {0};
	_cleanup_close_ int prog = -1;

	if (n > DEV_MAX_RULES)
		return sbx_err(err, -E2BIG, "more than %d device rules",
			       DEV_MAX_RULES);
	build(&p, rules, n);
	load.prog_type = BPF_PROG_TYPE_CGROUP_DEVICE;
	load.insns = (uint64_t)(uintptr_t)p.insn;
	load.insn_cnt = (uint32_t)p.n;
	load.license = (uint64_t)(uintptr_t)"GPL";
	prog = sys_bpf(BPF_PROG_LOAD, &load);
	if (prog < 0)
		return sbx_err_errno(err, -errno, "cgroups: load the device "
				     "program (%zu instructions)", p.n);
	attach.target_fd = (uint32_t)cgroup_fd;
	attach.attach_bpf_fd = (uint32_t)prog;
	attach.attach_type = BPF_CGROUP_DEVICE;
	if (sys_bpf(BPF_PROG_ATTACH, &attach) < 0)
		return sbx_err_errno(err, -errno, "cgroups: attach the device "
				     "program");
	return 0;
}
