#ifndef EC2SSH_CEXPAT_SHIM_H
#define EC2SSH_CEXPAT_SHIM_H
#include <expat.h>
#endif
