#ifndef VIGIE_CMONGOC_SHIM_H
#define VIGIE_CMONGOC_SHIM_H
#include <mongoc/mongoc.h>
#include <bson/bson.h>
#endif
