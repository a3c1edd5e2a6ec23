/* SPDX-License-Identifier: MIT */
/*
 * User-space API of the tofu_ipc Linux driver (/dev/tofu_ipc), shared by the
 * module and tofu-msg.  The hypercalls behind it are in docs/ipc.md; the
 * status codes (TOFU_OK, TOFU_E_*) are those of include/tofu/abi.h.
 *
 * Messages
 *   write(fd, buf, sizeof(hdr) + hdr.len): sends one message to hdr.peer.
 *     hdr.len is passed to the hypervisor unchanged up to TOFU_UAPI_LEN_MAX,
 *     so a length above TOFU_MSG_MAX is refused by tofu (TOFU_E_TOO_BIG),
 *     not by the driver.  A count that does not equal sizeof(hdr) + hdr.len
 *     is EINVAL, a len above TOFU_UAPI_LEN_MAX is EMSGSIZE: both without a
 *     call.  On TOFU_E_FULL a blocking writer sleeps (50 us, doubling up to
 *     2 ms) and retries until a signal (EINTR); an O_NONBLOCK writer gets
 *     EAGAIN.
 *   read(fd, buf, n): one message, as hdr {peer = sender VM-ID, len} then
 *     len payload bytes; returns sizeof(hdr) + len.  Blocks until one arrives
 *     (woken by the doorbell interrupt); O_NONBLOCK: EAGAIN.  n too small
 *     for the oldest message: EMSGSIZE, and the message stays queued.
 *     Each message is returned to exactly one reader.
 *   poll(): POLLIN when a message is queued in the driver, POLLOUT always.
 *
 * Shares (kept by the driver until REVOKE/UNMAP or module unload, not tied
 * to the file that created them)
 *   SHARE allocates size bytes (rounded up to pages, at most 4 MiB) of
 *   zeroed, physically contiguous memory and offers it; the size itself goes
 *   to tofu unchanged, so tofu's own checks (alignment, zero) apply.
 *   MAP picks an IPA in the device tree's window (or TOFU_MAP_AT: .ipa, for
 *   tests of tofu's checks).  A peer is not told when an owner revokes: its
 *   user mappings then fault (SIGBUS, tofu injects an external abort), and
 *   the driver forgets the share when a later MAP or UNMAP of it returns
 *   TOFU_E_REVOKED.  Memory and IPAs are reused only once the last user
 *   mapping is gone.  Unloading the module revokes and unmaps all shares.
 *   mmap(fd, len, prot, MAP_SHARED, fd, share_id << page shift) maps a
 *   share this VM owns (SHARE) or has mapped (MAP), from its first byte;
 *   len up to the share's size.  A read-only share refuses PROT_WRITE.
 *
 * Errors: every ioctl and write() records the status of its last hypercall
 * in the file (TOFU_IOC_LAST_STATUS); ioctls also return it in .status.  A
 * call that fails returns -1 with errno from this table:
 *
 *   TOFU_E_NOT_SUPPORTED  EOPNOTSUPP     TOFU_E_EMPTY      EAGAIN
 *   TOFU_E_INVALID        EINVAL         TOFU_E_NOT_OWNER  EPERM
 *   TOFU_E_NO_VM          ENXIO          TOFU_E_OVERLAP    EADDRINUSE
 *   TOFU_E_DENIED         EACCES         TOFU_E_BAD_SHARE  ENOENT
 *   TOFU_E_TOO_BIG        EMSGSIZE       TOFU_E_REVOKED    EIDRM
 *   TOFU_E_FULL           EAGAIN         TOFU_E_BUSY       EBUSY
 *   any other status      EIO            TOFU_E_STOPPED    EHOSTDOWN
 *   TOFU_E_NO_DEVICE      ENODEV         TOFU_E_NO_MEMORY  ENOMEM
 *
 * Errors the driver finds without a call (bad pointers EFAULT, no memory
 * ENOMEM, no free IPA in the window ENOSPC, ...) leave the status at
 * TOFU_OK; .status is then 0 with the ioctl failing.
 */
#ifndef TOFU_IPC_UAPI_H
#define TOFU_IPC_UAPI_H

#include <linux/types.h>
#include <linux/ioctl.h>

#define TOFU_IPC_DEV        "/dev/tofu_ipc"
#define TOFU_UAPI_LEN_MAX   4096u          /* largest len write() passes on */
#define TOFU_NAME_LEN       16             /* VM names, NUL-padded */

struct tofu_msg_hdr {
	__u32 peer;         /* write: destination VM-ID; read: sender */
	__u32 len;          /* payload bytes that follow */
};

struct tofu_ioc_id {
	__s32 status;       /* out */
	__u32 vm_id;        /* out: from VM_ID */
	__u32 vcpu;         /* out: vCPU index of the caller */
	__u32 dt_vm_id;     /* out: the device tree's tofu,vm-id */
};

struct tofu_ioc_lookup {
	__s32 status;
	__u32 vm_id;                /* out */
	char name[TOFU_NAME_LEN];   /* in, NUL-padded (16 characters allowed) */
};

struct tofu_ioc_doorbell {
	__s32 status;
	__u32 vm_id;        /* in */
};

struct tofu_ioc_share {
	__s32 status;
	__u32 rights;       /* in: TOFU_SHARE_RO or TOFU_SHARE_RW */
	__u32 only;         /* in: this VM-ID only, or 0 for any peer */
	__u32 pad;
	__u64 size;         /* in: passed on as is (tofu checks alignment) */
	__u64 share_id;     /* out */
};

#define TOFU_MAP_AT 1u      /* flags: map at .ipa instead of a free window IPA */

struct tofu_ioc_map {
	__s32 status;
	__u32 flags;        /* in: TOFU_MAP_AT */
	__u64 share_id;     /* in */
	__u64 ipa;          /* in with TOFU_MAP_AT; out: where it is mapped */
	__u64 size;         /* out */
	__u32 rights;       /* out */
	__u32 pad;
};

/* UNMAP and REVOKE */
struct tofu_ioc_share_id {
	__s32 status;
	__u32 pad;
	__u64 share_id;     /* in */
};

struct tofu_ioc_last_status {
	__s32 status;       /* out: the last hypercall of this file */
	__u32 pad;
};

struct tofu_ioc_stats {
	__u64 read_sleeps;      /* this file: times read() slept for a message */
	__u64 write_retries;    /* this file: TOFU_E_FULL retries in write() */
	__u64 irqs;             /* device: doorbell interrupts taken */
	__u64 received;         /* device: messages drained from tofu */
};

/* One share, as TOFU_IOC_LIST reports it. */
struct tofu_ioc_share_info {
	__u64 share_id;
	__u64 size;
	__u64 addr;         /* owned: physical address; mapped: IPA */
	__u32 rights;
	__u32 owned;        /* 1: this VM's share; 0: a peer's, mapped here */
};

struct tofu_ioc_list {
	__u32 max;          /* in: entries at .entries */
	__u32 count;        /* out: entries available (may exceed max) */
	__u64 entries;      /* in: user pointer to struct tofu_ioc_share_info[max] */
};

#define TOFU_IOC_MAGIC 0xf7
#define TOFU_IOC_ID          _IOR(TOFU_IOC_MAGIC, 1, struct tofu_ioc_id)
#define TOFU_IOC_LOOKUP      _IOWR(TOFU_IOC_MAGIC, 2, struct tofu_ioc_lookup)
#define TOFU_IOC_DOORBELL    _IOWR(TOFU_IOC_MAGIC, 3, struct tofu_ioc_doorbell)
#define TOFU_IOC_SHARE       _IOWR(TOFU_IOC_MAGIC, 4, struct tofu_ioc_share)
#define TOFU_IOC_MAP         _IOWR(TOFU_IOC_MAGIC, 5, struct tofu_ioc_map)
#define TOFU_IOC_UNMAP       _IOWR(TOFU_IOC_MAGIC, 6, struct tofu_ioc_share_id)
#define TOFU_IOC_REVOKE      _IOWR(TOFU_IOC_MAGIC, 7, struct tofu_ioc_share_id)
#define TOFU_IOC_LAST_STATUS _IOR(TOFU_IOC_MAGIC, 8, struct tofu_ioc_last_status)
#define TOFU_IOC_STATS       _IOR(TOFU_IOC_MAGIC, 9, struct tofu_ioc_stats)
#define TOFU_IOC_LIST        _IOWR(TOFU_IOC_MAGIC, 10, struct tofu_ioc_list)

/*
 * /dev/tofu-vdev: a virtio backend in user space (docs/virtio.md, "The Linux
 * backend").  One open file at a time (a second open: EBUSY): the daemon.
 * The devices are the VM's "tofu,virtio-backend" device-tree nodes, read by
 * the driver at probe.
 *
 *   TOFU_VDEV_IOC_INFO: .slot in (0, 1, ...): that node's device; ENOENT past
 *     the last.
 *   TOFU_VDEV_IOC_REGISTER / _EVENT / _RESET_DONE: the hypercalls
 *     VIRTIO_REGISTER (the registration is copied in, then passed to tofu),
 *     VIRTIO_EVENT and VIRTIO_RESET_DONE for .index (a device of the device
 *     tree, else ENODEV without a call); tofu's status in .status, errno as
 *     for /dev/tofu_ipc.
 *   mmap(fd, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, win_ipa + off):
 *     the frontend's RAM as this VM sees it (the node's reg), page-aligned
 *     and wholly inside one window; never executable (PROT_EXEC: EPERM),
 *     never private (EINVAL).  While the frontend is stopped the window is
 *     absent: an access then raises SIGBUS, which the daemon must catch.
 *   read(): one message as for /dev/tofu_ipc (hdr, then payload), from
 *     VM-ID 0: the virtio messages (tofu/virtio.h) of the devices, and
 *     PEER_DOWN / PEER_UP events about their frontends.  Blocks unless
 *     O_NONBLOCK; poll(): POLLIN when one is queued.
 *
 * Who gets what, of the messages from VM-ID 0: virtio messages go to
 * /dev/tofu-vdev only (dropped, and counted, while it is not open: the
 * daemon's REGISTER makes tofu post the live state again); PEER events about
 * a frontend of a device here go to /dev/tofu-vdev while it is open, to
 * /dev/tofu_ipc otherwise; all other events and messages to /dev/tofu_ipc.
 */
#define TOFU_VDEV_DEV       "/dev/tofu-vdev"

struct tofu_vdev_info {
	__u32 slot;         /* in */
	__u32 index;        /* out: tofu,device (the calls name it) */
	__u32 device_id;    /* out: tofu,device-id (VIRTIO_ID_*) */
	__u32 frontend;     /* out: tofu,frontend (VM-ID) */
	__u64 win_ipa;      /* out: reg: the frontend's RAM here (the mmap offset) */
	__u64 win_size;
	__u64 fe_ram;       /* out: tofu,frontend-ram: the same RAM's frontend IPA */
	__u64 disk_size;    /* out: tofu,ram-disk-size (0 if absent) */
	char frontend_name[TOFU_NAME_LEN];  /* out, NUL-terminated */
	char backing[256];  /* out: tofu,backing, a block device's file ("" if absent) */
	char bridge[16];    /* out: tofu,bridge, a NIC's Linux bridge ("" if absent) */
	__u8 mac[6];        /* out: local-mac-address, a NIC's */
	__u8 pad[2];
};

struct tofu_vdev_register {
	__s32 status;
	__u32 index;
	__u8 reg[88];       /* struct tofu_virtio_reg (tofu/virtio.h) */
};

struct tofu_vdev_call {     /* EVENT and RESET_DONE */
	__s32 status;
	__u32 index;
	__u32 event;        /* EVENT: VIRTIO_MSG_EVENT_USED or _CONFIG */
	__u32 uid;          /* RESET_DONE: the msg_uid of the reset's SET_DEVICE_STATUS 0 */
};

#define TOFU_VDEV_IOC_INFO       _IOWR(TOFU_IOC_MAGIC, 32, struct tofu_vdev_info)
#define TOFU_VDEV_IOC_REGISTER   _IOWR(TOFU_IOC_MAGIC, 33, struct tofu_vdev_register)
#define TOFU_VDEV_IOC_EVENT      _IOWR(TOFU_IOC_MAGIC, 34, struct tofu_vdev_call)
#define TOFU_VDEV_IOC_RESET_DONE _IOWR(TOFU_IOC_MAGIC, 35, struct tofu_vdev_call)

#endif /* TOFU_IPC_UAPI_H */
