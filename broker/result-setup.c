/* A setup failure inside a sandbox as one error line (broker). Apart from
 * result.c, which a program that never runs a sandbox may link, because it
 * names the sandbox's steps (sandbox/setup.c). */
#include <errno.h>
#include <string.h>

#include "result.h"

int result_program_exit_code(int errnum)
{
	return errnum == ENOENT || errnum == ENOTDIR ? SBX_EXIT_NOTFOUND
						     : SBX_EXIT_NOEXEC;
}

int result_setup_error(const struct chan_setup_error *e,
		       struct sbx_result *res, struct sbx_error *err)
{
	if (e->step == STEP_EXEC)
		res->exit_code = result_program_exit_code(e->errnum);
	sbx_err(err, -e->errnum, "%s: %s: %s", sandbox_step_name(e->step),
		e->detail, strerror(e->errnum));
	if (e->step == STEP_ROOT && e->errnum == EINVAL)
		sbx_err_hint(err, "overlayfs in a user namespace needs Linux 5.11 "
			     "or later; a read-only root (filesystem { "
			     "read_only_root: true }) avoids it");
	else if (e->step == STEP_BIND && e->errnum == ENOENT)
		sbx_err_hint(err, "the bind source must exist on the host "
			     "(or mark the mount optional)");
	else if (e->step == STEP_NETWORK &&
		 (e->errnum == ENOSPC || e->errnum == EUSERS))
		sbx_err_hint(err, "the limit of network namespaces is reached: "
			     "check sysctl user.max_net_namespaces");
	else if (e->step == STEP_EXEC && e->errnum == ENOENT)
		sbx_err_hint(err, "a script's interpreter or a library may be "
			     "missing inside the sandbox");
	return err ? err->code : -e->errnum;
}
