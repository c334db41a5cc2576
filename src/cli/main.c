/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vizoractl"

#include "config.h"

#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <locale.h>
#include <stdio.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "vz-display.h"
#include "vz-display-group.h"
#include "vz-display-resource.h"
#include "vz-realtime-client.h"
#include "vz-password-input.h"
#include "vz-secret-store.h"
#include "vz-session.h"
#include "vz-wire-json.h"

#include "vizoractl-private.h"

void
fail (Cli        *cli,
      int         status,
      const char *format,
      ...)
{
  va_list args;
  g_autofree char *message = NULL;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  g_printerr ("vizoractl: %s\n", message);
  cli->status = status;
  if (cli->loop != NULL)
    g_main_loop_quit (cli->loop);
}

int
status_for_error (const GError *error)
{
  if (g_error_matches (error, VZ_API_ERROR, VZ_API_ERROR_UNAUTHORIZED) ||
      g_error_matches (error, VZ_API_ERROR, VZ_API_ERROR_AUTH_INVALID))
    return EXIT_AUTH;
  return EXIT_FAILED;
}

/* ------------------------------------------------------------------------ */
/* The saved token                                                          */

/* The file earlier versions kept the token in, one per server; moved into
 * the keyring when found, then deleted. */
static char *
plain_token_path (const char *server_url)
{
  g_autofree char *hash = g_compute_checksum_for_string (G_CHECKSUM_SHA256, server_url, -1);
  g_autofree char *name = NULL;

  hash[16] = '\0';
  name = g_strdup_printf ("token-%s", hash);
  return g_build_filename (g_get_user_config_dir (), "vizora", name, NULL);
}

static char *
compose_secret (const char *token)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "accessToken");
  json_builder_add_string_value (builder, token);
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  return json_to_string (root, FALSE);
}

/* Keeps @token in the keyring: one item per server (and account), so that
 * signing in to one never signs out another. */
static gboolean
store_token (const char  *server_url,
             const char  *account,
             const char  *email,
             const char  *token,
             GError     **error)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autofree char *label = g_strdup_printf (_("vizoractl sign-in of %s at %s"), email, server_url);
  char *secret = compose_secret (token);
  gboolean ok;

  /* One item per server: a sign-in as someone else replaces the last one. */
  vz_secret_clear_async (server_url, NULL, VZ_SECRET_CLIENT_VIZORACTL, NULL, keep_result, &result);
  if (!vz_secret_clear_finish (wait_result (&result), error))
    {
      vz_secret_free (secret);
      return FALSE;
    }
  g_clear_object (&result);
  vz_secret_store_async (server_url, account, VZ_SECRET_CLIENT_VIZORACTL, label, secret,
                         NULL, keep_result, &result);
  ok = vz_secret_store_finish (wait_result (&result), error);
  vz_secret_free (secret);
  return ok;
}

static char *
token_of_secret (const char *secret)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonNode *root;
  JsonNode *member;

  if (!json_parser_load_from_data (parser, secret, -1, NULL) ||
      (root = json_parser_get_root (parser)) == NULL || !JSON_NODE_HOLDS_OBJECT (root) ||
      (member = json_object_get_member (json_node_get_object (root), "accessToken")) == NULL ||
      json_node_get_value_type (member) != G_TYPE_STRING)
    return NULL;
  return g_strdup (json_node_get_string (member));
}

/* A token file of an earlier version: into the keyring, then deleted. Where
 * no keyring can be reached the file stays, and is used, until one can. */
static char *
migrate_plain_token (const char *server_url)
{
  g_autofree char *path = plain_token_path (server_url);
  g_autoptr(GError) error = NULL;
  char *contents = NULL;

  if (!g_file_get_contents (path, &contents, NULL, NULL))
    return NULL;
  g_strstrip (contents);
  if (*contents == '\0')
    {
      vz_secret_free (contents);
      g_unlink (path);
      return NULL;
    }
  if (!store_token (server_url, "", server_url, contents, &error))
    {
      g_printerr ("vizoractl: %s %s\n", error->message,
                  _("The saved token stays in its file until a keyring can take it."));
      return contents;
    }
  if (g_unlink (path) != 0)
    g_printerr ("vizoractl: %s\n", _("The token is in the keyring now, but its old file could not be deleted."));
  return contents;
}

char *
load_token (const char *server_url)
{
  const char *env = g_getenv ("VIZORA_TOKEN");
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  char *secret;
  char *token;

  if (env != NULL && *env != '\0')
    return g_strdup (env);
  token = migrate_plain_token (server_url);
  if (token != NULL)
    return token;

  vz_secret_lookup_async (server_url, NULL, VZ_SECRET_CLIENT_VIZORACTL, NULL, keep_result, &result);
  secret = vz_secret_lookup_finish (wait_result (&result), &error);
  if (error != NULL)
    {
      g_printerr ("vizoractl: %s %s\n", error->message,
                  _("No saved sign-in can be read: sign in again, or set VIZORA_TOKEN."));
      return NULL;
    }
  if (secret == NULL)
    return NULL;
  token = token_of_secret (secret);
  vz_secret_free (secret);
  return token;
}

gboolean
require_token (Cli *cli)
{
  g_autofree char *token = load_token (cli->server_url);

  if (token == NULL)
    {
      fail (cli, EXIT_AUTH, _("You are not signed in to %s. Run “vizoractl login” or set VIZORA_TOKEN."),
            cli->server_url);
      return FALSE;
    }
  vz_api_client_set_access_token (vz_session_get_api_client (cli->session), token);
  return TRUE;
}

gboolean
parse_command_options (const char   *command,
                       const char   *parameter,
                       const char   *summary,
                       GOptionEntry *entries,
                       int          *argc,
                       char       ***argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *usage = g_strdup_printf ("%s%s%s", command, parameter ? " " : "", parameter ? parameter : "");

  context = g_option_context_new (usage);
  g_option_context_set_summary (context, summary);
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, argc, argv, &error))
    {
      g_printerr ("vizoractl %s: %s\n", command, error->message);
      return FALSE;
    }
  return TRUE;
}

/* ------------------------------------------------------------------------ */
/* login                                                                    */

static void
on_login (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  Cli *cli = user_data;
  g_autoptr(GError) error = NULL;

  if (!vz_session_login_finish (VZ_SESSION (source), result, &error))
    {
      fail (cli, status_for_error (error), "%s", error->message);
      return;
    }
  g_print (_("Signed in to %s as %s.\n"), cli->server_url, vz_session_get_user_email (cli->session));
  /* Signed in all the same: the token just does not outlive this run. */
  if (!store_token (cli->server_url, vz_session_get_user_id (cli->session),
                    vz_session_get_user_email (cli->session),
                    vz_session_get_access_token (cli->session), &error))
    g_printerr ("vizoractl: %s %s\n", error->message,
                _("The sign-in is not kept: later commands need “vizoractl login” again, or VIZORA_TOKEN."));
  cli->status = EXIT_OK;
  g_main_loop_quit (cli->loop);
}

static int
cmd_login (Cli   *cli,
           int    argc,
           char **argv)
{
  g_autofree char *email = NULL;
  g_autofree char *password = NULL;
  g_autofree char *password_file = NULL;
  g_autoptr(GError) error = NULL;
  GOptionEntry entries[] = {
    { "email", 0, 0, G_OPTION_ARG_STRING, &email, N_("Email address of the account"), "EMAIL" },
    { "password", 0, 0, G_OPTION_ARG_STRING, &password,
      N_("Password (other users can see it in the process list: prefer --password-file, VIZORA_PASSWORD or standard input)"),
      "PASSWORD" },
    { "password-file", 0, 0, G_OPTION_ARG_FILENAME, &password_file,
      N_("Read the password from the first line of FILE"), "FILE" },
    { NULL }
  };

  if (!parse_command_options ("login", NULL, _("Signs in and keeps the access token for later commands."),
                              entries, &argc, &argv))
    return EXIT_USAGE;
  if (email == NULL || argc > 1)
    {
      g_printerr ("vizoractl login: %s\n", _("Give the account with --email EMAIL."));
      return EXIT_USAGE;
    }
  /* Then --password-file, then $VIZORA_PASSWORD, then standard input. */
  if (password == NULL)
    {
      password = vz_password_input_read (password_file, &error);
      if (error != NULL)
        {
          g_printerr ("vizoractl login: %s\n", error->message);
          return EXIT_USAGE;
        }
    }
  if (password == NULL)
    {
      char line[1024];
      struct termios saved, quiet;
      gboolean tty = isatty (STDIN_FILENO) && tcgetattr (STDIN_FILENO, &saved) == 0;
      char *got;

      /* Scripts pipe the password in, so it never shows up in `ps`; a person
       * typing it does not see it echoed. */
      if (tty)
        {
          g_printerr ("%s", _("Password: "));
          quiet = saved;
          quiet.c_lflag &= ~(tcflag_t) ECHO;
          tcsetattr (STDIN_FILENO, TCSAFLUSH, &quiet);
        }
      got = fgets (line, sizeof line, stdin);
      if (tty)
        {
          tcsetattr (STDIN_FILENO, TCSAFLUSH, &saved);
          g_printerr ("\n");
        }
      if (got == NULL)
        {
          g_printerr ("vizoractl login: %s\n", _("No password was given."));
          return EXIT_USAGE;
        }
      password = g_strdup (g_strchomp (line));
      explicit_bzero (line, sizeof line);
    }

  vz_session_login_async (cli->session, email, password, NULL, on_login, cli);
  g_main_loop_run (cli->loop);
  explicit_bzero (password, strlen (password));
  if (cli->status == EXIT_OK)
    remember_login (cli);
  return cli->status;
}

/* ------------------------------------------------------------------------ */
/* displays                                                                 */

typedef struct {
  Cli       *cli;
  GPtrArray *displays;
  GPtrArray *groups;
  GError    *error;
  guint      pending;
} DisplaysData;

void
print_json_list (GPtrArray *objects)
{
  g_autoptr(GString) out = g_string_new ("[");

  for (guint i = 0; i < objects->len; i++)
    {
      g_autoptr(JsonNode) node = json_node_init_object (json_node_alloc (), g_ptr_array_index (objects, i));

      if (i > 0)
        g_string_append_c (out, ',');
      vz_wire_json_append (out, node);
    }
  g_string_append (out, "]\n");
  fputs (out->str, stdout);
}

void
pad (GString    *out,
     const char *text,
     guint       width)
{
  glong len = g_utf8_strlen (text, -1);

  g_string_append (out, text);
  for (glong i = len; i < (glong) width; i++)
    g_string_append_c (out, ' ');
}

void
print_rows (GPtrArray *rows)
{
  guint columns = rows->len > 0 ? g_strv_length (g_ptr_array_index (rows, 0)) : 0;
  g_autofree guint *widths = g_new0 (guint, columns + 1);

  for (guint r = 0; r < rows->len; r++)
    {
      char **row = g_ptr_array_index (rows, r);

      for (guint c = 0; c < columns; c++)
        widths[c] = MAX (widths[c], (guint) g_utf8_strlen (row[c], -1));
    }

  for (guint r = 0; r < rows->len; r++)
    {
      char **row = g_ptr_array_index (rows, r);
      g_autoptr(GString) line = g_string_new (NULL);

      for (guint c = 0; c < columns; c++)
        {
          if (c + 1 < columns)
            {
              pad (line, row[c], widths[c]);
              g_string_append (line, "  ");
            }
          else
            g_string_append (line, row[c]);
        }
      g_print ("%s\n", line->str);
    }
}

static void
print_table (GPtrArray *display_objects,
             GPtrArray *group_objects)
{
  g_autoptr(VzStore) displays = vz_store_new (VZ_TYPE_DISPLAY);
  g_autoptr(VzStore) groups = vz_store_new (VZ_TYPE_DISPLAY_GROUP);
  g_autoptr(GHashTable) group_of = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func ((GDestroyNotify) g_strfreev);
  g_autoptr(GError) error = NULL;
  const char *headers[] = { _("NAME"), _("STATUS"), _("LOCATION"), _("GROUP"), _("LAST SEEN"), _("ID"), NULL };
  guint n;

  /* Records that do not decode are left out but reported: a partial table
   * is more useful than none. */
  if (!vz_store_replace_all (displays, display_objects, &error))
    {
      g_printerr ("vizoractl: %s\n", error->message);
      g_clear_error (&error);
    }
  vz_store_replace_all (groups, group_objects, NULL);

  n = g_list_model_get_n_items (G_LIST_MODEL (groups));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(VzDisplayGroup) group = g_list_model_get_item (G_LIST_MODEL (groups), i);
      const char * const *ids = vz_display_group_get_display_ids (group);

      for (guint j = 0; ids[j] != NULL; j++)
        if (!g_hash_table_contains (group_of, ids[j]))
          g_hash_table_insert (group_of, (gpointer) ids[j], (gpointer) vz_display_group_get_name (group));
    }

  g_ptr_array_add (rows, g_strdupv ((GStrv) headers));
  n = g_list_model_get_n_items (G_LIST_MODEL (displays));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(VzDisplay) display = g_list_model_get_item (G_LIST_MODEL (displays), i);
      GDateTime *seen = vz_display_get_last_heartbeat (display);
      const char *group = g_hash_table_lookup (group_of, vz_entity_get_id (VZ_ENTITY (display)));
      char **row = g_new0 (char *, 7);

      row[0] = g_strdup (vz_display_get_display_name (display) ? vz_display_get_display_name (display) : "");
      row[1] = g_strdup (vz_display_status_to_label (vz_display_get_status (display)));
      row[2] = g_strdup (vz_display_get_location (display) ? vz_display_get_location (display) : "");
      row[3] = g_strdup (group != NULL ? group : _("No group"));
      if (seen != NULL)
        {
          g_autoptr(GDateTime) local = g_date_time_to_local (seen);

          row[4] = g_date_time_format (local, "%Y-%m-%d %H:%M:%S");
        }
      else
        row[4] = g_strdup (_("never"));
      row[5] = g_strdup (vz_entity_get_id (VZ_ENTITY (display)));
      g_ptr_array_add (rows, row);
    }

  print_rows (rows);
  if (n == 0)
    g_print ("%s\n", _("No screens yet. Pair one with “vizoractl pair CODE”."));
}

static void
displays_done (DisplaysData *data)
{
  Cli *cli = data->cli;

  if (data->error != NULL)
    fail (cli, status_for_error (data->error), "%s", data->error->message);
  else
    {
      if (cli->json)
        print_json_list (data->displays);
      else
        print_table (data->displays, data->groups);
      cli->status = EXIT_OK;
      g_main_loop_quit (cli->loop);
    }
}

static void
list_done (DisplaysData  *data,
           GPtrArray    **slot,
           GObject       *source,
           GAsyncResult  *result)
{
  g_autoptr(GError) error = NULL;

  *slot = vz_api_client_list_all_finish (VZ_API_CLIENT (source), result, &error);
  if (*slot == NULL && data->error == NULL)
    data->error = g_steal_pointer (&error);
  if (--data->pending == 0)
    displays_done (data);
}

static void
on_displays_list (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  DisplaysData *data = user_data;

  list_done (data, &data->displays, source, result);
}

static void
on_groups_list (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  DisplaysData *data = user_data;

  list_done (data, &data->groups, source, result);
}

static int
cmd_displays (Cli   *cli,
              int    argc,
              char **argv)
{
  DisplaysData data = { cli, NULL, NULL, NULL, 0 };
  GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &cli->json, N_("Print a JSON array, as the server sent it"), NULL },
    { NULL }
  };
  VzApiClient *api = vz_session_get_api_client (cli->session);

  if (!parse_command_options ("displays", NULL, _("Lists the screens."), entries, &argc, &argv))
    return EXIT_USAGE;
  if (argc > 1)
    {
      g_printerr ("vizoractl displays: %s\n", _("This command takes no arguments."));
      return EXIT_USAGE;
    }
  if (!require_token (cli))
    return cli->status;

  data.pending = cli->json ? 1 : 2;
  vz_api_client_list_all_async (api, "/displays", NULL, on_displays_list, &data);
  if (!cli->json)
    vz_api_client_list_all_async (api, "/display-groups", NULL, on_groups_list, &data);
  g_main_loop_run (cli->loop);

  g_clear_pointer (&data.displays, g_ptr_array_unref);
  g_clear_pointer (&data.groups, g_ptr_array_unref);
  g_clear_error (&data.error);
  return cli->status;
}

/* ------------------------------------------------------------------------ */
/* pair                                                                     */

static void
on_paired (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  Cli *cli = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(VzDisplay) display = vz_sync_engine_pair_display_finish (VZ_SYNC_ENGINE (source), result, &error);

  if (display == NULL)
    {
      fail (cli, status_for_error (error), "%s", error->message);
      return;
    }
  g_print (_("Paired “%s” (%s).\n"),
           vz_display_get_display_name (display) ? vz_display_get_display_name (display) : "",
           vz_entity_get_id (VZ_ENTITY (display)));
  cli->status = EXIT_OK;
  g_main_loop_quit (cli->loop);
}

static gboolean
valid_code (const char *code)
{
  static const char alphabet[] = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789";

  if (strlen (code) != 6)
    return FALSE;
  for (guint i = 0; i < 6; i++)
    if (strchr (alphabet, g_ascii_toupper (code[i])) == NULL)
      return FALSE;
  return TRUE;
}

static int
cmd_pair (Cli   *cli,
          int    argc,
          char **argv)
{
  g_autofree char *name = NULL;
  g_autofree char *location = NULL;
  g_autoptr(VzSyncEngine) engine = NULL;
  GOptionEntry entries[] = {
    { "name", 0, 0, G_OPTION_ARG_STRING, &name, N_("Name for the screen"), "NAME" },
    { "location", 0, 0, G_OPTION_ARG_STRING, &location, N_("Where the screen is"), "LOCATION" },
    { NULL }
  };

  if (!parse_command_options ("pair", "CODE", _("Pairs the screen that shows CODE."), entries, &argc, &argv))
    return EXIT_USAGE;
  if (argc != 2)
    {
      g_printerr ("vizoractl pair: %s\n", _("Give the 6-character code the screen shows."));
      return EXIT_USAGE;
    }
  if (!valid_code (argv[1]))
    {
      g_printerr ("vizoractl pair: %s\n",
                  _("A pairing code has 6 characters: letters and the digits 2–9 (no 0, 1, I or O)."));
      return EXIT_USAGE;
    }
  if (!require_token (cli))
    return cli->status;

  /* Through the sync engine, like every change the app makes. */
  engine = vz_sync_engine_new (cli->session);
  vz_sync_engine_pair_display_async (engine, argv[1], name, location, NULL, on_paired, cli);
  g_main_loop_run (cli->loop);
  return cli->status;
}

/* ------------------------------------------------------------------------ */
/* watch                                                                    */

void
print_event_json (const char *name,
                  JsonNode   *payload)
{
  g_autoptr(GString) line = g_string_new ("{\"event\":");
  g_autoptr(JsonNode) name_node = json_node_init_string (json_node_alloc (), name);

  vz_wire_json_append (line, name_node);
  g_string_append (line, ",\"payload\":");
  if (payload != NULL)
    vz_wire_json_append (line, payload);
  else
    g_string_append (line, "null");
  g_string_append (line, "}\n");
  /* One line per event, flushed, so `watch | jq` sees each at once. */
  fputs (line->str, stdout);
  fflush (stdout);
}

static void
on_event (VzRealtimeClient *client,
          const char       *name,
          JsonNode         *payload,
          gint64            ack_id,
          Cli              *cli)
{
  print_event_json (name, payload);

  if (cli->count > 0 && ++cli->seen >= cli->count)
    {
      cli->status = EXIT_OK;
      g_main_loop_quit (cli->loop);
    }
}

static void
on_auth_failed (VzRealtimeClient *client,
                const char       *message,
                Cli              *cli)
{
  fail (cli, EXIT_AUTH, _("The server refused the sign-in: %s"),
        message != NULL && *message != '\0' ? message : _("no reason given"));
}

static int
cmd_watch (Cli   *cli,
           int    argc,
           char **argv)
{
  g_autoptr(VzRealtimeClient) client = NULL;
  g_autofree char *token = NULL;
  GOptionEntry entries[] = {
    { "count", 0, 0, G_OPTION_ARG_INT64, &cli->count, N_("Stop after N events"), "N" },
    { NULL }
  };

  if (!parse_command_options ("watch", NULL,
                              _("Prints every realtime event as one JSON line: {\"event\":…,\"payload\":…}."),
                              entries, &argc, &argv))
    return EXIT_USAGE;
  if (argc > 1 || cli->count < 0)
    {
      g_printerr ("vizoractl watch: %s\n", _("Use --count N with N of 1 or more, or leave it out."));
      return EXIT_USAGE;
    }
  token = load_token (cli->server_url);
  if (token == NULL)
    {
      fail (cli, EXIT_AUTH, _("You are not signed in to %s. Run “vizoractl login” or set VIZORA_TOKEN."),
            cli->server_url);
      return cli->status;
    }

  client = vz_realtime_client_new (cli->realtime_url != NULL ? cli->realtime_url : cli->server_url);
  vz_realtime_client_set_token (client, token);
  g_signal_connect (client, "event", G_CALLBACK (on_event), cli);
  g_signal_connect (client, "auth-failed", G_CALLBACK (on_auth_failed), cli);
  vz_realtime_client_start (client);
  g_main_loop_run (cli->loop);
  vz_realtime_client_stop (client);
  return cli->status;
}

/* ------------------------------------------------------------------------ */

static const char *description =
  N_("Commands:\n"
     "  login --email EMAIL [--password-file FILE]  Sign in and keep the token (the password\n"
     "                                              also comes from VIZORA_PASSWORD or standard input)\n"
     "  displays [--json]                           List the screens\n"
     "  pair CODE [--name NAME] [--location PLACE]  Pair a screen by its code\n"
     "  watch [--count N]                           Print realtime events as JSON lines\n"
     "  set DISPLAY [--name N] [--location L] [--description D]\n"
     "                                              Change a screen (id or unique name)\n"
     "  delete DISPLAY                              Delete a screen\n"
     "  outbox [list [--json]|count|flush|retry ID|discard ID]\n"
     "                                              The changes waiting for the server\n"
     "  playlists [--json]                          List the playlists\n"
     "  playlist show ID [--json]                   A playlist’s items, numbered\n"
     "  playlist reorder ID ITEM…                   Put every item in a new order (item ids\n"
     "                                              or the numbers “playlist show” prints)\n"
     "  upload FILE… [--name NAME] [--json]         Upload files into the content library\n"
     "  alerts [--watch [--count N]] [--json]       The newest alerts and notifications; with\n"
     "                                              --watch, then each new or resolved one\n"
     "  proof-of-play --from DAY --to DAY [--csv|--json]\n"
     "                                              What the screens showed (DAY: YYYY-MM-DD)\n"
     "  schedules [--json]                          List the schedules\n"
     "  schedule check --display ID|--group ID [--days DAYS] [--from HH:MM --to HH:MM]\n"
     "                 [--priority N] [--name NAME] [--exclude ID]\n"
     "                                              Which schedules a new one would share\n"
     "                                              time with, and which would win there\n"
     "\n"
     "Changes go through the account’s queue of pending changes, shared with the\n"
     "app: they are saved first, then sent. While the server cannot be reached\n"
     "they stay queued (the command says so and succeeds); “outbox flush” sends\n"
     "them later.\n"
     "\n"
     "The access token comes from “login” (kept per server in the keyring, the\n"
     "Secret Service) or from the VIZORA_TOKEN environment variable.\n"
     "\n"
     "Exit status: 0 success, 1 failure, 2 wrong usage, 3 not signed in or refused.");

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *server = NULL;
  g_autofree char *realtime = NULL;
  gboolean version = FALSE;
  Cli cli = { 0, };
  const char *command;
  int status;
  GOptionEntry entries[] = {
    { "server", 's', 0, G_OPTION_ARG_STRING, &server, N_("Server address (default: $VIZORA_SERVER or " DEFAULT_SERVER ")"), "URL" },
    { "realtime-url", 0, 0, G_OPTION_ARG_STRING, &realtime, N_("Realtime address, when it differs from the server’s"), "URL" },
    { "version", 0, 0, G_OPTION_ARG_NONE, &version, N_("Print the version"), NULL },
    { NULL }
  };

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  context = g_option_context_new (_("COMMAND [OPTIONS…]"));
  g_option_context_set_summary (context, _("Manage Vizora screens from the command line."));
  g_option_context_set_description (context, _(description));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  /* Options after the command belong to the command. */
  g_option_context_set_strict_posix (context, TRUE);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("vizoractl: %s\n", error->message);
      return EXIT_USAGE;
    }
  if (version)
    {
      g_print ("vizoractl %s\n", PACKAGE_VERSION);
      return EXIT_OK;
    }
  if (argc < 2)
    {
      g_autofree char *help = g_option_context_get_help (context, TRUE, NULL);

      g_printerr ("%s", help);
      return EXIT_USAGE;
    }

  if (server == NULL)
    server = g_strdup (g_getenv ("VIZORA_SERVER"));
  if (server == NULL || *server == '\0')
    {
      g_free (server);
      server = g_strdup (DEFAULT_SERVER);
    }
  while (g_str_has_suffix (server, "/"))
    server[strlen (server) - 1] = '\0';
  if (!g_str_has_prefix (server, "http://") && !g_str_has_prefix (server, "https://"))
    {
      g_printerr ("vizoractl: %s\n", _("The server address must start with http:// or https://."));
      return EXIT_USAGE;
    }

  cli.loop = g_main_loop_new (NULL, FALSE);
  cli.server_url = server;
  cli.realtime_url = realtime;
  cli.session = vz_session_new (server);
  if (realtime != NULL)
    vz_session_set_realtime_url (cli.session, realtime);
  cli.status = EXIT_FAILED;

  command = argv[1];
  if (strcmp (command, "login") == 0)
    status = cmd_login (&cli, argc - 1, argv + 1);
  else if (strcmp (command, "displays") == 0)
    status = cmd_displays (&cli, argc - 1, argv + 1);
  else if (strcmp (command, "pair") == 0)
    status = cmd_pair (&cli, argc - 1, argv + 1);
  else if (strcmp (command, "watch") == 0)
    status = cmd_watch (&cli, argc - 1, argv + 1);
  else if (strcmp (command, "set") == 0)
    status = cmd_set (&cli, argc - 1, argv + 1);
  else if (strcmp (command, "delete") == 0)
    status = cmd_delete (&cli, argc - 1, argv + 1);
  else if (strcmp (command, "outbox") == 0)
    status = cmd_outbox (&cli, argc - 1, argv + 1);
  else if (strcmp (command, "playlists") == 0)
    status = cmd_playlists (&cli, argc - 1, argv + 1);
  else if (strcmp (command, "playlist") == 0)
    status = cmd_playlist (&cli, argc - 1, argv + 1);
  else if (strcmp (command, "upload") == 0)
    status = cmd_upload (&cli, argc - 1, argv + 1);
  else if (strcmp (command, "alerts") == 0)
    status = cmd_alerts (&cli, argc - 1, argv + 1);
  else if (strcmp (command, "proof-of-play") == 0)
    status = cmd_proof_of_play (&cli, argc - 1, argv + 1);
  else if (strcmp (command, "schedules") == 0)
    status = cmd_schedules (&cli, argc - 1, argv + 1);
  else if (strcmp (command, "schedule") == 0)
    status = cmd_schedule (&cli, argc - 1, argv + 1);
  else
    {
      g_printerr ("vizoractl: %s\n", _("Unknown command. Run “vizoractl --help” for the list."));
      status = EXIT_USAGE;
    }

  g_clear_object (&cli.session);
  g_main_loop_unref (cli.loop);
  return status;
}
