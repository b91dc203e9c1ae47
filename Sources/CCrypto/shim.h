#ifndef VIGIE_CCRYPTO_SHIM_H
#define VIGIE_CCRYPTO_SHIM_H
#include <openssl/sha.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <openssl/crypto.h>
#include <openssl/opensslv.h>
#endif
