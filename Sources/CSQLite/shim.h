#ifndef VIGIE_CSQLITE_SHIM_H
#define VIGIE_CSQLITE_SHIM_H
#include <sqlite3.h>
#endif
