/*
 * dl.c - loading a library at run time (dl.h).
 */
#include "dl.h"

#include <dlfcn.h>
#include <limits.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static void load(mc_dl_lib *L)
{
	void *h = NULL;
	const char *tried = L->sonames[0];
	char first[160] = "";
	for (size_t i = 0; L->sonames[i] && !h; i++) {
		h = dlopen(L->sonames[i], RTLD_NOW | RTLD_LOCAL);
		if (!h && !first[0]) {
			const char *e = dlerror();
			snprintf(first, sizeof first, "%s", e ? e : "not found");
		}
	}
	if (!h) {
		snprintf(L->why, sizeof L->why, "cannot load %s (install %s): %s",
		         tried ? tried : "?", L->package, first);
		atomic_store_explicit(&L->ok, -1, memory_order_release);
		return;
	}
	for (size_t i = 0; i < L->nsyms; i++) {
		dlerror();
		void *p = dlsym(h, L->syms[i]);
		if (!p) {
			snprintf(L->why, sizeof L->why,
			         "%s lacks %s: a newer %s is needed", tried,
			         L->syms[i], L->package);
			dlclose(h);
			atomic_store_explicit(&L->ok, -1, memory_order_release);
			return;
		}
		/* POSIX: a function pointer and void * convert both ways */
		memcpy(&L->table[i], &p, sizeof p);
	}
	/* kept open for the rest of the process: the table points into it
	 * (published after it is filled: mc_dl_get's unlocked read) */
	atomic_store_explicit(&L->ok, 1, memory_order_release);
}

const void *mc_dl_get(mc_dl_lib *lib, char *err, size_t errsz)
{
	if (atomic_load_explicit(&lib->ok, memory_order_acquire) == 1)
		return lib->table;
	pthread_mutex_lock(&lib->mu);
	if (atomic_load_explicit(&lib->ok, memory_order_relaxed) == 0)
		load(lib);
	int ok = atomic_load_explicit(&lib->ok, memory_order_relaxed);
	pthread_mutex_unlock(&lib->mu);
	if (ok == 1)
		return lib->table;
	snprintf(err, errsz, "%s", lib->why);
	return NULL;
}

int mc_beside_self(const char *name, char *path, size_t size)
{
	char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
	if (n <= 0)
		return -1;
	exe[n] = '\0';
	char *slash = strrchr(exe, '/');
	if (!slash)
		return -1;
	int len = snprintf(path, size, "%.*s/%s", (int)(slash - exe), exe, name);
	return len > 0 && (size_t)len < size ? 0 : -1;
}
