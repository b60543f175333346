#ifndef EC2SSH_CCURL_SHIM_H
#define EC2SSH_CCURL_SHIM_H
#include <curl/curl.h>
#endif
