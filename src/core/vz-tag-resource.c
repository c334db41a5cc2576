/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vz-tag-resource"

#include <glib/gi18n-lib.h>

#include "vz-sync-words.h"
#include "vz-tag-resource.h"

/* Tags are named and coloured when they are made; the contract has no
 * request that changes one. */
static const VzResourceField tag_fields[] = {
  { NULL }
};

const VzResource vz_tag_resource = {
  .name = VZ_RESOURCE_TAG,
  .collection = "/content/tags",
  .create_path = "/tags",
  .snapshot_member = "tags",
  .entity_type = vz_tag_get_type,
  .fields = tag_fields,
  .words = &vz_tag_words,
  .optional = TRUE,
  .unpaged = TRUE,
};

VzStore *
vz_sync_engine_get_tags (VzSyncEngine *self)
{
  return vz_sync_engine_get_store (self, VZ_RESOURCE_TAG);
}

void
vz_sync_engine_create_tag_async (VzSyncEngine        *self,
                                 const char          *name,
                                 const char          *color,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  g_autoptr(JsonObject) body = json_object_new ();

  g_return_if_fail (name != NULL);

  json_object_set_string_member (body, "name", name);
  if (color != NULL)
    json_object_set_string_member (body, "color", color);
  vz_sync_engine_create_async (self, VZ_RESOURCE_TAG, body, cancellable, callback, user_data);
}

VzTag *
vz_sync_engine_create_tag_finish (VzSyncEngine  *self,
                                  GAsyncResult  *result,
                                  GError       **error)
{
  return (VzTag *) vz_sync_engine_create_finish (self, result, error);
}
