/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "vz-display-resource.h"
#include "vz-optimistic-client.h"

G_BEGIN_DECLS

/*
 * The fixture of the test-optimistic* programs: the real vizora-server (with
 * a --fault-file when the test's data says "fault"), its admin's token, and
 * the first client, which a test makes when it needs it.
 */
typedef struct {
  VzTestServer *server;
  char         *token;
  Client       *a;
  char         *fault_dir;
  char         *fault_file;   /* the server's --fault-file, when data says "fault" */
} Fixture;

void        fixture_setup     (Fixture       *fixture,
                               gconstpointer  data);
void        fixture_teardown  (Fixture       *fixture,
                               gconstpointer  data);
/* The server's own copy of a screen (transfer full), NULL once it is gone. */
JsonObject *server_display    (Fixture       *fixture,
                               const char    *id);
/* Changes the screen @id on the server, as someone else would. */
void        server_patch      (Fixture       *fixture,
                               const char    *id,
                               const char    *json);
/* Sets @key of the screen @id to @value through @client's engine. */
void        change            (Client        *client,
                               const char    *id,
                               const char    *key,
                               const char    *value);
/* The screen @id in @client's store. */
VzDisplay  *display_of        (Client        *client,
                               const char    *id);

G_END_DECLS
