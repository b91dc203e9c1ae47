#ifndef VIGIE_CCURL_SHIM_H
#define VIGIE_CCURL_SHIM_H
#include <curl/curl.h>
#endif
