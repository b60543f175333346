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
#include <openssl/ec.h>
#include <openssl/objects.h>
#include <openssl/x509.h>
#include <openssl/err.h>
#include <openssl/core_names.h>
#include <string.h>
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
/** What ccrypto_p256_public_key_check found (see below). */
enum {
    CCRYPTO_KEY_OK = 0,
    CCRYPTO_KEY_NOT_SPKI = 1,      /* not a DER SubjectPublicKeyInfo */
    CCRYPTO_KEY_TRAILING = 2,      /* bytes after the SubjectPublicKeyInfo */
    CCRYPTO_KEY_NOT_EC = 3,        /* a public key of another algorithm (RSA, Ed25519, ...) */
    CCRYPTO_KEY_NOT_P256 = 4,      /* an EC key on another curve, or P-256 given by explicit parameters */
};

/** Parses len bytes of DER SubjectPublicKeyInfo at der; NULL on failure or when bytes are left over (*trailing). */
static inline EVP_PKEY *ccrypto_parse_spki(const unsigned char *der, size_t len, int *trailing) {
    *trailing = 0;
    if (der == NULL || len == 0 || len > 65536) {
        return NULL;
    }
    const unsigned char *cursor = der;
    EVP_PKEY *key = d2i_PUBKEY(NULL, &cursor, (long)len);
    if (key != NULL && cursor != der + len) {
        *trailing = 1;
        EVP_PKEY_free(key);
        return NULL;
    }
    return key;
}

/** Whether len bytes of DER at der are an EC public key on the named curve P-256 (prime256v1); a CCRYPTO_KEY_ code. */
static inline int ccrypto_p256_public_key_check(const unsigned char *der, size_t len) {
    int trailing = 0;
    EVP_PKEY *key = ccrypto_parse_spki(der, len, &trailing);
    if (key == NULL) {
        ERR_clear_error();
        return trailing ? CCRYPTO_KEY_TRAILING : CCRYPTO_KEY_NOT_SPKI;
    }
    int result = CCRYPTO_KEY_OK;
    char group[64] = {0};
    size_t group_len = 0;
    if (EVP_PKEY_get_base_id(key) != EVP_PKEY_EC) {
        result = CCRYPTO_KEY_NOT_EC;
    } else if (EVP_PKEY_get_group_name(key, group, sizeof(group), &group_len) != 1
               || OBJ_sn2nid(group) != NID_X9_62_prime256v1) {
        result = CCRYPTO_KEY_NOT_P256;
    } else {
        /* OpenSSL names explicit parameters that equal P-256 "prime256v1" too; accept only the named-curve form. */
        char encoding[32] = {0};
        size_t encoding_len = 0;
        if (EVP_PKEY_get_utf8_string_param(key, OSSL_PKEY_PARAM_EC_ENCODING, encoding, sizeof(encoding),
                                           &encoding_len) != 1
            || strcmp(encoding, OSSL_PKEY_EC_ENCODING_GROUP) != 0) {
            result = CCRYPTO_KEY_NOT_P256;
        }
    }
    EVP_PKEY_free(key);
    ERR_clear_error();
    return result;
}

/**
 * Whether sig (DER ECDSA, sig_len bytes) is a valid signature over the SHA-256 of msg (msg_len bytes) by the P-256
 * public key in der (DER SubjectPublicKeyInfo); 1 valid, 0 not valid or any failure. Never reads past the lengths.
 */
static inline int ccrypto_p256_verify(const unsigned char *der, size_t der_len, const unsigned char *sig,
                                      size_t sig_len, const unsigned char *msg, size_t msg_len) {
    static const unsigned char empty = 0;
    if (ccrypto_p256_public_key_check(der, der_len) != CCRYPTO_KEY_OK || sig == NULL || sig_len == 0
        || sig_len > 1024) {
        return 0;
    }
    int trailing = 0;
    EVP_PKEY *key = ccrypto_parse_spki(der, der_len, &trailing);
    if (key == NULL) {
        ERR_clear_error();
        return 0;
    }
    int valid = 0;
    EVP_MD_CTX *context = EVP_MD_CTX_new();
    if (context != NULL && EVP_DigestVerifyInit(context, NULL, EVP_sha256(), NULL, key) == 1) {
        valid = EVP_DigestVerify(context, sig, sig_len, msg != NULL ? msg : &empty, msg_len) == 1;
    }
    EVP_MD_CTX_free(context);
    EVP_PKEY_free(key);
    ERR_clear_error();
    return valid;
}
#endif
