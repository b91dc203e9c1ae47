#ifndef VIGIE_CCRYPTO_SHIM_H
#define VIGIE_CCRYPTO_SHIM_H
#include <openssl/sha.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <openssl/crypto.h>
#include <openssl/opensslv.h>

// SHA-1 through the EVP interface (the one-shot SHA1() is deprecated in OpenSSL 3).
// Returns 1 on success and writes 20 bytes to out.
static inline int vigie_sha1(const void *data, size_t count, unsigned char out[20]) {
    unsigned int length = 0;
    return EVP_Digest(data, count, out, &length, EVP_sha1(), NULL) == 1 && length == 20;
}
#endif
