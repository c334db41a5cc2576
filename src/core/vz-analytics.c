/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vz-analytics"

#include "vz-analytics.h"
#include "vz-api-client.h"

static void
on_payload (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  JsonNode *payload = vz_api_client_request_finish (VZ_API_CLIENT (source), result, &error);

  if (payload == NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_pointer (task, payload, (GDestroyNotify) json_node_unref);
}

static void
get_json (VzSession           *session,
          const char          *path,
          gpointer             source_tag,
          GCancellable        *cancellable,
          GAsyncReadyCallback  callback,
          gpointer             user_data)
{
  GTask *task = g_task_new (session, cancellable, callback, user_data);

  g_task_set_source_tag (task, source_tag);
  vz_api_client_request_async (vz_session_get_api_client (session), "GET", path, NULL, cancellable,
                               on_payload, task);
}

void
vz_analytics_read_async (VzSession           *session,
                         VzAnalyticsReport    report,
                         const char          *range,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  static const char * const paths[] = {
    [VZ_ANALYTICS_SUMMARY] = "/analytics/summary",
    [VZ_ANALYTICS_DEVICE_METRICS] = "/analytics/device-metrics",
    [VZ_ANALYTICS_CONTENT_PERFORMANCE] = "/analytics/content-performance",
  };
  g_autofree char *path = NULL;

  g_return_if_fail (VZ_IS_SESSION (session));
  g_return_if_fail (report <= VZ_ANALYTICS_CONTENT_PERFORMANCE);
  g_return_if_fail (range != NULL);

  path = g_strdup_printf ("%s?range=%s", paths[report], range);
  get_json (session, path, vz_analytics_read_async, cancellable, callback, user_data);
}

JsonNode *
vz_analytics_read_finish (GAsyncResult  *result,
                          GError       **error)
{
  g_return_val_if_fail (g_async_result_is_tagged (result, vz_analytics_read_async), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

char *
vz_analytics_proof_query (GDate      *from,
                          GDate      *to,
                          const char *display_id)
{
  GString *query = g_string_new (NULL);
  char day[16];

  /* From the first day's start to the last day's end, in UTC. */
  if (from != NULL && g_date_valid (from))
    {
      g_date_strftime (day, sizeof day, "%Y-%m-%d", from);
      g_string_append_printf (query, "dateFrom=%sT00:00:00Z", day);
    }
  if (to != NULL && g_date_valid (to))
    {
      g_date_strftime (day, sizeof day, "%Y-%m-%d", to);
      g_string_append_printf (query, "%sdateTo=%sT23:59:59Z", query->len > 0 ? "&" : "", day);
    }
  if (display_id != NULL)
    {
      g_autofree char *escaped = g_uri_escape_string (display_id, NULL, FALSE);

      g_string_append_printf (query, "%sdisplayId=%s", query->len > 0 ? "&" : "", escaped);
    }
  return g_string_free (query, FALSE);
}

void
vz_analytics_proof_of_play_async (VzSession           *session,
                                  GDate               *from,
                                  GDate               *to,
                                  guint                page,
                                  guint                limit,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  g_autofree char *query = vz_analytics_proof_query (from, to, NULL);
  g_autofree char *path = NULL;

  g_return_if_fail (VZ_IS_SESSION (session));

  path = g_strdup_printf ("/analytics/proof-of-play?%s%spage=%u&limit=%u", query, *query != '\0' ? "&" : "",
                          MAX (page, 1), CLAMP (limit, 1, 500));
  get_json (session, path, vz_analytics_proof_of_play_async, cancellable, callback, user_data);
}

JsonNode *
vz_analytics_proof_of_play_finish (GAsyncResult  *result,
                                   GError       **error)
{
  g_return_val_if_fail (g_async_result_is_tagged (result, vz_analytics_proof_of_play_async), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
on_bytes (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  GBytes *bytes = vz_api_client_get_bytes_finish (VZ_API_CLIENT (source), result, &error);

  if (bytes == NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_pointer (task, bytes, (GDestroyNotify) g_bytes_unref);
}

void
vz_analytics_proof_csv_async (VzSession           *session,
                              GDate               *from,
                              GDate               *to,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  VzApiClient *api;
  g_autofree char *query = vz_analytics_proof_query (from, to, NULL);
  g_autofree char *url = NULL;
  GTask *task;

  g_return_if_fail (VZ_IS_SESSION (session));

  api = vz_session_get_api_client (session);
  task = g_task_new (session, cancellable, callback, user_data);
  g_task_set_source_tag (task, vz_analytics_proof_csv_async);
  url = g_strdup_printf ("%s/analytics/proof-of-play.csv%s%s", vz_api_client_get_base_url (api),
                         *query != '\0' ? "?" : "", query);
  vz_api_client_get_bytes_async (api, url, cancellable, on_bytes, task);
}

GBytes *
vz_analytics_proof_csv_finish (GAsyncResult  *result,
                               GError       **error)
{
  g_return_val_if_fail (g_async_result_is_tagged (result, vz_analytics_proof_csv_async), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}
