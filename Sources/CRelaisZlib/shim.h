#ifndef C_RELAIS_ZLIB_SHIM_H
#define C_RELAIS_ZLIB_SHIM_H

#include <zlib.h>

// deflateInit2/inflateInit2 are macros that pass ZLIB_VERSION and sizeof(z_stream),
// which the Clang importer cannot see. No logic here: one forwarding wrapper per macro.
static inline int CRelaisZlib_deflateInit2(z_streamp strm, int level, int method,
                                           int windowBits, int memLevel, int strategy) {
    return deflateInit2(strm, level, method, windowBits, memLevel, strategy);
}

static inline int CRelaisZlib_inflateInit2(z_streamp strm, int windowBits) {
    return inflateInit2(strm, windowBits);
}

#endif
