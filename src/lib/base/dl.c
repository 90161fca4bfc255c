/*
 * dl.c - loading a shared library at first use (process.h, sf_dl_load).
 *
 * dlopen with RTLD_NOW (every symbol bound at once, so a library of the
 * wrong version fails here with its name, never later in a call) and
 * RTLD_LOCAL; then dlsym for each symbol the adapter lists. The handle is
 * never closed: the adapter's function pointers stay valid for the
 * process's life. The addresses are copied into their slots with memcpy,
 * the one portable way to turn dlsym's void * into a function pointer's
 * storage. sf_dl_load tries once per library, under the library's mutex,
 * and keeps the outcome (a failure too) in the adapter's sf_dl_lib.
 */
#include "base/internal.h"

#include <dlfcn.h>
#include <string.h>

#include "stabforce/process.h"

/* Open the first of sonames that loads and fill every slot; 0 or the error. */
static sf_status dl_open(const char *what, const char *package, const char *const *sonames,
                         const sf_dl_sym *syms, size_t n, sf_error *err)
{
	void *h = NULL;
	const char *why = "no library name to try";
	char first[256] = "";

	for (size_t i = 0; sonames[i] && !h; i++) {
		h = dlopen(sonames[i], RTLD_NOW | RTLD_LOCAL);
		if (!h && !first[0]) {
			why = dlerror();
			sf_strlcpy(first, why ? why : sonames[i], sizeof first);
		}
	}
	if (!h)
		return sf_error_set(err, SF_ERR_IO,
		                    "cannot load %s (%s): install it with 'apt-get install %s' "
		                    "(scripts/bootstrap does)",
		                    what, first[0] ? first : why, package);
	for (size_t i = 0; i < n; i++) {
		void *p;
		dlerror();
		p = dlsym(h, syms[i].name);
		if (!p) {
			const char *e = dlerror();
			sf_status rc =
			        sf_error_set(err, SF_ERR_IO,
			                     "%s has no %s (%s): install the version "
			                     "'apt-get install %s' gives",
			                     what, syms[i].name, e ? e : "not found", package);
			dlclose(h);
			return rc;
		}
		memcpy(syms[i].slot, &p, sizeof p);
	}
	return SF_OK;
}

sf_status sf_dl_load(sf_dl_lib *lib, sf_error *err)
{
	pthread_mutex_lock(&lib->mu);
	if (!lib->tried) {
		sf_error_clear(&lib->error);
		(void)dl_open(lib->what, lib->package, lib->sonames, lib->syms, lib->nsyms,
		              &lib->error);
		lib->tried = 1;
	}
	pthread_mutex_unlock(&lib->mu);
	if (lib->error.code == SF_OK)
		return SF_OK;
	return sf_error_set(err, lib->error.code, "%s", lib->error.message);
}
