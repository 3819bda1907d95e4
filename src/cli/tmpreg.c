/* tmpreg.c - temporary outputs in flight, removed if a signal ends the
 * run; see cli.h.
 *
 * Design.  No signal handler runs: mc_tmpreg_start() blocks SIGINT,
 * SIGTERM and SIGHUP in the calling thread before any other thread
 * exists (so every worker inherits the mask), and starts one watcher
 * thread that waits for them with sigwait().  When one arrives the
 * watcher, an ordinary thread, takes the registry's mutex for good (so
 * no worker can create or rename a temporary file any more), unlinks
 * every registered path, restores the signal's default action and
 * raises it, so the process ends as the signal asked (the shell sees
 * "killed by SIGTERM").  Workers register a temporary file under the
 * same mutex as mkstemp() creates it, and unregister it after the
 * rename (or unlink), so every temporary file on disk is in the
 * registry; an output already renamed into place is whole and stays.
 * A signal the parent set to be ignored (nohup's SIGHUP, SIGINT in a
 * background job) is left alone, and stays ignored.  The registry
 * belongs to main() (no global state): mc_tmpreg_stop() sets `stopping`
 * (a signal that races with the end of the run then only ends the
 * watcher: every output is whole) and wakes the watcher in sigwait()
 * with one of its signals, sent to that thread alone, before main()
 * returns. */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

static void *watch(void *arg)
{
	mc_tmpreg *r = arg;
	for (;;) {
		int sig = 0;
		if (sigwait(&r->set, &sig) != 0)
			continue;
		pthread_setcancelstate(PTHREAD_CANCEL_DISABLE, NULL);
		pthread_mutex_lock(&r->mu);
		if (r->stopping) {
			pthread_mutex_unlock(&r->mu);
			return NULL;
		}
		/* keep the lock: nothing more is created or renamed */
		for (size_t i = 0; i < r->n; i++)
			unlink(r->paths[i]);
		signal(sig, SIG_DFL);
		sigset_t one;
		sigemptyset(&one);
		sigaddset(&one, sig);
		pthread_sigmask(SIG_UNBLOCK, &one, NULL);
		raise(sig);
		_exit(128 + sig); /* not reached: the signal ends the process */
	}
}

int mc_tmpreg_start(mc_tmpreg *r)
{
	memset(r, 0, sizeof *r);
	if (pthread_mutex_init(&r->mu, NULL) != 0)
		return -1;
	/* a signal the parent set to be ignored (nohup's SIGHUP, SIGINT
	 * in a background job) stays ignored: blocking it would make it
	 * pending, and sigwait() would act on it */
	sigemptyset(&r->set);
	const int sigs[] = {SIGINT, SIGTERM, SIGHUP};
	for (size_t i = 0; i < sizeof sigs / sizeof *sigs; i++) {
		struct sigaction sa;
		if (sigaction(sigs[i], NULL, &sa) == 0 &&
		    sa.sa_handler != SIG_IGN)
			sigaddset(&r->set, sigs[i]);
	}
	if (pthread_sigmask(SIG_BLOCK, &r->set, &r->old) != 0)
		goto fail;
	if (pthread_create(&r->thread, NULL, watch, r) != 0) {
		pthread_sigmask(SIG_SETMASK, &r->old, NULL);
		goto fail;
	}
	r->started = true;
	return 0;
fail:
	pthread_mutex_destroy(&r->mu);
	return -1;
}

void mc_tmpreg_stop(mc_tmpreg *r)
{
	if (!r || !r->started)
		return;
	pthread_mutex_lock(&r->mu);
	r->stopping = true;
	pthread_mutex_unlock(&r->mu);
	/* wake the watcher with a signal it waits for: it sees `stopping`
	 * and returns.  (pthread_cancel would do too, but glibc loads
	 * libgcc_s with dlopen to unwind a cancelled thread: a cost at the
	 * end of every run.)  With no signal to wait for, cancel it. */
	int wake = 0;
	const int sigs[] = {SIGTERM, SIGINT, SIGHUP};
	for (size_t i = 0; i < sizeof sigs / sizeof *sigs && !wake; i++)
		if (sigismember(&r->set, sigs[i]) == 1)
			wake = sigs[i];
	if (!wake || pthread_kill(r->thread, wake) != 0)
		pthread_cancel(r->thread); /* sigwait() is a cancellation point */
	pthread_join(r->thread, NULL);
	for (size_t i = 0; i < r->n; i++)
		free(r->paths[i]);
	free(r->paths);
	r->paths = NULL;
	r->n = r->cap = 0;
	pthread_mutex_destroy(&r->mu);
	r->started = false;
	/* a signal that came meanwhile is delivered now, with its default
	 * action: every output is whole by then */
	pthread_sigmask(SIG_SETMASK, &r->old, NULL);
}

int mc_tmpreg_mkstemp(mc_tmpreg *r, char *templ)
{
	if (!r || !r->started)
		return mkstemp(templ);
	pthread_mutex_lock(&r->mu);
	if (r->n == r->cap) {
		size_t cap = r->cap ? r->cap * 2 : 8;
		char **p = realloc(r->paths, cap * sizeof *p);
		if (!p) {
			pthread_mutex_unlock(&r->mu);
			errno = ENOMEM;
			return -1;
		}
		r->paths = p;
		r->cap = cap;
	}
	char *copy = strdup(templ); /* the X's are replaced below */
	if (!copy) {
		pthread_mutex_unlock(&r->mu);
		errno = ENOMEM;
		return -1;
	}
	int fd = mkstemp(templ);
	if (fd < 0) {
		int e = errno;
		free(copy);
		pthread_mutex_unlock(&r->mu);
		errno = e;
		return -1;
	}
	memcpy(copy, templ, strlen(templ) + 1);
	r->paths[r->n++] = copy;
	pthread_mutex_unlock(&r->mu);
	return fd;
}

void mc_tmpreg_done(mc_tmpreg *r, const char *path)
{
	if (!r || !r->started)
		return;
	pthread_mutex_lock(&r->mu);
	for (size_t i = 0; i < r->n; i++) {
		if (strcmp(r->paths[i], path) == 0) {
			free(r->paths[i]);
			r->paths[i] = r->paths[--r->n];
			break;
		}
	}
	pthread_mutex_unlock(&r->mu);
}
