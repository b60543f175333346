#ifndef EC2SSH_CCRYPTO_SHIM_H
#define EC2SSH_CCRYPTO_SHIM_H
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/sha.h>
#include <openssl/crypto.h>
#endif
