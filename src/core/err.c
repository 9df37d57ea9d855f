#include "core/err.h"
#include "core/banned.h"

const char *vg_strerror(int err)
{
	switch (err) {
	case VG_OK: return "success";
	case VG_EINVAL: return "invalid input";
	case VG_ENOMEM: return "out of memory";
	case VG_EIO: return "input/output error";
	case VG_ENOTFOUND: return "not found";
	case VG_ECRYPTO: return "authentication failed";
	case VG_ECORRUPT: return "stored data is corrupt";
	case VG_EEXIST: return "already exists";
	case VG_ETOOBIG: return "too big";
	case VG_EDENIED: return "denied";
	case VG_EBUSY: return "busy";
	}
	return "unknown error";
}
