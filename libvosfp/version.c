// SPDX-License-Identifier: BSD-2-Clause
/* The library's version, from meson's project version (vosfp/version.h). */
#include "internal.h"

VOSFP_API const char *vosfp_version(void)
{
	return VOSFP_VERSION;
}

VOSFP_API int vosfp_version_major(void)
{
	return VOSFP_VERSION_MAJOR;
}

VOSFP_API int vosfp_version_minor(void)
{
	return VOSFP_VERSION_MINOR;
}

VOSFP_API int vosfp_version_patch(void)
{
	return VOSFP_VERSION_PATCH;
}
