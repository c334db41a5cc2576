/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vz-schedule-resource"

#include <glib/gi18n-lib.h>

#include "vz-api-error.h"
#include "vz-json-private.h"
#include "vz-schedule-edits-private.h"
#include "vz-schedule-resource.h"

/*
 * The "when" edit: a schedule's weekdays, dates and screen or group, which
 * are not fields (the engine's fields are strings, booleans and integers).
 * Values: {"daysOfWeek": [0–6…], "startDate": "YYYY-MM-DD", "endDate":
 * "YYYY-MM-DD"|null, "displayId": id|null, "displayGroupId": id|null,
 * "display": {id, nickname}|null, "displayGroup": {id, name}|null}, the last
 * two for the names the record shows until the server answers.
 */

static const char * const when_members[] = {
  "daysOfWeek", "startDate", "endDate", "displayId", "displayGroupId", "display", "displayGroup", NULL
};

static gboolean
bad_args (GError    **error,
          const char *message)
{
  g_set_error_literal (error, VZ_API_ERROR, VZ_API_ERROR_BAD_REQUEST, message);
  return FALSE;
}

static JsonNode *
member_or_null (JsonObject *obj,
                const char *member)
{
  JsonNode *node = obj != NULL ? json_object_get_member (obj, member) : NULL;

  return node != NULL ? json_node_copy (node) : json_node_new (JSON_NODE_NULL);
}

static gboolean
days_fit (JsonNode *node)
{
  JsonArray *days;

  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    return FALSE;
  days = json_node_get_array (node);
  if (json_array_get_length (days) == 0)
    return FALSE;
  for (guint i = 0; i < json_array_get_length (days); i++)
    {
      JsonNode *day = json_array_get_element (days, i);

      if (!JSON_NODE_HOLDS_VALUE (day) || json_node_get_value_type (day) != G_TYPE_INT64 ||
          json_node_get_int (day) < 0 || json_node_get_int (day) > 6)
        return FALSE;
    }
  return TRUE;
}

static gboolean
when_build (VzEntity    *record,
            JsonObject  *args,
            JsonObject **changes,
            JsonObject **previous,
            GError     **error)
{
  g_autoptr(JsonObject) shown = vz_resource_record_json (record);
  g_autoptr(JsonObject) next = json_object_new ();
  g_autoptr(JsonObject) before = json_object_new ();
  gboolean same = TRUE;

  if (!days_fit (json_object_get_member (args, "daysOfWeek")))
    return bad_args (error, _("A schedule plays on at least one weekday."));
  if ((_vz_json_string (args, "displayId") == NULL) == (_vz_json_string (args, "displayGroupId") == NULL))
    return bad_args (error, _("A schedule is for one screen or one group."));

  for (guint i = 0; when_members[i] != NULL; i++)
    {
      g_autoptr(JsonNode) value = member_or_null (args, when_members[i]);
      g_autoptr(JsonNode) old = member_or_null (shown, when_members[i]);

      if (i < 5 && !json_node_equal (value, old))
        same = FALSE;
      json_object_set_member (next, when_members[i], g_steal_pointer (&value));
      json_object_set_member (before, when_members[i], g_steal_pointer (&old));
    }
  if (same)
    {
      *changes = NULL;
      return TRUE;
    }
  *changes = g_steal_pointer (&next);
  *previous = g_steal_pointer (&before);
  return TRUE;
}

static void
when_apply (JsonObject *record,
            JsonObject *values)
{
  for (guint i = 0; when_members[i] != NULL; i++)
    if (json_object_has_member (values, when_members[i]))
      json_object_set_member (record, when_members[i], member_or_null (values, when_members[i]));
}

/* PATCH /schedules/:id with the weekdays, the dates and the one of the
 * screen and the group that is set (naming one clears the other). */
static void
when_request (VzEntity    *record,
              JsonObject  *values,
              JsonObject  *after,
              char       **method,
              char       **path,
              JsonNode   **body)
{
  g_autoptr(JsonObject) obj = json_object_new ();

  json_object_set_member (obj, "daysOfWeek", member_or_null (values, "daysOfWeek"));
  json_object_set_member (obj, "startDate", member_or_null (values, "startDate"));
  json_object_set_member (obj, "endDate", member_or_null (values, "endDate"));
  if (_vz_json_string (values, "displayId") != NULL)
    json_object_set_member (obj, "displayId", member_or_null (values, "displayId"));
  else
    json_object_set_member (obj, "displayGroupId", member_or_null (values, "displayGroupId"));
  *method = g_strdup ("PATCH");
  *path = vz_resource_item_path (&vz_schedule_resource, vz_entity_get_id (record));
  *body = json_node_init_object (json_node_alloc (), obj);
}

const VzResourceEdit _vz_schedule_edits[] = {
  { .name = VZ_SCHEDULE_EDIT_WHEN, .build = when_build, .apply = when_apply, .request = when_request,
    .did = N_("Changed when “%s” plays"), .todo = N_("Change when “%s” plays") },
  { NULL }
};
