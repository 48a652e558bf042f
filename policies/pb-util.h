/* Small helpers over protobuf-c's descriptors shared by the text-format
 * code and policy merging (broker). */
#pragma once

#include <protobuf-c/protobuf-c.h>
#include <stddef.h>

/* Bytes one value of this type takes in a generated C struct (one element
 * of a repeated field). */
size_t pb_value_size(ProtobufCType type);
