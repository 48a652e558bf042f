/* Protobuf text format over protobuf-c descriptors (broker: policy files and
 * `sbx policy print`).
 *
 * Policy files come from users and may be hostile, so the parser is a flat
 * loop over an explicit stack of at most TF_MAX_DEPTH frames instead of
 * recursion, every number is range-checked against its field type, and the
 * message under construction is kept valid for
 * protobuf_c_message_free_unpacked at every step: whatever fails, freeing
 * the root frees everything. Memory layout follows protobuf-c's own unpack
 * (malloc'ed strings, bytes, submessages and repeated arrays), so callers
 * free parsed and unpacked messages the same way. */
#include "textformat.h"
#include "pb-util.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cleanup.h"

#define MEMBER(type, msg, off) (*(type *)((char *)(msg) + (off)))
#define CMEMBER(type, msg, off) (*(const type *)((const char *)(msg) + (off)))

/* Longest token quoted back in an error message. */
#define QUOTE_MAX 40
/* Names longer than this are not compared for "did you mean". */
#define SUGGEST_MAX 64
/* Longest number token converted (long enough for any float with padding). */
#define NUMBER_MAX 128

/* ---------------------------------------------------------------- lexer */

enum tok_kind { TOK_END, TOK_IDENT, TOK_NUMBER, TOK_STRING, TOK_SYMBOL };

struct token {
	enum tok_kind kind;
	const char *p; /* into the input; strings include their quotes */
	size_t len;
	unsigned line, col;
};

struct lexer {
	const char *p, *end;
	unsigned line, col;
	const char *filename;
	struct sbx_error *err;
	bool have_peek;
	struct token peek;
};

static int __attribute__((format(printf, 5, 6)))
at_error(struct lexer *lx, unsigned line, unsigned col, int code,
	 const char *fmt, ...)
{
	char msg[SBX_ERR_MSG_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return sbx_err(lx->err, code, "%s:%u:%u: %s",
		       lx->filename ? lx->filename : "<input>", line, col, msg);
}

#define tok_error(lx, t, code, ...) at_error(lx, (t)->line, (t)->col, code, __VA_ARGS__)

static void advance(struct lexer *lx)
{
	if (*lx->p == '\n') {
		lx->line++;
		lx->col = 1;
	} else {
		lx->col++;
	}
	lx->p++;
}

static bool is_ident_start(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static bool is_ident_char(char c)
{
	return is_ident_start(c) || is_digit(c);
}

static int hex_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Decodes one escape sequence at p (just after the backslash). Sets *ret_len
 * to the characters consumed and either *ret_byte (plain byte) or *ret_cp
 * with *ret_unicode (a \u or \U code point, emitted as UTF-8). Returns 0 or
 * -EINVAL. Shared by the lexer (which only validates) and the decoder so the
 * two can never disagree. */
static int decode_escape(const char *p, const char *end, size_t *ret_len,
			 uint8_t *ret_byte, uint32_t *ret_cp, bool *ret_unicode)
{
	*ret_unicode = false;
	if (p >= end)
		return -EINVAL;
	switch (*p) {
	case 'n': *ret_byte = '\n'; break;
	case 't': *ret_byte = '\t'; break;
	case 'r': *ret_byte = '\r'; break;
	case 'a': *ret_byte = '\a'; break;
	case 'b': *ret_byte = '\b'; break;
	case 'f': *ret_byte = '\f'; break;
	case 'v': *ret_byte = '\v'; break;
	case '\\': case '"': case '\'': case '?':
		*ret_byte = (uint8_t)*p;
		break;
	case 'x': case 'X': {
		size_t n = 0;
		unsigned v = 0;
		while (n < 2 && p + 1 + n < end && hex_value(p[1 + n]) >= 0) {
			v = v * 16 + (unsigned)hex_value(p[1 + n]);
			n++;
		}
		if (n == 0)
			return -EINVAL;
		*ret_byte = (uint8_t)v;
		*ret_len = 1 + n;
		return 0;
	}
	case 'u': case 'U': {
		size_t want = *p == 'u' ? 4 : 8;
		uint32_t v = 0;
		for (size_t i = 0; i < want; i++) {
			if (p + 1 + i >= end || hex_value(p[1 + i]) < 0)
				return -EINVAL;
			v = v * 16 + (uint32_t)hex_value(p[1 + i]);
		}
		/* Surrogates and values past Unicode have no UTF-8 form. */
		if (v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff))
			return -EINVAL;
		*ret_cp = v;
		*ret_unicode = true;
		*ret_len = 1 + want;
		return 0;
	}
	default:
		if (*p >= '0' && *p <= '7') {
			size_t n = 0;
			unsigned v = 0;
			while (n < 3 && p + n < end && p[n] >= '0' && p[n] <= '7') {
				v = v * 8 + (unsigned)(p[n] - '0');
				n++;
			}
			if (v > 0xff)
				return -EINVAL;
			*ret_byte = (uint8_t)v;
			*ret_len = n;
			return 0;
		}
		return -EINVAL;
	}
	*ret_len = 1;
	return 0;
}

static int scan_string(struct lexer *lx, struct token *t)
{
	char quote = *lx->p;

	advance(lx);
	for (;;) {
		if (lx->p >= lx->end || *lx->p == '\n')
			return tok_error(lx, t, -EINVAL, "unterminated string");
		if (*lx->p == quote) {
			advance(lx);
			break;
		}
		if (*lx->p == '\\') {
			unsigned line = lx->line, col = lx->col;
			size_t n;
			uint8_t b;
			uint32_t cp;
			bool uni;

			advance(lx);
			if (decode_escape(lx->p, lx->end, &n, &b, &cp, &uni) < 0) {
				if (lx->p >= lx->end || *lx->p == '\n')
					return tok_error(lx, t, -EINVAL,
							 "unterminated string");
				return at_error(lx, line, col, -EINVAL,
						"invalid escape sequence in string");
			}
			while (n--)
				advance(lx);
			continue;
		}
		advance(lx);
	}
	t->kind = TOK_STRING;
	t->len = (size_t)(lx->p - t->p);
	return 0;
}

static void scan_number(struct lexer *lx, struct token *t)
{
	bool hex = lx->end - lx->p > 2 && lx->p[0] == '0' &&
		   (lx->p[1] == 'x' || lx->p[1] == 'X');

	advance(lx);
	while (lx->p < lx->end) {
		char c = *lx->p;
		char prev = lx->p[-1];

		if (is_ident_char(c) || c == '.' ||
		    ((c == '+' || c == '-') && !hex && (prev == 'e' || prev == 'E')))
			advance(lx);
		else
			break;
	}
	t->kind = TOK_NUMBER;
	t->len = (size_t)(lx->p - t->p);
}

static void skip_blanks(struct lexer *lx)
{
	while (lx->p < lx->end) {
		char c = *lx->p;

		if (c == ' ' || c == '\t' || c == '\n' || c == '\r' ||
		    c == '\f' || c == '\v') {
			advance(lx);
		} else if (c == '#') {
			while (lx->p < lx->end && *lx->p != '\n')
				advance(lx);
		} else {
			break;
		}
	}
}

static int scan(struct lexer *lx, struct token *t)
{
	skip_blanks(lx);
	t->p = lx->p;
	t->line = lx->line;
	t->col = lx->col;
	t->len = 0;
	if (lx->p >= lx->end) {
		t->kind = TOK_END;
		return 0;
	}

	char c = *lx->p;
	if (is_ident_start(c)) {
		while (lx->p < lx->end && is_ident_char(*lx->p))
			advance(lx);
		t->kind = TOK_IDENT;
		t->len = (size_t)(lx->p - t->p);
		return 0;
	}
	if (is_digit(c) || (c == '.' && lx->end - lx->p > 1 && is_digit(lx->p[1]))) {
		scan_number(lx, t);
		return 0;
	}
	if (c == '"' || c == '\'')
		return scan_string(lx, t);
	if (strchr("{}<>[]:,;-", c) && c != '\0') {
		advance(lx);
		t->kind = TOK_SYMBOL;
		t->len = 1;
		return 0;
	}
	if (c >= 0x20 && c < 0x7f)
		return tok_error(lx, t, -EINVAL, "unexpected character '%c'", c);
	return tok_error(lx, t, -EINVAL, "unexpected byte 0x%02x",
			 (unsigned)(uint8_t)c);
}

static int lex_peek(struct lexer *lx, struct token *ret)
{
	if (!lx->have_peek) {
		int r = scan(lx, &lx->peek);
		if (r < 0)
			return r;
		lx->have_peek = true;
	}
	*ret = lx->peek;
	return 0;
}

static int lex_next(struct lexer *lx, struct token *ret)
{
	int r = lex_peek(lx, ret);
	if (r < 0)
		return r;
	lx->have_peek = false;
	return 0;
}

static bool is_symbol(const struct token *t, char c)
{
	return t->kind == TOK_SYMBOL && t->p[0] == c;
}

static bool tok_equals(const struct token *t, const char *s)
{
	return strlen(s) == t->len && memcmp(t->p, s, t->len) == 0;
}

/* Quotes a token for messages: printable bytes only, shortened. */
static const char *tok_quote(const struct token *t, char *buf, size_t size)
{
	size_t n = 0;

	/* A string token carries its own quotes. */
	bool quote = t->kind != TOK_STRING;

	if (t->kind == TOK_END)
		return "end of input";
	if (quote)
		buf[n++] = '"';
	for (size_t i = 0; i < t->len && n + 5 < size; i++) {
		if (i == QUOTE_MAX) {
			memcpy(buf + n, "...", 3);
			n += 3;
			break;
		}
		char c = t->p[i];
		buf[n++] = c >= 0x20 && c < 0x7f ? c : '?';
	}
	if (quote)
		buf[n++] = '"';
	buf[n] = '\0';
	return buf;
}

/* --------------------------------------------------------- did you mean */

/* Optimal string alignment distance, so a swap of two letters counts once. */
static size_t edit_distance(const char *a, size_t la, const char *b, size_t lb)
{
	size_t d[SUGGEST_MAX + 1][SUGGEST_MAX + 1];

	for (size_t i = 0; i <= la; i++)
		d[i][0] = i;
	for (size_t j = 0; j <= lb; j++)
		d[0][j] = j;
	for (size_t i = 1; i <= la; i++) {
		for (size_t j = 1; j <= lb; j++) {
			size_t cost = a[i - 1] != b[j - 1];
			size_t v = d[i - 1][j] + 1;
			if (d[i][j - 1] + 1 < v)
				v = d[i][j - 1] + 1;
			if (d[i - 1][j - 1] + cost < v)
				v = d[i - 1][j - 1] + cost;
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] &&
			    a[i - 2] == b[j - 1] && d[i - 2][j - 2] + 1 < v)
				v = d[i - 2][j - 2] + 1;
			d[i][j] = v;
		}
	}
	return d[la][lb];
}

/* Keeps the closest candidate name, if close enough to be a typo: at most a
 * third of the longer name may differ (and always one edit). */
struct suggestion {
	const struct token *word;
	const char *best;
	size_t best_dist;
};

static void suggest_consider(struct suggestion *s, const char *name)
{
	size_t ln = strlen(name), lw = s->word->len;

	if (lw > SUGGEST_MAX || ln > SUGGEST_MAX)
		return;
	size_t dist = edit_distance(s->word->p, lw, name, ln);
	size_t limit = (lw > ln ? lw : ln) / 3;
	if (limit < 1)
		limit = 1;
	if (dist <= limit && (!s->best || dist < s->best_dist)) {
		s->best = name;
		s->best_dist = dist;
	}
}

static void suggest_format(const struct suggestion *s, char *buf, size_t size)
{
	if (s->best)
		snprintf(buf, size, "; did you mean \"%s\"?", s->best);
	else
		buf[0] = '\0';
}

/* ------------------------------------------------------ field storage */

static const char *type_name(ProtobufCType type)
{
	static const char *const names[] = {
		[PROTOBUF_C_TYPE_INT32] = "int32",
		[PROTOBUF_C_TYPE_SINT32] = "sint32",
		[PROTOBUF_C_TYPE_SFIXED32] = "sfixed32",
		[PROTOBUF_C_TYPE_INT64] = "int64",
		[PROTOBUF_C_TYPE_SINT64] = "sint64",
		[PROTOBUF_C_TYPE_SFIXED64] = "sfixed64",
		[PROTOBUF_C_TYPE_UINT32] = "uint32",
		[PROTOBUF_C_TYPE_FIXED32] = "fixed32",
		[PROTOBUF_C_TYPE_UINT64] = "uint64",
		[PROTOBUF_C_TYPE_FIXED64] = "fixed64",
		[PROTOBUF_C_TYPE_FLOAT] = "float",
		[PROTOBUF_C_TYPE_DOUBLE] = "double",
		[PROTOBUF_C_TYPE_BOOL] = "bool",
		[PROTOBUF_C_TYPE_ENUM] = "enum",
		[PROTOBUF_C_TYPE_STRING] = "string",
		[PROTOBUF_C_TYPE_BYTES] = "bytes",
		[PROTOBUF_C_TYPE_MESSAGE] = "message",
	};
	if ((unsigned)type < ARRAY_SIZE(names) && names[type])
		return names[type];
	return "?";
}

/* Grows a repeated field by one slot and returns it (zeroed), or NULL. The
 * count is bumped by the caller only once the slot holds a value, so a
 * failure in between never exposes garbage to free_unpacked. */
static void *repeated_slot(ProtobufCMessage *msg,
			   const ProtobufCFieldDescriptor *f)
{
	size_t n = MEMBER(size_t, msg, f->quantifier_offset);
	void **arr = &MEMBER(void *, msg, f->offset);
	size_t size = pb_value_size(f->type);

	/* Capacity is implicit: 4, then powers of two. */
	if (n == 0 || (n >= 4 && (n & (n - 1)) == 0)) {
		size_t cap = n == 0 ? 4 : n * 2;
		void *grown = realloc(*arr, cap * size);
		if (!grown)
			return NULL;
		*arr = grown;
	}
	char *slot = (char *)*arr + n * size;
	memset(slot, 0, size);
	return slot;
}

/* Marks a singular field present, the way protobuf-c's pack checks it. */
static void mark_present(ProtobufCMessage *msg,
			 const ProtobufCFieldDescriptor *f)
{
	if (f->flags & PROTOBUF_C_FIELD_FLAG_ONEOF)
		MEMBER(uint32_t, msg, f->quantifier_offset) = f->id;
	else if (f->label == PROTOBUF_C_LABEL_OPTIONAL &&
		 f->type != PROTOBUF_C_TYPE_STRING &&
		 f->type != PROTOBUF_C_TYPE_MESSAGE && f->quantifier_offset)
		MEMBER(protobuf_c_boolean, msg, f->quantifier_offset) = 1;
}

/* Stores a value (ownership of pointers passes to msg). Returns 0 or -ENOMEM,
 * in which case the caller still owns the value. */
static int store_value(ProtobufCMessage *msg, const ProtobufCFieldDescriptor *f,
		       const void *value)
{
	size_t size = pb_value_size(f->type);

	if (f->label == PROTOBUF_C_LABEL_REPEATED) {
		void *slot = repeated_slot(msg, f);
		if (!slot)
			return -ENOMEM;
		memcpy(slot, value, size);
		MEMBER(size_t, msg, f->quantifier_offset)++;
		return 0;
	}
	memcpy((char *)msg + f->offset, value, size);
	mark_present(msg, f);
	return 0;
}

/* ---------------------------------------------------------------- values */

union value {
	int32_t i32;
	int64_t i64;
	uint32_t u32;
	uint64_t u64;
	float f;
	double d;
	protobuf_c_boolean b;
	int e;
	char *s;
	ProtobufCBinaryData bytes;
	ProtobufCMessage *m;
};

static void value_free(const ProtobufCFieldDescriptor *f, union value *v)
{
	if (f->type == PROTOBUF_C_TYPE_STRING)
		free(v->s);
	else if (f->type == PROTOBUF_C_TYPE_BYTES)
		free(v->bytes.data);
	else if (f->type == PROTOBUF_C_TYPE_MESSAGE && v->m)
		protobuf_c_message_free_unpacked(v->m, NULL);
}

/* Unsigned integer in decimal, 0x hex or leading-0 octal. Returns 0, -ERANGE
 * or -EINVAL. */
static int parse_uint(const struct token *t, uint64_t *ret)
{
	const char *s = t->p;
	size_t n = t->len, i = 0;
	unsigned base = 10;
	uint64_t v = 0;

	if (n > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		i = 2;
	} else if (n > 1 && s[0] == '0') {
		base = 8;
		i = 1;
	}
	if (i >= n)
		return n == 1 && s[0] == '0' ? (*ret = 0, 0) : -EINVAL;
	for (; i < n; i++) {
		int d = hex_value(s[i]);
		if (d < 0 || (unsigned)d >= base)
			return -EINVAL;
		if (v > (UINT64_MAX - (unsigned)d) / base)
			return -ERANGE;
		v = v * base + (unsigned)d;
	}
	*ret = v;
	return 0;
}

/* A float literal: digits with optional fraction and exponent, optional f
 * suffix. strtod alone would also take hex floats and "infinity" spelled
 * inside a number token, which are not text format. */
static bool float_syntax_ok(const char *s, size_t n)
{
	size_t i = 0, mant = 0;

	if (n > 0 && (s[n - 1] == 'f' || s[n - 1] == 'F'))
		n--;
	while (i < n && is_digit(s[i]))
		i++, mant++;
	if (i < n && s[i] == '.') {
		i++;
		while (i < n && is_digit(s[i]))
			i++, mant++;
	}
	if (mant == 0)
		return false;
	if (i < n && (s[i] == 'e' || s[i] == 'E')) {
		i++;
		if (i < n && (s[i] == '+' || s[i] == '-'))
			i++;
		if (i >= n || !is_digit(s[i]))
			return false;
		while (i < n && is_digit(s[i]))
			i++;
	}
	return i == n;
}

struct frame {
	ProtobufCMessage *msg;
	unsigned *seen;  /* per field: line where first set, 0 if not yet */
	char close;      /* '}' or '>'; 0 for the root */
	unsigned open_line, open_col;
	/* Set when this message is an element of a `field: [{...}, ...]` list
	 * in the parent, so the parent expects ',' or ']' after it. */
	const ProtobufCFieldDescriptor *list_field;
};

struct parser {
	struct lexer lx;
	struct frame stack[TF_MAX_DEPTH + 1];
	unsigned depth; /* index of the top frame */
};

static int parse_error_value(struct parser *p, const struct token *t,
			     const ProtobufCFieldDescriptor *f, const char *what)
{
	char q[QUOTE_MAX + 8];

	return tok_error(&p->lx, t, -EINVAL,
			 "expected %s for %s field \"%s\", got %s", what,
			 type_name(f->type), f->name,
			 tok_quote(t, q, sizeof(q)));
}

static int parse_float(struct parser *p, const struct token *t, bool neg,
		       const struct token *start,
		       const ProtobufCFieldDescriptor *f, union value *v)
{
	char buf[NUMBER_MAX + 1], q[QUOTE_MAX + 8];
	bool is_float = f->type == PROTOBUF_C_TYPE_FLOAT;
	double d;

	if (t->kind == TOK_IDENT) {
		if (t->len == 3 && !strncasecmp(t->p, "nan", 3))
			d = NAN;
		else if ((t->len == 3 && !strncasecmp(t->p, "inf", 3)) ||
			 (t->len == 8 && !strncasecmp(t->p, "infinity", 8)))
			d = INFINITY;
		else
			return parse_error_value(p, t, f, "a number");
	} else if (t->kind == TOK_NUMBER) {
		if (!float_syntax_ok(t->p, t->len))
			return tok_error(&p->lx, t, -EINVAL, "invalid number %s",
					 tok_quote(t, q, sizeof(q)));
		if (t->len > NUMBER_MAX)
			return tok_error(&p->lx, t, -EINVAL,
					 "number too long (over %d characters)",
					 NUMBER_MAX);
		size_t n = t->len;
		if (t->p[n - 1] == 'f' || t->p[n - 1] == 'F')
			n--;
		memcpy(buf, t->p, n);
		buf[n] = '\0';
		errno = 0;
		if (is_float) {
			float fv = strtof(buf, NULL);
			/* Underflow to a subnormal or zero is fine; overflow
			 * to infinity is a typo worth reporting. */
			if (errno == ERANGE && isinf(fv))
				goto range;
			d = fv;
		} else {
			d = strtod(buf, NULL);
			if (errno == ERANGE && isinf(d))
				goto range;
		}
	} else {
		return parse_error_value(p, t, f, "a number");
	}
	if (neg)
		d = -d;
	if (is_float)
		v->f = (float)d;
	else
		v->d = d;
	return 0;
range:
	return tok_error(&p->lx, start, -EINVAL,
			 "value out of range for %s field \"%s\"",
			 type_name(f->type), f->name);
}

static int parse_integer(struct parser *p, const struct token *t, bool neg,
			 const struct token *start,
			 const ProtobufCFieldDescriptor *f, union value *v)
{
	char q[QUOTE_MAX + 8];
	uint64_t mag;
	int r;

	if (t->kind != TOK_NUMBER)
		return parse_error_value(p, t, f, "an integer");
	r = parse_uint(t, &mag);
	if (r == -EINVAL)
		return tok_error(&p->lx, t, -EINVAL, "invalid integer %s",
				 tok_quote(t, q, sizeof(q)));
	if (r == -ERANGE)
		goto range;

	switch (f->type) {
	case PROTOBUF_C_TYPE_INT32:
	case PROTOBUF_C_TYPE_SINT32:
	case PROTOBUF_C_TYPE_SFIXED32:
		if (mag > (neg ? (uint64_t)INT32_MAX + 1 : (uint64_t)INT32_MAX))
			goto range;
		v->i32 = neg ? (int32_t)(-(int64_t)mag) : (int32_t)mag;
		return 0;
	case PROTOBUF_C_TYPE_INT64:
	case PROTOBUF_C_TYPE_SINT64:
	case PROTOBUF_C_TYPE_SFIXED64:
		if (mag > (neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX))
			goto range;
		/* -(2^63) has no positive counterpart: negate in unsigned. */
		v->i64 = neg ? (int64_t)(0 - mag) : (int64_t)mag;
		return 0;
	case PROTOBUF_C_TYPE_UINT32:
	case PROTOBUF_C_TYPE_FIXED32:
		if ((neg && mag) || mag > UINT32_MAX)
			goto range;
		v->u32 = (uint32_t)mag;
		return 0;
	case PROTOBUF_C_TYPE_UINT64:
	case PROTOBUF_C_TYPE_FIXED64:
		if (neg && mag)
			goto range;
		v->u64 = mag;
		return 0;
	default:
		abort(); /* callers route only integer types here */
	}
range:
	return tok_error(&p->lx, start, -EINVAL,
			 "value out of range for %s field \"%s\"",
			 type_name(f->type), f->name);
}

static int parse_bool(struct parser *p, const struct token *t, bool neg,
		      const ProtobufCFieldDescriptor *f, union value *v)
{
	if (!neg && t->kind == TOK_IDENT) {
		if (tok_equals(t, "true") || tok_equals(t, "True") ||
		    tok_equals(t, "t")) {
			v->b = 1;
			return 0;
		}
		if (tok_equals(t, "false") || tok_equals(t, "False") ||
		    tok_equals(t, "f")) {
			v->b = 0;
			return 0;
		}
	}
	if (!neg && t->kind == TOK_NUMBER && (tok_equals(t, "0") || tok_equals(t, "1"))) {
		v->b = t->p[0] == '1';
		return 0;
	}
	return parse_error_value(p, t, f, "true or false");
}

static int parse_enum(struct parser *p, const struct token *t, bool neg,
		      const struct token *start,
		      const ProtobufCFieldDescriptor *f, union value *v)
{
	const ProtobufCEnumDescriptor *ed = f->descriptor;
	char q[QUOTE_MAX + 8], hint[SBX_ERR_MSG_MAX / 2];

	if (t->kind == TOK_IDENT && !neg) {
		struct suggestion s = { .word = t };
		for (unsigned i = 0; i < ed->n_values; i++) {
			if (tok_equals(t, ed->values[i].name)) {
				v->e = ed->values[i].value;
				return 0;
			}
		}
		/* only a name that matched nothing needs the distances */
		for (unsigned i = 0; i < ed->n_values; i++)
			suggest_consider(&s, ed->values[i].name);
		suggest_format(&s, hint, sizeof(hint));
		return tok_error(&p->lx, t, -EINVAL,
				 "unknown value %s for enum %s field \"%s\"%s",
				 tok_quote(t, q, sizeof(q)), ed->name, f->name,
				 hint);
	}
	if (t->kind == TOK_NUMBER) {
		uint64_t mag;
		if (parse_uint(t, &mag) == 0 &&
		    mag <= (neg ? (uint64_t)INT32_MAX + 1 : (uint64_t)INT32_MAX)) {
			int64_t n = neg ? -(int64_t)mag : (int64_t)mag;
			for (unsigned i = 0; i < ed->n_values; i++) {
				if (ed->values[i].value == n) {
					v->e = (int)n;
					return 0;
				}
			}
		}
		/* Quote the sign with the number. */
		struct token whole = *start;
		whole.len = (size_t)(t->p + t->len - start->p);
		return tok_error(&p->lx, start, -EINVAL,
				 "unknown value %s for enum %s field \"%s\"",
				 tok_quote(&whole, q, sizeof(q)), ed->name,
				 f->name);
	}
	return parse_error_value(p, t, f, "an enum value name");
}

/* Appends the decoded contents of a quoted string token to buf. */
static int append_string(struct parser *p, const struct token *t, char **buf,
			 size_t *len, size_t *cap)
{
	/* Decoding never grows: every escape is at least as long as its
	 * bytes (\uXXXX is 6 characters for at most 3 UTF-8 bytes). */
	size_t need = *len + t->len + 1;
	if (need > *cap) {
		/* Geometric, or thousands of adjacent literals go quadratic. */
		size_t cap2 = *cap * 2 > need ? *cap * 2 : need;
		char *grown = realloc(*buf, cap2);
		if (!grown)
			return tok_error(&p->lx, t, -ENOMEM, "out of memory");
		*buf = grown;
		*cap = cap2;
	}
	const char *s = t->p + 1, *end = t->p + t->len - 1;
	char *out = *buf + *len;
	while (s < end) {
		if (*s != '\\') {
			*out++ = *s++;
			continue;
		}
		size_t n = 0;
		uint8_t b = 0;
		uint32_t cp = 0;
		bool uni;
		s++;
		/* The lexer validated this escape already. */
		if (decode_escape(s, end, &n, &b, &cp, &uni) < 0)
			abort();
		s += n;
		if (!uni) {
			*out++ = (char)b;
		} else if (cp < 0x80) {
			*out++ = (char)cp;
		} else if (cp < 0x800) {
			*out++ = (char)(0xc0 | (cp >> 6));
			*out++ = (char)(0x80 | (cp & 0x3f));
		} else if (cp < 0x10000) {
			*out++ = (char)(0xe0 | (cp >> 12));
			*out++ = (char)(0x80 | ((cp >> 6) & 0x3f));
			*out++ = (char)(0x80 | (cp & 0x3f));
		} else {
			*out++ = (char)(0xf0 | (cp >> 18));
			*out++ = (char)(0x80 | ((cp >> 12) & 0x3f));
			*out++ = (char)(0x80 | ((cp >> 6) & 0x3f));
			*out++ = (char)(0x80 | (cp & 0x3f));
		}
	}
	*len = (size_t)(out - *buf);
	(*buf)[*len] = '\0';
	return 0;
}

/* One or more adjacent string literals, concatenated. */
static int parse_string(struct parser *p, const struct token *first,
			const ProtobufCFieldDescriptor *f, union value *v)
{
	_cleanup_free_ char *buf = NULL;
	size_t len = 0, cap = 0;
	struct token t = *first;
	int r;

	if (t.kind != TOK_STRING)
		return parse_error_value(p, &t, f, "a quoted string");
	for (;;) {
		r = append_string(p, &t, &buf, &len, &cap);
		if (r < 0)
			return r;
		r = lex_peek(&p->lx, &t);
		if (r < 0)
			return r;
		if (t.kind != TOK_STRING)
			break;
		lex_next(&p->lx, &t);
	}
	if (f->type == PROTOBUF_C_TYPE_STRING) {
		/* A C string cannot hold NUL; storing it would silently cut
		 * the value short. */
		if (memchr(buf, '\0', len))
			return tok_error(&p->lx, first, -EINVAL,
					 "string field \"%s\" contains a NUL byte",
					 f->name);
		v->s = TAKE_PTR(buf);
	} else {
		v->bytes.len = len;
		v->bytes.data = (uint8_t *)TAKE_PTR(buf);
	}
	return 0;
}

/* Reads one scalar value (with an optional leading '-') for field f. */
static int parse_value(struct parser *p, const ProtobufCFieldDescriptor *f,
		       union value *v)
{
	struct token start, t;
	bool neg = false;
	int r;

	r = lex_next(&p->lx, &start);
	if (r < 0)
		return r;
	t = start;
	if (is_symbol(&t, '-')) {
		neg = true;
		r = lex_next(&p->lx, &t);
		if (r < 0)
			return r;
	}

	switch (f->type) {
	case PROTOBUF_C_TYPE_STRING:
	case PROTOBUF_C_TYPE_BYTES:
		if (neg)
			return parse_error_value(p, &start, f, "a quoted string");
		return parse_string(p, &t, f, v);
	case PROTOBUF_C_TYPE_FLOAT:
	case PROTOBUF_C_TYPE_DOUBLE:
		return parse_float(p, &t, neg, &start, f, v);
	case PROTOBUF_C_TYPE_BOOL:
		return parse_bool(p, &t, neg, f, v);
	case PROTOBUF_C_TYPE_ENUM:
		return parse_enum(p, &t, neg, &start, f, v);
	case PROTOBUF_C_TYPE_MESSAGE:
		return parse_error_value(p, &start, f, "'{'");
	default:
		return parse_integer(p, &t, neg, &start, f, v);
	}
}

static int parse_and_store_value(struct parser *p,
				 const ProtobufCFieldDescriptor *f,
				 const struct token *name)
{
	union value v = { 0 };
	int r;

	r = parse_value(p, f, &v);
	if (r < 0)
		return r;
	r = store_value(p->stack[p->depth].msg, f, &v);
	if (r < 0) {
		value_free(f, &v);
		return tok_error(&p->lx, name, r, "out of memory");
	}
	return 0;
}

/* --------------------------------------------------------------- parser */

static int push_message(struct parser *p, const ProtobufCFieldDescriptor *f,
			const struct token *open, bool in_list)
{
	const ProtobufCMessageDescriptor *d = f->descriptor;
	struct frame *top = &p->stack[p->depth];

	if (p->depth >= TF_MAX_DEPTH)
		return tok_error(&p->lx, open, -EINVAL,
				 "messages nested deeper than %d levels",
				 TF_MAX_DEPTH);

	union value v = { .m = malloc(d->sizeof_message) };
	unsigned *seen = calloc(d->n_fields ? d->n_fields : 1, sizeof(*seen));
	if (!v.m || !seen) {
		free(v.m);
		free(seen);
		return tok_error(&p->lx, open, -ENOMEM, "out of memory");
	}
	protobuf_c_message_init(d, v.m);
	if (store_value(top->msg, f, &v) < 0) {
		protobuf_c_message_free_unpacked(v.m, NULL);
		free(seen);
		return tok_error(&p->lx, open, -ENOMEM, "out of memory");
	}
	p->depth++;
	p->stack[p->depth] = (struct frame){
		.msg = v.m,
		.seen = seen,
		.close = is_symbol(open, '<') ? '>' : '}',
		.open_line = open->line,
		.open_col = open->col,
		.list_field = in_list ? f : NULL,
	};
	return 0;
}

static int check_required(struct parser *p, const struct frame *fr,
			  const struct token *at)
{
	const ProtobufCMessageDescriptor *d = fr->msg->descriptor;

	for (unsigned i = 0; i < d->n_fields; i++)
		if (d->fields[i].label == PROTOBUF_C_LABEL_REQUIRED &&
		    !fr->seen[i])
			return tok_error(&p->lx, at, -EINVAL,
					 "missing required field \"%s\" in %s",
					 d->fields[i].name, d->name);
	return 0;
}

static int skip_separator(struct parser *p)
{
	struct token t;
	int r = lex_peek(&p->lx, &t);

	if (r < 0)
		return r;
	if (is_symbol(&t, ',') || is_symbol(&t, ';'))
		lex_next(&p->lx, &t);
	return 0;
}

/* After '[' of a message list or ',' inside one: the next element. */
static int open_list_element(struct parser *p, const ProtobufCFieldDescriptor *f)
{
	struct token t;
	int r = lex_next(&p->lx, &t);

	if (r < 0)
		return r;
	if (!is_symbol(&t, '{') && !is_symbol(&t, '<'))
		return parse_error_value(p, &t, f, "'{'");
	return push_message(p, f, &t, true);
}

static int parse_scalar_list(struct parser *p, const ProtobufCFieldDescriptor *f,
			     const struct token *name)
{
	struct token t;
	int r = lex_peek(&p->lx, &t);

	if (r < 0)
		return r;
	if (is_symbol(&t, ']')) {
		lex_next(&p->lx, &t);
		return 0;
	}
	for (;;) {
		r = parse_and_store_value(p, f, name);
		if (r < 0)
			return r;
		r = lex_next(&p->lx, &t);
		if (r < 0)
			return r;
		if (is_symbol(&t, ']'))
			return 0;
		if (!is_symbol(&t, ',')) {
			char q[QUOTE_MAX + 8];
			return tok_error(&p->lx, &t, -EINVAL,
					 "expected ',' or ']' in list for field \"%s\", got %s",
					 f->name, tok_quote(&t, q, sizeof(q)));
		}
	}
}

static const ProtobufCFieldDescriptor *
find_field(const ProtobufCMessageDescriptor *d, const struct token *name,
	   unsigned *ret_index)
{
	for (unsigned i = 0; i < d->n_fields; i++) {
		if (tok_equals(name, d->fields[i].name)) {
			*ret_index = i;
			return &d->fields[i];
		}
	}
	return NULL;
}

static int unknown_field(struct parser *p, const ProtobufCMessageDescriptor *d,
			 const struct token *name)
{
	char q[QUOTE_MAX + 8], hint[SBX_ERR_MSG_MAX / 2];
	struct suggestion s = { .word = name };

	for (unsigned i = 0; i < d->n_fields; i++)
		suggest_consider(&s, d->fields[i].name);
	suggest_format(&s, hint, sizeof(hint));
	return tok_error(&p->lx, name, -EINVAL, "unknown field %s in %s%s",
			 tok_quote(name, q, sizeof(q)), d->name, hint);
}

/* A oneof keeps one member; a second would overwrite a shared union. */
static int check_oneof(struct parser *p, const struct frame *fr,
		       const ProtobufCFieldDescriptor *f,
		       const struct token *name)
{
	if (!(f->flags & PROTOBUF_C_FIELD_FLAG_ONEOF))
		return 0;
	uint32_t set = MEMBER(uint32_t, fr->msg, f->quantifier_offset);
	if (set == 0 || set == f->id)
		return 0;
	const ProtobufCFieldDescriptor *other =
		protobuf_c_message_descriptor_get_field(fr->msg->descriptor, set);
	return tok_error(&p->lx, name, -EINVAL,
			 "field \"%s\" and field \"%s\" are in the same oneof; only one may be set",
			 f->name, other ? other->name : "?");
}

/* name [':'] value | name [':'] '{' ... | name [':'] '[' ... ']' */
static int parse_field(struct parser *p, const struct token *name)
{
	struct frame *fr = &p->stack[p->depth];
	const ProtobufCMessageDescriptor *d = fr->msg->descriptor;
	const ProtobufCFieldDescriptor *f;
	bool repeated, colon = false;
	struct token t;
	unsigned idx;
	int r;

	f = find_field(d, name, &idx);
	if (!f)
		return unknown_field(p, d, name);
	repeated = f->label == PROTOBUF_C_LABEL_REPEATED;
	if (!repeated && fr->seen[idx])
		return tok_error(&p->lx, name, -EINVAL,
				 "non-repeated field \"%s\" is set twice (first at line %u)",
				 f->name, fr->seen[idx]);
	r = check_oneof(p, fr, f, name);
	if (r < 0)
		return r;
	if (!fr->seen[idx])
		fr->seen[idx] = name->line;

	r = lex_peek(&p->lx, &t);
	if (r < 0)
		return r;
	if (is_symbol(&t, ':')) {
		colon = true;
		lex_next(&p->lx, &t);
		r = lex_peek(&p->lx, &t);
		if (r < 0)
			return r;
	}

	if (is_symbol(&t, '[')) {
		if (!repeated)
			return tok_error(&p->lx, &t, -EINVAL,
					 "field \"%s\" is not repeated; a list needs a repeated field",
					 f->name);
		if (!colon && f->type != PROTOBUF_C_TYPE_MESSAGE)
			goto need_colon;
		lex_next(&p->lx, &t);
		if (f->type != PROTOBUF_C_TYPE_MESSAGE) {
			r = parse_scalar_list(p, f, name);
			return r < 0 ? r : skip_separator(p);
		}
		r = lex_peek(&p->lx, &t);
		if (r < 0)
			return r;
		if (is_symbol(&t, ']')) {
			lex_next(&p->lx, &t);
			return skip_separator(p);
		}
		return open_list_element(p, f);
	}

	if (f->type == PROTOBUF_C_TYPE_MESSAGE) {
		lex_next(&p->lx, &t);
		if (!is_symbol(&t, '{') && !is_symbol(&t, '<'))
			return parse_error_value(p, &t, f, "'{'");
		return push_message(p, f, &t, false);
	}
	if (!colon)
		goto need_colon;
	r = parse_and_store_value(p, f, name);
	return r < 0 ? r : skip_separator(p);

need_colon:;
	char q[QUOTE_MAX + 8];
	return tok_error(&p->lx, &t, -EINVAL,
			 "expected ':' after field \"%s\", got %s", f->name,
			 tok_quote(&t, q, sizeof(q)));
}

/* The closing token of the top frame was read: pop it and continue in the
 * parent, inside a message list if the frame was a list element. */
static int close_message(struct parser *p, const struct token *close)
{
	struct frame *fr = &p->stack[p->depth];
	const ProtobufCFieldDescriptor *list = fr->list_field;
	struct token t;
	int r;

	r = check_required(p, fr, close);
	if (r < 0)
		return r;
	free(TAKE_PTR(fr->seen));
	p->depth--;
	if (!list)
		return skip_separator(p);

	r = lex_next(&p->lx, &t);
	if (r < 0)
		return r;
	if (is_symbol(&t, ']'))
		return skip_separator(p);
	if (is_symbol(&t, ','))
		return open_list_element(p, list);
	char q[QUOTE_MAX + 8];
	return tok_error(&p->lx, &t, -EINVAL,
			 "expected ',' or ']' in list for field \"%s\", got %s",
			 list->name, tok_quote(&t, q, sizeof(q)));
}

static int parse_loop(struct parser *p)
{
	struct token t;
	char q[QUOTE_MAX + 8];
	int r;

	for (;;) {
		struct frame *fr = &p->stack[p->depth];

		r = lex_next(&p->lx, &t);
		if (r < 0)
			return r;
		if (t.kind == TOK_IDENT) {
			r = parse_field(p, &t);
		} else if (t.kind == TOK_END) {
			if (fr->close)
				return tok_error(&p->lx, &t, -EINVAL,
						 "missing '%c' to close the message opened at line %u, column %u",
						 fr->close, fr->open_line,
						 fr->open_col);
			return check_required(p, fr, &t);
		} else if (fr->close && is_symbol(&t, fr->close)) {
			r = close_message(p, &t);
		} else if (fr->close) {
			return tok_error(&p->lx, &t, -EINVAL,
					 "expected field name or '%c', got %s",
					 fr->close, tok_quote(&t, q, sizeof(q)));
		} else {
			return tok_error(&p->lx, &t, -EINVAL,
					 "expected field name, got %s",
					 tok_quote(&t, q, sizeof(q)));
		}
		if (r < 0)
			return r;
	}
}

static void parser_done(struct parser *p)
{
	for (unsigned i = 0; i <= p->depth; i++)
		free(TAKE_PTR(p->stack[i].seen));
}

int tf_parse(const ProtobufCMessageDescriptor *desc, const char *text,
	     size_t len, const char *filename, ProtobufCMessage **ret,
	     struct sbx_error *err)
{
	_cleanup_(parser_done) struct parser p = {
		.lx = {
			.p = text,
			.end = text + len,
			.line = 1,
			.col = 1,
			.filename = filename,
			.err = err,
		},
	};
	ProtobufCMessage *root;
	int r;

	*ret = NULL;
	if (len > TF_MAX_INPUT)
		return at_error(&p.lx, 1, 1, -E2BIG,
				"input is %zu bytes, over the limit of %u bytes",
				len, TF_MAX_INPUT);
	root = malloc(desc->sizeof_message);
	p.stack[0].seen = calloc(desc->n_fields ? desc->n_fields : 1,
				 sizeof(unsigned));
	if (!root || !p.stack[0].seen) {
		free(root);
		return at_error(&p.lx, 1, 1, -ENOMEM, "out of memory");
	}
	protobuf_c_message_init(desc, root);
	p.stack[0].msg = root;

	r = parse_loop(&p);
	if (r < 0) {
		protobuf_c_message_free_unpacked(root, NULL);
		return r;
	}
	*ret = root;
	return 0;
}

/* -------------------------------------------------------------- printer */

struct sbuf {
	char *buf;
	size_t len, cap;
	bool oom;
};

static bool sb_reserve(struct sbuf *sb, size_t n)
{
	if (sb->oom)
		return false;
	if (sb->len + n + 1 <= sb->cap)
		return true;
	size_t cap = sb->cap ? sb->cap : 256;
	while (cap < sb->len + n + 1)
		cap *= 2;
	char *grown = realloc(sb->buf, cap);
	if (!grown) {
		sb->oom = true;
		return false;
	}
	sb->buf = grown;
	sb->cap = cap;
	return true;
}

static void sb_add(struct sbuf *sb, const char *s, size_t n)
{
	if (!sb_reserve(sb, n))
		return;
	memcpy(sb->buf + sb->len, s, n);
	sb->len += n;
	sb->buf[sb->len] = '\0';
}

static void sb_puts(struct sbuf *sb, const char *s)
{
	sb_add(sb, s, strlen(s));
}

static void __attribute__((format(printf, 2, 3)))
sb_printf(struct sbuf *sb, const char *fmt, ...)
{
	char tmp[64];
	va_list ap;

	va_start(ap, fmt);
	int n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	/* Only short numbers go through here. */
	if (n > 0)
		sb_add(sb, tmp, (size_t)n < sizeof(tmp) ? (size_t)n : sizeof(tmp) - 1);
}

static void sb_indent(struct sbuf *sb, unsigned depth)
{
	for (unsigned i = 0; i < depth; i++)
		sb_add(sb, "  ", 2);
}

/* Quotes so that tf_parse reads back the same bytes. Bytes >= 0x80 stay raw
 * in strings (UTF-8 text stays readable) and are escaped in bytes fields. */
static void print_quoted(struct sbuf *sb, const uint8_t *s, size_t n,
			 bool raw_high)
{
	sb_add(sb, "\"", 1);
	for (size_t i = 0; i < n; i++) {
		uint8_t c = s[i];
		switch (c) {
		case '\n': sb_add(sb, "\\n", 2); break;
		case '\r': sb_add(sb, "\\r", 2); break;
		case '\t': sb_add(sb, "\\t", 2); break;
		case '"': sb_add(sb, "\\\"", 2); break;
		case '\'': sb_add(sb, "\\'", 2); break;
		case '\\': sb_add(sb, "\\\\", 2); break;
		default:
			if (c < 0x20 || c == 0x7f || (c >= 0x80 && !raw_high))
				sb_printf(sb, "\\%03o", c);
			else
				sb_add(sb, (const char *)&c, 1);
		}
	}
	sb_add(sb, "\"", 1);
}

static void print_floating(struct sbuf *sb, double d, int digits)
{
	if (isnan(d))
		sb_puts(sb, signbit(d) ? "-nan" : "nan");
	else if (isinf(d))
		sb_puts(sb, d < 0 ? "-inf" : "inf");
	else
		sb_printf(sb, "%.*g", digits, d);
}

static void print_enum(struct sbuf *sb, const ProtobufCEnumDescriptor *ed,
		       int v)
{
	for (unsigned i = 0; i < ed->n_values; i++) {
		if (ed->values[i].value == v) {
			sb_puts(sb, ed->values[i].name);
			return;
		}
	}
	sb_printf(sb, "%d", v);
}

static void print_scalar(struct sbuf *sb, const ProtobufCFieldDescriptor *f,
			 const void *v)
{
	switch (f->type) {
	case PROTOBUF_C_TYPE_INT32:
	case PROTOBUF_C_TYPE_SINT32:
	case PROTOBUF_C_TYPE_SFIXED32:
		sb_printf(sb, "%" PRId32, *(const int32_t *)v);
		break;
	case PROTOBUF_C_TYPE_INT64:
	case PROTOBUF_C_TYPE_SINT64:
	case PROTOBUF_C_TYPE_SFIXED64:
		sb_printf(sb, "%" PRId64, *(const int64_t *)v);
		break;
	case PROTOBUF_C_TYPE_UINT32:
	case PROTOBUF_C_TYPE_FIXED32:
		sb_printf(sb, "%" PRIu32, *(const uint32_t *)v);
		break;
	case PROTOBUF_C_TYPE_UINT64:
	case PROTOBUF_C_TYPE_FIXED64:
		sb_printf(sb, "%" PRIu64, *(const uint64_t *)v);
		break;
	case PROTOBUF_C_TYPE_FLOAT:
		print_floating(sb, *(const float *)v, 9);
		break;
	case PROTOBUF_C_TYPE_DOUBLE:
		print_floating(sb, *(const double *)v, 17);
		break;
	case PROTOBUF_C_TYPE_BOOL:
		sb_puts(sb, *(const protobuf_c_boolean *)v ? "true" : "false");
		break;
	case PROTOBUF_C_TYPE_ENUM:
		print_enum(sb, f->descriptor, *(const int *)v);
		break;
	case PROTOBUF_C_TYPE_STRING: {
		const char *s = *(const char *const *)v;
		print_quoted(sb, (const uint8_t *)(s ? s : ""), s ? strlen(s) : 0,
			     true);
		break;
	}
	case PROTOBUF_C_TYPE_BYTES: {
		const ProtobufCBinaryData *b = v;
		print_quoted(sb, b->data, b->data ? b->len : 0, false);
		break;
	}
	case PROTOBUF_C_TYPE_MESSAGE:
		break;
	}
}

static bool is_zero(const ProtobufCFieldDescriptor *f, const void *v)
{
	switch (f->type) {
	case PROTOBUF_C_TYPE_FLOAT:
		return *(const float *)v == 0;
	case PROTOBUF_C_TYPE_DOUBLE:
		return *(const double *)v == 0;
	case PROTOBUF_C_TYPE_STRING: {
		const char *s = *(const char *const *)v;
		return !s || !*s;
	}
	case PROTOBUF_C_TYPE_BYTES:
		return ((const ProtobufCBinaryData *)v)->len == 0;
	case PROTOBUF_C_TYPE_MESSAGE:
		return *(const void *const *)v == NULL;
	default: {
		static const char zeros[8];
		return memcmp(v, zeros, pb_value_size(f->type)) == 0;
	}
	}
}

/* Mirrors protobuf-c's pack: what it would serialise, we print. */
static bool is_present(const ProtobufCMessage *msg,
		       const ProtobufCFieldDescriptor *f)
{
	const void *member = (const char *)msg + f->offset;
	bool ptr_type = f->type == PROTOBUF_C_TYPE_STRING ||
			f->type == PROTOBUF_C_TYPE_MESSAGE;

	if (f->flags & PROTOBUF_C_FIELD_FLAG_ONEOF) {
		if (CMEMBER(uint32_t, msg, f->quantifier_offset) != f->id)
			return false;
		return !ptr_type || *(const void *const *)member;
	}
	switch (f->label) {
	case PROTOBUF_C_LABEL_REQUIRED:
		return !ptr_type || *(const void *const *)member;
	case PROTOBUF_C_LABEL_OPTIONAL:
		if (ptr_type) {
			const void *ptr = *(const void *const *)member;
			return ptr && ptr != f->default_value;
		}
		return CMEMBER(protobuf_c_boolean, msg, f->quantifier_offset);
	case PROTOBUF_C_LABEL_NONE:
		return !is_zero(f, member);
	default:
		return false;
	}
}

static void print_message(struct sbuf *sb, const ProtobufCMessage *msg,
			  unsigned depth);

static void print_one(struct sbuf *sb, const ProtobufCFieldDescriptor *f,
		      const void *v, unsigned depth)
{
	sb_indent(sb, depth);
	sb_puts(sb, f->name);
	if (f->type == PROTOBUF_C_TYPE_MESSAGE) {
		const ProtobufCMessage *sub = *(const ProtobufCMessage *const *)v;
		sb_puts(sb, " {\n");
		if (sub)
			print_message(sb, sub, depth + 1);
		sb_indent(sb, depth);
		sb_puts(sb, "}\n");
		return;
	}
	sb_puts(sb, ": ");
	print_scalar(sb, f, v);
	sb_add(sb, "\n", 1);
}

/* Recursion follows the message's own nesting, which is finite and, for
 * anything tf_parse produced, at most TF_MAX_DEPTH. */
static void print_message(struct sbuf *sb, const ProtobufCMessage *msg,
			  unsigned depth)
{
	const ProtobufCMessageDescriptor *d = msg->descriptor;

	for (unsigned i = 0; i < d->n_fields && !sb->oom; i++) {
		const ProtobufCFieldDescriptor *f = &d->fields[i];

		if (f->label == PROTOBUF_C_LABEL_REPEATED) {
			size_t n = CMEMBER(size_t, msg, f->quantifier_offset);
			const char *arr = CMEMBER(char *, msg, f->offset);
			size_t size = pb_value_size(f->type);
			for (size_t j = 0; arr && j < n; j++)
				print_one(sb, f, arr + j * size, depth);
		} else if (is_present(msg, f)) {
			print_one(sb, f, (const char *)msg + f->offset, depth);
		}
	}
}

int tf_print(const ProtobufCMessage *msg, char **ret_text)
{
	struct sbuf sb = { 0 };

	*ret_text = NULL;
	if (!sb_reserve(&sb, 0))
		return -ENOMEM;
	sb.buf[0] = '\0';
	print_message(&sb, msg, 0);
	if (sb.oom) {
		free(sb.buf);
		return -ENOMEM;
	}
	*ret_text = sb.buf;
	return 0;
}
