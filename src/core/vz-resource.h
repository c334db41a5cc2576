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
  const char *property;   /* "nickname": the VzEntity property: a string,
                           * boolean or integer (-1 reads as null: "not said") */
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

/*
 * What an event that carries whole records says (VzResourceEvent.read):
 * the engine applies it the way it applies a read, with the changes still
 * queued here on top (so a colleague's change merges with pending ones
 * instead of replacing them).
 */
typedef enum {
  VZ_RECORD_EVENT_IGNORE,   /* malformed, or nothing for this kind */
  VZ_RECORD_EVENT_UPSERT,   /* *record is the record as the server has it now */
  VZ_RECORD_EVENT_REMOVE,   /* the record *id is gone */
  VZ_RECORD_EVENT_REREAD,   /* the record *id changed, the event does not say how */
} VzResourceEventAction;

typedef VzResourceEventAction (*VzResourceEventReadFunc) (JsonNode    *payload,
                                                          JsonObject **record,
                                                          const char **id);

/* One of @handle (the kind applies it itself) and @read. */
typedef struct {
  const char              *name;    /* "device:status" */
  VzResourceEventFunc      handle;
  VzResourceEventReadFunc  read;
} VzResourceEvent;

/*
 * Edits: changes to a record that are not a field's new value (a playlist's
 * items: reorder, add, remove, an item's duration). The engine makes them
 * optimistic, undoable and queued like an update, as VZ_MUTATION_OP_EDIT
 * mutations whose "changes" hold {"edit": name, …values} and "previous" the
 * values that undo it, in the same edit's shape. Edits are not sent with
 * If-Match: they merge by construction (apply() on the server's newer
 * record), so there is nothing to conflict.
 */
typedef struct {
  const char *name;      /* "reorder" */
  /* From the record as shown and the caller's @args: *changes (what the
   * edit does) and *previous (what undoes it), both without "edit". TRUE
   * with *changes NULL when nothing would change; FALSE with a sentence for
   * people when @args do not fit the record. */
  gboolean  (*build)   (VzEntity    *record,
                        JsonObject  *args,
                        JsonObject **changes,
                        JsonObject **previous,
                        GError     **error);
  /* Applies @values (a change's or its previous) to @record, the record in
   * its JSON form (as the server lists it), in place. What @values name that
   * @record no longer has is skipped: this is also how a pending edit goes
   * on top of a colleague's newer version. */
  void      (*apply)   (JsonObject  *record,
                        JsonObject  *values);
  /* The same on the record object itself, in place (a list view's rows stay
   * put); may be NULL: the engine then goes through apply() and the JSON
   * form, which costs a list of thousands of items tens of milliseconds. */
  void      (*show)    (VzEntity    *record,
                        JsonObject  *values);
  /* The request that makes @values so on the server. @after is the record
   * as it will be once the edit landed, in its JSON form (later pending
   * changes not applied), when the engine read it from the server; when
   * NULL, @record as it shows before the edit is to be used instead. */
  void      (*request) (VzEntity    *record,
                        JsonObject  *values,
                        JsonObject  *after,
                        char       **method,
                        char       **path,
                        JsonNode   **body);
  /* After the change landed: the id the server gave to what @values
   * created under a local id (an item added here), read from the server's
   * @answer; FALSE when it created nothing or the answer does not say. The
   * engine then reads the server's id wherever a later change names the
   * local one. May be NULL. */
  gboolean  (*named)   (JsonObject  *values,
                        JsonNode    *answer,
                        const char **local_id,
                        const char **server_id);
  /* The request needs the record as the server has it when the change
   * goes (a reorder names every item): the engine reads it first. */
  gboolean    read_first;
  /* Only an administrator may make it (the platform's @Roles('admin'),
   * as on removing a playlist's item): a manager is refused at once with
   * this sentence (N_()); NULL: anyone who may write. */
  const char *admin_only;
  const char *did;       /* N_("Reordered “%s”") */
  const char *todo;      /* N_("Reorder “%s”") */
} VzResourceEdit;

/* A figure a kind's records show that another kind's records hold (how
 * many screens play a playlist), computed again after every read of
 * either kind and every change to a record of @from. */
typedef struct {
  const char *from;                              /* "display" */
  void      (*derive) (VzStore *records,
                       VzStore *from);
} VzResourceDerive;

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

/*
 * Making a deleted record again: Undo after its delete reached the server.
 * When a record is deleted, the engine keeps it as it showed (its JSON form)
 * in the delete's "previous", with the records of other kinds that named
 * it; Undo then creates it again and points those records at the new one.
 */
typedef struct {
  const char *kind;      /* "display" */
  const char *key;       /* "currentPlaylistId": a field of that kind that names
                          * the record (VzResourceField.key) */
  /* The server deletes those records with it (a playlist's schedules): they
   * are kept whole too, and made again (their kind's restore) naming the
   * new record. FALSE: they stay, and are pointed at the new record. */
  gboolean    cascade;
} VzResourceReferrer;

typedef struct {
  /* The body of the create request (POST to the kind's create path) that
   * makes @saved again (transfer full); NULL with a sentence for people in
   * @error when it cannot be made again (content whose file is gone). */
  JsonObject               *(*body) (JsonObject  *saved,
                                     GError     **error);
  const VzResourceReferrer  *referrers;   /* ended by { NULL }; may be NULL */
  /* Records of @linked_kind (whose VzResourceLink names this kind) that
   * were linked to the record, read from its saved copy (a group's
   * screens): they are linked to it again once it is made. May be NULL. */
  const char                *linked_kind;
  GStrv                    (*linked) (JsonObject *saved);
  /* Records of @holder_kind that hold the record among their own parts
   * (the playlists whose items play a content item: the server takes those
   * items out with it). At delete time @held says what of @holder held
   * record @id (transfer full; NULL: nothing), kept with the delete; once
   * the record is made again as @new_id (@made: the server's record),
   * @hold_again gives the edits of @holder that put it back, as
   * [{"edit": name, "changes": {…}, "previous": {…}}] with "edit" named
   * in both values (transfer full; NULL: none), queued with the Undo as
   * one batch per holder. May be NULL. */
  const char                *holder_kind;
  JsonNode                 *(*held)       (VzEntity   *holder,
                                           const char *id);
  JsonArray                *(*hold_again) (VzEntity   *holder,
                                           JsonNode   *held,
                                           const char *new_id,
                                           JsonObject *made);
} VzResourceRestore;

struct _VzResource
{
  const char             *name;            /* "display": mutations' entity kind */
  const char             *collection;      /* "/displays": list, and "/displays/<id>" */
  const char             *create_path;     /* POST here to create one; NULL: the collection */
  const char             *snapshot_member; /* "displays": its list in the saved fleet */
  GType                 (*entity_type) (void);
  const VzResourceField  *fields;          /* changeable fields, ended by { NULL } */
  /* A bulk delete request ({ids_member: [ids]}, at most 100) or NULL:
   * DELETE collection/<id> one by one. */
  const char             *bulk_delete_path;
  const char             *ids_member;
  const VzResourceEvent  *events;          /* ended by { NULL }; may be NULL */
  const VzResourceLink   *link;            /* NULL: no links */
  const VzResourceEdit   *edits;           /* ended by { NULL }; may be NULL */
  const VzResourceDerive *derive;          /* NULL: none */
  /* NULL: a delete that reached the server cannot be undone; the words'
   * no_undelete says why. */
  const VzResourceRestore *restore;
  const VzResourceWords  *words;           /* vz-sync-words.c */
  /* A server that answers the list with 404 does not offer the kind (a
   * [local] extension, an older server): its store stays empty. */
  gboolean                optional;
  /* The list comes whole as one array, without ?page= and ?limit=. */
  gboolean                unpaged;
  /* No page the app opens on shows the kind: its saved records are read
   * and shown after the others' (the first frame does not wait for them). */
  gboolean                snapshot_later;
  /* Only an administrator may delete one (the platform's @Roles('admin')
   * on its DELETE): a manager is refused at once, before anything shows. */
  gboolean                admin_delete;
};

/* The kinds the app knows, in reading order (linked kinds before the kinds
 * that link to them), ended by NULL. */
const VzResource * const *vz_resource_catalogue   (void);
/* The catalogue's kind named @name, or NULL. */
const VzResource         *vz_resource_lookup      (const char       *name);

/* Reads a "<kind>:updated" event {<id_member>, action: created|updated|
 * deleted|…, <record_member>?, updatedAt} (the local server's
 * playlist:updated and schedule:updated): removes on "deleted", upserts the
 * record it carries, else the record is read again. */
VzResourceEventAction     vz_resource_read_updated_event (JsonNode    *payload,
                                                          const char  *id_member,
                                                          const char  *record_member,
                                                          JsonObject **record,
                                                          const char **id);

/* The field whose request member is @key, or NULL. */
const VzResourceField    *vz_resource_find_field  (const VzResource *self,
                                                   const char       *key);
/* The edit named @name, or NULL. */
const VzResourceEdit     *vz_resource_find_edit   (const VzResource *self,
                                                   const char       *name);
/* Builds @edit on @record from @args (VzResourceEdit.build) and names the
 * edit in both values ("edit"). TRUE with *changes NULL: nothing to do. */
gboolean                  vz_resource_build_edit   (const VzResourceEdit  *edit,
                                                    VzEntity              *record,
                                                    JsonObject            *args,
                                                    JsonObject           **changes,
                                                    JsonObject           **previous,
                                                    GError               **error);
/* The request that makes @values (an edit's changes or previous) so on
 * @record as it shows now (all transfer full; *body nullable). */
void                      vz_resource_edit_request (const VzResourceEdit  *edit,
                                                    VzEntity              *record,
                                                    JsonObject            *values,
                                                    char                 **method,
                                                    char                 **path,
                                                    JsonNode             **body);
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
/* A changeable field's current value on @record as text (transfer full,
 * nullable: NULL, or the JSON text of a boolean or number). */
char                     *vz_resource_dup_field   (const VzResource      *self,
                                                   const VzResourceField *field,
                                                   VzEntity              *record);
/* The same as a JSON value, as the request would carry it: a string, a
 * boolean, an integer, or null (transfer full). */
JsonNode                 *vz_resource_dup_field_node (const VzResource      *self,
                                                      const VzResourceField *field,
                                                      VzEntity              *record);
/* @value (null, or a string, boolean or integer) is a value @field can take. */
gboolean                  vz_resource_field_fits  (const VzResource      *self,
                                                   const VzResourceField *field,
                                                   VzEntity              *record,
                                                   JsonNode              *value);
/* Copies the members @members (ended by NULL) of @from that are there and
 * not null into @to: a create body from a record's saved copy. */
void                      vz_resource_copy_members (JsonObject         *from,
                                                    JsonObject         *to,
                                                    const char * const *members);
/* The record in its JSON form (VzEntityClass.to_json, parsed; transfer full). */
JsonObject               *vz_resource_record_json (VzEntity         *record);

G_END_DECLS
