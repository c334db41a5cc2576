/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vz-content-resource"

#include <glib/gi18n-lib.h>

#include "vz-content-resource.h"
#include "vz-sync-words.h"

static const VzResourceField content_fields[] = {
  { "name", "name", "name", N_("name") },
  { "duration", "duration", "duration", N_("duration") },
  { NULL }
};

const VzResource vz_content_resource = {
  .name = VZ_RESOURCE_CONTENT,
  .collection = "/content",
  .snapshot_member = "content",
  .entity_type = vz_content_get_type,
  .fields = content_fields,
  .words = &vz_content_words,
  .optional = TRUE,
};

VzStore *
vz_sync_engine_get_content (VzSyncEngine *self)
{
  return vz_sync_engine_get_store (self, VZ_RESOURCE_CONTENT);
}

void
vz_sync_engine_add_web_content_async (VzSyncEngine        *self,
                                      const char          *name,
                                      const char          *type,
                                      const char          *url,
                                      guint                duration,
                                      GCancellable        *cancellable,
                                      GAsyncReadyCallback  callback,
                                      gpointer             user_data)
{
  g_autoptr(JsonObject) body = json_object_new ();

  g_return_if_fail (name != NULL && type != NULL && url != NULL);

  json_object_set_string_member (body, "name", name);
  json_object_set_string_member (body, "type", type);
  json_object_set_string_member (body, "url", url);
  if (duration > 0)
    json_object_set_int_member (body, "duration", duration);
  vz_sync_engine_create_async (self, VZ_RESOURCE_CONTENT, body, cancellable, callback, user_data);
}

VzContent *
vz_sync_engine_add_web_content_finish (VzSyncEngine  *self,
                                       GAsyncResult  *result,
                                       GError       **error)
{
  return (VzContent *) vz_sync_engine_create_finish (self, result, error);
}
