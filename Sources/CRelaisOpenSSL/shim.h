#ifndef C_RELAIS_OPENSSL_SHIM_H
#define C_RELAIS_OPENSSL_SHIM_H

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/sha.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

// OpenSSL exposes these as function-like macros over SSL_CTX_ctrl/SSL_ctrl/BIO_ctrl,
// which the Clang importer cannot see. One static inline forwarding wrapper per macro; no logic.

static inline int CRelaisOpenSSL_SSL_CTX_set_min_proto_version(SSL_CTX *ctx, int version) {
    return (int)SSL_CTX_set_min_proto_version(ctx, version);
}

static inline int CRelaisOpenSSL_SSL_CTX_set_max_proto_version(SSL_CTX *ctx, int version) {
    return (int)SSL_CTX_set_max_proto_version(ctx, version);
}

static inline long CRelaisOpenSSL_SSL_CTX_set_mode(SSL_CTX *ctx, long mode) {
    return SSL_CTX_set_mode(ctx, mode);
}

static inline long CRelaisOpenSSL_SSL_CTX_set_options(SSL_CTX *ctx, long options) {
    return (long)SSL_CTX_set_options(ctx, (uint64_t)options);
}

static inline long CRelaisOpenSSL_SSL_set_tlsext_host_name(SSL *ssl, const char *name) {
    return SSL_set_tlsext_host_name(ssl, name);
}

static inline long CRelaisOpenSSL_BIO_pending(BIO *bio) {
    return (long)BIO_pending(bio);
}

static inline long CRelaisOpenSSL_BIO_set_mem_eof_return(BIO *bio, int value) {
    return BIO_set_mem_eof_return(bio, value);
}

static inline int CRelaisOpenSSL_SSL_CTX_set_session_cache_mode(SSL_CTX *ctx, int mode) {
    return (int)SSL_CTX_set_session_cache_mode(ctx, mode);
}

// SSL_OP_* are built with the SSL_OP_BIT() macro, which the importer cannot evaluate.
static const uint64_t CRelaisOpenSSL_SSL_OP_NO_COMPRESSION = SSL_OP_NO_COMPRESSION;
static const uint64_t CRelaisOpenSSL_SSL_OP_NO_RENEGOTIATION = SSL_OP_NO_RENEGOTIATION;
static const uint64_t CRelaisOpenSSL_SSL_OP_CIPHER_SERVER_PREFERENCE = SSL_OP_CIPHER_SERVER_PREFERENCE;
static const uint64_t CRelaisOpenSSL_SSL_OP_IGNORE_UNEXPECTED_EOF = SSL_OP_IGNORE_UNEXPECTED_EOF;

#endif
