/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "vz-circuit-breaker.h"
#include "vz-outbox.h"
#include "vz-outbox-sender.h"
#include "vz-session.h"
#include "vz-snapshot.h"

G_BEGIN_DECLS

/* vizoractl's shared parts (main.c), for the commands in files of their own. */

/* Exit codes, documented in --help. */
enum {
  EXIT_OK = 0,
  EXIT_FAILED = 1,     /* the server or the network said no */
  EXIT_USAGE = 2,
  EXIT_AUTH = 3,       /* not signed in, or the sign-in was refused */
};

#define DEFAULT_SERVER "http://127.0.0.1:3000"

typedef struct {
  GMainLoop *loop;
  int        status;
  char      *server_url;
  char      *realtime_url;
  VzSession *session;
  /* watch */
  gint64     count;
  gint64     seen;
  gboolean   json;
} Cli;

void     fail                  (Cli          *cli,
                                int           status,
                                const char   *format,
                                ...) G_GNUC_PRINTF (3, 4);
int      status_for_error      (const GError *error);
gboolean require_token         (Cli          *cli);
gboolean parse_command_options (const char   *command,
                                const char   *parameter,
                                const char   *summary,
                                GOptionEntry *entries,
                                int          *argc,
                                char       ***argv);
char    *load_token            (const char   *server_url);
void     print_json_list       (GPtrArray    *objects);
/* One realtime event as a JSON line {"event":…,"payload":…}, flushed. */
void     print_event_json      (const char   *name,
                                JsonNode     *payload);
/* Prints rows (GStrv, all as long as the first: the headers) as aligned
 * columns. */
void     print_rows            (GPtrArray    *rows);
/* Appends @text and spaces up to @width characters. */
void     pad                   (GString      *out,
                                const char   *text,
                                guint         width);

/*
 * Changes through the outbox (set, delete, outbox, playlist reorder): the
 * account's queue, opened by open_account(); queue_and_send() writes a
 * change durably, then sends it when the server can be reached.
 */
typedef struct {
  Cli            *cli;
  gboolean        online;
  char           *offline_reason; /* what the server (or the network) said */
  char           *outbox_path;
  VzOutbox       *outbox;
  VzOutboxSender *sender;
  VzCircuitBreaker *breaker;
  char           *target;      /* wait for this change only; NULL: the whole queue */
  guint           sending;     /* changes in state "sending" */
  guint           committed;
  guint           failed;
  guint           conflicts;
  char           *stopped;     /* why sending stopped with changes left (a sentence) */
  char           *outcome;     /* the target's failure or conflict sentence */
  gboolean        target_committed;
  gboolean        blocked;     /* the target waits behind a change that did not land */
  gboolean        done;
  VzSnapshot     *fleet;       /* the fleet as read online, kept for offline use */
  gboolean        fleet_changed;
} Changes;

void          changes_clear  (Changes       *ch);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Changes, changes_clear)

void          keep_result    (GObject       *source,
                              GAsyncResult  *result,
                              gpointer       user_data);
/* Runs the main context until keep_result() stored the result. */
GAsyncResult *wait_result    (GAsyncResult **result);
gboolean      open_account   (Cli           *cli,
                              Changes       *ch,
                              gboolean       need_token);
int           queue_and_send (Changes       *ch,
                              VzMutation    *m,
                              const char    *done_text);
/* The signed-in account's outbox path, remembered for this server. */
char         *remember_account (Cli         *cli);
/* The server is away (or not itself): a change can wait for it. */
gboolean      is_unreachable_error (const GError *error);
/* A string member of JSON a peer sent, or @fallback when it is missing or
 * not a string. */
const char   *peer_string    (JsonObject    *object,
                              const char    *name,
                              const char    *fallback);

/* vizoractl-set.c: a change to one screen */
void          remember_login (Cli           *cli);
int           cmd_set        (Cli           *cli,
                              int            argc,
                              char         **argv);
int           cmd_delete     (Cli           *cli,
                              int            argc,
                              char         **argv);

/* vizoractl-changes.c: the outbox command */
int           cmd_outbox     (Cli           *cli,
                              int            argc,
                              char         **argv);

/* vizoractl-playlists.c */
int           cmd_playlists  (Cli           *cli,
                              int            argc,
                              char         **argv);
int           cmd_playlist   (Cli           *cli,
                              int            argc,
                              char         **argv);
int           cmd_upload     (Cli           *cli,
                              int            argc,
                              char         **argv);

/* vizoractl-schedules.c */
int           cmd_schedules  (Cli           *cli,
                              int            argc,
                              char         **argv);
int           cmd_schedule   (Cli           *cli,
                              int            argc,
                              char         **argv);

/* vizoractl-health.c */
int           cmd_alerts     (Cli           *cli,
                              int            argc,
                              char         **argv);
int           cmd_proof_of_play (Cli        *cli,
                              int            argc,
                              char         **argv);

G_END_DECLS
