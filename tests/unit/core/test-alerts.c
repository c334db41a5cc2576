/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-alerts"

#include <math.h>

#include "vz-alert-coalescer.h"
#include "vz-display-health.h"
#include "vz-health-ranking.h"
#include "vz-notification.h"
#include "vz-store.h"

#define SECOND G_USEC_PER_SEC
#define WINDOW (2 * SECOND)

static void
add_alert (VzAlertCoalescer *c,
           const char       *id,
           const char       *kind,
           const char       *metric,
           VzSeverity        severity,
           const char       *device,
           const char       *name,
           gint64            now)
{
  g_autofree char *title = g_strdup_printf ("%s: %s", name, kind);
  VzAlertInfo info = {
    .id = id, .kind = kind, .metric = metric, .severity = severity,
    .device_id = device, .screen_name = name, .title = title, .message = "details",
  };

  vz_alert_coalescer_add (c, &info, now);
}

static void
add_offline (VzAlertCoalescer *c,
             guint             i,
             gint64            now)
{
  g_autofree char *id = g_strdup_printf ("n%u", i);
  g_autofree char *device = g_strdup_printf ("d%u", i);
  g_autofree char *name = g_strdup_printf ("Screen %u", i);

  add_alert (c, id, "device_offline", NULL, VZ_SEVERITY_CRITICAL, device, name, now);
}

static void
test_coalescer_waits_for_the_window (void)
{
  g_autoptr(VzAlertCoalescer) c = vz_alert_coalescer_new (WINDOW);
  g_autoptr(GPtrArray) early = NULL;
  g_autoptr(GPtrArray) batches = NULL;
  VzAlertBatch *batch;

  g_assert_cmpint (vz_alert_coalescer_next_deadline (c), ==, 0);
  add_alert (c, "a1", "device_health", "temperature", VZ_SEVERITY_CRITICAL, "d1", "Lobby", 10 * SECOND);
  g_assert_cmpint (vz_alert_coalescer_next_deadline (c), ==, 12 * SECOND);
  /* A later alert does not push the deadline: a steady stream still tells. */
  add_alert (c, "a2", "device_health", "cpuUsage", VZ_SEVERITY_WARNING, "d2", "Hall", 11 * SECOND);
  g_assert_cmpint (vz_alert_coalescer_next_deadline (c), ==, 12 * SECOND);

  early = vz_alert_coalescer_flush (c, 12 * SECOND - 1);
  g_assert_cmpuint (early->len, ==, 0);
  g_assert_cmpuint (vz_alert_coalescer_get_n_waiting (c), ==, 2);

  batches = vz_alert_coalescer_flush (c, 12 * SECOND);
  g_assert_cmpuint (batches->len, ==, 2);
  batch = g_ptr_array_index (batches, 0);
  g_assert_cmpstr (batch->id, ==, "alert-a1");
  g_assert_cmpstr (batch->title, ==, "Lobby: device_health");
  g_assert_cmpstr (batch->body, ==, "details");
  g_assert_cmpstr (batch->device_id, ==, "d1");
  g_assert_cmpint (batch->severity, ==, VZ_SEVERITY_CRITICAL);
  g_assert_cmpstr (batch->alert_ids[0], ==, "a1");
  g_assert_null (batch->alert_ids[1]);
  batch = g_ptr_array_index (batches, 1);
  g_assert_cmpstr (batch->id, ==, "alert-a2");
  g_assert_cmpint (batch->severity, ==, VZ_SEVERITY_WARNING);

  g_assert_cmpuint (vz_alert_coalescer_get_n_waiting (c), ==, 0);
  g_assert_cmpint (vz_alert_coalescer_next_deadline (c), ==, 0);
}

static void
test_coalescer_groups_a_sort (void)
{
  g_autoptr(VzAlertCoalescer) c = vz_alert_coalescer_new (WINDOW);
  g_autoptr(GPtrArray) batches = NULL;
  VzAlertBatch *batch;

  for (guint i = 0; i < 7; i++)
    add_offline (c, i, SECOND + i);
  add_alert (c, "t1", "device_health", "temperature", VZ_SEVERITY_CRITICAL, "d9", "Kitchen", SECOND + 8);
  /* The same alert twice (health:alert and notification:new) counts once. */
  add_offline (c, 3, SECOND + 9);
  batches = vz_alert_coalescer_flush (c, 3 * SECOND);
  g_assert_cmpuint (batches->len, ==, 2);

  batch = g_ptr_array_index (batches, 0);
  g_assert_cmpstr (batch->id, ==, "alerts-device_offline");
  g_assert_cmpstr (batch->title, ==, "7 screens went offline");
  g_assert_cmpstr (batch->body, ==, "Screen 0, Screen 1, Screen 2 and 4 more");
  g_assert_null (batch->device_id);
  g_assert_cmpuint (g_strv_length (batch->alert_ids), ==, 7);

  /* A sort of one keeps its own words. */
  batch = g_ptr_array_index (batches, 1);
  g_assert_cmpstr (batch->id, ==, "alert-t1");
  g_assert_cmpstr (batch->device_id, ==, "d9");
}

static void
test_coalescer_summarises_many_sorts (void)
{
  g_autoptr(VzAlertCoalescer) c = vz_alert_coalescer_new (WINDOW);
  g_autoptr(GPtrArray) batches = NULL;
  const char *metrics[] = { "temperature", "cpuUsage", "memoryUsage", "diskUsage" };
  VzAlertBatch *batch;

  for (guint i = 0; i < 4; i++)
    {
      g_autofree char *id = g_strdup_printf ("m%u", i);

      add_alert (c, id, "device_health", metrics[i], i == 0 ? VZ_SEVERITY_CRITICAL : VZ_SEVERITY_WARNING,
                 "d1", "Lobby", 0);
    }
  add_offline (c, 5, 1);
  batches = vz_alert_coalescer_flush (c, WINDOW);
  g_assert_cmpuint (batches->len, ==, 1);
  batch = g_ptr_array_index (batches, 0);
  g_assert_cmpstr (batch->id, ==, "alerts");
  g_assert_cmpstr (batch->title, ==, "5 new alerts on 2 screens");
  g_assert_cmpstr (batch->body, ==, "Lobby, Screen 5");
  g_assert_cmpint (batch->severity, ==, VZ_SEVERITY_CRITICAL);
  g_assert_null (batch->device_id);
}

static void
test_coalescer_one_screen_many_sorts (void)
{
  g_autoptr(VzAlertCoalescer) c = vz_alert_coalescer_new (WINDOW);
  g_autoptr(GPtrArray) batches = NULL;
  const char *metrics[] = { "temperature", "cpuUsage", "memoryUsage", "diskUsage" };

  for (guint i = 0; i < 4; i++)
    {
      g_autofree char *id = g_strdup_printf ("m%u", i);

      add_alert (c, id, "device_health", metrics[i], VZ_SEVERITY_WARNING, "d1", "Lobby", 0);
    }
  batches = vz_alert_coalescer_flush (c, WINDOW);
  g_assert_cmpuint (batches->len, ==, 1);
  /* Its action opens that one screen. */
  g_assert_cmpstr (((VzAlertBatch *) g_ptr_array_index (batches, 0))->device_id, ==, "d1");
  g_assert_cmpstr (((VzAlertBatch *) g_ptr_array_index (batches, 0))->title, ==, "4 new alerts on 1 screen");
}

static void
test_coalescer_forgets_resolved (void)
{
  g_autoptr(VzAlertCoalescer) c = vz_alert_coalescer_new (WINDOW);
  g_autoptr(GPtrArray) batches = NULL;

  add_offline (c, 1, 0);
  add_offline (c, 2, 0);
  g_assert_true (vz_alert_coalescer_forget (c, "n1"));
  g_assert_false (vz_alert_coalescer_forget (c, "n1"));
  g_assert_false (vz_alert_coalescer_forget (c, "unknown"));
  batches = vz_alert_coalescer_flush (c, WINDOW);
  g_assert_cmpuint (batches->len, ==, 1);
  g_assert_cmpstr (((VzAlertBatch *) g_ptr_array_index (batches, 0))->id, ==, "alert-n2");

  /* All of a window resolved: nothing waits, nothing to tell. */
  add_offline (c, 3, 5 * SECOND);
  g_assert_true (vz_alert_coalescer_forget (c, "n3"));
  g_assert_cmpint (vz_alert_coalescer_next_deadline (c), ==, 0);
}

static void
test_coalescer_burst (void)
{
  g_autoptr(VzAlertCoalescer) c = vz_alert_coalescer_new (WINDOW);
  guint told = 0;
  gint64 now = 0;

  /* 1,000 alerts over 3 s: two windows, each at most three notifications. */
  for (guint i = 0; i < 1000; i++)
    {
      now = i * 3000;
      if (vz_alert_coalescer_next_deadline (c) != 0 && now >= vz_alert_coalescer_next_deadline (c))
        {
          g_autoptr(GPtrArray) batches = vz_alert_coalescer_flush (c, now);
          told += batches->len;
        }
      if (i % 3 == 0)
        {
          g_autofree char *id = g_strdup_printf ("x%u", i);

          add_alert (c, id, "device_health", "temperature", VZ_SEVERITY_CRITICAL, "d", "Lobby", now);
        }
      else
        add_offline (c, i, now);
    }
  {
    g_autoptr(GPtrArray) batches = vz_alert_coalescer_flush (c, now + WINDOW);
    told += batches->len;
  }
  g_assert_cmpuint (told, >=, 2);
  g_assert_cmpuint (told, <=, 4);
}

static void
test_quiet_hours (void)
{
  /* 22:00–07:00 wraps past midnight. */
  g_assert_true (vz_quiet_hours_contain (22 * 60, 7 * 60, 23 * 60));
  g_assert_true (vz_quiet_hours_contain (22 * 60, 7 * 60, 0));
  g_assert_true (vz_quiet_hours_contain (22 * 60, 7 * 60, 6 * 60 + 59));
  g_assert_false (vz_quiet_hours_contain (22 * 60, 7 * 60, 7 * 60));
  g_assert_false (vz_quiet_hours_contain (22 * 60, 7 * 60, 12 * 60));
  /* 12:00–14:00 does not. */
  g_assert_true (vz_quiet_hours_contain (12 * 60, 14 * 60, 12 * 60));
  g_assert_false (vz_quiet_hours_contain (12 * 60, 14 * 60, 14 * 60));
  g_assert_false (vz_quiet_hours_contain (12 * 60, 14 * 60, 11 * 60));
  /* Equal ends: no quiet hours. */
  g_assert_false (vz_quiet_hours_contain (8 * 60, 8 * 60, 8 * 60));
}

static JsonObject *
parse (const char *text)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;

  json_parser_load_from_data (parser, text, -1, &error);
  g_assert_no_error (error);
  return json_object_ref (json_node_get_object (json_parser_get_root (parser)));
}

static void
test_notification_record (void)
{
  g_autoptr(JsonObject) obj = parse ("{\"id\":\"n1\",\"type\":\"device_health\",\"title\":\"Lobby is overheating\","
                                     "\"message\":\"86 °C\",\"severity\":\"critical\",\"read\":false,"
                                     "\"dismissedAt\":null,\"createdAt\":\"2026-12-03T10:00:00.000Z\","
                                     "\"metadata\":{\"deviceId\":\"d1\",\"metric\":\"temperature\",\"value\":86.5,"
                                     "\"threshold\":80}}");
  g_autoptr(JsonObject) resolved = parse ("{\"id\":\"n1\",\"metadata\":{\"deviceId\":\"d1\",\"metric\":\"temperature\","
                                          "\"resolvedAt\":\"2026-12-03T10:05:00Z\"}}");
  g_autoptr(JsonObject) odd = parse ("{\"id\":\"n2\",\"severity\":\"dire\",\"metadata\":{\"value\":\"high\"}}");
  g_autoptr(VzStore) store = vz_store_new (VZ_TYPE_NOTIFICATION);
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) text = g_string_new (NULL);
  g_autoptr(JsonObject) again = NULL;
  g_autoptr(VzNotification) copy = NULL;
  VzNotification *n, *o;

  n = vz_store_upsert_json (store, obj, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (vz_notification_get_kind (n), ==, "device_health");
  g_assert_cmpint (vz_notification_get_severity (n), ==, VZ_SEVERITY_CRITICAL);
  g_assert_cmpstr (vz_notification_get_device_id (n), ==, "d1");
  g_assert_cmpfloat (vz_notification_get_value (n), ==, 86.5);
  g_assert_cmpfloat (vz_notification_get_threshold (n), ==, 80);
  g_assert_cmpint (vz_notification_get_created_time (n), ==, (gint64) 1796292000 * G_USEC_PER_SEC);
  g_assert_false (vz_notification_get_resolved (n));
  g_assert_false (vz_notification_get_dismissed (n));

  /* A newer version of the same alert: resolved, the rest unchanged. */
  g_assert_true (vz_store_upsert_json (store, resolved, &error) == n);
  g_assert_true (vz_notification_get_resolved (n));
  g_assert_cmpstr (vz_notification_get_title (n), ==, "Lobby is overheating");

  /* Odd values are not fatal: an unknown severity is information, a value
   * that is not a number is not said. */
  o = vz_store_upsert_json (store, odd, &error);
  g_assert_no_error (error);
  g_assert_cmpint (vz_notification_get_severity (o), ==, VZ_SEVERITY_INFO);
  g_assert_true (isnan (vz_notification_get_value (o)));

  /* The saved fleet's form reads back the same. */
  vz_entity_to_json (VZ_ENTITY (n), text);
  again = parse (text->str);
  copy = (VzNotification *) vz_entity_new_from_json (VZ_TYPE_NOTIFICATION, again, &error);
  g_assert_no_error (error);
  g_assert_true (vz_notification_get_resolved (copy));
  g_assert_cmpfloat (vz_notification_get_value (copy), ==, 86.5);
  g_assert_cmpstr (vz_notification_get_created_at (copy), ==, "2026-12-03T10:00:00.000Z");
  g_assert_cmpstr (vz_notification_get_message (copy), ==, "86 °C");
}

static VzDisplay *
display (const char *json)
{
  g_autoptr(JsonObject) obj = parse (json);
  g_autoptr(GError) error = NULL;
  VzDisplay *d = (VzDisplay *) vz_entity_new_from_json (VZ_TYPE_DISPLAY, obj, &error);

  g_assert_no_error (error);
  return d;
}

static void
test_health (void)
{
  g_autoptr(VzDisplay) hot = display ("{\"id\":\"d1\",\"status\":\"online\",\"metrics\":{\"cpuUsage\":95,"
                                      "\"memoryUsage\":40,\"diskUsage\":50,\"temperature\":86}}");
  g_autoptr(VzDisplay) fine = display ("{\"id\":\"d2\",\"status\":\"online\",\"metrics\":{\"cpuUsage\":5,"
                                       "\"memoryUsage\":40,\"diskUsage\":50,\"temperature\":-1}}");
  g_autoptr(VzDisplay) unread = display ("{\"id\":\"d5\",\"status\":\"online\",\"metrics\":{\"temperature\":null}}");
  g_autoptr(VzDisplay) dark = display ("{\"id\":\"d3\",\"status\":\"offline\"}");
  g_autoptr(VzDisplay) fresh = display ("{\"id\":\"d4\",\"status\":\"online\"}");
  VzDisplayHealth h;

  vz_display_health_assess (hot, &h);
  g_assert_cmpint (h.level, ==, VZ_HEALTH_CRITICAL);
  g_assert_cmpuint (h.score, ==, 30);
  g_assert_cmpstr (h.reason, ==, "Temperature 86 °C, over 80 °C; CPU 95 %, over 90 %");
  vz_display_health_clear (&h);

  vz_display_health_assess (fine, &h);
  g_assert_cmpint (h.level, ==, VZ_HEALTH_OK);
  g_assert_cmpuint (h.score, ==, 100);
  g_assert_cmpstr (h.reason, ==, "No problems");
  vz_display_health_clear (&h);

  /* A temperature not said is unknown; -1 °C is one. */
  g_assert_true (isnan (vz_display_get_temperature (unread)));
  g_assert_cmpfloat (vz_display_get_temperature (fine), ==, -1);

  vz_display_health_assess (dark, &h);
  g_assert_cmpint (h.level, ==, VZ_HEALTH_OFFLINE);
  g_assert_cmpuint (h.score, ==, 0);
  vz_display_health_clear (&h);

  vz_display_health_assess (fresh, &h);
  g_assert_cmpstr (h.reason, ==, "No readings yet");
  vz_display_health_clear (&h);
}

static void
place (VzHealthRanking *ranking,
       VzDisplay       *d)
{
  VzDisplayHealth h;

  vz_display_health_assess (d, &h);
  vz_health_ranking_set (ranking, d, &h);
  vz_display_health_clear (&h);
}

static char *
top_names (VzHealthRanking *ranking,
           guint            n)
{
  g_autoptr(GPtrArray) top = vz_health_ranking_top (ranking, n);
  g_autoptr(GString) out = g_string_new (NULL);

  for (guint i = 0; i < top->len; i++)
    g_string_append_printf (out, "%s%s", i > 0 ? "|" : "", vz_display_get_display_name (top->pdata[i]));
  return g_string_free (g_steal_pointer (&out), FALSE);
}

static gboolean
not_named (VzDisplay *d,
           gpointer   user_data)
{
  return g_strcmp0 (vz_display_get_display_name (d), user_data) != 0;
}

/* The ranking keeps least healthy first, names in order among equals, and
 * the counts, as screens are placed again one at a time. */
static void
test_health_ranking (void)
{
  g_autoptr(VzHealthRanking) ranking = vz_health_ranking_new ();
  g_autoptr(VzDisplay) hot = display ("{\"id\":\"d1\",\"nickname\":\"Lobby\",\"status\":\"online\","
                                      "\"metrics\":{\"temperature\":86}}");
  g_autoptr(VzDisplay) dark = display ("{\"id\":\"d2\",\"nickname\":\"Hall\",\"status\":\"offline\"}");
  g_autoptr(VzDisplay) ok_b = display ("{\"id\":\"d3\",\"nickname\":\"Bar\",\"status\":\"online\"}");
  g_autoptr(VzDisplay) ok_a = display ("{\"id\":\"d4\",\"nickname\":\"Apfel\",\"status\":\"online\"}");
  g_autoptr(JsonObject) cooled = parse ("{\"id\":\"d1\",\"nickname\":\"Lobby\",\"status\":\"online\","
                                        "\"metrics\":{\"temperature\":40}}");
  g_autoptr(JsonObject) renamed = parse ("{\"id\":\"d3\",\"nickname\":\"Zoo\",\"status\":\"online\"}");
  g_autoptr(JsonObject) back = parse ("{\"id\":\"d2\",\"nickname\":\"Hall\",\"status\":\"online\"}");
  g_autoptr(GError) error = NULL;
  g_autofree char *names = NULL;

  place (ranking, ok_b);
  place (ranking, hot);
  place (ranking, ok_a);
  place (ranking, dark);
  g_assert_cmpuint (vz_health_ranking_get_n_screens (ranking), ==, 4);
  names = top_names (ranking, 10);
  /* Offline (0), critical (50), then the healthy in the locale's order. */
  g_assert_cmpstr (names, ==, "Hall|Lobby|Apfel|Bar");
  g_clear_pointer (&names, g_free);
  g_assert_cmpuint (vz_health_ranking_count (ranking, VZ_HEALTH_OFFLINE), ==, 1);
  g_assert_cmpuint (vz_health_ranking_count (ranking, VZ_HEALTH_CRITICAL), ==, 1);
  g_assert_cmpuint (vz_health_ranking_count (ranking, VZ_HEALTH_OK), ==, 2);
  g_assert_cmpuint (vz_health_ranking_count_online (ranking), ==, 3);

  /* Placing one screen again moves it and its counts, and nothing else. */
  g_assert_true (vz_entity_update_from_json (VZ_ENTITY (hot), cooled, &error));
  g_assert_no_error (error);
  place (ranking, hot);
  g_assert_true (vz_entity_update_from_json (VZ_ENTITY (ok_b), renamed, &error));
  place (ranking, ok_b);
  g_assert_true (vz_entity_update_from_json (VZ_ENTITY (dark), back, &error));
  place (ranking, dark);
  names = top_names (ranking, 3);
  g_assert_cmpstr (names, ==, "Apfel|Hall|Lobby");
  g_clear_pointer (&names, g_free);
  g_assert_cmpuint (vz_health_ranking_count (ranking, VZ_HEALTH_OFFLINE), ==, 0);
  g_assert_cmpuint (vz_health_ranking_count (ranking, VZ_HEALTH_CRITICAL), ==, 0);
  g_assert_cmpuint (vz_health_ranking_count (ranking, VZ_HEALTH_OK), ==, 4);
  g_assert_cmpuint (vz_health_ranking_count_online (ranking), ==, 4);

  g_assert_cmpuint (vz_health_ranking_retain (ranking, not_named, (gpointer) "Hall"), ==, 1);
  g_assert_false (vz_health_ranking_contains (ranking, "d2"));
  g_assert_true (vz_health_ranking_contains (ranking, "d1"));
  names = top_names (ranking, 10);
  g_assert_cmpstr (names, ==, "Apfel|Lobby|Zoo");
  g_assert_cmpuint (vz_health_ranking_count_online (ranking), ==, 3);

  vz_health_ranking_clear (ranking);
  g_assert_cmpuint (vz_health_ranking_get_n_screens (ranking), ==, 0);
  g_assert_cmpuint (vz_health_ranking_count (ranking, VZ_HEALTH_OK), ==, 0);
}

static void
test_metric_format (void)
{
  g_autofree char *unknown_temperature = vz_metric_format ("temperature", NAN);
  g_autofree char *freezing = vz_metric_format ("temperature", -1);
  g_autofree char *nan_cpu = vz_metric_format ("cpuUsage", NAN);
  g_autofree char *negative_cpu = vz_metric_format ("cpuUsage", -3);
  g_autofree char *cold = vz_metric_format ("temperature", -5);
  g_autofree char *cpu = vz_metric_format ("cpuUsage", 42.4);

  g_assert_cmpstr (unknown_temperature, ==, "Unknown");
  /* -1 °C is a reading, not a sentinel. */
  g_assert_cmpstr (freezing, ==, "-1 °C");
  g_assert_cmpstr (nan_cpu, ==, "Unknown");
  g_assert_cmpstr (negative_cpu, ==, "Unknown");
  g_assert_cmpstr (cold, ==, "-5 °C");
  g_assert_cmpstr (cpu, ==, "42 %");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/alerts/coalescer/window", test_coalescer_waits_for_the_window);
  g_test_add_func ("/alerts/coalescer/sort", test_coalescer_groups_a_sort);
  g_test_add_func ("/alerts/coalescer/summary", test_coalescer_summarises_many_sorts);
  g_test_add_func ("/alerts/coalescer/one-screen", test_coalescer_one_screen_many_sorts);
  g_test_add_func ("/alerts/coalescer/forget", test_coalescer_forgets_resolved);
  g_test_add_func ("/alerts/coalescer/burst", test_coalescer_burst);
  g_test_add_func ("/alerts/quiet-hours", test_quiet_hours);
  g_test_add_func ("/alerts/notification", test_notification_record);
  g_test_add_func ("/alerts/health", test_health);
  g_test_add_func ("/alerts/health-ranking", test_health_ranking);
  g_test_add_func ("/alerts/metric-format", test_metric_format);

  return g_test_run ();
}
