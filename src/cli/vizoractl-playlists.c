/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vizoractl"

/* vizoractl playlists, playlist show|reorder, upload: the content and
 * playlists over the same core as the app (vz-playlist-resource.h,
 * vz-content-upload.h). */

#include "config.h"

#include <glib/gi18n.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "vizoractl-private.h"
#include "vz-content-resource.h"
#include "vz-content-upload.h"
#include "vz-playlist-resource.h"
#include "vz-store.h"
#include "vz-sync-engine.h"

/* "1:05", "1:02:05" */
static char *
format_seconds (guint seconds)
{
  if (seconds >= 3600)
    return g_strdup_printf ("%u:%02u:%02u", seconds / 3600, seconds / 60 % 60, seconds % 60);
  return g_strdup_printf ("%u:%02u", seconds / 60, seconds % 60);
}

static gboolean
no_arguments_beyond (const char *command,
                     int         argc,
                     int         wanted)
{
  if (argc == wanted)
    return TRUE;
  g_printerr ("vizoractl %s: %s\n", command, _("Wrong number of arguments. See “vizoractl --help”."));
  return FALSE;
}

/* ------------------------------------------------------------------------ */
/* playlists                                                                */

int
cmd_playlists (Cli   *cli,
               int    argc,
               char **argv)
{
  GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &cli->json, N_("Print a JSON array, as the server sent it"), NULL },
    { NULL }
  };
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) objects = NULL;
  g_autoptr(VzStore) playlists = vz_store_new (VZ_TYPE_PLAYLIST);
  g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func ((GDestroyNotify) g_strfreev);
  const char *headers[] = { _("NAME"), _("ITEMS"), _("DURATION"), _("LOOP"), _("ID"), NULL };
  guint n;

  if (!parse_command_options ("playlists", NULL, _("Lists the playlists."), entries, &argc, &argv))
    return EXIT_USAGE;
  if (!no_arguments_beyond ("playlists", argc, 1))
    return EXIT_USAGE;
  if (!require_token (cli))
    return cli->status;

  vz_api_client_list_all_async (vz_session_get_api_client (cli->session), vz_playlist_resource.collection, NULL,
                                keep_result, &result);
  objects = vz_api_client_list_all_finish (vz_session_get_api_client (cli->session), wait_result (&result), &error);
  if (objects == NULL)
    {
      fail (cli, status_for_error (error), "%s", error->message);
      return cli->status;
    }
  if (cli->json)
    {
      print_json_list (objects);
      return EXIT_OK;
    }

  /* Records that do not decode are left out but reported. */
  if (!vz_store_replace_all (playlists, objects, &error))
    g_printerr ("vizoractl: %s\n", error->message);
  g_ptr_array_add (rows, g_strdupv ((GStrv) headers));
  n = g_list_model_get_n_items (G_LIST_MODEL (playlists));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(VzPlaylist) playlist = g_list_model_get_item (G_LIST_MODEL (playlists), i);
      char **row = g_new0 (char *, 6);

      row[0] = g_strdup (vz_playlist_get_name (playlist) != NULL ? vz_playlist_get_name (playlist) : "");
      row[1] = g_strdup_printf ("%u", vz_playlist_get_item_count (playlist));
      row[2] = format_seconds (vz_playlist_get_total_duration (playlist));
      row[3] = g_strdup (vz_playlist_get_loop (playlist) ? _("yes") : _("no"));
      row[4] = g_strdup (vz_entity_get_id (VZ_ENTITY (playlist)));
      g_ptr_array_add (rows, row);
    }
  print_rows (rows);
  if (n == 0)
    g_print ("%s\n", _("No playlists yet."));
  return EXIT_OK;
}

/* ------------------------------------------------------------------------ */
/* playlist show ID, playlist reorder ID ITEM…                              */

/* The playlist as the server has it now, or NULL once the reason is said. */
static VzPlaylist *
read_playlist (Cli        *cli,
               const char *id,
               JsonNode  **raw)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) payload = NULL;
  g_autofree char *escaped = g_uri_escape_string (id, NULL, FALSE);
  g_autofree char *path = g_strdup_printf ("%s/%s", vz_playlist_resource.collection, escaped);
  VzEntity *playlist;

  vz_api_client_request_async (vz_session_get_api_client (cli->session), "GET", path, NULL, NULL,
                               keep_result, &result);
  payload = vz_api_client_request_finish (vz_session_get_api_client (cli->session), wait_result (&result), &error);
  if (payload != NULL && !JSON_NODE_HOLDS_OBJECT (payload))
    g_set_error_literal (&error, VZ_API_ERROR, VZ_API_ERROR_INVALID_RESPONSE,
                         _("The server sent something else than a playlist."));
  playlist = error == NULL ? vz_entity_new_from_json (VZ_TYPE_PLAYLIST, json_node_get_object (payload), &error) : NULL;
  if (playlist == NULL)
    {
      fail (cli, status_for_error (error), "%s", error->message);
      return NULL;
    }
  if (raw != NULL)
    *raw = g_steal_pointer (&payload);
  return VZ_PLAYLIST (playlist);
}

static int
playlist_show (Cli   *cli,
               int    argc,
               char **argv)
{
  g_autoptr(VzPlaylist) playlist = NULL;
  g_autoptr(JsonNode) raw = NULL;
  g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func ((GDestroyNotify) g_strfreev);
  g_autofree char *total = NULL;
  const char *headers[] = { "#", _("CONTENT"), _("TYPE"), _("PLAYS FOR"), _("ITEM ID"), NULL };
  GListModel *items;

  if (!no_arguments_beyond ("playlist show", argc, 2))
    return EXIT_USAGE;
  if (!require_token (cli) || (playlist = read_playlist (cli, argv[1], &raw)) == NULL)
    return cli->status;
  if (cli->json)
    {
      g_autoptr(GPtrArray) one = g_ptr_array_new ();

      g_ptr_array_add (one, json_node_get_object (raw));
      print_json_list (one);
      return EXIT_OK;
    }

  total = format_seconds (vz_playlist_get_total_duration (playlist));
  g_print (_("%s: %u items, %s%s\n"), vz_playlist_get_name (playlist) != NULL ? vz_playlist_get_name (playlist) : "",
           vz_playlist_get_item_count (playlist), total, vz_playlist_get_loop (playlist) ? _(", loops") : "");
  g_ptr_array_add (rows, g_strdupv ((GStrv) headers));
  items = vz_playlist_get_items (playlist);
  for (guint i = 0; i < g_list_model_get_n_items (items); i++)
    {
      g_autoptr(VzPlaylistItem) item = g_list_model_get_item (items, i);
      const char *name = vz_playlist_item_get_content_name (item);
      char **row = g_new0 (char *, 6);

      row[0] = g_strdup_printf ("%u", i + 1);
      row[1] = g_strdup (name != NULL ? name : vz_playlist_item_get_content_id (item));
      row[2] = g_strdup (vz_content_type_to_label (vz_playlist_item_get_content_type (item)));
      row[3] = format_seconds (vz_playlist_item_get_effective_duration (item));
      row[4] = g_strdup (vz_playlist_item_get_id (item));
      g_ptr_array_add (rows, row);
    }
  print_rows (rows);
  return EXIT_OK;
}

/* An item named by its id, or by its place as “playlist show” numbers it. */
static const char *
item_named (VzPlaylist *playlist,
            const char *word)
{
  GListModel *items = vz_playlist_get_items (playlist);
  guint64 number;
  g_autoptr(VzPlaylistItem) item = NULL;

  if (vz_playlist_find_item (playlist, word, NULL) != NULL)
    return vz_playlist_item_get_id (vz_playlist_find_item (playlist, word, NULL));
  if (!g_ascii_string_to_unsigned (word, 10, 1, g_list_model_get_n_items (items), &number, NULL))
    return NULL;
  item = g_list_model_get_item (items, (guint) number - 1);
  return vz_playlist_item_get_id (item);
}

static int
playlist_reorder (Cli   *cli,
                  int    argc,
                  char **argv)
{
  g_auto(Changes) ch = { 0, };
  g_autoptr(VzPlaylist) playlist = NULL;
  g_autoptr(JsonObject) args = json_object_new ();
  g_autoptr(JsonObject) changes = NULL;
  g_autoptr(JsonObject) previous = NULL;
  g_autoptr(JsonNode) body = NULL;
  g_autoptr(VzMutation) m = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *method = NULL;
  g_autofree char *path = NULL;
  g_autofree char *done_text = NULL;
  const VzResourceEdit *reorder = vz_resource_find_edit (&vz_playlist_resource, VZ_PLAYLIST_EDIT_REORDER);
  JsonArray *order = json_array_new ();
  const char *ids[2] = { NULL, NULL };

  json_object_set_array_member (args, "order", order);
  if (argc < 3)
    {
      g_printerr ("vizoractl playlist reorder: %s\n", _("Name the playlist and its items in their new order."));
      return EXIT_USAGE;
    }
  if (!open_account (cli, &ch, TRUE))
    return cli->status;
  if (!ch.online)
    {
      /* The items' ids and the new order need the playlist as it is now. */
      fail (cli, EXIT_FAILED, _("The server cannot be reached: %s"), ch.offline_reason);
      return cli->status;
    }
  if ((playlist = read_playlist (cli, argv[1], NULL)) == NULL)
    return cli->status;

  for (int i = 2; i < argc; i++)
    {
      const char *item = item_named (playlist, argv[i]);

      if (item == NULL)
        {
          fail (cli, EXIT_USAGE, _("“%s” is not an item of this playlist (see “vizoractl playlist show %s”)."),
                argv[i], argv[1]);
          return cli->status;
        }
      json_array_add_string_element (order, item);
    }
  if (!vz_resource_build_edit (reorder, VZ_ENTITY (playlist), args, &changes, &previous, &error))
    {
      fail (cli, EXIT_USAGE, "%s", error->message);
      return cli->status;
    }
  if (changes == NULL)
    {
      g_print (_("The playlist is already in this order.\n"));
      return EXIT_OK;
    }

  vz_resource_edit_request (reorder, VZ_ENTITY (playlist), changes, &method, &path, &body);
  ids[0] = vz_entity_get_id (VZ_ENTITY (playlist));
  m = g_object_new (VZ_TYPE_MUTATION,
                    "entity-kind", vz_playlist_resource.name,
                    "entity-ids", ids,
                    "operation", VZ_MUTATION_OP_EDIT,
                    "method", method,
                    "path", path,
                    "body", body,
                    "changes", changes,
                    "previous", previous,
                    NULL);
  done_text = g_strdup_printf (_("Reordered “%s”."), vz_playlist_get_name (playlist) != NULL
                                                      ? vz_playlist_get_name (playlist) : ids[0]);
  return queue_and_send (&ch, m, done_text);
}

int
cmd_playlist (Cli   *cli,
              int    argc,
              char **argv)
{
  GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &cli->json, N_("show: print the playlist as the server sent it"), NULL },
    { NULL }
  };

  if (!parse_command_options ("playlist", "show ID | reorder ID ITEM…",
                              _("Shows a playlist, or puts its items in a new order (by item id or number)."),
                              entries, &argc, &argv))
    return EXIT_USAGE;
  if (argc >= 2 && strcmp (argv[1], "show") == 0)
    return playlist_show (cli, argc - 1, argv + 1);
  if (argc >= 2 && strcmp (argv[1], "reorder") == 0)
    return playlist_reorder (cli, argc - 1, argv + 1);
  g_printerr ("vizoractl playlist: %s\n", _("Say “show ID” or “reorder ID ITEM…”."));
  return EXIT_USAGE;
}

/* ------------------------------------------------------------------------ */
/* upload FILE…                                                             */

typedef struct {
  const char *name;
  gboolean    terminal;
  gint64      last;    /* monotonic µs of the last line drawn */
} Progress;

static void
on_upload_progress (goffset  sent,
                    goffset  total,
                    gpointer user_data)
{
  Progress *progress = user_data;
  gint64 now = g_get_monotonic_time ();
  g_autofree char *sent_text = NULL;
  g_autofree char *total_text = NULL;

  /* Ten lines a second are plenty for a person. */
  if (!progress->terminal || (now - progress->last < G_USEC_PER_SEC / 10 && sent < total))
    return;
  progress->last = now;
  sent_text = g_format_size (sent);
  total_text = g_format_size (total);
  g_printerr ("\r\033[K%s  %3d%%  %s / %s", progress->name, total > 0 ? (int) (sent * 100 / total) : 0,
              sent_text, total_text);
}

int
cmd_upload (Cli   *cli,
            int    argc,
            char **argv)
{
  g_autofree char *name = NULL;
  GOptionEntry entries[] = {
    { "name", 0, 0, G_OPTION_ARG_STRING, &name, N_("Name for the content (one file only; default: the file’s name)"),
      "NAME" },
    { "json", 0, 0, G_OPTION_ARG_NONE, &cli->json, N_("Print each new content item as a JSON line"), NULL },
    { NULL }
  };
  g_autoptr(VzSyncEngine) engine = NULL;
  int status = EXIT_OK;

  if (!parse_command_options ("upload", "FILE…", _("Uploads files into the content library."), entries, &argc, &argv))
    return EXIT_USAGE;
  if (argc < 2 || (name != NULL && argc > 2))
    {
      g_printerr ("vizoractl upload: %s\n", argc < 2 ? _("Name at least one file.") : _("--name takes one file."));
      return EXIT_USAGE;
    }
  if (!require_token (cli))
    return cli->status;

  engine = vz_sync_engine_new (cli->session);
  for (int i = 1; i < argc; i++)
    {
      g_autoptr(GFile) file = g_file_new_for_commandline_arg (argv[i]);
      g_autofree char *basename = g_file_get_basename (file);
      g_autoptr(GAsyncResult) result = NULL;
      g_autoptr(GError) error = NULL;
      g_autoptr(VzContent) content = NULL;
      Progress progress = { basename, isatty (STDERR_FILENO), 0 };

      vz_sync_engine_upload_content_async (engine, file, name, NULL, on_upload_progress, &progress, NULL, NULL,
                                           keep_result, &result);
      content = vz_sync_engine_upload_content_finish (engine, wait_result (&result), &error);
      if (progress.terminal && progress.last != 0)
        g_printerr ("\r\033[K");
      if (content == NULL)
        {
          g_printerr ("vizoractl: %s\n", error->message);
          status = status == EXIT_OK ? status_for_error (error) : status;
          continue;
        }
      if (cli->json)
        {
          g_autoptr(GString) line = g_string_new (NULL);

          vz_entity_to_json (VZ_ENTITY (content), line);
          g_print ("%s\n", line->str);
        }
      else
        g_print (_("Uploaded “%s” as “%s” (%s)\n"), basename, vz_content_get_name (content),
                 vz_entity_get_id (VZ_ENTITY (content)));
    }
  return status;
}
