/*
 * err.h - vigie's one error style.
 *
 * Functions that can fail return int: 0 on success or one of the negative
 * values below. They are marked VG_MUST_USE so a caller cannot drop a failure.
 */
#ifndef VIGIE_CORE_ERR_H
#define VIGIE_CORE_ERR_H

#define VG_MUST_USE __attribute__((warn_unused_result))
/* Drop a result on purpose (best-effort work); say why at the call. */
#define VG_IGNORE(x)                                                                               \
	do {                                                                                       \
		int vg_ignored_ = (x);                                                             \
		(void)vg_ignored_;                                                                 \
	} while (0)

enum vg_err {
	VG_OK = 0,
	VG_EINVAL = -1,    /* malformed input */
	VG_ENOMEM = -2,    /* allocation failed */
	VG_EIO = -3,       /* file or database I/O failed */
	VG_ENOTFOUND = -4, /* no such record */
	VG_ECRYPTO = -5,   /* authentication of sealed data failed */
	VG_ECORRUPT = -6,  /* stored data is not what we wrote */
	VG_EEXIST = -7,    /* already exists */
	VG_ETOOBIG = -8,   /* input over a fixed bound */
	VG_EDENIED = -9,   /* refused by policy */
	VG_EBUSY = -10,    /* try again later */
};

/* A static, lower-case description of an enum vg_err value. Never NULL. */
const char *vg_strerror(int err);

#endif
