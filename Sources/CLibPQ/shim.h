#ifndef TOUCHSTONE_CLIBPQ_SHIM_H
#define TOUCHSTONE_CLIBPQ_SHIM_H
#include <libpq-fe.h>
#endif
