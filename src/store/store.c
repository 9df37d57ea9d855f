/* store.c - backend-independent helpers live here as they appear; the interface is store.h. */
#include "store/store.h"
#include "core/banned.h"
