/* Policies: loading, `extends`, merging, defaults and validation (broker).
 *
 * Four separate passes, each usable alone:
 *   load      - read a built-in or a file, parse it, resolve `extends`;
 *   merge     - generic over the protobuf-c descriptors, so a field added to
 *               sbx.proto merges correctly without touching this file;
 *   finalize  - fill the defaults documented in sbx.proto;
 *   validate  - reject impossible settings with one line naming the field.
 *
 * Every message this file allocates comes from malloc, field by field, the
 * way protobuf_c_message_unpack does with the default allocator, so a policy
 * is always freed with protobuf_c_message_free_unpacked (policy_free) whether
 * it was unpacked, parsed, merged or finalized. */
#include "policy.h"
#include "pb-util.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "builtin.h"
#include "cleanup.h"
#include "syscall_groups.h"
#include "textformat.h"

/* Largest policy file read; the text parser refuses more anyway. */
#define POLICY_MAX_FILE TF_MAX_INPUT

static void policy_freep(Sbx__Policy **p)
{
	policy_free(*p);
}
#define _cleanup_policy_ _cleanup_(policy_freep)

void policy_free(Sbx__Policy *p)
{
	if (p)
		protobuf_c_message_free_unpacked(&p->base, NULL);
}

/* ------------------------------------------------------------------------ */
/* Merging                                                                   */

#define MEMBER(msg, off) ((void *)((char *)(msg) + (off)))
#define CMEMBER(msg, off) ((const void *)((const char *)(msg) + (off)))

static int merge_message(ProtobufCMessage *base,
			 const ProtobufCMessage *overlay);

/* A fresh, initialised, empty message of type desc, malloc'ed like unpack
 * does so that free_unpacked can release it. */
static ProtobufCMessage *message_new(const ProtobufCMessageDescriptor *desc)
{
	ProtobufCMessage *m = malloc(desc->sizeof_message);

	if (m)
		desc->message_init(m);
	return m;
}

/* Deep-copies one value (string, bytes, message or plain scalar) from src to
 * dst, both pointing at storage of pb_value_size(f->type) bytes. dst must not own
 * anything (the caller frees what was there). */
static int copy_value(const ProtobufCFieldDescriptor *f, void *dst,
		      const void *src)
{
	switch (f->type) {
	case PROTOBUF_C_TYPE_STRING: {
		const char *s = *(char *const *)src;
		char *copy = NULL;

		if (s) {
			copy = strdup(s);
			if (!copy)
				return -ENOMEM;
		}
		*(char **)dst = copy;
		return 0;
	}
	case PROTOBUF_C_TYPE_BYTES: {
		const ProtobufCBinaryData *b = src;
		ProtobufCBinaryData copy = { .len = b->len, .data = NULL };

		if (b->len > 0) {
			copy.data = malloc(b->len);
			if (!copy.data)
				return -ENOMEM;
			memcpy(copy.data, b->data, b->len);
		}
		*(ProtobufCBinaryData *)dst = copy;
		return 0;
	}
	case PROTOBUF_C_TYPE_MESSAGE: {
		const ProtobufCMessage *m = *(ProtobufCMessage *const *)src;
		ProtobufCMessage *copy = NULL;

		if (m) {
			/* Merging into an empty message is a deep copy. */
			copy = message_new(f->descriptor);
			if (!copy)
				return -ENOMEM;
			int r = merge_message(copy, m);
			if (r < 0) {
				protobuf_c_message_free_unpacked(copy, NULL);
				return r;
			}
		}
		*(ProtobufCMessage **)dst = copy;
		return 0;
	}
	default:
		memcpy(dst, src, pb_value_size(f->type));
		return 0;
	}
}

/* Releases what a singular value owns, the way free_unpacked would: string
 * and bytes defaults point at static storage in the descriptor and are never
 * freed. */
static void free_value(const ProtobufCFieldDescriptor *f, void *v)
{
	switch (f->type) {
	case PROTOBUF_C_TYPE_STRING: {
		char *s = *(char **)v;
		if (s && s != f->default_value)
			free(s);
		*(char **)v = NULL;
		break;
	}
	case PROTOBUF_C_TYPE_BYTES: {
		ProtobufCBinaryData *b = v;
		const ProtobufCBinaryData *def = f->default_value;
		if (b->data && (!def || b->data != def->data))
			free(b->data);
		b->data = NULL;
		b->len = 0;
		break;
	}
	case PROTOBUF_C_TYPE_MESSAGE: {
		ProtobufCMessage *m = *(ProtobufCMessage **)v;
		if (m && (const void *)m != f->default_value)
			protobuf_c_message_free_unpacked(m, NULL);
		*(ProtobufCMessage **)v = NULL;
		break;
	}
	default:
		break;
	}
}

/* Whether a singular field is set in msg: the has_ flag for optional
 * scalars, a non-default pointer for strings and messages, the case for
 * oneof members, non-zero for proto3 fields without presence. */
static bool field_present(const ProtobufCFieldDescriptor *f,
			  const ProtobufCMessage *msg)
{
	const void *v = CMEMBER(msg, f->offset);

	if (f->flags & PROTOBUF_C_FIELD_FLAG_ONEOF)
		return *(const uint32_t *)CMEMBER(msg, f->quantifier_offset) ==
		       f->id;
	if (f->label == PROTOBUF_C_LABEL_REQUIRED)
		return true;
	switch (f->type) {
	case PROTOBUF_C_TYPE_STRING:
	case PROTOBUF_C_TYPE_MESSAGE: {
		const void *ptr = *(const void *const *)v;
		if (!ptr || ptr == f->default_value)
			return false;
		if (f->label == PROTOBUF_C_LABEL_NONE &&
		    f->type == PROTOBUF_C_TYPE_STRING)
			return *(const char *)ptr != '\0';
		return true;
	}
	default:
		break;
	}
	if (f->label == PROTOBUF_C_LABEL_OPTIONAL)
		return *(const protobuf_c_boolean *)CMEMBER(
			msg, f->quantifier_offset);
	/* proto3 implicit presence: set means non-zero. */
	if (f->type == PROTOBUF_C_TYPE_BYTES)
		return ((const ProtobufCBinaryData *)v)->len > 0;
	static const char zero[sizeof(ProtobufCBinaryData)];
	return memcmp(v, zero, pb_value_size(f->type)) != 0;
}

/* Marks a singular field as set after its value was stored. */
static void field_set_present(const ProtobufCFieldDescriptor *f,
			      ProtobufCMessage *msg)
{
	if (f->flags & PROTOBUF_C_FIELD_FLAG_ONEOF)
		*(uint32_t *)MEMBER(msg, f->quantifier_offset) = f->id;
	else if (f->label == PROTOBUF_C_LABEL_OPTIONAL &&
		 f->type != PROTOBUF_C_TYPE_STRING &&
		 f->type != PROTOBUF_C_TYPE_MESSAGE)
		*(protobuf_c_boolean *)MEMBER(msg, f->quantifier_offset) = 1;
}

/* Finds the descriptor of the oneof member currently set in msg (the member
 * sharing f's storage), or NULL. */
static const ProtobufCFieldDescriptor *
oneof_current(const ProtobufCMessageDescriptor *desc,
	      const ProtobufCFieldDescriptor *f, const ProtobufCMessage *msg)
{
	uint32_t id = *(const uint32_t *)CMEMBER(msg, f->quantifier_offset);

	if (id == 0)
		return NULL;
	return protobuf_c_message_descriptor_get_field(desc, id);
}

static int merge_repeated(const ProtobufCFieldDescriptor *f,
			  ProtobufCMessage *base,
			  const ProtobufCMessage *overlay)
{
	size_t *n_base = MEMBER(base, f->quantifier_offset);
	size_t n_over = *(const size_t *)CMEMBER(overlay, f->quantifier_offset);
	void **arr_base = MEMBER(base, f->offset);
	const char *arr_over;
	size_t size = pb_value_size(f->type), total;
	char *arr;

	if (n_over == 0)
		return 0;
	if (__builtin_add_overflow(*n_base, n_over, &total) ||
	    total > SIZE_MAX / size)
		return -ENOMEM;
	arr = realloc(*arr_base, total * size);
	if (!arr)
		return -ENOMEM;
	*arr_base = arr;
	/* Read only now: when base and overlay are the same message, realloc
	 * may just have moved the overlay's array. */
	arr_over = *(char *const *)CMEMBER(overlay, f->offset);
	/* Count each copy as it lands, so a failure halfway leaves a message
	 * free_unpacked can still release. */
	for (size_t i = 0; i < n_over; i++) {
		int r = copy_value(f, arr + *n_base * size, arr_over + i * size);
		if (r < 0)
			return r;
		(*n_base)++;
	}
	return 0;
}

static int merge_singular(const ProtobufCMessageDescriptor *desc,
			  const ProtobufCFieldDescriptor *f,
			  ProtobufCMessage *base,
			  const ProtobufCMessage *overlay)
{
	void *dst = MEMBER(base, f->offset);
	const void *src = CMEMBER(overlay, f->offset);
	char tmp[sizeof(ProtobufCBinaryData)];
	int r;

	if (f->flags & PROTOBUF_C_FIELD_FLAG_ONEOF) {
		/* Another member of the same oneof is set in base: it goes,
		 * since only one may be present. */
		const ProtobufCFieldDescriptor *cur =
			oneof_current(desc, f, base);
		if (cur && cur != f) {
			free_value(cur, dst);
			memset(dst, 0, pb_value_size(cur->type));
			*(uint32_t *)MEMBER(base, f->quantifier_offset) = 0;
		}
	}

	if (f->type == PROTOBUF_C_TYPE_MESSAGE) {
		ProtobufCMessage **sub = dst;

		if (!field_present(f, base)) {
			*sub = message_new(f->descriptor);
			if (!*sub)
				return -ENOMEM;
			field_set_present(f, base);
		}
		return merge_message(*sub,
				     *(ProtobufCMessage *const *)src);
	}

	/* Copy first, then release the old value: on failure base is
	 * unchanged. */
	r = copy_value(f, tmp, src);
	if (r < 0)
		return r;
	free_value(f, dst);
	memcpy(dst, tmp, pb_value_size(f->type));
	field_set_present(f, base);
	return 0;
}

/* Merges overlay into base, both of the same type (see policy.h). Unknown
 * fields of overlay are not carried over. */
static int merge_message(ProtobufCMessage *base,
			 const ProtobufCMessage *overlay)
{
	const ProtobufCMessageDescriptor *desc = base->descriptor;

	if (overlay->descriptor != desc)
		return -EINVAL;
	for (unsigned i = 0; i < desc->n_fields; i++) {
		const ProtobufCFieldDescriptor *f = &desc->fields[i];
		int r;

		if (f->label == PROTOBUF_C_LABEL_REPEATED)
			r = merge_repeated(f, base, overlay);
		else if (field_present(f, overlay))
			r = merge_singular(desc, f, base, overlay);
		else
			r = 0;
		if (r < 0)
			return r;
	}
	return 0;
}

int policy_merge(Sbx__Policy *base, const Sbx__Policy *overlay,
		 struct sbx_error *err)
{
	int r;

	if (!base || !overlay)
		return sbx_err(err, -EINVAL, "policy_merge: no policy given");
	r = merge_message(&base->base, &overlay->base);
	if (r == -ENOMEM)
		return sbx_err_errno(err, r, "merging policy %s into %s",
				     overlay->name ? overlay->name : "(unnamed)",
				     base->name ? base->name : "(unnamed)");
	if (r < 0)
		return sbx_err(err, r, "merging policies of different types");
	return 0;
}

/* ------------------------------------------------------------------------ */
/* Loading                                                                   */

static bool has_suffix(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n >= m && strcmp(s + n - m, suffix) == 0;
}

static bool is_path(const char *ref)
{
	return strchr(ref, '/') || has_suffix(ref, ".txtpb") ||
	       has_suffix(ref, ".binpb");
}

/* "strict, judge, build", for hints. */
static void builtin_names(char *buf, size_t size)
{
	size_t used = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < builtin_policies_count && used < size; i++) {
		int n = snprintf(buf + used, size - used, "%s%s",
				 i ? ", " : "", builtin_policies[i].name);
		if (n < 0)
			break;
		used += (size_t)n;
	}
}

static void hint_builtins(struct sbx_error *err)
{
	char names[256];

	builtin_names(names, sizeof(names));
	sbx_err_hint(err, "built-in policies: %s; a path must contain '/' or "
			  "end in .txtpb or .binpb", names);
}

int policy_parse(const char *data, size_t len, bool binary,
		 const char *filename, Sbx__Policy **ret,
		 struct sbx_error *err)
{
	ProtobufCMessage *m = NULL;
	int r;

	if (binary) {
		Sbx__Policy *p = sbx__policy__unpack(NULL, len,
						     (const uint8_t *)data);
		if (!p)
			return sbx_err(err, -EINVAL,
				       "%s: not a valid binary policy (sbx.Policy "
				       "in protobuf wire format)", filename);
		*ret = p;
		return 0;
	}
	r = tf_parse(&sbx__policy__descriptor, data, len, filename, &m, err);
	if (r < 0)
		return r;
	*ret = (Sbx__Policy *)m;
	return 0;
}

/* Reads a whole policy file, refusing anything but a regular file of at most
 * POLICY_MAX_FILE bytes. Returns the data NUL-terminated, and the identity of
 * the file for cycle detection. */
static int read_policy_file(const char *path, char **ret_data, size_t *ret_len,
			    dev_t *ret_dev, ino_t *ret_ino,
			    struct sbx_error *err)
{
	_cleanup_close_ int fd = -1;
	_cleanup_free_ char *buf = NULL;
	struct stat st;
	size_t len = 0;

	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0) {
		int r = sbx_err_errno(err, -errno, "cannot read policy %s",
				      path);
		hint_builtins(err);
		return r;
	}
	if (fstat(fd, &st) < 0)
		return sbx_err_errno(err, -errno, "cannot read policy %s", path);
	if (S_ISDIR(st.st_mode))
		return sbx_err_errno(err, -EISDIR, "cannot read policy %s",
				     path);
	if (!S_ISREG(st.st_mode))
		return sbx_err(err, -EINVAL,
			       "cannot read policy %s: not a regular file",
			       path);
	/* Read to EOF rather than trusting st_size; one byte more than the
	 * bound tells "too large" from "exactly at the bound". */
	buf = malloc(POLICY_MAX_FILE + 2);
	if (!buf)
		return sbx_err_errno(err, -ENOMEM, "cannot read policy %s",
				     path);
	for (;;) {
		ssize_t n = read(fd, buf + len, POLICY_MAX_FILE + 1 - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return sbx_err_errno(err, -errno,
					     "cannot read policy %s", path);
		if (n == 0)
			break;
		len += (size_t)n;
		if (len > POLICY_MAX_FILE)
			return sbx_err(err, -E2BIG,
				       "policy %s is larger than %u bytes", path,
				       (unsigned)POLICY_MAX_FILE);
	}
	buf[len] = '\0';
	*ret_data = TAKE_PTR(buf);
	*ret_len = len;
	*ret_dev = st.st_dev;
	*ret_ino = st.st_ino;
	return 0;
}

/* One policy of an extends chain, while it is being resolved. */
struct chain_link {
	const char *display; /* as written: the argument or the extends value */
	const char *builtin; /* built-in name, or NULL for a file */
	dev_t dev;
	ino_t ino;
};

struct chain {
	struct chain_link links[POLICY_MAX_EXTENDS + 1];
	size_t n;
};

static bool same_link(const struct chain_link *a, const struct chain_link *b)
{
	if (a->builtin || b->builtin)
		return a->builtin && b->builtin &&
		       strcmp(a->builtin, b->builtin) == 0;
	return a->dev == b->dev && a->ino == b->ino;
}

/* "a.txtpb -> b.txtpb -> a.txtpb" for the chain so far plus `last`. */
static void format_chain(const struct chain *c, const char *last, char *buf,
			 size_t size)
{
	size_t used = 0;

	buf[0] = '\0';
	for (size_t i = 0; i <= c->n && used < size; i++) {
		const char *s = i < c->n ? c->links[i].display : last;
		int n = snprintf(buf + used, size - used, "%s%s",
				 i ? " -> " : "", s);
		if (n < 0)
			break;
		used += (size_t)n;
	}
}

/* The name of a policy file that gives none: its base name without the
 * extension, folded into the [a-z0-9_-] alphabet names are validated
 * against ("My Policy.v2.txtpb" -> "my_policy_v2"), so that an unnamed file
 * never fails validation because of what it is called. */
static char *name_from_path(const char *path)
{
	const char *base = strrchr(path, '/');
	const char *dot;
	char *name;

	base = base ? base + 1 : path;
	dot = strrchr(base, '.');
	name = strndup(base, dot && dot != base ? (size_t)(dot - base)
						: strlen(base));
	if (!name)
		return NULL;
	for (char *c = name; *c; c++) {
		if (*c >= 'A' && *c <= 'Z')
			*c += 'a' - 'A';
		else if (!strchr("abcdefghijklmnopqrstuvwxyz0123456789_-", *c))
			*c = '_';
	}
	if (!*name) {
		free(name);
		return strdup("_");
	}
	return name;
}

/* Joins a relative extends path to the directory of the file naming it. */
static int resolve_ref(const char *ref, const char *from_path, char **ret)
{
	_cleanup_free_ char *dir = NULL;

	if (!is_path(ref) || ref[0] == '/' || !from_path) {
		*ret = strdup(ref);
		return *ret ? 0 : -ENOMEM;
	}
	dir = strdup(from_path);
	if (!dir)
		return -ENOMEM;
	if (asprintf(ret, "%s/%s", dirname(dir), ref) < 0) {
		*ret = NULL;
		return -ENOMEM;
	}
	return 0;
}

static int load_chain(const char *ref, const char *display,
		      struct chain *chain, Sbx__Policy **ret,
		      struct sbx_error *err);

/* Loads one policy (no extends resolution). */
static int load_one(const char *ref, struct chain_link *link,
		    Sbx__Policy **ret, struct sbx_error *err)
{
	_cleanup_free_ char *data = NULL;
	_cleanup_policy_ Sbx__Policy *p = NULL;
	size_t len = 0;
	int r;

	if (!is_path(ref)) {
		const struct builtin_policy *b = builtin_find(ref);
		if (!b) {
			sbx_err(err, -ENOENT, "unknown policy '%s'", ref);
			hint_builtins(err);
			return -ENOENT;
		}
		link->builtin = b->name;
		r = policy_parse((const char *)b->packed, b->len, true,
				 b->name, &p, err);
		if (r < 0)
			return r;
	} else {
		r = read_policy_file(ref, &data, &len, &link->dev, &link->ino,
				     err);
		if (r < 0)
			return r;
		r = policy_parse(data, len, has_suffix(ref, ".binpb"), ref, &p,
				 err);
		if (r < 0)
			return r;
		if (!p->name) {
			p->name = name_from_path(ref);
			if (!p->name)
				return sbx_err_errno(err, -ENOMEM,
						     "loading policy %s", ref);
		}
	}
	*ret = TAKE_PTR(p);
	return 0;
}

static int load_chain(const char *ref, const char *display,
		      struct chain *chain, Sbx__Policy **ret,
		      struct sbx_error *err)
{
	_cleanup_policy_ Sbx__Policy *p = NULL, *base = NULL;
	_cleanup_free_ char *parent_ref = NULL;
	struct chain_link link = { .display = display };
	char trail[SBX_ERR_MSG_MAX / 2];
	int r;

	r = load_one(ref, &link, &p, err);
	if (r < 0)
		return r;
	for (size_t i = 0; i < chain->n; i++) {
		if (same_link(&chain->links[i], &link)) {
			format_chain(chain, display, trail, sizeof(trail));
			return sbx_err(err, -ELOOP, "policy extends cycle: %s",
				       trail);
		}
	}
	if (chain->n > POLICY_MAX_EXTENDS) {
		format_chain(chain, display, trail, sizeof(trail));
		return sbx_err(err, -ELOOP,
			       "policy extends chain deeper than %d: %s",
			       POLICY_MAX_EXTENDS, trail);
	}
	chain->links[chain->n++] = link;

	if (!p->extends) {
		*ret = TAKE_PTR(p);
		return 0;
	}
	r = resolve_ref(p->extends, link.builtin ? NULL : ref, &parent_ref);
	if (r < 0)
		return sbx_err_errno(err, r, "loading policy %s", display);
	r = load_chain(parent_ref, p->extends, chain, &base, err);
	if (r < 0)
		return r;
	r = policy_merge(base, p, err);
	if (r < 0)
		return r;
	/* The chain is applied: the result extends nothing. */
	free(base->extends);
	base->extends = NULL;
	*ret = TAKE_PTR(base);
	return 0;
}

int policy_load(const char *name_or_path, Sbx__Policy **ret,
		struct sbx_error *err)
{
	struct chain chain = { .n = 0 };

	if (!name_or_path || !*name_or_path)
		return sbx_err(err, -EINVAL, "no policy name or path given");
	return load_chain(name_or_path, name_or_path, &chain, ret, err);
}

/* ------------------------------------------------------------------------ */
/* Defaults                                                                  */

#define SET_DEFAULT(msg, field, value)                                         \
	do {                                                                   \
		if (!(msg)->has_##field) {                                     \
			(msg)->has_##field = 1;                                \
			(msg)->field = (value);                                \
		}                                                              \
	} while (0)

/* Allocates a missing submessage: `init` is the generated __init function. */
#define ENSURE_SUB(parent, field, type, init)                                  \
	({                                                                     \
		if (!(parent)->field) {                                        \
			(parent)->field = malloc(sizeof(type));                \
			if ((parent)->field)                                   \
				init((parent)->field);                         \
		}                                                              \
		(parent)->field;                                               \
	})

static int default_string(char **field, const char *value)
{
	if (*field)
		return 0;
	*field = strdup(value);
	return *field ? 0 : -ENOMEM;
}

static int append_string(size_t *n, char ***arr, const char *value)
{
	char **a = realloc(*arr, (*n + 1) * sizeof(char *));

	if (!a)
		return -ENOMEM;
	*arr = a;
	a[*n] = strdup(value);
	if (!a[*n])
		return -ENOMEM;
	(*n)++;
	return 0;
}

static int finalize_filesystem(Sbx__Filesystem *fs)
{
	int r;

	if (fs->n_layers == 0) {
		r = append_string(&fs->n_layers, &fs->layers, "/");
		if (r < 0)
			return r;
	}
	SET_DEFAULT(fs, write_layer_bytes, UINT64_C(64) << 20);
	SET_DEFAULT(fs, read_only_root, 0);
	SET_DEFAULT(fs, bind_workdir, 0);
	r = default_string(&fs->workdir, "/");
	if (r < 0)
		return r;
	for (size_t i = 0; i < fs->n_mounts; i++) {
		Sbx__Mount *m = fs->mounts[i];
		bool tmpfs = m->has_type && m->type == SBX__MOUNT__TYPE__TMPFS;

		if (!m->destination && m->source) {
			r = default_string(&m->destination, m->source);
			if (r < 0)
				return r;
		}
		if (tmpfs)
			SET_DEFAULT(m, mode, 01777);
		SET_DEFAULT(m, optional, 0);
		SET_DEFAULT(m, exec, !tmpfs);
		SET_DEFAULT(m, recursive, 1);
	}
	return 0;
}

static int finalize_seccomp(Sbx__Seccomp *sc)
{
	SET_DEFAULT(sc, enabled, 1);
	SET_DEFAULT(sc, default_action, SBX__SECCOMP__ACTION__KILL);
	SET_DEFAULT(sc, default_errnum, ENOSYS);
	SET_DEFAULT(sc, allow_foreign_abis, 0);
	for (size_t i = 0; i < sc->n_rules; i++)
		SET_DEFAULT(sc->rules[i], errnum, EPERM);
	return 0;
}

static int fill_defaults(Sbx__Policy *p)
{
	Sbx__Namespaces *ns;
	Sbx__Identity *id;
	Sbx__Filesystem *fs;
	Sbx__Limits *lim;
	Sbx__Seccomp *sc;
	Sbx__Network *net;
	Sbx__Environment *env;
	Sbx__Process *proc;
	int r;

	net = ENSURE_SUB(p, network, Sbx__Network, sbx__network__init);
	if (!net)
		return -ENOMEM;
	SET_DEFAULT(net, mode, SBX__NETWORK__MODE__NONE);

	ns = ENSURE_SUB(p, namespaces, Sbx__Namespaces, sbx__namespaces__init);
	if (!ns)
		return -ENOMEM;
	SET_DEFAULT(ns, pid, 1);
	SET_DEFAULT(ns, mount, 1);
	/* HOST networking is the caller's namespace: an unset net follows the
	 * mode instead of contradicting it. */
	SET_DEFAULT(ns, net, net->mode != SBX__NETWORK__MODE__HOST);
	SET_DEFAULT(ns, ipc, 1);
	SET_DEFAULT(ns, uts, 1);
	SET_DEFAULT(ns, cgroup, 1);
	SET_DEFAULT(ns, time, 0);

	id = ENSURE_SUB(p, identity, Sbx__Identity, sbx__identity__init);
	if (!id)
		return -ENOMEM;
	SET_DEFAULT(id, uid, 1000);
	SET_DEFAULT(id, gid, 1000);

	r = default_string(&p->hostname, "sbx");
	if (r < 0)
		return r;

	fs = ENSURE_SUB(p, filesystem, Sbx__Filesystem, sbx__filesystem__init);
	if (!fs)
		return -ENOMEM;
	r = finalize_filesystem(fs);
	if (r < 0)
		return r;

	lim = ENSURE_SUB(p, limits, Sbx__Limits, sbx__limits__init);
	if (!lim)
		return -ENOMEM;
	SET_DEFAULT(lim, extra_time_ms, 0);
	SET_DEFAULT(lim, swap_bytes, 0);
	SET_DEFAULT(lim, core_bytes, 0);

	for (size_t i = 0; i < p->n_devices; i++) {
		r = default_string(&p->devices[i]->access, "rw");
		if (r < 0)
			return r;
	}

	sc = ENSURE_SUB(p, seccomp, Sbx__Seccomp, sbx__seccomp__init);
	if (!sc)
		return -ENOMEM;
	r = finalize_seccomp(sc);
	if (r < 0)
		return r;

	env = ENSURE_SUB(p, environment, Sbx__Environment,
			 sbx__environment__init);
	if (!env)
		return -ENOMEM;
	SET_DEFAULT(env, clear, 1);

	proc = ENSURE_SUB(p, process, Sbx__Process, sbx__process__init);
	if (!proc)
		return -ENOMEM;
	SET_DEFAULT(proc, new_session, 1);
	SET_DEFAULT(proc, die_with_parent, 1);
	SET_DEFAULT(proc, forward_signals, 1);

	if (!ENSURE_SUB(p, cgroup, Sbx__Cgroup, sbx__cgroup__init))
		return -ENOMEM;
	return 0;
}

int policy_finalize(Sbx__Policy *p, struct sbx_error *err)
{
	int r;

	if (!p)
		return sbx_err(err, -EINVAL, "policy_finalize: no policy");
	r = fill_defaults(p);
	if (r < 0)
		return sbx_err_errno(err, r, "policy %s: filling defaults",
				     p->name ? p->name : "(unnamed)");
	return policy_validate(p, err);
}

/* ------------------------------------------------------------------------ */
/* Validation                                                                */

struct vctx {
	const char *policy;
	struct sbx_error *err;
};

/* Records "policy NAME: <message>" and returns -EINVAL. */
__attribute__((format(printf, 2, 3))) static int
invalid(const struct vctx *v, const char *fmt, ...)
{
	char msg[SBX_ERR_MSG_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return sbx_err(v->err, -EINVAL, "policy %.64s: %s", v->policy, msg);
}

/* The Linux capability names, CAP_ prefix dropped, in number order (0 to
 * 40). Kept here rather than asking libcap-ng, which policies/ must not
 * depend on; a name the running kernel lacks is the sandbox's concern. */
static const char *const capability_names[] = {
	"chown",	    "dac_override",	  "dac_read_search",
	"fowner",	    "fsetid",		  "kill",
	"setgid",	    "setuid",		  "setpcap",
	"linux_immutable",  "net_bind_service",	  "net_broadcast",
	"net_admin",	    "net_raw",		  "ipc_lock",
	"ipc_owner",	    "sys_module",	  "sys_rawio",
	"sys_chroot",	    "sys_ptrace",	  "sys_pacct",
	"sys_admin",	    "sys_boot",		  "sys_nice",
	"sys_resource",	    "sys_time",		  "sys_tty_config",
	"mknod",	    "lease",		  "audit_write",
	"audit_control",    "setfcap",		  "mac_override",
	"mac_admin",	    "syslog",		  "wake_alarm",
	"block_suspend",    "audit_read",	  "perfmon",
	"bpf",		    "checkpoint_restore",
};

static bool capability_known(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(capability_names); i++)
		if (strcmp(name, capability_names[i]) == 0)
			return true;
	return false;
}

/* Whether a '/'-separated path has a ".." component. */
static bool has_dotdot(const char *path)
{
	for (const char *c = path; *c;) {
		size_t n = strcspn(c, "/");
		if (n == 2 && c[0] == '.' && c[1] == '.')
			return true;
		c += n;
		c += strspn(c, "/");
	}
	return false;
}

/* An absolute path without ".." components: a policy must not be able to
 * climb out of where its author thinks it points. Returns NULL when fine,
 * else what is wrong. */
static const char *path_problem(const char *path)
{
	if (!path || path[0] != '/')
		return "is not an absolute path";
	if (strlen(path) >= PATH_MAX)
		return "is too long";
	if (has_dotdot(path))
		return "contains a \"..\" component";
	return NULL;
}

/* Checks path; the field name is printf-formatted ("filesystem.mounts[%zu]
 * .source") so that the message names the exact entry. */
__attribute__((format(printf, 3, 4))) static int
check_path(const struct vctx *v, const char *path, const char *field_fmt, ...)
{
	const char *problem = path_problem(path);
	char field[128];
	va_list ap;

	if (!problem)
		return 0;
	va_start(ap, field_fmt);
	vsnprintf(field, sizeof(field), field_fmt, ap);
	va_end(ap);
	return invalid(v, "%s (\"%.256s\") %s", field, path ? path : "",
		       problem);
}

static int check_paths(const struct vctx *v, char *const *paths, size_t n,
		       const char *field)
{
	for (size_t i = 0; i < n; i++) {
		int r = check_path(v, paths[i], "%s[%zu]", field, i);
		if (r < 0)
			return r;
	}
	return 0;
}

static bool enum_valid(const ProtobufCEnumDescriptor *desc, int value)
{
	return protobuf_c_enum_descriptor_get_value(desc, value) != NULL;
}

static int validate_mount(const struct vctx *v, const Sbx__Mount *m,
			  size_t i)
{
	bool tmpfs;
	int r;

	if (!m->has_type)
		return invalid(v, "filesystem.mounts[%zu].type is required "
				  "(BIND, RO_BIND or TMPFS)", i);
	if (!enum_valid(&sbx__mount__type__descriptor, m->type))
		return invalid(v, "filesystem.mounts[%zu].type (%d) is not a "
				  "known mount type", i, (int)m->type);
	tmpfs = m->type == SBX__MOUNT__TYPE__TMPFS;
	if (tmpfs && m->source)
		return invalid(v, "filesystem.mounts[%zu].source is set for a "
				  "TMPFS mount, which has no source", i);
	if (!tmpfs && !m->source)
		return invalid(v, "filesystem.mounts[%zu].source is required "
				  "for a bind mount", i);
	if (tmpfs && !m->destination)
		return invalid(v, "filesystem.mounts[%zu].destination is "
				  "required for a TMPFS mount", i);
	if (m->source) {
		r = check_path(v, m->source, "filesystem.mounts[%zu].source",
			       i);
		if (r < 0)
			return r;
	}
	if (m->destination) {
		r = check_path(v, m->destination,
			       "filesystem.mounts[%zu].destination", i);
		if (r < 0)
			return r;
	}
	if (m->has_size_bytes && !tmpfs)
		return invalid(v, "filesystem.mounts[%zu].size_bytes is only "
				  "meaningful for TMPFS", i);
	/* tmpfs reads size=0 as "unlimited": never what a limit meant. */
	if (m->has_size_bytes && m->size_bytes == 0)
		return invalid(v, "filesystem.mounts[%zu].size_bytes is 0 "
				  "(leave it unset for the tmpfs default)", i);
	if (m->has_mode && m->mode > 07777)
		return invalid(v, "filesystem.mounts[%zu].mode (0%o) is not a "
				  "permission mode", i, m->mode);
	return 0;
}

static int validate_filesystem(const struct vctx *v, const Sbx__Filesystem *fs)
{
	int r;

	r = check_paths(v, fs->layers, fs->n_layers, "filesystem.layers");
	if (r < 0)
		return r;
	if (fs->has_write_layer_bytes && fs->write_layer_bytes == 0 &&
	    !(fs->has_read_only_root && fs->read_only_root))
		return invalid(v, "filesystem.write_layer_bytes is 0 with a "
				  "writable root (set read_only_root: true "
				  "for no write layer)");
	if (fs->workdir) {
		r = check_path(v, fs->workdir, "filesystem.workdir");
		if (r < 0)
			return r;
	}
	if (fs->has_bind_workdir && fs->bind_workdir && fs->workdir &&
	    strcmp(fs->workdir, "/") == 0)
		return invalid(v, "filesystem.bind_workdir with workdir \"/\" "
				  "would bind the host's root read-write "
				  "(give the source tree: --workdir DIR)");
	if (fs->keep_changes) {
		r = check_path(v, fs->keep_changes, "filesystem.keep_changes");
		if (r < 0)
			return r;
		if (fs->has_read_only_root && fs->read_only_root)
			return invalid(v, "filesystem.keep_changes with "
					  "read_only_root: there is no write "
					  "layer to keep");
	}
	r = check_paths(v, fs->masked_paths, fs->n_masked_paths,
			"filesystem.masked_paths");
	if (r < 0)
		return r;
	r = check_paths(v, fs->hidden_paths, fs->n_hidden_paths,
			"filesystem.hidden_paths");
	if (r < 0)
		return r;
	for (size_t i = 0; i < fs->n_mounts; i++) {
		r = validate_mount(v, fs->mounts[i], i);
		if (r < 0)
			return r;
	}
	return 0;
}

/* A limit where zero cannot mean anything useful (no CPU time, no process,
 * no descriptor): a typo or a units slip, never intended. */
#define REJECT_ZERO(v, lim, field)                                             \
	do {                                                                   \
		if ((lim)->has_##field && (lim)->field == 0)                   \
			return invalid(v, "limits." #field " is 0; leave it "  \
					  "unset for no limit");               \
	} while (0)

static int validate_limits(const struct vctx *v, const Sbx__Limits *l)
{
	REJECT_ZERO(v, l, cpu_time_ms);
	REJECT_ZERO(v, l, wall_time_ms);
	REJECT_ZERO(v, l, processes);
	REJECT_ZERO(v, l, open_files);
	REJECT_ZERO(v, l, stack_bytes);
	REJECT_ZERO(v, l, cpu_quota_percent);
	REJECT_ZERO(v, l, io_read_bps);
	REJECT_ZERO(v, l, io_write_bps);
	if (l->cpus && (!*l->cpus || strspn(l->cpus, "0123456789,-") !=
					 strlen(l->cpus)))
		return invalid(v, "limits.cpus (\"%s\") is not a CPU list "
				  "such as \"0-1,3\"", l->cpus);
	if (l->has_memory_bytes && l->memory_bytes < (UINT64_C(1) << 20))
		return invalid(v, "limits.memory_bytes (%llu) is below 1 MiB",
			       (unsigned long long)l->memory_bytes);
	if (l->has_wall_time_ms && l->has_cpu_time_ms &&
	    l->wall_time_ms < l->cpu_time_ms)
		return invalid(v, "limits.wall_time_ms (%llu) is below "
				  "limits.cpu_time_ms (%llu)",
			       (unsigned long long)l->wall_time_ms,
			       (unsigned long long)l->cpu_time_ms);
	return 0;
}

static int validate_seccomp(const struct vctx *v, const Sbx__Seccomp *sc)
{
	const ProtobufCEnumDescriptor *actions =
		&sbx__seccomp__action__descriptor;

	if (sc->has_default_action && !enum_valid(actions, sc->default_action))
		return invalid(v, "seccomp.default_action (%d) is not a known "
				  "action", (int)sc->default_action);
	if (sc->has_default_errnum &&
	    (sc->default_errnum < 1 || sc->default_errnum > 4095))
		return invalid(v, "seccomp.default_errnum (%d) is not an errno "
				  "(1 to 4095)", (int)sc->default_errnum);
	for (size_t i = 0; i < sc->n_rules; i++) {
		const Sbx__Seccomp__Rule *rule = sc->rules[i];

		if (!rule->has_action)
			return invalid(v, "seccomp.rules[%zu].action is "
					  "required", i);
		if (!enum_valid(actions, rule->action))
			return invalid(v, "seccomp.rules[%zu].action (%d) is "
					  "not a known action", i,
				       (int)rule->action);
		if (rule->has_errnum &&
		    (rule->errnum < 1 || rule->errnum > 4095))
			return invalid(v, "seccomp.rules[%zu].errnum (%d) is "
					  "not an errno (1 to 4095)", i,
				       (int)rule->errnum);
		if (rule->n_syscalls == 0 && rule->n_groups == 0)
			return invalid(v, "seccomp.rules[%zu] names no syscalls "
					  "and no groups", i);
		for (size_t j = 0; j < rule->n_syscalls; j++) {
			const char *s = rule->syscalls[j];
			if (!*s || s[strspn(s, "abcdefghijklmnopqrstuvwxyz"
					       "0123456789_")])
				return invalid(v, "seccomp.rules[%zu].syscalls"
						  "[%zu] (\"%.64s\") is not a "
						  "syscall name", i, j, s);
		}
		for (size_t j = 0; j < rule->n_args; j++) {
			const Sbx__Seccomp__Arg *a = rule->args[j];
			if (!a->has_index || a->index > 5)
				return invalid(v, "seccomp.rules[%zu].args[%zu]"
						  ".index must be 0 to 5", i, j);
			if (!a->has_op ||
			    !enum_valid(&sbx__seccomp__op__descriptor, a->op))
				return invalid(v, "seccomp.rules[%zu].args[%zu]"
						  ".op is required", i, j);
		}
	}
	/* names against libseccomp and the syscall groups */
	struct sbx_error names = {0};
	if (sc_validate(sc, &names) < 0)
		return invalid(v, "%s", names.msg);
	return 0;
}

/* An environment variable name: non-empty, without '=' (which would split
 * it) and without NUL (impossible in a C string). */
static int check_env_name(const struct vctx *v, const char *name,
			  const char *field, size_t i)
{
	if (!name || !*name)
		return invalid(v, "%s[%zu] has an empty name", field, i);
	if (strchr(name, '='))
		return invalid(v, "%s[%zu] (\"%.64s\") contains '='", field, i,
			       name);
	return 0;
}

static int validate_environment(const struct vctx *v,
				const Sbx__Environment *env)
{
	int r;

	for (size_t i = 0; i < env->n_set; i++) {
		r = check_env_name(v, env->set[i]->name, "environment.set", i);
		if (r < 0)
			return r;
	}
	for (size_t i = 0; i < env->n_pass; i++) {
		r = check_env_name(v, env->pass[i], "environment.pass", i);
		if (r < 0)
			return r;
	}
	return 0;
}

/* RFC 1123 host name: letters, digits, '-' and '.', at most 64 bytes (the
 * kernel's limit), no empty label, no label starting or ending with '-'. */
static int validate_hostname(const struct vctx *v, const char *h)
{
	size_t n = strlen(h);

	if (n == 0 || n > 64)
		return invalid(v, "hostname (\"%.80s\") must be 1 to 64 "
				  "characters", h);
	if (h[strspn(h, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
			"0123456789-.")] != '\0')
		return invalid(v, "hostname (\"%s\") may contain only letters, "
				  "digits, '-' and '.'", h);
	for (size_t i = 0; i < n; i++) {
		bool start = i == 0 || h[i - 1] == '.';
		bool end = i + 1 == n || h[i + 1] == '.';
		if ((h[i] == '.' && start) || (h[i] == '-' && (start || end)))
			return invalid(v, "hostname (\"%s\") has an empty "
					  "label or one starting or ending "
					  "with '-'", h);
	}
	if (h[n - 1] == '.')
		return invalid(v, "hostname (\"%s\") ends with '.'", h);
	return 0;
}

static int validate_network(const struct vctx *v, const Sbx__Policy *p)
{
	const Sbx__Network *net = p->network;
	const Sbx__Namespaces *ns = p->namespaces;
	bool host;

	if (!net || !net->has_mode)
		return 0;
	if (!enum_valid(&sbx__network__mode__descriptor, net->mode))
		return invalid(v, "network.mode (%d) is not a known mode",
			       (int)net->mode);
	if (!ns || !ns->has_net)
		return 0;
	host = net->mode == SBX__NETWORK__MODE__HOST;
	if (host && ns->net)
		return invalid(v, "network.mode HOST shares the caller's "
				  "network, but namespaces.net is true");
	if (!host && !ns->net)
		return invalid(v, "network.mode %s needs a network namespace, "
				  "but namespaces.net is false",
			       protobuf_c_enum_descriptor_get_value(
				       &sbx__network__mode__descriptor,
				       net->mode)->name);
	return 0;
}

static int validate_devices(const struct vctx *v, const Sbx__Policy *p)
{
	for (size_t i = 0; i < p->n_devices; i++) {
		const Sbx__Device *d = p->devices[i];
		int r = check_path(v, d->path, "devices[%zu].path", i);

		if (r < 0)
			return r;
		if (d->access &&
		    (!*d->access || d->access[strspn(d->access, "rwm")]))
			return invalid(v, "devices[%zu].access (\"%.16s\") "
					  "must be made of r, w and m", i,
				       d->access);
	}
	return 0;
}

static int validate_identity(const struct vctx *v, const Sbx__Identity *id)
{
	/* (uid_t)-1 means "unchanged" to setresuid and cannot be mapped. */
	if (id->has_uid && id->uid == UINT32_MAX)
		return invalid(v, "identity.uid (%u) is not a valid uid",
			       id->uid);
	if (id->has_gid && id->gid == UINT32_MAX)
		return invalid(v, "identity.gid (%u) is not a valid gid",
			       id->gid);
	return 0;
}

int policy_validate(const Sbx__Policy *p, struct sbx_error *err)
{
	struct vctx v = { .err = err };
	int r;

	if (!p)
		return sbx_err(err, -EINVAL, "policy_validate: no policy");
	v.policy = p->name ? p->name : "(unnamed)";

	if (p->name && (!*p->name ||
			p->name[strspn(p->name, "abcdefghijklmnopqrstuvwxyz"
						"0123456789_-")]))
		return invalid(&v, "name (\"%.64s\") may contain only a-z, "
				   "0-9, '_' and '-'", p->name);
	if (p->identity && (r = validate_identity(&v, p->identity)) < 0)
		return r;
	if (p->filesystem && (r = validate_filesystem(&v, p->filesystem)) < 0)
		return r;
	if (p->limits && (r = validate_limits(&v, p->limits)) < 0)
		return r;
	if ((r = validate_devices(&v, p)) < 0)
		return r;
	if (p->seccomp && (r = validate_seccomp(&v, p->seccomp)) < 0)
		return r;
	if ((r = validate_network(&v, p)) < 0)
		return r;
	if (p->environment &&
	    (r = validate_environment(&v, p->environment)) < 0)
		return r;
	if (p->hostname && (r = validate_hostname(&v, p->hostname)) < 0)
		return r;
	for (size_t i = 0; i < p->n_capabilities; i++)
		if (!capability_known(p->capabilities[i]))
			return invalid(&v, "capabilities[%zu] (\"%.64s\") is "
					   "not a Linux capability name (without "
					   "CAP_, e.g. \"net_bind_service\")",
				       i, p->capabilities[i]);
	/* Relative to the hierarchy root, so only ".." matters. */
	if (p->cgroup && p->cgroup->parent && has_dotdot(p->cgroup->parent))
		return invalid(&v, "cgroup.parent (\"%.256s\") contains a "
				   "\"..\" component", p->cgroup->parent);
	return 0;
}
