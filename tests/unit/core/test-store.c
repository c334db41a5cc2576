/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-store"

#include <string.h>

#include "vz-api-error.h"
#include "vz-display.h"
#include "vz-store.h"

/*
 * A mirror that replays items-changed the way a list view does, reading each
 * added item from the model while the signal is emitted: if the store ever
 * announces a change that does not match its contents, the mirror diverges.
 */
typedef struct {
  GPtrArray *items;    /* VzEntity*, borrowed */
  guint      signals;
  guint      removed;
  guint      added;
} Mirror;

static void
on_items_changed (GListModel *model,
                  guint       position,
                  guint       removed,
                  guint       added,
                  Mirror     *mirror)
{
  mirror->signals++;
  mirror->removed += removed;
  mirror->added += added;
  g_assert_cmpuint (position + removed, <=, mirror->items->len);
  g_ptr_array_remove_range (mirror->items, position, removed);
  for (guint i = 0; i < added; i++)
    {
      g_autoptr(GObject) item = g_list_model_get_item (model, position + i);

      g_assert_nonnull (item);
      g_ptr_array_insert (mirror->items, position + i, item);
    }
  g_assert_cmpuint (mirror->items->len, ==, g_list_model_get_n_items (model));
}

static void
assert_mirror (VzStore *store,
               Mirror  *mirror)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (store));

  g_assert_cmpuint (mirror->items->len, ==, n);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(VzEntity) item = g_list_model_get_item (G_LIST_MODEL (store), i);

      g_assert_true (item == g_ptr_array_index (mirror->items, i));
      /* The index agrees with the list. */
      g_assert_true (vz_store_lookup (store, vz_entity_get_id (item)) == (gpointer) item);
    }
}

static JsonObject *
display_json (guint       n,
              const char *status)
{
  JsonObject *obj = json_object_new ();
  g_autofree char *id = g_strdup_printf ("display-%05u", n);
  g_autofree char *name = g_strdup_printf ("Screen %u", n);

  json_object_set_string_member (obj, "id", id);
  json_object_set_string_member (obj, "nickname", name);
  json_object_set_string_member (obj, "status", status);
  json_object_set_string_member (obj, "updatedAt", "2026-11-25T10:00:00.000Z");
  return obj;
}

static GPtrArray *
display_list (guint       from,
              guint       to,
              guint       step,
              const char *status)
{
  GPtrArray *list = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);

  for (guint i = from; i < to; i += step)
    g_ptr_array_add (list, display_json (i, status));
  return list;
}

static void
connect_mirror (VzStore *store,
                Mirror  *mirror)
{
  mirror->items = g_ptr_array_new ();
  g_signal_connect (store, "items-changed", G_CALLBACK (on_items_changed), mirror);
}

static void
reset_counts (Mirror *mirror)
{
  mirror->signals = mirror->removed = mirror->added = 0;
}

static void
test_store_upsert_remove (void)
{
  g_autoptr(VzStore) store = vz_store_new (VZ_TYPE_DISPLAY);
  g_autoptr(JsonObject) a = display_json (1, "online");
  g_autoptr(JsonObject) b = display_json (2, "online");
  g_autoptr(JsonObject) a2 = display_json (1, "offline");
  g_autoptr(JsonObject) bad = json_object_new ();
  g_autoptr(GError) error = NULL;
  Mirror mirror = { 0 };
  VzDisplay *first, *again;

  g_assert_true (g_list_model_get_item_type (G_LIST_MODEL (store)) == VZ_TYPE_DISPLAY);
  connect_mirror (store, &mirror);

  first = vz_store_upsert_json (store, a, &error);
  g_assert_no_error (error);
  g_assert_nonnull (first);
  vz_store_upsert_json (store, b, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (mirror.signals, ==, 2);

  /* Upserting a known id updates the same object without items-changed. */
  again = vz_store_upsert_json (store, a2, &error);
  g_assert_no_error (error);
  g_assert_true (again == first);
  g_assert_cmpint (vz_display_get_status (first), ==, VZ_DISPLAY_STATUS_OFFLINE);
  g_assert_cmpuint (mirror.signals, ==, 2);

  g_assert_null (vz_store_upsert_json (store, bad, &error));
  g_assert_error (error, VZ_API_ERROR, VZ_API_ERROR_INVALID_RESPONSE);
  g_clear_error (&error);

  g_assert_true (vz_store_remove (store, "display-00001"));
  g_assert_false (vz_store_remove (store, "display-00001"));
  g_assert_false (vz_store_remove (store, NULL));
  g_assert_null (vz_store_lookup (store, "display-00001"));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (store)), ==, 1);
  assert_mirror (store, &mirror);

  vz_store_clear (store);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (store)), ==, 0);
  assert_mirror (store, &mirror);
  g_ptr_array_unref (mirror.items);
}

static void
count_notify (GObject    *object,
              GParamSpec *pspec,
              guint      *count)
{
  (*count)++;
}

static void
test_store_replace_all_in_place (void)
{
  g_autoptr(VzStore) store = vz_store_new (VZ_TYPE_DISPLAY);
  g_autoptr(GPtrArray) first = display_list (0, 100, 1, "online");
  g_autoptr(GPtrArray) second = display_list (0, 100, 1, "online");
  g_autoptr(GPtrArray) third = NULL;
  g_autoptr(GError) error = NULL;
  VzDisplay *kept, *changed;
  Mirror mirror = { 0 };
  guint kept_notifies = 0, changed_notifies = 0;

  connect_mirror (store, &mirror);
  g_assert_true (vz_store_replace_all (store, first, &error));
  g_assert_no_error (error);
  /* The initial fill is one signal, not one per item. */
  g_assert_cmpuint (mirror.signals, ==, 1);
  g_assert_cmpuint (mirror.added, ==, 100);
  assert_mirror (store, &mirror);

  kept = vz_store_lookup (store, "display-00042");
  changed = vz_store_lookup (store, "display-00043");
  g_signal_connect (kept, "notify", G_CALLBACK (count_notify), &kept_notifies);
  g_signal_connect (changed, "notify::status", G_CALLBACK (count_notify), &changed_notifies);

  /* The same list again: no structural change, no property change. */
  reset_counts (&mirror);
  g_assert_true (vz_store_replace_all (store, second, &error));
  g_assert_cmpuint (mirror.signals, ==, 0);
  g_assert_cmpuint (kept_notifies, ==, 0);

  /* One status changes, items 10..19 vanish, 100..104 are new. */
  third = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);
  for (guint i = 0; i < 105; i++)
    if (i < 10 || i >= 20)
      g_ptr_array_add (third, display_json (i, i == 43 ? "offline" : "online"));
  reset_counts (&mirror);
  g_assert_true (vz_store_replace_all (store, third, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (mirror.signals, ==, 2);      /* one removal run + one append */
  g_assert_cmpuint (mirror.removed, ==, 10);
  g_assert_cmpuint (mirror.added, ==, 5);
  g_assert_true (vz_store_lookup (store, "display-00042") == (gpointer) kept);
  g_assert_true (vz_store_lookup (store, "display-00043") == (gpointer) changed);
  g_assert_cmpuint (kept_notifies, ==, 0);
  g_assert_cmpuint (changed_notifies, ==, 1);
  g_assert_cmpint (vz_display_get_status (changed), ==, VZ_DISPLAY_STATUS_OFFLINE);
  g_assert_null (vz_store_lookup (store, "display-00015"));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (store)), ==, 95);
  assert_mirror (store, &mirror);

  /* Removal after the first item still finds the right positions. */
  g_assert_true (vz_store_remove (store, "display-00050"));
  assert_mirror (store, &mirror);
  g_assert_true (vz_store_remove (store, "display-00104"));
  g_assert_true (vz_store_remove (store, "display-00000"));
  assert_mirror (store, &mirror);

  g_ptr_array_unref (mirror.items);
}

static void
test_store_replace_all_bad_items (void)
{
  g_autoptr(VzStore) store = vz_store_new (VZ_TYPE_DISPLAY);
  g_autoptr(GPtrArray) list = display_list (0, 10, 1, "online");
  g_autoptr(GPtrArray) again = display_list (0, 10, 1, "online");
  g_autoptr(GError) error = NULL;
  JsonObject *no_id = json_object_new ();
  JsonObject *wrong = display_json (99, "online");
  JsonObject *dup = display_json (5, "offline");
  Mirror mirror = { 0 };

  json_object_set_int_member (wrong, "nickname", 5);
  json_object_set_string_member (no_id, "nickname", "ghost");
  g_ptr_array_add (list, no_id);
  g_ptr_array_add (list, wrong);
  g_ptr_array_add (list, dup);   /* a duplicate id: the later copy wins */

  connect_mirror (store, &mirror);
  g_assert_false (vz_store_replace_all (store, list, &error));
  g_assert_error (error, VZ_API_ERROR, VZ_API_ERROR_INVALID_RESPONSE);
  g_assert_nonnull (strstr (error->message, "2 records could not be read"));
  g_clear_error (&error);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (store)), ==, 10);
  g_assert_cmpint (vz_display_get_status (vz_store_lookup (store, "display-00005")), ==,
                   VZ_DISPLAY_STATUS_OFFLINE);
  assert_mirror (store, &mirror);

  /* A known record that fails to decode stays in the store, unchanged. */
  {
    JsonObject *broken = g_ptr_array_index (again, 3);

    json_object_set_boolean_member (broken, "status", TRUE);
  }
  g_assert_false (vz_store_replace_all (store, again, &error));
  g_assert_error (error, VZ_API_ERROR, VZ_API_ERROR_INVALID_RESPONSE);
  g_assert_nonnull (vz_store_lookup (store, "display-00003"));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (store)), ==, 10);
  assert_mirror (store, &mirror);

  g_ptr_array_unref (mirror.items);
}

static void
test_store_replace_all_large (void)
{
  g_autoptr(VzStore) store = vz_store_new (VZ_TYPE_DISPLAY);
  g_autoptr(GPtrArray) all = display_list (0, 10000, 1, "online");
  g_autoptr(GPtrArray) odd = display_list (1, 10000, 2, "online");
  g_autoptr(GPtrArray) grown = display_list (0, 12000, 1, "online");
  g_autoptr(GError) error = NULL;
  Mirror mirror = { 0 };
  gint64 start, elapsed;

  connect_mirror (store, &mirror);

  start = g_get_monotonic_time ();
  g_assert_true (vz_store_replace_all (store, all, &error));
  g_assert_cmpuint (mirror.signals, ==, 1);

  /* 5,000 scattered removals: one combined change instead of 5,000 signals,
   * and linear work (a quadratic store takes seconds here). */
  reset_counts (&mirror);
  g_assert_true (vz_store_replace_all (store, odd, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (mirror.signals, ==, 1);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (store)), ==, 5000);
  assert_mirror (store, &mirror);

  reset_counts (&mirror);
  g_assert_true (vz_store_replace_all (store, grown, &error));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (store)), ==, 12000);
  assert_mirror (store, &mirror);
  elapsed = g_get_monotonic_time () - start;
  g_test_message ("three reconciles of 10,000 items: %.1f ms", elapsed / 1000.0);
  /* Generous bound so that slow CI machines pass; O(n²) would be far above. */
  g_assert_cmpint (elapsed, <, 5 * G_USEC_PER_SEC);

  g_ptr_array_unref (mirror.items);
}

/* Entities decoded ahead (as the snapshot's reading thread does) go into the
 * store as they are; only new ids take one, each once, and only when it
 * matches the object it was decoded from. */
static void
test_store_replace_all_decoded (void)
{
  g_autoptr(VzStore) store = vz_store_new (VZ_TYPE_DISPLAY);
  g_autoptr(GPtrArray) first = display_list (0, 3, 1, "online");
  g_autoptr(GPtrArray) second = display_list (0, 5, 1, "offline");
  g_autoptr(GHashTable) decoded = g_hash_table_new_full (g_direct_hash, g_direct_equal,
                                                         (GDestroyNotify) json_object_unref, g_object_unref);
  g_autoptr(GError) error = NULL;
  VzEntity *kept, *ahead, *mismatched;

  g_assert_true (vz_store_replace_all (store, first, &error));
  kept = vz_store_lookup (store, "display-00001");

  /* For an id already in the store, for a new one, and one decoded from
   * another record than the object it is filed under. */
  for (guint i = 0; i < 5; i++)
    {
      JsonObject *obj = g_ptr_array_index (second, i == 4 ? 3 : i);

      g_hash_table_insert (decoded, json_object_ref (g_ptr_array_index (second, i)),
                           vz_entity_new_from_json (VZ_TYPE_DISPLAY, obj, NULL));
    }
  ahead = g_hash_table_lookup (decoded, g_ptr_array_index (second, 3));
  mismatched = g_hash_table_lookup (decoded, g_ptr_array_index (second, 4));
  g_object_add_weak_pointer (G_OBJECT (mismatched), (gpointer *) &mismatched);

  g_assert_true (vz_store_replace_all_decoded (store, second, decoded, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (store)), ==, 5);
  /* Known ids update in place, as without entities decoded ahead. */
  g_assert_true (vz_store_lookup (store, "display-00001") == (gpointer) kept);
  g_assert_cmpint (vz_display_get_status (VZ_DISPLAY (kept)), ==, VZ_DISPLAY_STATUS_OFFLINE);
  g_assert_true (g_hash_table_contains (decoded, g_ptr_array_index (second, 1)));
  /* The new id took its entity, which left the table. */
  g_assert_true (vz_store_lookup (store, "display-00003") == (gpointer) ahead);
  g_assert_cmpuint (vz_store_get_position (store, ahead), ==, 3);
  g_assert_false (g_hash_table_contains (decoded, g_ptr_array_index (second, 3)));
  /* The one with the wrong id was dropped; the record was decoded again. */
  g_assert_null (mismatched);
  g_assert_cmpstr (vz_entity_get_id (vz_store_lookup (store, "display-00004")), ==, "display-00004");
  g_assert_cmpint (vz_display_get_status (vz_store_lookup (store, "display-00004")), ==,
                   VZ_DISPLAY_STATUS_OFFLINE);
}

static void
count_item_notify (VzStore    *store,
                   VzEntity   *entity,
                   GParamSpec *pspec,
                   GPtrArray  *seen)
{
  g_ptr_array_add (seen, entity);
  g_assert_cmpstr (g_param_spec_get_name (pspec), ==, "status");
}

/* A store relays its items' notifications, detailed by property, while it
 * holds them: not for an item it no longer holds, nor once it is gone. */
static void
test_store_item_notify (void)
{
  g_autoptr(VzStore) store = vz_store_new (VZ_TYPE_DISPLAY);
  g_autoptr(VzStore) other = vz_store_new (VZ_TYPE_DISPLAY);
  g_autoptr(GPtrArray) seen = g_ptr_array_new ();
  g_autoptr(GPtrArray) list = display_list (0, 3, 1, "online");
  g_autoptr(JsonObject) offline = display_json (1, "offline");
  g_autoptr(JsonObject) renamed = display_json (2, "online");
  g_autoptr(JsonObject) back = display_json (1, "online");
  g_autoptr(JsonObject) third = display_json (0, "offline");
  g_autoptr(GError) error = NULL;
  g_autoptr(VzDisplay) kept = NULL;

  g_assert_true (vz_store_replace_all (store, list, &error));
  g_assert_no_error (error);
  g_signal_connect (store, "item-notify::status", G_CALLBACK (count_item_notify), seen);

  /* A status change comes through; a change of another property does not. */
  g_assert_nonnull (vz_store_upsert_json (store, offline, &error));
  g_assert_cmpuint (seen->len, ==, 1);
  g_assert_true (g_ptr_array_index (seen, 0) == vz_store_lookup (store, "display-00001"));
  json_object_set_string_member (renamed, "nickname", "Another name");
  g_assert_nonnull (vz_store_upsert_json (store, renamed, &error));
  g_assert_cmpuint (seen->len, ==, 1);

  /* Removed, it is no longer relayed, even while someone still holds it. */
  kept = g_object_ref (vz_store_lookup (store, "display-00001"));
  g_assert_true (vz_store_remove (store, "display-00001"));
  g_assert_true (vz_entity_update_from_json (VZ_ENTITY (kept), back, &error));
  g_assert_no_error (error);
  g_assert_cmpint (vz_display_get_status (kept), ==, VZ_DISPLAY_STATUS_ONLINE);
  g_assert_cmpuint (seen->len, ==, 1);

  /* Put in another store, it is that store's; the first one's store gone,
   * its former items notify without it. */
  g_assert_true (vz_store_insert (other, VZ_ENTITY (kept), 0));
  g_clear_object (&other);
  g_assert_true (vz_entity_update_from_json (VZ_ENTITY (kept), offline, &error));
  g_assert_cmpuint (seen->len, ==, 1);
  g_assert_nonnull (vz_store_upsert_json (store, third, &error));
  g_assert_cmpuint (seen->len, ==, 2);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/core/store/upsert-remove", test_store_upsert_remove);
  g_test_add_func ("/core/store/replace-all-in-place", test_store_replace_all_in_place);
  g_test_add_func ("/core/store/replace-all-bad-items", test_store_replace_all_bad_items);
  g_test_add_func ("/core/store/replace-all-large", test_store_replace_all_large);
  g_test_add_func ("/core/store/replace-all-decoded", test_store_replace_all_decoded);
  g_test_add_func ("/core/store/item-notify", test_store_item_notify);
  return g_test_run ();
}
