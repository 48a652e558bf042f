/* Unit tests of the text-format parser and printer (policies/textformat.c,
 * run by the broker), against sbx.proto and the test-only schemas in
 * tests/data/textformat/ that have the types sbx.proto lacks. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <errno.h>
#include <glob.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alltypes.pb-c.h"
#include "alltypes3.pb-c.h"
#include "builtin.h"
#include "cleanup.h"
#include "pb-util.h"
#include "sbx.pb-c.h"
#include "textformat.h"

#define FILENAME "t.txtpb"

/* Parses from an exact-size heap copy so ASan catches any read past len. */
static int parse_len(const ProtobufCMessageDescriptor *d, const char *text,
		     size_t len, ProtobufCMessage **ret, struct sbx_error *err)
{
	char *copy = malloc(len ? len : 1);
	assert_non_null(copy);
	memcpy(copy, text, len);
	int r = tf_parse(d, copy, len, FILENAME, ret, err);
	free(copy);
	return r;
}

static ProtobufCMessage *parse_ok(const ProtobufCMessageDescriptor *d,
				  const char *text)
{
	struct sbx_error err = { 0 };
	ProtobufCMessage *m = NULL;
	int r = parse_len(d, text, strlen(text), &m, &err);
	if (r < 0)
		fail_msg("parse failed: %s\ninput: %s", err.msg, text);
	assert_non_null(m);
	return m;
}

static Sbx__Policy *policy_ok(const char *text)
{
	return (Sbx__Policy *)parse_ok(&sbx__policy__descriptor, text);
}

static Tftest__All *all_ok(const char *text)
{
	return (Tftest__All *)parse_ok(&tftest__all__descriptor, text);
}

static void free_msg(void *m)
{
	protobuf_c_message_free_unpacked(m, NULL);
}

static void expect_error_len(const ProtobufCMessageDescriptor *d,
			     const char *text, size_t len, int code,
			     const char *msg)
{
	struct sbx_error err = { 0 };
	ProtobufCMessage *m = (ProtobufCMessage *)1;
	int r = parse_len(d, text, len, &m, &err);
	if (r >= 0) {
		free_msg(m);
		fail_msg("parse succeeded, expected: %s", msg);
	}
	assert_null(m);
	assert_int_equal(r, code);
	assert_int_equal(err.code, code);
	assert_string_equal(err.msg, msg);
}

static void expect_policy_error(const char *text, const char *msg)
{
	expect_error_len(&sbx__policy__descriptor, text, strlen(text), -EINVAL,
			 msg);
}

static void expect_all_error(const char *text, const char *msg)
{
	expect_error_len(&tftest__all__descriptor, text, strlen(text), -EINVAL,
			 msg);
}

static uint8_t *pack(const ProtobufCMessage *m, size_t *ret_len)
{
	size_t n = protobuf_c_message_get_packed_size(m);
	uint8_t *buf = malloc(n ? n : 1);
	assert_non_null(buf);
	assert_int_equal(protobuf_c_message_pack(m, buf), n);
	*ret_len = n;
	return buf;
}

/* print -> parse gives the same wire bytes, and printing is stable. */
static void assert_roundtrip(const ProtobufCMessage *m)
{
	_cleanup_free_ char *text = NULL, *text2 = NULL;
	_cleanup_free_ uint8_t *b1 = NULL, *b2 = NULL;
	size_t n1, n2;

	assert_int_equal(tf_print(m, &text), 0);
	ProtobufCMessage *m2 = parse_ok(m->descriptor, text);
	b1 = pack(m, &n1);
	b2 = pack(m2, &n2);
	if (n1 != n2 || memcmp(b1, b2, n1) != 0)
		fail_msg("round trip differs for:\n%s", text);
	assert_int_equal(tf_print(m2, &text2), 0);
	assert_string_equal(text, text2);
	free_msg(m2);
}

/* ------------------------------------------------------------ scalars */

static void test_policy_scalars(void **state)
{
	Sbx__Policy *p = policy_ok(
		"name: \"x\"\n"
		"identity { uid: 0 gid: 4294967295 }\n"
		"limits { memory_bytes: 18446744073709551615 cpu_quota_percent: 200 }\n"
		"seccomp { default_errnum: -2147483648 rules { errnum: 2147483647 action: ERRNO } }\n"
		"namespaces { pid: true net: false time: t ipc: f uts: 1 cgroup: 0 mount: True }\n"
		"network { mode: 3 }\n");

	assert_string_equal(p->name, "x");
	assert_true(p->identity->has_uid);
	assert_int_equal(p->identity->uid, 0);
	assert_int_equal(p->identity->gid, 4294967295u);
	assert_true(p->limits->has_memory_bytes);
	assert_true(p->limits->memory_bytes == UINT64_MAX);
	assert_int_equal(p->limits->cpu_quota_percent, 200);
	assert_false(p->limits->has_cpu_time_ms);
	assert_int_equal(p->seccomp->default_errnum, INT32_MIN);
	assert_int_equal(p->seccomp->n_rules, 1);
	assert_int_equal(p->seccomp->rules[0]->errnum, INT32_MAX);
	assert_int_equal(p->seccomp->rules[0]->action, SBX__SECCOMP__ACTION__ERRNO);
	assert_true(p->namespaces->pid && p->namespaces->has_pid);
	assert_true(!p->namespaces->net && p->namespaces->has_net);
	assert_true(p->namespaces->time);
	assert_false(p->namespaces->ipc);
	assert_true(p->namespaces->uts);
	assert_false(p->namespaces->cgroup);
	assert_true(p->namespaces->mount);
	assert_int_equal(p->network->mode, SBX__NETWORK__MODE__HOST);
	assert_null(p->filesystem);
	free_msg(p);
}

static void test_integer_forms(void **state)
{
	Tftest__All *a = all_ok(
		"i32: -0x80000000 s32: 017 sf32: -017 i64: -9223372036854775808\n"
		"s64: 0x7fffffffffffffff sf64: -1 u32: 0xFFFFFFFF f32: 0\n"
		"u64: 01777777777777777777777 f64: 0x10 with_default: 00\n");

	assert_int_equal(a->i32, INT32_MIN);
	assert_int_equal(a->s32, 15);
	assert_int_equal(a->sf32, -15);
	assert_true(a->i64 == INT64_MIN);
	assert_true(a->s64 == INT64_MAX);
	assert_true(a->sf64 == -1);
	assert_int_equal(a->u32, UINT32_MAX);
	assert_true(a->has_f32 && a->f32 == 0);
	assert_true(a->u64 == UINT64_MAX);
	assert_true(a->f64 == 16);
	assert_true(a->has_with_default && a->with_default == 0);
	assert_roundtrip(&a->base);
	free_msg(a);
}

static void test_float_forms(void **state)
{
	Tftest__All *a = all_ok("fl: 1.5e3 db: -.25e-2");
	assert_true(a->fl == 1500.0f);
	assert_true(a->db == -0.0025);
	free_msg(a);

	a = all_ok("fl: 3f db: 1E+300");
	assert_true(a->fl == 3.0f);
	assert_true(a->db == 1e300);
	free_msg(a);

	a = all_ok("fl: -inf db: nan");
	assert_true(isinf(a->fl) && a->fl < 0);
	assert_true(isnan(a->db));
	assert_roundtrip(&a->base);
	free_msg(a);

	a = all_ok("fl: Infinity db: -0.0 doubles: [1, 0.1, 2.5e-308, 1.7976931348623157e308]");
	assert_true(isinf(a->fl) && a->fl > 0);
	assert_true(a->db == 0 && signbit(a->db));
	assert_int_equal(a->n_doubles, 4);
	assert_true(a->doubles[1] == 0.1);
	assert_roundtrip(&a->base);
	free_msg(a);

	/* Values that need every digit to survive printing. */
	a = all_ok("fl: 0.1 db: 0.30000000000000004 doubles: [1e-320, 123456789.123456789]");
	assert_roundtrip(&a->base);
	free_msg(a);
}

static void test_enum_forms(void **state)
{
	Tftest__All *a = all_ok("color: GREEN colors: [RED, -3, 2, BLUE]");
	assert_int_equal(a->color, TFTEST__ALL__COLOR__GREEN);
	assert_int_equal(a->n_colors, 4);
	assert_int_equal(a->colors[1], TFTEST__ALL__COLOR__BLUE);
	assert_int_equal(a->colors[2], TFTEST__ALL__COLOR__GREEN);
	assert_roundtrip(&a->base);
	free_msg(a);

	Sbx__Policy *p = policy_ok("seccomp { default_action: NOTIFY rules { action: 5 args { op: MASKED_EQ } } }");
	assert_int_equal(p->seccomp->default_action, SBX__SECCOMP__ACTION__NOTIFY);
	assert_int_equal(p->seccomp->rules[0]->action, SBX__SECCOMP__ACTION__ALLOW);
	assert_int_equal(p->seccomp->rules[0]->args[0]->op, SBX__SECCOMP__OP__MASKED_EQ);
	free_msg(p);
}

/* ------------------------------------------------------------ strings */

static void test_string_escapes(void **state)
{
	Sbx__Policy *p = policy_ok(
		"name: \"a\\n\\t\\r\\\\\\\"\\'\\x41\\x4a\\101\\7\\u00e9\\U0001F600\"\n"
		"description: 'single \"quoted\"' \" and \" 'joined'\n"
		"hostname: \"\"\n");
	assert_string_equal(p->name, "a\n\t\r\\\"'AJA\a\xc3\xa9\xf0\x9f\x98\x80");
	assert_string_equal(p->description, "single \"quoted\" and joined");
	assert_non_null(p->hostname);
	assert_string_equal(p->hostname, "");
	assert_roundtrip(&p->base);
	free_msg(p);
}

static void test_bytes(void **state)
{
	Tftest__All *a = all_ok("data: \"\\000\\xff\" 'z' blobs: [\"\", \"\\0\", \"a\\tb\"]");
	assert_true(a->has_data);
	assert_int_equal(a->data.len, 3);
	assert_memory_equal(a->data.data, "\0\xffz", 3);
	assert_int_equal(a->n_blobs, 3);
	assert_int_equal(a->blobs[0].len, 0);
	assert_int_equal(a->blobs[1].len, 1);
	assert_int_equal(a->blobs[1].data[0], 0);
	assert_roundtrip(&a->base);
	free_msg(a);
}

static void test_string_defaults(void **state)
{
	/* Unset: the static default stays and must not be freed. */
	Tftest__All *a = all_ok("i32: 1");
	assert_string_equal(a->str, "dflt");
	assert_int_equal(a->with_default, 7);
	assert_roundtrip(&a->base);
	free_msg(a);

	a = all_ok("str: \"dflt\"");
	assert_string_equal(a->str, "dflt");
	_cleanup_free_ char *text = NULL;
	assert_int_equal(tf_print(&a->base, &text), 0);
	assert_string_equal(text, "str: \"dflt\"\n");
	free_msg(a);
}

/* ------------------------------------------------------------- syntax */

static void test_syntax_forms(void **state)
{
	Sbx__Policy *p = policy_ok(
		"# leading comment\n"
		"name: \"n\", hostname: \"h\";  # trailing comment\n"
		"limits: { processes: 3 }\n"
		"identity < uid: 5; gid: 6, >\n"
		"filesystem {\n"
		"  layers: [\"/a\", \"/b\"] layers: \"/c\"\n"
		"  hidden_paths: []\n"
		"  mounts [{ source: \"/x\" }, < source: \"/y\" >]\n"
		"  mounts: [ ]\n"
		"  mounts { source: \"/z\" }\n"
		"  mounts: < source: \"/w\" >\n"
		"}\n"
		"devices {}\n"
		"capabilities: [\"net_raw\"];\n");
	assert_string_equal(p->hostname, "h");
	assert_int_equal(p->limits->processes, 3);
	assert_int_equal(p->identity->gid, 6);
	assert_int_equal(p->filesystem->n_layers, 3);
	assert_string_equal(p->filesystem->layers[2], "/c");
	assert_int_equal(p->filesystem->n_hidden_paths, 0);
	assert_int_equal(p->filesystem->n_mounts, 4);
	assert_string_equal(p->filesystem->mounts[1]->source, "/y");
	assert_string_equal(p->filesystem->mounts[3]->source, "/w");
	assert_int_equal(p->n_devices, 1);
	assert_null(p->devices[0]->path);
	assert_int_equal(p->n_capabilities, 1);
	assert_roundtrip(&p->base);
	free_msg(p);

	/* Empty input, only comments, no trailing newline, CRLF. */
	free_msg(policy_ok(""));
	free_msg(policy_ok("# nothing\n# at all"));
	p = policy_ok("name:\"a\"\r\nhostname:'b'");
	assert_string_equal(p->hostname, "b");
	free_msg(p);
}

static void test_repeated_lists(void **state)
{
	Tftest__All *a = all_ok(
		"s64s: [-9223372036854775808, 0x10, 010] s64s: 1\n"
		"children [{ i32: 1 }, { children: [{ i32: 2 }, {}] }]\n"
		"children { i32: 3 }\n");
	assert_int_equal(a->n_s64s, 4);
	assert_true(a->s64s[0] == INT64_MIN);
	assert_true(a->s64s[2] == 8);
	assert_int_equal(a->n_children, 3);
	assert_int_equal(a->children[1]->n_children, 2);
	assert_int_equal(a->children[1]->children[0]->i32, 2);
	assert_int_equal(a->children[2]->i32, 3);
	assert_roundtrip(&a->base);
	free_msg(a);

	/* Enough elements to regrow the arrays several times. */
	size_t cap = 100000;
	char *text = malloc(cap);
	assert_non_null(text);
	size_t n = (size_t)snprintf(text, cap, "doubles: [0");
	for (int i = 1; i < 1000; i++)
		n += (size_t)snprintf(text + n, cap - n, ", %d", i);
	n += (size_t)snprintf(text + n, cap - n, "] colors: [RED");
	for (int i = 1; i < 70; i++)
		n += (size_t)snprintf(text + n, cap - n, ", BLUE");
	snprintf(text + n, cap - n, "]");
	a = all_ok(text);
	assert_int_equal(a->n_doubles, 1000);
	assert_true(a->doubles[999] == 999);
	assert_int_equal(a->n_colors, 70);
	assert_roundtrip(&a->base);
	free_msg(a);
	free(text);
}

static void test_oneof_and_required(void **state)
{
	Tftest__All *a = all_ok("one_msg { i32: 4 } req { id: 0 }");
	assert_int_equal(a->choice_case, TFTEST__ALL__CHOICE_ONE_MSG);
	assert_int_equal(a->one_msg->i32, 4);
	assert_true(a->req->id == 0);
	assert_roundtrip(&a->base);
	free_msg(a);

	a = all_ok("one_str: \"s\"");
	assert_int_equal(a->choice_case, TFTEST__ALL__CHOICE_ONE_STR);
	assert_roundtrip(&a->base);
	free_msg(a);

	expect_all_error("one_str: \"s\"\none_msg {}",
			 FILENAME ":2:1: field \"one_msg\" and field \"one_str\" are in the same oneof; only one may be set");
	expect_all_error("req { note: \"x\" }",
			 FILENAME ":1:17: missing required field \"id\" in tftest.Req");
	expect_error_len(&tftest__req__descriptor, "note: \"x\"", 9, -EINVAL,
			 FILENAME ":1:10: missing required field \"id\" in tftest.Req");
}

static void test_proto3_presence(void **state)
{
	Tftest3__Plain *p = (Tftest3__Plain *)parse_ok(&tftest3__plain__descriptor,
		"n: 0 s: \"\" b: \"\" d: 0 list: [0]");
	_cleanup_free_ char *text = NULL;
	assert_int_equal(tf_print(&p->base, &text), 0);
	assert_string_equal(text, "list: 0\n");
	free_msg(p);

	p = (Tftest3__Plain *)parse_ok(&tftest3__plain__descriptor,
				       "n: -1 s: \"x\" b: \"\\001\" d: 2.5 sub {}");
	_cleanup_free_ char *text2 = NULL;
	assert_int_equal(tf_print(&p->base, &text2), 0);
	assert_string_equal(text2, "n: -1\ns: \"x\"\nb: \"\\001\"\nd: 2.5\nsub {\n}\n");
	assert_roundtrip(&p->base);
	free_msg(p);
}

/* -------------------------------------------------------------- print */

static void test_print_format(void **state)
{
	Sbx__Policy *p = policy_ok(
		"process { new_session: false } hostname: \"h\\\"\\\\\\n\\001\"\n"
		"name: \"n\" filesystem { layers: [\"/a\", \"/b\"] mounts { type: RO_BIND } }\n"
		"network { mode: NONE } limits { memory_bytes: 0x100 }\n"
		"environment { set { name: \"A\" value: \"1\" } }");
	_cleanup_free_ char *text = NULL;
	assert_int_equal(tf_print(&p->base, &text), 0);
	assert_string_equal(text,
		"name: \"n\"\n"
		"filesystem {\n"
		"  layers: \"/a\"\n"
		"  layers: \"/b\"\n"
		"  mounts {\n"
		"    type: RO_BIND\n"
		"  }\n"
		"}\n"
		"limits {\n"
		"  memory_bytes: 256\n"
		"}\n"
		"network {\n"
		"  mode: NONE\n"
		"}\n"
		"environment {\n"
		"  set {\n"
		"    name: \"A\"\n"
		"    value: \"1\"\n"
		"  }\n"
		"}\n"
		"hostname: \"h\\\"\\\\\\n\\001\"\n"
		"process {\n"
		"  new_session: false\n"
		"}\n");
	free_msg(p);

	Sbx__Policy empty = SBX__POLICY__INIT;
	_cleanup_free_ char *none = NULL;
	assert_int_equal(tf_print(&empty.base, &none), 0);
	assert_string_equal(none, "");
}

static void test_roundtrip_all_types(void **state)
{
	Tftest__All *a = all_ok(
		"i32: -5 s32: -2147483648 sf32: 2147483647 i64: 1 s64: -9223372036854775808\n"
		"sf64: 9223372036854775807 u32: 1 f32: 4294967295 u64: 2 f64: 18446744073709551615\n"
		"fl: -1.17549435e-38 db: 4.9406564584124654e-324 b: false color: BLUE\n"
		"str: \"\\x7f\\x01 caf\\u00e9\" data: \"\\x80\\x00\\xff\"\n"
		"child { child { child { str: \"deep\" } } }\n"
		"children {} children { b: true }\n"
		"doubles: [-1, 1e22] blobs: \"q\" s64s: -1 colors: RED\n"
		"one_int: 0 req { id: -1 note: \"n\" }\n");
	assert_roundtrip(&a->base);
	free_msg(a);
}

static void test_builtin_roundtrip(void **state)
{
	glob_t g;
	assert_int_equal(glob(SBX_SOURCE_DIR "/policies/builtin/*.txtpb", 0, NULL, &g), 0);
	assert_true(g.gl_pathc >= 3);
	assert_int_equal(g.gl_pathc, builtin_policies_count);
	for (size_t i = 0; i < g.gl_pathc; i++) {
		FILE *f = fopen(g.gl_pathv[i], "rb");
		assert_non_null(f);
		static char buf[TF_MAX_INPUT];
		size_t n = fread(buf, 1, sizeof(buf), f);
		fclose(f);
		struct sbx_error err = { 0 };
		ProtobufCMessage *m = NULL;
		if (tf_parse(&sbx__policy__descriptor, buf, n, g.gl_pathv[i], &m, &err) < 0)
			fail_msg("%s", err.msg);
		Sbx__Policy *p = (Sbx__Policy *)m;
		assert_non_null(p->name);
		assert_roundtrip(m);

		/* The binary embeds exactly this file, packed. */
		const struct builtin_policy *b = builtin_find(p->name);
		assert_non_null(b);
		size_t len = 0;
		uint8_t *packed = pb_pack(m, &len);
		assert_non_null(packed);
		assert_int_equal(len, b->len);
		assert_memory_equal(packed, b->packed, len);
		free(packed);
		free_msg(m);
	}
	globfree(&g);
}

/* ------------------------------------------------------------- errors */

static void test_unknown_field(void **state)
{
	expect_policy_error("limits {\n  memroy_bytes: 5\n}",
		FILENAME ":2:3: unknown field \"memroy_bytes\" in sbx.Limits; did you mean \"memory_bytes\"?");
	expect_policy_error("limits { memory_byte: 5 }",
		FILENAME ":1:10: unknown field \"memory_byte\" in sbx.Limits; did you mean \"memory_bytes\"?");
	expect_policy_error("nmae: \"x\"",
		FILENAME ":1:1: unknown field \"nmae\" in sbx.Policy; did you mean \"name\"?");
	expect_policy_error("  zzzzzzzz: 1",
		FILENAME ":1:3: unknown field \"zzzzzzzz\" in sbx.Policy");
	expect_policy_error("network { mode: LOOPBAK }",
		FILENAME ":1:17: unknown value \"LOOPBAK\" for enum sbx.Network.Mode field \"mode\"; did you mean \"LOOPBACK\"?");
	expect_policy_error("network { mode: 9 }",
		FILENAME ":1:17: unknown value \"9\" for enum sbx.Network.Mode field \"mode\"");
	expect_policy_error("network { mode: -1 }",
		FILENAME ":1:17: unknown value \"-1\" for enum sbx.Network.Mode field \"mode\"");
}

static void test_type_mismatch(void **state)
{
	expect_policy_error("name: 5",
		FILENAME ":1:7: expected a quoted string for string field \"name\", got \"5\"");
	expect_policy_error("hostname: -\"x\"",
		FILENAME ":1:11: expected a quoted string for string field \"hostname\", got \"-\"");
	expect_policy_error("identity { uid: \"5\" }",
		FILENAME ":1:17: expected an integer for uint32 field \"uid\", got \"5\"");
	expect_policy_error("namespaces { pid: yes }",
		FILENAME ":1:19: expected true or false for bool field \"pid\", got \"yes\"");
	expect_policy_error("namespaces { pid: 2 }",
		FILENAME ":1:19: expected true or false for bool field \"pid\", got \"2\"");
	expect_policy_error("limits: 5",
		FILENAME ":1:9: expected '{' for message field \"limits\", got \"5\"");
	expect_policy_error("name { }",
		FILENAME ":1:6: expected ':' after field \"name\", got \"{\"");
	expect_policy_error("name \"x\"",
		FILENAME ":1:6: expected ':' after field \"name\", got \"x\"");
	expect_policy_error("name: [\"x\"]",
		FILENAME ":1:7: field \"name\" is not repeated; a list needs a repeated field");
	expect_policy_error("limits { processes: 1.5 }",
		FILENAME ":1:21: invalid integer \"1.5\"");
	expect_policy_error("limits { processes: 0x }",
		FILENAME ":1:21: invalid integer \"0x\"");
	expect_policy_error("limits { processes: 09 }",
		FILENAME ":1:21: invalid integer \"09\"");
	expect_policy_error("identity { uid: }",
		FILENAME ":1:17: expected an integer for uint32 field \"uid\", got \"}\"");
	expect_policy_error("name:",
		FILENAME ":1:6: expected a quoted string for string field \"name\", got end of input");
	expect_all_error("fl: 1e", FILENAME ":1:5: invalid number \"1e\"");
	expect_all_error("db: 0x10", FILENAME ":1:5: invalid number \"0x10\"");
	expect_all_error("db: nanx", FILENAME ":1:5: expected a number for double field \"db\", got \"nanx\"");
}

static void test_out_of_range(void **state)
{
	static const struct {
		const char *text, *msg;
	} cases[] = {
		{ "i32: 2147483648", FILENAME ":1:6: value out of range for int32 field \"i32\"" },
		{ "i32: -2147483649", FILENAME ":1:6: value out of range for int32 field \"i32\"" },
		{ "s32: 0x80000000", FILENAME ":1:6: value out of range for sint32 field \"s32\"" },
		{ "sf32: -0x80000001", FILENAME ":1:7: value out of range for sfixed32 field \"sf32\"" },
		{ "i64: 9223372036854775808", FILENAME ":1:6: value out of range for int64 field \"i64\"" },
		{ "s64: -9223372036854775809", FILENAME ":1:6: value out of range for sint64 field \"s64\"" },
		{ "sf64: 18446744073709551616", FILENAME ":1:7: value out of range for sfixed64 field \"sf64\"" },
		{ "u32: 4294967296", FILENAME ":1:6: value out of range for uint32 field \"u32\"" },
		{ "u32: -1", FILENAME ":1:6: value out of range for uint32 field \"u32\"" },
		{ "f32: 0x100000000", FILENAME ":1:6: value out of range for fixed32 field \"f32\"" },
		{ "u64: 18446744073709551616", FILENAME ":1:6: value out of range for uint64 field \"u64\"" },
		{ "f64: -1", FILENAME ":1:6: value out of range for fixed64 field \"f64\"" },
		{ "u64: 0x10000000000000000", FILENAME ":1:6: value out of range for uint64 field \"u64\"" },
		{ "fl: 3.5e38", FILENAME ":1:5: value out of range for float field \"fl\"" },
		{ "db: -1e309", FILENAME ":1:5: value out of range for double field \"db\"" },
		{ "colors: [RED, 2147483648]", FILENAME ":1:15: unknown value \"2147483648\" for enum tftest.All.Color field \"colors\"" },
	};
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++)
		expect_all_error(cases[i].text, cases[i].msg);
	/* Negative zero is zero, not out of range. */
	Tftest__All *a = all_ok("u32: -0 f64: -0x0");
	assert_true(a->has_u32 && a->u32 == 0);
	free_msg(a);
	expect_policy_error("limits {\n  memory_bytes: 18446744073709551616\n}",
		FILENAME ":2:17: value out of range for uint64 field \"memory_bytes\"");
}

static void test_duplicate_fields(void **state)
{
	expect_policy_error("name: \"a\"\nname: \"b\"",
		FILENAME ":2:1: non-repeated field \"name\" is set twice (first at line 1)");
	expect_policy_error("limits { processes: 1 }\n\nlimits { processes: 2 }",
		FILENAME ":3:1: non-repeated field \"limits\" is set twice (first at line 1)");
	expect_policy_error("limits { processes: 1\n processes: 1 }",
		FILENAME ":2:2: non-repeated field \"processes\" is set twice (first at line 1)");
	/* The same name in different messages is fine. */
	Sbx__Policy *p = policy_ok("environment { set { name: \"a\" } set { name: \"b\" } } name: \"c\"");
	assert_int_equal(p->environment->n_set, 2);
	free_msg(p);
}

static void test_string_errors(void **state)
{
	expect_policy_error("name: \"abc", FILENAME ":1:7: unterminated string");
	expect_policy_error("name: \"abc\ndescription: \"\"", FILENAME ":1:7: unterminated string");
	expect_policy_error("name: 'abc\"", FILENAME ":1:7: unterminated string");
	expect_policy_error("name: \"ab\\", FILENAME ":1:7: unterminated string");
	expect_policy_error("name: \"a\\qb\"", FILENAME ":1:9: invalid escape sequence in string");
	expect_policy_error("name: \"a\\xg\"", FILENAME ":1:9: invalid escape sequence in string");
	expect_policy_error("name: \"\\400\"", FILENAME ":1:8: invalid escape sequence in string");
	expect_policy_error("name: \"\\u12\"", FILENAME ":1:8: invalid escape sequence in string");
	expect_policy_error("name: \"\\ud800\"", FILENAME ":1:8: invalid escape sequence in string");
	expect_policy_error("name: \"\\U00110000\"", FILENAME ":1:8: invalid escape sequence in string");
	expect_policy_error("name: \"a\" \"b\\0\"",
		FILENAME ":1:7: string field \"name\" contains a NUL byte");
}

static void test_structure_errors(void **state)
{
	expect_policy_error("limits {\n  processes: 1\n",
		FILENAME ":3:1: missing '}' to close the message opened at line 1, column 8");
	expect_policy_error("identity < uid: 1 }",
		FILENAME ":1:19: expected field name or '>', got \"}\"");
	expect_policy_error("}", FILENAME ":1:1: expected field name, got \"}\"");
	expect_policy_error("name: \"a\" ,, hostname: \"b\"",
		FILENAME ":1:12: expected field name, got \",\"");
	expect_policy_error("name: \"a\" $",
		FILENAME ":1:11: unexpected character '$'");
	expect_policy_error("filesystem { layers: [\"a\" \"b\", ] }",
		FILENAME ":1:32: expected a quoted string for string field \"layers\", got \"]\"");
	expect_policy_error("filesystem { layers: [\"a\"; \"b\"] }",
		FILENAME ":1:26: expected ',' or ']' in list for field \"layers\", got \";\"");
	expect_policy_error("filesystem { mounts [{}, 5] }",
		FILENAME ":1:26: expected '{' for message field \"mounts\", got \"5\"");
	expect_policy_error("filesystem { mounts [{} {}] }",
		FILENAME ":1:25: expected ',' or ']' in list for field \"mounts\", got \"{\"");
	expect_policy_error("filesystem { mounts: [{}",
		FILENAME ":1:25: expected ',' or ']' in list for field \"mounts\", got end of input");
	expect_policy_error("filesystem { layers [\"a\"] }",
		FILENAME ":1:21: expected ':' after field \"layers\", got \"[\"");
	expect_policy_error("limits { processes: 1 } 5",
		FILENAME ":1:25: expected field name, got \"5\"");

	/* NUL bytes are input like any other: reported, never a terminator. */
	expect_error_len(&sbx__policy__descriptor, "name: \"a\"\0 x", 12, -EINVAL,
			 FILENAME ":1:10: unexpected byte 0x00");
	Sbx__Policy *p = (Sbx__Policy *)NULL;
	struct sbx_error err = { 0 };
	assert_int_equal(parse_len(&tftest__all__descriptor, "data: \"a\0b\"", 11,
				   (ProtobufCMessage **)&p, &err), 0);
	Tftest__All *a = (Tftest__All *)p;
	assert_int_equal(a->data.len, 3);
	free_msg(a);

	/* No filename: still positioned. */
	ProtobufCMessage *m = NULL;
	assert_int_equal(tf_parse(&sbx__policy__descriptor, "x", 1, NULL, &m, &err), -EINVAL);
	assert_string_equal(err.msg, "<input>:1:1: unknown field \"x\" in sbx.Policy");
}

static void test_long_tokens(void **state)
{
	/* A huge identifier or number is quoted shortened and not compared
	 * letter by letter against every field name. */
	size_t n = 200000;
	char *text = malloc(n + 16);
	assert_non_null(text);
	memset(text, 'a', n);
	memcpy(text + n, ": 1", 4);
	struct sbx_error err = { 0 };
	ProtobufCMessage *m = NULL;
	assert_int_equal(parse_len(&sbx__policy__descriptor, text, n + 3, &m, &err), -EINVAL);
	assert_string_equal(err.msg, FILENAME ":1:1: unknown field \"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa...\" in sbx.Policy");

	memcpy(text, "db: ", 4);
	memset(text + 4, '1', n);
	assert_int_equal(parse_len(&tftest__all__descriptor, text, n + 4, &m, &err), -EINVAL);
	assert_string_equal(err.msg, FILENAME ":1:5: number too long (over 128 characters)");
	free(text);

	/* Many adjacent literals: linear time, one string. */
	size_t count = 250000;
	text = malloc(6 + count * 4 + 1);
	assert_non_null(text);
	memcpy(text, "name: ", 6);
	for (size_t i = 0; i < count; i++)
		memcpy(text + 6 + i * 4, "'a' ", 4);
	text[6 + count * 4] = '\0';
	Sbx__Policy *p = policy_ok(text);
	assert_int_equal(strlen(p->name), count);
	free_msg(p);
	free(text);
}

static void test_depth_limit(void **state)
{
	char text[TF_MAX_DEPTH * 16 + 64];
	size_t n = 0;

	/* TF_MAX_DEPTH nested messages are fine... */
	for (int i = 0; i < TF_MAX_DEPTH; i++)
		n += (size_t)sprintf(text + n, "child{");
	for (int i = 0; i < TF_MAX_DEPTH; i++)
		text[n++] = '}';
	text[n] = '\0';
	Tftest__All *a = all_ok(text);
	assert_roundtrip(&a->base);
	free_msg(a);

	/* ...one more is not, whatever the mix of forms. */
	n = 0;
	for (int i = 0; i < TF_MAX_DEPTH; i++)
		n += (size_t)sprintf(text + n, i % 2 ? "child<" : "children[{");
	n += (size_t)sprintf(text + n, "one_msg{");
	text[n] = '\0';
	char msg[128];
	snprintf(msg, sizeof(msg), FILENAME ":1:%zu: messages nested deeper than %d levels",
		 n, TF_MAX_DEPTH);
	expect_all_error(text, msg);
}

static void test_size_limit(void **state)
{
	char *text = malloc(TF_MAX_INPUT + 1);
	assert_non_null(text);
	memset(text, ' ', TF_MAX_INPUT + 1);
	memcpy(text, "name: \"x\"", 9);
	text[TF_MAX_INPUT - 1] = '#';

	ProtobufCMessage *m = NULL;
	struct sbx_error err = { 0 };
	assert_int_equal(tf_parse(&sbx__policy__descriptor, text, TF_MAX_INPUT,
				  FILENAME, &m, &err), 0);
	free_msg(m);

	m = (ProtobufCMessage *)1;
	assert_int_equal(tf_parse(&sbx__policy__descriptor, text, TF_MAX_INPUT + 1,
				  FILENAME, &m, &err), -E2BIG);
	assert_null(m);
	assert_string_equal(err.msg, FILENAME ":1:1: input is 1048577 bytes, over the limit of 1048576 bytes");
	free(text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_policy_scalars),
		cmocka_unit_test(test_integer_forms),
		cmocka_unit_test(test_float_forms),
		cmocka_unit_test(test_enum_forms),
		cmocka_unit_test(test_string_escapes),
		cmocka_unit_test(test_bytes),
		cmocka_unit_test(test_string_defaults),
		cmocka_unit_test(test_syntax_forms),
		cmocka_unit_test(test_repeated_lists),
		cmocka_unit_test(test_oneof_and_required),
		cmocka_unit_test(test_proto3_presence),
		cmocka_unit_test(test_print_format),
		cmocka_unit_test(test_roundtrip_all_types),
		cmocka_unit_test(test_builtin_roundtrip),
		cmocka_unit_test(test_unknown_field),
		cmocka_unit_test(test_type_mismatch),
		cmocka_unit_test(test_out_of_range),
		cmocka_unit_test(test_duplicate_fields),
		cmocka_unit_test(test_string_errors),
		cmocka_unit_test(test_structure_errors),
		cmocka_unit_test(test_long_tokens),
		cmocka_unit_test(test_depth_limit),
		cmocka_unit_test(test_size_limit),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
