/* test_sha256.c: SHA-256 (physics/sha256.c) against published test vectors and against sha256sum, on both
 * compression paths (the portable one and, where the CPU has them, the x86 SHA extensions), and the two paths
 * against each other on random messages of every length up to 300 bytes.
 *
 * Sources of the golden digests:
 *  - "abc", the 448-bit two-block message and one million 'a': FIPS 180-2 (2002), Appendix B.1,
 *    B.2 and B.3 (also NIST CSRC "Cryptographic Standards and Guidelines: Examples with
 *    Intermediate Values", SHA256.pdf and SHA256 two-block example).
 *  - the empty string: NIST CSRC example values for SHA-256 of the zero-length message.
 *  - data files: the sha256 column of data/MANIFEST.tsv, computed by GNU sha256sum when the data
 *    set was assembled (an independent implementation). */
#include "nr_test.h"
#include "sha256.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ABC_DIGEST "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
#define EMPTY_DIGEST "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
#define TWO_BLOCK_MSG "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"
#define TWO_BLOCK_DIGEST "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"
#define MILLION_A_DIGEST "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0"

static void check_hex(const char *msg, size_t len, const char *want, const char *what)
{
    char hex[65];
    nr_sha256_hex(msg, len, hex);
    CHECK(strcmp(hex, want) == 0, "%s: got %s, want %s", what, hex, want);
}

static void test_fips_vectors(void)
{
    check_hex("abc", 3, ABC_DIGEST, "FIPS 180-2 B.1 \"abc\"");
    check_hex("", 0, EMPTY_DIGEST, "empty string");
    check_hex(TWO_BLOCK_MSG, strlen(TWO_BLOCK_MSG), TWO_BLOCK_DIGEST, "FIPS 180-2 B.2 448-bit");
}

static void digest_hex_of_ctx(nr_sha256_ctx *ctx, char hex[65])
{
    uint8_t d[32];
    nr_sha256_final(ctx, d);
    for (int i = 0; i < 32; i++)
        snprintf(hex + 2 * i, 3, "%02x", d[i]);
}

/* One million 'a' fed in chunks of 1000 bytes (FIPS 180-2 B.3), and in one call. */
static void test_million_a(void)
{
    char chunk[1000];
    memset(chunk, 'a', sizeof chunk);
    nr_sha256_ctx ctx;
    nr_sha256_init(&ctx);
    for (int i = 0; i < 1000; i++)
        nr_sha256_update(&ctx, chunk, sizeof chunk);
    char hex[65];
    digest_hex_of_ctx(&ctx, hex);
    CHECK(strcmp(hex, MILLION_A_DIGEST) == 0, "FIPS 180-2 B.3 (chunks of 1000): got %s", hex);

    static char all[1000000];
    memset(all, 'a', sizeof all);
    check_hex(all, sizeof all, MILLION_A_DIGEST, "FIPS 180-2 B.3 (one call)");
}

/* Splitting the input at any boundary, including across the 55/56/64-byte padding edges, must not
 * change the digest: compare every split of messages of lengths 0..130 against the one-call
 * digest, and the 448-bit vector split at odd sizes against its published value. */
static void test_split_updates(void)
{
    char msg[131];
    for (int i = 0; i < 131; i++)
        msg[i] = (char)('A' + (i * 7) % 53);
    int bad = 0;
    for (size_t len = 0; len <= sizeof msg; len++) {
        char want[65];
        nr_sha256_hex(msg, len, want);
        for (size_t cut = 0; cut <= len; cut++) {
            nr_sha256_ctx ctx;
            nr_sha256_init(&ctx);
            nr_sha256_update(&ctx, msg, cut);
            nr_sha256_update(&ctx, msg + cut, len - cut);
            char got[65];
            digest_hex_of_ctx(&ctx, got);
            if (strcmp(got, want) != 0)
                bad++;
        }
    }
    CHECK(bad == 0, "%d split/one-call digests differ", bad);

    static const size_t pieces[] = {1, 2, 3, 5, 7, 11, 13, 14}; /* sums to 56 bytes */
    nr_sha256_ctx ctx;
    nr_sha256_init(&ctx);
    size_t off = 0;
    for (size_t i = 0; i < sizeof pieces / sizeof pieces[0]; i++) {
        nr_sha256_update(&ctx, &TWO_BLOCK_MSG[off], pieces[i]);
        off += pieces[i];
    }
    char hex[65];
    digest_hex_of_ctx(&ctx, hex);
    CHECK(off == strlen(TWO_BLOCK_MSG), "pieces cover the message (%zu bytes)", off);
    CHECK(strcmp(hex, TWO_BLOCK_DIGEST) == 0, "448-bit vector in odd pieces: got %s", hex);
}

/* Every file listed in MANIFEST.tsv hashes to the digest sha256sum recorded for it. */
static void test_manifest_files(void)
{
    const char *dir = nr_test_data_dir();
    char path[4096];
    snprintf(path, sizeof path, "%s/MANIFEST.tsv", dir);
    FILE *f = fopen(path, "r");
    CHECK(f != NULL, "cannot open %s (set NUREACH_DATA_DIR)", path);
    if (!f)
        return;
    char line[8192];
    int n_checked = 0, n_bad = 0;
    while (fgets(line, sizeof line, f)) {
        char rel[4096], want[80];
        if (sscanf(line, "%4095[^\t]\t%79[^\t]", rel, want) != 2 || strlen(want) != 64)
            continue; /* header line */
        char file[8300], got[65];
        snprintf(file, sizeof file, "%s/%s", dir, rel);
        if (nr_sha256_file_hex(file, got) != 0 || strcmp(got, want) != 0) {
            n_bad++;
            fprintf(stderr, "  %s: got %s, MANIFEST says %s\n", rel, got, want);
        }
        n_checked++;
    }
    fclose(f);
    CHECK(n_checked > 100, "MANIFEST.tsv lists %d files with a sha256", n_checked);
    CHECK(n_bad == 0, "%d of %d data files differ from their sha256sum digest", n_bad, n_checked);
    if (getenv("NR_TEST_VERBOSE"))
        printf("ok   %d data files match MANIFEST.tsv\n", n_checked);
}

static void test_missing_file(void)
{
    char hex[65] = "unchanged";
    CHECK(nr_sha256_file_hex("/nonexistent/nureach/no-such-file", hex) == -1, "missing file");
    CHECK(nr_sha256_file_hex(NULL, hex) == -1, "NULL path");
    CHECK(nr_sha256_file_hex("/", hex) == -1, "a directory is not a readable file");
}

/* The accelerated and portable paths on pseudo-random messages of 0..300 bytes (every padding case, several
 * blocks in one update). */
static void test_paths_agree(void)
{
    static unsigned char msg[300];
    unsigned x = 12345;
    for (size_t i = 0; i < sizeof msg; i++) {
        x = x * 1103515245u + 12345u;
        msg[i] = (unsigned char)(x >> 16);
    }
    int bad = 0;
    for (size_t len = 0; len <= sizeof msg; len++) {
        char fast[65], portable[65];
        nr_sha256_set_accelerated(1);
        nr_sha256_hex(msg, len, fast);
        nr_sha256_set_accelerated(0);
        nr_sha256_hex(msg, len, portable);
        bad += strcmp(fast, portable) != 0;
    }
    nr_sha256_set_accelerated(1);
    CHECK(bad == 0, "accelerated and portable digests differ on %d of 301 lengths", bad);
}

int main(void)
{
    for (int accelerated = 1; accelerated >= 0; accelerated--) {
        int on = nr_sha256_set_accelerated(accelerated);
        printf("%s compression function\n", on ? "x86 SHA extensions:" : "portable:");
        test_fips_vectors();
        test_million_a();
        test_split_updates();
        test_manifest_files();
        test_missing_file();
    }
    nr_sha256_set_accelerated(1);
    test_paths_agree();
    return nr_test_summary();
}
