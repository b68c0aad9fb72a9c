#ifndef TOUCHSTONE_CXLSXWRITER_SHIM_H
#define TOUCHSTONE_CXLSXWRITER_SHIM_H
#include <xlsxwriter.h>
#endif
