/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "vz-entity.h"

G_BEGIN_DECLS

/*
 * Decoding helpers shared by the entity subclasses. Each reads one member of
 * @obj with a type check and reports a wrong type as a VZ_API_ERROR
 * (INVALID_RESPONSE) sentence naming the member; an absent member sets
 * *present = FALSE and is not an error (partial updates from events).
 * Values are borrowed from @obj. @what names the kind of record for the
 * error sentence; pass it untranslated, marked with N_().
 */
gboolean _vz_json_get_string  (JsonObject  *obj,
                               const char  *member,
                               const char  *what,
                               gboolean     nullable,
                               gboolean    *present,
                               const char **out,
                               GError     **error);
gboolean _vz_json_get_boolean (JsonObject  *obj,
                               const char  *member,
                               const char  *what,
                               gboolean    *present,
                               gboolean    *out,
                               GError     **error);
/* Numbers: integers or reals; JSON null gives @null_value. */
gboolean _vz_json_get_double  (JsonObject  *obj,
                               const char  *member,
                               const char  *what,
                               gdouble      null_value,
                               gboolean    *present,
                               gdouble     *out,
                               GError     **error);
/* Whole counts (seconds, bytes): a number rounded to an integer; JSON null,
 * a negative value or one no gint64 holds reads as -1 ("not said"). */
gboolean _vz_json_get_count   (JsonObject  *obj,
                               const char  *member,
                               const char  *what,
                               gboolean    *present,
                               gint64      *out,
                               GError     **error);
/* Object or array members; JSON null sets *out = NULL. */
gboolean _vz_json_get_object  (JsonObject  *obj,
                               const char  *member,
                               const char  *what,
                               gboolean    *present,
                               JsonObject **out,
                               GError     **error);
gboolean _vz_json_get_array   (JsonObject  *obj,
                               const char  *member,
                               const char  *what,
                               gboolean    *present,
                               JsonArray  **out,
                               GError     **error);

/*
 * Writing records as JSON text (VzEntityClass.to_json): straight into one
 * GString, which keeps saving 10,000 screens to a few tens of milliseconds.
 * put_member() writes `,"name":value`; a NULL string is null, and so is a
 * number that is -1 (the objects' "unknown") or not finite.
 */
void     _vz_json_put_string  (GString     *out,
                               const char  *value);
void     _vz_json_put_member  (GString     *out,
                               const char  *name,
                               const char  *value);
void     _vz_json_put_number  (GString     *out,
                               const char  *name,
                               double       value);

/* Replaces *field with a copy of @value; TRUE if it really changed. */
gboolean _vz_set_string       (char       **field,
                               const char  *value);

/*
 * Strings that many records repeat (times, kinds, titles, the ids of other
 * records, a screen's time zone): one copy of each, counted, kept while a
 * field holds it (10,000 screens' "UTC" are one string). _vz_set_shared_string()
 * replaces *field (NULL or a shared string) with the shared copy of @value;
 * TRUE if it really changed. A shared field is freed with
 * _vz_clear_shared_string(), never g_free(). Thread-safe: snapshots decode
 * records in a worker. _vz_shared_strings_count(): distinct strings held.
 */
gboolean _vz_set_shared_string   (char       **field,
                                  const char  *value);
void     _vz_clear_shared_string (char       **field);
guint    _vz_shared_strings_count (void);

G_END_DECLS

G_BEGIN_DECLS

/*
 * Where the entity sits in its VzStore, kept by the store so that removal
 * does not have to search. It is a hint: the store checks it before use.
 */
guint _vz_entity_get_position_hint (VzEntity *self);
void  _vz_entity_set_position_hint (VzEntity *self,
                                    guint     position);

/* The VzStore the entity was last put in (not referenced; NULL: none). Its
 * property changes go to that store's "item-notify" while the store holds
 * it (main thread). */
void  _vz_entity_set_store (VzEntity *self,
                            gpointer  store);

/* TRUE while vz_entity_new_from_json() fills the object: skip notifications. */
gboolean _vz_entity_is_constructing (VzEntity *self);

G_END_DECLS
