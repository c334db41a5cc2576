/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* `secret-tool VERB ATTRIBUTE VALUE …` (NULL-terminated pairs) on the
 * session bus's Secret Service (tests/keyring/with-keyring.sh): its standard
 * output, NULL when it failed or said nothing ("lookup" of an item that is
 * not there). */
char *vz_test_secret_tool (const char *verb,
                           ...) G_GNUC_NULL_TERMINATED;

G_END_DECLS
