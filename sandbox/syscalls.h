/* Wrappers for system calls glibc 2.36 does not wrap. The only place in sbx
 * that calls syscall(2). Each returns -1 with errno set, like libc. */
#pragma once

#include <linux/mount.h>
#include <linux/sched.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef CLOSE_RANGE_CLOEXEC
#define CLOSE_RANGE_CLOEXEC (1U << 2)
#endif

static inline pid_t sys_clone3(struct clone_args *args)
{
	return (pid_t)syscall(SYS_clone3, args, sizeof(*args));
}

static inline int sys_pivot_root(const char *new_root, const char *put_old)
{
	return (int)syscall(SYS_pivot_root, new_root, put_old);
}

static inline int sys_close_range(unsigned first, unsigned last, unsigned flags)
{
	return (int)syscall(SYS_close_range, first, last, flags);
}

static inline int sys_pidfd_send_signal(int pidfd, int sig)
{
	return (int)syscall(SYS_pidfd_send_signal, pidfd, sig, NULL, 0);
}

static inline int sys_pidfd_open(pid_t pid, unsigned flags)
{
	return (int)syscall(SYS_pidfd_open, pid, flags);
}

static inline int sys_mount_setattr(int dfd, const char *path, unsigned flags,
				    struct mount_attr *attr)
{
	return (int)syscall(SYS_mount_setattr, dfd, path, flags, attr,
			    sizeof(*attr));
}

/* The ids of the calling task alone. glibc's setresuid() and friends
 * change every thread of the process, by the list of threads it keeps:
 * in PID 1 or the payload, clones of one thread of a broker that may have
 * others (a program that embeds sbx), that list names threads that do not
 * exist there, and glibc would wait for them forever. */
static inline int sys_setresuid(uid_t r, uid_t e, uid_t s)
{
	return (int)syscall(SYS_setresuid, r, e, s);
}

static inline int sys_setresgid(gid_t r, gid_t e, gid_t s)
{
	return (int)syscall(SYS_setresgid, r, e, s);
}

static inline int sys_setgroups(size_t n, const gid_t *list)
{
	return (int)syscall(SYS_setgroups, n, list);
}

static inline int sys_seccomp(unsigned op, unsigned flags, void *args)
{
	return (int)syscall(SYS_seccomp, op, flags, args);
}

static inline int sys_open_tree(int dfd, const char *path, unsigned flags)
{
	return (int)syscall(SYS_open_tree, dfd, path, flags);
}

static inline int sys_move_mount(int from_dfd, const char *from_path,
				 int to_dfd, const char *to_path,
				 unsigned flags)
{
	return (int)syscall(SYS_move_mount, from_dfd, from_path, to_dfd,
			    to_path, flags);
}

/* listmount(2) and statmount(2), Linux 6.8 (Debian 12's headers predate
 * them): the kernel's ABI, as include/uapi/linux/mount.h has it. */
#ifndef SYS_statmount
#define SYS_statmount 457
#endif
#ifndef SYS_listmount
#define SYS_listmount 458
#endif
#define SBX_STATX_MNT_ID_UNIQUE 0x4000U
#define SBX_STATMOUNT_MNT_POINT 0x10U

struct sbx_mnt_id_req {
	uint32_t size; /* 24: the first version */
	uint32_t spare;
	uint64_t mnt_id;
	uint64_t param;
};

struct sbx_statmount {
	uint32_t size;
	uint32_t spare1;
	uint64_t mask;
	uint32_t sb_dev_major, sb_dev_minor;
	uint64_t sb_magic;
	uint32_t sb_flags;
	uint32_t fs_type;
	uint64_t mnt_id, mnt_parent_id;
	uint32_t mnt_id_old, mnt_parent_id_old;
	uint64_t mnt_attr, mnt_propagation, mnt_peer_group, mnt_master;
	uint64_t propagate_from;
	uint32_t mnt_root;
	uint32_t mnt_point; /* offset of the string in str[] */
	uint64_t spare2[50];
	char str[];
};

static inline long sys_listmount(const struct sbx_mnt_id_req *req,
				 uint64_t *ids, size_t n, unsigned flags)
{
	return syscall(SYS_listmount, req, ids, n, flags);
}

static inline int sys_statmount(const struct sbx_mnt_id_req *req,
				struct sbx_statmount *buf, size_t size,
				unsigned flags)
{
	return (int)syscall(SYS_statmount, req, buf, size, flags);
}
