/*
 * confine.h - every file read for a document lies inside its site root.
 *
 * A course site is untrusted input: a contributor's branch can add a page
 * that is a symbolic link to /etc/passwd, or a module folder that is a
 * link to somewhere else.  So each file read through a site (pages,
 * _config.yml, _data/ files, images) is resolved first (symbolic links
 * and "..", as the kernel would follow them) and read only when the
 * result lies inside the root, itself a resolved path.  The root is found
 * from the path as written (mc_path_absolute), never from where a link
 * leads, so a linked folder cannot move the root along with it.
 *
 * The reasons are phrases that follow the file's name in a message:
 * "FILE: error: is a symbolic link to /etc/passwd, outside the site root
 * /srv/course; not read".
 */
#ifndef MC_UTIL_CONFINE_H
#define MC_UTIL_CONFINE_H

#include <stdbool.h>
#include <stddef.h>

/* The absolute form of path without following any symbolic link: the
 * current folder put before a relative path, then ".", ".." and repeated
 * slashes folded as the shell's `cd` does.  malloc'd; NULL when the
 * current folder cannot be read or memory runs out. */
char *mc_path_absolute(const char *path);

/* Whether the resolved path `real` is `root` or lies under it (both
 * resolved, as from realpath). */
bool mc_path_inside(const char *root, const char *real);

/* Resolve path and check it lies inside root.  0 and *real (malloc'd, the
 * resolved path), or -1 with *real NULL and a reason in why: the path
 * does not exist, or leads outside the root (naming the link). */
int mc_confine(const char *root, const char *path, char **real, char *why,
               size_t whylen);

/* mc_confine, then open the file for reading: a regular file only (a
 * folder, device or pipe is refused without blocking), opened
 * close-on-exec without following a link that appeared meanwhile.  The
 * descriptor and *real (malloc'd; may be NULL if not wanted), or -1 with
 * a reason in why. */
int mc_confine_open(const char *root, const char *path, char **real,
                    char *why, size_t whylen);

#endif
