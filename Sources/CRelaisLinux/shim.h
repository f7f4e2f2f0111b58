#ifndef C_RELAIS_LINUX_SHIM_H
#define C_RELAIS_LINUX_SHIM_H

// Linux-only kernel interfaces that Swift's Glibc module does not export. Headers only, no logic.
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/timerfd.h>
#include <sys/resource.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <pthread.h>

// GNU extensions that glibc declares only under _GNU_SOURCE, which Swift's Glibc module is built without.
// Re-declaring the exact glibc prototypes makes them visible; the symbols are in libc.
extern int accept4(int sockfd, struct sockaddr *addr, socklen_t *addrlen, int flags);
extern int pthread_setname_np(pthread_t thread, const char *name);

#endif
