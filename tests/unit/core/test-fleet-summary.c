/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-fleet-summary"

#include "vz-fleet-summary.h"

static JsonObject *
screen (const char *id,
        const char *status)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autofree char *text = g_strdup_printf ("{\"id\":\"%s\",\"nickname\":\"%s\",\"status\":\"%s\"}", id, id, status);

  g_assert_true (json_parser_load_from_data (parser, text, -1, NULL));
  return json_object_ref (json_node_get_object (json_parser_get_root (parser)));
}

static void
add (VzStore    *store,
     const char *id,
     const char *status)
{
  g_autoptr(JsonObject) obj = screen (id, status);
  g_autoptr(GError) error = NULL;

  g_assert_nonnull (vz_store_upsert_json (store, obj, &error));
  g_assert_no_error (error);
}

static void
assert_counts (VzFleetSummary *summary,
               guint           total,
               guint           online,
               guint           offline,
               guint           other)
{
  g_assert_cmpuint (vz_fleet_summary_get_total (summary), ==, total);
  g_assert_cmpuint (vz_fleet_summary_get_online (summary), ==, online);
  g_assert_cmpuint (vz_fleet_summary_get_offline (summary), ==, offline);
  g_assert_cmpuint (vz_fleet_summary_get_other (summary), ==, other);
}

static void
count_notify (GObject    *object,
              GParamSpec *pspec,
              guint      *count)
{
  (*count)++;
}

static void
test_counts_follow_the_store (void)
{
  g_autoptr(VzStore) store = vz_store_new (VZ_TYPE_DISPLAY);
  g_autoptr(VzFleetSummary) summary = NULL;
  g_autoptr(GPtrArray) list = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);
  guint offline_notifies = 0;

  add (store, "a", "online");
  add (store, "b", "offline");
  summary = vz_fleet_summary_new (store);
  assert_counts (summary, 2, 1, 1, 0);
  g_signal_connect (summary, "notify::offline", G_CALLBACK (count_notify), &offline_notifies);

  /* Screens that come are counted, in their own status. */
  add (store, "c", "pairing");
  add (store, "d", "online");
  assert_counts (summary, 4, 2, 1, 1);

  /* A status change moves one screen between counts, at once. */
  vz_display_apply_status (vz_store_lookup (store, "a"), VZ_DISPLAY_STATUS_OFFLINE, NULL);
  assert_counts (summary, 4, 1, 2, 1);
  g_assert_cmpuint (offline_notifies, ==, 1);
  /* The same status again changes nothing. */
  vz_display_apply_status (vz_store_lookup (store, "a"), VZ_DISPLAY_STATUS_OFFLINE, NULL);
  g_assert_cmpuint (offline_notifies, ==, 1);

  /* A screen that leaves stops counting, and so do its later changes. */
  {
    g_autoptr(VzDisplay) gone = g_object_ref (vz_store_lookup (store, "b"));

    g_assert_true (vz_store_remove (store, "b"));
    assert_counts (summary, 3, 1, 1, 1);
    vz_display_apply_status (gone, VZ_DISPLAY_STATUS_ONLINE, NULL);
    assert_counts (summary, 3, 1, 1, 1);
  }

  /* A re-read replaces the fleet: the counts are the new list's. */
  g_ptr_array_add (list, screen ("a", "online"));
  g_ptr_array_add (list, screen ("e", "offline"));
  g_ptr_array_add (list, screen ("f", "offline"));
  g_assert_true (vz_store_replace_all (store, list, NULL));
  assert_counts (summary, 3, 1, 2, 0);

  vz_store_clear (store);
  assert_counts (summary, 0, 0, 0, 0);
  g_assert_finalize_object (g_steal_pointer (&summary));
}

/* A fleet that arrives at once (a read, the saved fleet) is one change of
 * each count, not one a screen: every notification repaints the page's
 * header. */
static void
test_many_screens_one_notification (void)
{
  g_autoptr(VzStore) store = vz_store_new (VZ_TYPE_DISPLAY);
  g_autoptr(VzFleetSummary) summary = vz_fleet_summary_new (store);
  g_autoptr(GPtrArray) list = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);
  guint online_notifies = 0, offline_notifies = 0, total_notifies = 0;

  g_signal_connect (summary, "notify::online", G_CALLBACK (count_notify), &online_notifies);
  g_signal_connect (summary, "notify::offline", G_CALLBACK (count_notify), &offline_notifies);
  g_signal_connect (summary, "notify::total", G_CALLBACK (count_notify), &total_notifies);
  for (guint i = 0; i < 300; i++)
    {
      g_autofree char *id = g_strdup_printf ("s%u", i);

      g_ptr_array_add (list, screen (id, i % 3 == 0 ? "offline" : "online"));
    }
  g_assert_true (vz_store_replace_all (store, list, NULL));
  assert_counts (summary, 300, 200, 100, 0);
  g_assert_cmpuint (online_notifies, ==, 1);
  g_assert_cmpuint (offline_notifies, ==, 1);
  g_assert_cmpuint (total_notifies, ==, 1);

  /* All leave at once: again one change each. */
  vz_store_clear (store);
  assert_counts (summary, 0, 0, 0, 0);
  g_assert_cmpuint (online_notifies, ==, 2);
  g_assert_cmpuint (offline_notifies, ==, 2);
  g_assert_cmpuint (total_notifies, ==, 2);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/core/fleet-summary/counts-follow-the-store", test_counts_follow_the_store);
  g_test_add_func ("/core/fleet-summary/many-screens-one-notification", test_many_screens_one_notification);
  return g_test_run ();
}
