// SPDX-License-Identifier: MIT
/*
 * tofu-msg: command-line front end of /dev/tofu_ipc (tofu_ipc_uapi.h).
 * Results are printed as key=value; failures as "error: TOFU_E_xxx (-n)"
 * when tofu refused, "error: <what>: <strerror>" otherwise, with exit
 * status 1 (2 for usage errors).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <tofu/abi.h>
#include <tofu/ring.h>
#include "tofu_ipc_uapi.h"

static const char *prog = "tofu-msg";
static int dev_fd = -1;


static void usage(void)
{
	fprintf(stderr,
		"usage: %s <command> [args]\n"
		"  id                       own VM-ID and vCPU\n"
		"  lookup NAME              VM-ID of a VM\n"
		"  send VM TEXT             one message (VM: name or number)\n"
		"  recv [-w] [-p] [-n N]    N messages (default 1); -w: wait for them,\n"
		"                           -p: in poll() rather than read()\n"
		"  doorbell VM              raise VM's doorbell\n"
		"  share SIZE [--ro] [--to VM]   offer SIZE bytes of new memory\n"
		"  map ID [--at IPA]        map a peer's share\n"
		"  unmap ID | revoke ID\n"
		"  peek ID OFFSET LEN | poke ID OFFSET TEXT\n"
		"  ring ID [COUNT]          consume records of the SPSC ring in share ID\n"
		"  shares                   shares owned or mapped here\n"
		"  stats                    driver counters\n"
		"  send-seq VM COUNT [SIZE] [--nonblock]  numbered messages (integrity\n"
		"                           test); --nonblock: stop at TOFU_E_FULL\n"
		"  recv-seq COUNT           receive and check them\n",
		prog);
	exit(2);
}

static void die_errno(const char *what)
{
	printf("error: %s: %s\n", what, strerror(errno));
	exit(1);
}

/* A call failed: name tofu's status if it gave one, else errno. */
static void fail(const char *what, int status)
{
	if (status != TOFU_OK)
		printf("error: %s (%d)\n", tofu_status_name(status), status);
	else
		printf("error: %s: %s\n", what, strerror(errno));
	exit(1);
}

static int dev(void)
{
	if (dev_fd < 0) {
		dev_fd = open(TOFU_IPC_DEV, O_RDWR | O_CLOEXEC);
		if (dev_fd < 0)
			die_errno("open " TOFU_IPC_DEV);
	}
	return dev_fd;
}

static int last_status(void)
{
	struct tofu_ioc_last_status l = { 0 };
	return ioctl(dev(), TOFU_IOC_LAST_STATUS, &l) ? TOFU_OK : l.status;
}

static uint64_t parse_num(const char *s, const char *what)
{
	char *end;
	errno = 0;
	unsigned long long v = strtoull(s, &end, 0);
	if (errno || !*s || *end || *s == '-') {
		fprintf(stderr, "%s: bad %s '%s'\n", prog, what, s);
		exit(2);
	}
	return v;
}

static uint32_t lookup(const char *name)
{
	struct tofu_ioc_lookup a = { 0 };
	if (strlen(name) > TOFU_NAME_LEN) {
		fprintf(stderr, "%s: VM names have at most %d characters\n", prog, TOFU_NAME_LEN);
		exit(2);
	}
	memcpy(a.name, name, strlen(name));
	if (ioctl(dev(), TOFU_IOC_LOOKUP, &a))
		fail("lookup", a.status);
	return a.vm_id;
}

/* A VM given by number or by name. */
static uint32_t vm_arg(const char *s)
{
	char *end;
	unsigned long v = strtoul(s, &end, 0);
	if (*s >= '0' && *s <= '9' && !*end)
		return (uint32_t)v;
	return lookup(s);
}

static int send_msg(uint32_t peer, const void *data, uint32_t len)
{
	uint8_t buf[sizeof(struct tofu_msg_hdr) + TOFU_UAPI_LEN_MAX];
	struct tofu_msg_hdr h = { .peer = peer, .len = len };
	memcpy(buf, &h, sizeof(h));
	memcpy(buf + sizeof(h), data, len);
	ssize_t n = write(dev(), buf, sizeof(h) + len);
	return n == (ssize_t)(sizeof(h) + len) ? 0 : -1;
}

static void print_escaped(const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (p[i] >= 0x20 && p[i] < 0x7f && p[i] != '\\')
			putchar(p[i]);
		else
			printf("\\x%02x", p[i]);
	}
}

static int cmd_id(void)
{
	struct tofu_ioc_id a = { 0 };
	if (ioctl(dev(), TOFU_IOC_ID, &a))
		fail("id", a.status);
	printf("vm_id=%u vcpu=%u dt_vm_id=%u\n", a.vm_id, a.vcpu, a.dt_vm_id);
	return 0;
}

static int cmd_send(int argc, char **argv)
{
	if (argc != 2)
		usage();
	uint32_t peer = vm_arg(argv[0]);
	size_t len = strlen(argv[1]);
	if (len > TOFU_UAPI_LEN_MAX) {
		fprintf(stderr, "%s: at most %u bytes\n", prog, TOFU_UAPI_LEN_MAX);
		return 2;
	}
	if (send_msg(peer, argv[1], (uint32_t)len))
		fail("send", last_status());
	printf("sent=%zu peer=%u\n", len, peer);
	return 0;
}

/* An event from tofu itself (VM-ID 0): printed as "event=peer-down vm=N". */
static int print_event(const struct tofu_msg_hdr *h, const uint8_t *p)
{
	uint32_t type, vm;

	if (h->peer != TOFU_VM_ID_TOFU || h->len != TOFU_EVENT_BYTES)
		return 0;
	memcpy(&type, p, sizeof(type));
	memcpy(&vm, p + sizeof(type), sizeof(vm));
	printf("event=%s vm=%u\n", type == TOFU_EVENT_PEER_DOWN ? "peer-down"
				   : type == TOFU_EVENT_PEER_UP ? "peer-up" : "unknown", vm);
	fflush(stdout);
	return 1;
}

static int cmd_recv(int argc, char **argv)
{
	int wait = 0, use_poll = 0, opt;
	unsigned long n = 1, polls = 0;
	optind = 0;
	while ((opt = getopt(argc + 1, argv - 1, "wpn:")) != -1) {
		if (opt == 'w')
			wait = 1;
		else if (opt == 'p')
			use_poll = 1;
		else if (opt == 'n')
			n = parse_num(optarg, "count");
		else
			usage();
	}
	if (optind != argc + 1)
		usage();
	int fd = dev();
	if (!wait || use_poll)
		fcntl(fd, F_SETFL, O_NONBLOCK);
	for (unsigned long i = 0; i < n; i++) {
		uint8_t buf[sizeof(struct tofu_msg_hdr) + TOFU_MSG_MAX];
		struct tofu_msg_hdr h;
		ssize_t r = read(fd, buf, sizeof(buf));
		/* -p: sleep in poll() until the doorbell brings a message. */
		while (r < 0 && errno == EAGAIN && use_poll) {
			struct pollfd pfd = { .fd = fd, .events = POLLIN };
			polls++;
			if (poll(&pfd, 1, wait ? -1 : 0) < 0)
				die_errno("poll");
			if (!(pfd.revents & POLLIN) && !wait)
				break;
			r = read(fd, buf, sizeof(buf));
		}
		if (r < 0 && errno == EAGAIN)
			fail("recv", TOFU_E_EMPTY);
		if (r < (ssize_t)sizeof(h))
			die_errno("recv");
		memcpy(&h, buf, sizeof(h));
		if (print_event(&h, buf + sizeof(h)))
			continue;
		printf("from=%u len=%u text=", h.peer, h.len);
		print_escaped(buf + sizeof(h), h.len);
		putchar('\n');
		fflush(stdout);
	}
	if (use_poll)
		printf("polls=%lu\n", polls);
	return 0;
}

static int cmd_doorbell(int argc, char **argv)
{
	if (argc != 1)
		usage();
	struct tofu_ioc_doorbell a = { .vm_id = vm_arg(argv[0]) };
	if (ioctl(dev(), TOFU_IOC_DOORBELL, &a))
		fail("doorbell", a.status);
	printf("doorbell=%u\n", a.vm_id);
	return 0;
}

static const char *rights_name(uint32_t r)
{
	return r == TOFU_SHARE_RW ? "rw" : r == TOFU_SHARE_RO ? "ro" : "?";
}

static int cmd_share(int argc, char **argv)
{
	struct tofu_ioc_share a = { .rights = TOFU_SHARE_RW };
	if (argc < 1)
		usage();
	a.size = parse_num(argv[0], "size");
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--ro"))
			a.rights = TOFU_SHARE_RO;
		else if (!strcmp(argv[i], "--to") && i + 1 < argc)
			a.only = vm_arg(argv[++i]);
		else
			usage();
	}
	if (ioctl(dev(), TOFU_IOC_SHARE, &a))
		fail("share", a.status);
	printf("share=%" PRIu64 " size=%" PRIu64 " rights=%s to=%u\n", (uint64_t)a.share_id,
	       (uint64_t)a.size, rights_name(a.rights), a.only);
	return 0;
}

static int cmd_map(int argc, char **argv)
{
	struct tofu_ioc_map a = { 0 };
	if (argc != 1 && !(argc == 3 && !strcmp(argv[1], "--at")))
		usage();
	a.share_id = parse_num(argv[0], "share-ID");
	if (argc == 3) {
		a.flags = TOFU_MAP_AT;
		a.ipa = parse_num(argv[2], "IPA");
	}
	if (ioctl(dev(), TOFU_IOC_MAP, &a))
		fail("map", a.status);
	printf("share=%" PRIu64 " ipa=%#" PRIx64 " size=%" PRIu64 " rights=%s\n", (uint64_t)a.share_id,
	       (uint64_t)a.ipa, (uint64_t)a.size, rights_name(a.rights));
	return 0;
}

static int cmd_unmap_revoke(int argc, char **argv, int revoke)
{
	if (argc != 1)
		usage();
	struct tofu_ioc_share_id a = { .share_id = parse_num(argv[0], "share-ID") };
	if (ioctl(dev(), revoke ? TOFU_IOC_REVOKE : TOFU_IOC_UNMAP, &a))
		fail(revoke ? "revoke" : "unmap", a.status);
	printf("%s=%" PRIu64 "\n", revoke ? "revoked" : "unmapped", (uint64_t)a.share_id);
	return 0;
}

static int list_shares(struct tofu_ioc_share_info *info, uint32_t max)
{
	struct tofu_ioc_list l = { .max = max, .entries = (uintptr_t)info };
	if (ioctl(dev(), TOFU_IOC_LIST, &l))
		die_errno("list shares");
	return (int)(l.count < max ? l.count : max);
}

static int cmd_shares(void)
{
	struct tofu_ioc_share_info info[64];
	int n = list_shares(info, 64);
	for (int i = 0; i < n; i++)
		printf("share=%" PRIu64 " %s=%#" PRIx64 " size=%" PRIu64 " rights=%s owned=%s\n",
		       (uint64_t)info[i].share_id, info[i].owned ? "pa" : "ipa", (uint64_t)info[i].addr,
		       (uint64_t)info[i].size, rights_name(info[i].rights), info[i].owned ? "yes" : "no");
	printf("shares=%d\n", n);
	return 0;
}

static sigjmp_buf fault_jmp;

static void on_fault(int sig)
{
	siglongjmp(fault_jmp, sig);
}

/* peek and poke: map the share (owned or mapped here) and access it. */
/* The size of share `id` if this VM owns or has mapped it; else, after a
 * message, 0 (a share is never empty). */
static uint64_t share_bytes(uint64_t id)
{
	struct tofu_ioc_share_info info[64];
	int n = list_shares(info, 64);
	for (int i = 0; i < n; i++)
		if (info[i].share_id == id)
			return info[i].size;
	printf("error: share %" PRIu64 " is neither owned nor mapped here\n", id);
	return 0;
}

/* The whole share `id` of `bytes`, mapped into this process (*len: the
 * mapping's length).  A read-only share refuses PROT_WRITE (EACCES). */
static void *mmap_share(uint64_t id, uint64_t bytes, int prot, size_t *len)
{
	long page = sysconf(_SC_PAGESIZE);
	*len = (bytes + (uint64_t)page - 1) & ~((uint64_t)page - 1);
	void *p = mmap(NULL, *len, prot, MAP_SHARED, dev(), (off_t)(id * (uint64_t)page));
	if (p == MAP_FAILED)
		die_errno("mmap");
	return p;
}

static int cmd_peek_poke(int argc, char **argv, int poke)
{
	if (argc != 3)
		usage();
	uint64_t id = parse_num(argv[0], "share-ID"), off = parse_num(argv[1], "offset");
	uint64_t len = poke ? strlen(argv[2]) : parse_num(argv[2], "length");
	uint64_t bytes = share_bytes(id);
	if (!bytes)
		return 1;
	if (off > bytes || len > bytes - off) {
		printf("error: offset %" PRIu64 " + %" PRIu64 " outside the share (%" PRIu64 " bytes)\n",
		       off, len, bytes);
		return 1;
	}
	size_t size;
	volatile uint8_t *p = mmap_share(id, bytes, PROT_READ | (poke ? PROT_WRITE : 0), &size);
	/* A mapping that tofu removed (revoked by its owner) faults. */
	struct sigaction sa = { .sa_handler = on_fault };
	sigaction(SIGBUS, &sa, NULL);
	sigaction(SIGSEGV, &sa, NULL);
	int sig = sigsetjmp(fault_jmp, 1);
	if (sig) {
		printf("error: %s at share %" PRIu64 " offset %" PRIu64 ": %s (mapping removed by tofu?)\n",
		       poke ? "write" : "read", id, off, strsignal(sig));
		return 1;
	}
	if (poke) {
		for (uint64_t j = 0; j < len; j++)
			p[off + j] = (uint8_t)argv[2][j];
		printf("poked=%" PRIu64 "\n", len);
	} else {
		uint8_t *buf = malloc(len ? len : 1);
		if (!buf)
			die_errno("malloc");
		for (uint64_t j = 0; j < len; j++)
			buf[j] = p[off + j];
		printf("data=");
		print_escaped(buf, len);
		putchar('\n');
		free(buf);
	}
	munmap((void *)p, size);
	return 0;
}

/* ring ID [COUNT]: consume records from an SPSC ring (include/tofu/ring.h)
 * at the start of a share this VM owns or has mapped read-write. */
static int cmd_ring(int argc, char **argv)
{
	if (argc < 1 || argc > 2)
		usage();
	uint64_t id = parse_num(argv[0], "share-ID");
	uint64_t want = argc == 2 ? parse_num(argv[1], "count") : UINT64_MAX;
	uint64_t bytes = share_bytes(id);
	if (!bytes)
		return 1;
	size_t size;
	void *region = mmap_share(id, bytes, PROT_READ | PROT_WRITE, &size);
	struct tofu_ring_end r;
	if (!tofu_ring_consumer_attach(&r, region, bytes)) {
		printf("error: share %" PRIu64 " holds no valid ring\n", id);
		return 1;
	}
	uint64_t got = 0;
	const char *slot;
	char text[TOFU_RING_LINE + 1];
	while (got < want && (slot = tofu_ring_consume_slot(&r)) != NULL) {
		/* One copy of the peer's bytes, then only the copy is used. */
		size_t n = r.slot_bytes < TOFU_RING_LINE ? r.slot_bytes : TOFU_RING_LINE;
		memcpy(text, slot, n);
		text[n] = '\0';
		printf("record=%s\n", text);
		tofu_ring_consume_commit(&r);
		got++;
	}
	if (r.broken)
		printf("error: the producer wrote head %u with our tail at %u\n", r.ring->head, r.index);
	printf("records=%" PRIu64 "\n", got);
	munmap(region, size);
	return 0;
}

static int cmd_stats(void)
{
	struct tofu_ioc_stats s;
	if (ioctl(dev(), TOFU_IOC_STATS, &s))
		die_errno("stats");
	printf("irqs=%" PRIu64 " received=%" PRIu64 "\n", (uint64_t)s.irqs, (uint64_t)s.received);
	return 0;
}

/* Payload of message i in the sequence tests. */
static void seq_fill(uint8_t *p, uint32_t i, uint32_t size)
{
	for (uint32_t j = 0; j < size; j++)
		p[j] = (uint8_t)((i * 31u + j * 7u) & 0xff);
	for (uint32_t j = 0; j < 4 && j < size; j++)
		p[j] = (uint8_t)(i >> (8 * j));
}

static int cmd_send_seq(int argc, char **argv)
{
	int nonblock = argc > 2 && !strcmp(argv[argc - 1], "--nonblock");
	argc -= nonblock;
	if (argc != 2 && argc != 3)
		usage();
	if (nonblock)
		fcntl(dev(), F_SETFL, O_NONBLOCK);
	uint32_t peer = vm_arg(argv[0]);
	uint64_t count = parse_num(argv[1], "count");
	uint64_t size = argc == 3 ? parse_num(argv[2], "size") : 64;
	uint8_t p[TOFU_UAPI_LEN_MAX];
	if (size > TOFU_UAPI_LEN_MAX) {
		fprintf(stderr, "%s: at most %u bytes\n", prog, TOFU_UAPI_LEN_MAX);
		return 2;
	}
	for (uint64_t i = 0; i < count; i++) {
		seq_fill(p, (uint32_t)i, (uint32_t)size);
		if (send_msg(peer, p, (uint32_t)size)) {
			int st = last_status();
			printf("sent=%" PRIu64 "\n", i);
			fail("send", st);
		}
	}
	struct tofu_ioc_stats s;
	if (ioctl(dev(), TOFU_IOC_STATS, &s))
		die_errno("stats");
	printf("sent=%" PRIu64 " full_retries=%" PRIu64 "\n", count, (uint64_t)s.write_retries);
	return 0;
}

static int cmd_recv_seq(int argc, char **argv)
{
	if (argc != 1)
		usage();
	uint64_t count = parse_num(argv[0], "count"), got = 0;
	uint32_t hash = 2166136261u;        /* FNV-1a 32 */
	int inorder = 1;
	while (got < count) {
		uint8_t buf[sizeof(struct tofu_msg_hdr) + TOFU_MSG_MAX];
		struct tofu_msg_hdr h;
		ssize_t r = read(dev(), buf, sizeof(buf));
		if (r < (ssize_t)sizeof(h))
			die_errno("recv");
		memcpy(&h, buf, sizeof(h));
		const uint8_t *p = buf + sizeof(h);
		if (print_event(&h, p))         /* not part of the sequence */
			continue;
		uint32_t seq = h.len >= 4 ? (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
						    (uint32_t)p[3] << 24
					  : UINT32_MAX;
		if (seq != (uint32_t)got) {
			if (inorder)
				printf("first out of order: message %" PRIu64 " has sequence %u\n", got, seq);
			inorder = 0;
		}
		for (uint32_t j = 0; j < h.len; j++)
			hash = (hash ^ p[j]) * 16777619u;
		got++;
	}
	struct tofu_ioc_stats s;
	if (ioctl(dev(), TOFU_IOC_STATS, &s))
		die_errno("stats");
	printf("received=%" PRIu64 " inorder=%s checksum=%08x sleeps=%" PRIu64 " irqs=%" PRIu64 "\n", got,
	       inorder ? "yes" : "no", hash, (uint64_t)s.read_sleeps, (uint64_t)s.irqs);
	return inorder ? 0 : 1;
}

int main(int argc, char **argv)
{
	if (argc < 2)
		usage();
	const char *c = argv[1];
	int n = argc - 2;
	char **a = argv + 2;
	setvbuf(stdout, NULL, _IOLBF, 0);

	if (!strcmp(c, "id") && n == 0)
		return cmd_id();
	if (!strcmp(c, "lookup") && n == 1) {
		printf("name=%s vm_id=%u\n", a[0], lookup(a[0]));
		return 0;
	}
	if (!strcmp(c, "send"))
		return cmd_send(n, a);
	if (!strcmp(c, "recv"))
		return cmd_recv(n, a);
	if (!strcmp(c, "doorbell"))
		return cmd_doorbell(n, a);
	if (!strcmp(c, "share"))
		return cmd_share(n, a);
	if (!strcmp(c, "ring"))
		return cmd_ring(n, a);
	if (!strcmp(c, "map"))
		return cmd_map(n, a);
	if (!strcmp(c, "unmap"))
		return cmd_unmap_revoke(n, a, 0);
	if (!strcmp(c, "revoke"))
		return cmd_unmap_revoke(n, a, 1);
	if (!strcmp(c, "peek"))
		return cmd_peek_poke(n, a, 0);
	if (!strcmp(c, "poke"))
		return cmd_peek_poke(n, a, 1);
	if (!strcmp(c, "shares") && n == 0)
		return cmd_shares();
	if (!strcmp(c, "stats") && n == 0)
		return cmd_stats();
	if (!strcmp(c, "send-seq"))
		return cmd_send_seq(n, a);
	if (!strcmp(c, "recv-seq"))
		return cmd_recv_seq(n, a);
	usage();
	return 2;
}
