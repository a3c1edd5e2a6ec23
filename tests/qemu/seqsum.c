/* SPDX-License-Identifier: MIT */
/* The FNV-1a checksum of the sequence messages of tofu-msg send-seq and of
 * the RTOS's CMD:seq: message i has byte j = (i*31 + j*7) & 0xff, with bytes
 * 0..3 replaced by i (little-endian).  usage: seqsum COUNT SIZE */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv)
{
    if (argc != 3)
        return 2;
    uint32_t count = (uint32_t)strtoul(argv[1], NULL, 0), size = (uint32_t)strtoul(argv[2], NULL, 0);
    uint32_t h = 0x811c9dc5u;
    for (uint32_t i = 0; i < count; i++)
        for (uint32_t j = 0; j < size; j++) {
            uint8_t b = j < 4 ? (uint8_t)(i >> (8 * j)) : (uint8_t)(i * 31u + j * 7u);
            h = (h ^ b) * 0x01000193u;
        }
    printf("%08x\n", h);
    return 0;
}
