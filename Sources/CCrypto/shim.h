#ifndef EC2SSH_CCRYPTO_SHIM_H
#define EC2SSH_CCRYPTO_SHIM_H
/* SHA256_Init/Update/Final are deprecated in OpenSSL 3 but remain part of libcrypto.so.3's ABI; see below. */
#ifndef OPENSSL_SUPPRESS_DEPRECATED
#define OPENSSL_SUPPRESS_DEPRECATED
#endif
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/sha.h>
#include <openssl/crypto.h>
#include <stddef.h>

/**
 * The SHA-256 digest of len bytes at data, written to out (SHA256_DIGEST_LENGTH bytes); returns 1 on success.
 *
 * Uses libcrypto's low-level SHA256_Init/Update/Final rather than the one-shot SHA256(): in OpenSSL 3 SHA256() goes
 * through EVP_MD_fetch, whose first call initialises the provider machinery (reading openssl.cnf), which cost more
 * than all the rest of an authorized_keys_command run answered from its cache (it computes key fingerprints).
 */
static inline int ccrypto_sha256(const void *data, size_t len, unsigned char *out) {
    SHA256_CTX context;
    if (SHA256_Init(&context) != 1 || SHA256_Update(&context, data, len) != 1) {
        return 0;
    }
    return SHA256_Final(out, &context);
}
#endif
