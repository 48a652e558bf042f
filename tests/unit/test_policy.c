/* Unit tests: policy loading, extends, merging, defaults and validation
 * (policies/policy.c, broker). */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "builtin.h"
#include "policy.h"
#include "textformat.h"

#define DATA SBX_SOURCE_DIR "/tests/data/policy"

/* ---- helpers ------------------------------------------------------------ */

static Sbx__Policy *load_ok(const char *ref)
{
	struct sbx_error err = { 0 };
	Sbx__Policy *p = NULL;
	int r = policy_load(ref, &p, &err);

	if (r < 0)
		fail_msg("policy_load(%s) = %d: %s", ref, r, err.msg);
	return p;
}

static Sbx__Policy *parse_ok(const char *text)
{
	struct sbx_error err = { 0 };
	Sbx__Policy *p = NULL;
	int r = policy_parse(text, strlen(text), false, "test", &p, &err);

	if (r < 0)
		fail_msg("policy_parse = %d: %s\n%s", r, err.msg, text);
	return p;
}

static void write_file(const char *path, const void *data, size_t len)
{
	FILE *f = fopen(path, "we");

	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
}

static void write_text(const char *dir, const char *name, const char *text)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	write_file(path, text, strlen(text));
}

/* Packs p into a malloc'ed buffer. */
static uint8_t *pack(const Sbx__Policy *p, size_t *ret_len)
{
	size_t len = sbx__policy__get_packed_size(p);
	uint8_t *buf = malloc(len ? len : 1);

	assert_non_null(buf);
	assert_int_equal(sbx__policy__pack(p, buf), len);
	*ret_len = len;
	return buf;
}

static void assert_same_policy(const Sbx__Policy *a, const Sbx__Policy *b)
{
	size_t la, lb;
	uint8_t *pa = pack(a, &la), *pb = pack(b, &lb);

	assert_int_equal(la, lb);
	assert_memory_equal(pa, pb, la);
	free(pa);
	free(pb);
}

struct tmpdir {
	char path[64];
	char files[16][64];
	size_t n;
};

static void tmpdir_make(struct tmpdir *t)
{
	memset(t, 0, sizeof(*t));
	strcpy(t->path, "/tmp/sbx-test-policy-XXXXXX");
	assert_non_null(mkdtemp(t->path));
}

static void tmpdir_add(struct tmpdir *t, const char *name, const char *text)
{
	assert_true(t->n < 16);
	snprintf(t->files[t->n++], sizeof(t->files[0]), "%s", name);
	write_text(t->path, name, text);
}

static void tmpdir_remove(struct tmpdir *t)
{
	char path[PATH_MAX];

	for (size_t i = 0; i < t->n; i++) {
		snprintf(path, sizeof(path), "%s/%s", t->path, t->files[i]);
		unlink(path);
	}
	rmdir(t->path);
}

/* ---- built-ins and extends ---------------------------------------------- */

static void test_builtins_load_and_validate(void **state)
{
	assert_true(builtin_policies_count >= 3);
	for (size_t i = 0; i < builtin_policies_count; i++) {
		struct sbx_error err = { 0 };
		Sbx__Policy *p = load_ok(builtin_policies[i].name);
		int r;

		assert_string_equal(p->name, builtin_policies[i].name);
		assert_null(p->extends);
		assert_non_null(p->description);
		r = policy_validate(p, &err);
		if (r < 0)
			fail_msg("%s: %s", builtin_policies[i].name, err.msg);
		r = policy_finalize(p, &err);
		if (r < 0)
			fail_msg("%s: %s", builtin_policies[i].name, err.msg);
		/* Built-ins enforce a seccomp filter that sends the rest to
		 * the broker. */
		assert_true(p->seccomp->has_enabled);
		assert_true(p->seccomp->enabled);
		assert_int_equal(p->seccomp->default_action,
				 SBX__SECCOMP__ACTION__NOTIFY);
		assert_true(p->seccomp->n_rules > 0);
		policy_free(p);
	}
	assert_non_null(builtin_find("strict"));
	assert_non_null(builtin_find("judge"));
	assert_non_null(builtin_find("build"));
}

static void test_judge_extends_strict(void **state)
{
	Sbx__Policy *judge = load_ok("judge");
	Sbx__Policy *strict = load_ok("strict");

	assert_string_equal(judge->name, "judge");
	assert_null(judge->extends);
	assert_string_equal(judge->description,
			    "online-judge submissions: strict plus threads and "
			    "language runtimes");
	/* judge's limits override strict's ... */
	assert_int_equal(judge->limits->cpu_time_ms, 5000);
	assert_int_equal(judge->limits->wall_time_ms, 15000);
	assert_int_equal(judge->limits->memory_bytes, 512u << 20);
	assert_int_equal(judge->limits->processes, 64);
	assert_int_equal(judge->limits->open_files, 256);
	assert_int_equal(judge->limits->stack_bytes, 256u << 20);
	assert_int_equal(judge->filesystem->write_layer_bytes, 64u << 20);
	/* ... the ones it leaves alone are strict's ... */
	assert_true(judge->limits->has_output_bytes);
	assert_int_equal(judge->limits->output_bytes,
			 strict->limits->output_bytes);
	assert_int_equal(judge->limits->file_size_bytes,
			 strict->limits->file_size_bytes);
	assert_true(judge->limits->has_core_bytes);
	assert_string_equal(judge->hostname, "sbx");
	assert_int_equal(judge->network->mode, strict->network->mode);
	assert_int_equal(judge->network->mode, SBX__NETWORK__MODE__LOOPBACK);
	/* ... and the lists are strict's (judge adds none). */
	assert_int_equal(judge->filesystem->n_hidden_paths,
			 strict->filesystem->n_hidden_paths);
	for (size_t i = 0; i < strict->filesystem->n_hidden_paths; i++)
		assert_string_equal(judge->filesystem->hidden_paths[i],
				    strict->filesystem->hidden_paths[i]);
	assert_int_equal(judge->filesystem->n_masked_paths,
			 strict->filesystem->n_masked_paths);
	assert_int_equal(judge->environment->n_set,
			 strict->environment->n_set);
	policy_free(judge);
	policy_free(strict);
}

static void test_relative_extends(void **state)
{
	char cwd[PATH_MAX];
	Sbx__Policy *p;

	/* From elsewhere: relative extends must follow the file, not cwd. */
	assert_non_null(getcwd(cwd, sizeof(cwd)));
	assert_int_equal(chdir("/"), 0);
	p = load_ok(DATA "/child.txtpb");
	assert_int_equal(chdir(cwd), 0);

	assert_string_equal(p->name, "child"); /* leaf has none: file stem */
	assert_null(p->extends);
	assert_string_equal(p->description, "parent in sub/");
	assert_string_equal(p->hostname, "grandparent");
	assert_int_equal(p->limits->processes, 3);
	assert_int_equal(p->limits->open_files, 32);
	assert_int_equal(p->limits->cpu_time_ms, 5000); /* judge */
	/* strict's hidden paths, then each level's, oldest first */
	size_t n = p->filesystem->n_hidden_paths;
	assert_true(n > 3);
	assert_string_equal(p->filesystem->hidden_paths[0], "/home");
	assert_string_equal(p->filesystem->hidden_paths[n - 3],
			    "/grandparent");
	assert_string_equal(p->filesystem->hidden_paths[n - 2], "/parent");
	assert_string_equal(p->filesystem->hidden_paths[n - 1], "/child");
	policy_free(p);
}

static void test_cycle(void **state)
{
	struct sbx_error err = { 0 };
	Sbx__Policy *p = NULL;
	char cwd[PATH_MAX];
	int r;

	assert_non_null(getcwd(cwd, sizeof(cwd)));
	assert_int_equal(chdir(DATA), 0);
	r = policy_load("cycle_a.txtpb", &p, &err);
	assert_int_equal(chdir(cwd), 0);
	assert_int_equal(r, -ELOOP);
	assert_null(p);
	assert_string_equal(err.msg, "policy extends cycle: cycle_a.txtpb -> "
				     "cycle_b.txtpb -> cycle_a.txtpb");

	r = policy_load(DATA "/self.txtpb", &p, &err);
	assert_int_equal(r, -ELOOP);
	assert_string_equal(err.msg, "policy extends cycle: " DATA
				     "/self.txtpb -> ./self.txtpb");
}

/* A chain of n extends hops: p0 -> p1 -> ... -> pn (pn extends nothing). */
static int load_chain_of(size_t hops, struct sbx_error *err,
			 Sbx__Policy **ret)
{
	struct tmpdir t;
	char name[32], text[256], path[PATH_MAX];
	int r;

	tmpdir_make(&t);
	for (size_t i = 0; i <= hops; i++) {
		snprintf(name, sizeof(name), "p%zu.txtpb", i);
		if (i < hops)
			snprintf(text, sizeof(text),
				 "name: \"p%zu\" extends: \"p%zu.txtpb\"\n"
				 "filesystem { hidden_paths: \"/p%zu\" }\n",
				 i, i + 1, i);
		else
			snprintf(text, sizeof(text),
				 "name: \"p%zu\" hostname: \"top\"\n", i);
		tmpdir_add(&t, name, text);
	}
	snprintf(path, sizeof(path), "%s/p0.txtpb", t.path);
	r = policy_load(path, ret, err);
	tmpdir_remove(&t);
	return r;
}

static void test_depth_limit(void **state)
{
	struct sbx_error err = { 0 };
	Sbx__Policy *p = NULL;

	assert_int_equal(load_chain_of(POLICY_MAX_EXTENDS, &err, &p), 0);
	assert_string_equal(p->name, "p0");
	assert_string_equal(p->hostname, "top");
	assert_int_equal(p->filesystem->n_hidden_paths, POLICY_MAX_EXTENDS);
	assert_string_equal(p->filesystem->hidden_paths[0],
			    "/p" "7"); /* top-most first */
	policy_free(p);
	p = NULL;

	assert_int_equal(load_chain_of(POLICY_MAX_EXTENDS + 1, &err, &p),
			 -ELOOP);
	assert_null(p);
	assert_non_null(strstr(err.msg, "policy extends chain deeper than 8: "));
	assert_non_null(strstr(err.msg, "p0.txtpb -> p1.txtpb -> "));
	assert_non_null(strstr(err.msg, "-> p9.txtpb"));
}

static void test_missing_and_unknown(void **state)
{
	struct sbx_error err = { 0 };
	Sbx__Policy *p = NULL;

	assert_int_equal(policy_load("/nonexistent/x.txtpb", &p, &err),
			 -ENOENT);
	assert_null(p);
	assert_string_equal(err.msg, "cannot read policy /nonexistent/x.txtpb: "
				     "No such file or directory");
	assert_non_null(strstr(err.hint, "built-in policies: "));
	assert_non_null(strstr(err.hint, "strict"));
	assert_non_null(strstr(err.hint, "judge"));
	assert_non_null(strstr(err.hint, "build"));

	assert_int_equal(policy_load("nosuch", &p, &err), -ENOENT);
	assert_string_equal(err.msg, "unknown policy 'nosuch'");
	assert_non_null(strstr(err.hint, "strict"));

	/* A name ending in .txtpb is a path, even without a '/'. */
	assert_int_equal(policy_load("nosuch.txtpb", &p, &err), -ENOENT);
	assert_string_equal(err.msg, "cannot read policy nosuch.txtpb: "
				     "No such file or directory");

	assert_int_equal(policy_load(DATA "/missing_parent.txtpb", &p, &err),
			 -ENOENT);
	assert_string_equal(err.msg, "cannot read policy " DATA
				     "/no_such_parent.txtpb: No such file or "
				     "directory");

	assert_int_equal(policy_load(DATA, &p, &err), -EISDIR);
	assert_string_equal(err.msg, "cannot read policy " DATA
				     ": Is a directory");

	assert_int_equal(policy_load("", &p, &err), -EINVAL);
	assert_null(p);
}

static void test_syntax_error_names_file(void **state)
{
	struct sbx_error err = { 0 };
	Sbx__Policy *p = NULL;

	assert_true(policy_load(DATA "/syntax_error.txtpb", &p, &err) < 0);
	assert_null(p);
	assert_non_null(strstr(err.msg, DATA "/syntax_error.txtpb:3:"));
}

static void test_too_large(void **state)
{
	struct tmpdir t;
	struct sbx_error err = { 0 };
	Sbx__Policy *p = NULL;
	char path[PATH_MAX];
	size_t len = TF_MAX_INPUT + 1;
	char *big = malloc(len + 1);

	assert_non_null(big);
	memset(big, '#', len);
	big[len] = '\0';
	tmpdir_make(&t);
	tmpdir_add(&t, "big.txtpb", big);
	free(big);
	snprintf(path, sizeof(path), "%s/big.txtpb", t.path);
	assert_int_equal(policy_load(path, &p, &err), -E2BIG);
	tmpdir_remove(&t);
	assert_null(p);
	assert_non_null(strstr(err.msg, "is larger than"));
}

static void test_binpb_round_trip(void **state)
{
	struct tmpdir t;
	struct sbx_error err = { 0 };
	Sbx__Policy *judge = load_ok("judge"), *back, *child;
	char path[PATH_MAX];
	uint8_t *buf;
	size_t len;

	assert_int_equal(policy_finalize(judge, &err), 0);
	buf = pack(judge, &len);
	tmpdir_make(&t);
	snprintf(path, sizeof(path), "%s/judge.binpb", t.path);
	t.n = 0;
	snprintf(t.files[t.n++], sizeof(t.files[0]), "judge.binpb");
	write_file(path, buf, len);
	free(buf);
	back = load_ok(path);
	assert_same_policy(judge, back);
	assert_string_equal(back->name, "judge");

	/* A binary policy extending a built-in and a text one extending the
	 * binary file. */
	Sbx__Policy ext = SBX__POLICY__INIT;
	ext.name = "ext";
	ext.extends = "strict";
	ext.hostname = "ext";
	buf = pack(&ext, &len);
	snprintf(path, sizeof(path), "%s/ext.binpb", t.path);
	snprintf(t.files[t.n++], sizeof(t.files[0]), "ext.binpb");
	write_file(path, buf, len);
	free(buf);
	tmpdir_add(&t, "My Leaf.v2.txtpb", "extends: \"ext.binpb\"\n");
	snprintf(path, sizeof(path), "%s/My Leaf.v2.txtpb", t.path);
	child = load_ok(path);
	/* Named after the file, folded into the name alphabet. */
	assert_string_equal(child->name, "my_leaf_v2");
	assert_int_equal(policy_validate(child, &err), 0);
	assert_string_equal(child->hostname, "ext");
	assert_int_equal(child->limits->processes, 16); /* strict */
	assert_null(child->extends);

	/* Garbage in a .binpb. */
	tmpdir_add(&t, "bad.binpb", "\xff\xff\xff\xff");
	snprintf(path, sizeof(path), "%s/bad.binpb", t.path);
	Sbx__Policy *bad = NULL;
	assert_int_equal(policy_load(path, &bad, &err), -EINVAL);
	assert_null(bad);
	assert_non_null(strstr(err.msg, "not a valid binary policy"));

	tmpdir_remove(&t);
	policy_free(judge);
	policy_free(back);
	policy_free(child);
}

/* ---- merge --------------------------------------------------------------- */

static void test_merge_repeated_append(void **state)
{
	struct sbx_error err = { 0 };
	Sbx__Policy *base = parse_ok(
		"name: \"base\"\n"
		"filesystem { hidden_paths: [\"/a\", \"/b\"]\n"
		"  mounts { type: BIND source: \"/src\" }\n"
		"}\n"
		"capabilities: \"chown\"\n"
		"environment { set { name: \"A\" value: \"1\" } }\n");
	Sbx__Policy *over = parse_ok(
		"filesystem { hidden_paths: \"/c\"\n"
		"  mounts { type: TMPFS destination: \"/t\" size_bytes: 4096 }\n"
		"}\n"
		"capabilities: [\"kill\", \"mknod\"]\n"
		"devices { path: \"/dev/fuse\" access: \"rw\" }\n"
		"environment { set { name: \"B\" value: \"2\" } pass: \"TERM\" }\n");

	assert_int_equal(policy_merge(base, over, &err), 0);
	/* The overlay goes away: everything must have been deep-copied. */
	policy_free(over);

	Sbx__Filesystem *fs = base->filesystem;
	assert_int_equal(fs->n_hidden_paths, 3);
	assert_string_equal(fs->hidden_paths[0], "/a");
	assert_string_equal(fs->hidden_paths[1], "/b");
	assert_string_equal(fs->hidden_paths[2], "/c");
	assert_int_equal(fs->n_mounts, 2);
	assert_int_equal(fs->mounts[0]->type, SBX__MOUNT__TYPE__BIND);
	assert_string_equal(fs->mounts[0]->source, "/src");
	assert_int_equal(fs->mounts[1]->type, SBX__MOUNT__TYPE__TMPFS);
	assert_string_equal(fs->mounts[1]->destination, "/t");
	assert_true(fs->mounts[1]->has_size_bytes);
	assert_int_equal(fs->mounts[1]->size_bytes, 4096);
	assert_int_equal(base->n_capabilities, 3);
	assert_string_equal(base->capabilities[2], "mknod");
	assert_int_equal(base->n_devices, 1);
	assert_string_equal(base->devices[0]->path, "/dev/fuse");
	assert_int_equal(base->environment->n_set, 2);
	assert_string_equal(base->environment->set[1]->name, "B");
	assert_string_equal(base->environment->set[1]->value, "2");
	assert_int_equal(base->environment->n_pass, 1);
	assert_string_equal(base->name, "base");
	policy_free(base);
}

static void test_merge_presence(void **state)
{
	struct sbx_error err = { 0 };
	Sbx__Policy *base = load_ok("strict");
	Sbx__Policy *over = parse_ok(
		"name: \"over\"\n"
		"hostname: \"other\"\n"
		"limits { swap_bytes: 0 output_bytes: 0 cpu_time_ms: 7 }\n"
		"filesystem { read_only_root: true }\n"
		"namespaces { net: false }\n"
		"network { mode: HOST }\n");
	uint64_t wall = base->limits->wall_time_ms;

	base->limits->has_swap_bytes = 1;
	base->limits->swap_bytes = 99;
	assert_int_equal(policy_merge(base, over, &err), 0);
	policy_free(over);
	/* Present in the overlay, even as zero or false: overrides. */
	assert_int_equal(base->limits->swap_bytes, 0);
	assert_true(base->limits->has_output_bytes);
	assert_int_equal(base->limits->output_bytes, 0);
	assert_int_equal(base->limits->cpu_time_ms, 7);
	assert_true(base->filesystem->read_only_root);
	assert_false(base->namespaces->net);
	assert_int_equal(base->network->mode, SBX__NETWORK__MODE__HOST);
	assert_string_equal(base->hostname, "other");
	assert_string_equal(base->name, "over");
	/* Absent from the overlay: the base's values stay. */
	assert_int_equal(base->limits->wall_time_ms, wall);
	assert_true(base->namespaces->pid);
	assert_int_equal(base->filesystem->write_layer_bytes, 16u << 20);
	assert_string_equal(base->description,
			    "one untrusted program: no network, read-only "
			    "system, tight limits");
	assert_int_equal(policy_finalize(base, &err), 0);
	policy_free(base);
}

static void test_merge_allocates_submessages(void **state)
{
	struct sbx_error err = { 0 };
	Sbx__Policy *base = parse_ok("name: \"empty\"\n");
	Sbx__Policy *over = load_ok("build");

	assert_null(base->limits);
	assert_int_equal(policy_merge(base, over, &err), 0);
	assert_same_policy(base, over); /* merging into empty = deep copy */
	policy_free(over);
	assert_int_equal(base->limits->processes, 1024);
	assert_int_equal(base->environment->n_pass, 7);
	policy_free(base);

	/* Merging a policy built in C (strings in static storage) copies
	 * them: freeing the result must not touch the originals. */
	Sbx__Limits lim = SBX__LIMITS__INIT;
	Sbx__Policy c = SBX__POLICY__INIT;
	char *hidden[] = { "/x", "/y" };
	Sbx__Filesystem fs = SBX__FILESYSTEM__INIT;
	lim.has_memory_bytes = 1;
	lim.memory_bytes = 2u << 20;
	fs.n_hidden_paths = 2;
	fs.hidden_paths = hidden;
	fs.workdir = "/w";
	c.limits = &lim;
	c.filesystem = &fs;
	c.hostname = "c";
	base = parse_ok("hostname: \"b\" filesystem { workdir: \"/old\" }");
	assert_int_equal(policy_merge(base, &c, &err), 0);
	assert_string_equal(base->hostname, "c");
	assert_ptr_not_equal(base->hostname, c.hostname);
	assert_ptr_not_equal(base->limits, &lim);
	assert_string_equal(base->filesystem->workdir, "/w");
	assert_ptr_not_equal(base->filesystem->hidden_paths[1], hidden[1]);
	policy_free(base);

	/* Merging into itself doubles the lists and changes nothing else. */
	base = load_ok("strict");
	size_t n = base->filesystem->n_hidden_paths;
	assert_int_equal(policy_merge(base, base, &err), 0);
	assert_int_equal(base->filesystem->n_hidden_paths, 2 * n);
	policy_free(base);
}

/* ---- defaults ------------------------------------------------------------- */

static void test_finalize_defaults(void **state)
{
	struct sbx_error err = { 0 };
	Sbx__Policy *p = parse_ok(
		"name: \"bare\"\n"
		"filesystem { mounts { type: TMPFS destination: \"/scratch\" }\n"
		"             mounts { type: RO_BIND source: \"/opt\" } }\n"
		"devices { path: \"/dev/fuse\" }\n"
		"seccomp { rules { action: ERRNO syscalls: \"ptrace\" } }\n");

	assert_int_equal(policy_finalize(p, &err), 0);
	Sbx__Namespaces *ns = p->namespaces;
	assert_true(ns->has_pid && ns->pid);
	assert_true(ns->has_mount && ns->mount);
	assert_true(ns->has_net && ns->net);
	assert_true(ns->has_ipc && ns->ipc);
	assert_true(ns->has_uts && ns->uts);
	assert_true(ns->has_cgroup && ns->cgroup);
	assert_true(ns->has_time && !ns->time);
	assert_int_equal(p->identity->uid, 1000);
	assert_int_equal(p->identity->gid, 1000);
	assert_string_equal(p->hostname, "sbx");

	Sbx__Filesystem *fs = p->filesystem;
	assert_int_equal(fs->n_layers, 1);
	assert_string_equal(fs->layers[0], "/");
	assert_true(fs->has_write_layer_bytes);
	assert_int_equal(fs->write_layer_bytes, 64u << 20);
	assert_true(fs->has_read_only_root && !fs->read_only_root);
	assert_string_equal(fs->workdir, "/");
	Sbx__Mount *t = fs->mounts[0], *b = fs->mounts[1];
	assert_true(t->has_mode);
	assert_int_equal(t->mode, 01777);
	assert_true(t->has_exec && !t->exec);
	assert_false(t->has_size_bytes);
	assert_true(b->has_exec && b->exec);
	assert_true(b->has_recursive && b->recursive);
	assert_true(b->has_optional && !b->optional);
	assert_false(b->has_mode);
	assert_string_equal(b->destination, "/opt");
	assert_string_equal(p->devices[0]->access, "rw");

	Sbx__Limits *l = p->limits;
	assert_false(l->has_cpu_time_ms);
	assert_false(l->has_wall_time_ms);
	assert_false(l->has_memory_bytes);
	assert_false(l->has_processes);
	assert_false(l->has_open_files);
	assert_false(l->has_cpu_quota_percent);
	assert_true(l->has_core_bytes);
	assert_int_equal(l->core_bytes, 0);
	assert_true(l->has_swap_bytes);
	assert_true(l->has_extra_time_ms);

	assert_true(p->seccomp->has_enabled && p->seccomp->enabled);
	assert_int_equal(p->seccomp->default_action,
			 SBX__SECCOMP__ACTION__KILL);
	assert_int_equal(p->seccomp->default_errnum, ENOSYS);
	assert_true(p->seccomp->has_allow_foreign_abis);
	assert_false(p->seccomp->allow_foreign_abis);
	assert_int_equal(p->seccomp->rules[0]->errnum, EPERM);
	assert_int_equal(p->network->mode, SBX__NETWORK__MODE__NONE);
	assert_true(p->environment->has_clear && p->environment->clear);
	assert_true(p->process->new_session);
	assert_true(p->process->die_with_parent);
	assert_true(p->process->forward_signals);
	assert_non_null(p->cgroup);
	assert_null(p->cgroup->parent);

	/* Idempotent. */
	Sbx__Policy *again = load_ok("strict");
	policy_free(again);
	size_t n1, n2;
	uint8_t *b1 = pack(p, &n1);
	assert_int_equal(policy_finalize(p, &err), 0);
	uint8_t *b2 = pack(p, &n2);
	assert_int_equal(n1, n2);
	assert_memory_equal(b1, b2, n1);
	free(b1);
	free(b2);
	policy_free(p);

	/* HOST networking without a namespaces.net: the default follows. */
	p = parse_ok("name: \"host\" network { mode: HOST }");
	assert_int_equal(policy_finalize(p, &err), 0);
	assert_false(p->namespaces->net);
	policy_free(p);

	/* Defaults never override what a policy says. */
	p = parse_ok("name: \"set\" hostname: \"h\" identity { uid: 0 }\n"
		     "namespaces { pid: false time: true }\n"
		     "filesystem { layers: [\"/img\", \"/base\"] workdir: \"/w\" "
		     "read_only_root: true write_layer_bytes: 0 }\n"
		     "seccomp { enabled: false default_action: ERRNO "
		     "default_errnum: 1 }\n");
	assert_int_equal(policy_finalize(p, &err), 0);
	assert_string_equal(p->hostname, "h");
	assert_int_equal(p->identity->uid, 0);
	assert_int_equal(p->identity->gid, 1000);
	assert_false(p->namespaces->pid);
	assert_true(p->namespaces->time);
	assert_int_equal(p->filesystem->n_layers, 2);
	assert_string_equal(p->filesystem->workdir, "/w");
	assert_int_equal(p->filesystem->write_layer_bytes, 0);
	assert_false(p->seccomp->enabled);
	assert_int_equal(p->seccomp->default_action,
			 SBX__SECCOMP__ACTION__ERRNO);
	assert_int_equal(p->seccomp->default_errnum, 1);
	policy_free(p);
}

/* ---- validation ---------------------------------------------------------- */

struct vcase {
	const char *overlay; /* merged over strict, then finalized */
	const char *msg;     /* expected err.msg; NULL: must pass */
};

#define D10 "0123456789"
#define H64 "abcd" D10 D10 D10 D10 D10 D10 /* 64 characters */

static const struct vcase vcases[] = {
	{ "limits { wall_time_ms: 1000 cpu_time_ms: 2000 }",
	  "policy t: limits.wall_time_ms (1000) is below limits.cpu_time_ms "
	  "(2000)" },
	{ "limits { wall_time_ms: 2000 cpu_time_ms: 2000 }", NULL },
	{ "limits { memory_bytes: 1048575 }",
	  "policy t: limits.memory_bytes (1048575) is below 1 MiB" },
	{ "limits { memory_bytes: 0 }",
	  "policy t: limits.memory_bytes (0) is below 1 MiB" },
	{ "limits { memory_bytes: 1048576 }", NULL },
	{ "limits { processes: 0 }",
	  "policy t: limits.processes is 0; leave it unset for no limit" },
	{ "limits { cpu_time_ms: 0 }",
	  "policy t: limits.cpu_time_ms is 0; leave it unset for no limit" },
	{ "limits { wall_time_ms: 0 }",
	  "policy t: limits.wall_time_ms is 0; leave it unset for no limit" },
	{ "limits { open_files: 0 }",
	  "policy t: limits.open_files is 0; leave it unset for no limit" },
	{ "limits { stack_bytes: 0 }",
	  "policy t: limits.stack_bytes is 0; leave it unset for no limit" },
	{ "limits { cpu_quota_percent: 0 }",
	  "policy t: limits.cpu_quota_percent is 0; leave it unset for no "
	  "limit" },
	{ "limits { output_bytes: 0 file_size_bytes: 0 swap_bytes: 0 "
	  "extra_time_ms: 0 core_bytes: 0 }", NULL },
	{ "filesystem { write_layer_bytes: 0 }",
	  "policy t: filesystem.write_layer_bytes is 0 with a writable root "
	  "(set read_only_root: true for no write layer)" },
	{ "filesystem { write_layer_bytes: 0 read_only_root: true }", NULL },
	{ "filesystem { layers: \"img\" }",
	  "policy t: filesystem.layers[0] (\"img\") is not an absolute path" },
	{ "filesystem { layers: [\"/img\", \"/a/../b\"] }",
	  "policy t: filesystem.layers[1] (\"/a/../b\") contains a \"..\" "
	  "component" },
	{ "filesystem { layers: [\"/a/..\"] }",
	  "policy t: filesystem.layers[0] (\"/a/..\") contains a \"..\" "
	  "component" },
	{ "filesystem { layers: [\"/a/..b/c..\", \"/.../x\"] }", NULL },
	{ "filesystem { workdir: \"tmp\" }",
	  "policy t: filesystem.workdir (\"tmp\") is not an absolute path" },
	{ "filesystem { workdir: \"\" }",
	  "policy t: filesystem.workdir (\"\") is not an absolute path" },
	{ "filesystem { masked_paths: \"etc/passwd\" }",
	  "policy t: filesystem.masked_paths[5] (\"etc/passwd\") is not an "
	  "absolute path" },
	{ "filesystem { hidden_paths: \"/../home\" }",
	  "policy t: filesystem.hidden_paths[17] (\"/../home\") contains a "
	  "\"..\" component" },
	{ "filesystem { mounts { source: \"/x\" } }",
	  "policy t: filesystem.mounts[0].type is required (BIND, RO_BIND or "
	  "TMPFS)" },
	{ "filesystem { mounts { type: BIND destination: \"/x\" } }",
	  "policy t: filesystem.mounts[0].source is required for a bind "
	  "mount" },
	{ "filesystem { mounts { type: RO_BIND source: \"/usr\" }\n"
	  "  mounts { type: TMPFS source: \"/x\" destination: \"/y\" } }",
	  "policy t: filesystem.mounts[1].source is set for a TMPFS mount, "
	  "which has no source" },
	{ "filesystem { mounts { type: TMPFS } }",
	  "policy t: filesystem.mounts[0].destination is required for a TMPFS "
	  "mount" },
	{ "filesystem { mounts { type: BIND source: \"/x\" destination: "
	  "\"y\" } }",
	  "policy t: filesystem.mounts[0].destination (\"y\") is not an "
	  "absolute path" },
	{ "filesystem { mounts { type: RO_BIND source: \"/x/../etc\" } }",
	  "policy t: filesystem.mounts[0].source (\"/x/../etc\") contains a "
	  "\"..\" component" },
	{ "filesystem { mounts { type: TMPFS destination: \"/t\" size_bytes: "
	  "0 } }",
	  "policy t: filesystem.mounts[0].size_bytes is 0 (leave it unset for "
	  "the tmpfs default)" },
	{ "filesystem { mounts { type: BIND source: \"/t\" size_bytes: 1 } }",
	  "policy t: filesystem.mounts[0].size_bytes is only meaningful for "
	  "TMPFS" },
	{ "filesystem { mounts { type: TMPFS destination: \"/t\" mode: "
	  "4096 } }",
	  "policy t: filesystem.mounts[0].mode (010000) is not a permission "
	  "mode" },
	{ "filesystem { mounts { type: TMPFS destination: \"/t\" size_bytes: "
	  "1048576 mode: 448 }\n mounts { type: BIND source: \"/srv\" "
	  "destination: \"/data\" optional: true } }", NULL },
	{ "environment { set { name: \"\" value: \"x\" } }",
	  "policy t: environment.set[3] has an empty name" },
	{ "environment { set { value: \"x\" } }",
	  "policy t: environment.set[3] has an empty name" },
	{ "environment { set { name: \"A=B\" value: \"x\" } }",
	  "policy t: environment.set[3] (\"A=B\") contains '='" },
	{ "environment { pass: [\"TERM\", \"X=Y\"] }",
	  "policy t: environment.pass[1] (\"X=Y\") contains '='" },
	{ "environment { pass: \"\" }",
	  "policy t: environment.pass[0] has an empty name" },
	{ "hostname: \"" H64 "x\"",
	  "policy t: hostname (\"" H64 "x\") must be 1 to 64 characters" },
	{ "hostname: \"" H64 "\"", NULL },
	{ "hostname: \"\"",
	  "policy t: hostname (\"\") must be 1 to 64 characters" },
	{ "hostname: \"bad_host\"",
	  "policy t: hostname (\"bad_host\") may contain only letters, digits, "
	  "'-' and '.'" },
	{ "hostname: \"a b\"",
	  "policy t: hostname (\"a b\") may contain only letters, digits, '-' "
	  "and '.'" },
	{ "hostname: \"-a\"",
	  "policy t: hostname (\"-a\") has an empty label or one starting or "
	  "ending with '-'" },
	{ "hostname: \"a..b\"",
	  "policy t: hostname (\"a..b\") has an empty label or one starting or "
	  "ending with '-'" },
	{ "hostname: \"a.\"", "policy t: hostname (\"a.\") ends with '.'" },
	{ "hostname: \"judge-1.example\"", NULL },
	{ "capabilities: [\"net_bind_service\", \"CAP_SYS_ADMIN\"]",
	  "policy t: capabilities[1] (\"CAP_SYS_ADMIN\") is not a Linux "
	  "capability name (without CAP_, e.g. \"net_bind_service\")" },
	{ "capabilities: \"sys_admn\"",
	  "policy t: capabilities[0] (\"sys_admn\") is not a Linux capability "
	  "name (without CAP_, e.g. \"net_bind_service\")" },
	{ "capabilities: [\"chown\", \"checkpoint_restore\", \"bpf\"]", NULL },
	{ "seccomp { rules { syscalls: \"read\" } }",
	  "policy t: seccomp.rules[0].action is required" },
	{ "seccomp { rules { action: ALLOW } }",
	  "policy t: seccomp.rules[0] names no syscalls and no groups" },
	{ "seccomp { rules { action: ALLOW syscalls: \"read\" args { index: 6 "
	  "op: EQ value: 1 } } }",
	  "policy t: seccomp.rules[0].args[0].index must be 0 to 5" },
	{ "seccomp { rules { action: ALLOW syscalls: \"read\" args { index: 5 "
	  "} } }",
	  "policy t: seccomp.rules[0].args[0].op is required" },
	{ "seccomp { rules { action: ERRNO errnum: 0 syscalls: \"read\" } }",
	  "policy t: seccomp.rules[0].errnum (0) is not an errno (1 to 4095)" },
	{ "seccomp { rules { action: KILL syscalls: \"Read!\" } }",
	  "policy t: seccomp.rules[0].syscalls[0] (\"Read!\") is not a syscall "
	  "name" },
	{ "seccomp { default_errnum: 0 }",
	  "policy t: seccomp.default_errnum (0) is not an errno (1 to 4095)" },
	{ "seccomp { enabled: true default_action: ERRNO rules { action: "
	  "ALLOW syscalls: [\"read\", \"write\"] groups: \"basic_io\" args { "
	  "index: 0 op: MASKED_EQ value: 1 mask: 3 } } }", NULL },
	{ "identity { uid: 4294967295 }",
	  "policy t: identity.uid (4294967295) is not a valid uid" },
	{ "identity { gid: 4294967295 }",
	  "policy t: identity.gid (4294967295) is not a valid gid" },
	{ "identity { uid: 0 gid: 4294967294 }", NULL },
	{ "network { mode: HOST }",
	  "policy t: network.mode HOST shares the caller's network, but "
	  "namespaces.net is true" },
	{ "network { mode: HOST } namespaces { net: false }", NULL },
	{ "network { mode: LOOPBACK } namespaces { net: false }",
	  "policy t: network.mode LOOPBACK needs a network namespace, but "
	  "namespaces.net is false" },
	{ "devices { path: \"dev/null\" }",
	  "policy t: devices[0].path (\"dev/null\") is not an absolute path" },
	{ "devices { access: \"r\" }",
	  "policy t: devices[0].path (\"\") is not an absolute path" },
	{ "devices { path: \"/dev/fuse\" access: \"rx\" }",
	  "policy t: devices[0].access (\"rx\") must be made of r, w and m" },
	{ "devices { path: \"/dev/fuse\" access: \"\" }",
	  "policy t: devices[0].access (\"\") must be made of r, w and m" },
	{ "devices { path: \"/dev/fuse\" access: \"rwm\" }", NULL },
	{ "cgroup { parent: \"judge/../..\" }",
	  "policy t: cgroup.parent (\"judge/../..\") contains a \"..\" "
	  "component" },
	{ "cgroup { parent: \"judge.slice/runs\" }", NULL },
};

static void test_validation_messages(void **state)
{
	for (size_t i = 0; i < sizeof(vcases) / sizeof(vcases[0]); i++) {
		const struct vcase *c = &vcases[i];
		struct sbx_error err = { 0 };
		Sbx__Policy *p = load_ok("strict");
		Sbx__Policy *o = parse_ok(c->overlay);
		int r;

		/* without strict's seccomp rules, messages index the overlay's
		 * from 0 */
		for (size_t j = 0; j < p->seccomp->n_rules; j++)
			protobuf_c_message_free_unpacked(
				&p->seccomp->rules[j]->base, NULL);
		p->seccomp->n_rules = 0;

		free(o->name);
		o->name = strdup("t");
		assert_int_equal(policy_merge(p, o, &err), 0);
		policy_free(o);
		r = policy_finalize(p, &err);
		if (!c->msg && r != 0)
			fail_msg("case %zu (%s): unexpected error %d: %s", i,
				 c->overlay, r, err.msg);
		if (c->msg && (r != -EINVAL || strcmp(err.msg, c->msg) != 0))
			fail_msg("case %zu (%s): got %d \"%s\", want -EINVAL "
				 "\"%s\"", i, c->overlay, r, err.msg, c->msg);
		policy_free(p);
	}
}

static void test_validation_in_c(void **state)
{
	struct sbx_error err = { 0 };
	Sbx__Policy *p = load_ok("strict");

	/* Out-of-range enums can arrive through .binpb (protobuf-c does not
	 * check them). */
	p->network->mode = 42;
	assert_int_equal(policy_validate(p, &err), -EINVAL);
	assert_string_equal(err.msg,
			    "policy strict: network.mode (42) is not a known "
			    "mode");
	p->network->mode = SBX__NETWORK__MODE__NONE;
	p->seccomp->has_default_action = 1;
	p->seccomp->default_action = 0;
	assert_int_equal(policy_validate(p, &err), -EINVAL);
	assert_string_equal(err.msg, "policy strict: seccomp.default_action "
				     "(0) is not a known action");
	p->seccomp->default_action = SBX__SECCOMP__ACTION__KILL;

	free(p->name);
	p->name = strdup("Bad Name");
	assert_int_equal(policy_validate(p, &err), -EINVAL);
	assert_string_equal(err.msg,
			    "policy Bad Name: name (\"Bad Name\") may contain "
			    "only a-z, 0-9, '_' and '-'");
	free(p->name);
	p->name = NULL;
	p->limits->cpu_time_ms = 99999;
	assert_int_equal(policy_validate(p, &err), -EINVAL);
	assert_string_equal(err.msg,
			    "policy (unnamed): limits.wall_time_ms (30000) is "
			    "below limits.cpu_time_ms (99999)");
	policy_free(p);

	assert_int_equal(policy_validate(NULL, &err), -EINVAL);
	assert_int_equal(policy_finalize(NULL, NULL), -EINVAL);
	assert_int_equal(policy_merge(NULL, NULL, NULL), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_builtins_load_and_validate),
		cmocka_unit_test(test_judge_extends_strict),
		cmocka_unit_test(test_relative_extends),
		cmocka_unit_test(test_cycle),
		cmocka_unit_test(test_depth_limit),
		cmocka_unit_test(test_missing_and_unknown),
		cmocka_unit_test(test_syntax_error_names_file),
		cmocka_unit_test(test_too_large),
		cmocka_unit_test(test_binpb_round_trip),
		cmocka_unit_test(test_merge_repeated_append),
		cmocka_unit_test(test_merge_presence),
		cmocka_unit_test(test_merge_allocates_submessages),
		cmocka_unit_test(test_finalize_defaults),
		cmocka_unit_test(test_validation_messages),
		cmocka_unit_test(test_validation_in_c),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
