/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>
#include "vz-entity.h"

G_BEGIN_DECLS

#define VZ_TYPE_STORE (vz_store_get_type ())
G_DECLARE_FINAL_TYPE (VzStore, vz_store, VZ, STORE, GObject)

/*
 * VzStore: a GListModel of VzEntity subclasses with an id → position index.
 * Updates happen in place (the same object, only changed properties notify);
 * items-changed is emitted only for real insertions and removals.
 *
 * Properties: "entity-type" (construct-only), "n-items".
 */
VzStore  *vz_store_new            (GType        entity_type);
GType     vz_store_get_entity_type (VzStore    *self);
gpointer  vz_store_lookup         (VzStore     *self,
                                   const char  *id);
/* Inserts or updates from one JSON object; returns the (borrowed) entity. */
gpointer  vz_store_upsert_json    (VzStore     *self,
                                   JsonObject  *obj,
                                   GError     **error);
gboolean  vz_store_remove         (VzStore     *self,
                                   const char  *id);
/* Puts @entity (of the store's type, with an id not in the store) back at
 * @position (clamped to the end): a rolled-back delete returns to its row.
 * The store takes a reference. FALSE when the id is already there. */
gboolean  vz_store_insert         (VzStore     *self,
                                   VzEntity    *entity,
                                   guint        position);
/* Where @entity sits, or G_MAXUINT when it is not in the store. O(1). */
guint     vz_store_get_position   (VzStore     *self,
                                   VzEntity    *entity);
/*
 * Reconciles the store with a complete server list (array of JSON objects):
 * existing ids update in place, new ids are appended, ids not in @objects are
 * removed. Items that fail to decode are skipped and reported once in @error
 * (the rest still apply); returns FALSE then.
 */
gboolean  vz_store_replace_all    (VzStore     *self,
                                   GPtrArray   *objects,
                                   GError     **error);
/* The same, where @decoded (nullable) may hold, for objects of @objects
 * (JsonObject* → VzEntity*, both referenced), the entities they decode to,
 * made ahead (in a worker thread, before anything else holds them). Such an
 * object may be a stand-in that holds only the record's "id" and "updatedAt":
 * its entity holds the rest. A new id takes its entity from there instead of
 * decoding @obj again; entities that are used are removed from @decoded. */
gboolean  vz_store_replace_all_decoded (VzStore     *self,
                                        GPtrArray   *objects,
                                        GHashTable  *decoded,
                                        GError     **error);
/* @obj whole (transfer full): for a stand-in whose entity @decoded
 * (nullable) holds, the record as that entity has it, else @obj itself. */
JsonObject *vz_store_record_whole (GHashTable  *decoded,
                                   JsonObject  *obj);
/* A table for vz_store_replace_all_decoded()'s @decoded. */
GHashTable *vz_store_decoded_new  (void);
/* Decodes @obj, a record with id @id, into a new entity of @entity_type kept
 * in @decoded, and returns the stand-in that takes @obj's place in its list
 * (transfer full); its id goes into @ids, the ids of a list decoded ahead.
 * NULL, and @obj stays whole, when it does not decode or when its id is in
 * @ids already (a later copy of a record: applying the list lets it win). */
JsonObject *vz_store_decode_ahead (GType        entity_type,
                                   JsonObject  *obj,
                                   const char  *id,
                                   GHashTable  *ids,
                                   GHashTable  *decoded);
void      vz_store_clear          (VzStore     *self);

G_END_DECLS
