/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

#define VZ_TYPE_ENTITY (vz_entity_get_type ())
G_DECLARE_DERIVABLE_TYPE (VzEntity, vz_entity, VZ, ENTITY, GObject)

/*
 * VzEntity: base of every server-side object (display, group, playlist…).
 * It carries the id and the server's `updatedAt` string verbatim (the value is
 * later sent back in If-Match, so it is never reformatted).
 *
 * update_from_json() changes the object in place and notifies only the
 * properties whose value really changed, so list rows and bindings stay put.
 * Members absent from @obj are left alone (partial updates from events).
 *
 * Properties: "id", "updated-at", and two set by the sync engine's
 * optimistic layer (never by JSON), notifying on real change only:
 *   "pending"   gboolean: the object shows a change the server has not
 *               applied yet (a row draws it as pending)
 *   "conflict"  gboolean: one of those changes met a colleague's change of
 *               the same field and waits for keep-mine / keep-theirs
 */
struct _VzEntityClass
{
  GObjectClass parent_class;

  gboolean    (*update_from_json) (VzEntity    *self,
                                   JsonObject  *obj,
                                   GError     **error);
  /* The record's name for people ("Lobby"); may be NULL. */
  const char *(*get_title)        (VzEntity    *self);
  /* Appends the record as the server's JSON would have it (a list item),
   * so that decoding it again gives the same record (the saved fleet). */
  void        (*to_json)          (VzEntity    *self,
                                   GString     *out);
};

const char *vz_entity_get_id               (VzEntity    *self);
const char *vz_entity_get_updated_at       (VzEntity    *self);
void        vz_entity_set_updated_at       (VzEntity    *self,
                                            const char  *updated_at);
gboolean    vz_entity_update_from_json     (VzEntity    *self,
                                            JsonObject  *obj,
                                            GError     **error);
const char *vz_entity_get_title            (VzEntity    *self);
void        vz_entity_to_json              (VzEntity    *self,
                                            GString     *out);
JsonObject *vz_entity_dup_json             (VzEntity    *self);
gboolean    vz_entity_get_pending          (VzEntity    *self);
void        vz_entity_set_pending          (VzEntity    *self,
                                            gboolean     pending);
gboolean    vz_entity_get_conflict         (VzEntity    *self);
void        vz_entity_set_conflict         (VzEntity    *self,
                                            gboolean     conflict);
VzEntity   *vz_entity_new_from_json        (GType        entity_type,
                                            JsonObject  *obj,
                                            GError     **error);

G_END_DECLS
