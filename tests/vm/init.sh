#!/bin/busybox sh
# /init of the VM test guest (tests/vm/run.sh builds the initramfs around it).
#
# Stage 1 (on the initramfs): pivot_root(2) refuses to move away from the
# initial rootfs, and the sandbox pivots, so copy everything into a tmpfs
# and switch_root there. Stage 2 (on the tmpfs): mount the API filesystems
# and cgroup2 with every controller enabled, load overlay, run the tests,
# power off. The host reads the serial console.
/bin/busybox mkdir -p /proc
/bin/busybox mount -t proc proc /proc

if [ ! -e /.stage2 ]; then
	/bin/busybox mkdir -p /newroot
	/bin/busybox mount -t tmpfs -o mode=0755 tmpfs /newroot
	for f in /*; do
		case "$f" in /newroot|/proc) continue ;; esac
		/bin/busybox cp -a "$f" /newroot/
	done
	/bin/busybox mkdir -p /newroot/proc
	: > /newroot/.stage2
	/bin/busybox umount /proc
	exec /bin/busybox switch_root /newroot /init
fi

export PATH=/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin
/bin/busybox --install -s /bin
mkdir -p /sys /dev /tmp /run /home /root /mnt /var/tmp
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
mkdir -p /dev/pts /dev/shm
mount -t devpts devpts /dev/pts
mount -t tmpfs tmpfs /tmp
mount -t tmpfs tmpfs /run
chmod 1777 /tmp
ln -s /proc/self/fd /dev/fd # bash's <(...) (the escape runner)
# Loopback up as on any host: the escape suite's listeners must be
# reachable from the guest itself, so that an unisolated sandbox would
# reach them.
ip link set lo up
exec </dev/console >/dev/console 2>&1

for m in /lib/modules/*.ko; do
	[ -e "$m" ] && insmod "$m"
done

mount -t cgroup2 -o nsdelegate cgroup2 /sys/fs/cgroup
for c in $(cat /sys/fs/cgroup/cgroup.controllers); do
	echo "+$c" > /sys/fs/cgroup/cgroup.subtree_control
done
# Our own leaf: the root group's processes would otherwise be internal.
mkdir -p /sys/fs/cgroup/init.scope
echo $$ > /sys/fs/cgroup/init.scope/cgroup.procs

echo "sbx-vm: kernel $(uname -r), cgroup2 controllers: $(cat /sys/fs/cgroup/cgroup.subtree_control)"
sh /opt/sbx-vm/guest-tests.sh
echo "sbx-vm: done"
sync
poweroff -f
