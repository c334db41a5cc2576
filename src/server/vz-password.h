/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/*
 * Secrets of the local fleet server: yescrypt password hashes (libxcrypt),
 * random bearer tokens and their SHA-256 digests. Only digests are stored.
 */

/* A "$y$…" yescrypt hash of @password. */
char     *vz_password_hash      (const char  *password,
                                 GError     **error);
/* Constant-time check of @password against a stored hash; FALSE on any malformed hash. */
gboolean  vz_password_verify    (const char  *password,
                                 const char  *hash);
/* A printable random password (for the first-start admin) of @length characters. */
char     *vz_password_generate  (guint        length);
/* 32 random bytes, base64url without padding (43 characters). */
char     *vz_token_generate     (void);
/* Lower-case hex SHA-256 of @token: what the database stores. */
char     *vz_token_digest       (const char  *token);
/* Fills @buffer with cryptographically secure random bytes; aborts when the kernel has none. */
void      vz_random_bytes       (guint8      *buffer,
                                 gsize        length);
/* As vz_random_bytes() (retrying when a signal interrupts the kernel), but
 * returns FALSE with @error when the kernel has no random bytes to give. */
gboolean  vz_random_bytes_try   (guint8      *buffer,
                                 gsize        length,
                                 GError     **error);

G_END_DECLS
