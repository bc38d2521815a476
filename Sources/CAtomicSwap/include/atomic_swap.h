#ifndef GUICHET_ATOMIC_SWAP_H
#define GUICHET_ATOMIC_SWAP_H
/// Exchanges two paths in one step (Linux renameat2 RENAME_EXCHANGE): a web server reading
/// the site sees either the old tree or the new one, never a gap. Returns 0 or -1 (errno set).
/// Where the call does not exist, returns -1 with errno ENOSYS and the caller falls back.
int guichet_exchange_paths(const char *a, const char *b);
#endif
