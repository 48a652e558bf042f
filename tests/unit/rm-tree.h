/* Unit tests' helper: removes a directory tree a test made (no symlink is
 * followed). Returns 0 or -1 with errno set, as nftw does. */
#pragma once

#include <ftw.h>
#include <stdio.h>
#include <sys/stat.h>

static int rm_tree_one(const char *path, const struct stat *st, int flag,
		       struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

static inline int rm_tree(const char *dir)
{
	return nftw(dir, rm_tree_one, 8, FTW_DEPTH | FTW_PHYS);
}
