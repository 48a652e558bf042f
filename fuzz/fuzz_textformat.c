/* Fuzz harness for the text-format parser and printer (the broker's code):
 * parse as a policy; on success print, parse the output again and require
 * the same wire bytes. Built for libFuzzer (clang -fsanitize=fuzzer) or
 * AFL++ (afl-clang-fast: persistent mode, or stdin without it). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "textformat.h"

/* fuzz_textformat_types.c reuses this harness with the test schema. */
#ifndef FUZZ_DESCRIPTOR
#include "sbx.pb-c.h"
#define FUZZ_DESCRIPTOR sbx__policy__descriptor
#endif

static uint8_t *pack(const ProtobufCMessage *m, size_t *ret_len)
{
	size_t n = protobuf_c_message_get_packed_size(m);
	uint8_t *buf = malloc(n ? n : 1);

	if (!buf)
		abort();
	protobuf_c_message_pack(m, buf);
	*ret_len = n;
	return buf;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const ProtobufCMessageDescriptor *d = &FUZZ_DESCRIPTOR;
	struct sbx_error err = { 0 };
	ProtobufCMessage *m1 = NULL, *m2 = NULL;
	char *text = NULL;

	if (tf_parse(d, (const char *)data, size, "fuzz", &m1, &err) < 0) {
		/* Every error is positioned. */
		if (strncmp(err.msg, "fuzz:", 5) != 0 || m1)
			abort();
		return 0;
	}
	if (tf_print(m1, &text) < 0)
		abort();
	/* Printing spends more bytes per value than the tersest input (lists
	 * become one line per element), so output may pass the size limit. */
	if (strlen(text) <= TF_MAX_INPUT) {
		if (tf_parse(d, text, strlen(text), "printed", &m2, &err) < 0) {
			fprintf(stderr, "re-parse failed: %s\n%s\n", err.msg, text);
			abort();
		}
		size_t n1, n2;
		uint8_t *b1 = pack(m1, &n1), *b2 = pack(m2, &n2);
		if (n1 != n2 || memcmp(b1, b2, n1) != 0) {
			fprintf(stderr, "round trip differs:\n%s\n", text);
			abort();
		}
		char *text2 = NULL;
		if (tf_print(m2, &text2) < 0 || strcmp(text, text2) != 0)
			abort();
		free(text2);
		free(b1);
		free(b2);
		protobuf_c_message_free_unpacked(m2, NULL);
	}
	free(text);
	protobuf_c_message_free_unpacked(m1, NULL);
	return 0;
}

#ifdef SBX_FUZZ_MAIN
#ifdef __AFL_FUZZ_TESTCASE_LEN
__AFL_FUZZ_INIT();

int main(void)
{
	__AFL_INIT();
	unsigned char *buf = __AFL_FUZZ_TESTCASE_BUF;
	while (__AFL_LOOP(10000)) {
		size_t len = __AFL_FUZZ_TESTCASE_LEN;
		/* A private copy, exactly len bytes, so ASan sees reads past
		 * the end (the shared buffer is bigger). */
		uint8_t *copy = malloc(len ? len : 1);
		if (!copy)
			abort();
		memcpy(copy, buf, len);
		LLVMFuzzerTestOneInput(copy, len);
		free(copy);
	}
	return 0;
}
#else
/* Plain build: one input on stdin (or each file named), for replaying. */
static int run_stream(FILE *f)
{
	size_t cap = TF_MAX_INPUT + 2, len = 0;
	uint8_t *buf = malloc(cap);

	if (!buf)
		return 1;
	len = fread(buf, 1, cap, f);
	uint8_t *copy = malloc(len ? len : 1);
	if (!copy)
		abort();
	memcpy(copy, buf, len);
	free(buf);
	LLVMFuzzerTestOneInput(copy, len);
	free(copy);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc < 2)
		return run_stream(stdin);
	for (int i = 1; i < argc; i++) {
		FILE *f = fopen(argv[i], "rb");
		if (!f) {
			perror(argv[i]);
			return 1;
		}
		run_stream(f);
		fclose(f);
	}
	return 0;
}
#endif
#endif
