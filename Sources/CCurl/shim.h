#ifndef EC2SSH_CCURL_SHIM_H
#define EC2SSH_CCURL_SHIM_H
#include <curl/curl.h>
#include <dlfcn.h>
#include <stddef.h>

/*
 * libcurl is not linked: it is loaded at run time, on the first HTTP request, with dlopen("libcurl.so.4").
 * Debian's libcurl pulls in some 30 shared libraries (LDAP, Kerberos, SSH, IDN...) whose loading and relocation
 * cost about 5-8 ms and 6 MB per process; authorized_keys_command runs for every SSH login and, on a cache hit,
 * never sends a request. curl.h still provides the types and constants; its function prototypes must not be
 * called directly (there is nothing to link them against): everything goes through a ccurl_api table.
 *
 * Swift cannot call C variadic functions, so curl_easy_setopt and curl_easy_getinfo are reached through the typed,
 * non-variadic wrappers below: one per argument type libcurl expects.
 */

/** The libcurl functions we use, resolved with dlsym; filled once by ccurl_api_load. */
typedef struct ccurl_api {
    CURLcode (*global_init)(long flags);
    CURL *(*easy_init)(void);
    void (*easy_cleanup)(CURL *handle);
    CURLcode (*easy_perform)(CURL *handle);
    const char *(*easy_strerror)(CURLcode code);
    struct curl_slist *(*slist_append)(struct curl_slist *list, const char *string);
    void (*slist_free_all)(struct curl_slist *list);
    curl_version_info_data *(*version_info)(CURLversion age);
    void (*easy_reset)(CURL *handle);
    /** curl_easy_setopt, variadic: reached only through the ccurl_easy_setopt_* wrappers. */
    void *easy_setopt;
    /** curl_easy_getinfo, variadic: reached only through the ccurl_easy_getinfo_* wrappers. */
    void *easy_getinfo;
} ccurl_api;

/** The signature of curl_easy_setopt. */
typedef CURLcode (*ccurl_easy_setopt_function)(CURL *, CURLoption, ...);
/** The signature of curl_easy_getinfo. */
typedef CURLcode (*ccurl_easy_getinfo_function)(CURL *, CURLINFO, ...);

/** Resolves one symbol of library into *slot; returns NULL or the reason it failed. */
static inline const char *ccurl_api_symbol(void *library, const char *name, void **slot) {
    dlerror();
    *slot = dlsym(library, name);
    if (*slot == NULL) {
        const char *error = dlerror();
        return error != NULL ? error : "a libcurl function resolved to NULL";
    }
    return NULL;
}

/**
 * Loads the shared library soname (RTLD_NOW | RTLD_LOCAL; "libcurl.so.4" in production) and fills *api.
 *
 * Returns NULL on success, else dlerror()'s text (valid until the next dl* call on this thread; copy it at once).
 * The library stays loaded for the life of the process. Not thread-safe: call it once (a Swift static let).
 */
static inline const char *ccurl_api_load(const char *soname, ccurl_api *api) {
    void *library = dlopen(soname, RTLD_NOW | RTLD_LOCAL);
    if (library == NULL) {
        const char *error = dlerror();
        return error != NULL ? error : "dlopen failed";
    }
    const char *error = NULL;
#define CCURL_RESOLVE(field, name) \
    if (error == NULL) error = ccurl_api_symbol(library, name, (void **)&api->field)
    CCURL_RESOLVE(global_init, "curl_global_init");
    CCURL_RESOLVE(easy_init, "curl_easy_init");
    CCURL_RESOLVE(easy_cleanup, "curl_easy_cleanup");
    CCURL_RESOLVE(easy_perform, "curl_easy_perform");
    CCURL_RESOLVE(easy_strerror, "curl_easy_strerror");
    CCURL_RESOLVE(slist_append, "curl_slist_append");
    CCURL_RESOLVE(slist_free_all, "curl_slist_free_all");
    CCURL_RESOLVE(version_info, "curl_version_info");
    CCURL_RESOLVE(easy_reset, "curl_easy_reset");
    CCURL_RESOLVE(easy_setopt, "curl_easy_setopt");
    CCURL_RESOLVE(easy_getinfo, "curl_easy_getinfo");
#undef CCURL_RESOLVE
    return error;
}

/** curl_global_init(CURL_GLOBAL_DEFAULT); call once per process, before any other libcurl function. */
static inline CURLcode ccurl_global_init_default(const ccurl_api *api) {
    return api->global_init(CURL_GLOBAL_DEFAULT);
}

/** curl_easy_init: a new easy handle, or NULL. */
static inline CURL *ccurl_easy_init(const ccurl_api *api) {
    return api->easy_init();
}

/** curl_easy_cleanup: frees an easy handle. */
static inline void ccurl_easy_cleanup(const ccurl_api *api, CURL *handle) {
    api->easy_cleanup(handle);
}

/** curl_easy_reset: back to the default options, keeping the handle's open connections and caches. */
static inline void ccurl_easy_reset(const ccurl_api *api, CURL *handle) {
    api->easy_reset(handle);
}

/** The loaded libcurl's version as 0xXXYYZZ (curl_version_info(CURLVERSION_NOW)->version_num), 0 if unknown. */
static inline unsigned int ccurl_version_num(const ccurl_api *api) {
    const curl_version_info_data *data = api->version_info(CURLVERSION_NOW);
    return data != NULL ? data->version_num : 0;
}

/** curl_easy_perform: runs the transfer on the calling thread. */
static inline CURLcode ccurl_easy_perform(const ccurl_api *api, CURL *handle) {
    return api->easy_perform(handle);
}

/** curl_easy_strerror: the static text describing code. */
static inline const char *ccurl_easy_strerror(const ccurl_api *api, CURLcode code) {
    return api->easy_strerror(code);
}

/** curl_slist_append: list extended by a copy of string (list may be NULL), or NULL when out of memory. */
static inline struct curl_slist *ccurl_slist_append(const ccurl_api *api, struct curl_slist *list,
                                                    const char *string) {
    return api->slist_append(list, string);
}

/** curl_slist_free_all: frees a whole list. */
static inline void ccurl_slist_free_all(const ccurl_api *api, struct curl_slist *list) {
    api->slist_free_all(list);
}

/** curl_easy_setopt for options that take a long (flags, counts, milliseconds). */
static inline CURLcode ccurl_easy_setopt_long(const ccurl_api *api, CURL *handle, CURLoption option, long value) {
    return ((ccurl_easy_setopt_function)api->easy_setopt)(handle, option, value);
}

/** curl_easy_setopt for options that take a curl_off_t (sizes). */
static inline CURLcode ccurl_easy_setopt_off_t(const ccurl_api *api, CURL *handle, CURLoption option,
                                               curl_off_t value) {
    return ((ccurl_easy_setopt_function)api->easy_setopt)(handle, option, value);
}

/** curl_easy_setopt for options that take a NUL-terminated string (libcurl copies it). */
static inline CURLcode ccurl_easy_setopt_string(const ccurl_api *api, CURL *handle, CURLoption option,
                                                const char *value) {
    return ((ccurl_easy_setopt_function)api->easy_setopt)(handle, option, value);
}

/** curl_easy_setopt for options that take an object pointer (callback data, buffers). */
static inline CURLcode ccurl_easy_setopt_pointer(const ccurl_api *api, CURL *handle, CURLoption option,
                                                 void *value) {
    return ((ccurl_easy_setopt_function)api->easy_setopt)(handle, option, value);
}

/** curl_easy_setopt for options that take a header list (CURLOPT_HTTPHEADER and friends). */
static inline CURLcode ccurl_easy_setopt_slist(const ccurl_api *api, CURL *handle, CURLoption option,
                                               struct curl_slist *value) {
    return ((ccurl_easy_setopt_function)api->easy_setopt)(handle, option, value);
}

/** curl_easy_setopt for CURLOPT_WRITEFUNCTION and CURLOPT_HEADERFUNCTION (both have this signature). */
static inline CURLcode ccurl_easy_setopt_write_callback(const ccurl_api *api, CURL *handle, CURLoption option,
                                                        curl_write_callback value) {
    return ((ccurl_easy_setopt_function)api->easy_setopt)(handle, option, value);
}

/** curl_easy_getinfo for CURLINFO_LONG values, for example CURLINFO_RESPONSE_CODE. */
static inline CURLcode ccurl_easy_getinfo_long(const ccurl_api *api, CURL *handle, CURLINFO info, long *value) {
    return ((ccurl_easy_getinfo_function)api->easy_getinfo)(handle, info, value);
}

/** curl_easy_getinfo for CURLINFO_OFF_T values, for example CURLINFO_CONNECT_TIME_T. */
static inline CURLcode ccurl_easy_getinfo_off_t(const ccurl_api *api, CURL *handle, CURLINFO info,
                                                curl_off_t *value) {
    return ((ccurl_easy_getinfo_function)api->easy_getinfo)(handle, info, value);
}

#endif
