// SPDX-License-Identifier: MIT
/*
 * tofu-vdev: a virtio backend in Linux user space (docs/virtio.md, "The
 * Linux backend").  Serves the VM's virtio-blk devices (its
 * "tofu,virtio-backend" nodes, as /dev/tofu-vdev lists them) from a file or
 * a block device, through the driver's /dev/tofu-vdev (tofu_ipc_uapi.h).
 *
 * usage: tofu-vdev FILE
 *   FILE backs the block device (the first one of the device tree): a
 *   regular file is created or extended to the node's tofu,ram-disk-size;
 *   a block device must be at least that large.  It is mapped MAP_SHARED,
 *   so every write the frontend makes is the file's; FLUSH is an msync().
 *
 * The split virtqueues and virtio-blk's requests are the bare-metal
 * backend's pure-C code (guests/baremetal/rt/virtq.c, virtio_blk.c): every
 * address the frontend wrote is checked against its window before use, a
 * bad chain or sector is VIRTIO_BLK_S_IOERR.  The window leaves this VM's
 * stage 2 when the frontend stops: an access then raises SIGBUS, caught
 * here (siglongjmp) to turn the queue off until it is set up again.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <setjmp.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <linux/fs.h>

#include <tofu/abi.h>
#include <tofu/virtio.h>
#include "rt/virtio_blk.h"
#include "rt/virtq.h"
#include "tofu_ipc_uapi.h"

#define QUEUE_SIZE   256u       /* QueueNumMax offered */
#define SERVE_BATCH  64u        /* requests per queue before the messages again */
#define DISK_ID      "tofu-vdev"
#define LOG_PER_SEC  10u        /* refusal lines a frontend can cause per second */

struct dev {
	struct tofu_vdev_info info;
	struct virtq_window win;
	struct virtio_blk_disk disk;
	struct virtq q[TOFU_VIRTIO_MAX_QUEUES];
	bool kick[TOFU_VIRTIO_MAX_QUEUES];
	uint32_t status;
	uint64_t drv_features, served, refused, faults, flushed;
	time_t log_second;          /* the refusal lines' rate limit */
	unsigned logged, unlogged;
};

static int vfd = -1;
static struct dev the_dev;      /* one device: the first block node */
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

static int vcall(unsigned long cmd, uint32_t index, uint32_t event)
{
	struct tofu_vdev_call c = { .index = index, .event = event };

	if (ioctl(vfd, cmd, &c) < 0)
		return c.status ? c.status : -1;
	return c.status;
}

static int dev_register(struct dev *d)
{
	struct tofu_vdev_register r = { .index = d->info.index };
	struct tofu_virtio_reg reg = {
		.features = VIRTIO_FEATURE_BIT(VIRTIO_F_VERSION_1) | VIRTIO_FEATURE_BIT(VIRTIO_BLK_F_FLUSH) |
			    VIRTIO_FEATURE_BIT(VIRTIO_BLK_F_SEG_MAX),
		.nr_queues = 1,
		.config_len = VIRTIO_BLK_CFG_BYTES,
	};

	_Static_assert(sizeof(r.reg) == sizeof(reg), "registration size");
	reg.queue_max[0] = QUEUE_SIZE;
	virtio_blk_config(&d->disk, reg.config);
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

/* The backing: a file extended to `size`, or a block device at least as large. */
static uint8_t *open_disk(const char *path, uint64_t size)
{
	struct stat st;
	uint8_t *p;
	int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);

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
	p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED)
		die("mmap of the disk");
	close(fd);
	return p;
}

static void on_message(struct dev *d, const uint8_t *m, uint32_t len)
{
	struct virtio_msg_hdr h;
	const uint8_t *p = m + VIRTIO_MSG_HDR_BYTES;

	if (len < VIRTIO_MSG_HDR_BYTES)
		return;
	memcpy(&h, m, sizeof(h));
	if (h.dev_num != d->info.index || h.type != VIRTIO_MSG_TYPE_TRANSPORT || h.msg_size != len)
		return;
	switch (h.msg_id) {
	case VIRTIO_MSG_SET_DRV_FEATURES: {
		struct virtio_msg_features f;

		if (len < VIRTIO_MSG_HDR_BYTES + sizeof(f))
			return;
		memcpy(&f, p, sizeof(f));
		d->drv_features = f.features;
		break;
	}
	case VIRTIO_MSG_SET_VQUEUE: {
		struct virtio_msg_vqueue v;

		if (len < VIRTIO_MSG_HDR_BYTES + sizeof(v))
			return;
		memcpy(&v, p, sizeof(v));
		if (v.index >= TOFU_VIRTIO_MAX_QUEUES)
			break;
		d->q[v.index].ready = false;
		if (!(v.flags & VIRTIO_MSG_VQ_READY))
			break;
		if (sigsetjmp(fault_jmp, 1) == 0) {
			fault_armed = 1;
			if (!virtq_setup(&d->q[v.index], &d->win, v.size, v.desc_addr, v.driver_addr, v.device_addr))
				printf("tofu-vdev: device %u queue %u: rings outside VM %u's RAM: queue left off\n",
				       d->info.index, v.index, d->info.frontend);
		} else {
			d->q[v.index].ready = false;
			d->faults++;
		}
		fault_armed = 0;
		break;
	}
	case VIRTIO_MSG_SET_DEVICE_STATUS: {
		struct virtio_msg_status s;

		if (len < VIRTIO_MSG_HDR_BYTES + sizeof(s))
			return;
		memcpy(&s, p, sizeof(s));
		if (!s.status) {
			/* Nothing of the old rings is touched from here on. */
			dev_reset(d);
			int rc = vcall(TOFU_VDEV_IOC_RESET_DONE, d->info.index, 0);
			if (rc != TOFU_OK)
				printf("tofu-vdev: device %u: RESET_DONE: %s\n", d->info.index, tofu_status_name(rc));
		}
		d->status = s.status;
		break;
	}
	case VIRTIO_MSG_EVENT_AVAIL: {
		struct virtio_msg_avail a;

		if (len < VIRTIO_MSG_HDR_BYTES + sizeof(a))
			return;
		memcpy(&a, p, sizeof(a));
		if (a.index < TOFU_VIRTIO_MAX_QUEUES)
			d->kick[a.index] = true;
		break;
	}
	default:                /* SET_CONFIG: virtio-blk's config is the device's */
		break;
	}
}

static void on_event(struct dev *d, const uint8_t *m)
{
	uint32_t type, peer;

	memcpy(&type, m, 4);
	memcpy(&peer, m + 4, 4);
	if (peer != d->info.frontend)
		return;
	if (type == TOFU_EVENT_PEER_DOWN) {
		dev_reset(d);   /* its RAM is out of our window already */
		printf("tofu-vdev: device %u: VM %u (%s) stopped; disk kept (%" PRIu64 " reads, %" PRIu64
		       " writes so far)\n", d->info.index, peer, d->info.frontend_name, d->disk.reads, d->disk.writes);
	} else if (type == TOFU_EVENT_PEER_UP) {
		printf("tofu-vdev: device %u: VM %u (%s) started again\n", d->info.index, peer,
		       d->info.frontend_name);
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

/* Serve up to a batch of a queue's requests; a fault (the frontend stopped
 * and its RAM left the window under us) ends it and turns the queue off. */
static void serve(struct dev *d, unsigned qi)
{
	static struct virtq_chain c;
	struct virtq *q = &d->q[qi];
	volatile unsigned done = 0;

	if (!q->ready || !(d->status & VIRTIO_STATUS_DRIVER_OK)) {
		d->kick[qi] = false;
		return;
	}
	if (sigsetjmp(fault_jmp, 1) != 0) {
		fault_armed = 0;
		q->ready = false;
		d->kick[qi] = false;
		d->faults++;
		printf("tofu-vdev: device %u: fault in VM %u's RAM: queue %u off until it is set up again\n",
		       d->info.index, d->info.frontend, qi);
		return;
	}
	fault_armed = 1;
	while (done < SERVE_BATCH && virtq_pop(q, &d->win, &c)) {
		uint32_t written = virtio_blk_serve(&d->disk, &c);

		if (c.err != VIRTQ_OK) {
			d->refused++;
			if (log_ok(d))
				printf("tofu-vdev: device %u: request %u refused: %s\n", d->info.index, c.head,
				       virtq_err_name(c.err));
		}
		virtq_push(q, &d->win, c.head, written);
		done++;
		d->served++;
	}
	fault_armed = 0;
	if (!q->ready)
		printf("tofu-vdev: device %u queue %u: broken avail ring: queue off\n", d->info.index, qi);
	if (d->disk.flushes != d->flushed) {
		d->flushed = d->disk.flushes;
		if (msync(d->disk.data, d->disk.size, MS_SYNC) < 0)
			printf("tofu-vdev: msync: %s\n", strerror(errno));
	}
	if (done) {
		int rc = vcall(TOFU_VDEV_IOC_EVENT, d->info.index, VIRTIO_MSG_EVENT_USED);
		if (rc != TOFU_OK && rc != TOFU_E_STOPPED)
			printf("tofu-vdev: device %u: EVENT_USED: %s\n", d->info.index, tofu_status_name(rc));
	}
	d->kick[qi] = done == SERVE_BATCH;      /* more may be waiting: look again */
}

int main(int argc, char **argv)
{
	static uint8_t buf[sizeof(struct tofu_msg_hdr) + TOFU_MSG_MAX];
	struct sigaction sa = { .sa_sigaction = on_sigbus, .sa_flags = SA_SIGINFO | SA_NODEFER };
	struct dev *d = &the_dev;
	bool found = false;

	if (argc != 2) {
		fprintf(stderr, "usage: tofu-vdev FILE\n");
		return 2;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	sigaction(SIGBUS, &sa, NULL);
	vfd = open(TOFU_VDEV_DEV, O_RDWR | O_CLOEXEC);
	if (vfd < 0)
		die(TOFU_VDEV_DEV);
	for (uint32_t slot = 0; !found; slot++) {
		d->info = (struct tofu_vdev_info){ .slot = slot };
		if (ioctl(vfd, TOFU_VDEV_IOC_INFO, &d->info) < 0)
			break;
		found = d->info.device_id == VIRTIO_ID_BLOCK;
		if (!found)
			printf("tofu-vdev: device %u: type %u not served\n", d->info.index, d->info.device_id);
	}
	if (!found) {
		printf("tofu-vdev: no block device to serve\n");
		return 1;
	}
	uint64_t size = d->info.disk_size & ~(uint64_t)(VIRTIO_BLK_SECTOR_BYTES - 1);
	if (!size) {
		printf("tofu-vdev: device %u: no disk size in the device tree\n", d->info.index);
		return 1;
	}
	void *win = mmap(NULL, d->info.win_size, PROT_READ | PROT_WRITE, MAP_SHARED, vfd, (off_t)d->info.win_ipa);
	if (win == MAP_FAILED)
		die("mmap of the frontend's RAM");
	d->win = (struct virtq_window){ .fe_base = d->info.fe_ram, .size = d->info.win_size, .local = (uintptr_t)win };
	d->disk = (struct virtio_blk_disk){ .data = open_disk(argv[1], size), .size = size, .id = DISK_ID };
	int rc = dev_register(d);
	printf("tofu-vdev: device %u: block, %" PRIu64 " MiB from %s, to VM %u (%s), its RAM at 0x%" PRIx64
	       " here: register %s\n", d->info.index, size >> 20, argv[1], d->info.frontend, d->info.frontend_name,
	       (uint64_t)d->info.win_ipa, tofu_status_name(rc));
	if (rc != TOFU_OK)
		return 1;
	printf("tofu-vdev: serving 1 device\n");

	for (;;) {
		bool more = false;

		for (unsigned qi = 0; qi < TOFU_VIRTIO_MAX_QUEUES; qi++)
			more |= d->kick[qi];
		/* Block for the next message unless a queue has work left. */
		int fl = fcntl(vfd, F_GETFL);
		if (fcntl(vfd, F_SETFL, more ? fl | O_NONBLOCK : fl & ~O_NONBLOCK) < 0)
			die("fcntl");
		for (;;) {
			ssize_t n = read(vfd, buf, sizeof(buf));
			struct tofu_msg_hdr h;

			if (n < 0 && (errno == EAGAIN || errno == EINTR))
				break;
			if (n < 0)
				die("read");
			if ((size_t)n < sizeof(h))
				continue;
			memcpy(&h, buf, sizeof(h));
			if (h.peer != TOFU_VM_ID_TOFU || h.len > (size_t)n - sizeof(h))
				continue;
			if (h.len == TOFU_EVENT_BYTES)
				on_event(d, buf + sizeof(h));
			else
				on_message(d, buf + sizeof(h), h.len);
			if (fcntl(vfd, F_SETFL, fl | O_NONBLOCK) < 0)   /* then what else is queued */
				die("fcntl");
		}
		for (unsigned qi = 0; qi < TOFU_VIRTIO_MAX_QUEUES; qi++)
			if (d->kick[qi])
				serve(d, qi);
	}
}
