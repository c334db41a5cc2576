/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/*
 * Reordering as moves, so that a reorder made here survives someone else's
 * reorder of the same playlist (issue "their order, then our pending
 * moves"). A move is {"item": id, "after": id | null, "index": n}: place
 * item X right after item Y (null: first); "index" is where X stood in the
 * order the move was made on, used when Y has gone since.
 *
 * vz_playlist_moves_between() finds the fewest moves that turn @from into
 * @to (the items that are not in a longest run @from and @to keep in the
 * same order move, each after its new neighbour, left to right), so
 * applying them to @from gives exactly @to, and applying them to another
 * order changes only the items this reorder moved.
 */

/* The moves that turn @from into @to (transfer full; an empty array when
 * they are the same). Ids in only one of the two are left out. */
JsonArray *vz_playlist_moves_between (const char * const *from,
                                      const char * const *to);

/* Applies @moves, in order, to @order (a GPtrArray of const char * ids,
 * borrowed): a move of an item that is no longer there is dropped; a move
 * after an item that is no longer there takes its index (clamped). Returns
 * the number of moves that changed something. */
guint      vz_playlist_moves_apply   (GPtrArray          *order,
                                      JsonArray          *moves);

/* One move: applies it to @order and says where the item was (*@from) and
 * where it went (*@to, in the order after the move); FALSE when the move
 * was dropped or left the item where it was. */
gboolean   vz_playlist_move_apply_one (GPtrArray          *order,
                                       JsonObject         *move,
                                       guint              *from,
                                       guint              *to);

/* The same on a playlist as the server lists it: reorders
 * record["items"] (objects with "id") and renumbers their "order". The
 * item objects @record had are left as they were (they may be shared with
 * the server's answer): @record gets copies. */
void       vz_playlist_moves_apply_to_record (JsonObject *record,
                                              JsonArray  *moves);

/* record["items"] (JsonNode* objects, transfer full), or NULL when it has
 * none. */
GPtrArray *vz_playlist_record_get_items (JsonObject *record);
/* Sets record["items"] to @items (JsonNode* objects, borrowed) numbered by
 * their place: copies of those whose "order" was another, the others
 * shared. */
void       vz_playlist_record_set_items (JsonObject *record,
                                         GPtrArray  *items);

G_END_DECLS
