/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-notifier"

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "vz-alert-notifier.h"
#include "vz-notification-resource.h"
#include "vz-session.h"
#include "vz-sync-engine.h"
#include "vz-ui-test-util.h"

/*
 * VzAlertNotifier's own rules, fed as the sync engine feeds it (the alert
 * put in the notifications store, then the engine's "realtime-event"): the
 * minimum severity and the quiet hours, read from a clock the test sets.
 * The clock runs from a chosen local time at the pace of the real one, so
 * the notifier's own timer for the end of the quiet hours is what fires.
 */

typedef struct {
  GSettings       *settings;
  VzSyncEngine    *engine;
  VzAlertNotifier *notifier;
  GPtrArray       *sent;      /* the bodies and titles told, "title|body" */
  GDateTime       *clock_start;
  gint64           clock_started;
  guint            want_sent;
} Fixture;

static GDateTime *
test_clock (gpointer data)
{
  Fixture *f = data;

  return g_date_time_add (f->clock_start, g_get_monotonic_time () - f->clock_started);
}

static void
set_clock (Fixture *f,
           int      hour,
           int      minute,
           double   seconds)
{
  g_clear_pointer (&f->clock_start, g_date_time_unref);
  f->clock_start = g_date_time_new_local (2026, 12, 3, hour, minute, seconds);
  f->clock_started = g_get_monotonic_time ();
  vz_alert_notifier_set_clock (f->notifier, test_clock, f);
}

static void
on_sent (VzAlertNotifier *notifier,
         const char      *id,
         const char      *title,
         const char      *body,
         const char      *screen_id,
         Fixture         *f)
{
  g_ptr_array_add (f->sent, g_strdup_printf ("%s|%s", title, body));
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(VzSession) session = vz_session_new ("http://127.0.0.1:9");

  f->settings = g_settings_new ("cloud.vizora.Desktop");
  f->engine = vz_sync_engine_new (session);
  f->notifier = vz_alert_notifier_new (NULL, f->settings);
  f->sent = g_ptr_array_new_with_free_func (g_free);
  vz_alert_notifier_set_sync_engine (f->notifier, f->engine);
  vz_alert_notifier_set_window (f->notifier, 50);
  g_signal_connect (f->notifier, "sent", G_CALLBACK (on_sent), f);
  set_clock (f, 12, 0, 0);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  const char *keys[] = { "notify-min-severity", "quiet-hours-enabled", "quiet-hours-start", "quiet-hours-end" };

  for (guint i = 0; i < G_N_ELEMENTS (keys); i++)
    g_settings_reset (f->settings, keys[i]);
  vz_alert_notifier_set_sync_engine (f->notifier, NULL);
  g_assert_finalize_object (f->notifier);
  g_object_unref (f->engine);
  g_object_unref (f->settings);
  g_ptr_array_unref (f->sent);
  g_date_time_unref (f->clock_start);
}

/* An alert arrives as the engine hands it over: stored, then the event. */
static void
arrive (Fixture    *f,
        const char *id,
        const char *severity,
        const char *device_id,
        gboolean    resolved)
{
  g_autofree char *text = g_strdup_printf ("{\"id\":\"%s\",\"type\":\"device_health\",\"title\":\"%s is too hot\","
                                           "\"message\":\"Temperature 85 °C\",\"severity\":\"%s\",\"read\":false,"
                                           "\"dismissedAt\":null,\"createdAt\":\"2026-12-03T10:00:00Z\","
                                           "\"metadata\":{\"deviceId\":\"%s\",\"metric\":\"temperature\","
                                           "\"value\":85,\"threshold\":80%s}}",
                                           id, device_id, severity, device_id,
                                           resolved ? ",\"resolved\":true" : "");
  g_autoptr(JsonNode) payload = json_from_string (text, NULL);
  g_autoptr(GError) error = NULL;

  g_assert_nonnull (payload);
  g_assert_nonnull (vz_store_upsert_json (vz_sync_engine_get_notifications (f->engine),
                                          json_node_get_object (payload), &error));
  g_assert_no_error (error);
  g_signal_emit_by_name (f->engine, "realtime-event", "health:alert", payload);
}

static gboolean
sent_reached (gpointer data)
{
  Fixture *f = data;

  return f->sent->len >= f->want_sent;
}

/* Waits until @n notifications in all have been sent, and not more. What
 * is not to be sent is checked after a short spin of the main loop instead. */
static void
wait_sent (Fixture *f,
           guint    n)
{
  f->want_sent = n;
  if (!wait_for (sent_reached, f, 30))
    g_error ("%u notifications were sent within 30 s, not %u", f->sent->len, n);
  g_assert_cmpuint (f->sent->len, ==, n);
}

static void
test_minimum_severity (Fixture       *f,
                       gconstpointer  data)
{
  /* Warnings and criticals by default. */
  arrive (f, "a1", "warning", "lobby", FALSE);
  wait_sent (f, 1);

  /* Criticals only: a warning sends nothing, a critical does. */
  g_settings_set_string (f->settings, "notify-min-severity", "critical");
  arrive (f, "a2", "warning", "hall", FALSE);
  spin (200);
  g_assert_cmpuint (f->sent->len, ==, 1);
  g_assert_null (vz_alert_notifier_lookup (f->notifier, "a2"));
  arrive (f, "a3", "critical", "hall", FALSE);
  wait_sent (f, 2);
  g_assert_cmpstr (g_ptr_array_index (f->sent, 1), ==, "hall is too hot|Temperature 85 °C");

  /* Infos never; "none" tells nothing at all. */
  arrive (f, "a4", "info", "hall", FALSE);
  g_settings_set_string (f->settings, "notify-min-severity", "none");
  arrive (f, "a5", "critical", "cafe", FALSE);
  spin (200);
  g_assert_cmpuint (f->sent->len, ==, 2);
  g_assert_cmpuint (vz_alert_notifier_get_sent_count (f->notifier), ==, 2);
}

static int
compare_strings (gconstpointer a,
                 gconstpointer b)
{
  return g_strcmp0 (*(const char * const *) a, *(const char * const *) b);
}

static void
test_quiet_hours (Fixture       *f,
                  gconstpointer  data)
{
  g_settings_set_boolean (f->settings, "quiet-hours-enabled", TRUE);
  g_settings_set_uint (f->settings, "quiet-hours-start", 22 * 60);
  g_settings_set_uint (f->settings, "quiet-hours-end", 7 * 60);

  /* 23:30, past midnight's wrap: nothing is sent. */
  set_clock (f, 23, 30, 0);
  arrive (f, "q1", "critical", "lobby", FALSE);
  arrive (f, "q2", "warning", "hall", FALSE);
  spin (300);
  g_assert_cmpuint (f->sent->len, ==, 0);

  /* 06:59:55: still quiet; "hall" gets better before the end. */
  set_clock (f, 6, 59, 55);
  arrive (f, "q3", "critical", "cafe", FALSE);
  arrive (f, "q2", "warning", "hall", TRUE);
  spin (300);
  g_assert_cmpuint (f->sent->len, ==, 0);

  /* At 07:00 the notifier's own timer ends the quiet hours: what is still
   * open is told, as one burst, and what was over is not. */
  wait_sent (f, 2);
  g_ptr_array_sort (f->sent, compare_strings);
  g_assert_cmpstr (g_ptr_array_index (f->sent, 0), ==, "cafe is too hot|Temperature 85 °C");
  g_assert_cmpstr (g_ptr_array_index (f->sent, 1), ==, "lobby is too hot|Temperature 85 °C");
  g_assert_nonnull (vz_alert_notifier_lookup (f->notifier, "q1"));
  g_assert_null (vz_alert_notifier_lookup (f->notifier, "q2"));

  /* Told once: the same alerts again do not come back. */
  arrive (f, "q1", "critical", "lobby", FALSE);
  spin (200);
  g_assert_cmpuint (f->sent->len, ==, 2);

  /* After the quiet hours, alerts are told as they come. */
  arrive (f, "q4", "warning", "lobby", FALSE);
  wait_sent (f, 3);
}

static void
test_quiet_hours_turned_off (Fixture       *f,
                             gconstpointer  data)
{
  g_settings_set_boolean (f->settings, "quiet-hours-enabled", TRUE);
  g_settings_set_uint (f->settings, "quiet-hours-start", 9 * 60);
  g_settings_set_uint (f->settings, "quiet-hours-end", 17 * 60);

  /* Noon is inside 09:00–17:00. */
  arrive (f, "o1", "critical", "lobby", FALSE);
  spin (200);
  g_assert_cmpuint (f->sent->len, ==, 0);
  /* Raising the minimum drops what no longer reaches it. */
  arrive (f, "o2", "warning", "hall", FALSE);
  g_settings_set_string (f->settings, "notify-min-severity", "critical");
  spin (200);
  g_assert_cmpuint (f->sent->len, ==, 0);

  /* Turning the quiet hours off tells what they held. */
  g_settings_set_boolean (f->settings, "quiet-hours-enabled", FALSE);
  wait_sent (f, 1);
  g_assert_cmpstr (g_ptr_array_index (f->sent, 0), ==, "lobby is too hot|Temperature 85 °C");
  g_assert_null (vz_alert_notifier_lookup (f->notifier, "o2"));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/notifier/minimum-severity", Fixture, NULL, fixture_set_up, test_minimum_severity,
              fixture_tear_down);
  g_test_add ("/notifier/quiet-hours", Fixture, NULL, fixture_set_up, test_quiet_hours, fixture_tear_down);
  g_test_add ("/notifier/quiet-hours-turned-off", Fixture, NULL, fixture_set_up, test_quiet_hours_turned_off,
              fixture_tear_down);

  return g_test_run ();
}
