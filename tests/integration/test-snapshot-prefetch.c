/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-snapshot-prefetch"

#include <glib/gstdio.h>

#include "vz-display.h"
#include "vz-resource.h"
#include "vz-snapshot-private.h"
#include "vz-store.h"
#include "vz-test-server.h"

/*
 * The saved fleet read early (vz-snapshot-prefetch.c): the engine's read of
 * the same file with the same sections (those it reads first) takes what was
 * read (the file is deleted before it asks, and it still gets the fleet),
 * once; a read of
 * another file or of other sections reads its own; a read that comes before
 * the early one knows its file waits for it; a cancelled read gets its
 * cancellation; one discarded (the server's data came first) ends at once.
 */

static char *tmpdir;

/* A snapshot with every kind a sync engine has, in its order. */
static VzSnapshot *
snapshot_like_engine (const char *path,
                      GPtrArray  *stores)
{
  const VzResource * const *catalogue = vz_resource_catalogue ();
  VzSnapshot *snapshot = vz_snapshot_new (path);

  for (guint i = 0; catalogue[i] != NULL; i++)
    {
      VzStore *store = vz_store_new (catalogue[i]->entity_type ());

      vz_snapshot_add_store (snapshot, catalogue[i]->snapshot_member, store);
      g_ptr_array_add (stores, store);
    }
  return snapshot;
}

static VzStore *
displays_of (GPtrArray *stores)
{
  for (guint i = 0; i < stores->len; i++)
    if (vz_store_get_entity_type (g_ptr_array_index (stores, i)) == VZ_TYPE_DISPLAY)
      return g_ptr_array_index (stores, i);
  g_assert_not_reached ();
}

/* Saves a fleet of one screen named @name at a new path. */
static char *
save_fleet (const char *name)
{
  g_autoptr(GPtrArray) stores = g_ptr_array_new_with_free_func (g_object_unref);
  g_autofree char *folder = g_build_filename (tmpdir, name, NULL);
  char *path = g_build_filename (folder, "snapshot.json", NULL);
  g_autoptr(VzSnapshot) snapshot = snapshot_like_engine (path, stores);
  g_autoptr(GPtrArray) objects = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);
  g_autoptr(GError) error = NULL;
  JsonObject *obj = json_object_new ();

  g_assert_cmpint (g_mkdir_with_parents (folder, 0700), ==, 0);
  json_object_set_string_member (obj, "id", name);
  json_object_set_string_member (obj, "nickname", name);
  json_object_set_string_member (obj, "status", "online");
  json_object_set_string_member (obj, "updatedAt", "2026-12-04T10:00:00.000Z");
  g_ptr_array_add (objects, obj);
  vz_store_replace_all (displays_of (stores), objects, &error);
  g_assert_no_error (error);
  g_assert_true (vz_snapshot_save (snapshot, &error));
  g_assert_no_error (error);
  return path;
}

typedef struct {
  gpointer  handle;
  char     *path;
} Run;

static gpointer
run_thread (gpointer data)
{
  Run *run = data;

  _vz_snapshot_prefetch_run (run->handle, run->path);
  g_free (run->path);
  g_free (run);
  return NULL;
}

/* An early read of @path (NULL: none), in a thread as the app starts one. */
static GThread *
start_run (gpointer    handle,
           const char *path)
{
  Run *run = g_new0 (Run, 1);

  g_assert_nonnull (handle);
  run->handle = handle;
  run->path = g_strdup (path);
  return g_thread_new ("test-prefetch", run_thread, run);
}

static void
store_result (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

/* The sections an engine reads first: those of the kinds not read later. */
static GStrv
first_sections (void)
{
  const VzResource * const *catalogue = vz_resource_catalogue ();
  g_autoptr(GStrvBuilder) members = g_strv_builder_new ();

  for (guint i = 0; catalogue[i] != NULL; i++)
    if (!catalogue[i]->snapshot_later)
      g_strv_builder_add (members, catalogue[i]->snapshot_member);
  return g_strv_builder_end (members);
}

/* Reads @path's first sections as an engine does; the name of its one
 * screen, or NULL with @error set. */
static char *
load_name (const char   *path,
           GCancellable *cancellable,
           gpointer      handle,
           const char   *run_path,
           GError      **error)
{
  g_autoptr(GPtrArray) stores = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(VzSnapshot) snapshot = snapshot_like_engine (path, stores);
  g_auto(GStrv) first = first_sections ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GDateTime) taken = NULL;
  g_autoptr(GHashTable) lists = NULL;
  g_autoptr(GHashTable) decoded = NULL;
  g_autoptr(JsonObject) display = NULL;
  GPtrArray *displays;
  GThread *thread = NULL;

  vz_snapshot_read_sections_async (snapshot, (const char * const *) first, cancellable, store_result, &result);
  /* The early read learns its file only after this read asked for it. */
  if (handle != NULL)
    thread = start_run (handle, run_path);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  if (thread != NULL)
    g_thread_join (thread);
  taken = vz_snapshot_read_finish (snapshot, result, &lists, &decoded, error);
  if (taken == NULL)
    return NULL;
  /* The alerts, read later, are not among them. */
  g_assert_false (g_hash_table_contains (lists, "notifications"));
  displays = g_hash_table_lookup (lists, "displays");
  g_assert_nonnull (displays);
  g_assert_cmpuint (displays->len, ==, 1);
  display = vz_store_record_whole (decoded, g_ptr_array_index (displays, 0));
  return g_strdup (json_object_get_string_member (display, "nickname"));
}

static void
test_taken (void)
{
  g_autofree char *path = save_fleet ("taken");
  g_autofree char *name = NULL;
  g_autoptr(GError) error = NULL;
  GThread *thread = start_run (_vz_snapshot_prefetch_begin (), path);

  g_assert_true (_vz_snapshot_prefetch_wait_read (30000));
  g_assert_cmpint (g_unlink (path), ==, 0);

  name = load_name (path, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (name, ==, "taken");
  g_thread_join (thread);

  /* Once: the next read finds the file gone. */
  g_clear_pointer (&name, g_free);
  name = load_name (path, NULL, NULL, NULL, &error);
  g_assert_error (error, VZ_SNAPSHOT_ERROR, VZ_SNAPSHOT_ERROR_NONE_SAVED);
  g_assert_null (name);
}

static void
test_waits (void)
{
  g_autofree char *path = save_fleet ("waits");
  g_autofree char *name = NULL;
  g_autoptr(GError) error = NULL;

  name = load_name (path, NULL, _vz_snapshot_prefetch_begin (), path, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (name, ==, "waits");
}

static void
test_other_file (void)
{
  g_autofree char *mine = save_fleet ("mine");
  g_autofree char *other = save_fleet ("other");
  g_autofree char *name = NULL;
  g_autoptr(GError) error = NULL;

  /* Waiting, then told the early read is of another file. */
  name = load_name (mine, NULL, _vz_snapshot_prefetch_begin (), other, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (name, ==, "mine");
  g_clear_pointer (&name, g_free);

  /* Asking after it knows its file. */
  {
    GThread *thread = start_run (_vz_snapshot_prefetch_begin (), other);

    g_assert_true (_vz_snapshot_prefetch_wait_read (30000));
    name = load_name (mine, NULL, NULL, NULL, &error);
    g_assert_no_error (error);
    g_assert_cmpstr (name, ==, "mine");
    g_clear_pointer (&name, g_free);
    /* Still there for the read of its own file. */
    name = load_name (other, NULL, NULL, NULL, &error);
    g_assert_no_error (error);
    g_assert_cmpstr (name, ==, "other");
    g_thread_join (thread);
  }

  /* There is no saved account: the waiting read reads its own. */
  g_clear_pointer (&name, g_free);
  name = load_name (mine, NULL, _vz_snapshot_prefetch_begin (), NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (name, ==, "mine");
}

static void
test_other_sections (void)
{
  g_autofree char *path = save_fleet ("sections");
  g_autoptr(VzStore) displays = vz_store_new (VZ_TYPE_DISPLAY);
  g_autoptr(VzSnapshot) partial = vz_snapshot_new (path);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GDateTime) taken = NULL;
  g_autofree char *name = NULL;
  GThread *thread = start_run (_vz_snapshot_prefetch_begin (), path);

  g_assert_true (_vz_snapshot_prefetch_wait_read (30000));
  g_assert_cmpint (g_unlink (path), ==, 0);

  /* Not an engine's sections: reads the file itself, which is gone. */
  vz_snapshot_add_store (partial, "displays", displays);
  vz_snapshot_load_async (partial, NULL, store_result, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  taken = vz_snapshot_load_finish (partial, result, &error);
  g_assert_null (taken);
  g_assert_error (error, VZ_SNAPSHOT_ERROR, VZ_SNAPSHOT_ERROR_NONE_SAVED);
  g_clear_error (&error);

  name = load_name (path, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (name, ==, "sections");
  g_thread_join (thread);
}

static void
test_discarded (void)
{
  g_autofree char *path = save_fleet ("discarded");
  g_autofree char *name = NULL;
  g_autoptr(GError) error = NULL;
  GThread *thread = start_run (_vz_snapshot_prefetch_begin (), path);
  gint64 start;

  g_assert_true (_vz_snapshot_prefetch_wait_read (30000));
  g_assert_cmpint (g_unlink (path), ==, 0);

  /* The server's data came first: the early read ends now, not after its
   * minute, and is not taken by a later read. */
  start = g_get_monotonic_time ();
  _vz_snapshot_prefetch_discard ();
  g_thread_join (thread);
  g_assert_cmpint (g_get_monotonic_time () - start, <, 20 * G_TIME_SPAN_SECOND);
  name = load_name (path, NULL, NULL, NULL, &error);
  g_assert_error (error, VZ_SNAPSHOT_ERROR, VZ_SNAPSHOT_ERROR_NONE_SAVED);
  g_assert_null (name);

  /* A new early read can start. */
  g_clear_error (&error);
  g_free (save_fleet ("discarded"));
  name = load_name (path, NULL, _vz_snapshot_prefetch_begin (), path, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (name, ==, "discarded");
}

static void
test_cancelled (void)
{
  g_autofree char *path = save_fleet ("cancelled");
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *name = NULL;

  g_cancellable_cancel (cancellable);
  name = load_name (path, cancellable, _vz_snapshot_prefetch_begin (), path, &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_null (name);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  g_test_init (&argc, &argv, NULL);
  tmpdir = g_dir_make_tmp ("vizora-prefetch-XXXXXX", NULL);
  g_assert_nonnull (tmpdir);

  g_test_add_func ("/snapshot-prefetch/taken", test_taken);
  g_test_add_func ("/snapshot-prefetch/waits", test_waits);
  g_test_add_func ("/snapshot-prefetch/other-file", test_other_file);
  g_test_add_func ("/snapshot-prefetch/other-sections", test_other_sections);
  g_test_add_func ("/snapshot-prefetch/discarded", test_discarded);
  g_test_add_func ("/snapshot-prefetch/cancelled", test_cancelled);
  status = g_test_run ();

  vz_test_remove_tree (tmpdir);
  g_free (tmpdir);
  return status;
}
