/*
 * location.c - a store's location fit to print (register.h,
 * sf_store_location_safe): messages, logs and the server's start-up line
 * name the store without its password. A file of its own so that the
 * store's front (store.c) and its backends can all use it without
 * depending on each other.
 */
#include "base/internal.h"

#include <string.h>

void sf_store_location_safe(const char *loc, char *out, size_t n)
{
	sf_buf b;
	sf_buf_init(&b, 4096);
	const char *s = strstr(loc, "://");
	const char *p = loc;
	if (s) {
		const char *auth = s + 3, *end = auth + strcspn(auth, "/?");
		const char *at = memchr(auth, '@', (size_t)(end - auth));
		const char *colon = at ? memchr(auth, ':', (size_t)(at - auth)) : NULL;
		if (colon) {
			sf_buf_add(&b, loc, (size_t)(colon - loc));
			sf_buf_adds(&b, ":***");
			p = at;
		}
	}
	for (;;) {
		const char *pw = strstr(p, "password=");
		if (!pw) {
			sf_buf_adds(&b, p);
			break;
		}
		sf_buf_add(&b, p, (size_t)(pw - p) + 9);
		sf_buf_adds(&b, "***");
		p = pw + 9 + strcspn(pw + 9, "& ");
	}
	sf_strlcpy(out, sf_buf_str(&b), n);
	sf_buf_release(&b);
}
