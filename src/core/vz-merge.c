/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vz-merge"

#include "vz-merge.h"

gboolean
vz_merge_same_value (JsonNode *a,
            JsonNode *b)
{
  gboolean a_null = a == NULL || JSON_NODE_HOLDS_NULL (a);
  gboolean b_null = b == NULL || JSON_NODE_HOLDS_NULL (b);

  if (a_null || b_null)
    return a_null && b_null;
  return json_node_equal (a, b);
}

JsonObject *
vz_merge_conflicts (const VzResource *resource,
                    VzMutation       *mutation,
                    JsonObject       *current)
{
  JsonObject *changes, *previous, *theirs;
  g_autoptr(GList) keys = NULL;
  JsonNode *updated_at;

  g_return_val_if_fail (resource != NULL, NULL);
  g_return_val_if_fail (VZ_IS_MUTATION (mutation), NULL);
  g_return_val_if_fail (current != NULL, NULL);

  changes = vz_mutation_get_changes (mutation);
  previous = vz_mutation_get_previous (mutation);
  if (vz_mutation_get_operation (mutation) != VZ_MUTATION_OP_UPDATE || changes == NULL || previous == NULL)
    return NULL;

  theirs = json_object_new ();
  keys = json_object_get_members (changes);
  for (GList *l = keys; l != NULL; l = l->next)
    {
      const char *key = l->data;
      JsonNode *server = json_object_get_member (current, vz_resource_member_for (resource, key));
      JsonNode *mine = json_object_get_member (changes, key);
      JsonNode *before = json_object_get_member (previous, key);

      if (vz_merge_same_value (server, before) || vz_merge_same_value (server, mine))
        continue;
      json_object_set_member (theirs, key, server != NULL ? json_node_copy (server) : json_node_new (JSON_NODE_NULL));
    }
  updated_at = json_object_get_member (current, "updatedAt");
  if (json_object_get_size (theirs) > 0 && updated_at != NULL)
    json_object_set_member (theirs, "updatedAt", json_node_copy (updated_at));
  return theirs;
}
