/* SPDX-License-Identifier: GPL-2.0-or-later */
/* privs: the effective capabilities, read with capget (no libcap), and the refusals' hints. */
#include "privs.h"

#include <errno.h>
#include <linux/capability.h>
#include <sys/syscall.h>
#include <unistd.h>

bool privs_has(enum privs_cap cap)
{
	struct __user_cap_header_struct hdr = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3] = { { 0 } };
	unsigned c = (unsigned)cap;

	/* a kernel that cannot say is treated as one that refuses: the hint is then shown */
	if (syscall(SYS_capget, &hdr, data) < 0 || c / 32 >= _LINUX_CAPABILITY_U32S_3)
		return false;
	return data[c / 32].effective & (1u << (c % 32));
}

bool privs_read_all_procs(void)
{
	return privs_has(PRIVS_SYS_PTRACE) &&
	       (privs_has(PRIVS_DAC_READ_SEARCH) || privs_has(PRIVS_DAC_OVERRIDE));
}

const char *privs_denied_hint(int err, enum privs_access what)
{
	static const char *const hints[] = {
		[PRIVS_WRITE] = " (needs write access to the file or its directory, or root: "
				"CAP_DAC_OVERRIDE)",
		[PRIVS_WRITE_DIR] = " (needs write access to it, or root: CAP_DAC_OVERRIDE)",
		[PRIVS_READ] = " (needs read access to it, or root: CAP_DAC_READ_SEARCH)",
	};

	if ((err != EACCES && err != EPERM) || privs_has(PRIVS_DAC_OVERRIDE) ||
	    (what == PRIVS_READ && privs_has(PRIVS_DAC_READ_SEARCH)))
		return "";
	return hints[what];
}
