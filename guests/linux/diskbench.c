/* SPDX-License-Identifier: MIT */
/*
 * diskbench: block-device read figures for make bench (docs/performance.md).
 *
 *   diskbench read <device> <rounds> <seq passes> <random reads>   (in the guest)
 *       O_DIRECT, queue depth 1.  Each round: <seq passes> sequential passes
 *       over the whole device in 1 MiB reads, then <random reads> 4 KiB
 *       reads at 4 KiB-aligned offsets drawn by a fixed-seed PRNG
 *       (xorshift64*), the same offsets in every run.  Each phase is timed
 *       with the virtual counter (CNTVCT_EL0, after an ISB); the figures are
 *       each phase's fastest round: on a shared host, interference only
 *       ever slows a round down.  Every 4 KiB block read is
 *       checked against the pattern below: a read that fails, comes back
 *       short or brings the wrong bytes fails the run (exit status 1 and a
 *       "diskbench: failed" line), so a broken disk can never print a figure.
 *       Either phase may be left out (0 passes or 0 reads: make bench's
 *       counted reads of virtio-blk).  Prints one line:
 *         tofu-guest: diskbench bytes=<n> seq_bytes=<n> seq_ticks=<n>
 *                     rand_reads=<n> rand_ticks=<n> cntfrq=<Hz> rounds=<n>
 *                     seq_first_ticks=<n>
 *       (seq_bytes and rand_reads per round, the ticks of the fastest; the
 *       first round's sequential ticks too: a backend that serves from its
 *       page cache is cold only then).
 *   diskbench fill <image> <MiB>                          (on the host)
 *       Writes the pattern: every 4 KiB block starts with its byte offset
 *       (64-bit little-endian) and the magic "tofudisk", the rest zero.
 *
 * One source for both, so that the pattern written and the pattern checked
 * cannot drift apart.  Static aarch64 binary in the initramfs (/bin/).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define BLOCK           4096u           /* random read size, and the pattern's unit */
#define SEQ_CHUNK       (1u << 20)      /* sequential read size */
#define MAGIC           0x6b73696475666f74ull   /* "tofudisk", little-endian */
#define PRNG_SEED       0x2545f4914f6cdd1dull
#define PRNG_MUL        0x2545f4914f6cdd1dull   /* xorshift64* (Vigna) */
#define MIB             (1ull << 20)

static uint64_t counter(void)
{
#if defined(__aarch64__)
    uint64_t c;
    __asm__ volatile("isb; mrs %0, cntvct_el0" : "=r"(c) :: "memory");
    return c;
#else
    return 0;
#endif
}

static uint64_t counter_freq(void)
{
#if defined(__aarch64__)
    uint64_t f;
    __asm__ volatile("mrs %0, cntfrq_el0" : "=r"(f));
    return f;
#else
    return 0;
#endif
}

static int fail(const char *what, uint64_t off)
{
    fprintf(stderr, "diskbench: failed: %s at offset %llu%s%s\n", what, (unsigned long long)off,
            errno ? ": " : "", errno ? strerror(errno) : "");
    printf("tofu-guest: diskbench failed: %s at offset %llu\n", what, (unsigned long long)off);
    return 1;
}

static void le64_put(unsigned char *p, uint64_t v)
{
    for (unsigned i = 0; i < 8; i++)
        p[i] = (unsigned char)(v >> (8 * i));
}

static uint64_t le64_get(const unsigned char *p)
{
    uint64_t v = 0;
    for (unsigned i = 0; i < 8; i++)
        v |= (uint64_t)p[i] << (8 * i);
    return v;
}

/* The blocks at buf, read from `off`: the first without the pattern, or len. */
static size_t check(const unsigned char *buf, uint64_t off, size_t len)
{
    for (size_t i = 0; i < len; i += BLOCK)
        if (le64_get(buf + i) != off + i || le64_get(buf + i + 8) != MAGIC)
            return i;
    return len;
}

/* One O_DIRECT read of len bytes at off, whole and with the pattern. */
static int read_at(int fd, unsigned char *buf, size_t len, uint64_t off)
{
    errno = 0;
    ssize_t n = pread(fd, buf, len, (off_t)off);
    if (n < 0)
        return fail("read error", off);
    if ((size_t)n != len)
        return fail("short read", off);
    errno = 0;
    size_t bad = check(buf, off, len);
    if (bad != len)
        return fail("wrong data (not the pattern of diskbench fill)", off + bad);
    return 0;
}

static int do_fill(const char *path, unsigned long mib)
{
    FILE *f = fopen(path, "wb");
    static unsigned char block[BLOCK];
    if (!f || !mib) {
        perror(path);
        return 1;
    }
    for (uint64_t off = 0; off < mib * MIB; off += BLOCK) {
        le64_put(block, off);
        le64_put(block + 8, MAGIC);
        if (fwrite(block, 1, BLOCK, f) != BLOCK) {
            perror(path);
            return 1;
        }
    }
    return fclose(f) ? (perror(path), 1) : 0;
}

/* One round: the ticks of its sequential and of its random phase. */
static int round_once(int fd, unsigned char *buf, uint64_t size, unsigned long passes, unsigned long nrand,
                      uint64_t *seq_ticks, uint64_t *rand_ticks)
{
    const uint64_t blocks = size / BLOCK;
    uint64_t t0 = counter();
    for (unsigned long p = 0; p < passes; p++)
        for (uint64_t off = 0; off < size; off += SEQ_CHUNK)
            if (read_at(fd, buf, SEQ_CHUNK, off))
                return 1;
    uint64_t t1 = counter();
    uint64_t x = PRNG_SEED;
    for (unsigned long i = 0; i < nrand; i++) {
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        uint64_t off = ((x * PRNG_MUL) >> 11) % blocks * BLOCK;
        if (read_at(fd, buf, BLOCK, off))
            return 1;
    }
    uint64_t t2 = counter();
    *seq_ticks = t1 - t0;
    *rand_ticks = t2 - t1;
    return 0;
}

static int do_read(const char *dev, unsigned long rounds, unsigned long passes, unsigned long nrand)
{
    unsigned char *buf;
    if (!rounds || (!passes && !nrand))
        return fail("rounds must be at least 1, and passes or reads too", 0);
    if (!counter_freq())
        return fail("no counter to time with (read runs on aarch64 only)", 0);
    int fd = open(dev, O_RDONLY | O_DIRECT);
    if (fd < 0)
        return fail("cannot open the device", 0);
    off_t end = lseek(fd, 0, SEEK_END);
    if (end < (off_t)SEQ_CHUNK || end % SEQ_CHUNK)
        return fail("device size not a non-zero multiple of 1 MiB", (uint64_t)end);
    uint64_t size = (uint64_t)end;
    if (posix_memalign((void **)&buf, BLOCK, SEQ_CHUNK))
        return fail("no memory", 0);
    memset(buf, 0, SEQ_CHUNK);                  /* touched before timing */
    if (read_at(fd, buf, BLOCK, 0))             /* the queue and the driver warm */
        return 1;
    uint64_t best_seq = UINT64_MAX, best_rand = UINT64_MAX, first_seq = 0;
    for (unsigned long r = 0; r < rounds; r++) {
        uint64_t seq_ticks, rand_ticks;
        if (round_once(fd, buf, size, passes, nrand, &seq_ticks, &rand_ticks))
            return 1;
        if (!r)
            first_seq = seq_ticks;
        best_seq = seq_ticks < best_seq ? seq_ticks : best_seq;
        best_rand = rand_ticks < best_rand ? rand_ticks : best_rand;
    }
    close(fd);
    printf("tofu-guest: diskbench bytes=%llu seq_bytes=%llu seq_ticks=%llu rand_reads=%lu rand_ticks=%llu cntfrq=%llu rounds=%lu seq_first_ticks=%llu\n",
           (unsigned long long)size, (unsigned long long)(passes * size), (unsigned long long)best_seq, nrand,
           (unsigned long long)best_rand, (unsigned long long)counter_freq(), rounds, (unsigned long long)first_seq);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc == 6 && !strcmp(argv[1], "read"))
        return do_read(argv[2], strtoul(argv[3], NULL, 0), strtoul(argv[4], NULL, 0), strtoul(argv[5], NULL, 0));
    if (argc == 4 && !strcmp(argv[1], "fill"))
        return do_fill(argv[2], strtoul(argv[3], NULL, 0));
    fprintf(stderr, "usage: diskbench read <device> <rounds> <seq passes> <random reads>\n"
                    "       diskbench fill <image> <MiB>\n");
    return 2;
}
