/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vizoractl"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "vz-display.h"
#include "vz-display-group-resource.h"
#include "vz-display-resource.h"
#include "vz-mutation.h"
#include "vz-session.h"
#include "vz-snapshot.h"
#include "vz-store.h"

#include "vizoractl-private.h"

/*
 * `vizoractl set` and `vizoractl delete`: a change to one screen, named by
 * its id or by a name only it has, as the server knows it or, while the
 * server is away, as the account's saved fleet (the app's snapshot) does.
 * Every fleet read online is kept as that saved fleet. The change itself
 * goes through the outbox (vizoractl-changes.c).
 */

/* --- finding the screen ------------------------------------------------- */

/* The account's saved fleet at @path, with a store for every kind of
 * record, as the app saves it. */
static VzSnapshot *
fleet_snapshot_new (const char *path)
{
  const VzResource * const *kinds = vz_resource_catalogue ();
  VzSnapshot *snapshot = vz_snapshot_new (path);

  for (guint i = 0; kinds[i] != NULL; i++)
    {
      g_autoptr(VzStore) store = vz_store_new (kinds[i]->entity_type ());

      vz_snapshot_add_store (snapshot, kinds[i]->snapshot_member, store);
    }
  return snapshot;
}

/* Keeps the fleet just read as the account's saved fleet (the app's
 * snapshot), so that scripts can name screens while the server is away. */
static void
remember_fleet (Changes   *ch,
                GPtrArray *display_objects)
{
  VzApiClient *api = vz_session_get_api_client (ch->cli->session);
  g_autofree char *path = vz_snapshot_path_beside (ch->outbox_path);
  g_autoptr(VzSnapshot) snapshot = fleet_snapshot_new (path);
  VzStore *displays = vz_snapshot_get_store (snapshot, vz_display_resource.snapshot_member);
  VzStore *groups = vz_snapshot_get_store (snapshot, vz_display_group_resource.snapshot_member);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GPtrArray) group_objects = NULL;
  g_autoptr(GError) error = NULL;

  /* Saved by hand (vz_snapshot_save), never on a timer: this process is short. */
  vz_snapshot_set_paused (snapshot, TRUE);

  /* A partial fleet must not replace a whole one: groups too, or nothing. */
  vz_api_client_list_all_async (api, "/display-groups", NULL, keep_result, &result);
  group_objects = vz_api_client_list_all_finish (api, wait_result (&result), &error);
  if (group_objects == NULL)
    return;
  vz_store_replace_all (groups, group_objects, NULL);
  vz_store_replace_all (displays, display_objects, NULL);
  if (!vz_snapshot_save (snapshot, &error))
    g_debug ("%s", error->message);
  g_set_object (&ch->fleet, snapshot);
}

/* Right after a sign-in the account and its fleet are remembered, so that a
 * change made while the server is away is queued and can name its screen,
 * as after any command that reached the server. Reading the fleet is a
 * courtesy: the sign-in stands without it. */
void
remember_login (Cli *cli)
{
  VzApiClient *api = vz_session_get_api_client (cli->session);
  g_auto(Changes) ch = { 0, };
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GPtrArray) all = NULL;
  g_autoptr(GError) error = NULL;

  ch.cli = cli;
  ch.outbox_path = remember_account (cli);
  vz_api_client_list_all_async (api, "/displays", NULL, keep_result, &result);
  all = vz_api_client_list_all_finish (api, wait_result (&result), &error);
  if (all == NULL)
    {
      g_debug ("The fleet could not be read after signing in: %s", error->message);
      return;
    }
  remember_fleet (&ch, all);
}

/* The screen @wanted names (an id, or a name only one screen has), as the
 * server or, offline, the app's saved fleet knows it. NULL with cli->status
 * set when it cannot be found; *known FALSE when offline with nothing saved
 * and @wanted is an id (the change is then made without a base). */
static JsonObject *
find_display (Changes    *ch,
              const char *wanted,
              gboolean   *known)
{
  Cli *cli = ch->cli;
  g_autoptr(GPtrArray) all = NULL;
  g_autoptr(GError) error = NULL;
  JsonObject *by_name = NULL;
  guint named = 0;

  *known = TRUE;
  if (ch->online)
    {
      g_autoptr(GAsyncResult) result = NULL;

      vz_api_client_list_all_async (vz_session_get_api_client (cli->session), "/displays", NULL,
                                    keep_result, &result);
      all = vz_api_client_list_all_finish (vz_session_get_api_client (cli->session), wait_result (&result), &error);
      if (all == NULL && !is_unreachable_error (error))
        {
          fail (cli, status_for_error (error), "%s", error->message);
          return NULL;
        }
      if (all == NULL)
        ch->online = FALSE;
      else
        remember_fleet (ch, all);
      g_clear_error (&error);
    }
  if (all == NULL)
    {
      g_autofree char *path = vz_snapshot_path_beside (ch->outbox_path);
      g_autoptr(VzSnapshot) snapshot = fleet_snapshot_new (path);
      VzStore *displays = vz_snapshot_get_store (snapshot, vz_display_resource.snapshot_member);
      g_autoptr(GDateTime) taken = vz_snapshot_load (snapshot, &error);

      all = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);
      if (taken != NULL)
        for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (displays)); i++)
          {
            g_autoptr(VzDisplay) d = g_list_model_get_item (G_LIST_MODEL (displays), i);
            JsonObject *obj = json_object_new ();

            json_object_set_string_member (obj, "id", vz_entity_get_id (VZ_ENTITY (d)));
            if (vz_entity_get_updated_at (VZ_ENTITY (d)) != NULL)
              json_object_set_string_member (obj, "updatedAt", vz_entity_get_updated_at (VZ_ENTITY (d)));
            json_object_set_string_member (obj, "nickname", vz_display_get_nickname (d));
            json_object_set_string_member (obj, "location", vz_display_get_location (d));
            json_object_set_string_member (obj, "description", vz_display_get_description (d));
            g_ptr_array_add (all, obj);
          }
      else if (g_uuid_string_is_valid (wanted))
        {
          *known = FALSE;
          return NULL;
        }
      else
        {
          fail (cli, EXIT_FAILED,
                _("The server is not reachable and no saved fleet knows a screen called “%s”. Use the screen’s id."),
                wanted);
          return NULL;
        }
    }

  for (guint i = 0; i < all->len; i++)
    {
      JsonObject *obj = g_ptr_array_index (all, i);
      const char *id = peer_string (obj, "id", NULL);
      const char *nickname = peer_string (obj, "nickname", NULL);

      if (g_strcmp0 (id, wanted) == 0)
        return json_object_ref (obj);
      if (g_strcmp0 (nickname, wanted) == 0)
        {
          named++;
          by_name = obj;
        }
    }
  if (named == 1)
    return json_object_ref (by_name);
  if (named > 1)
    fail (cli, EXIT_FAILED, _("%u screens are called “%s”. Use the screen’s id (see “vizoractl displays”)."),
          named, wanted);
  else if (!ch->online && g_uuid_string_is_valid (wanted))
    {
      /* Paired after the saved fleet was taken: it may well exist. */
      *known = FALSE;
      return NULL;
    }
  else
    fail (cli, EXIT_FAILED, _("No screen has the name or id “%s”."), wanted);
  return NULL;
}

static void
copy_member (JsonObject *to,
             const char *to_name,
             JsonObject *from,
             const char *from_name)
{
  JsonNode *node = from != NULL ? json_object_get_member (from, from_name) : NULL;

  if (node != NULL && JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING)
    json_object_set_string_member (to, to_name, json_node_get_string (node));
  else
    json_object_set_null_member (to, to_name);
}

/* --- set, delete -------------------------------------------------------- */

int
cmd_set (Cli   *cli,
         int    argc,
         char **argv)
{
  g_autofree char *name = NULL;
  g_autofree char *location = NULL;
  g_autofree char *description = NULL;
  GOptionEntry entries[] = {
    { "name", 0, 0, G_OPTION_ARG_STRING, &name, N_("New name"), "NAME" },
    { "location", 0, 0, G_OPTION_ARG_STRING, &location, N_("New location (empty: none)"), "PLACE" },
    { "description", 0, 0, G_OPTION_ARG_STRING, &description, N_("New description (empty: none)"), "TEXT" },
    { NULL }
  };
  g_auto(Changes) ch = { 0, };
  g_autoptr(JsonObject) display = NULL;
  g_autoptr(JsonObject) changes = json_object_new ();
  g_autoptr(JsonObject) previous = NULL;
  g_autoptr(JsonNode) body = json_node_new (JSON_NODE_OBJECT);
  g_autoptr(VzMutation) m = NULL;
  g_autoptr(GString) what = g_string_new (NULL);
  g_autofree char *path = NULL;
  g_autofree char *done_text = NULL;
  const char *id;
  const char *label;
  gboolean known;

  if (!parse_command_options ("set", "DISPLAY", _("Changes a screen (by id or name); queued while the server is away."),
                              entries, &argc, &argv))
    return EXIT_USAGE;
  if (argc != 2 || (name == NULL && location == NULL && description == NULL))
    {
      g_printerr ("vizoractl set: %s\n", _("Name one screen and at least one of --name, --location, --description."));
      return EXIT_USAGE;
    }
  if (name != NULL && *g_strstrip (name) == '\0')
    {
      g_printerr ("vizoractl set: %s\n", _("A screen’s name cannot be empty."));
      return EXIT_USAGE;
    }

  if (!open_account (cli, &ch, TRUE))
    return cli->status;
  display = find_display (&ch, argv[1], &known);
  if (display == NULL && known)
    return cli->status;

  id = display != NULL ? peer_string (display, "id", argv[1]) : argv[1];
  label = display != NULL ? peer_string (display, "nickname", id) : id;
  if (label == NULL)
    label = id;

  if (display != NULL)
    previous = json_object_new ();
#define ADD_CHANGE(wire, value, server_name) \
  G_STMT_START { \
    if ((value) != NULL) \
      { \
        if (*(value) == '\0' && !g_str_equal ((wire), "name")) \
          json_object_set_null_member (changes, (wire)); \
        else \
          json_object_set_string_member (changes, (wire), (value)); \
        if (previous != NULL) \
          copy_member (previous, (wire), display, (server_name)); \
        g_string_append_printf (what, "%s%s “%s”", what->len > 0 ? ", " : "", (wire), (value)); \
      } \
  } G_STMT_END
  ADD_CHANGE ("name", name, "nickname");
  ADD_CHANGE ("location", location, "location");
  ADD_CHANGE ("description", description, "description");
#undef ADD_CHANGE

  json_node_set_object (body, changes);
  path = g_strconcat ("/displays/", id, NULL);
  m = vz_mutation_new ("display", id, VZ_MUTATION_OP_UPDATE, "PATCH", path, body,
                       display != NULL ? peer_string (display, "updatedAt", NULL) : NULL,
                       changes, previous);
  done_text = g_strdup_printf (_("Changed “%s”: %s."), label, what->str);
  return queue_and_send (&ch, m, done_text);
}

int
cmd_delete (Cli   *cli,
            int    argc,
            char **argv)
{
  GOptionEntry entries[] = { { NULL } };
  g_auto(Changes) ch = { 0, };
  g_autoptr(JsonObject) display = NULL;
  g_autoptr(VzMutation) m = NULL;
  g_autofree char *path = NULL;
  g_autofree char *done_text = NULL;
  const char *id;
  gboolean known;

  if (!parse_command_options ("delete", "DISPLAY", _("Deletes a screen (by id or name); queued while the server is away."),
                              entries, &argc, &argv))
    return EXIT_USAGE;
  if (argc != 2)
    {
      g_printerr ("vizoractl delete: %s\n", _("Name exactly one screen, by id or name."));
      return EXIT_USAGE;
    }

  if (!open_account (cli, &ch, TRUE))
    return cli->status;
  display = find_display (&ch, argv[1], &known);
  if (display == NULL && known)
    return cli->status;

  id = display != NULL ? peer_string (display, "id", argv[1]) : argv[1];
  path = g_strconcat ("/displays/", id, NULL);
  /* "previous" keeps the whole screen, so the app can show it again if the
   * delete is refused. */
  m = vz_mutation_new ("display", id, VZ_MUTATION_OP_DELETE, "DELETE", path, NULL,
                       display != NULL ? peer_string (display, "updatedAt", NULL) : NULL,
                       NULL, display);
  done_text = g_strdup_printf (_("Deleted “%s”."),
                               display != NULL ? peer_string (display, "nickname", id) : id);
  return queue_and_send (&ch, m, done_text);
}
