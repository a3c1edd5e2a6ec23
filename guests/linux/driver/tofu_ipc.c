// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * tofu_ipc: Linux driver for tofu's inter-VM communication (docs/ipc.md).
 *
 * A platform driver for the "tofu,ipc" node that tofu puts in the device
 * tree of every VM on a channel.  It offers /dev/tofu_ipc (API in
 * tofu_ipc_uapi.h): write() and read() of messages, poll(), ioctls for the
 * other calls, and mmap() of shares.
 *
 * Receiving: the doorbell interrupt drains tofu's queue (MSG_RECV until it
 * reports nothing left) into a ring of RX_DEPTH messages here, from which
 * read() takes them one at a time under rx_lock, so each message goes to
 * exactly one reader.  When that ring is full the driver stops draining and
 * tofu's own queue fills up, so senders see TOFU_E_FULL; the next read()
 * drains again (no doorbell comes for messages that were already queued).
 *
 * Shares: owned ones are pages allocated here; mapped ones are IPAs picked
 * here inside the node's window.  Both live in one list under share_lock
 * until they are both dead (revoked / unmapped) and no user mapping is
 * left, so freed pages or a reused IPA can never be reached through an old
 * user mapping.
 *
 * Events from tofu (VM-ID 0) are delivered to readers like messages; a
 * PEER_DOWN also makes the driver find the mapped shares that died with
 * that peer (tofu revoked them) and drop them.
 *
 * A virtio backend (docs/virtio.md): the VM's "tofu,virtio-backend" nodes
 * are read at probe, and /dev/tofu-vdev serves a user-space daemon (one open
 * file): the frontend windows by mmap(), the virtio hypercalls as ioctls,
 * and a second ring of RX_DEPTH messages that the drain fills with what is
 * the daemon's: the virtio messages, and the PEER events about its
 * frontends while it is open (the rules in tofu_ipc_uapi.h).  The drain
 * stops when either ring is full.
 *
 * Lock order: mmap_lock -> share_lock; rx_lock is taken alone (irqsave).
 * Nothing is copied from or to user space under share_lock.
 */
#include <linux/arm-smccc.h>
#include <linux/delay.h>
#include <linux/gfp.h>
#include <linux/hrtimer.h>
#include <linux/interrupt.h>
#include <linux/io.h>
#include <linux/list.h>
#include <linux/miscdevice.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/of.h>
#include <linux/of_address.h>
#include <linux/platform_device.h>
#include <linux/poll.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/uaccess.h>
#include <linux/wait.h>
#include <linux/workqueue.h>
#include <asm/unaligned.h>

/* <linux/arm-smccc.h> has its own SMCCC_RET_*; abi.h's are the same values. */
#undef SMCCC_RET_NOT_SUPPORTED
#undef SMCCC_RET_NOT_REQUIRED
#include <tofu/abi.h>
#include <tofu/virtio.h>
#include "tofu_ipc_uapi.h"

#define RX_DEPTH           64           /* messages held by the driver, per ring */
#define VDEV_MAX           8            /* tofu,virtio-backend nodes the driver takes */
#define FULL_WAIT_MIN_US   50           /* first sleep on TOFU_E_FULL */
#define FULL_WAIT_MAX_US   2000         /* longest sleep on TOFU_E_FULL */

struct rx_msg {
	u32 sender;
	u32 len;
	u8 data[TOFU_MSG_MAX];
};

struct tofu_share {
	struct list_head node;
	u64 id;
	u64 size;                   /* as tofu knows it */
	u64 alloc;                  /* owned: bytes allocated */
	phys_addr_t addr;           /* owned: PA (= IPA); mapped: IPA */
	void *mem;                  /* owned: kernel address */
	u32 rights;
	bool owned;
	bool live;                  /* tofu still has it (not revoked/unmapped) */
	unsigned int users;         /* user mappings (VMAs) */
};

/* A ring of received messages: each one goes to exactly one reader. */
struct rx_ring {
	struct rx_msg *m;
	unsigned int head, count;
	wait_queue_head_t wq;
};

/* A virtio device this VM serves: its tofu,virtio-backend node, as
 * TOFU_VDEV_IOC_INFO gives it (.slot unused). */
struct tofu_vdev {
	struct tofu_vdev_info info;
};

struct tofu_ipc {
	struct device *dev;
	struct miscdevice misc;
	int irq;
	u32 vm_id;
	u64 win_base, win_size;

	spinlock_t rx_lock;         /* both rings, hyp_more, recv_buf, vdev_open */
	struct rx_ring rx;          /* /dev/tofu_ipc */
	struct rx_ring vrx;         /* /dev/tofu-vdev */
	bool hyp_more;              /* tofu may still hold messages for us */
	bool vdev_open;             /* the daemon has /dev/tofu-vdev open */
	void *recv_buf;
	atomic64_t irqs, received, vdev_dropped;

	struct miscdevice vmisc;    /* /dev/tofu-vdev, when there are nodes */
	struct tofu_vdev vdevs[VDEV_MAX];
	unsigned int nr_vdevs;

	struct mutex share_lock;    /* shares */
	struct list_head shares;
	struct work_struct peer_down_work;  /* a peer stopped: which mapped shares died */
};

struct tofu_file {
	s32 last_status;
	u64 read_sleeps;
	u64 write_retries;
};

static struct tofu_ipc *tofu_dev;

static long tofu_call(u32 fid, u64 a1, u64 a2, u64 a3, u64 a4, struct arm_smccc_res *res)
{
	arm_smccc_1_1_hvc(fid, a1, a2, a3, a4, res);
	return (long)res->a0;
}

/* The errno for a tofu status (table in tofu_ipc_uapi.h). */
static int tofu_errno(long status)
{
	switch (status) {
	case TOFU_OK:              return 0;
	case TOFU_E_NOT_SUPPORTED: return -EOPNOTSUPP;
	case TOFU_E_INVALID:       return -EINVAL;
	case TOFU_E_NO_VM:         return -ENXIO;
	case TOFU_E_DENIED:        return -EACCES;
	case TOFU_E_TOO_BIG:       return -EMSGSIZE;
	case TOFU_E_FULL:          return -EAGAIN;
	case TOFU_E_EMPTY:         return -EAGAIN;
	case TOFU_E_NOT_OWNER:     return -EPERM;
	case TOFU_E_OVERLAP:       return -EADDRINUSE;
	case TOFU_E_BAD_SHARE:     return -ENOENT;
	case TOFU_E_REVOKED:       return -EIDRM;
	case TOFU_E_BUSY:          return -EBUSY;
	case TOFU_E_STOPPED:       return -EHOSTDOWN;
	case TOFU_E_NO_MEMORY:     return -ENOMEM;
	case TOFU_E_NO_DEVICE:     return -ENODEV;
	default:                   return -EIO;
	}
}

/* ---- receiving ------------------------------------------------------------ */

static bool vdev_is_frontend(struct tofu_ipc *t, u32 vm)
{
	unsigned int i;

	for (i = 0; i < t->nr_vdevs; i++)
		if (t->vdevs[i].info.frontend == vm)
			return true;
	return false;
}

/*
 * Which ring a message from tofu's queue goes to (tofu_ipc_uapi.h): NULL
 * for a virtio message while no daemon listens (dropped).
 */
static struct rx_ring *rx_route(struct tofu_ipc *t, u32 sender, u32 len, const u8 *data)
{
	if (sender != TOFU_VM_ID_TOFU)
		return &t->rx;
	if (len == TOFU_EVENT_BYTES) {
		if (t->vdev_open && vdev_is_frontend(t, get_unaligned_le32(data + 4)))
			return &t->vrx;
		return &t->rx;
	}
	return t->vdev_open ? &t->vrx : NULL;
}

/* Move messages from tofu's queue into the rings while both have room. */
static void rx_drain_locked(struct tofu_ipc *t)
{
	while (t->rx.count < RX_DEPTH && t->vrx.count < RX_DEPTH) {
		struct arm_smccc_res res;
		long st = tofu_call(TOFU_HC_MSG_RECV, virt_to_phys(t->recv_buf), TOFU_MSG_MAX, 0, 0, &res);
		struct rx_ring *r;
		struct rx_msg *m;
		u32 sender, len;

		if (st != TOFU_OK) {
			if (st != TOFU_E_EMPTY)
				dev_warn_ratelimited(t->dev, "MSG_RECV: status %ld\n", st);
			t->hyp_more = false;
			return;
		}
		sender = (u32)res.a1;
		len = min_t(u32, (u32)res.a2, TOFU_MSG_MAX);
		if (sender == TOFU_VM_ID_TOFU && len == TOFU_EVENT_BYTES &&
		    get_unaligned_le32(t->recv_buf) == TOFU_EVENT_PEER_DOWN)
			schedule_work(&t->peer_down_work);
		atomic64_inc(&t->received);
		r = rx_route(t, sender, len, t->recv_buf);
		if (r) {
			m = &r->m[(r->head + r->count) % RX_DEPTH];
			m->sender = sender;
			m->len = len;
			memcpy(m->data, t->recv_buf, len);
			r->count++;
		} else {
			atomic64_inc(&t->vdev_dropped);
		}
		if (!res.a3) {          /* tofu's queue is empty: the next message rings */
			t->hyp_more = false;
			return;
		}
	}
	t->hyp_more = true;
}

static irqreturn_t tofu_doorbell_irq(int irq, void *data)
{
	struct tofu_ipc *t = data;

	atomic64_inc(&t->irqs);
	spin_lock(&t->rx_lock);
	rx_drain_locked(t);
	spin_unlock(&t->rx_lock);
	wake_up_interruptible(&t->rx.wq);
	wake_up_interruptible(&t->vrx.wq);
	return IRQ_HANDLED;
}

/* One message of ring `r` to user space (tofu_ipc_uapi.h's read()). */
static ssize_t ring_read(struct tofu_ipc *t, struct rx_ring *r, struct file *filp, char __user *buf,
			 size_t count, u64 *sleeps)
{
	struct tofu_msg_hdr hdr;
	struct rx_msg *m;
	bool drained;
	size_t n;
	u8 *data;
	int ret;

	data = kmalloc(TOFU_MSG_MAX, GFP_KERNEL);
	if (!data)
		return -ENOMEM;
	for (;;) {
		spin_lock_irq(&t->rx_lock);
		if (r->count) {
			m = &r->m[r->head];
			if (count < sizeof(hdr) + m->len) {
				spin_unlock_irq(&t->rx_lock);
				ret = -EMSGSIZE;
				goto out;
			}
			hdr.peer = m->sender;
			hdr.len = m->len;
			memcpy(data, m->data, m->len);
			r->head = (r->head + 1) % RX_DEPTH;
			r->count--;
			drained = t->hyp_more;
			if (drained)
				rx_drain_locked(t);
			spin_unlock_irq(&t->rx_lock);
			/* What this drain took in may be the other ring's. */
			if (drained)
				wake_up_interruptible(r == &t->rx ? &t->vrx.wq : &t->rx.wq);
			break;
		}
		spin_unlock_irq(&t->rx_lock);
		if (filp->f_flags & O_NONBLOCK) {
			ret = -EAGAIN;
			goto out;
		}
		if (sleeps)
			(*sleeps)++;
		ret = wait_event_interruptible(r->wq, READ_ONCE(r->count) != 0);
		if (ret)
			goto out;
	}
	n = sizeof(hdr) + hdr.len;
	if (copy_to_user(buf, &hdr, sizeof(hdr)) || copy_to_user(buf + sizeof(hdr), data, hdr.len))
		ret = -EFAULT;
	else
		ret = (int)n;
out:
	kfree(data);
	return ret;
}

static ssize_t tofu_read(struct file *filp, char __user *buf, size_t count, loff_t *ppos)
{
	struct tofu_file *f = filp->private_data;

	return ring_read(tofu_dev, &tofu_dev->rx, filp, buf, count, &f->read_sleeps);
}

static __poll_t tofu_poll(struct file *filp, poll_table *wait)
{
	struct tofu_ipc *t = tofu_dev;
	__poll_t mask = EPOLLOUT | EPOLLWRNORM;

	poll_wait(filp, &t->rx.wq, wait);
	if (READ_ONCE(t->rx.count))
		mask |= EPOLLIN | EPOLLRDNORM;
	return mask;
}

/* ---- sending ---------------------------------------------------------------- */

/* Sleep for about `us` microseconds; false when a signal came. */
static bool full_wait(unsigned int us)
{
	ktime_t kt = ktime_set(0, (unsigned long)us * NSEC_PER_USEC);

	set_current_state(TASK_INTERRUPTIBLE);
	schedule_hrtimeout_range(&kt, (u64)us * NSEC_PER_USEC / 2, HRTIMER_MODE_REL);
	return !signal_pending(current);
}

static ssize_t tofu_write(struct file *filp, const char __user *buf, size_t count, loff_t *ppos)
{
	struct tofu_file *f = filp->private_data;
	unsigned int wait_us = FULL_WAIT_MIN_US;
	struct arm_smccc_res res;
	struct tofu_msg_hdr hdr;
	long st;
	u8 *data;

	if (count < sizeof(hdr) || copy_from_user(&hdr, buf, sizeof(hdr)))
		return count < sizeof(hdr) ? -EINVAL : -EFAULT;
	if (hdr.len > TOFU_UAPI_LEN_MAX)
		return -EMSGSIZE;
	if (count != sizeof(hdr) + hdr.len)
		return -EINVAL;
	/* kmalloc: physically contiguous, so tofu sees it at its PA. */
	data = kmalloc(max_t(u32, hdr.len, 1), GFP_KERNEL);
	if (!data)
		return -ENOMEM;
	if (copy_from_user(data, buf + sizeof(hdr), hdr.len)) {
		kfree(data);
		return -EFAULT;
	}
	for (;;) {
		st = tofu_call(TOFU_HC_MSG_SEND, hdr.peer, virt_to_phys(data), hdr.len, 0, &res);
		f->last_status = (s32)st;
		if (st != TOFU_E_FULL || (filp->f_flags & O_NONBLOCK))
			break;
		f->write_retries++;
		if (!full_wait(wait_us)) {
			kfree(data);
			return -EINTR;
		}
		wait_us = min(wait_us * 2, (unsigned int)FULL_WAIT_MAX_US);
	}
	kfree(data);
	return st == TOFU_OK ? (ssize_t)count : tofu_errno(st);
}

/* ---- shares ---------------------------------------------------------------- */

static struct tofu_share *share_find(struct tofu_ipc *t, u64 id)
{
	struct tofu_share *s;

	list_for_each_entry(s, &t->shares, node)
		if (s->live && s->id == id)
			return s;
	return NULL;
}

/* Free `s` once tofu no longer has it and no user mapping is left. */
static void share_put_locked(struct tofu_share *s)
{
	if (s->live || s->users)
		return;
	list_del(&s->node);
	if (s->owned)
		free_pages_exact(s->mem, s->alloc);
	kfree(s);
}

/*
 * A peer stopped and tofu revoked its shares.  MAP at the IPA where a share
 * is mapped answers TOFU_E_BUSY while it lives and TOFU_E_REVOKED once it
 * is gone: the dead ones are dropped (freed when no user mapping is left).
 */
static void peer_down_work(struct work_struct *w)
{
	struct tofu_ipc *t = container_of(w, struct tofu_ipc, peer_down_work);
	struct tofu_share *s, *tmp;
	struct arm_smccc_res res;

	mutex_lock(&t->share_lock);
	list_for_each_entry_safe(s, tmp, &t->shares, node) {
		long st;

		if (s->owned || !s->live)
			continue;
		st = tofu_call(TOFU_HC_MAP, s->id, s->addr, 0, 0, &res);
		if (st == TOFU_E_REVOKED || st == TOFU_E_BAD_SHARE) {
			dev_info(t->dev, "share %llu: revoked with its owner\n", s->id);
			s->live = false;
			share_put_locked(s);
		}
	}
	mutex_unlock(&t->share_lock);
}

/*
 * The start of the largest free gap of the window.  MAP learns the share's
 * size only once it is mapped, so the driver offers the most room it has and
 * checks afterwards that the share fitted.
 */
static bool window_pick(struct tofu_ipc *t, u64 *ipa)
{
	u64 end = t->win_base + t->win_size, best_len = 0, best = 0;
	u64 start = t->win_base;

	while (start < end) {
		u64 next = end;
		struct tofu_share *s;

		/* The gap from `start` runs to the lowest mapping at or after it. */
		list_for_each_entry(s, &t->shares, node)
			if (!s->owned && s->addr + s->size > start && s->addr < next)
				next = max(s->addr, start);
		if (next - start > best_len) {
			best_len = next - start;
			best = start;
		}
		if (next >= end)
			break;
		/* Skip the mapping(s) that begin at `next`. */
		start = next;
		list_for_each_entry(s, &t->shares, node)
			if (!s->owned && s->addr <= start && s->addr + s->size > start)
				start = s->addr + s->size;
		start = PAGE_ALIGN(start);
	}
	*ipa = best;
	return best_len != 0;
}

static long ioc_share(struct tofu_ipc *t, struct tofu_file *f, struct tofu_ioc_share *a)
{
	struct arm_smccc_res res;
	struct tofu_share *s;
	u64 alloc;
	void *mem;
	long st;

	/* The size goes to tofu unchanged (it checks alignment); the pages
	 * behind it are rounded up. */
	alloc = PAGE_ALIGN(max_t(u64, a->size, 1));
	if (alloc < a->size || alloc > (PAGE_SIZE << (MAX_ORDER - 1)))
		return -ENOMEM;
	s = kzalloc(sizeof(*s), GFP_KERNEL);
	mem = alloc_pages_exact(alloc, GFP_KERNEL | __GFP_ZERO | __GFP_NOWARN);
	if (!s || !mem) {
		kfree(s);
		if (mem)
			free_pages_exact(mem, alloc);
		return -ENOMEM;
	}
	st = tofu_call(TOFU_HC_SHARE, virt_to_phys(mem), a->size, a->rights, a->only, &res);
	f->last_status = a->status = (s32)st;
	if (st != TOFU_OK) {
		free_pages_exact(mem, alloc);
		kfree(s);
		return tofu_errno(st);
	}
	s->id = res.a1;
	s->size = a->size;
	s->alloc = alloc;
	s->addr = virt_to_phys(mem);
	s->mem = mem;
	s->rights = a->rights;
	s->owned = true;
	s->live = true;
	mutex_lock(&t->share_lock);
	list_add_tail(&s->node, &t->shares);
	mutex_unlock(&t->share_lock);
	a->share_id = s->id;
	return 0;
}

static long ioc_map(struct tofu_ipc *t, struct tofu_file *f, struct tofu_ioc_map *a)
{
	struct arm_smccc_res res;
	struct tofu_share *s, *n;
	long st, ret = 0;
	u64 ipa;

	n = kzalloc(sizeof(*n), GFP_KERNEL);
	if (!n)
		return -ENOMEM;
	mutex_lock(&t->share_lock);
	s = share_find(t, a->share_id);
	if (a->flags & TOFU_MAP_AT)
		ipa = a->ipa;
	else if (s && !s->owned)
		ipa = s->addr;          /* already mapped here: ask tofu whether still so */
	else if (s)
		ipa = t->win_base;      /* our own share: tofu refuses it */
	else if (!window_pick(t, &ipa)) {
		ret = -ENOSPC;
		goto out;
	}
	st = tofu_call(TOFU_HC_MAP, a->share_id, ipa, 0, 0, &res);
	f->last_status = a->status = (s32)st;
	if (s && !s->owned && (st == TOFU_E_REVOKED || st == TOFU_E_BAD_SHARE)) {
		/* Revoked behind our back: forget the stale mapping. */
		s->live = false;
		share_put_locked(s);
		s = NULL;
	}
	if (st != TOFU_OK) {
		ret = tofu_errno(st);
		goto out;
	}
	if (s && !s->owned) {           /* tofu had dropped it: mapped again */
		s->addr = ipa;
		s->size = res.a1;
		s->rights = (u32)res.a2;
	} else {
		if (!(a->flags & TOFU_MAP_AT) && ipa + res.a1 > t->win_base + t->win_size) {
			/* Larger than the room we had. */
			tofu_call(TOFU_HC_UNMAP, a->share_id, 0, 0, 0, &res);
			ret = -ENOSPC;
			goto out;
		}
		n->id = a->share_id;
		n->addr = ipa;
		n->size = res.a1;
		n->rights = (u32)res.a2;
		n->live = true;
		list_add_tail(&n->node, &t->shares);
		s = n;
		n = NULL;
	}
	a->ipa = s->addr;
	a->size = s->size;
	a->rights = s->rights;
out:
	mutex_unlock(&t->share_lock);
	kfree(n);
	return ret;
}

static long ioc_unmap_or_revoke(struct tofu_ipc *t, struct tofu_file *f, struct tofu_ioc_share_id *a,
				bool revoke)
{
	struct arm_smccc_res res;
	struct tofu_share *s;
	long st;

	mutex_lock(&t->share_lock);
	s = share_find(t, a->share_id);
	st = tofu_call(revoke ? TOFU_HC_REVOKE : TOFU_HC_UNMAP, a->share_id, 0, 0, 0, &res);
	f->last_status = a->status = (s32)st;
	/* Forget it when tofu no longer has it: done now, or done before. */
	if (s && s->owned == revoke &&
	    (st == TOFU_OK || st == TOFU_E_REVOKED || (st == TOFU_E_BAD_SHARE && !revoke))) {
		s->live = false;
		share_put_locked(s);
	}
	mutex_unlock(&t->share_lock);
	return tofu_errno(st);
}

static long ioc_list(struct tofu_ipc *t, struct tofu_ioc_list *a)
{
	struct tofu_ioc_share_info *info;
	struct tofu_share *s;
	u32 n = 0, max = min_t(u32, a->max, 256);
	long ret = 0;

	info = kcalloc(max ? max : 1, sizeof(*info), GFP_KERNEL);
	if (!info)
		return -ENOMEM;
	mutex_lock(&t->share_lock);
	list_for_each_entry(s, &t->shares, node) {
		if (!s->live)
			continue;
		if (n < max)
			info[n] = (struct tofu_ioc_share_info){ .share_id = s->id, .size = s->size,
								.addr = s->addr, .rights = s->rights,
								.owned = s->owned };
		n++;
	}
	mutex_unlock(&t->share_lock);
	a->count = n;
	if (copy_to_user(u64_to_user_ptr(a->entries), info, sizeof(*info) * min(n, max)))
		ret = -EFAULT;
	kfree(info);
	return ret;
}

/* An ioctl's argument in: its type and size checked, the rest zeroed. */
static long ioc_in(unsigned int cmd, void __user *uarg, void *a, size_t room)
{
	size_t size = _IOC_SIZE(cmd);

	if (_IOC_TYPE(cmd) != TOFU_IOC_MAGIC || size > room)
		return -ENOTTY;
	memset(a, 0, room);
	if ((_IOC_DIR(cmd) & _IOC_WRITE) && copy_from_user(a, uarg, size))
		return -EFAULT;
	return 0;
}

/* An ioctl's argument out; the status goes back even when the call failed. */
static long ioc_out(unsigned int cmd, void __user *uarg, const void *a, long ret)
{
	if ((_IOC_DIR(cmd) & _IOC_READ) && copy_to_user(uarg, a, _IOC_SIZE(cmd)))
		return -EFAULT;
	return ret;
}

static long tofu_ioctl(struct file *filp, unsigned int cmd, unsigned long arg)
{
	struct tofu_ipc *t = tofu_dev;
	struct tofu_file *f = filp->private_data;
	void __user *uarg = (void __user *)arg;
	struct arm_smccc_res res;
	union {
		struct tofu_ioc_id id;
		struct tofu_ioc_lookup lookup;
		struct tofu_ioc_doorbell bell;
		struct tofu_ioc_share share;
		struct tofu_ioc_map map;
		struct tofu_ioc_share_id sid;
		struct tofu_ioc_last_status last;
		struct tofu_ioc_stats stats;
		struct tofu_ioc_list list;
	} a;
	long st, ret;
	u64 name[2];

	ret = ioc_in(cmd, uarg, &a, sizeof(a));
	if (ret)
		return ret;

	switch (cmd) {
	case TOFU_IOC_ID:
		st = tofu_call(TOFU_HC_VM_ID, 0, 0, 0, 0, &res);
		f->last_status = a.id.status = (s32)st;
		a.id.vm_id = (u32)res.a1;
		a.id.vcpu = (u32)res.a2;
		a.id.dt_vm_id = t->vm_id;
		ret = tofu_errno(st);
		break;
	case TOFU_IOC_LOOKUP:
		memcpy(name, a.lookup.name, sizeof(name));      /* little-endian words */
		st = tofu_call(TOFU_HC_VM_LOOKUP, name[0], name[1], 0, 0, &res);
		f->last_status = a.lookup.status = (s32)st;
		a.lookup.vm_id = st == TOFU_OK ? (u32)res.a1 : 0;
		ret = tofu_errno(st);
		break;
	case TOFU_IOC_DOORBELL:
		st = tofu_call(TOFU_HC_DOORBELL, a.bell.vm_id, 0, 0, 0, &res);
		f->last_status = a.bell.status = (s32)st;
		ret = tofu_errno(st);
		break;
	case TOFU_IOC_SHARE:
		ret = ioc_share(t, f, &a.share);
		break;
	case TOFU_IOC_MAP:
		ret = ioc_map(t, f, &a.map);
		break;
	case TOFU_IOC_UNMAP:
	case TOFU_IOC_REVOKE:
		ret = ioc_unmap_or_revoke(t, f, &a.sid, cmd == TOFU_IOC_REVOKE);
		break;
	case TOFU_IOC_LAST_STATUS:
		a.last.status = f->last_status;
		ret = 0;
		break;
	case TOFU_IOC_STATS:
		a.stats.read_sleeps = f->read_sleeps;
		a.stats.write_retries = f->write_retries;
		a.stats.irqs = (u64)atomic64_read(&t->irqs);
		a.stats.received = (u64)atomic64_read(&t->received);
		ret = 0;
		break;
	case TOFU_IOC_LIST:
		ret = ioc_list(t, &a.list);
		break;
	default:
		return -ENOTTY;
	}
	return ioc_out(cmd, uarg, &a, ret);
}

/* ---- mmap -------------------------------------------------------------------- */

static void tofu_vma_open(struct vm_area_struct *vma)
{
	struct tofu_share *s = vma->vm_private_data;

	mutex_lock(&tofu_dev->share_lock);
	s->users++;
	mutex_unlock(&tofu_dev->share_lock);
}

static void tofu_vma_close(struct vm_area_struct *vma)
{
	struct tofu_share *s = vma->vm_private_data;

	mutex_lock(&tofu_dev->share_lock);
	s->users--;
	share_put_locked(s);
	mutex_unlock(&tofu_dev->share_lock);
}

static const struct vm_operations_struct tofu_vm_ops = {
	.open = tofu_vma_open,
	.close = tofu_vma_close,
};

/*
 * The offset selects the share: offset = share-ID << PAGE_SHIFT.  Owned
 * shares are RAM; mapped ones are IPAs outside Linux's RAM.  Both get the
 * default (normal, write-back) attributes that tofu's stage 2 also uses.
 */
static int tofu_mmap(struct file *filp, struct vm_area_struct *vma)
{
	struct tofu_ipc *t = tofu_dev;
	unsigned long len = vma->vm_end - vma->vm_start;
	struct tofu_share *s;
	int ret;

	if (!(vma->vm_flags & VM_SHARED))
		return -EINVAL;
	mutex_lock(&t->share_lock);
	s = share_find(t, vma->vm_pgoff);
	if (!s) {
		ret = -ENOENT;
		goto out;
	}
	if (len > PAGE_ALIGN(s->size)) {
		ret = -EINVAL;
		goto out;
	}
	if (!s->owned && s->rights != TOFU_SHARE_RW) {
		if (vma->vm_flags & VM_WRITE) {
			ret = -EACCES;
			goto out;
		}
		vma->vm_flags &= ~VM_MAYWRITE;
	}
	vma->vm_flags |= VM_DONTEXPAND | VM_DONTDUMP | VM_DONTCOPY;
	ret = remap_pfn_range(vma, vma->vm_start, PHYS_PFN(s->addr), len, vma->vm_page_prot);
	if (ret)
		goto out;
	vma->vm_private_data = s;
	vma->vm_ops = &tofu_vm_ops;
	s->users++;
out:
	mutex_unlock(&t->share_lock);
	return ret;
}

/* ---- /dev/tofu-vdev: a virtio backend's daemon -------------------------------- */

static struct tofu_vdev *vdev_by_index(struct tofu_ipc *t, u32 index)
{
	unsigned int i;

	for (i = 0; i < t->nr_vdevs; i++)
		if (t->vdevs[i].info.index == index)
			return &t->vdevs[i];
	return NULL;
}

static int vdev_open(struct inode *inode, struct file *filp)
{
	struct tofu_ipc *t = tofu_dev;
	int ret = 0;

	spin_lock_irq(&t->rx_lock);
	if (t->vdev_open) {
		ret = -EBUSY;
	} else {
		t->vdev_open = true;
		t->vrx.head = t->vrx.count = 0;
	}
	spin_unlock_irq(&t->rx_lock);
	if (ret)
		return ret;
	dev_info(t->dev, "tofu-vdev opened (%lld virtio messages dropped while no daemon listened)\n",
		 (long long)atomic64_xchg(&t->vdev_dropped, 0));
	return nonseekable_open(inode, filp);
}

static int vdev_release(struct inode *inode, struct file *filp)
{
	struct tofu_ipc *t = tofu_dev;

	/* What was queued for the daemon goes; its successor's REGISTER makes
	 * tofu post the state again.  Its events go to /dev/tofu_ipc from now. */
	spin_lock_irq(&t->rx_lock);
	t->vdev_open = false;
	t->vrx.head = t->vrx.count = 0;
	if (t->hyp_more)
		rx_drain_locked(t);
	spin_unlock_irq(&t->rx_lock);
	wake_up_interruptible(&t->rx.wq);
	return 0;
}

static ssize_t vdev_read(struct file *filp, char __user *buf, size_t count, loff_t *ppos)
{
	return ring_read(tofu_dev, &tofu_dev->vrx, filp, buf, count, NULL);
}

static __poll_t vdev_poll(struct file *filp, poll_table *wait)
{
	struct tofu_ipc *t = tofu_dev;
	__poll_t mask = 0;

	poll_wait(filp, &t->vrx.wq, wait);
	if (READ_ONCE(t->vrx.count))
		mask |= EPOLLIN | EPOLLRDNORM;
	return mask;
}

static long vdev_ioctl(struct file *filp, unsigned int cmd, unsigned long arg)
{
	struct tofu_ipc *t = tofu_dev;
	void __user *uarg = (void __user *)arg;
	struct arm_smccc_res res;
	union {
		struct tofu_vdev_info info;
		struct tofu_vdev_register reg;
		struct tofu_vdev_call call;
	} a;
	struct tofu_vdev *d;
	u32 slot;
	void *reg;
	long st, ret;

	BUILD_BUG_ON(sizeof(a.reg.reg) != sizeof(struct tofu_virtio_reg));
	ret = ioc_in(cmd, uarg, &a, sizeof(a));
	if (ret)
		return ret;

	switch (cmd) {
	case TOFU_VDEV_IOC_INFO:
		if (a.info.slot >= t->nr_vdevs)
			return -ENOENT;
		d = &t->vdevs[a.info.slot];
		slot = a.info.slot;
		a.info = d->info;
		a.info.slot = slot;
		ret = 0;
		break;
	case TOFU_VDEV_IOC_REGISTER:
		if (!vdev_by_index(t, a.reg.index))
			return -ENODEV;
		/* kmalloc: physically contiguous, so tofu reads it at its PA. */
		reg = kmemdup(a.reg.reg, sizeof(a.reg.reg), GFP_KERNEL);
		if (!reg)
			return -ENOMEM;
		st = tofu_call(TOFU_HC_VIRTIO_REGISTER, a.reg.index, virt_to_phys(reg), sizeof(a.reg.reg), 0,
			       &res);
		kfree(reg);
		a.reg.status = (s32)st;
		ret = tofu_errno(st);
		break;
	case TOFU_VDEV_IOC_EVENT:
	case TOFU_VDEV_IOC_RESET_DONE:
		if (!vdev_by_index(t, a.call.index))
			return -ENODEV;
		if (cmd == TOFU_VDEV_IOC_EVENT)
			st = tofu_call(TOFU_HC_VIRTIO_EVENT, a.call.index, a.call.event, 0, 0, &res);
		else
			st = tofu_call(TOFU_HC_VIRTIO_RESET_DONE, a.call.index, a.call.uid, 0, 0, &res);
		a.call.status = (s32)st;
		ret = tofu_errno(st);
		break;
	default:
		return -ENOTTY;
	}
	return ioc_out(cmd, uarg, &a, ret);
}

/*
 * The offset is an IPA of a frontend window (the node's reg); the range
 * must lie wholly in one.  The window is normal memory in tofu's stage 2,
 * read-write and never executable: so is the mapping here.  While the
 * frontend is stopped tofu has the window unmapped and an access faults
 * (SIGBUS): the daemon's to catch.
 */
static int vdev_mmap(struct file *filp, struct vm_area_struct *vma)
{
	struct tofu_ipc *t = tofu_dev;
	u64 len = vma->vm_end - vma->vm_start;
	u64 off = (u64)vma->vm_pgoff << PAGE_SHIFT;
	unsigned int i;

	if (!(vma->vm_flags & VM_SHARED))
		return -EINVAL;
	if (vma->vm_flags & VM_EXEC)
		return -EPERM;
	if (off >> PAGE_SHIFT != vma->vm_pgoff)
		return -EINVAL;                 /* overflowed */
	for (i = 0; i < t->nr_vdevs; i++) {
		struct tofu_vdev *d = &t->vdevs[i];

		if (off < d->info.win_ipa || off - d->info.win_ipa >= d->info.win_size ||
		    len > d->info.win_size - (off - d->info.win_ipa))
			continue;
		vma->vm_flags &= ~VM_MAYEXEC;
		vma->vm_flags |= VM_DONTEXPAND | VM_DONTDUMP | VM_DONTCOPY;
		return remap_pfn_range(vma, vma->vm_start, vma->vm_pgoff, len, vma->vm_page_prot);
	}
	return -EINVAL;
}

static const struct file_operations vdev_fops = {
	.owner = THIS_MODULE,
	.open = vdev_open,
	.release = vdev_release,
	.read = vdev_read,
	.poll = vdev_poll,
	.unlocked_ioctl = vdev_ioctl,
	.mmap = vdev_mmap,
	.llseek = no_llseek,
};

/* The VM's tofu,virtio-backend nodes (docs/virtio.md). */
static void vdev_parse(struct tofu_ipc *t)
{
	struct device_node *np;

	for_each_compatible_node(np, NULL, "tofu,virtio-backend") {
		struct tofu_vdev_info *d = &t->vdevs[t->nr_vdevs].info;
		const char *str = NULL;
		struct resource win;
		const u8 *mac;
		int len;

		if (t->nr_vdevs == VDEV_MAX) {
			dev_warn(t->dev, "%pOF: more than %d virtio devices: ignored\n", np, VDEV_MAX);
			continue;
		}
		memset(d, 0, sizeof(*d));
		if (of_address_to_resource(np, 0, &win) ||
		    of_property_read_u32(np, "tofu,device", &d->index) ||
		    of_property_read_u32(np, "tofu,device-id", &d->device_id) ||
		    of_property_read_u32(np, "tofu,frontend", &d->frontend) ||
		    of_property_read_u64(np, "tofu,frontend-ram", &d->fe_ram) ||
		    !PAGE_ALIGNED(win.start) || !PAGE_ALIGNED(resource_size(&win))) {
			dev_warn(t->dev, "%pOF: incomplete tofu,virtio-backend node: ignored\n", np);
			continue;
		}
		of_property_read_u64(np, "tofu,ram-disk-size", &d->disk_size);
		if (!of_property_read_string(np, "tofu,frontend-name", &str))
			strscpy(d->frontend_name, str, sizeof(d->frontend_name));
		if (!of_property_read_string(np, "tofu,backing", &str))
			strscpy(d->backing, str, sizeof(d->backing));
		if (!of_property_read_string(np, "tofu,bridge", &str))
			strscpy(d->bridge, str, sizeof(d->bridge));
		mac = of_get_property(np, "local-mac-address", &len);
		if (mac && len == sizeof(d->mac))
			memcpy(d->mac, mac, sizeof(d->mac));
		d->win_ipa = win.start;
		d->win_size = resource_size(&win);
		dev_info(t->dev, "virtio device %u (type %u) for VM %u (%s): its RAM at %#llx+%#llx\n",
			 d->index, d->device_id, d->frontend, d->frontend_name, d->win_ipa, d->win_size);
		t->nr_vdevs++;
	}
}

/* ---- device ------------------------------------------------------------------ */

static int tofu_open(struct inode *inode, struct file *filp)
{
	struct tofu_file *f = kzalloc(sizeof(*f), GFP_KERNEL);

	if (!f)
		return -ENOMEM;
	filp->private_data = f;
	return nonseekable_open(inode, filp);
}

static int tofu_release(struct inode *inode, struct file *filp)
{
	kfree(filp->private_data);
	return 0;
}

static const struct file_operations tofu_fops = {
	.owner = THIS_MODULE,
	.open = tofu_open,
	.release = tofu_release,
	.read = tofu_read,
	.write = tofu_write,
	.poll = tofu_poll,
	.unlocked_ioctl = tofu_ioctl,
	.mmap = tofu_mmap,
	.llseek = no_llseek,
};

static bool tofu_present(void)
{
	struct arm_smccc_res res;

	tofu_call(TOFU_HC_CALL_UID, 0, 0, 0, 0, &res);
	return (u32)res.a0 == TOFU_UID_0 && (u32)res.a1 == TOFU_UID_1 &&
	       (u32)res.a2 == TOFU_UID_2 && (u32)res.a3 == TOFU_UID_3;
}

static int tofu_probe(struct platform_device *pdev)
{
	struct device *dev = &pdev->dev;
	struct resource *win;
	struct tofu_ipc *t;
	int ret;

	if (tofu_dev)
		return -EBUSY;
	if (!tofu_present()) {
		dev_err(dev, "no tofu hypervisor answers the vendor UID call\n");
		return -ENODEV;
	}
	t = devm_kzalloc(dev, sizeof(*t), GFP_KERNEL);
	if (!t)
		return -ENOMEM;
	t->dev = dev;
	/* The window is where shares get mapped, not registers: read it only. */
	win = platform_get_resource(pdev, IORESOURCE_MEM, 0);
	if (!win || of_property_read_u32(dev->of_node, "tofu,vm-id", &t->vm_id)) {
		dev_err(dev, "the node lacks reg or tofu,vm-id\n");
		return -EINVAL;
	}
	t->win_base = win->start;
	t->win_size = resource_size(win);
	t->irq = platform_get_irq(pdev, 0);
	if (t->irq < 0)
		return t->irq;
	t->rx.m = devm_kcalloc(dev, RX_DEPTH, sizeof(*t->rx.m), GFP_KERNEL);
	t->vrx.m = devm_kcalloc(dev, RX_DEPTH, sizeof(*t->vrx.m), GFP_KERNEL);
	t->recv_buf = devm_kmalloc(dev, TOFU_MSG_MAX, GFP_KERNEL);
	if (!t->rx.m || !t->vrx.m || !t->recv_buf)
		return -ENOMEM;
	spin_lock_init(&t->rx_lock);
	init_waitqueue_head(&t->rx.wq);
	init_waitqueue_head(&t->vrx.wq);
	vdev_parse(t);
	mutex_init(&t->share_lock);
	INIT_LIST_HEAD(&t->shares);
	INIT_WORK(&t->peer_down_work, peer_down_work);

	ret = request_irq(t->irq, tofu_doorbell_irq, 0, "tofu_ipc", t);
	if (ret)
		return ret;
	/* Messages that came before the driver: no doorbell will repeat them. */
	spin_lock_irq(&t->rx_lock);
	rx_drain_locked(t);
	spin_unlock_irq(&t->rx_lock);

	t->misc.minor = MISC_DYNAMIC_MINOR;
	t->misc.name = "tofu_ipc";
	t->misc.fops = &tofu_fops;
	t->misc.parent = dev;
	tofu_dev = t;
	ret = misc_register(&t->misc);
	if (ret) {
		tofu_dev = NULL;
		free_irq(t->irq, t);
		return ret;
	}
	if (t->nr_vdevs) {
		t->vmisc.minor = MISC_DYNAMIC_MINOR;
		t->vmisc.name = "tofu-vdev";
		t->vmisc.fops = &vdev_fops;
		t->vmisc.parent = dev;
		ret = misc_register(&t->vmisc);
		if (ret) {
			misc_deregister(&t->misc);
			tofu_dev = NULL;
			free_irq(t->irq, t);
			return ret;
		}
	}
	platform_set_drvdata(pdev, t);
	dev_info(dev, "VM-ID %u, doorbell IRQ %d, share window %#llx+%#llx\n",
		 t->vm_id, t->irq, t->win_base, t->win_size);
	return 0;
}

static int tofu_remove(struct platform_device *pdev)
{
	struct tofu_ipc *t = platform_get_drvdata(pdev);
	struct tofu_share *s, *tmp;
	struct arm_smccc_res res;

	/* No file is open (each holds the module), so no user mapping is left. */
	if (t->nr_vdevs)
		misc_deregister(&t->vmisc);
	misc_deregister(&t->misc);
	free_irq(t->irq, t);
	cancel_work_sync(&t->peer_down_work);
	mutex_lock(&t->share_lock);
	list_for_each_entry_safe(s, tmp, &t->shares, node) {
		if (s->live) {
			long st = tofu_call(s->owned ? TOFU_HC_REVOKE : TOFU_HC_UNMAP, s->id, 0, 0, 0, &res);

			if (st != TOFU_OK && st != TOFU_E_REVOKED && st != TOFU_E_BAD_SHARE && s->owned) {
				/* Still shared: leak the pages rather than hand them back. */
				dev_err(t->dev, "REVOKE of share %#llx: status %ld; keeping its pages\n",
					s->id, st);
				list_del(&s->node);
				kfree(s);
				continue;
			}
			s->live = false;
		}
		s->users = 0;
		share_put_locked(s);
	}
	mutex_unlock(&t->share_lock);
	tofu_dev = NULL;
	return 0;
}

static const struct of_device_id tofu_of_match[] = {
	{ .compatible = "tofu,ipc" },
	{ }
};
MODULE_DEVICE_TABLE(of, tofu_of_match);

static struct platform_driver tofu_driver = {
	.probe = tofu_probe,
	.remove = tofu_remove,
	.driver = {
		.name = "tofu_ipc",
		.of_match_table = tofu_of_match,
		/* Unbinding would pull the device from under open files. */
		.suppress_bind_attrs = true,
	},
};
module_platform_driver(tofu_driver);

MODULE_DESCRIPTION("tofu hypervisor inter-VM messages and shared memory");
MODULE_LICENSE("Dual MIT/GPL");
