/* Fuzz harness for the text format (broker) over the test-only schema
 * tests/data/textformat/alltypes.proto, which has what sbx.proto lacks:
 * every scalar type, floats, bytes, a oneof, required fields, defaults and
 * recursion deep enough for the nesting limit. */
#include "alltypes.pb-c.h"
#define FUZZ_DESCRIPTOR tftest__all__descriptor
#include "fuzz_textformat.c"
