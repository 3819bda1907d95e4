/* tmpreg.c - temporary outputs in flight, removed or made whole before
 * a signal ends the run; see cli.h.
 *
 * Design.  No signal handler runs (a handler would need the registry in
 * global state).  Of SIGINT, SIGTERM and SIGHUP, those the parent did not
 * set to be ignored (nohup's SIGHUP, SIGINT in a background job: they stay
 * ignored) are handled in one of two ways:
 *
 *   - One thread (a single input, or -j 1): nothing is blocked while the
 *     document is converted, so a signal ends the run at once, the
 *     default way, when no temporary file exists.  While one does (from
 *     mkstemp() to its rename or unlink), the signals are held back
 *     (blocked in that thread, the only one); one that came meanwhile is
 *     delivered as they are released, after the rename: the output is
 *     whole, and the process ends as the signal asked.  No other thread
 *     is started: a second thread cost a run 0.1-0.17 ms of CPU time
 *     (its creation, and every later mmap, mprotect and munmap, such as
 *     loading the PDF module, then paying for the other CPU's TLB), 8-12%
 *     of a one-line page's JSON.
 *
 *   - Several threads (mc_tmpreg_threads(), before the second starts):
 *     the signals are blocked in the calling thread, which every worker
 *     inherits, and one watcher thread waits for them with sigwait().
 *     When one arrives the watcher, an ordinary thread, takes the
 *     registry's mutex for good (so no worker can create or rename a
 *     temporary file any more), unlinks every registered path, restores
 *     the signal's default action and raises it, so the process ends as
 *     the signal asked (the shell sees "killed by SIGTERM").  Workers
 *     register a temporary file under the same mutex as mkstemp()
 *     creates it, and unregister it after the rename (or unlink), so
 *     every temporary file on disk is in the registry; an output already
 *     renamed into place is whole and stays.  mc_tmpreg_stop() sets
 *     `stopping` (a signal that races with the end of the run then only
 *     ends the watcher: every output is whole) and wakes the watcher in
 *     sigwait() with one of its signals, sent to that thread alone,
 *     before main() returns.
 *
 * The registry belongs to main() (no global state). */
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
	/* a signal the parent set to be ignored stays ignored: blocking it
	 * would make it pending, and sigwait() would act on it */
	sigemptyset(&r->set);
	const int sigs[] = {SIGINT, SIGTERM, SIGHUP};
	for (size_t i = 0; i < sizeof sigs / sizeof *sigs; i++) {
		struct sigaction sa;
		if (sigaction(sigs[i], NULL, &sa) == 0 &&
		    sa.sa_handler != SIG_IGN)
			sigaddset(&r->set, sigs[i]);
	}
	r->ready = true;
	return 0;
}

int mc_tmpreg_threads(mc_tmpreg *r)
{
	if (!r || !r->ready || r->started)
		return 0;
	if (pthread_sigmask(SIG_BLOCK, &r->set, &r->old) != 0)
		return -1;
	if (pthread_create(&r->thread, NULL, watch, r) != 0) {
		pthread_sigmask(SIG_SETMASK, &r->old, NULL);
		return -1;
	}
	r->started = true;
	return 0;
}

void mc_tmpreg_stop(mc_tmpreg *r)
{
	if (!r || !r->ready)
		return;
	if (r->started) {
		pthread_mutex_lock(&r->mu);
		r->stopping = true;
		pthread_mutex_unlock(&r->mu);
		/* wake the watcher with a signal it waits for: it sees
		 * `stopping` and returns.  (pthread_cancel would do too, but
		 * glibc loads libgcc_s with dlopen to unwind a cancelled
		 * thread: a cost at the end of every run.)  With no signal
		 * to wait for, cancel it. */
		int wake = 0;
		const int sigs[] = {SIGTERM, SIGINT, SIGHUP};
		for (size_t i = 0; i < sizeof sigs / sizeof *sigs && !wake;
		     i++)
			if (sigismember(&r->set, sigs[i]) == 1)
				wake = sigs[i];
		if (!wake || pthread_kill(r->thread, wake) != 0)
			pthread_cancel(r->thread); /* sigwait() is a
			                              cancellation point */
		pthread_join(r->thread, NULL);
	}
	for (size_t i = 0; i < r->n; i++)
		free(r->paths[i]);
	free(r->paths);
	r->paths = NULL;
	r->n = r->cap = 0;
	pthread_mutex_destroy(&r->mu);
	r->ready = false;
	/* a signal that came meanwhile is delivered now, with its default
	 * action: every output is whole by then */
	if (r->started)
		pthread_sigmask(SIG_SETMASK, &r->old, NULL);
	r->started = false;
}

/* One thread: hold the signals back while a temporary file exists
 * (nested: the first hold blocks them, the last release restores the
 * mask, and a signal held back is delivered then). */
static void hold(mc_tmpreg *r)
{
	if (r->held++ == 0)
		pthread_sigmask(SIG_BLOCK, &r->set, &r->held_old);
}

static void release(mc_tmpreg *r)
{
	if (r->held && --r->held == 0)
		pthread_sigmask(SIG_SETMASK, &r->held_old, NULL);
}

int mc_tmpreg_mkstemp(mc_tmpreg *r, char *templ)
{
	if (!r || !r->ready)
		return mkstemp(templ);
	if (!r->started) {
		hold(r);
		int fd = mkstemp(templ);
		if (fd < 0) {
			int e = errno;
			release(r);
			errno = e;
		}
		return fd;
	}
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
	if (!r || !r->ready)
		return;
	if (!r->started) {
		release(r);
		return;
	}
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
