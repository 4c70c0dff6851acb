/* sha256.h: SHA-256 (FIPS 180-4) for data-file verification and cache keys.
 * A small self-contained implementation so the engine needs no crypto library. */
#ifndef NR_SHA256_H
#define NR_SHA256_H

#include <stddef.h>
#include <stdint.h>

typedef struct {
    uint32_t state[8];
    uint64_t n_bytes;
    uint8_t block[64];
    size_t block_len;
} nr_sha256_ctx;

void nr_sha256_init(nr_sha256_ctx *ctx);
void nr_sha256_update(nr_sha256_ctx *ctx, const void *data, size_t len);
void nr_sha256_final(nr_sha256_ctx *ctx, uint8_t digest[32]);
/* One call: hex digest (64 characters + NUL) of a buffer. */
void nr_sha256_hex(const void *data, size_t len, char hex[65]);
/* Hex digest of a file; returns 0 on success, -1 if it cannot be read. */
int nr_sha256_file_hex(const char *path, char hex[65]);
/* For tests: on = 0 makes every digest use the portable compression function, on = 1 (the default) the x86 SHA
 * extensions where the CPU has them; returns 1 if digests now use the SHA extensions. Not for concurrent use. */
int nr_sha256_set_accelerated(int on);

#endif
