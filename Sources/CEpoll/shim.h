#ifndef VIGIE_CEPOLL_SHIM_H
#define VIGIE_CEPOLL_SHIM_H
// Linux readiness and wake-up APIs that Glibc's Swift module does not export.
#include <sys/epoll.h>
#include <sys/eventfd.h>
#endif
