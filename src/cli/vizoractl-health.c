/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vizoractl"

/* vizoractl alerts, proof-of-play: the organization's alerts and
 * notifications (and, with --watch, each new or resolved one as the
 * realtime connection brings it), and proof of play for a range of days,
 * as a table or as the server's CSV (vz-analytics.h). */

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "vizoractl-private.h"
#include "vz-analytics.h"
#include "vz-json-private.h"
#include "vz-realtime-client.h"

/* The newest notifications `alerts` lists; the server keeps them for 90 days. */
#define ALERTS_LIMIT      100
#define PROOF_PAGE        500
#define PROOF_ROWS_MAX    100000

static gboolean
is_resolved (JsonObject *notification)
{
  JsonObject *metadata = _vz_json_object (notification, "metadata");

  return _vz_json_string (metadata, "resolvedAt") != NULL ||
         (metadata != NULL && json_object_has_member (metadata, "resolved") &&
          json_object_get_boolean_member_with_default (metadata, "resolved", FALSE));
}

/* The state of a notification in words: an alert is open or resolved. */
static const char *
state_of (JsonObject *notification)
{
  JsonObject *metadata = _vz_json_object (notification, "metadata");

  if (_vz_json_string (metadata, "metric") == NULL)
    return "";
  /* TRANSLATORS: an alert whose condition ended */
  return is_resolved (notification) ? _("resolved") : _("open");
}

static const char *
screen_of (JsonObject *notification)
{
  JsonObject *metadata = _vz_json_object (notification, "metadata");
  const char *name = _vz_json_string (metadata, "deviceName");

  return name != NULL ? name : _vz_json_string (metadata, "deviceId");
}

static char *
or_empty (const char *text)
{
  return g_strdup (text != NULL ? text : "");
}

/* One line for a notification the realtime connection brought. */
static void
print_event_line (const char *event,
                  JsonObject *notification)
{
  const char *screen = screen_of (notification);
  const char *state = state_of (notification);

  g_print ("%s  %s  %s%s%s  %s%s%s\n",
           _vz_json_string (notification, "createdAt") != NULL ? _vz_json_string (notification, "createdAt") : "",
           _vz_json_string (notification, "severity") != NULL ? _vz_json_string (notification, "severity") : "info",
           screen != NULL ? screen : "", screen != NULL ? ": " : "",
           _vz_json_string (notification, "message") != NULL ? _vz_json_string (notification, "message") : "",
           event, *state != '\0' ? " " : "", state);
  fflush (stdout);
}

typedef struct {
  Cli        *cli;
  GHashTable *seen;     /* "id resolved?" already printed */
} Watch;

static void
on_alert_event (VzRealtimeClient *client,
                const char       *name,
                JsonNode         *payload,
                gint64            ack_id,
                Watch            *watch)
{
  JsonObject *notification;
  g_autofree char *key = NULL;

  if (!g_str_equal (name, "health:alert") && !g_str_equal (name, "notification:new"))
    return;
  if (payload == NULL || !JSON_NODE_HOLDS_OBJECT (payload))
    return;
  notification = json_node_get_object (payload);
  /* A new alert comes as health:alert and then as notification:new: once. */
  key = g_strdup_printf ("%s %d", _vz_json_string (notification, "id") != NULL ? _vz_json_string (notification, "id") : "",
                         is_resolved (notification));
  if (!g_hash_table_add (watch->seen, g_steal_pointer (&key)))
    return;

  if (watch->cli->json)
    print_event_json (name, payload);
  else
    print_event_line ("", notification);

  if (watch->cli->count > 0 && ++watch->cli->seen >= watch->cli->count)
    {
      watch->cli->status = EXIT_OK;
      g_main_loop_quit (watch->cli->loop);
    }
}

static void
on_watch_auth_failed (VzRealtimeClient *client,
                      const char       *message,
                      Watch            *watch)
{
  fail (watch->cli, EXIT_AUTH, _("The server refused the sign-in: %s"),
        message != NULL && *message != '\0' ? message : _("no reason given"));
}

static void
on_watch_connected (VzRealtimeClient *client,
                    GParamSpec       *pspec,
                    Watch            *watch)
{
  /* Said once the link is up, so that a script knows what follows is live. */
  if (vz_realtime_client_get_state (client) == VZ_REALTIME_STATE_CONNECTED && !watch->cli->json)
    {
      g_print ("%s\n", _("Watching for alerts…"));
      fflush (stdout);
    }
}

static int
watch_alerts (Cli *cli)
{
  g_autoptr(VzRealtimeClient) client = NULL;
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  Watch watch = { cli, seen };

  client = vz_realtime_client_new (cli->realtime_url != NULL ? cli->realtime_url : cli->server_url);
  vz_realtime_client_set_token (client, vz_api_client_get_access_token (vz_session_get_api_client (cli->session)));
  g_signal_connect (client, "event", G_CALLBACK (on_alert_event), &watch);
  g_signal_connect (client, "auth-failed", G_CALLBACK (on_watch_auth_failed), &watch);
  g_signal_connect (client, "notify::state", G_CALLBACK (on_watch_connected), &watch);
  cli->status = EXIT_OK;
  vz_realtime_client_start (client);
  g_main_loop_run (cli->loop);
  g_signal_handlers_disconnect_by_data (client, &watch);
  vz_realtime_client_stop (client);
  return cli->status;
}

int
cmd_alerts (Cli   *cli,
            int    argc,
            char **argv)
{
  gboolean watch = FALSE;
  GOptionEntry entries[] = {
    { "watch", 0, 0, G_OPTION_ARG_NONE, &watch, N_("Then print each new or resolved alert as it comes"), NULL },
    { "count", 0, 0, G_OPTION_ARG_INT64, &cli->count, N_("With --watch: stop after N of them"), "N" },
    { "json", 0, 0, G_OPTION_ARG_NONE, &cli->json, N_("JSON as the server sent it (with --watch: one line each)"),
      NULL },
    { NULL }
  };
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) page = NULL;
  g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func ((GDestroyNotify) g_strfreev);
  g_autoptr(GPtrArray) objects = g_ptr_array_new ();
  const char *headers[] = { _("TIME"), _("SEVERITY"), _("SCREEN"), _("TITLE"), _("STATE"), _("READ"), _("ID"), NULL };
  JsonObject *data;
  JsonNode *items;

  if (!parse_command_options ("alerts", NULL,
                              _("Lists the newest alerts and notifications (not the dismissed ones), newest first."),
                              entries, &argc, &argv))
    return EXIT_USAGE;
  if (argc > 1 || cli->count < 0 || (cli->count > 0 && !watch))
    {
      g_printerr ("vizoractl alerts: %s\n", _("Wrong arguments. See “vizoractl alerts --help”."));
      return EXIT_USAGE;
    }
  if (!require_token (cli))
    return cli->status;

  vz_api_client_request_async (vz_session_get_api_client (cli->session), "GET",
                               "/notifications?limit=" G_STRINGIFY (ALERTS_LIMIT), NULL, NULL, keep_result, &result);
  page = vz_api_client_request_finish (vz_session_get_api_client (cli->session), wait_result (&result), &error);
  if (page == NULL)
    {
      fail (cli, status_for_error (error), "%s", error->message);
      return cli->status;
    }
  data = JSON_NODE_HOLDS_OBJECT (page) ? json_node_get_object (page) : NULL;
  items = data != NULL ? json_object_get_member (data, "data") : NULL;
  if (items == NULL || !JSON_NODE_HOLDS_ARRAY (items))
    {
      fail (cli, EXIT_FAILED, "%s", _("The server’s answer was not a list of notifications."));
      return cli->status;
    }
  for (guint i = 0; i < json_array_get_length (json_node_get_array (items)); i++)
    {
      JsonNode *item = json_array_get_element (json_node_get_array (items), i);

      if (JSON_NODE_HOLDS_OBJECT (item))
        g_ptr_array_add (objects, json_node_get_object (item));
    }

  if (cli->json && !watch)
    print_json_list (objects);
  else if (!cli->json)
    {
      g_ptr_array_add (rows, g_strdupv ((char **) headers));
      for (guint i = 0; i < objects->len; i++)
        {
          JsonObject *n = g_ptr_array_index (objects, i);
          char **row = g_new0 (char *, 8);

          row[0] = or_empty (_vz_json_string (n, "createdAt"));
          row[1] = or_empty (_vz_json_string (n, "severity"));
          row[2] = or_empty (screen_of (n));
          row[3] = or_empty (_vz_json_string (n, "title"));
          row[4] = g_strdup (state_of (n));
          row[5] = g_strdup (json_object_get_boolean_member_with_default (n, "read", FALSE) ? _("yes") : _("no"));
          row[6] = or_empty (_vz_json_string (n, "id"));
          g_ptr_array_add (rows, row);
        }
      if (objects->len > 0)
        print_rows (rows);
      else
        g_print ("%s\n", _("No alerts."));
      fflush (stdout);
    }
  if (!watch)
    return EXIT_OK;
  return watch_alerts (cli);
}

/* ------------------------------------------------------------------------ */
/* proof-of-play                                                            */

static gboolean
parse_day (const char *text,
           GDate      *day)
{
  int y, m, d;
  char end;

  g_date_clear (day, 1);
  if (text == NULL || sscanf (text, "%4d-%2d-%2d%c", &y, &m, &d, &end) != 3 || strlen (text) != 10 ||
      !g_date_valid_dmy ((GDateDay) d, (GDateMonth) m, (GDateYear) y))
    return FALSE;
  g_date_set_dmy (day, (GDateDay) d, (GDateMonth) m, (GDateYear) y);
  return TRUE;
}

static char *
number_text (JsonObject *object,
             const char *name)
{
  double value = _vz_json_number (object, name);
  char buffer[G_ASCII_DTOSTR_BUF_SIZE];

  if (isnan (value))
    return g_strdup ("");
  return g_strdup (g_ascii_formatd (buffer, sizeof buffer, "%g", value));
}

static int
print_proof_csv (Cli   *cli,
                 GDate *from,
                 GDate *to)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) csv = NULL;
  gsize len;
  const char *data;

  vz_analytics_proof_csv_async (cli->session, from, to, NULL, keep_result, &result);
  csv = vz_analytics_proof_csv_finish (wait_result (&result), &error);
  if (csv == NULL)
    {
      fail (cli, status_for_error (error), "%s", error->message);
      return cli->status;
    }
  data = g_bytes_get_data (csv, &len);
  fwrite (data, 1, len, stdout);
  fflush (stdout);
  return EXIT_OK;
}

int
cmd_proof_of_play (Cli   *cli,
                   int    argc,
                   char **argv)
{
  g_autofree char *from_text = NULL;
  g_autofree char *to_text = NULL;
  gboolean csv = FALSE;
  GOptionEntry entries[] = {
    { "from", 0, 0, G_OPTION_ARG_STRING, &from_text, N_("First day"), "YYYY-MM-DD" },
    { "to", 0, 0, G_OPTION_ARG_STRING, &to_text, N_("Last day (included)"), "YYYY-MM-DD" },
    { "csv", 0, 0, G_OPTION_ARG_NONE, &csv, N_("The server’s CSV file (at most 100,000 rows), oldest first"), NULL },
    { "json", 0, 0, G_OPTION_ARG_NONE, &cli->json, N_("Print a JSON array, as the server sent it"), NULL },
    { NULL }
  };
  g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func ((GDestroyNotify) g_strfreev);
  g_autoptr(GPtrArray) objects = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);
  const char *headers[] = { _("TIME"), _("CONTENT"), _("SCREEN"), _("SECONDS"), _("COMPLETION %"), NULL };
  GDate from, to;
  gint64 total = 0;

  if (!parse_command_options ("proof-of-play", NULL,
                              _("What the screens showed between two days (both included), newest first."),
                              entries, &argc, &argv))
    return EXIT_USAGE;
  if (argc > 1 || !parse_day (from_text, &from) || !parse_day (to_text, &to))
    {
      g_printerr ("vizoractl proof-of-play: %s\n", _("Give --from and --to as days, YYYY-MM-DD."));
      return EXIT_USAGE;
    }
  if (g_date_compare (&from, &to) > 0)
    {
      g_printerr ("vizoractl proof-of-play: %s\n", _("--from must not be after --to."));
      return EXIT_USAGE;
    }
  if (csv && cli->json)
    {
      g_printerr ("vizoractl proof-of-play: %s\n", _("Choose --csv or --json, not both."));
      return EXIT_USAGE;
    }
  if (!require_token (cli))
    return cli->status;
  if (csv)
    return print_proof_csv (cli, &from, &to);

  /* Page after page, up to the CSV's bound. */
  for (guint page = 1; objects->len < PROOF_ROWS_MAX; page++)
    {
      g_autoptr(GAsyncResult) result = NULL;
      g_autoptr(GError) error = NULL;
      g_autoptr(JsonNode) answer = NULL;
      JsonObject *body;
      JsonNode *data;
      guint n;

      vz_analytics_proof_of_play_async (cli->session, &from, &to, page, PROOF_PAGE, NULL, keep_result, &result);
      answer = vz_analytics_proof_of_play_finish (wait_result (&result), &error);
      if (answer == NULL)
        {
          fail (cli, status_for_error (error), "%s", error->message);
          return cli->status;
        }
      body = JSON_NODE_HOLDS_OBJECT (answer) ? json_node_get_object (answer) : NULL;
      data = body != NULL ? json_object_get_member (body, "data") : NULL;
      if (data == NULL || !JSON_NODE_HOLDS_ARRAY (data))
        {
          fail (cli, EXIT_FAILED, "%s", _("The server’s answer was not a page of proof of play."));
          return cli->status;
        }
      total = json_object_get_int_member_with_default (_vz_json_object (body, "meta"), "total", 0);
      n = json_array_get_length (json_node_get_array (data));
      for (guint i = 0; i < n; i++)
        {
          JsonNode *row = json_array_get_element (json_node_get_array (data), i);

          if (JSON_NODE_HOLDS_OBJECT (row))
            g_ptr_array_add (objects, json_object_ref (json_node_get_object (row)));
        }
      if (n < PROOF_PAGE || (gint64) objects->len >= total)
        break;
    }

  if (cli->json)
    {
      print_json_list (objects);
      return EXIT_OK;
    }
  g_ptr_array_add (rows, g_strdupv ((char **) headers));
  for (guint i = 0; i < objects->len; i++)
    {
      JsonObject *o = g_ptr_array_index (objects, i);
      JsonObject *display = _vz_json_object (o, "display");
      const char *screen = _vz_json_string (display, "nickname");
      char **row = g_new0 (char *, 6);

      row[0] = or_empty (_vz_json_string (o, "timestamp"));
      row[1] = or_empty (_vz_json_string (_vz_json_object (o, "content"), "name"));
      row[2] = or_empty (screen != NULL ? screen : _vz_json_string (display, "deviceIdentifier"));
      row[3] = number_text (o, "duration");
      row[4] = number_text (o, "completionPercentage");
      g_ptr_array_add (rows, row);
    }
  if (objects->len > 0)
    print_rows (rows);
  if (total > (gint64) objects->len)
    {
      g_autofree char *total_text = g_strdup_printf ("%" G_GINT64_FORMAT, total);
      /* TRANSLATORS: the first number is how many plays are listed, the second how many there are in all */
      g_print (_("%u of %s plays shown; use --csv for a file.\n"), objects->len, total_text);
    }
  else
    g_print (ngettext ("%u play.\n", "%u plays.\n", objects->len), objects->len);
  return EXIT_OK;
}
