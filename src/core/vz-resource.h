/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "vz-entity.h"
#include "vz-store.h"

G_BEGIN_DECLS

/*
 * VzResource: the description of one kind of record (screens, groups, and
 * the kinds to come), written once and read by the sync engine, the
 * snapshot, the conflict merge and the words (architecture.md, "Kinds of
 * record"). The engine knows no kind by name: it reads every kind the
 * catalogue lists, stores it, saves it, changes it optimistically, undoes,
 * merges and queues its changes through these descriptions.
 *
 * A description is static data plus a few functions for what only that
 * kind knows (a screen's status event, how a screen joins a group). All
 * functions are optional unless said otherwise.
 */

typedef struct _VzResource VzResource;
typedef struct _VzResourceWords VzResourceWords;

/* A field a person can change: the request body's member, the member the
 * server's record has it under, and the entity property that holds it. */
typedef struct {
  const char *key;        /* "name": PATCH body and mutation changes */
  const char *member;     /* "nickname": the record's JSON */
  const char *property;   /* "nickname": the VzEntity property (a string) */
  const char *label;      /* N_("name"): "Changed the name of “Lobby”" */
} VzResourceField;

/*
 * The realtime events that touch a kind. @handle applies one event's
 * payload to @store (a malformed payload is skipped, never fatal) and
 * returns the number of records it named that @store does not hold (the
 * engine re-reads the kind then, once for a burst).
 */
typedef guint (*VzResourceEventFunc) (const VzResource *resource,
                                      VzStore          *store,
                                      GHashTable       *removed,
                                      const char       *event,
                                      JsonNode         *payload);

typedef struct {
  const char          *name;    /* "device:status" */
  VzResourceEventFunc  handle;
} VzResourceEvent;

/*
 * Links: the records of a kind can join records of another kind (a screen
 * joins a group). The engine shows, rolls back, inverts and describes link
 * changes with these; the server's list of the linked kind is the truth and
 * is read again after a link change lands.
 */
typedef struct {
  const char *kind;                          /* the linked kind: "display-group" */
  /* The link a record shows now (nullable): a screen's first group. */
  const char *(*get) (VzEntity *record);
  /* Shows @target_id (nullable) as the record's link; @target is its
   * record when known (for its name). */
  void        (*set) (VzEntity   *record,
                      const char *target_id,
                      VzEntity   *target);
  /* The request that links (or unlinks) @ids to @target_id. */
  void        (*request) (const char * const *ids,
                          guint               n_ids,
                          const char         *target_id,
                          gboolean            link,
                          char              **method,
                          char              **path,
                          JsonNode          **body);
  /* Every record's link, from the linked kind's list (after a read). */
  void        (*derive) (VzStore *records,
                         VzStore *targets);
} VzResourceLink;

struct _VzResource
{
  const char             *name;            /* "display": mutations' entity kind */
  const char             *collection;      /* "/displays": list, and "/displays/<id>" */
  const char             *snapshot_member; /* "displays": its list in the saved fleet */
  GType                 (*entity_type) (void);
  const VzResourceField  *fields;          /* changeable fields, ended by { NULL } */
  /* A bulk delete request ({ids_member: [ids]}, at most 100) or NULL:
   * DELETE collection/<id> one by one. */
  const char             *bulk_delete_path;
  const char             *ids_member;
  const VzResourceEvent  *events;          /* ended by { NULL }; may be NULL */
  const VzResourceLink   *link;            /* NULL: no links */
  const VzResourceWords  *words;           /* vz-sync-words.c */
};

/* The kinds the app knows, in reading order (linked kinds before the kinds
 * that link to them), ended by NULL. */
const VzResource * const *vz_resource_catalogue   (void);
/* The catalogue's kind named @name, or NULL. */
const VzResource         *vz_resource_lookup      (const char       *name);

/* The field whose request member is @key, or NULL. */
const VzResourceField    *vz_resource_find_field  (const VzResource *self,
                                                   const char       *key);
/* The JSON member of the record that holds @key's value (itself when the
 * kind does not rename it). */
const char               *vz_resource_member_for  (const VzResource *self,
                                                   const char       *key);
/* "/displays/<escaped id>" (transfer full). */
char                     *vz_resource_item_path   (const VzResource *self,
                                                   const char       *id);
/* The record's name for people (borrowed from @record; may be NULL). */
const char               *vz_resource_title       (const VzResource *self,
                                                   VzEntity         *record);
/* A changeable field's current value on @record (transfer full, nullable). */
char                     *vz_resource_dup_field   (const VzResource      *self,
                                                   const VzResourceField *field,
                                                   VzEntity              *record);

G_END_DECLS
