/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "bench-snapshot"

#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <glib/gstdio.h>

#include "vz-display.h"
#include "vz-display-group.h"
#include "vz-notification.h"
#include "vz-snapshot.h"
#include "vz-store.h"

/* A saved fleet of screens and groups, as the sync engine makes it. */
static VzSnapshot *
fleet_snapshot_new (const char *path,
                    VzStore    *displays,
                    VzStore    *groups,
                    VzStore    *notifications)
{
  VzSnapshot *snapshot = vz_snapshot_new (path);

  vz_snapshot_add_store (snapshot, "groups", groups);
  vz_snapshot_add_store (snapshot, "displays", displays);
  vz_snapshot_add_store (snapshot, "notifications", notifications);
  return snapshot;
}

/*
 * Snapshot cost at 10,000 screens (docs/bench-replay.md): the main-thread
 * part of a throttled save (the stores turned into JSON text on the main
 * thread; the write and fsync run in a worker), a whole blocking save, and
 * a load into empty stores (parse + decode + insert), as an offline start
 * does it. Each save's peak resident memory above the process's before it
 * (VmHWM, reset through /proc/self/clear_refs, minus VmRSS after a
 * malloc_trim) is what the save itself holds at its height.
 *
 *   meson test -C BUILD --benchmark --suite bench-replay -v
 *   BUILD/tests/bench/replay/bench-snapshot [NOTIFICATIONS]
 *
 * NOTIFICATIONS (default 0) stored alerts are saved with the screens, as the
 * app saves the notifications the server keeps.
 */

#define N_SCREENS 10000

static JsonObject *
screen (guint i)
{
  g_autofree char *id = g_uuid_string_random ();
  g_autofree char *name = g_strdup_printf ("Screen %05u", i);
  g_autofree char *device = g_strdup_printf ("device-%05u", i);
  JsonObject *obj = json_object_new ();
  JsonObject *metrics = json_object_new ();

  json_object_set_string_member (obj, "id", id);
  json_object_set_string_member (obj, "organizationId", "org");
  json_object_set_string_member (obj, "deviceIdentifier", device);
  json_object_set_string_member (obj, "nickname", name);
  json_object_set_string_member (obj, "description", "Lobby wall, left of the lifts");
  json_object_set_string_member (obj, "location", "Building A, floor 2");
  json_object_set_string_member (obj, "status", i % 3 == 0 ? "offline" : "online");
  json_object_set_string_member (obj, "orientation", "landscape");
  json_object_set_string_member (obj, "resolution", "1920x1080");
  json_object_set_string_member (obj, "timezone", "Europe/Berlin");
  json_object_set_string_member (obj, "lastHeartbeat", "2026-11-25T10:42:00.000Z");
  json_object_set_boolean_member (obj, "isDisabled", FALSE);
  json_object_set_null_member (obj, "currentPlaylistId");
  json_object_set_string_member (obj, "createdAt", "2026-11-01T08:00:00.000Z");
  json_object_set_string_member (obj, "updatedAt", "2026-11-25T10:00:00.000Z");
  json_object_set_string_member (obj, "pairedAt", "2026-11-01T08:05:00.000Z");
  json_object_set_double_member (metrics, "cpuUsage", 12.5);
  json_object_set_double_member (metrics, "memoryUsage", 48.25);
  json_object_set_double_member (metrics, "diskUsage", 61);
  json_object_set_double_member (metrics, "temperature", 52.5);
  json_object_set_int_member (metrics, "uptime", 86400 + i);
  json_object_set_object_member (obj, "metrics", metrics);
  return obj;
}

static JsonObject *
notification (guint i)
{
  g_autofree char *id = g_uuid_string_random ();
  g_autofree char *device = g_strdup_printf ("device-%05u", i % N_SCREENS);
  g_autofree char *title = g_strdup_printf ("Screen %05u went offline", i % N_SCREENS);
  JsonObject *obj = json_object_new ();
  JsonObject *metadata = json_object_new ();

  json_object_set_string_member (obj, "id", id);
  json_object_set_string_member (obj, "type", "device_offline");
  json_object_set_string_member (obj, "title", title);
  json_object_set_string_member (obj, "message", "The screen has not sent a heartbeat for 5 minutes.");
  json_object_set_string_member (obj, "severity", i % 4 == 0 ? "critical" : "warning");
  json_object_set_boolean_member (obj, "read", i % 2 == 0);
  json_object_set_null_member (obj, "dismissedAt");
  json_object_set_string_member (obj, "createdAt", "2026-11-25T10:42:00.000Z");
  json_object_set_string_member (obj, "updatedAt", "2026-11-25T10:42:00.000Z");
  json_object_set_string_member (metadata, "deviceId", device);
  json_object_set_object_member (obj, "metadata", metadata);
  return obj;
}

static double
status_mib (const char *field)
{
  g_autofree char *status = NULL;
  const char *line;

  g_assert_true (g_file_get_contents ("/proc/self/status", &status, NULL, NULL));
  line = strstr (status, field);
  g_assert_nonnull (line);
  return g_ascii_strtod (line + strlen (field), NULL) / 1024.0;
}

/* Resident memory now, with the allocator's free pages given back; the
 * peak (VmHWM) starts again from here. */
static double
peak_start (void)
{
  FILE *file;

  malloc_trim (0);
  file = fopen ("/proc/self/clear_refs", "w");
  if (file == NULL || fputs ("5", file) < 0 || fclose (file) != 0)
    g_error ("Cannot reset the peak resident memory");
  return status_mib ("VmRSS:");
}

static double
thread_cpu_ms (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_THREAD_CPUTIME_ID, &ts);
  return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static void
keep_result (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *dir = g_dir_make_tmp ("vizora-bench-snapshot-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "snapshot.json", NULL);
  g_autoptr(GPtrArray) objects = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);
  g_autoptr(VzStore) displays = vz_store_new (VZ_TYPE_DISPLAY);
  g_autoptr(VzStore) groups = vz_store_new (VZ_TYPE_DISPLAY_GROUP);
  g_autoptr(VzStore) notifications = vz_store_new (VZ_TYPE_NOTIFICATION);
  g_autoptr(VzStore) displays2 = vz_store_new (VZ_TYPE_DISPLAY);
  g_autoptr(VzStore) groups2 = vz_store_new (VZ_TYPE_DISPLAY_GROUP);
  g_autoptr(VzStore) notifications2 = vz_store_new (VZ_TYPE_NOTIFICATION);
  guint n_notifications = argc > 1 ? (guint) strtoul (argv[1], NULL, 10) : 0;
  double base, async_peak, blocking_peak, cpu0, main_cpu;
  g_autoptr(VzSnapshot) snapshot = NULL;
  g_autoptr(VzSnapshot) reader = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GDateTime) taken = NULL;
  g_autoptr(GError) error = NULL;
  GStatBuf st;
  gint64 t0, t1, t2, t3;

  for (guint i = 0; i < N_SCREENS; i++)
    g_ptr_array_add (objects, screen (i));
  vz_store_replace_all (displays, objects, &error);
  g_assert_no_error (error);
  g_ptr_array_set_size (objects, 0);
  for (guint i = 0; i < n_notifications; i++)
    g_ptr_array_add (objects, notification (i));
  vz_store_replace_all (notifications, objects, &error);
  g_assert_no_error (error);
  g_ptr_array_set_size (objects, 0);

  snapshot = fleet_snapshot_new (path, displays, groups, notifications);
  vz_snapshot_mark_dirty (snapshot);
  base = peak_start ();
  cpu0 = thread_cpu_ms ();
  t0 = g_get_monotonic_time ();
  vz_snapshot_flush_async (snapshot, NULL, keep_result, &result);
  t1 = g_get_monotonic_time ();
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  t2 = g_get_monotonic_time ();
  main_cpu = thread_cpu_ms () - cpu0;
  async_peak = status_mib ("VmHWM:") - base;
  g_assert_true (vz_snapshot_flush_finish (snapshot, result, &error));
  g_stat (path, &st);

  base = peak_start ();
  t3 = g_get_monotonic_time ();
  g_assert_true (vz_snapshot_save (snapshot, &error));
  blocking_peak = status_mib ("VmHWM:") - base;
  printf ("screens:               %u, notifications %u, file %.1f MB\n", N_SCREENS, n_notifications,
          st.st_size / 1e6);
  printf ("save, main thread:     %.1f ms (flush_async's own call)\n", (t1 - t0) / 1e3);
  printf ("save, main-thread CPU: %.1f ms (all of it, until durable)\n", main_cpu);
  printf ("save, until durable:   %.1f ms (async, write + fsync in a worker)\n", (t2 - t0) / 1e3);
  printf ("save, blocking:        %.1f ms\n", (g_get_monotonic_time () - t3) / 1e3);
  printf ("save, peak RSS growth: %.1f MiB async, %.1f MiB blocking\n", async_peak, blocking_peak);

  reader = fleet_snapshot_new (path, displays2, groups2, notifications2);
  t0 = g_get_monotonic_time ();
  taken = vz_snapshot_load (reader, &error);
  t1 = g_get_monotonic_time ();
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (displays2)), ==, N_SCREENS);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (notifications2)), ==, n_notifications);
  printf ("load into empty store: %.1f ms (read + parse + decode + insert)\n", (t1 - t0) / 1e3);
  fflush (stdout);

  g_unlink (path);
  g_rmdir (dir);
  return 0;
}
