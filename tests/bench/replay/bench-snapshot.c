/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "bench-snapshot"

#include <glib/gstdio.h>
#include <stdio.h>

#include "vz-display.h"
#include "vz-display-group.h"
#include "vz-snapshot.h"
#include "vz-store.h"

/* A saved fleet of screens and groups, as the sync engine makes it. */
static VzSnapshot *
fleet_snapshot_new (const char *path,
                    VzStore    *displays,
                    VzStore    *groups)
{
  VzSnapshot *snapshot = vz_snapshot_new (path);

  vz_snapshot_add_store (snapshot, "groups", groups);
  vz_snapshot_add_store (snapshot, "displays", displays);
  return snapshot;
}


/*
 * Snapshot cost at 10,000 screens (docs/bench-replay.md): the main-thread
 * part of a throttled save (turning the stores into JSON; the write and
 * fsync run in a worker), a whole blocking save, and a load into empty
 * stores (parse + decode + insert), as an offline start does it.
 *
 *   meson test -C BUILD --benchmark --suite bench-replay -v
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
  g_autoptr(VzStore) displays2 = vz_store_new (VZ_TYPE_DISPLAY);
  g_autoptr(VzStore) groups2 = vz_store_new (VZ_TYPE_DISPLAY_GROUP);
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

  snapshot = fleet_snapshot_new (path, displays, groups);
  vz_snapshot_mark_dirty (snapshot);
  t0 = g_get_monotonic_time ();
  vz_snapshot_flush_async (snapshot, NULL, keep_result, &result);
  t1 = g_get_monotonic_time ();
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  t2 = g_get_monotonic_time ();
  g_assert_true (vz_snapshot_flush_finish (snapshot, result, &error));
  g_stat (path, &st);

  t3 = g_get_monotonic_time ();
  g_assert_true (vz_snapshot_save (snapshot, &error));
  printf ("screens:               %u, file %.1f MB\n", N_SCREENS, st.st_size / 1e6);
  printf ("save, main thread:     %.1f ms (stores → JSON)\n", (t1 - t0) / 1e3);
  printf ("save, until durable:   %.1f ms (async, write + fsync in a worker)\n", (t2 - t0) / 1e3);
  printf ("save, blocking:        %.1f ms\n", (g_get_monotonic_time () - t3) / 1e3);

  reader = fleet_snapshot_new (path, displays2, groups2);
  t0 = g_get_monotonic_time ();
  taken = vz_snapshot_load (reader, &error);
  t1 = g_get_monotonic_time ();
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (displays2)), ==, N_SCREENS);
  printf ("load into empty store: %.1f ms (read + parse + decode + insert)\n", (t1 - t0) / 1e3);
  fflush (stdout);

  g_unlink (path);
  g_rmdir (dir);
  return 0;
}
