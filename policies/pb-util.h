/* Small helpers over protobuf-c shared by the text-format code, policy
 * merging, and whatever packs a message into a buffer (broker, build
 * tools). */
#pragma once

#include <protobuf-c/protobuf-c.h>
#include <stddef.h>
#include <stdint.h>

/* Bytes one value of this type takes in a generated C struct (one element
 * of a repeated field). */
size_t pb_value_size(ProtobufCType type);

/* m packed into a new buffer of *len bytes (free it; an empty message
 * gets a buffer of one byte and *len 0), or NULL when out of memory. */
uint8_t *pb_pack(const ProtobufCMessage *m, size_t *len);
