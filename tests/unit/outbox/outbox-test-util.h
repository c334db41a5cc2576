/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* Small helpers shared by the outbox tests: a temporary folder, mutations,
 * and waiting on the main loop for async results. Header-only so that each
 * test stays one executable. */

#include <glib/gstdio.h>

#include "vz-outbox-private.h"

static inline char *
test_make_tmpdir (void)
{
  g_autoptr(GError) error = NULL;
  char *dir = g_dir_make_tmp ("vz-outbox-XXXXXX", &error);

  g_assert_no_error (error);
  return dir;
}

static inline void
test_rm_rf (const char *path)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GFileEnumerator) children = NULL;
  GFileInfo *info;

  children = g_file_enumerate_children (file, G_FILE_ATTRIBUTE_STANDARD_NAME,
                                        G_FILE_QUERY_INFO_NOFOLLOW_SYMLINKS, NULL, NULL);
  while (children != NULL && (info = g_file_enumerator_next_file (children, NULL, NULL)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, g_file_info_get_name (info), NULL);

      g_unlink (child);
      g_object_unref (info);
    }
  g_rmdir (path);
}

/* A display rename, as the optimistic layer would build it. */
static inline VzMutation *
test_make_rename (const char *display_id,
                  const char *new_name,
                  const char *old_name)
{
  g_autoptr(JsonObject) changes = json_object_new ();
  g_autoptr(JsonObject) previous = json_object_new ();
  g_autoptr(JsonNode) body = json_node_new (JSON_NODE_OBJECT);
  g_autofree char *path = g_strdup_printf ("/displays/%s", display_id);

  json_object_set_string_member (changes, "name", new_name);
  json_object_set_string_member (previous, "name", old_name);
  json_node_take_object (body, json_object_ref (changes));

  return vz_mutation_new ("display", display_id, VZ_MUTATION_OP_UPDATE, "PATCH", path, body,
                          "2026-11-25T10:00:00.000Z", changes, previous);
}

typedef struct {
  guint pending;
  guint failed;
  GError *first_error;
} TestWaiter;

static inline void
test_enqueue_done (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  TestWaiter *w = user_data;
  g_autoptr(GError) error = NULL;

  if (!vz_outbox_enqueue_finish (VZ_OUTBOX (source), result, &error))
    {
      w->failed++;
      if (w->first_error == NULL)
        w->first_error = g_steal_pointer (&error);
    }
  w->pending--;
}

/* Enqueues every mutation at once and waits until all are durable. */
static inline void
test_enqueue_all (VzOutbox  *outbox,
                  GPtrArray *mutations)
{
  TestWaiter w = { 0 };

  for (guint i = 0; i < mutations->len; i++)
    {
      w.pending++;
      vz_outbox_enqueue_async (outbox, g_ptr_array_index (mutations, i), NULL,
                               test_enqueue_done, &w);
    }
  while (w.pending > 0)
    g_main_context_iteration (NULL, TRUE);
  g_assert_no_error (w.first_error);
  g_assert_cmpuint (w.failed, ==, 0);
}

static inline void
test_batch_done (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  TestWaiter *w = user_data;
  g_autoptr(GError) error = NULL;

  if (!vz_outbox_enqueue_batch_finish (VZ_OUTBOX (source), result, &error))
    {
      w->failed++;
      if (w->first_error == NULL)
        w->first_error = g_steal_pointer (&error);
    }
  w->pending--;
}

/* Enqueues @mutations as one batch and waits; returns the error, if any. */
static inline GError *
test_enqueue_batch (VzOutbox  *outbox,
                    GPtrArray *mutations)
{
  TestWaiter w = { 1, 0, NULL };

  vz_outbox_enqueue_batch_async (outbox, mutations, NULL, test_batch_done, &w);
  while (w.pending > 0)
    g_main_context_iteration (NULL, TRUE);
  return w.first_error;
}

static inline void
test_enqueue_one (VzOutbox   *outbox,
                  VzMutation *mutation)
{
  g_autoptr(GPtrArray) one = g_ptr_array_new ();

  g_ptr_array_add (one, mutation);
  test_enqueue_all (outbox, one);
}

typedef struct {
  GError *error;
  gboolean done;
} TestFlush;

static inline void
test_flush_done (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  TestFlush *state = user_data;

  vz_outbox_flush_finish (VZ_OUTBOX (source), result, &state->error);
  state->done = TRUE;
}

static inline void
test_flush (VzOutbox *outbox)
{
  TestFlush state = { NULL, FALSE };

  vz_outbox_flush_async (outbox, NULL, test_flush_done, &state);
  while (!state.done)
    g_main_context_iteration (NULL, TRUE);
  g_assert_no_error (state.error);
}

static inline VzOutbox *
test_open (const char *path)
{
  g_autoptr(GError) error = NULL;
  VzOutbox *outbox = vz_outbox_new (path, VZ_OUTBOX_OPEN_NONE, NULL, &error);

  g_assert_no_error (error);
  g_assert_nonnull (outbox);
  return outbox;
}

/* Drops the outbox, checks nothing else holds it and waits for its writer,
 * so the journal is complete on disk afterwards. */
static inline void
test_close (VzOutbox *outbox)
{
  g_assert_finalize_object (outbox);
  _vz_outbox_wait_for_writers ();
}
