/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-snapshot"

#include "test-snapshot-util.h"

char *test_tmpdir;

void
snapshot_test_init (int    *argc,
                    char ***argv)
{
  g_test_init (argc, argv, NULL);
  test_tmpdir = g_dir_make_tmp ("vizora-snapshot-XXXXXX", NULL);
  g_assert_nonnull (test_tmpdir);
}

int
snapshot_test_run (void)
{
  /* Only what the tests made lives under test_tmpdir. */
  const char *rm[] = { "rm", "-rf", test_tmpdir, NULL };
  int status = g_test_run ();

  g_spawn_sync (NULL, (char **) rm, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL, NULL, NULL);
  g_clear_pointer (&test_tmpdir, g_free);
  return status;
}

VzSnapshot *
fleet_snapshot_new (const char *path,
                    VzStore    *displays,
                    VzStore    *groups)
{
  VzSnapshot *snapshot = vz_snapshot_new (path);

  vz_snapshot_add_store (snapshot, "groups", groups);
  vz_snapshot_add_store (snapshot, "displays", displays);
  return snapshot;
}

gpointer
wait_for (GAsyncResult **result)
{
  while (*result == NULL)
    g_main_context_iteration (NULL, TRUE);
  return *result;
}

void
store_result (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

char *
fresh_path (const char *name)
{
  return g_build_filename (test_tmpdir, name, "snapshot.json", NULL);
}

void
fill_large (VzStore *displays)
{
  g_autoptr(GPtrArray) objects = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < N_LARGE; i++)
    {
      JsonObject *obj = json_object_new ();
      g_autofree char *id = g_strdup_printf ("screen-%05u", i);
      g_autofree char *name = g_strdup_printf ("Screen %u – Café \"Nord\" \\ 東京", i);

      json_object_set_string_member (obj, "id", id);
      json_object_set_string_member (obj, "nickname", name);
      json_object_set_string_member (obj, "description", "Lobby wall, left of the lifts, above the desk");
      json_object_set_string_member (obj, "location", "Building A, floor 2, north wing, by the windows");
      json_object_set_string_member (obj, "status", i % 3 == 0 ? "offline" : "online");
      json_object_set_string_member (obj, "updatedAt", "2026-11-25T10:00:00.000Z");
      g_ptr_array_add (objects, obj);
    }
  vz_store_replace_all (displays, objects, &error);
  g_assert_no_error (error);
}
