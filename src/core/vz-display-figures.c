/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vz-display-figures"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "vz-api-client.h"
#include "vz-display-figures.h"

/* The members taken from the answer. */
static const char * const figure_members[] = {
  "metrics",
  "resolution",
  "lastHeartbeat",
  "status",
  "isDisabled",
};

static void
read_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  VzDisplay *display = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) answer = NULL;
  g_autoptr(JsonObject) figures = NULL;
  JsonObject *obj;

  answer = vz_api_client_request_finish (VZ_API_CLIENT (source), result, &error);
  if (answer == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (!JSON_NODE_HOLDS_OBJECT (answer))
    {
      g_task_return_new_error (task, VZ_API_ERROR, VZ_API_ERROR_INVALID_RESPONSE,
                               _("The server’s answer was not in the expected form. Is this a Vizora server?"));
      return;
    }

  obj = json_node_get_object (answer);
  figures = json_object_new ();
  for (guint i = 0; i < G_N_ELEMENTS (figure_members); i++)
    {
      JsonNode *member = json_object_get_member (obj, figure_members[i]);

      if (member != NULL)
        json_object_set_member (figures, figure_members[i], json_node_copy (member));
    }

  /* update_from_json checks everything before it applies anything. */
  if (!vz_entity_update_from_json (VZ_ENTITY (display), figures, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  g_task_return_boolean (task, TRUE);
}

void
vz_display_figures_read_async (VzSession           *session,
                               VzDisplay           *display,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autofree char *escaped = NULL;
  g_autofree char *path = NULL;

  g_return_if_fail (VZ_IS_SESSION (session));
  g_return_if_fail (VZ_IS_DISPLAY (display));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (session, cancellable, callback, user_data);
  g_task_set_source_tag (task, vz_display_figures_read_async);
  g_task_set_task_data (task, g_object_ref (display), g_object_unref);

  escaped = g_uri_escape_string (vz_entity_get_id (VZ_ENTITY (display)), NULL, FALSE);
  path = g_strconcat ("/displays/", escaped, NULL);
  vz_api_client_request_async (vz_session_get_api_client (session), "GET", path, NULL, cancellable,
                               read_cb, g_steal_pointer (&task));
}

gboolean
vz_display_figures_read_finish (GAsyncResult  *result,
                                GError       **error)
{
  g_return_val_if_fail (G_IS_TASK (result), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == vz_display_figures_read_async, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
