/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "bench-initial-read"

/*
 * Initial read of N screens (default 10,000) from the local fleet server into
 * the display store, the way the app does it on sign-in (docs/bench-initial-read.md).
 *
 * Setup: the screens are created through the real pairing API (request as the
 * screen, complete as the admin), many requests in flight. The data dir is
 * kept, so later runs skip the setup.
 *
 * Measured, several runs each, fresh objects every run:
 *   engine   VzSyncEngine start → "loaded" (displays and groups read in
 *            parallel, realtime connecting at the same time): what a user waits for
 *   fetch    vz_api_client_list_all() of /displays alone (HTTP + JSON parse)
 *   store    vz_store_replace_all() of the fetched objects into an empty store
 *   update   vz_store_replace_all() again over the filled store (a re-read)
 *   events   100,000 `device:status` events (alternating status, new lastSeen)
 *            applied through the engine into the loaded store, as the realtime
 *            client hands them over after decoding: the per-event cost
 */

#include <string.h>
#include <sys/resource.h>

#include "vz-local-server.h"
#include "vz-session.h"
#include "vz-store.h"
#include "vz-display-resource.h"
#include "vz-sync-engine.h"

#define IN_FLIGHT 32

static char  *data_dir;
static int    n_screens = 10000;
static int    n_runs = 5;

static GAsyncResult *
wait_result (GAsyncResult **slot)
{
  while (*slot == NULL)
    g_main_context_iteration (NULL, TRUE);
  return *slot;
}

static void
store_result (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

static double
cpu_seconds (void)
{
  struct rusage usage;

  getrusage (RUSAGE_SELF, &usage);
  return usage.ru_utime.tv_sec + usage.ru_utime.tv_usec / 1e6 +
         usage.ru_stime.tv_sec + usage.ru_stime.tv_usec / 1e6;
}

/* ------------------------------------------------------------------------ */
/* Setup: pair screens until there are n_screens.                           */

typedef struct {
  VzApiClient *api;
  int          next;
  int          target;
  int          in_flight;
  int          done;
  GError      *error;
} Pairing;

static void pair_next (Pairing *pairing);

static void
on_completed (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  Pairing *pairing = user_data;
  g_autoptr(JsonNode) node = vz_api_client_request_finish (VZ_API_CLIENT (source), result,
                                                           pairing->error ? NULL : &pairing->error);

  pairing->in_flight--;
  if (node != NULL && ++pairing->done % 1000 == 0)
    g_printerr ("  paired %d\n", pairing->done);
  pair_next (pairing);
}

static void
on_requested (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  Pairing *pairing = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = vz_api_client_request_finish (VZ_API_CLIENT (source), result, &error);
  g_autoptr(JsonObject) body = NULL;
  g_autoptr(JsonNode) body_node = NULL;

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    {
      if (pairing->error == NULL)
        pairing->error = error ? g_steal_pointer (&error) : g_error_new_literal (G_IO_ERROR, G_IO_ERROR_FAILED, "bad answer");
      pairing->in_flight--;
      return;
    }
  body = json_object_new ();
  json_object_set_string_member (body, "code", json_object_get_string_member (json_node_get_object (node), "code"));
  body_node = json_node_init_object (json_node_alloc (), body);
  vz_api_client_request_async (pairing->api, "POST", "/devices/pairing/complete", body_node, NULL,
                               on_completed, pairing);
}

static void
pair_next (Pairing *pairing)
{
  while (pairing->error == NULL && pairing->in_flight < IN_FLIGHT && pairing->next < pairing->target)
    {
      g_autoptr(JsonObject) body = json_object_new ();
      g_autoptr(JsonNode) node = NULL;
      g_autofree char *identifier = g_strdup_printf ("bench-screen-%05d", pairing->next);
      g_autofree char *nickname = g_strdup_printf ("Bench screen %05d", pairing->next);

      pairing->next++;
      pairing->in_flight++;
      json_object_set_string_member (body, "deviceIdentifier", identifier);
      json_object_set_string_member (body, "nickname", nickname);
      node = json_node_init_object (json_node_alloc (), body);
      vz_api_client_request_async (pairing->api, "POST", "/devices/pairing/request", node, NULL,
                                   on_requested, pairing);
    }
}

static gint64
count_screens (VzApiClient *api)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = NULL;

  vz_api_client_request_async (api, "GET", "/displays?page=1&limit=1", NULL, NULL, store_result, &result);
  node = vz_api_client_request_finish (api, wait_result (&result), &error);
  if (node == NULL)
    g_error ("Counting screens failed: %s", error->message);
  return json_object_get_int_member (json_object_get_object_member (json_node_get_object (node), "meta"), "total");
}

static void
ensure_screens (VzApiClient *api)
{
  gint64 have = count_screens (api);
  Pairing pairing = { api, (int) have, n_screens, 0, (int) have, NULL };
  gint64 start = g_get_monotonic_time ();

  if (have >= n_screens)
    return;
  g_printerr ("Setup: pairing %d screens through the API...\n", n_screens - (int) have);
  pair_next (&pairing);
  while (pairing.in_flight > 0)
    g_main_context_iteration (NULL, TRUE);
  if (pairing.error != NULL)
    g_error ("Pairing failed: %s", pairing.error->message);
  g_printerr ("Setup: %d screens paired in %.1f s\n", n_screens - (int) have,
              (g_get_monotonic_time () - start) / 1e6);
}

/* ------------------------------------------------------------------------ */

static gboolean
wake (gpointer data)
{
  return G_SOURCE_CONTINUE;
}

static void
report (const char *name,
        GArray     *ms)
{
  double sum = 0, min = G_MAXDOUBLE, max = 0;

  for (guint i = 0; i < ms->len; i++)
    {
      double v = g_array_index (ms, double, i);

      sum += v;
      min = MIN (min, v);
      max = MAX (max, v);
    }
  g_print ("%-8s  min %7.1f ms   mean %7.1f ms   max %7.1f ms\n", name, min, sum / ms->len, max);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GOptionContext) context = g_option_context_new ("— initial read benchmark");
  g_autoptr(GError) error = NULL;
  g_autoptr(VzLocalServer) local = NULL;
  g_autoptr(VzSession) admin = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GArray) engine_ms = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) fetch_ms = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) store_ms = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) update_ms = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) engine_cpu = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) event_us = g_array_new (FALSE, FALSE, sizeof (double));
  g_autofree char *token = NULL;
  GOptionEntry entries[] = {
    { "data-dir", 0, 0, G_OPTION_ARG_FILENAME, &data_dir, "Server data dir (kept between runs)", "DIR" },
    { "screens", 0, 0, G_OPTION_ARG_INT, &n_screens, "Screens to read (default 10000)", "N" },
    { "runs", 0, 0, G_OPTION_ARG_INT, &n_runs, "Runs per measurement (default 5)", "N" },
    { NULL }
  };
  guint waker;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("%s\n", error->message);
      return 2;
    }
  if (data_dir == NULL)
    data_dir = g_build_filename (g_get_tmp_dir (), "vizora-bench-initial-read", NULL);

  local = vz_local_server_new (data_dir);
  vz_local_server_start_async (local, NULL, store_result, &result);
  if (!vz_local_server_start_finish (local, wait_result (&result), &error))
    g_error ("%s", error->message);
  g_clear_object (&result);

  admin = vz_session_new (vz_local_server_get_url (local));
  vz_session_login_async (admin, vz_local_server_get_admin_email (local),
                          vz_local_server_get_admin_password (local), NULL, store_result, &result);
  if (!vz_session_login_finish (admin, wait_result (&result), &error))
    g_error ("%s", error->message);
  g_clear_object (&result);
  token = g_strdup (vz_session_get_access_token (admin));

  ensure_screens (vz_session_get_api_client (admin));
  g_print ("Server %s, %d screens, %d runs\n", vz_local_server_get_url (local), n_screens, n_runs);
  waker = g_timeout_add (5, wake, NULL);

  for (int run = 0; run < n_runs; run++)
    {
      g_autoptr(VzSession) session = vz_session_new (vz_local_server_get_url (local));
      g_autoptr(VzSyncEngine) engine = NULL;
      g_autoptr(VzStore) store = NULL;
      g_autoptr(GPtrArray) list = NULL;
      gint64 t0, t1;
      double c0, v;

      /* Engine: start → loaded, the user's wait. */
      vz_session_resume_async (session, token, NULL, store_result, &result);
      if (!vz_session_resume_finish (session, wait_result (&result), &error))
        g_error ("%s", error->message);
      g_clear_object (&result);
      engine = vz_sync_engine_new (session);
      c0 = cpu_seconds ();
      t0 = g_get_monotonic_time ();
      vz_sync_engine_start (engine);
      while (!vz_sync_engine_get_loaded (engine))
        g_main_context_iteration (NULL, TRUE);
      t1 = g_get_monotonic_time ();
      v = (t1 - t0) / 1000.0;
      g_array_append_val (engine_ms, v);
      v = cpu_seconds () - c0;
      g_array_append_val (engine_cpu, v);
      if (g_list_model_get_n_items (G_LIST_MODEL (vz_sync_engine_get_displays (engine))) != (guint) n_screens)
        g_error ("Read %u screens, expected %d",
                 g_list_model_get_n_items (G_LIST_MODEL (vz_sync_engine_get_displays (engine))), n_screens);
      /* Events into the loaded store. */
      {
        VzStore *displays = vz_sync_engine_get_displays (engine);
        guint n = g_list_model_get_n_items (G_LIST_MODEL (displays));
        g_autoptr(GPtrArray) payloads = g_ptr_array_new_with_free_func ((GDestroyNotify) json_node_unref);
        const guint n_events = 100000;

        for (guint i = 0; i < 1000; i++)
          {
            g_autoptr(VzDisplay) display = g_list_model_get_item (G_LIST_MODEL (displays), (i * 7919) % n);
            g_autoptr(JsonObject) obj = json_object_new ();
            g_autofree char *seen = g_strdup_printf ("2026-11-25T10:%02u:%02u.000Z", i / 60 % 60, i % 60);

            json_object_set_string_member (obj, "deviceId", vz_entity_get_id (VZ_ENTITY (display)));
            json_object_set_string_member (obj, "status", i % 2 ? "online" : "offline");
            json_object_set_string_member (obj, "lastSeen", seen);
            json_object_set_string_member (obj, "timestamp", seen);
            g_ptr_array_add (payloads, json_node_init_object (json_node_alloc (), obj));
          }
        t0 = g_get_monotonic_time ();
        for (guint i = 0; i < n_events; i++)
          g_signal_emit_by_name (vz_sync_engine_get_realtime_client (engine), "event", "device:status",
                                 g_ptr_array_index (payloads, i % payloads->len), (gint64) -1);
        t1 = g_get_monotonic_time ();
        v = (double) (t1 - t0) / n_events;
        g_array_append_val (event_us, v);
      }
      vz_sync_engine_stop (engine);

      /* Break-down: fetch alone, then store alone. */
      t0 = g_get_monotonic_time ();
      vz_api_client_list_all_async (vz_session_get_api_client (session), "/displays", NULL, store_result, &result);
      list = vz_api_client_list_all_finish (vz_session_get_api_client (session), wait_result (&result), &error);
      if (list == NULL)
        g_error ("%s", error->message);
      g_clear_object (&result);
      t1 = g_get_monotonic_time ();
      v = (t1 - t0) / 1000.0;
      g_array_append_val (fetch_ms, v);

      store = vz_store_new (VZ_TYPE_DISPLAY);
      t0 = g_get_monotonic_time ();
      if (!vz_store_replace_all (store, list, &error))
        g_error ("%s", error->message);
      t1 = g_get_monotonic_time ();
      v = (t1 - t0) / 1000.0;
      g_array_append_val (store_ms, v);

      t0 = g_get_monotonic_time ();
      vz_store_replace_all (store, list, NULL);
      t1 = g_get_monotonic_time ();
      v = (t1 - t0) / 1000.0;
      g_array_append_val (update_ms, v);
    }
  g_source_remove (waker);

  report ("engine", engine_ms);
  report ("fetch", fetch_ms);
  report ("store", store_ms);
  report ("update", update_ms);
  {
    double sum = 0;

    for (guint i = 0; i < event_us->len; i++)
      sum += g_array_index (event_us, double, i);
    g_print ("events    mean %.2f us per device:status applied (%.0f events/s)\n",
             sum / event_us->len, 1e6 / (sum / event_us->len));
  }
  {
    double sum = 0;

    for (guint i = 0; i < engine_cpu->len; i++)
      sum += g_array_index (engine_cpu, double, i);
    g_print ("engine client CPU (user+sys) mean %.1f ms per read\n", sum / engine_cpu->len * 1000);
  }

  vz_local_server_stop (local);
  g_free (data_dir);
  return 0;
}
