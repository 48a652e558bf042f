/* Error records (all processes). */
#include "error.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

__attribute__((format(printf, 4, 0)))
static int vrecord(struct sbx_error *err, int code, int with_errno,
		   const char *fmt, va_list ap)
{
	if (!err)
		return code;
	err->code = code;
	err->hint[0] = '\0';
	int n = vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	if (with_errno && n >= 0 && (size_t)n < sizeof(err->msg))
		snprintf(err->msg + n, sizeof(err->msg) - n, ": %s",
			 strerror(-code));
	return code;
}

int sbx_err(struct sbx_error *err, int code, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vrecord(err, code, 0, fmt, ap);
	va_end(ap);
	return code;
}

int sbx_err_errno(struct sbx_error *err, int code, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vrecord(err, code, 1, fmt, ap);
	va_end(ap);
	return code;
}

int sbx_err_prefix(struct sbx_error *err, const char *fmt, ...)
{
	char out[SBX_ERR_MSG_MAX];
	va_list ap;
	int n;

	if (!err)
		return -EINVAL;
	va_start(ap, fmt);
	n = vsnprintf(out, sizeof(out), fmt, ap);
	va_end(ap);
	if (n < 0)
		n = 0;
	if ((size_t)n > sizeof(out) - 3)
		n = sizeof(out) - 3;
	memcpy(out + n, ": ", 3);
	n += 2;
	size_t room = sizeof(out) - (size_t)n - 1;
	size_t len = strnlen(err->msg, room);
	memcpy(out + n, err->msg, len);
	out[n + len] = '\0';
	memcpy(err->msg, out, sizeof(out));
	return err->code;
}

void sbx_err_hint(struct sbx_error *err, const char *fmt, ...)
{
	va_list ap;

	if (!err)
		return;
	va_start(ap, fmt);
	vsnprintf(err->hint, sizeof(err->hint), fmt, ap);
	va_end(ap);
}
