// SPDX-License-Identifier: MIT
/*
 * tofu-vdev: a virtio backend in Linux user space (docs/virtio.md, "The
 * Linux backend").  Serves every device of the VM's "tofu,virtio-backend"
 * nodes (as /dev/tofu-vdev lists them) through the driver's /dev/tofu-vdev
 * (tofu_ipc_uapi.h), each as tofu_virtio_identity() describes it:
 *
 *   block    from a file or a block device: the node's tofu,backing, else
 *            FILE (the first block device without one).  A regular file is
 *            created or extended to tofu,ram-disk-size; a block device must
 *            be at least that large.  Each request is a pread() or pwrite()
 *            between the file and the frontend's buffers (the page cache
 *            reads ahead and writes back); FLUSH is an fdatasync(); a
 *            failed read or write fails the request (IOERR).
 *   net      a TAP interface tofu-vnet<index>, up, and in the Linux bridge
 *            tofu,bridge names (created if it does not exist); frames go
 *            both ways as they are, one per buffer chain, after the 12-byte
 *            virtio-net header (no offloads).
 *   console  a pty in raw mode, linked at /dev/tofu-vcon<index>: what the
 *            frontend writes to its hvc0 is read there, what is written
 *            there is its hvc0's input.
 *
 * usage: tofu-vdev [FILE]
 *
 * The split virtqueues and virtio-blk's requests are the bare-metal
 * backend's pure-C code (guests/baremetal/rt/virtq.c, virtio_blk.c): every
 * address the frontend wrote is checked against its window before use, a
 * bad chain or sector is VIRTIO_BLK_S_IOERR, a bad net or console chain is
 * given back unused.  The window leaves this VM's stage 2 when the frontend
 * stops: an access then raises SIGBUS, caught here (siglongjmp) to turn the
 * device's queues off until they are set up again.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <setjmp.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>
#include <linux/fs.h>
#include <linux/if.h>
#include <linux/if_tun.h>
#include <linux/sockios.h>

#include <tofu/abi.h>
#include <tofu/virtio.h>
#include "rt/virtio_blk.h"
#include "rt/virtio_msg.h"
#include "rt/virtq.h"
#include "tofu_ipc_uapi.h"

#define MAX_DEVS     8u         /* the driver's VDEV_MAX */
#define SERVE_BATCH  64u        /* requests per queue before the messages again */
#define DISK_ID      "tofu-vdev"
#define LOG_PER_SEC  10u        /* refusal lines a frontend can cause per second */
#define TUN_DEV      "/dev/net/tun"
#define TAP_NAME     "tofu-vnet%u"
#define VCON_LINK    "/dev/tofu-vcon%u"
#define CON_CHUNK    4096u      /* console bytes taken from the pty at a time */
#define IN_MAX       (VIRTIO_NET_HDR_BYTES + VIRTIO_NET_FRAME_MAX > CON_CHUNK ? \
		      VIRTIO_NET_HDR_BYTES + VIRTIO_NET_FRAME_MAX : CON_CHUNK)

struct dev {
	struct tofu_vdev_info info;
	struct virtq_window win;
	struct virtq q[TOFU_VIRTIO_MAX_QUEUES];
	bool kick[TOFU_VIRTIO_MAX_QUEUES];
	uint32_t status;
	uint64_t drv_features, served, refused, faults;
	time_t log_second;          /* the refusal lines' rate limit */
	unsigned logged, unlogged;
	/* block */
	struct virtio_blk_disk disk;
	uint64_t flushed;
	const char *path;
	/* net and console: the host side (a TAP, a pty's master) */
	int fd;
	char host[64];              /* its name, for the log */
	uint8_t in[IN_MAX];         /* read from fd, not yet in a receive buffer */
	uint32_t in_len, in_off;
	uint64_t rx, tx, dropped;
};

static int vfd = -1;
static struct dev devs[MAX_DEVS];
static unsigned nr_devs;
static sigjmp_buf fault_jmp;
static volatile sig_atomic_t fault_armed;

static void on_sigbus(int sig, siginfo_t *si, void *uc)
{
	(void)si;
	(void)uc;
	if (fault_armed)
		siglongjmp(fault_jmp, 1);
	signal(sig, SIG_DFL);
	raise(sig);
}

static void die(const char *what)
{
	printf("tofu-vdev: %s: %s\n", what, strerror(errno));
	exit(1);
}

static int vcall(unsigned long cmd, uint32_t index, uint32_t event, uint32_t uid)
{
	struct tofu_vdev_call c = { .index = index, .event = event, .uid = uid };

	if (ioctl(vfd, cmd, &c) < 0)
		return c.status ? c.status : -1;
	return c.status;
}

static const char *type_name(uint32_t id)
{
	return id == VIRTIO_ID_BLOCK ? "block" : id == VIRTIO_ID_NET ? "net" : id == VIRTIO_ID_CONSOLE ? "console" : "?";
}

/* The device as the config describes it: tofu refuses anything else. */
static int dev_register(struct dev *d)
{
	struct tofu_vdev_register r = { .index = d->info.index };
	struct tofu_virtio_reg reg;

	_Static_assert(sizeof(r.reg) == sizeof(reg), "registration size");
	tofu_virtio_identity(&reg, d->info.device_id, d->disk.size, d->info.mac);
	memcpy(r.reg, &reg, sizeof(reg));
	if (ioctl(vfd, TOFU_VDEV_IOC_REGISTER, &r) < 0 && !r.status)
		return -1;
	return r.status;
}

static void dev_reset(struct dev *d)
{
	for (unsigned i = 0; i < TOFU_VIRTIO_MAX_QUEUES; i++) {
		d->q[i].ready = false;
		d->kick[i] = false;
	}
	d->status = 0;
	d->drv_features = 0;
}

/* A request's data from or to the backing, one preadv()/pwritev() for
 * its buffers: the page cache reads ahead and writes back as for any file
 * (FLUSH: fdatasync). */
static int disk_io(void *ctx, bool in, uint64_t off, const struct virtq_buf *bufs, unsigned n)
{
	struct iovec iov[VIRTQ_CHAIN_MAX];
	int fd = (int)(intptr_t)ctx;
	unsigned first = 0;

	for (unsigned i = 0; i < n; i++)
		iov[i] = (struct iovec){ .iov_base = bufs[i].p, .iov_len = bufs[i].len };
	while (first < n) {
		ssize_t done = in ? preadv(fd, iov + first, (int)(n - first), (off_t)off) :
				    pwritev(fd, iov + first, (int)(n - first), (off_t)off);

		if (done < 0 && errno == EINTR)
			continue;
		if (done <= 0)
			return -1;
		off += (uint64_t)done;
		while (first < n && (size_t)done >= iov[first].iov_len)
			done -= (ssize_t)iov[first++].iov_len;
		if (first < n) {        /* a short transfer: the rest of this buffer next */
			iov[first].iov_base = (uint8_t *)iov[first].iov_base + done;
			iov[first].iov_len -= (size_t)done;
		}
	}
	return 0;
}

/* The backing: a file extended to `size`, or a block device at least as
 * large; its descriptor. */
static int open_disk(const char *path, uint64_t size)
{
	struct stat st;
	/* A file is made when missing; a device node never is. */
	int fd = open(path, O_RDWR | O_CLOEXEC | (strncmp(path, "/dev/", 5) ? O_CREAT : 0), 0600);

	if (fd < 0 || fstat(fd, &st) < 0)
		die(path);
	if (S_ISREG(st.st_mode) && (uint64_t)st.st_size < size && ftruncate(fd, (off_t)size) < 0)
		die("ftruncate");
	if (S_ISBLK(st.st_mode)) {
		uint64_t bytes = 0;

		if (ioctl(fd, BLKGETSIZE64, &bytes) < 0)
			die("BLKGETSIZE64");
		if (bytes < size) {
			printf("tofu-vdev: %s holds %" PRIu64 " bytes, the device %" PRIu64 "\n", path, bytes, size);
			exit(1);
		}
	} else if (!S_ISREG(st.st_mode)) {
		printf("tofu-vdev: %s is neither a file nor a block device\n", path);
		exit(1);
	}
	return fd;
}

static void if_up(int sock, const char *name)
{
	struct ifreq ifr = { 0 };

	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", name);
	if (ioctl(sock, SIOCGIFFLAGS, &ifr) < 0)
		die(name);
	ifr.ifr_flags |= IFF_UP;
	if (ioctl(sock, SIOCSIFFLAGS, &ifr) < 0)
		die(name);
}

/* tofu-vnet<index>, up, in its bridge. */
static void open_tap(struct dev *d)
{
	struct ifreq ifr = { .ifr_flags = IFF_TAP | IFF_NO_PI };
	int sock = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	d->fd = open(TUN_DEV, O_RDWR | O_NONBLOCK | O_CLOEXEC);
	if (d->fd < 0 || sock < 0)
		die(TUN_DEV " (is the tun module loaded?)");
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), TAP_NAME, d->info.index);
	if (ioctl(d->fd, TUNSETIFF, &ifr) < 0)
		die("TUNSETIFF");
	snprintf(d->host, sizeof(d->host), "%s", ifr.ifr_name);
	if_up(sock, d->host);
	if (d->info.bridge[0]) {
		struct ifreq br = { 0 }, tap = { 0 };

		snprintf(br.ifr_name, sizeof(br.ifr_name), "%s", d->info.bridge);
		if (ioctl(sock, SIOCGIFINDEX, &br) < 0 && ioctl(sock, SIOCBRADDBR, d->info.bridge) < 0)
			die("SIOCBRADDBR (is the bridge module loaded?)");
		snprintf(tap.ifr_name, sizeof(tap.ifr_name), "%s", d->host);
		if (ioctl(sock, SIOCGIFINDEX, &tap) < 0)
			die("SIOCGIFINDEX");
		br.ifr_ifindex = tap.ifr_ifindex;
		if (ioctl(sock, SIOCBRADDIF, &br) < 0)
			die("SIOCBRADDIF");
		if_up(sock, d->info.bridge);
		snprintf(d->host, sizeof(d->host), "%s in bridge %s", tap.ifr_name, br.ifr_name);
	}
	close(sock);
}

/* A pty in raw mode (no echo: what the frontend writes never comes back
 * as its input), linked at /dev/tofu-vcon<index>.  The slave stays open
 * here, so the master never sees a hang-up between readers. */
static void open_pty(struct dev *d)
{
	struct termios t;
	char link[32];
	int slave;

	d->fd = posix_openpt(O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
	if (d->fd < 0 || grantpt(d->fd) < 0 || unlockpt(d->fd) < 0)
		die("posix_openpt");
	const char *name = ptsname(d->fd);
	slave = name ? open(name, O_RDWR | O_NOCTTY | O_CLOEXEC) : -1;
	if (slave < 0 || tcgetattr(slave, &t) < 0)
		die("the pty's slave");
	cfmakeraw(&t);
	if (tcsetattr(slave, TCSANOW, &t) < 0)
		die("tcsetattr");
	snprintf(link, sizeof(link), VCON_LINK, d->info.index);
	unlink(link);
	if (symlink(name, link) < 0)
		die(link);
	snprintf(d->host, sizeof(d->host), "%s (%s)", link, name);
}

static void on_message(struct dev *d, const struct virtio_msg *msg)
{
	switch (msg->h.msg_id) {
	case VIRTIO_MSG_SET_DRV_FEATURES:
		d->drv_features = msg->u.features.features;
		break;
	case VIRTIO_MSG_SET_VQUEUE: {
		const struct virtio_msg_vqueue *v = &msg->u.vqueue;

		if (v->index >= TOFU_VIRTIO_MAX_QUEUES)
			break;
		d->q[v->index].ready = false;
		if (!(v->flags & VIRTIO_MSG_VQ_READY))
			break;
		if (sigsetjmp(fault_jmp, 1) == 0) {
			fault_armed = 1;
			if (!virtq_setup(&d->q[v->index], &d->win, v->size, v->desc_addr, v->driver_addr, v->device_addr))
				printf("tofu-vdev: device %u queue %u: rings outside VM %u's RAM: queue left off\n",
				       d->info.index, v->index, d->info.frontend);
		} else {
			d->q[v->index].ready = false;
			d->faults++;
		}
		fault_armed = 0;
		/* A receive queue set up: input may have waited for it. */
		d->kick[v->index] = d->q[v->index].ready;
		break;
	}
	case VIRTIO_MSG_SET_DEVICE_STATUS: {
		uint32_t status = msg->u.status.status;

		if (!status) {
			/* Nothing of the old rings is touched from here on. */
			dev_reset(d);
			int rc = vcall(TOFU_VDEV_IOC_RESET_DONE, d->info.index, 0, msg->h.msg_uid);
			if (rc != TOFU_OK)
				printf("tofu-vdev: device %u: RESET_DONE: %s\n", d->info.index, tofu_status_name(rc));
		}
		d->status = status;
		if (status & VIRTIO_STATUS_DRIVER_OK)
			for (unsigned i = 0; i < TOFU_VIRTIO_MAX_QUEUES; i++)
				d->kick[i] |= d->q[i].ready;
		break;
	}
	case VIRTIO_MSG_EVENT_AVAIL:
		if (msg->u.avail.index < TOFU_VIRTIO_MAX_QUEUES)
			d->kick[msg->u.avail.index] = true;
		break;
	default:                /* SET_CONFIG: the config space is the device's */
		break;
	}
}

static struct dev *dev_by_index(uint32_t index)
{
	for (unsigned i = 0; i < nr_devs; i++)
		if (devs[i].info.index == index)
			return &devs[i];
	return NULL;
}

static void on_transport(const uint8_t *m, uint32_t len)
{
	static struct virtio_msg msg;
	struct dev *d;

	if (virtio_msg_parse(m, len, &msg) && (d = dev_by_index(msg.h.dev_num)))
		on_message(d, &msg);
}

static void on_event(const uint8_t *m)
{
	uint32_t type, peer;

	memcpy(&type, m, 4);
	memcpy(&peer, m + 4, 4);
	for (unsigned i = 0; i < nr_devs; i++) {
		struct dev *d = &devs[i];

		if (peer != d->info.frontend)
			continue;
		if (type == TOFU_EVENT_PEER_DOWN) {
			dev_reset(d);   /* its RAM is out of our window already */
			d->in_len = d->in_off = 0;
			if (d->info.device_id == VIRTIO_ID_BLOCK)
				printf("tofu-vdev: device %u: VM %u (%s) stopped; disk kept (%" PRIu64 " reads, %"
				       PRIu64 " writes so far)\n", d->info.index, peer, d->info.frontend_name,
				       d->disk.reads, d->disk.writes);
			else
				printf("tofu-vdev: device %u: VM %u (%s) stopped (%" PRIu64 " in, %" PRIu64
				       " out, %" PRIu64 " dropped so far)\n", d->info.index, peer,
				       d->info.frontend_name, d->rx, d->tx, d->dropped);
		} else if (type == TOFU_EVENT_PEER_UP) {
			printf("tofu-vdev: device %u: VM %u (%s) started again\n", d->info.index, peer,
			       d->info.frontend_name);
		}
	}
}

/* Whether a line the frontend caused may be printed now (LOG_PER_SEC). */
static bool log_ok(struct dev *d)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	if (now.tv_sec != d->log_second) {
		if (d->unlogged)
			printf("tofu-vdev: device %u: %u more refusals not logged\n", d->info.index, d->unlogged);
		d->log_second = now.tv_sec;
		d->logged = d->unlogged = 0;
	}
	if (d->logged < LOG_PER_SEC) {
		d->logged++;
		return true;
	}
	d->unlogged++;
	return false;
}

static void refused(struct dev *d, const struct virtq_chain *c, const char *why)
{
	d->refused++;
	if (log_ok(d))
		printf("tofu-vdev: device %u: request %u refused: %s\n", d->info.index, c->head, why);
}

/* One request of a block device: its used length.  A FLUSH's fdatasync()
 * is done before its used entry is, so that the frontend, which may find
 * the entry before the interrupt (still taking an earlier batch's), never
 * sees a FLUSH complete before the writes it covers are stable; a failed
 * one is the FLUSH's IOERR. */
static uint32_t serve_block(struct dev *d, const struct virtq_chain *c)
{
	uint32_t written = virtio_blk_serve(&d->disk, c);

	if (c->err != VIRTQ_OK)
		refused(d, c, virtq_err_name(c->err));
	if (d->disk.flushes != d->flushed) {
		d->flushed = d->disk.flushes;
		if (fdatasync((int)(intptr_t)d->disk.io_ctx) < 0) {
			printf("tofu-vdev: fdatasync of %s: %s\n", d->path, strerror(errno));
			c->buf[c->n - 1].p[0] = VIRTIO_BLK_S_IOERR;
		}
	}
	return written;
}

/* One transmit chain of a NIC or a console: its bytes out to the host
 * side, a frame after its header in one write (a full TAP queue drops it,
 * as a link does); a console's bytes as they are, in pieces, as far as the
 * pty takes them (what a pty nobody reads has no room for is dropped). */
static uint32_t serve_tx(struct dev *d, const struct virtq_chain *c)
{
	uint8_t out[IN_MAX];
	bool net = d->info.device_id == VIRTIO_ID_NET;
	uint32_t skip = net ? VIRTIO_NET_HDR_BYTES : 0;
	uint64_t bytes = virtq_chain_bytes(c, false);

	if (c->err != VIRTQ_OK) {
		refused(d, c, virtq_err_name(c->err));
		return 0;
	}
	if (net && (bytes < skip || bytes - skip > VIRTIO_NET_FRAME_MAX)) {
		refused(d, c, bytes < skip ? "shorter than its header" : "longer than a frame");
		return 0;
	}
	for (uint64_t off = skip; off < bytes;) {
		uint32_t n = virtq_chain_read(c, (uint32_t)off, out, (uint32_t)(bytes - off < sizeof(out) ? bytes - off : sizeof(out)));
		ssize_t w = write(d->fd, out, n);

		if (w <= 0 || (net && w != (ssize_t)n)) {
			d->dropped++;
			return 0;
		}
		off += (uint64_t)w;
	}
	d->tx++;
	return 0;
}

/* The host side's input into receive buffers, while both last. */
static unsigned deliver_rx(struct dev *d, struct virtq *q)
{
	static struct virtq_chain c;
	unsigned done = 0;

	while (d->in_len > d->in_off && virtq_pop(q, &d->win, &c)) {
		uint32_t want = d->in_len - d->in_off, room = (uint32_t)virtq_chain_bytes(&c, true), put = 0;

		if (c.err != VIRTQ_OK)
			refused(d, &c, virtq_err_name(c.err));
		else if (d->info.device_id == VIRTIO_ID_NET && room < want)
			refused(d, &c, "receive buffer smaller than the frame");
		else
			put = virtq_chain_write(&c, 0, d->in + d->in_off, want < room ? want : room);
		virtq_push(q, &d->win, c.head, put);
		done++;
		d->in_off += put;
		if (d->info.device_id == VIRTIO_ID_NET)
			d->in_off = d->in_len;  /* a frame goes whole, or not at all */
		if (put)
			d->rx++;
	}
	if (d->in_off == d->in_len)
		d->in_len = d->in_off = 0;
	return done;
}

/* Read what the host side has, if nothing waits for a receive buffer. */
static void take_input(struct dev *d)
{
	uint32_t hdr = d->info.device_id == VIRTIO_ID_NET ? VIRTIO_NET_HDR_BYTES : 0;
	ssize_t n;

	if (d->in_len)
		return;
	n = read(d->fd, d->in + hdr, sizeof(d->in) - hdr);
	if (n <= 0)
		return;
	memset(d->in, 0, hdr);          /* no offloads: flags, gso, csum all 0 */
	if (hdr)
		tofu_virtio_put_le(d->in + VIRTIO_NET_HDR_NUM_BUFFERS, 1, 2);
	d->in_len = hdr + (uint32_t)n;
	d->in_off = 0;
}

static bool rx_queue(const struct dev *d, unsigned qi)
{
	return d->info.device_id != VIRTIO_ID_BLOCK && qi == VIRTIO_NET_RXQ;
}

/* Serve up to a batch of a queue's requests; a fault (the frontend stopped
 * and its RAM left the window under us) ends it and turns the queues off. */
static void serve(struct dev *d, unsigned qi)
{
	static struct virtq_chain c;
	struct virtq *q = &d->q[qi];
	volatile unsigned done = 0;

	_Static_assert(VIRTIO_NET_RXQ == VIRTIO_CONSOLE_RXQ && VIRTIO_NET_TXQ == VIRTIO_CONSOLE_TXQ, "queues");
	d->kick[qi] = false;
	if (!q->ready || !(d->status & VIRTIO_STATUS_DRIVER_OK))
		return;
	if (sigsetjmp(fault_jmp, 1) != 0) {
		fault_armed = 0;
		dev_reset(d);
		d->faults++;
		printf("tofu-vdev: device %u: fault in VM %u's RAM: queues off until set up again\n",
		       d->info.index, d->info.frontend);
		return;
	}
	fault_armed = 1;
	if (rx_queue(d, qi)) {
		/* What the host side has, as long as there are receive buffers:
		 * one EVENT_USED for the batch. */
		while (done < SERVE_BATCH) {
			take_input(d);
			unsigned n = d->in_len ? deliver_rx(d, q) : 0;

			if (!n)
				break;
			done += n;
		}
	} else {
		while (done < SERVE_BATCH && virtq_pop(q, &d->win, &c)) {
			uint32_t written = d->info.device_id == VIRTIO_ID_BLOCK ? serve_block(d, &c) : serve_tx(d, &c);

			virtq_push(q, &d->win, c.head, written);
			done++;
			d->served++;
		}
	}
	d->kick[qi] = done >= SERVE_BATCH;      /* more may be waiting: look again */
	bool irq = done && virtq_interrupt_wanted(q, &d->win);
	fault_armed = 0;
	if (!q->ready)
		printf("tofu-vdev: device %u queue %u: broken avail ring: queue off\n", d->info.index, qi);
	if (irq) {
		int rc = vcall(TOFU_VDEV_IOC_EVENT, d->info.index, VIRTIO_MSG_EVENT_USED, 0);
		if (rc != TOFU_OK && rc != TOFU_E_STOPPED)
			printf("tofu-vdev: device %u: EVENT_USED: %s\n", d->info.index, tofu_status_name(rc));
	}
}

/* Each device of the device tree: its window, its host side, registered. */
static void setup(const char *file)
{
	for (uint32_t slot = 0; nr_devs < MAX_DEVS; slot++) {
		struct dev *d = &devs[nr_devs];

		*d = (struct dev){ .fd = -1 };
		d->info.slot = slot;
		if (ioctl(vfd, TOFU_VDEV_IOC_INFO, &d->info) < 0)
			break;
		uint32_t id = d->info.device_id;
		if (id != VIRTIO_ID_BLOCK && id != VIRTIO_ID_NET && id != VIRTIO_ID_CONSOLE) {
			printf("tofu-vdev: device %u: type %u not served\n", d->info.index, id);
			continue;
		}
		void *win = mmap(NULL, d->info.win_size, PROT_READ | PROT_WRITE, MAP_SHARED, vfd, (off_t)d->info.win_ipa);
		if (win == MAP_FAILED)
			die("mmap of the frontend's RAM");
		d->win = (struct virtq_window){ .fe_base = d->info.fe_ram, .size = d->info.win_size,
						.local = (uintptr_t)win };
		if (id == VIRTIO_ID_BLOCK) {
			uint64_t size = d->info.disk_size & ~(uint64_t)(VIRTIO_BLK_SECTOR_BYTES - 1);

			d->path = d->info.backing[0] ? d->info.backing : file;
			if (!size || !d->path) {
				printf("tofu-vdev: device %u: %s\n", d->info.index,
				       size ? "no tofu,backing in the device tree and no FILE" : "no disk size in the device tree");
				exit(1);
			}
			file = d->info.backing[0] ? file : NULL;    /* FILE backs one device */
			d->disk = (struct virtio_blk_disk){ .size = size, .id = DISK_ID, .io = disk_io,
							    .io_ctx = (void *)(intptr_t)open_disk(d->path, size) };
			snprintf(d->host, sizeof(d->host), "%" PRIu64 " MiB from %s", size >> 20, d->path);
		} else if (id == VIRTIO_ID_NET) {
			open_tap(d);
		} else {
			open_pty(d);
		}
		int rc = dev_register(d);
		printf("tofu-vdev: device %u: %s, %s, to VM %u (%s), its RAM at 0x%" PRIx64 " here: register %s\n",
		       d->info.index, type_name(id), d->host, d->info.frontend, d->info.frontend_name,
		       (uint64_t)d->info.win_ipa, tofu_status_name(rc));
		if (rc != TOFU_OK)
			exit(1);
		nr_devs++;
	}
	if (!nr_devs) {
		printf("tofu-vdev: no device to serve\n");
		exit(1);
	}
	printf("tofu-vdev: serving %u device%s\n", nr_devs, nr_devs == 1 ? "" : "s");
}

/* The messages queued for us, without blocking. */
static void read_messages(void)
{
	static uint8_t buf[sizeof(struct tofu_msg_hdr) + TOFU_MSG_MAX];

	for (;;) {
		ssize_t n = read(vfd, buf, sizeof(buf));
		struct tofu_msg_hdr h;

		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			return;
		if (n < 0)
			die("read");
		if ((size_t)n < sizeof(h))
			continue;
		memcpy(&h, buf, sizeof(h));
		if (h.peer != TOFU_VM_ID_TOFU || h.len > (size_t)n - sizeof(h))
			continue;
		if (h.len == TOFU_EVENT_BYTES)
			on_event(buf + sizeof(h));
		else
			on_transport(buf + sizeof(h), h.len);
	}
}

int main(int argc, char **argv)
{
	struct sigaction sa = { .sa_sigaction = on_sigbus, .sa_flags = SA_SIGINFO | SA_NODEFER };
	struct pollfd pfd[1 + MAX_DEVS];

	if (argc > 2) {
		fprintf(stderr, "usage: tofu-vdev [FILE]\n");
		return 2;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	sigaction(SIGBUS, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	vfd = open(TOFU_VDEV_DEV, O_RDWR | O_NONBLOCK | O_CLOEXEC);
	if (vfd < 0)
		die(TOFU_VDEV_DEV);
	setup(argc == 2 ? argv[1] : NULL);

	for (;;) {
		bool more = false;

		pfd[0] = (struct pollfd){ .fd = vfd, .events = POLLIN };
		for (unsigned i = 0; i < nr_devs; i++) {
			struct dev *d = &devs[i];

			for (unsigned qi = 0; qi < TOFU_VIRTIO_MAX_QUEUES; qi++)
				more |= d->kick[qi];
			/* Input waiting for a receive buffer: the host side waits too. */
			pfd[1 + i] = (struct pollfd){ .fd = d->in_len ? -1 : d->fd, .events = POLLIN };
		}
		if (poll(pfd, 1 + nr_devs, more ? 0 : -1) < 0 && errno != EINTR)
			die("poll");
		if (pfd[0].revents)
			read_messages();
		for (unsigned i = 0; i < nr_devs; i++) {
			struct dev *d = &devs[i];

			if (pfd[1 + i].revents & POLLIN) {
				take_input(d);
				d->kick[VIRTIO_NET_RXQ] |= d->in_len != 0;
			} else if (pfd[1 + i].revents & (POLLERR | POLLHUP | POLLNVAL)) {
				/* Its host side went away (the TAP deleted): the device
				 * stays, nothing more comes in or goes out. */
				printf("tofu-vdev: device %u: %s went away: its input stops\n", d->info.index, d->host);
				close(d->fd);
				d->fd = -1;
			}
			for (unsigned qi = 0; qi < TOFU_VIRTIO_MAX_QUEUES; qi++)
				if (d->kick[qi])
					serve(d, qi);
		}
	}
}
