#ifndef EC2SSH_CCURL_SHIM_H
#define EC2SSH_CCURL_SHIM_H
#include <curl/curl.h>

/*
 * Swift cannot call C variadic functions, so curl_easy_setopt and curl_easy_getinfo are reached through these
 * typed, non-variadic wrappers: one per argument type libcurl expects. The parentheses around the function
 * name bypass the type-checking macros some compilers define for curl_easy_setopt.
 */

/** curl_global_init(CURL_GLOBAL_DEFAULT); call once per process, before any other libcurl function. */
static inline CURLcode ccurl_global_init_default(void) {
    return (curl_global_init)(CURL_GLOBAL_DEFAULT);
}

/** curl_easy_setopt for options that take a long (flags, counts, milliseconds). */
static inline CURLcode ccurl_easy_setopt_long(CURL *handle, CURLoption option, long value) {
    return (curl_easy_setopt)(handle, option, value);
}

/** curl_easy_setopt for options that take a curl_off_t (sizes). */
static inline CURLcode ccurl_easy_setopt_off_t(CURL *handle, CURLoption option, curl_off_t value) {
    return (curl_easy_setopt)(handle, option, value);
}

/** curl_easy_setopt for options that take a NUL-terminated string (libcurl copies it). */
static inline CURLcode ccurl_easy_setopt_string(CURL *handle, CURLoption option, const char *value) {
    return (curl_easy_setopt)(handle, option, value);
}

/** curl_easy_setopt for options that take an object pointer (callback data, buffers). */
static inline CURLcode ccurl_easy_setopt_pointer(CURL *handle, CURLoption option, void *value) {
    return (curl_easy_setopt)(handle, option, value);
}

/** curl_easy_setopt for options that take a header list (CURLOPT_HTTPHEADER and friends). */
static inline CURLcode ccurl_easy_setopt_slist(CURL *handle, CURLoption option, struct curl_slist *value) {
    return (curl_easy_setopt)(handle, option, value);
}

/** curl_easy_setopt for CURLOPT_WRITEFUNCTION and CURLOPT_HEADERFUNCTION (both have this signature). */
static inline CURLcode ccurl_easy_setopt_write_callback(CURL *handle, CURLoption option,
                                                        curl_write_callback value) {
    return (curl_easy_setopt)(handle, option, value);
}

/** curl_easy_getinfo for CURLINFO_LONG values, for example CURLINFO_RESPONSE_CODE. */
static inline CURLcode ccurl_easy_getinfo_long(CURL *handle, CURLINFO info, long *value) {
    return (curl_easy_getinfo)(handle, info, value);
}

/** curl_easy_getinfo for CURLINFO_OFF_T values, for example CURLINFO_CONNECT_TIME_T. */
static inline CURLcode ccurl_easy_getinfo_off_t(CURL *handle, CURLINFO info, curl_off_t *value) {
    return (curl_easy_getinfo)(handle, info, value);
}

#endif
