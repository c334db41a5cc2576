/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/*
 * Passwords for the command-line programs without putting them on a command
 * line, where every user of the computer can read them (/proc/PID/cmdline):
 * the first line of @file when @file is given ("-" is standard input), else
 * the environment variable VIZORA_PASSWORD. The line's end (\n or \r\n) is
 * not part of the password.
 *
 * Returns: (transfer full) (nullable): the password; NULL with @error set when
 * the file cannot be read or holds no password, NULL without an error when
 * neither @file nor the variable is given. Clear it with explicit_bzero()
 * before freeing it.
 */
char *vz_password_input_read (const char  *file,
                              GError     **error);

G_END_DECLS
