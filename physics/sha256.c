/* sha256.c: SHA-256 as specified in FIPS 180-4 (NIST, "Secure Hash Standard", 2015), written from the
 * standard's text: constants K (section 4.2.2), initial hash value H(0) (section 5.3.3), padding
 * (section 5.1.1) and the compression function (section 6.2.2). Used to verify the data files
 * against MANIFEST.tsv and to key and check the result cache. No global state: every digest lives
 * in its own nr_sha256_ctx (the one process-wide value is whether the CPU has the SHA extensions, read once).
 *
 * On x86-64 CPUs with the SHA extensions (CPUID leaf 7, EBX bit 29) the same compression function runs on the
 * SHA256RNDS2 / SHA256MSG1 / SHA256MSG2 instructions (Intel, "Intel SHA Extensions: New Instructions Supporting
 * the Secure Hash Algorithm on Intel Architecture Processors", S. Gulley et al., July 2013, and the instructions'
 * definitions in the Intel 64 and IA-32 Architectures Software Developer's Manual, vol. 2): some 5-8x faster, which
 * is what the daemon's start-up check of the 27 MB data folder costs. Identical digests (test_sha256 checks both
 * paths against the FIPS vectors and sha256sum's digests of the data files). */
#include "sha256.h"

#include <stdatomic.h>
#include <stdio.h>
#include <string.h>

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define NR_SHA256_X86 1
#include <cpuid.h>
#include <immintrin.h>
#endif

/* FIPS 180-4 section 4.2.2: the first 32 bits of the fractional parts of the cube roots of the
 * first 64 primes. */
static const uint32_t sha256_k[64] = {
    0x428a2f98u, 0x71374491u, 0xb5c0fbcfu, 0xe9b5dba5u, 0x3956c25bu, 0x59f111f1u, 0x923f82a4u,
    0xab1c5ed5u, 0xd807aa98u, 0x12835b01u, 0x243185beu, 0x550c7dc3u, 0x72be5d74u, 0x80deb1feu,
    0x9bdc06a7u, 0xc19bf174u, 0xe49b69c1u, 0xefbe4786u, 0x0fc19dc6u, 0x240ca1ccu, 0x2de92c6fu,
    0x4a7484aau, 0x5cb0a9dcu, 0x76f988dau, 0x983e5152u, 0xa831c66du, 0xb00327c8u, 0xbf597fc7u,
    0xc6e00bf3u, 0xd5a79147u, 0x06ca6351u, 0x14292967u, 0x27b70a85u, 0x2e1b2138u, 0x4d2c6dfcu,
    0x53380d13u, 0x650a7354u, 0x766a0abbu, 0x81c2c92eu, 0x92722c85u, 0xa2bfe8a1u, 0xa81a664bu,
    0xc24b8b70u, 0xc76c51a3u, 0xd192e819u, 0xd6990624u, 0xf40e3585u, 0x106aa070u, 0x19a4c116u,
    0x1e376c08u, 0x2748774cu, 0x34b0bcb5u, 0x391c0cb3u, 0x4ed8aa4au, 0x5b9cca4fu, 0x682e6ff3u,
    0x748f82eeu, 0x78a5636fu, 0x84c87814u, 0x8cc70208u, 0x90befffau, 0xa4506cebu, 0xbef9a3f7u,
    0xc67178f2u};

static uint32_t rotr32(uint32_t x, unsigned n) { return (x >> n) | (x << (32u - n)); }

/* FIPS 180-4 equations (4.2)-(4.7). */
static uint32_t ch32(uint32_t x, uint32_t y, uint32_t z) { return (x & y) ^ (~x & z); }
static uint32_t maj32(uint32_t x, uint32_t y, uint32_t z) { return (x & y) ^ (x & z) ^ (y & z); }
static uint32_t big_sigma0(uint32_t x) { return rotr32(x, 2) ^ rotr32(x, 13) ^ rotr32(x, 22); }
static uint32_t big_sigma1(uint32_t x) { return rotr32(x, 6) ^ rotr32(x, 11) ^ rotr32(x, 25); }
static uint32_t small_sigma0(uint32_t x) { return rotr32(x, 7) ^ rotr32(x, 18) ^ (x >> 3); }
static uint32_t small_sigma1(uint32_t x) { return rotr32(x, 17) ^ rotr32(x, 19) ^ (x >> 10); }

static uint32_t load_be32(const uint8_t *p)
{
    return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | (uint32_t)p[3];
}

static void store_be32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

/* FIPS 180-4 section 6.2.2: process one 512-bit block. */
static void sha256_compress(uint32_t state[8], const uint8_t block[64])
{
    uint32_t w[64];
    for (int t = 0; t < 16; t++)
        w[t] = load_be32(block + 4 * t);
    for (int t = 16; t < 64; t++)
        w[t] = small_sigma1(w[t - 2]) + w[t - 7] + small_sigma0(w[t - 15]) + w[t - 16];

    uint32_t a = state[0], b = state[1], c = state[2], d = state[3];
    uint32_t e = state[4], f = state[5], g = state[6], h = state[7];
    for (int t = 0; t < 64; t++) {
        uint32_t t1 = h + big_sigma1(e) + ch32(e, f, g) + sha256_k[t] + w[t];
        uint32_t t2 = big_sigma0(a) + maj32(a, b, c);
        h = g;
        g = f;
        f = e;
        e = d + t1;
        d = c;
        c = b;
        b = a;
        a = t1 + t2;
    }
    state[0] += a;
    state[1] += b;
    state[2] += c;
    state[3] += d;
    state[4] += e;
    state[5] += f;
    state[6] += g;
    state[7] += h;
}

#ifdef NR_SHA256_X86
/* FIPS 180-4 section 6.2.2 on the SHA extensions, for n consecutive blocks. The state is kept as the two vectors the
 * round instruction takes: (A, B, E, F) and (C, D, G, H), highest lane first. Each SHA256RNDS2 does two rounds with
 * W[t] + K[t] of lanes 0 and 1; SHA256MSG1 and SHA256MSG2 compute the message schedule's sigma0 and sigma1 terms
 * (FIPS 180-4 Eq. 6.2.2 step 1), four words at a time. */
__attribute__((target("sha,sse4.1,ssse3"))) static void sha256_compress_ni(uint32_t state[8], const uint8_t *data,
                                                                          size_t n)
{
    /* byte order: the message words are big-endian (FIPS 180-4 section 3.1) */
    const __m128i bswap = _mm_set_epi64x(0x0c0d0e0f08090a0bLL, 0x0405060700010203LL);
    __m128i dcba = _mm_loadu_si128((const __m128i *)&state[0]);
    __m128i hgfe = _mm_loadu_si128((const __m128i *)&state[4]);
    __m128i cdab = _mm_shuffle_epi32(dcba, 0xB1);
    __m128i efgh = _mm_shuffle_epi32(hgfe, 0x1B);
    __m128i abef = _mm_alignr_epi8(cdab, efgh, 8);
    __m128i cdgh = _mm_blend_epi16(efgh, cdab, 0xF0);
    for (; n > 0; n--, data += 64) {
        const __m128i abef0 = abef, cdgh0 = cdgh;
        __m128i m[4]; /* W[4j..4j+3] of the group of rounds that uses it next */
        for (int i = 0; i < 4; i++)
            m[i] = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(data + 16 * i)), bswap);
        for (int i = 0; i < 16; i++) { /* rounds 4i .. 4i + 3 */
            __m128i wk = _mm_add_epi32(m[i & 3], _mm_loadu_si128((const __m128i *)&sha256_k[4 * i]));
            cdgh = _mm_sha256rnds2_epu32(cdgh, abef, wk);
            abef = _mm_sha256rnds2_epu32(abef, cdgh, _mm_shuffle_epi32(wk, 0x0E));
            if (i < 12) {
                /* W[t], t = 4i + 16 .. 4i + 19: W[t-16] + sigma0(W[t-15]) (MSG1), + W[t-7], + sigma1(W[t-2]) (MSG2) */
                __m128i t = _mm_sha256msg1_epu32(m[i & 3], m[(i + 1) & 3]);
                t = _mm_add_epi32(t, _mm_alignr_epi8(m[(i + 3) & 3], m[(i + 2) & 3], 4));
                m[i & 3] = _mm_sha256msg2_epu32(t, m[(i + 3) & 3]);
            }
        }
        abef = _mm_add_epi32(abef, abef0);
        cdgh = _mm_add_epi32(cdgh, cdgh0);
    }
    __m128i feba = _mm_shuffle_epi32(abef, 0x1B);
    __m128i dchg = _mm_shuffle_epi32(cdgh, 0xB1);
    _mm_storeu_si128((__m128i *)&state[0], _mm_blend_epi16(feba, dchg, 0xF0));
    _mm_storeu_si128((__m128i *)&state[4], _mm_alignr_epi8(dchg, feba, 8));
}

/* 1 if the CPU has the SHA extensions and SSE4.1 (CPUID leaf 7 EBX bit 29, leaf 1 ECX bits 19 and 9), read once. */
static int cpu_has_sha(void)
{
    static atomic_int known = -1;
    int v = atomic_load_explicit(&known, memory_order_relaxed);
    if (v < 0) {
        unsigned a = 0, b = 0, c = 0, d = 0, c1 = 0;
        v = 0;
        if (__get_cpuid(1, &a, &b, &c1, &d) && (c1 & (1u << 19)) && (c1 & (1u << 9)) &&
            __get_cpuid_count(7, 0, &a, &b, &c, &d))
            v = (b >> 29) & 1u;
        atomic_store_explicit(&known, v, memory_order_relaxed);
    }
    return v;
}
#endif

static atomic_int use_ni = 1; /* nr_sha256_set_accelerated: tests compare both paths */

int nr_sha256_set_accelerated(int on)
{
#ifdef NR_SHA256_X86
    atomic_store_explicit(&use_ni, on != 0, memory_order_relaxed);
    return on && cpu_has_sha();
#else
    (void)on;
    atomic_store_explicit(&use_ni, 0, memory_order_relaxed);
    return 0;
#endif
}

/* n consecutive blocks through the SHA extensions when there are, else the portable function. */
static void sha256_blocks(uint32_t state[8], const uint8_t *data, size_t n)
{
#ifdef NR_SHA256_X86
    if (atomic_load_explicit(&use_ni, memory_order_relaxed) && cpu_has_sha()) {
        sha256_compress_ni(state, data, n);
        return;
    }
#endif
    for (; n > 0; n--, data += 64)
        sha256_compress(state, data);
}

void nr_sha256_init(nr_sha256_ctx *ctx)
{
    /* FIPS 180-4 section 5.3.3: square roots of the first 8 primes, fractional parts. */
    static const uint32_t h0[8] = {0x6a09e667u, 0xbb67ae85u, 0x3c6ef372u, 0xa54ff53au,
                                   0x510e527fu, 0x9b05688cu, 0x1f83d9abu, 0x5be0cd19u};
    memcpy(ctx->state, h0, sizeof h0);
    ctx->n_bytes = 0;
    ctx->block_len = 0;
}

void nr_sha256_update(nr_sha256_ctx *ctx, const void *data, size_t len)
{
    const uint8_t *p = data;
    ctx->n_bytes += len;
    if (ctx->block_len > 0) {
        size_t take = 64 - ctx->block_len;
        if (take > len)
            take = len;
        memcpy(ctx->block + ctx->block_len, p, take);
        ctx->block_len += take;
        p += take;
        len -= take;
        if (ctx->block_len < 64)
            return;
        sha256_blocks(ctx->state, ctx->block, 1);
        ctx->block_len = 0;
    }
    if (len >= 64) {
        sha256_blocks(ctx->state, p, len / 64);
        p += len / 64 * 64;
        len %= 64;
    }
    if (len > 0) {
        memcpy(ctx->block, p, len);
        ctx->block_len = len;
    }
}

void nr_sha256_final(nr_sha256_ctx *ctx, uint8_t digest[32])
{
    /* FIPS 180-4 section 5.1.1: append bit '1', zeros to 448 mod 512 bits, then the 64-bit
     * big-endian message length in bits. */
    uint64_t n_bits = ctx->n_bytes * 8u;
    ctx->block[ctx->block_len++] = 0x80;
    if (ctx->block_len > 56) {
        memset(ctx->block + ctx->block_len, 0, 64 - ctx->block_len);
        sha256_blocks(ctx->state, ctx->block, 1);
        ctx->block_len = 0;
    }
    memset(ctx->block + ctx->block_len, 0, 56 - ctx->block_len);
    store_be32(ctx->block + 56, (uint32_t)(n_bits >> 32));
    store_be32(ctx->block + 60, (uint32_t)n_bits);
    sha256_blocks(ctx->state, ctx->block, 1);
    for (int i = 0; i < 8; i++)
        store_be32(digest + 4 * i, ctx->state[i]);
    memset(ctx, 0, sizeof *ctx);
}

static void digest_to_hex(const uint8_t digest[32], char hex[65])
{
    static const char digits[] = "0123456789abcdef";
    for (int i = 0; i < 32; i++) {
        hex[2 * i] = digits[digest[i] >> 4];
        hex[2 * i + 1] = digits[digest[i] & 0x0f];
    }
    hex[64] = '\0';
}

void nr_sha256_hex(const void *data, size_t len, char hex[65])
{
    nr_sha256_ctx ctx;
    uint8_t digest[32];
    nr_sha256_init(&ctx);
    nr_sha256_update(&ctx, data, len);
    nr_sha256_final(&ctx, digest);
    digest_to_hex(digest, hex);
}

int nr_sha256_file_hex(const char *path, char hex[65])
{
    FILE *f = path ? fopen(path, "rb") : NULL;
    if (!f)
        return -1;
    nr_sha256_ctx ctx;
    nr_sha256_init(&ctx);
    uint8_t buf[16384];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, f)) > 0)
        nr_sha256_update(&ctx, buf, n);
    int failed = ferror(f);
    fclose(f);
    if (failed)
        return -1;
    uint8_t digest[32];
    nr_sha256_final(&ctx, digest);
    digest_to_hex(digest, hex);
    return 0;
}
