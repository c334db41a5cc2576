/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-playlists"

#include <string.h>

#include "vz-content.h"
#include "vz-core-test-util.h"
#include "vz-playlist.h"
#include "vz-playlist-moves.h"
#include "vz-playlist-resource.h"
#include "vz-resource.h"
#include "vz-tag.h"

/* A playlist record with items named by @ids ("a b c"), contents c-<id>. */
static JsonObject *
playlist_json (const char *ids)
{
  g_auto(GStrv) names = g_strsplit (ids, " ", -1);
  g_autoptr(GString) text = g_string_new ("{\"id\":\"p1\",\"name\":\"Morning\",\"description\":null,"
                                          "\"loop\":true,\"isDefault\":false,\"updatedAt\":\"2026-12-01T10:00:00.000Z\","
                                          "\"itemCount\":0,\"totalDuration\":0,\"_count\":{\"schedules\":2},\"items\":[");

  for (guint i = 0; names[i] != NULL && *names[i] != '\0'; i++)
    g_string_append_printf (text, "%s{\"id\":\"%s\",\"playlistId\":\"p1\",\"contentId\":\"c-%s\",\"order\":%u,"
                            "\"duration\":%s,\"content\":{\"id\":\"c-%s\",\"name\":\"Content %s\",\"type\":\"image\","
                            "\"thumbnail\":null,\"duration\":15}}",
                            i > 0 ? "," : "", names[i], names[i], i, i == 0 ? "30" : "null", names[i], names[i]);
  g_string_append (text, "]}");
  return vz_test_parse_object (text->str);
}

static char *
joined_ids (VzPlaylist *playlist)
{
  g_auto(GStrv) ids = vz_playlist_dup_item_ids (playlist);

  return g_strjoinv (" ", ids);
}

static char *
order_of (GPtrArray *order)
{
  GString *out = g_string_new (NULL);

  for (guint i = 0; i < order->len; i++)
    g_string_append_printf (out, "%s%s", i > 0 ? " " : "", (const char *) g_ptr_array_index (order, i));
  return g_string_free (out, FALSE);
}

static GPtrArray *
order_new (const char *ids)
{
  g_auto(GStrv) names = g_strsplit (ids, " ", -1);
  GPtrArray *order = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; names[i] != NULL; i++)
    g_ptr_array_add (order, g_strdup (names[i]));
  return order;
}

/* ------------------------------------------------------------------------ */

static void
test_content_decode (void)
{
  g_autoptr(JsonObject) obj = vz_test_parse_object (
    "{\"id\":\"c1\",\"name\":\"Poster\",\"type\":\"image\",\"thumbnail\":\"/api/v1/content/c1/thumbnail\","
    "\"duration\":12,\"fileSize\":48213,\"status\":\"ready\",\"folderId\":null,"
    "\"createdAt\":\"2026-12-01T09:00:00.000Z\",\"updatedAt\":\"2026-12-01T09:00:00.000Z\","
    "\"mimeType\":\"image/png\",\"url\":\"/api/v1/content/c1/file\","
    "\"tags\":[{\"tag\":{\"id\":\"t1\",\"name\":\"Lobby\",\"color\":\"#3584e4\"}},{\"tag\":{\"id\":\"t2\",\"name\":\"Sale\",\"color\":null}}]}");
  g_autoptr(GError) error = NULL;
  g_autoptr(VzContent) content = NULL;
  g_autoptr(GString) text = g_string_new (NULL);
  g_autoptr(JsonObject) again = NULL;
  g_autoptr(VzContent) copy = NULL;

  content = VZ_CONTENT (vz_entity_new_from_json (VZ_TYPE_CONTENT, obj, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (vz_content_get_name (content), ==, "Poster");
  g_assert_cmpstr (vz_content_get_content_type (content), ==, "image");
  g_assert_cmpint (vz_content_get_duration (content), ==, 12);
  g_assert_cmpint (vz_content_get_file_size (content), ==, 48213);
  g_assert_cmpstr (vz_content_get_mime_type (content), ==, "image/png");
  g_assert_cmpstr (vz_content_get_tag_ids (content)[1], ==, "t2");
  g_assert_cmpstr (vz_content_get_tag_names (content)[0], ==, "Lobby");
  g_assert_cmpstr (vz_content_get_tag_color (content, 0), ==, "#3584e4");
  g_assert_null (vz_content_get_tag_color (content, 1));
  g_assert_true (vz_content_has_tag (content, "t1"));
  g_assert_false (vz_content_has_tag (content, "t3"));
  g_assert_cmpstr (vz_entity_get_title (VZ_ENTITY (content)), ==, "Poster");

  /* The saved form decodes to the same record. */
  vz_entity_to_json (VZ_ENTITY (content), text);
  again = vz_test_parse_object (text->str);
  copy = VZ_CONTENT (vz_entity_new_from_json (VZ_TYPE_CONTENT, again, &error));
  g_assert_no_error (error);
  g_assert_cmpint (vz_content_get_file_size (copy), ==, 48213);
  g_assert_cmpstr (vz_content_get_tag_names (copy)[1], ==, "Sale");
  g_assert_cmpstr (vz_content_get_url (copy), ==, "/api/v1/content/c1/file");
}

static void
test_content_wrong_types (void)
{
  g_autoptr(JsonObject) obj = vz_test_parse_object ("{\"id\":\"c1\",\"name\":\"Poster\",\"duration\":\"long\"}");
  g_autoptr(JsonObject) tags = vz_test_parse_object ("{\"id\":\"c1\",\"tags\":[\"t1\"]}");
  g_autoptr(GError) error = NULL;
  g_autoptr(VzEntity) content = vz_entity_new_from_json (VZ_TYPE_CONTENT, obj, &error);

  g_assert_null (content);
  g_assert_error (error, VZ_API_ERROR, VZ_API_ERROR_INVALID_RESPONSE);
  g_clear_error (&error);
  g_assert_null (vz_entity_new_from_json (VZ_TYPE_CONTENT, tags, &error));
  g_assert_error (error, VZ_API_ERROR, VZ_API_ERROR_INVALID_RESPONSE);
}

static void
test_tag_decode (void)
{
  g_autoptr(JsonObject) obj = vz_test_parse_object ("{\"id\":\"t1\",\"name\":\"Lobby\",\"color\":\"#3584e4\",\"contentCount\":3}");
  g_autoptr(GError) error = NULL;
  g_autoptr(VzTag) tag = VZ_TAG (vz_entity_new_from_json (VZ_TYPE_TAG, obj, &error));

  g_assert_no_error (error);
  g_assert_cmpstr (vz_tag_get_name (tag), ==, "Lobby");
  g_assert_cmpstr (vz_tag_get_color (tag), ==, "#3584e4");
  g_assert_cmpuint (vz_tag_get_content_count (tag), ==, 3);
}

static void
test_playlist_decode (void)
{
  g_autoptr(JsonObject) obj = playlist_json ("a b c");
  g_autoptr(GError) error = NULL;
  g_autoptr(VzPlaylist) playlist = VZ_PLAYLIST (vz_entity_new_from_json (VZ_TYPE_PLAYLIST, obj, &error));
  g_autoptr(VzPlaylistItem) first = NULL;
  g_autoptr(GString) text = g_string_new (NULL);
  g_autoptr(JsonObject) again = NULL;
  g_autoptr(VzPlaylist) copy = NULL;
  g_autofree char *ids = NULL;

  g_assert_no_error (error);
  g_assert_cmpstr (vz_playlist_get_name (playlist), ==, "Morning");
  g_assert_true (vz_playlist_get_loop (playlist));
  g_assert_cmpuint (vz_playlist_get_item_count (playlist), ==, 3);
  /* 30 (its own) + 15 + 15 (the content's) */
  g_assert_cmpuint (vz_playlist_get_total_duration (playlist), ==, 60);
  g_assert_cmpuint (vz_playlist_get_schedule_count (playlist), ==, 2);
  first = g_list_model_get_item (vz_playlist_get_items (playlist), 0);
  g_assert_cmpstr (vz_playlist_item_get_content_name (first), ==, "Content a");
  g_assert_cmpint (vz_playlist_item_get_duration (first), ==, 30);
  g_assert_cmpuint (vz_playlist_item_get_effective_duration (first), ==, 30);

  vz_entity_to_json (VZ_ENTITY (playlist), text);
  again = vz_test_parse_object (text->str);
  copy = VZ_PLAYLIST (vz_entity_new_from_json (VZ_TYPE_PLAYLIST, again, &error));
  g_assert_no_error (error);
  ids = joined_ids (copy);
  g_assert_cmpstr (ids, ==, "a b c");
  g_assert_cmpuint (vz_playlist_get_total_duration (copy), ==, 60);
}

typedef struct {
  guint calls;
  guint removed;
  guint added;
  guint first_added;
} ItemsLog;

static void
on_items_changed (GListModel *model,
                  guint       position,
                  guint       removed,
                  guint       added,
                  ItemsLog   *log)
{
  if (log->calls++ == 0)
    log->first_added = added;
  log->removed += removed;
  log->added += added;
}

/* A reorder keeps the item objects; one item moved is one insertion at its
 * new place then one removal, however long the playlist (a list view keeps
 * its row widgets that way, see move_item()). */
static void
test_playlist_move_keeps_rows (void)
{
  g_autoptr(GString) ids = g_string_new (NULL);
  g_autoptr(GString) moved = g_string_new (NULL);
  g_autoptr(JsonObject) obj = NULL;
  g_autoptr(JsonObject) update = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(VzPlaylist) playlist = NULL;
  g_autoptr(VzPlaylistItem) before = NULL;
  g_autoptr(VzPlaylistItem) after = NULL;
  ItemsLog log = { 0 };

  for (guint i = 0; i < 2000; i++)
    g_string_append_printf (ids, "%si%u", i > 0 ? " " : "", i);
  /* i0 goes after i2 */
  g_string_append (moved, "i1 i2 i0");
  for (guint i = 3; i < 2000; i++)
    g_string_append_printf (moved, " i%u", i);

  obj = playlist_json (ids->str);
  playlist = VZ_PLAYLIST (vz_entity_new_from_json (VZ_TYPE_PLAYLIST, obj, &error));
  g_assert_no_error (error);
  before = g_list_model_get_item (vz_playlist_get_items (playlist), 0);
  g_signal_connect (vz_playlist_get_items (playlist), "items-changed", G_CALLBACK (on_items_changed), &log);

  update = playlist_json (moved->str);
  g_assert_true (vz_entity_update_from_json (VZ_ENTITY (playlist), update, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (log.calls, ==, 2);
  g_assert_cmpuint (log.removed, ==, 1);
  g_assert_cmpuint (log.added, ==, 1);
  g_assert_cmpuint (log.first_added, ==, 1);
  after = g_list_model_get_item (vz_playlist_get_items (playlist), 2);
  g_assert_true (before == after);

  /* The same list again changes nothing. */
  g_assert_true (vz_entity_update_from_json (VZ_ENTITY (playlist), update, &error));
  g_assert_cmpuint (log.calls, ==, 2);
}

static void
on_any_notify (GObject    *object,
               GParamSpec *pspec,
               guint      *count)
{
  (*count)++;
}

/* The items as they show (our own reorder's answer) change nothing and
 * notify nothing; one value of one item changed, or the same items in
 * another order, still apply. */
static void
test_playlist_same_items (void)
{
  g_autoptr(JsonObject) obj = playlist_json ("a b c d");
  g_autoptr(JsonObject) same = playlist_json ("a b c d");
  g_autoptr(JsonObject) renamed = playlist_json ("a b c d");
  g_autoptr(JsonObject) reordered = playlist_json ("b a c d");
  g_autoptr(GError) error = NULL;
  g_autoptr(VzPlaylist) playlist = VZ_PLAYLIST (vz_entity_new_from_json (VZ_TYPE_PLAYLIST, obj, &error));
  g_autoptr(VzPlaylistItem) c = NULL;
  g_autofree char *ids = NULL;
  JsonObject *content;
  guint notifies = 0;
  ItemsLog log = { 0 };

  g_assert_no_error (error);
  c = g_list_model_get_item (vz_playlist_get_items (playlist), 2);
  g_signal_connect (c, "notify", G_CALLBACK (on_any_notify), &notifies);
  g_signal_connect (vz_playlist_get_items (playlist), "items-changed", G_CALLBACK (on_items_changed), &log);

  g_assert_true (vz_entity_update_from_json (VZ_ENTITY (playlist), same, &error));
  g_assert_cmpuint (log.calls, ==, 0);
  g_assert_cmpuint (notifies, ==, 0);

  content = json_object_get_object_member (json_array_get_object_element (json_object_get_array_member (renamed,
                                                                                                        "items"), 2),
                                           "content");
  json_object_set_string_member (content, "name", "Renamed");
  g_assert_true (vz_entity_update_from_json (VZ_ENTITY (playlist), renamed, &error));
  g_assert_cmpstr (vz_playlist_item_get_content_name (c), ==, "Renamed");
  g_assert_cmpuint (notifies, ==, 1);
  g_assert_cmpuint (log.calls, ==, 0);

  g_assert_true (vz_entity_update_from_json (VZ_ENTITY (playlist), reordered, &error));
  ids = joined_ids (playlist);
  g_assert_cmpstr (ids, ==, "b a c d");
  g_assert_cmpstr (vz_playlist_item_get_content_name (c), ==, "Content c");
}

static void
test_playlist_notify_only_changes (void)
{
  g_autoptr(JsonObject) obj = playlist_json ("a b");
  g_autoptr(JsonObject) renamed = vz_test_parse_object ("{\"id\":\"p1\",\"name\":\"Evening\"}");
  g_autoptr(GError) error = NULL;
  g_autoptr(VzPlaylist) playlist = VZ_PLAYLIST (vz_entity_new_from_json (VZ_TYPE_PLAYLIST, obj, &error));
  guint items_changes = 0;

  g_assert_no_error (error);
  g_signal_connect_swapped (playlist, "notify::items", G_CALLBACK (g_nullify_pointer), NULL);
  g_signal_connect_swapped (vz_playlist_get_items (playlist), "items-changed", G_CALLBACK (g_atomic_int_inc),
                            &items_changes);
  /* A record without its items (an event's summary) keeps them. */
  g_assert_true (vz_entity_update_from_json (VZ_ENTITY (playlist), renamed, &error));
  g_assert_cmpstr (vz_playlist_get_name (playlist), ==, "Evening");
  g_assert_cmpuint (vz_playlist_get_item_count (playlist), ==, 2);
  g_assert_cmpuint (items_changes, ==, 0);
}

/* ------------------------------------------------------------------------ */
/* Moves                                                                    */

static void
check_moves (const char *from,
             const char *to,
             guint       expected_moves)
{
  g_auto(GStrv) a = g_strsplit (from, " ", -1);
  g_auto(GStrv) b = g_strsplit (to, " ", -1);
  g_autoptr(JsonArray) moves = vz_playlist_moves_between ((const char * const *) a, (const char * const *) b);
  g_autoptr(GPtrArray) order = order_new (from);
  g_autofree char *result = NULL;

  g_assert_cmpuint (json_array_get_length (moves), ==, expected_moves);
  vz_playlist_moves_apply (order, moves);
  result = order_of (order);
  g_assert_cmpstr (result, ==, to);
}

static void
test_moves_between (void)
{
  check_moves ("a b c d", "a b c d", 0);
  check_moves ("a b c d", "b c a d", 1);     /* a after c */
  check_moves ("a b c d", "d a b c", 1);     /* d first */
  check_moves ("a b c d", "d c b a", 3);
  check_moves ("a b c d e f", "b a d c f e", 3);
}

static void
test_moves_random (void)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (20261203);

  for (guint round = 0; round < 200; round++)
    {
      guint n = g_rand_int_range (rand, 1, 40);
      g_autoptr(GPtrArray) from = g_ptr_array_new_with_free_func (g_free);
      g_autoptr(GPtrArray) to = NULL;
      g_autoptr(JsonArray) moves = NULL;
      g_autofree char *wanted = NULL;
      g_autofree char *got = NULL;

      for (guint i = 0; i < n; i++)
        g_ptr_array_add (from, g_strdup_printf ("i%u", i));
      to = g_ptr_array_new_with_free_func (g_free);
      for (guint i = 0; i < n; i++)
        g_ptr_array_add (to, g_strdup (g_ptr_array_index (from, i)));
      for (guint i = n; i > 1; i--)
        {
          guint j = g_rand_int_range (rand, 0, i);
          gpointer tmp = to->pdata[i - 1];

          to->pdata[i - 1] = to->pdata[j];
          to->pdata[j] = tmp;
        }
      g_ptr_array_add (from, NULL);
      g_ptr_array_add (to, NULL);
      moves = vz_playlist_moves_between ((const char * const *) from->pdata, (const char * const *) to->pdata);
      g_ptr_array_remove_index (from, n);
      g_ptr_array_remove_index (to, n);
      wanted = order_of (to);
      vz_playlist_moves_apply (from, moves);
      got = order_of (from);
      g_assert_cmpstr (got, ==, wanted);
      g_assert_cmpuint (json_array_get_length (moves), <, MAX (n, 1));
    }
}

/* The merge: a colleague's newer order, then our pending moves on top. */
static void
test_moves_on_their_order (void)
{
  g_auto(GStrv) ours_from = g_strsplit ("a b c d e", " ", -1);
  g_auto(GStrv) ours_to = g_strsplit ("b c a d e", " ", -1);     /* we moved a below c */
  g_autoptr(JsonArray) moves = vz_playlist_moves_between ((const char * const *) ours_from,
                                                           (const char * const *) ours_to);
  g_autoptr(GPtrArray) theirs = order_new ("e d c b a");           /* they reversed it */
  g_autoptr(GPtrArray) shrunk = order_new ("b c d f");             /* they removed a and e, added f */
  g_autoptr(GPtrArray) anchor_gone = order_new ("b a d e");        /* c, our anchor, is gone */
  g_autofree char *merged = NULL;

  vz_playlist_moves_apply (theirs, moves);
  merged = order_of (theirs);
  /* Their order stays; a is placed right after c, as we did. */
  g_assert_cmpstr (merged, ==, "e d c a b");

  /* A move of an item that vanished is dropped. */
  g_assert_cmpuint (vz_playlist_moves_apply (shrunk, moves), ==, 0);
  g_clear_pointer (&merged, g_free);
  merged = order_of (shrunk);
  g_assert_cmpstr (merged, ==, "b c d f");

  /* Without its anchor, the item takes the index it was moved to. */
  vz_playlist_moves_apply (anchor_gone, moves);
  g_clear_pointer (&merged, g_free);
  merged = order_of (anchor_gone);
  g_assert_cmpstr (merged, ==, "b d a e");
}

/* ------------------------------------------------------------------------ */
/* The playlist's edits, as the engine uses them                            */

static JsonObject *
build_edit (VzPlaylist  *playlist,
            const char  *name,
            const char  *args_json,
            JsonObject **previous)
{
  const VzResourceEdit *edit = vz_resource_find_edit (&vz_playlist_resource, name);
  g_autoptr(JsonObject) args = vz_test_parse_object (args_json);
  g_autoptr(GError) error = NULL;
  JsonObject *changes = NULL;

  g_assert_nonnull (edit);
  g_assert_true (edit->build (VZ_ENTITY (playlist), args, &changes, previous, &error));
  g_assert_no_error (error);
  return changes;
}

static char *
record_ids (JsonObject *record)
{
  JsonArray *items = json_object_get_array_member (record, "items");
  GString *out = g_string_new (NULL);

  for (guint i = 0; i < json_array_get_length (items); i++)
    {
      JsonObject *item = json_array_get_object_element (items, i);

      g_assert_cmpint (json_object_get_int_member (item, "order"), ==, i);
      g_string_append_printf (out, "%s%s", i > 0 ? " " : "", json_object_get_string_member (item, "id"));
    }
  return g_string_free (out, FALSE);
}

/* A record's items set in a new order: those that moved are new objects
 * numbered by their new place, those that stayed are shared, and the
 * record they came from is left as it was. */
static void
test_record_set_items (void)
{
  g_autoptr(JsonObject) record = playlist_json ("a b c d e");
  g_autoptr(JsonObject) copy = json_object_new ();
  g_autoptr(JsonArray) moves = NULL;
  g_autofree char *ids = NULL;
  g_autofree char *before = NULL;
  g_auto(GStrv) from = g_strsplit ("a b c d e", " ", -1);
  g_auto(GStrv) to = g_strsplit ("a c d b e", " ", -1);
  JsonArray *old_items = json_object_get_array_member (record, "items");
  JsonArray *new_items;

  json_object_set_member (copy, "items", json_node_copy (json_object_get_member (record, "items")));
  moves = vz_playlist_moves_between ((const char * const *) from, (const char * const *) to);
  vz_playlist_moves_apply_to_record (copy, moves);
  ids = record_ids (copy);
  g_assert_cmpstr (ids, ==, "a c d b e");
  before = record_ids (record);
  g_assert_cmpstr (before, ==, "a b c d e");

  new_items = json_object_get_array_member (copy, "items");
  g_assert_true (json_array_get_object_element (new_items, 0) == json_array_get_object_element (old_items, 0));
  g_assert_true (json_array_get_object_element (new_items, 4) == json_array_get_object_element (old_items, 4));
  for (guint i = 1; i < 4; i++)
    g_assert_true (json_array_get_object_element (new_items, i) != json_array_get_object_element (old_items, i));
}

static void
test_edit_reorder (void)
{
  g_autoptr(JsonObject) obj = playlist_json ("a b c d");
  g_autoptr(GError) error = NULL;
  g_autoptr(VzPlaylist) playlist = VZ_PLAYLIST (vz_entity_new_from_json (VZ_TYPE_PLAYLIST, obj, &error));
  const VzResourceEdit *reorder = vz_resource_find_edit (&vz_playlist_resource, VZ_PLAYLIST_EDIT_REORDER);
  g_autoptr(JsonObject) previous = NULL;
  g_autoptr(JsonObject) changes = build_edit (playlist, VZ_PLAYLIST_EDIT_REORDER, "{\"item\":\"a\",\"position\":2}", &previous);
  g_autoptr(JsonObject) record = vz_resource_record_json (VZ_ENTITY (playlist));
  g_autoptr(JsonObject) theirs = playlist_json ("d c b a e");
  g_autoptr(JsonNode) body = NULL;
  g_autofree char *method = NULL;
  g_autofree char *path = NULL;
  g_autofree char *ids = NULL;
  g_autofree char *body_text = NULL;
  g_autoptr(JsonObject) same_args = vz_test_parse_object ("{\"order\":[\"a\",\"b\",\"c\",\"d\"]}");
  g_autoptr(JsonObject) bad_args = vz_test_parse_object ("{\"order\":[\"a\",\"b\",\"b\",\"d\"]}");
  JsonObject *none = NULL, *none_previous = NULL;

  g_assert_nonnull (changes);
  reorder->apply (record, changes);
  ids = record_ids (record);
  g_assert_cmpstr (ids, ==, "b c a d");

  /* The request names every item, in the order the server will have. */
  reorder->request (VZ_ENTITY (playlist), changes, record, &method, &path, &body);
  g_assert_cmpstr (method, ==, "POST");
  g_assert_cmpstr (path, ==, "/playlists/p1/reorder");
  body_text = json_to_string (body, FALSE);
  g_assert_cmpstr (body_text, ==, "{\"itemIds\":[\"b\",\"c\",\"a\",\"d\"]}");

  /* previous undoes it. */
  reorder->apply (record, previous);
  g_clear_pointer (&ids, g_free);
  ids = record_ids (record);
  g_assert_cmpstr (ids, ==, "a b c d");

  /* On a colleague's newer version: their order, our move on top. */
  reorder->apply (theirs, changes);
  g_clear_pointer (&ids, g_free);
  ids = record_ids (theirs);
  g_assert_cmpstr (ids, ==, "d c a b e");

  /* The same order changes nothing; a wrong one is refused with a sentence. */
  g_assert_true (reorder->build (VZ_ENTITY (playlist), same_args, &none, &none_previous, &error));
  g_assert_null (none);
  g_assert_false (reorder->build (VZ_ENTITY (playlist), bad_args, &none, &none_previous, &error));
  g_assert_error (error, VZ_API_ERROR, VZ_API_ERROR_BAD_REQUEST);
}

static void
test_edit_items (void)
{
  g_autoptr(JsonObject) obj = playlist_json ("a b c");
  g_autoptr(GError) error = NULL;
  g_autoptr(VzPlaylist) playlist = VZ_PLAYLIST (vz_entity_new_from_json (VZ_TYPE_PLAYLIST, obj, &error));
  const VzResourceEdit *add = vz_resource_find_edit (&vz_playlist_resource, VZ_PLAYLIST_EDIT_ADD_ITEM);
  const VzResourceEdit *duration = vz_resource_find_edit (&vz_playlist_resource, VZ_PLAYLIST_EDIT_ITEM_DURATION);
  g_autoptr(JsonObject) add_previous = NULL;
  g_autoptr(JsonObject) added = build_edit (playlist, VZ_PLAYLIST_EDIT_ADD_ITEM, "{\"contentId\":\"c-x\",\"duration\":20}",
                                            &add_previous);
  g_autoptr(JsonObject) remove_previous = NULL;
  g_autoptr(JsonObject) removed = build_edit (playlist, VZ_PLAYLIST_EDIT_REMOVE_ITEM, "{\"item\":\"b\"}", &remove_previous);
  g_autoptr(JsonObject) duration_previous = NULL;
  g_autoptr(JsonObject) longer = build_edit (playlist, VZ_PLAYLIST_EDIT_ITEM_DURATION, "{\"item\":\"b\",\"duration\":45}",
                                             &duration_previous);
  g_autoptr(JsonObject) record = vz_resource_record_json (VZ_ENTITY (playlist));
  const char *local_id = json_object_get_string_member (json_object_get_object_member (added, "item"), "id");
  g_autoptr(JsonNode) body = NULL;
  g_autofree char *method = NULL;
  g_autofree char *path = NULL;
  g_autofree char *ids = NULL;
  g_autofree char *expected = NULL;
  g_autoptr(JsonNode) answer = NULL;
  const char *named_local = NULL, *named_server = NULL;

  g_assert_true (g_str_has_prefix (local_id, "local:"));
  add->apply (record, added);
  ids = record_ids (record);
  expected = g_strdup_printf ("a b c %s", local_id);
  g_assert_cmpstr (ids, ==, expected);
  add->request (VZ_ENTITY (playlist), added, record, &method, &path, &body);
  g_assert_cmpstr (method, ==, "POST");
  g_assert_cmpstr (path, ==, "/playlists/p1/items");
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (body), "contentId"), ==, "c-x");
  g_assert_cmpint (json_object_get_int_member (json_node_get_object (body), "duration"), ==, 20);

  /* The server's answer names the item. */
  answer = json_from_string ("{\"id\":\"srv-1\",\"contentId\":\"c-x\",\"order\":3}", &error);
  g_assert_no_error (error);
  g_assert_true (add->named (added, answer, &named_local, &named_server));
  g_assert_cmpstr (named_local, ==, local_id);
  g_assert_cmpstr (named_server, ==, "srv-1");

  /* Undo of the add takes it out again; removing b and putting it back. */
  add->apply (record, add_previous);
  add->apply (record, removed);
  g_clear_pointer (&ids, g_free);
  ids = record_ids (record);
  g_assert_cmpstr (ids, ==, "a c");
  g_clear_pointer (&method, g_free);
  g_clear_pointer (&path, g_free);
  g_clear_pointer (&body, json_node_unref);
  add->request (VZ_ENTITY (playlist), removed, record, &method, &path, &body);
  g_assert_cmpstr (method, ==, "DELETE");
  g_assert_cmpstr (path, ==, "/playlists/p1/items/b");
  g_assert_null (body);
  add->apply (record, remove_previous);
  g_clear_pointer (&ids, g_free);
  ids = record_ids (record);
  g_assert_cmpstr (ids, ==, "a b c");

  /* b had no duration of its own: undoing 45 s gives back the 15 s it played. */
  duration->apply (record, longer);
  g_assert_cmpint (json_object_get_int_member (json_array_get_object_element (json_object_get_array_member (record, "items"), 1),
                                              "duration"), ==, 45);
  g_assert_cmpint (json_object_get_int_member (duration_previous, "duration"), ==, 15);
  g_clear_pointer (&method, g_free);
  g_clear_pointer (&path, g_free);
  g_clear_pointer (&body, json_node_unref);
  duration->request (VZ_ENTITY (playlist), longer, record, &method, &path, &body);
  g_assert_cmpstr (method, ==, "PATCH");
  g_assert_cmpstr (path, ==, "/playlists/p1/items/b");
}

/* The fast path on the record object gives what the JSON form gives, with
 * rows kept: a move is one removal and one insertion; undone by previous. */
static void
test_edit_show (void)
{
  g_autoptr(JsonObject) obj = playlist_json ("a b c d e");
  g_autoptr(GError) error = NULL;
  g_autoptr(VzPlaylist) playlist = VZ_PLAYLIST (vz_entity_new_from_json (VZ_TYPE_PLAYLIST, obj, &error));
  const VzResourceEdit *reorder = vz_resource_find_edit (&vz_playlist_resource, VZ_PLAYLIST_EDIT_REORDER);
  const VzResourceEdit *add = vz_resource_find_edit (&vz_playlist_resource, VZ_PLAYLIST_EDIT_ADD_ITEM);
  g_autoptr(JsonObject) previous = NULL;
  g_autoptr(JsonObject) changes = build_edit (playlist, VZ_PLAYLIST_EDIT_REORDER, "{\"order\":[\"d\",\"a\",\"b\",\"e\",\"c\"]}",
                                              &previous);
  g_autoptr(JsonObject) record = vz_resource_record_json (VZ_ENTITY (playlist));
  g_autoptr(JsonObject) add_previous = NULL;
  g_autoptr(JsonObject) added = NULL;
  g_autoptr(JsonNode) body = NULL;
  g_autoptr(VzPlaylistItem) a = g_list_model_get_item (vz_playlist_get_items (playlist), 0);
  g_autoptr(VzPlaylistItem) first = NULL;
  g_autofree char *method = NULL;
  g_autofree char *path = NULL;
  g_autofree char *shown = NULL;
  g_autofree char *as_json = NULL;
  g_autofree char *body_text = NULL;
  ItemsLog log = { 0 };

  /* The request made before the change shows, from the record and the moves. */
  reorder->request (VZ_ENTITY (playlist), changes, NULL, &method, &path, &body);
  body_text = json_to_string (body, FALSE);
  g_assert_cmpstr (body_text, ==, "{\"itemIds\":[\"d\",\"a\",\"b\",\"e\",\"c\"]}");

  g_signal_connect (vz_playlist_get_items (playlist), "items-changed", G_CALLBACK (on_items_changed), &log);
  reorder->show (VZ_ENTITY (playlist), changes);
  reorder->apply (record, changes);
  shown = joined_ids (playlist);
  as_json = record_ids (record);
  g_assert_cmpstr (shown, ==, "d a b e c");
  g_assert_cmpstr (as_json, ==, shown);
  g_assert_cmpuint (log.removed, ==, json_array_get_length (json_object_get_array_member (changes, "moves")));
  g_assert_cmpuint (log.added, ==, log.removed);
  first = g_list_model_get_item (vz_playlist_get_items (playlist), 1);
  g_assert_true (first == a);
  g_assert_cmpint (vz_playlist_item_get_position (a), ==, 1);

  reorder->show (VZ_ENTITY (playlist), previous);
  g_clear_pointer (&shown, g_free);
  shown = joined_ids (playlist);
  g_assert_cmpstr (shown, ==, "a b c d e");

  /* An added item shows and counts; its previous takes it out again. */
  added = build_edit (playlist, VZ_PLAYLIST_EDIT_ADD_ITEM, "{\"contentId\":\"c-x\",\"duration\":20}", &add_previous);
  add->show (VZ_ENTITY (playlist), added);
  g_assert_cmpuint (vz_playlist_get_item_count (playlist), ==, 6);
  g_assert_cmpuint (vz_playlist_get_total_duration (playlist), ==, 30 + 4 * 15 + 20);
  add->show (VZ_ENTITY (playlist), add_previous);
  g_assert_cmpuint (vz_playlist_get_item_count (playlist), ==, 5);
  g_assert_cmpuint (vz_playlist_get_total_duration (playlist), ==, 30 + 4 * 15);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/core/content/decode", test_content_decode);
  g_test_add_func ("/core/content/wrong-types", test_content_wrong_types);
  g_test_add_func ("/core/tag/decode", test_tag_decode);
  g_test_add_func ("/core/playlist/decode", test_playlist_decode);
  g_test_add_func ("/core/playlist/move-keeps-rows", test_playlist_move_keeps_rows);
  g_test_add_func ("/core/playlist/notify-only-changes", test_playlist_notify_only_changes);
  g_test_add_func ("/core/playlist/same-items", test_playlist_same_items);
  g_test_add_func ("/core/playlist-moves/between", test_moves_between);
  g_test_add_func ("/core/playlist-moves/random", test_moves_random);
  g_test_add_func ("/core/playlist-moves/on-their-order", test_moves_on_their_order);
  g_test_add_func ("/core/playlist-moves/record-set-items", test_record_set_items);
  g_test_add_func ("/core/playlist-edits/reorder", test_edit_reorder);
  g_test_add_func ("/core/playlist-edits/items", test_edit_items);
  g_test_add_func ("/core/playlist-edits/show", test_edit_show);

  return g_test_run ();
}
