/* The error record every layer of sbx fills and only the top (the CLI or an
 * embedding program) prints. Functions that can fail return a negative errno
 * (or -EINVAL for bad input) and describe the failure in *err. */
#pragma once

#include <stdarg.h>

#define SBX_ERR_MSG_MAX 512

struct sbx_error {
	int code;                    /* negative errno; 0 when no error */
	char msg[SBX_ERR_MSG_MAX];   /* one line, no trailing newline */
	char hint[SBX_ERR_MSG_MAX];  /* optional suggestion, may be empty */
};

/* Records an error and returns code (a negative errno) so callers can write
 * `return sbx_err(err, -EINVAL, "...")`. err may be NULL. */
int sbx_err(struct sbx_error *err, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Like sbx_err, appends ": strerror(-code)". */
int sbx_err_errno(struct sbx_error *err, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Puts "context: " in front of the recorded message; returns err->code. */
int sbx_err_prefix(struct sbx_error *err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Sets the hint shown after the message. */
void sbx_err_hint(struct sbx_error *err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
