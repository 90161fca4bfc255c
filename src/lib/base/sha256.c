/*
 * sha256.c - SHA-256 (the one file that includes nettle), a constant-time
 * comparison, and the random secrets of access tokens.
 *
 * A token is 32 bytes from getrandom(2) shown once as 64 hex digits; the
 * store keeps only its SHA-256. A presented token is hashed and compared
 * against every stored hash with sf_equal_ct(), which reads every byte of
 * both whatever they hold, so the time taken says nothing about how much of
 * a guess was right.
 */
#include "base/internal.h"

#include <errno.h>
#include <string.h>
#include <sys/random.h>

#include <nettle/sha2.h>

#include "stabforce/service.h"

_Static_assert(sizeof(struct sha256_ctx) <= sizeof(((sf_sha256 *)0)->state),
               "sf_sha256 too small for nettle's context");

static struct sha256_ctx *CTX(sf_sha256 *h)
{
	return (struct sha256_ctx *)(void *)h->state;
}

static void to_hex(const uint8_t *d, size_t n, char *hex)
{
	static const char digits[] = "0123456789abcdef";
	for (size_t i = 0; i < n; i++) {
		hex[2 * i] = digits[d[i] >> 4];
		hex[2 * i + 1] = digits[d[i] & 15];
	}
	hex[2 * n] = '\0';
}

void sf_sha256_init(sf_sha256 *h)
{
	sha256_init(CTX(h));
}

void sf_sha256_update(sf_sha256 *h, const void *data, size_t n)
{
	sha256_update(CTX(h), n, data);
}

void sf_sha256_hex(sf_sha256 *h, char hex[SF_SHA256_HEX])
{
	uint8_t d[SHA256_DIGEST_SIZE];
	sha256_digest(CTX(h), sizeof d, d);
	to_hex(d, sizeof d, hex);
}

int sf_equal_ct(const void *a, const void *b, size_t n)
{
	const volatile unsigned char *x = a, *y = b;
	unsigned char diff = 0;
	for (size_t i = 0; i < n; i++)
		diff |= (unsigned char)(x[i] ^ y[i]);
	return diff == 0;
}

sf_status sf_token_generate(char secret[SF_SHA256_HEX], char hash[SF_SHA256_HEX], sf_error *err)
{
	uint8_t raw[32];
	size_t got = 0;
	while (got < sizeof raw) {
		ssize_t r = getrandom(raw + got, sizeof raw - got, 0);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return sf_error_set(err, SF_ERR_IO, "getrandom: %s", strerror(errno));
		got += (size_t)r;
	}
	to_hex(raw, sizeof raw, secret);
	memset(raw, 0, sizeof raw);
	sf_token_hash(secret, strlen(secret), hash);
	return SF_OK;
}

void sf_token_hash(const char *secret, size_t n, char hash[SF_SHA256_HEX])
{
	sf_sha256 h;
	sf_sha256_init(&h);
	sf_sha256_update(&h, secret, n);
	sf_sha256_hex(&h, hash);
}
