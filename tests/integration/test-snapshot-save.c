/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-snapshot-save"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/file.h>
#include <sys/resource.h>
#include <unistd.h>
#include <utime.h>
#include <glib/gstdio.h>

#include "vz-api-client.h"
#include "vz-display.h"
#include "vz-display-group.h"
#include "vz-test-server.h"
#include "test-snapshot-util.h"

/*
 * VzSnapshot saving the fleet of a real server: what is saved comes back
 * the same after a restart, in a private file; saves are throttled, fail in
 * words, write large fleets a chunk at a time, whole or not at all, and
 * clear away the new files of saves that were killed midway.
 */

static VzTestServer *server;
static char *token;

static GPtrArray *
read_list (const char *path)
{
  g_autoptr(VzApiClient) api = vz_api_client_new (server->api_url);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  GPtrArray *items;

  vz_api_client_set_access_token (api, token);
  vz_api_client_list_all_async (api, path, NULL, store_result, &result);
  items = vz_api_client_list_all_finish (api, wait_for (&result), &error);
  g_assert_no_error (error);
  return items;
}

/* The stores as the sync engine fills them after a read. */
static void
fill_from_server (VzStore *displays,
                  VzStore *groups)
{
  g_autoptr(GPtrArray) display_objects = read_list ("/displays");
  g_autoptr(GPtrArray) group_objects = read_list ("/display-groups");
  g_autoptr(GError) error = NULL;

  vz_store_replace_all (groups, group_objects, &error);
  g_assert_no_error (error);
  vz_store_replace_all (displays, display_objects, &error);
  g_assert_no_error (error);
}

static void
assert_same_display (VzDisplay *a,
                     VzDisplay *b)
{
  g_assert_cmpstr (vz_entity_get_id (VZ_ENTITY (a)), ==, vz_entity_get_id (VZ_ENTITY (b)));
  g_assert_cmpstr (vz_entity_get_updated_at (VZ_ENTITY (a)), ==, vz_entity_get_updated_at (VZ_ENTITY (b)));
  g_assert_cmpstr (vz_display_get_nickname (a), ==, vz_display_get_nickname (b));
  g_assert_cmpstr (vz_display_get_location (a), ==, vz_display_get_location (b));
  g_assert_cmpstr (vz_display_get_description (a), ==, vz_display_get_description (b));
  g_assert_cmpstr (vz_display_get_device_identifier (a), ==, vz_display_get_device_identifier (b));
  g_assert_cmpstr (vz_display_get_orientation (a), ==, vz_display_get_orientation (b));
  g_assert_cmpstr (vz_display_get_timezone (a), ==, vz_display_get_timezone (b));
  g_assert_cmpint (vz_display_get_status (a), ==, vz_display_get_status (b));
  g_assert_cmpint (vz_display_get_is_disabled (a), ==, vz_display_get_is_disabled (b));
  g_assert_cmpfloat (vz_display_get_cpu_usage (a), ==, vz_display_get_cpu_usage (b));
  g_assert_cmpint (vz_display_get_uptime (a), ==, vz_display_get_uptime (b));
  if (vz_display_get_last_heartbeat (a) == NULL)
    g_assert_null (vz_display_get_last_heartbeat (b));
  else
    g_assert_true (g_date_time_equal (vz_display_get_last_heartbeat (a), vz_display_get_last_heartbeat (b)));
}

static void
test_round_trip (void)
{
  g_autoptr(VzStore) displays = vz_store_new (VZ_TYPE_DISPLAY);
  g_autoptr(VzStore) groups = vz_store_new (VZ_TYPE_DISPLAY_GROUP);
  g_autoptr(VzStore) displays2 = vz_store_new (VZ_TYPE_DISPLAY);
  g_autoptr(VzStore) groups2 = vz_store_new (VZ_TYPE_DISPLAY_GROUP);
  g_autoptr(VzSnapshot) snapshot = NULL;
  g_autoptr(VzSnapshot) reopened = NULL;
  g_autoptr(GDateTime) before = g_date_time_new_now_utc ();
  g_autoptr(GDateTime) taken = NULL;
  g_autoptr(GAsyncResult) flushed = NULL;
  g_autoptr(GAsyncResult) loaded = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = fresh_path ("round-trip");
  GStatBuf st;
  guint n;

  snapshot = fleet_snapshot_new (path, displays, groups);
  /* Nothing read yet: a flush must not save an empty fleet over a good one. */
  vz_snapshot_flush_async (snapshot, NULL, store_result, &flushed);
  g_assert_true (vz_snapshot_flush_finish (snapshot, wait_for (&flushed), &error));
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
  g_clear_object (&flushed);

  fill_from_server (displays, groups);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (displays)), ==, 3);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (groups)), ==, 1);
  g_assert_true (vz_snapshot_get_dirty (snapshot));

  vz_snapshot_flush_async (snapshot, NULL, store_result, &flushed);
  g_assert_true (vz_snapshot_flush_finish (snapshot, wait_for (&flushed), &error));
  g_assert_no_error (error);
  g_assert_nonnull (vz_snapshot_get_saved_at (snapshot));
  g_assert_false (vz_snapshot_get_dirty (snapshot));

  /* Fleet data is private, and there is no temporary file left over. */
  g_assert_cmpint (g_stat (path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);

  /* A new process: empty stores, filled from the file. */
  reopened = fleet_snapshot_new (path, displays2, groups2);
  vz_snapshot_load_async (reopened, NULL, store_result, &loaded);
  taken = vz_snapshot_load_finish (reopened, wait_for (&loaded), &error);
  g_assert_no_error (error);
  g_assert_nonnull (taken);
  g_assert_cmpint (g_date_time_compare (taken, before), >=, 0);
  g_assert_true (g_date_time_equal (taken, vz_snapshot_get_saved_at (reopened)));
  g_assert_false (vz_snapshot_get_dirty (reopened));

  n = g_list_model_get_n_items (G_LIST_MODEL (displays));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (displays2)), ==, n);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(VzDisplay) a = g_list_model_get_item (G_LIST_MODEL (displays), i);
      VzDisplay *b = vz_store_lookup (displays2, vz_entity_get_id (VZ_ENTITY (a)));

      g_assert_nonnull (b);
      assert_same_display (a, b);
    }
  {
    g_autoptr(VzDisplayGroup) a = g_list_model_get_item (G_LIST_MODEL (groups), 0);
    VzDisplayGroup *b = vz_store_lookup (groups2, vz_entity_get_id (VZ_ENTITY (a)));
    const char * const *ids_a = vz_display_group_get_display_ids (a);
    const char * const *ids_b = vz_display_group_get_display_ids (b);

    g_assert_nonnull (b);
    g_assert_cmpstr (vz_display_group_get_name (a), ==, vz_display_group_get_name (b));
    g_assert_cmpuint (vz_display_group_get_display_count (a), ==, vz_display_group_get_display_count (b));
    g_assert_cmpuint (g_strv_length ((char **) ids_a), ==, 2);
    g_assert_true (g_strv_equal (ids_a, ids_b));
  }
}

/* Names are people's text: quotes, backslashes, control characters and any
 * script come back exactly. */
static void
test_text_round_trip (void)
{
  const char *names[] = {
    "Quote \" and backslash \\ and slash /", "Tab\tnew\nline\r\x01\x1f", "Café – 東京 – 🖥️", "",
  };
  g_autofree char *path = fresh_path ("text");
  g_autoptr(VzStore) displays = vz_store_new (VZ_TYPE_DISPLAY);
  g_autoptr(VzStore) groups = vz_store_new (VZ_TYPE_DISPLAY_GROUP);
  g_autoptr(VzStore) displays2 = vz_store_new (VZ_TYPE_DISPLAY);
  g_autoptr(VzStore) groups2 = vz_store_new (VZ_TYPE_DISPLAY_GROUP);
  g_autoptr(VzSnapshot) snapshot = fleet_snapshot_new (path, displays, groups);
  g_autoptr(VzSnapshot) reader = fleet_snapshot_new (path, displays2, groups2);
  g_autoptr(GPtrArray) objects = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);
  g_autoptr(GDateTime) taken = NULL;
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      JsonObject *obj = json_object_new ();
      g_autofree char *id = g_strdup_printf ("id-%u", i);

      json_object_set_string_member (obj, "id", id);
      json_object_set_string_member (obj, "nickname", names[i]);
      json_object_set_string_member (obj, "location", names[(i + 1) % G_N_ELEMENTS (names)]);
      g_ptr_array_add (objects, obj);
    }
  vz_store_replace_all (displays, objects, &error);
  g_assert_no_error (error);
  g_assert_true (vz_snapshot_save (snapshot, &error));
  g_assert_no_error (error);
  taken = vz_snapshot_load (reader, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autofree char *id = g_strdup_printf ("id-%u", i);
      VzDisplay *d = vz_store_lookup (displays2, id);

      g_assert_nonnull (d);
      g_assert_cmpstr (vz_display_get_nickname (d), ==, names[i]);
      g_assert_cmpstr (vz_display_get_location (d), ==, names[(i + 1) % G_N_ELEMENTS (names)]);
    }
}

static void
count_saves (VzSnapshot *snapshot,
             GError     *error,
             gpointer    user_data)
{
  g_assert_no_error (error);
  (*(guint *) user_data)++;
}

static gboolean
quit_loop (gpointer user_data)
{
  g_main_loop_quit (user_data);
  return G_SOURCE_REMOVE;
}

static void
test_throttled (void)
{
  g_autoptr(VzStore) displays = vz_store_new (VZ_TYPE_DISPLAY);
  g_autoptr(VzStore) groups = vz_store_new (VZ_TYPE_DISPLAY_GROUP);
  g_autofree char *path = fresh_path ("throttled");
  g_autoptr(VzSnapshot) snapshot = fleet_snapshot_new (path, displays, groups);
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  g_autoptr(GAsyncResult) flushed = NULL;
  g_autoptr(GError) error = NULL;
  guint saves = 0;

  vz_snapshot_set_interval (snapshot, 1);
  g_signal_connect (snapshot, "saved", G_CALLBACK (count_saves), &saves);

  /* Filling the stores is a burst of changes: one save, at once. */
  fill_from_server (displays, groups);
  g_assert_true (vz_snapshot_get_dirty (snapshot));
  for (guint i = 0; i < 100; i++)
    vz_snapshot_mark_dirty (snapshot);
  g_timeout_add (500, quit_loop, loop);
  g_main_loop_run (loop);
  g_assert_cmpuint (saves, ==, 1);
  g_assert_true (g_file_test (path, G_FILE_TEST_EXISTS));

  /* More changes within the interval wait for it, then make one more save. */
  for (guint i = 0; i < 100; i++)
    vz_snapshot_mark_dirty (snapshot);
  g_assert_cmpuint (saves, ==, 1);
  g_timeout_add (1500, quit_loop, loop);
  g_main_loop_run (loop);
  g_assert_cmpuint (saves, ==, 2);
  g_assert_false (vz_snapshot_get_dirty (snapshot));

  /* Nothing changed: a flush does not write. */
  vz_snapshot_flush_async (snapshot, NULL, store_result, &flushed);
  g_assert_true (vz_snapshot_flush_finish (snapshot, wait_for (&flushed), &error));
  g_assert_cmpuint (saves, ==, 2);
}

static void
test_unwritable (void)
{
  g_autoptr(VzStore) displays = vz_store_new (VZ_TYPE_DISPLAY);
  g_autoptr(VzStore) groups = vz_store_new (VZ_TYPE_DISPLAY_GROUP);
  g_autofree char *blocker = g_build_filename (test_tmpdir, "blocker", NULL);
  g_autofree char *path = g_build_filename (blocker, "snapshot.json", NULL);
  g_autoptr(VzSnapshot) snapshot = fleet_snapshot_new (path, displays, groups);
  g_autoptr(GError) error = NULL;

  /* A file where the folder should be: the save fails in words. */
  g_file_set_contents (blocker, "x", 1, &error);
  g_assert_no_error (error);
  g_assert_false (vz_snapshot_save (snapshot, &error));
  g_assert_error (error, VZ_SNAPSHOT_ERROR, VZ_SNAPSHOT_ERROR_IO);
  g_assert_nonnull (strstr (error->message, "could not be saved"));
}

/* ---- large fleets: the text made and written a chunk at a time ---- */

static GPtrArray *
folder_entries (const char *path)
{
  g_autofree char *folder = g_path_get_dirname (path);
  g_autoptr(GDir) dir = g_dir_open (folder, 0, NULL);
  GPtrArray *names = g_ptr_array_new_with_free_func (g_free);
  const char *name;

  g_assert_nonnull (dir);
  while ((name = g_dir_read_name (dir)) != NULL)
    g_ptr_array_add (names, g_strdup (name));
  return names;
}

static void
assert_only_snapshot_in_folder (const char *path)
{
  g_autoptr(GPtrArray) names = folder_entries (path);

  g_assert_cmpuint (names->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (names, 0), ==, "snapshot.json");
}

/* The document without its first line, which holds the time it was taken. */
static char *
saved_body (const char *path)
{
  g_autofree char *contents = NULL;
  g_autoptr(GError) error = NULL;
  const char *newline;

  g_assert_true (g_file_get_contents (path, &contents, NULL, &error));
  newline = strchr (contents, '\n');
  g_assert_nonnull (newline);
  return g_strdup (newline + 1);
}

static void
assert_loads_large (const char *path)
{
  g_autoptr(VzStore) displays = vz_store_new (VZ_TYPE_DISPLAY);
  g_autoptr(VzStore) groups = vz_store_new (VZ_TYPE_DISPLAY_GROUP);
  g_autoptr(VzSnapshot) reader = fleet_snapshot_new (path, displays, groups);
  g_autoptr(GDateTime) taken = NULL;
  g_autoptr(GError) error = NULL;
  VzDisplay *last;

  taken = vz_snapshot_load (reader, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (displays)), ==, N_LARGE);
  last = vz_store_lookup (displays, "screen-02999");
  g_assert_nonnull (last);
  g_assert_cmpstr (vz_display_get_nickname (last), ==, "Screen 2999 – Café \"Nord\" \\ 東京");
}

/* A save in the background writes the very text a blocking save writes,
 * whole, however many chunks it takes. */
static void
test_large_streamed (void)
{
  g_autoptr(VzStore) displays = vz_store_new (VZ_TYPE_DISPLAY);
  g_autoptr(VzStore) groups = vz_store_new (VZ_TYPE_DISPLAY_GROUP);
  g_autofree char *path = fresh_path ("large");
  g_autoptr(VzSnapshot) snapshot = fleet_snapshot_new (path, displays, groups);
  g_autoptr(GAsyncResult) flushed = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *streamed = NULL;
  g_autofree char *blocking = NULL;

  fill_large (displays);
  vz_snapshot_flush_async (snapshot, NULL, store_result, &flushed);
  g_assert_true (vz_snapshot_flush_finish (snapshot, wait_for (&flushed), &error));
  g_assert_no_error (error);
  assert_only_snapshot_in_folder (path);
  assert_loads_large (path);
  streamed = saved_body (path);
  g_assert_cmpuint (strlen (streamed), >, 1024 * 1024);

  g_assert_true (vz_snapshot_save (snapshot, &error));
  g_assert_no_error (error);
  blocking = saved_body (path);
  g_assert_cmpstr (streamed, ==, blocking);
  assert_only_snapshot_in_folder (path);
}

static void
assert_save_failed (VzSnapshot *snapshot,
                    GError     *error,
                    gpointer    user_data)
{
  g_assert_error (error, VZ_SNAPSHOT_ERROR, VZ_SNAPSHOT_ERROR_IO);
  g_assert_nonnull (strstr (error->message, "could not be saved"));
  (*(guint *) user_data)++;
}

/* A write that fails halfway (here: the file size limit, as a full disk
 * would) leaves the old snapshot as it was, and no part of the new one. */
static void
test_large_write_fails (void)
{
  g_autoptr(VzStore) displays = vz_store_new (VZ_TYPE_DISPLAY);
  g_autoptr(VzStore) groups = vz_store_new (VZ_TYPE_DISPLAY_GROUP);
  g_autofree char *path = fresh_path ("large-fails");
  g_autoptr(VzSnapshot) snapshot = fleet_snapshot_new (path, displays, groups);
  g_autoptr(GAsyncResult) flushed = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  struct rlimit old_limit, limit;
  void (*old_handler) (int);
  guint failures = 0;

  fill_large (displays);
  g_assert_true (vz_snapshot_save (snapshot, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (path, &before, NULL, &error));

  /* Changed, then saved where no file may pass 600 KB: the write fails
   * with EFBIG after the first chunks. */
  vz_store_remove (displays, "screen-00000");
  g_assert_cmpint (getrlimit (RLIMIT_FSIZE, &old_limit), ==, 0);
  limit = old_limit;
  limit.rlim_cur = 600 * 1024;
  old_handler = signal (SIGXFSZ, SIG_IGN);
  g_assert_cmpint (setrlimit (RLIMIT_FSIZE, &limit), ==, 0);

  g_signal_connect (snapshot, "saved", G_CALLBACK (assert_save_failed), &failures);
  vz_snapshot_flush_async (snapshot, NULL, store_result, &flushed);
  g_assert_false (vz_snapshot_flush_finish (snapshot, wait_for (&flushed), &error));
  g_assert_error (error, VZ_SNAPSHOT_ERROR, VZ_SNAPSHOT_ERROR_IO);
  g_clear_error (&error);
  g_assert_cmpuint (failures, ==, 1);
  g_assert_true (vz_snapshot_get_dirty (snapshot));

  g_assert_false (vz_snapshot_save (snapshot, &error));
  g_assert_error (error, VZ_SNAPSHOT_ERROR, VZ_SNAPSHOT_ERROR_IO);
  g_clear_error (&error);

  g_assert_cmpint (setrlimit (RLIMIT_FSIZE, &old_limit), ==, 0);
  signal (SIGXFSZ, old_handler);
  g_signal_handlers_disconnect_by_func (snapshot, assert_save_failed, &failures);

  g_assert_true (g_file_get_contents (path, &after, NULL, &error));
  g_assert_true (g_str_equal (before, after));
  assert_only_snapshot_in_folder (path);
  assert_loads_large (path);
}

/* A save started as the process ends (the engine saves on stop) is finished
 * by vz_snapshot_wait_for_saves(), with no main loop running. */
static void
test_wait_for_saves (void)
{
  g_autoptr(VzStore) displays = vz_store_new (VZ_TYPE_DISPLAY);
  g_autoptr(VzStore) groups = vz_store_new (VZ_TYPE_DISPLAY_GROUP);
  g_autofree char *path = fresh_path ("wait");
  g_autoptr(VzSnapshot) snapshot = fleet_snapshot_new (path, displays, groups);
  g_autoptr(GAsyncResult) flushed = NULL;
  g_autoptr(GError) error = NULL;

  fill_large (displays);
  vz_snapshot_flush_async (snapshot, NULL, store_result, &flushed);
  vz_snapshot_wait_for_saves (120000);
  assert_only_snapshot_in_folder (path);
  assert_loads_large (path);

  /* The flush still answers once the main loop runs. */
  g_assert_true (vz_snapshot_flush_finish (snapshot, wait_for (&flushed), &error));
  g_assert_no_error (error);
}

/* A file beside @path named @suffix after it, with @text, last written
 * @age_s ago. */
static char *
file_beside (const char *path,
             const char *suffix,
             const char *text,
             gint64      age_s)
{
  char *file = g_strconcat (path, suffix, NULL);
  struct utimbuf times;
  g_autoptr(GError) error = NULL;

  g_assert_true (g_file_set_contents (file, text, -1, &error));
  g_assert_no_error (error);
  times.actime = times.modtime = (time_t) (g_get_real_time () / G_USEC_PER_SEC - age_s);
  g_assert_cmpint (g_utime (file, &times), ==, 0);
  return file;
}

/* The new file of a save under way in the background, not one of @known:
 * it exists, and something is written to it. */
static char *
save_file_under_way (const char          *path,
                     const char * const  *known)
{
  g_autofree char *dir = g_path_get_dirname (path);
  g_autofree char *base = g_path_get_basename (path);
  g_autofree char *prefix = g_strconcat (base, ".", NULL);
  gint64 deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;

  while (g_get_monotonic_time () < deadline)
    {
      g_autoptr(GPtrArray) names = folder_entries (path);

      for (guint i = 0; i < names->len; i++)
        {
          const char *name = g_ptr_array_index (names, i);
          g_autofree char *file = g_build_filename (dir, name, NULL);
          GStatBuf st;

          if (g_str_has_prefix (name, prefix) && strlen (name) == strlen (prefix) + 6 &&
              !g_strv_contains (known, file) && g_stat (file, &st) == 0 && st.st_size > 0)
            return g_steal_pointer (&file);
        }
      g_usleep (10000);
    }
  g_error ("The save in the background made no new file beside %s within 30 s", path);
}

/*
 * A save killed midway leaves its new file (snapshot.json.XXXXXX) beside
 * the snapshot; the next save removes it. It leaves the new file of a save
 * under way, here or in another process (it holds a lock on it), and one
 * that is only seconds old (a save that is about to lock it), and files of
 * other names.
 */
static void
test_stale_new_files (void)
{
  g_autoptr(VzStore) displays = vz_store_new (VZ_TYPE_DISPLAY);
  g_autoptr(VzStore) groups = vz_store_new (VZ_TYPE_DISPLAY_GROUP);
  g_autofree char *path = fresh_path ("stale");
  g_autofree char *dir = g_path_get_dirname (path);
  g_autoptr(VzSnapshot) snapshot = fleet_snapshot_new (path, displays, groups);
  g_autoptr(VzSnapshot) other = NULL;
  g_autoptr(GAsyncResult) flushed = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *stale = NULL;
  g_autofree char *young = NULL;
  g_autofree char *held = NULL;
  g_autofree char *backup = NULL;
  g_autofree char *longer = NULL;
  g_autofree char *under_way = NULL;
  g_autoptr(GPtrArray) names = NULL;
  int held_fd, probe_fd, locked, lock_errno;

  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  stale = file_beside (path, ".Stale1", "{\"format\":\"vizora-snap", 3600);
  young = file_beside (path, ".Young1", "{\"format\":\"vizora-snap", 0);
  held = file_beside (path, ".Held01", "{\"format\":\"vizora-snap", 3600);
  backup = file_beside (path, ".bak", "kept", 3600);
  longer = file_beside (path, ".Stale12", "kept", 3600);
  held_fd = open (held, O_RDONLY | O_CLOEXEC);
  g_assert_cmpint (held_fd, >=, 0);
  g_assert_cmpint (flock (held_fd, LOCK_EX | LOCK_NB), ==, 0);

  /* A save in the background, held midway: its text is made by this
   * thread's main loop, which does not run until it is looked at. */
  fill_large (displays);
  vz_snapshot_flush_async (snapshot, NULL, store_result, &flushed);
  {
    const char *known[] = { stale, young, held, NULL };

    under_way = save_file_under_way (path, known);
  }
  g_assert_false (g_file_test (stale, G_FILE_TEST_EXISTS));
  probe_fd = open (under_way, O_RDONLY | O_CLOEXEC);
  g_assert_cmpint (probe_fd, >=, 0);
  locked = flock (probe_fd, LOCK_EX | LOCK_NB);
  lock_errno = errno;
  close (probe_fd);
  g_assert_cmpint (locked, ==, -1);
  g_assert_cmpint (lock_errno, ==, EWOULDBLOCK);

  /* Another save of the same file meanwhile leaves the one under way. */
  g_free (stale);
  stale = file_beside (path, ".Stale1", "{\"format\":\"vizora-snap", 3600);
  other = fleet_snapshot_new (path, displays, groups);
  g_assert_true (vz_snapshot_save (other, &error));
  g_assert_no_error (error);
  g_assert_false (g_file_test (stale, G_FILE_TEST_EXISTS));
  g_assert_true (g_file_test (under_way, G_FILE_TEST_EXISTS));

  g_assert_true (vz_snapshot_flush_finish (snapshot, wait_for (&flushed), &error));
  g_assert_no_error (error);
  assert_loads_large (path);
  close (held_fd);

  names = folder_entries (path);
  g_assert_cmpuint (names->len, ==, 5);
  g_assert_true (g_file_test (path, G_FILE_TEST_IS_REGULAR));
  g_assert_true (g_file_test (young, G_FILE_TEST_EXISTS));
  g_assert_true (g_file_test (held, G_FILE_TEST_EXISTS));
  g_assert_true (g_file_test (backup, G_FILE_TEST_EXISTS));
  g_assert_true (g_file_test (longer, G_FILE_TEST_EXISTS));
  g_assert_false (g_file_test (under_way, G_FILE_TEST_EXISTS));
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *a = NULL;
  g_autofree char *b = NULL;
  g_autoptr(JsonNode) group = NULL;
  g_autofree char *add_body = NULL;
  g_autofree char *add_path = NULL;
  int status;

  snapshot_test_init (&argc, &argv);

  server = vz_test_server_start (NULL);
  token = vz_test_server_login (server);
  a = vz_test_server_pair_screen (server, token, "Lobby", NULL);
  b = vz_test_server_pair_screen (server, token, "Hall", NULL);
  g_free (vz_test_server_pair_screen (server, token, "Café <b>", NULL));
  g_assert_cmpuint (vz_test_server_request (server, "POST", "/display-groups", token,
                                            "{\"name\":\"Ground floor\"}", &group), ==, 201);
  add_path = g_strdup_printf ("/display-groups/%s/displays",
                              json_object_get_string_member (json_object_get_object_member (json_node_get_object (group), "data"), "id"));
  add_body = g_strdup_printf ("{\"displayIds\":[\"%s\",\"%s\"]}", a, b);
  g_assert_cmpuint (vz_test_server_request (server, "POST", add_path, token, add_body, NULL), ==, 201);
  {
    g_autofree char *patch = g_strdup_printf ("/displays/%s", a);
    g_assert_cmpuint (vz_test_server_request (server, "PATCH", patch, token,
                                              "{\"location\":\"Front desk\",\"description\":\"by the door\"}", NULL),
                      ==, 200);
  }

  g_test_add_func ("/snapshot/round-trip", test_round_trip);
  g_test_add_func ("/snapshot/text-round-trip", test_text_round_trip);
  g_test_add_func ("/snapshot/throttled", test_throttled);
  g_test_add_func ("/snapshot/unwritable", test_unwritable);
  g_test_add_func ("/snapshot/large-streamed", test_large_streamed);
  g_test_add_func ("/snapshot/large-write-fails", test_large_write_fails);
  g_test_add_func ("/snapshot/wait-for-saves", test_wait_for_saves);
  g_test_add_func ("/snapshot/stale-new-files", test_stale_new_files);
  status = snapshot_test_run ();

  vz_test_server_free (server);
  g_free (token);
  return status;
}
