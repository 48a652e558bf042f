/* Protobuf text format over protobuf-c descriptors: a parser and a printer
 * written once for any message type (protobuf-c has neither).
 *
 * The parser is bounded (input size, nesting depth, no recursion driven by
 * input beyond TF_MAX_DEPTH) and reports errors as "FILE:LINE:COL: message",
 * suggesting the nearest field name for typos. */
#pragma once

#include <protobuf-c/protobuf-c.h>
#include <stddef.h>

#include "error.h"

#define TF_MAX_INPUT (1u << 20) /* 1 MiB */
#define TF_MAX_DEPTH 32

/* Parses text (len bytes, need not be NUL-terminated; NUL bytes are input
 * like any other) as a message of type desc. Unknown fields, non-repeated
 * fields given twice, a second member of a oneof and missing required
 * fields are errors. filename is used in error messages only. On success returns 0 and
 * stores a message allocated with protobuf-c's default allocator in *ret
 * (free with protobuf_c_message_free_unpacked). On failure returns -EINVAL
 * (or -ENOMEM, -E2BIG) with err->msg = "FILE:LINE:COL: ...". */
int tf_parse(const ProtobufCMessageDescriptor *desc, const char *text,
	     size_t len, const char *filename, ProtobufCMessage **ret,
	     struct sbx_error *err);

/* Prints msg in text format, fields in descriptor order, nested messages
 * indented by two spaces; tf_parse of the output yields an equal message.
 * A field is printed when protobuf-c would pack it (has_ flag, non-NULL and
 * non-default pointer, set oneof case, non-zero proto3 value). Output may be
 * longer than the input it was parsed from (lists become one line per
 * element), so it can exceed TF_MAX_INPUT for inputs near the limit.
 * Returns 0 and a malloc'ed NUL-terminated string in *ret_text, or -ENOMEM. */
int tf_print(const ProtobufCMessage *msg, char **ret_text);
