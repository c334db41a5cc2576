/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vizora-fuzz"

#include "config.h"

#include <string.h>

#include "fuzz-common.h"
#include "vz-display-group.h"
#include "vz-display.h"
#include "vz-snapshot.h"
#include "vz-store.h"

/*
 * The snapshot reader, through the real VzSnapshot: the input is the
 * snapshot file, loaded into real display and group stores (the decoding a
 * server read goes through).
 *
 * Checks: a file that does not load fails as damaged and leaves the stores
 * empty; one that loads is saved, and that saved file loads into new stores
 * with as many screens and groups, and saves to the very same document (the
 * time it was taken aside): load → save → load → save is a fixed point.
 */

typedef struct {
  VzStore    *displays;
  VzStore    *groups;
  VzSnapshot *snapshot;
} Fleet;

/* A snapshot at @path over the fleet's stores, groups first as the engine
 * adds them (screens take their group names from them). */
static VzSnapshot *
snapshot_for (Fleet      *fleet,
              const char *path)
{
  VzSnapshot *snapshot = vz_snapshot_new (path);

  vz_snapshot_add_store (snapshot, "groups", fleet->groups);
  vz_snapshot_add_store (snapshot, "displays", fleet->displays);
  return snapshot;
}

static void
fleet_open (Fleet      *fleet,
            const char *path)
{
  fleet->displays = vz_store_new (VZ_TYPE_DISPLAY);
  fleet->groups = vz_store_new (VZ_TYPE_DISPLAY_GROUP);
  fleet->snapshot = snapshot_for (fleet, path);
}

static void
fleet_close (Fleet *fleet)
{
  g_clear_object (&fleet->snapshot);
  g_clear_object (&fleet->displays);
  g_clear_object (&fleet->groups);
}

/* The saved document without its first line, which holds the time it was taken. */
static char *
saved_body (const char *path)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;
  const char *newline;

  if (!g_file_get_contents (path, &contents, NULL, &error))
    g_error ("Cannot read the saved snapshot: %s", error->message);
  newline = strchr (contents, '\n');
  g_assert_nonnull (newline);
  return g_strdup (newline + 1);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autofree char *dir = NULL;
  g_autofree char *first_path = NULL;
  g_autofree char *second_path = NULL;
  g_autofree char *first_body = NULL;
  g_autofree char *second_body = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GDateTime) taken = NULL;
  g_autoptr(GDateTime) taken_again = NULL;
  Fleet first = { 0, };
  Fleet second = { 0, };

  fuzz_init (FUZZ_LOG_WARNINGS_FATAL);
  fuzz_drain_main_context ();

  dir = fuzz_fresh_dir ("snapshot");
  first_path = g_build_filename (dir, "first.json", NULL);
  second_path = g_build_filename (dir, "second.json", NULL);
  fuzz_write_file (first_path, data, size);

  fleet_open (&first, first_path);
  taken = vz_snapshot_load (first.snapshot, &error);
  if (taken == NULL)
    {
      g_assert_error (error, VZ_SNAPSHOT_ERROR, VZ_SNAPSHOT_ERROR_CORRUPT);
      g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (first.displays)), ==, 0);
      g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (first.groups)), ==, 0);
      fleet_close (&first);
      return 0;
    }
  g_assert_no_error (error);

  /* Saved where the second fleet reads it. */
  g_clear_object (&first.snapshot);
  first.snapshot = snapshot_for (&first, second_path);
  if (!vz_snapshot_save (first.snapshot, &error))
    g_error ("A loaded snapshot could not be saved: %s", error->message);
  first_body = saved_body (second_path);

  fleet_open (&second, second_path);
  taken_again = vz_snapshot_load (second.snapshot, &error);
  if (taken_again == NULL)
    g_error ("A snapshot saved from a loaded one does not load: %s", error->message);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (second.displays)), ==,
                    g_list_model_get_n_items (G_LIST_MODEL (first.displays)));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (second.groups)), ==,
                    g_list_model_get_n_items (G_LIST_MODEL (first.groups)));
  if (!vz_snapshot_save (second.snapshot, &error))
    g_error ("A snapshot could not be saved: %s", error->message);
  second_body = saved_body (second_path);
  g_assert_cmpstr (second_body, ==, first_body);

  fleet_close (&second);
  fleet_close (&first);
  return 0;
}
