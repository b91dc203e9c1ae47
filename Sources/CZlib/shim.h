#ifndef VIGIE_CZLIB_SHIM_H
#define VIGIE_CZLIB_SHIM_H
#include <zlib.h>

// deflateInit2/inflateInit2 are macros, which Swift cannot call: wrap them.
// windowBits 15 + 16 selects the gzip wrapper (RFC 1952).
static inline int vigie_deflate_init_gzip(z_stream *stream, int level) {
    return deflateInit2(stream, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY);
}

static inline int vigie_inflate_init_gzip(z_stream *stream) {
    return inflateInit2(stream, 15 + 16);
}
#endif
