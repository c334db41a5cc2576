/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vz-metrics-history"

#include <math.h>

#include "vz-api-client.h"
#include "vz-json-private.h"
#include "vz-metrics-history.h"

static int
by_time (gconstpointer a,
         gconstpointer b)
{
  gint64 ta = ((const VzMetricSample *) a)->time, tb = ((const VzMetricSample *) b)->time;

  return ta < tb ? -1 : ta > tb;
}

GArray *
vz_metrics_history_parse (JsonNode *payload)
{
  GArray *samples = g_array_new (FALSE, FALSE, sizeof (VzMetricSample));
  g_autoptr(GTimeZone) utc = g_time_zone_new_utc ();
  JsonArray *array = NULL;
  gboolean sorted = TRUE;

  if (payload != NULL && JSON_NODE_HOLDS_ARRAY (payload))
    array = json_node_get_array (payload);
  else if (payload != NULL && JSON_NODE_HOLDS_OBJECT (payload))
    {
      /* A paginated or wrapped list: {data: [...]}. */
      JsonNode *data = json_object_get_member (json_node_get_object (payload), "data");

      if (data != NULL && JSON_NODE_HOLDS_ARRAY (data))
        array = json_node_get_array (data);
    }
  for (guint i = 0; array != NULL && i < json_array_get_length (array); i++)
    {
      JsonNode *node = json_array_get_element (array, i);
      JsonObject *obj = JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
      const char *stamp = _vz_json_string (obj, "timestamp");
      g_autoptr(GDateTime) when = stamp != NULL ? g_date_time_new_from_iso8601 (stamp, utc) : NULL;
      VzMetricSample sample;

      if (when == NULL)
        continue;
      sample.time = (g_date_time_to_unix (when) * G_USEC_PER_SEC + g_date_time_get_microsecond (when));
      sample.cpu = _vz_json_number (obj, "cpuUsage");
      sample.memory = _vz_json_number (obj, "memoryUsage");
      sample.disk = _vz_json_number (obj, "diskUsage");
      sample.temperature = _vz_json_number (obj, "temperature");
      if (samples->len > 0 && g_array_index (samples, VzMetricSample, samples->len - 1).time > sample.time)
        sorted = FALSE;
      g_array_append_val (samples, sample);
    }
  if (!sorted)
    g_array_sort (samples, by_time);
  return samples;
}

static void
on_read (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) payload = vz_api_client_request_finish (VZ_API_CLIENT (source), result, &error);

  if (payload == NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_pointer (task, vz_metrics_history_parse (payload), (GDestroyNotify) g_array_unref);
}

static char *
iso (gint64 time)
{
  g_autoptr(GDateTime) when = g_date_time_new_from_unix_utc (time / G_USEC_PER_SEC);

  return g_date_time_format (when, "%Y-%m-%dT%H:%M:%SZ");
}

void
vz_metrics_history_read_async (VzSession           *session,
                               const char          *display_id,
                               gint64               from,
                               gint64               to,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autofree char *id = NULL;
  g_autofree char *from_text = iso (from);
  g_autofree char *to_text = iso (to);
  g_autofree char *path = NULL;

  g_return_if_fail (VZ_IS_SESSION (session));
  g_return_if_fail (display_id != NULL);

  task = g_task_new (session, cancellable, callback, user_data);
  g_task_set_source_tag (task, vz_metrics_history_read_async);
  id = g_uri_escape_string (display_id, NULL, FALSE);
  /* Beyond a day, five-minute averages: a week of heartbeats is tens of
   * thousands of readings, more than a chart has pixels. */
  path = g_strdup_printf ("/displays/%s/metrics?from=%s&to=%s%s", id, from_text, to_text,
                          to - from > G_TIME_SPAN_DAY ? "&resolution=5m" : "");
  vz_api_client_request_async (vz_session_get_api_client (session), "GET", path, NULL, cancellable,
                               on_read, g_steal_pointer (&task));
}

GArray *
vz_metrics_history_read_finish (GAsyncResult  *result,
                                GError       **error)
{
  g_return_val_if_fail (g_async_result_is_tagged (result, vz_metrics_history_read_async), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}
