/* Syscall groups and rule expansion (broker). See syscall_groups.h. */
#include "syscall_groups.h"

#include <errno.h>
#include <seccomp.h>
#include <stdlib.h>
#include <string.h>

extern const uint8_t syscall_groups_packed[];
extern const size_t syscall_groups_packed_len;
extern const char *const syscall_group_names[];
extern const size_t syscall_group_count;

int sc_groups_load(Sbx__SyscallGroups **ret, struct sbx_error *err)
{
	/* packed at build time from syscall-groups.txtpb (sbx-pack) */
	*ret = sbx__syscall_groups__unpack(NULL, syscall_groups_packed_len,
					   syscall_groups_packed);
	return *ret ? 0 : sbx_err(err, -ENOMEM, "unpacking the syscall groups");
}

const Sbx__SyscallGroups__Group *sc_group_find(const Sbx__SyscallGroups *g,
					       const char *name)
{
	for (size_t i = 0; g && i < g->n_groups; i++)
		if (g->groups[i]->name && strcmp(g->groups[i]->name, name) == 0)
			return g->groups[i];
	return NULL;
}

bool sc_syscall_known(const char *name)
{
	return seccomp_syscall_resolve_name(name) != __NR_SCMP_ERROR;
}

static int check_args(Sbx__Seccomp__Arg *const *args, size_t n,
		      const char *where, struct sbx_error *err)
{
	unsigned seen = 0;

	if (n > SC_MAX_ARGS)
		return sbx_err(err, -EINVAL, "%s has more than %d argument "
			       "conditions", where, SC_MAX_ARGS);
	for (size_t j = 0; j < n; j++) {
		const Sbx__Seccomp__Arg *a = args[j];
		if (!a->has_index || a->index >= SC_MAX_ARGS)
			return sbx_err(err, -EINVAL, "%s.args[%zu].index must "
				       "be 0 to 5", where, j);
		if (seen & (1u << a->index))
			return sbx_err(err, -EINVAL, "%s.args[%zu]: argument %u "
				       "has two conditions (libseccomp takes one "
				       "per argument; split the rule)", where, j,
				       a->index);
		seen |= 1u << a->index;
		if (a->has_op && a->op == SBX__SECCOMP__OP__MASKED_EQ &&
		    !a->has_mask)
			return sbx_err(err, -EINVAL, "%s.args[%zu]: MASKED_EQ "
				       "needs a mask", where, j);
	}
	return 0;
}

/* By the names generated beside the packed groups: validation runs on
 * every run's path, and unpacking the groups costs a hundred
 * allocations. */
static bool group_defined(const char *name)
{
	for (size_t i = 0; i < syscall_group_count; i++)
		if (strcmp(syscall_group_names[i], name) == 0)
			return true;
	return false;
}

int sc_validate(const Sbx__Seccomp *sc, struct sbx_error *err)
{
	char where[64];
	int r;

	for (size_t i = 0; i < sc->n_rules; i++) {
		const Sbx__Seccomp__Rule *rule = sc->rules[i];
		snprintf(where, sizeof(where), "seccomp.rules[%zu]", i);
		for (size_t j = 0; j < rule->n_syscalls; j++)
			if (!sc_syscall_known(rule->syscalls[j]))
				return sbx_err(err, -EINVAL, "%s.syscalls[%zu] "
					       "(\"%.64s\") is not a known system "
					       "call", where, j, rule->syscalls[j]);
		for (size_t j = 0; j < rule->n_groups; j++)
			if (!group_defined(rule->groups[j]))
				return sbx_err(err, -EINVAL, "%s.groups[%zu] "
					       "(\"%.64s\") is not a syscall group "
					       "(`sbx policy syscalls` lists them)",
					       where, j, rule->groups[j]);
		if ((r = check_args(rule->args, rule->n_args, where, err)) < 0)
			return r;
	}
	return 0;
}

static bool same_args(const struct sc_entry *a, const struct sc_entry *b)
{
	if (a->n_args != b->n_args)
		return false;
	for (unsigned i = 0; i < a->n_args; i++)
		if (a->args[i].index != b->args[i].index ||
		    a->args[i].op != b->args[i].op ||
		    a->args[i].value != b->args[i].value ||
		    a->args[i].mask != b->args[i].mask)
			return false;
	return true;
}

static int add_args(struct sc_entry *e, Sbx__Seccomp__Arg *const *args,
		    size_t n, struct sbx_error *err)
{
	for (size_t j = 0; j < n; j++) {
		const Sbx__Seccomp__Arg *a = args[j];
		for (unsigned k = 0; k < e->n_args; k++)
			if (e->args[k].index == a->index)
				return sbx_err(err, -EINVAL, "seccomp.rules[%u]: "
					       "%s: argument %u has a condition "
					       "in the rule and in group %s",
					       e->rule, e->name, a->index,
					       e->group ? e->group : "?");
		if (e->n_args >= SC_MAX_ARGS)
			return sbx_err(err, -EINVAL, "seccomp.rules[%u]: too "
				       "many conditions", e->rule);
		e->args[e->n_args++] = (struct sc_arg){
			.index = a->index, .op = a->op, .value = a->value,
			.mask = a->has_mask ? a->mask : 0};
	}
	return 0;
}

/* Appends e, applying the override rule to earlier entries. Entries are
 * only moved once one is dropped: a policy expands to hundreds of them. */
static int push(struct sc_ruleset *rs, const struct sc_entry *e)
{
	size_t w = 0;

	for (size_t i = 0; i < rs->n; i++) {
		const struct sc_entry *o = &rs->v[i];
		if (o->nr == e->nr && (e->n_args == 0 || same_args(o, e)))
			continue;
		if (w != i)
			rs->v[w] = *o;
		w++;
	}
	rs->n = w;
	if (rs->n == rs->cap) {
		size_t cap = rs->cap ? rs->cap * 2 : 256;
		struct sc_entry *v = realloc(rs->v, cap * sizeof(*v));
		if (!v)
			return -ENOMEM;
		rs->v = v;
		rs->cap = cap;
	}
	rs->v[rs->n++] = *e;
	return 0;
}

static int push_name(struct sc_ruleset *rs, const char *name,
		     const Sbx__Seccomp__Rule *rule, unsigned idx,
		     const Sbx__Seccomp__Rule *grule, const char *group,
		     struct sbx_error *err)
{
	struct sc_entry e = {
		.name = name,
		.nr = seccomp_syscall_resolve_name(name),
		.action = rule->action,
		.errnum = rule->has_errnum ? rule->errnum : EPERM,
		.rule = idx,
		.group = group,
	};
	int r;

	if (e.nr == __NR_SCMP_ERROR)
		return sbx_err(err, -EINVAL, "seccomp.rules[%u]: \"%.64s\"%s%s "
			       "is not a known system call", idx, name,
			       group ? " in group " : "", group ? group : "");
	if (grule && grule->has_action) {
		e.action = grule->action;
		e.errnum = grule->has_errnum ? grule->errnum : EPERM;
	}
	if (grule && (r = add_args(&e, grule->args, grule->n_args, err)) < 0)
		return r;
	if ((r = add_args(&e, rule->args, rule->n_args, err)) < 0)
		return r;
	return push(rs, &e) < 0 ? sbx_err(err, -ENOMEM, "expanding seccomp "
					  "rules") : 0;
}

static int expand_group(struct sc_ruleset *rs, const Sbx__SyscallGroups__Group *g,
			const Sbx__Seccomp__Rule *rule, unsigned idx,
			struct sbx_error *err)
{
	int r;

	for (size_t k = 0; k < g->n_syscalls; k++)
		if ((r = push_name(rs, g->syscalls[k], rule, idx, NULL, g->name,
				   err)) < 0)
			return r;
	for (size_t k = 0; k < g->n_rules; k++) {
		const Sbx__Seccomp__Rule *gr = g->rules[k];
		for (size_t m = 0; m < gr->n_syscalls; m++)
			if ((r = push_name(rs, gr->syscalls[m], rule, idx, gr,
					   g->name, err)) < 0)
				return r;
	}
	return 0;
}

int sc_expand(const Sbx__Seccomp *sc, struct sc_ruleset *rs,
	      struct sbx_error *err)
{
	int r;

	if ((r = sc_groups_load(&rs->groups, err)) < 0)
		return r;
	if ((r = sc_validate(sc, err)) < 0)
		return r;
	for (size_t i = 0; i < sc->n_rules; i++) {
		const Sbx__Seccomp__Rule *rule = sc->rules[i];
		for (size_t j = 0; j < rule->n_syscalls; j++)
			if ((r = push_name(rs, rule->syscalls[j], rule,
					   (unsigned)i, NULL, NULL, err)) < 0)
				return r;
		for (size_t j = 0; j < rule->n_groups; j++) {
			const Sbx__SyscallGroups__Group *g =
				sc_group_find(rs->groups, rule->groups[j]);
			if ((r = expand_group(rs, g, rule, (unsigned)i, err)) < 0)
				return r;
		}
	}
	return 0;
}

void sc_ruleset_free(struct sc_ruleset *rs)
{
	free(rs->v);
	if (rs->groups)
		protobuf_c_message_free_unpacked(&rs->groups->base, NULL);
	*rs = (struct sc_ruleset)SC_RULESET_INIT;
}

const char *sc_action_str(Sbx__Seccomp__Action a, int errnum, char *buf,
			  size_t size)
{
	switch (a) {
	case SBX__SECCOMP__ACTION__ALLOW:
		return "allow";
	case SBX__SECCOMP__ACTION__LOG:
		return "log";
	case SBX__SECCOMP__ACTION__KILL:
		return "kill";
	case SBX__SECCOMP__ACTION__NOTIFY:
		return "notify";
	case SBX__SECCOMP__ACTION__ERRNO:
		snprintf(buf, size, "errno(%d)", errnum);
		return buf;
	default:
		return "?";
	}
}

static const char *op_str(Sbx__Seccomp__Op op)
{
	static const char *const ops[] = {
		[SBX__SECCOMP__OP__EQ] = "==", [SBX__SECCOMP__OP__NE] = "!=",
		[SBX__SECCOMP__OP__LT] = "<",  [SBX__SECCOMP__OP__LE] = "<=",
		[SBX__SECCOMP__OP__GT] = ">",  [SBX__SECCOMP__OP__GE] = ">=",
		[SBX__SECCOMP__OP__MASKED_EQ] = "==",
	};
	return (unsigned)op < sizeof(ops) / sizeof(ops[0]) && ops[op] ? ops[op]
								      : "?";
}

int sc_print(const Sbx__Seccomp *sc, FILE *f, struct sbx_error *err)
{
	struct sc_ruleset rs = SC_RULESET_INIT;
	char buf[32];
	int r;

	if (sc->has_enabled && !sc->enabled) {
		fputs("seccomp disabled: no filter\n", f);
		return 0;
	}
	if ((r = sc_expand(sc, &rs, err)) < 0)
		goto out;
	for (size_t i = 0; i < rs.n; i++) {
		const struct sc_entry *e = &rs.v[i];
		fprintf(f, "%-24s %-10s", e->name,
			sc_action_str(e->action, e->errnum, buf, sizeof(buf)));
		for (unsigned k = 0; k < e->n_args; k++) {
			const struct sc_arg *a = &e->args[k];
			fprintf(f, " %s arg%u", k ? "and" : "if", a->index);
			if (a->op == SBX__SECCOMP__OP__MASKED_EQ)
				fprintf(f, " & %#llx", (unsigned long long)a->mask);
			fprintf(f, " %s %#llx", op_str(a->op),
				(unsigned long long)a->value);
		}
		fprintf(f, "  (rules[%u]%s%s)%s\n", e->rule,
			e->group ? ", group " : "", e->group ? e->group : "",
			e->nr < 0 ? " [not on this architecture]" : "");
	}
	fprintf(f, "%-24s %s\n", "(default)",
		sc_action_str(sc->has_default_action ? sc->default_action :
			      SBX__SECCOMP__ACTION__KILL,
			      sc->has_default_errnum ? sc->default_errnum : ENOSYS,
			      buf, sizeof(buf)));
	fprintf(f, "%-24s %s\n", "(foreign ABIs)",
		sc->allow_foreign_abis ? "filtered like the native one"
				       : "kill (x32 and i386 on x86_64)");
	r = ferror(f) ? -EIO : 0;
out:
	sc_ruleset_free(&rs);
	return r;
}
