/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-outbox-hold"

/*
 * Held changes: a change whose not-before time has not come is not
 * sendable (a delete waiting out its undo window), keeps that time in the
 * journal across a restart, goes once the time has come (by the clock the
 * outbox is given, or by its own timer on the real clock), and is never
 * sent when discarded before.
 */

#include "outbox-test-util.h"

typedef struct {
  char *dir;
  char *path;
  gint64 now;        /* the injected clock, µs */
  GPtrArray *sendable;  /* ids "mutation-sendable" named */
} Fixture;

static gint64
fake_clock (gpointer data)
{
  Fixture *f = data;

  return f->now;
}

static void
on_sendable (VzOutbox   *outbox,
             VzMutation *m,
             Fixture    *f)
{
  g_ptr_array_add (f->sendable, g_strdup (vz_mutation_get_id (m)));
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  f->dir = test_make_tmpdir ();
  f->path = g_build_filename (f->dir, "outbox.journal", NULL);
  f->now = g_get_real_time ();
  f->sendable = g_ptr_array_new_with_free_func (g_free);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  test_rm_rf (f->dir);
  g_free (f->dir);
  g_free (f->path);
  g_ptr_array_unref (f->sendable);
}

static VzOutbox *
open_with_clock (Fixture *f)
{
  VzOutbox *outbox = test_open (f->path);

  vz_outbox_set_clock (outbox, fake_clock, f, NULL);
  g_signal_connect (outbox, "mutation-sendable", G_CALLBACK (on_sendable), f);
  return outbox;
}

static VzMutation *
make_delete (const char *id,
             gint64      not_before)
{
  g_autofree char *path = g_strdup_printf ("/playlists/%s", id);
  const char *ids[] = { id, NULL };

  return g_object_new (VZ_TYPE_MUTATION,
                       "entity-kind", "playlist",
                       "entity-ids", ids,
                       "operation", VZ_MUTATION_OP_DELETE,
                       "method", "DELETE",
                       "path", path,
                       "not-before", not_before,
                       NULL);
}

static gboolean
saw_sendable (Fixture    *f,
              VzMutation *m)
{
  for (guint i = 0; i < f->sendable->len; i++)
    if (g_strcmp0 (g_ptr_array_index (f->sendable, i), vz_mutation_get_id (m)) == 0)
      return TRUE;
  return FALSE;
}

/* Held until its time: other records' changes go meanwhile, a later change
 * of the same record waits behind it; then it goes by itself. */
static void
test_hold_until_time (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(VzOutbox) outbox = open_with_clock (f);
  g_autoptr(VzMutation) del = make_delete ("p-1", f->now + 10 * G_USEC_PER_SEC);
  g_autoptr(VzMutation) other = test_make_rename ("d-2", "Hall", "Lobby");
  g_autoptr(VzMutation) rename = NULL;
  g_autoptr(JsonObject) changes = json_object_new ();

  json_object_set_string_member (changes, "name", "Breakfast");
  rename = vz_mutation_new ("playlist", "p-1", VZ_MUTATION_OP_UPDATE, "PATCH", "/playlists/p-1",
                            NULL, NULL, changes, NULL);

  test_enqueue_one (outbox, del);
  test_enqueue_one (outbox, other);
  test_enqueue_one (outbox, rename);

  g_assert_false (vz_outbox_is_sendable (outbox, vz_mutation_get_id (del)));
  g_assert_true (vz_outbox_is_sendable (outbox, vz_mutation_get_id (other)));
  g_assert_false (vz_outbox_is_sendable (outbox, vz_mutation_get_id (rename)));
  g_assert_true (vz_outbox_peek_sendable (outbox) == other);
  g_assert_cmpuint (vz_outbox_get_n_held (outbox), ==, 1);
  g_assert_false (saw_sendable (f, del));

  /* A moment before its time it still waits. */
  f->now += 10 * G_USEC_PER_SEC - 1;
  vz_outbox_release_due (outbox);
  g_assert_false (vz_outbox_is_sendable (outbox, vz_mutation_get_id (del)));
  g_assert_false (saw_sendable (f, del));

  f->now += 1;
  vz_outbox_release_due (outbox);
  g_assert_true (vz_outbox_is_sendable (outbox, vz_mutation_get_id (del)));
  g_assert_true (saw_sendable (f, del));
  g_assert_cmpuint (vz_outbox_get_n_held (outbox), ==, 0);
  /* The change behind it still waits for it to land. */
  g_assert_false (vz_outbox_is_sendable (outbox, vz_mutation_get_id (rename)));

  g_assert_true (vz_outbox_mark_sending (outbox, vz_mutation_get_id (del), NULL));
  g_assert_true (vz_outbox_mark_done (outbox, vz_mutation_get_id (del), NULL));
  g_assert_true (vz_outbox_is_sendable (outbox, vz_mutation_get_id (rename)));
  test_close (g_steal_pointer (&outbox));
}

/* The time is in the journal: a restart during the window waits out the
 * rest of it; a restart after it sends at once. */
static void
test_hold_survives_restart (Fixture       *f,
                            gconstpointer  data)
{
  g_autoptr(VzOutbox) outbox = open_with_clock (f);
  gint64 due = f->now + 10 * G_USEC_PER_SEC;
  g_autoptr(VzMutation) del = make_delete ("p-1", due);
  g_autofree char *id = g_strdup (vz_mutation_get_id (del));
  VzMutation *loaded;

  test_enqueue_one (outbox, del);
  test_close (g_steal_pointer (&outbox));

  /* Back 3 s later: 7 s to go. */
  f->now += 3 * G_USEC_PER_SEC;
  outbox = open_with_clock (f);
  loaded = vz_outbox_lookup (outbox, id);
  g_assert_nonnull (loaded);
  g_assert_cmpint (vz_mutation_get_not_before (loaded), ==, due);
  g_assert_cmpuint (vz_outbox_get_n_held (outbox), ==, 1);
  g_assert_false (vz_outbox_is_sendable (outbox, id));
  test_close (g_steal_pointer (&outbox));

  /* Back after the window: it goes, once. */
  f->now = due + G_USEC_PER_SEC;
  outbox = open_with_clock (f);
  g_assert_true (vz_outbox_is_sendable (outbox, id));
  g_assert_cmpuint (vz_outbox_get_n_held (outbox), ==, 0);
  g_assert_true (vz_outbox_mark_sending (outbox, id, NULL));
  g_assert_true (vz_outbox_mark_done (outbox, id, NULL));
  test_close (g_steal_pointer (&outbox));

  outbox = open_with_clock (f);
  g_assert_cmpuint (vz_outbox_get_count (outbox), ==, 0);
  test_close (g_steal_pointer (&outbox));
}

/* Discarded in its window (Undo): never sendable, gone after a restart. */
static void
test_hold_discarded (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(VzOutbox) outbox = open_with_clock (f);
  g_autoptr(VzMutation) del = make_delete ("p-1", f->now + 10 * G_USEC_PER_SEC);
  g_autofree char *id = g_strdup (vz_mutation_get_id (del));

  test_enqueue_one (outbox, del);
  g_assert_true (vz_outbox_discard (outbox, id, NULL));
  g_assert_cmpuint (vz_outbox_get_n_held (outbox), ==, 0);
  test_flush (outbox);

  f->now += 60 * G_USEC_PER_SEC;
  vz_outbox_release_due (outbox);
  g_assert_false (saw_sendable (f, del));
  g_assert_null (vz_outbox_peek_sendable (outbox));
  test_close (g_steal_pointer (&outbox));

  outbox = open_with_clock (f);
  g_assert_null (vz_outbox_lookup (outbox, id));
  g_assert_cmpuint (vz_outbox_get_count (outbox), ==, 0);
  test_close (g_steal_pointer (&outbox));
}

static gboolean
on_timeout (gpointer data)
{
  *(gboolean *) data = TRUE;
  return G_SOURCE_REMOVE;
}

/* On the real clock the outbox's own timer lets it go. */
static void
test_hold_timer (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(VzOutbox) outbox = test_open (f->path);
  g_autoptr(VzMutation) del = make_delete ("p-1", g_get_real_time () + 50 * 1000);
  gboolean timed_out = FALSE;
  guint guard;

  g_signal_connect (outbox, "mutation-sendable", G_CALLBACK (on_sendable), f);
  test_enqueue_one (outbox, del);
  g_assert_false (vz_outbox_is_sendable (outbox, vz_mutation_get_id (del)));
  guard = g_timeout_add (5000, on_timeout, &timed_out);
  while (!saw_sendable (f, del) && !timed_out)
    g_main_context_iteration (NULL, TRUE);
  g_assert_false (timed_out);
  g_source_remove (guard);
  g_assert_true (vz_outbox_is_sendable (outbox, vz_mutation_get_id (del)));
  g_assert_cmpint (g_get_real_time (), >=, vz_mutation_get_not_before (del));
  test_close (g_steal_pointer (&outbox));
}

/* "notBefore" in the change's JSON; a journal of an earlier version has none. */
static void
test_hold_json (void)
{
  g_autoptr(VzMutation) del = make_delete ("p-1", 1234567);
  g_autoptr(JsonNode) node = vz_mutation_to_json (del);
  g_autoptr(VzMutation) back = NULL;
  g_autoptr(GError) error = NULL;
  JsonObject *obj = json_node_get_object (node);

  g_assert_cmpint (json_object_get_int_member (obj, "notBefore"), ==, 1234567);
  back = vz_mutation_new_from_json (node, &error);
  g_assert_no_error (error);
  g_assert_cmpint (vz_mutation_get_not_before (back), ==, 1234567);

  json_object_remove_member (obj, "notBefore");
  g_clear_object (&back);
  back = vz_mutation_new_from_json (node, &error);
  g_assert_no_error (error);
  g_assert_cmpint (vz_mutation_get_not_before (back), ==, 0);

  json_object_set_string_member (obj, "notBefore", "soon");
  g_clear_object (&back);
  back = vz_mutation_new_from_json (node, &error);
  g_assert_error (error, VZ_MUTATION_ERROR, VZ_MUTATION_ERROR_INVALID);
  g_assert_null (back);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(name, func) \
  g_test_add ("/outbox-hold/" name, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

  ADD ("until-time", test_hold_until_time);
  ADD ("survives-restart", test_hold_survives_restart);
  ADD ("discarded", test_hold_discarded);
  ADD ("timer", test_hold_timer);
  g_test_add_func ("/outbox-hold/json", test_hold_json);

#undef ADD

  return g_test_run ();
}
